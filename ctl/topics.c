/*
 * topics - moimctl's view of a list's archive by topic
 *
 * DESCRIPTION
 *	archive threads L [--topic T] [--json] [--limit N] prints the
 *	list's threads, the latest message first: with --topic, only the
 *	threads of that topic (a thread's topic is that of its first post
 *	with one, SPEC "Topics"), T as the list's "topics" setting spells
 *	it or in another case of its Latin letters. One line per thread:
 *	the date of its last message, the number of messages, the subject
 *	of its first, then its first Message-ID and thread number.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "json.h"
#include "topic.h"

#define THREADS_LIMIT 50

/* thread_text - one thread for a terminal */
static void
thread_text(GString *out, const struct store_web_thread *t)
{
	g_autofree char *date = ctl_time(t->last_date);
	g_autofree char *subject = ctl_printable(t->subject ? t->subject : "");
	g_autofree char *id = ctl_printable(t->message_id ? t->message_id : "");

	g_string_append_printf(out,
	    "%s  %3" G_GINT64_FORMAT "  %s\n    <%s> thread %" G_GINT64_FORMAT
	    "\n",
	    date, t->count, subject, id, t->id);
}

/* thread_json - one thread as a JSON object */
static void
thread_json(GString *out, const struct store_web_thread *t)
{
	g_autofree char *first = ctl_time(t->first_date);
	g_autofree char *last = ctl_time(t->last_date);
	bool f = true;

	g_string_append_c(out, '{');
	json_int_member(out, &f, "thread", t->id);
	json_str_member(out, &f, "message_id", t->message_id);
	json_str_member(out, &f, "subject", t->subject);
	json_str_member(out, &f, "first", first);
	json_str_member(out, &f, "last", last);
	json_int_member(out, &f, "count", t->count);
	g_string_append_c(out, '}');
}

/* print_threads - the threads, as text or JSON */
static void
print_threads(GPtrArray *ts, bool json)
{
	g_autoptr(GString) out = g_string_new(json ? "[" : "");

	for (guint i = 0; i < ts->len; i++) {
		if (json && i > 0)
			g_string_append_c(out, ',');
		if (json)
			thread_json(out, ts->pdata[i]);
		else
			thread_text(out, ts->pdata[i]);
	}
	if (json)
		g_string_append(out, "]\n");
	else
		g_string_append_printf(out, "%u threads\n", ts->len);
	fputs(out->str, stdout);
}

/* ctl_archive_threads - archive threads L [--topic T] [--json]
 * [--limit N] */
int
ctl_archive_threads(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	g_autoptr(GPtrArray) ts = NULL;
	g_auto(GStrv) topics = NULL;
	const char *lim = ctl_opt(a, "limit"), *want = ctl_opt(a, "topic");
	const char *topic = NULL;
	gint64 n = THREADS_LIMIT;
	GError *e = NULL;

	if (lim != NULL &&
	    !g_ascii_string_to_signed(lim, 10, 1, 100000, &n, NULL)) {
		ctl_err("%s: --limit %s: not a number from 1", c->verb, lim);
		return CTL_USAGE;
	}
	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	topics = listset_topics(&l->set);
	if (want != NULL &&
	    (topic = topic_find(
		 (const char *const *)topics, want, strlen(want))) == NULL) {
		g_autofree char *w = ctl_printable(want);

		ctl_err("%s: %s has no topic \"%s\" (topics: %s)", c->verb,
		    l->address, w, *l->set.topics ? l->set.topics : "none");
		store_list_free(l);
		return CTL_USER;
	}
	ts = topic != NULL
	    ? store_web_threads_topic(c->store, l->id, topic, (int)n, &e)
	    : store_web_threads_active(c->store, l->id, (int)n, &e);
	store_list_free(l);
	if (ts == NULL) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return CTL_USER;
	}
	print_threads(ts, ctl_opt(a, "json") != NULL);
	return CTL_OK;
}
