/*
 * topics - the topic of a post, who gets it, and members' choices
 *
 * A list with the setting "topics" gives each post a topic: a reply
 * takes the topic of the thread it replies in (the thread of its nearest
 * archived ancestor, which took the topic of its first message with
 * one); any other post the first known tag of its Subject (lib/topic).
 * Every copy then carries Keywords: and X-Moim-Topic: (the latter is
 * ours: an incoming one is stripped with the other internal headers).
 * A member who muted the topic gets no copy; a member who follows topics
 * gets only posts of those (not posts without a topic). Only choices of
 * topics the list still has count: when the owner removes a topic from
 * "topics", a mute of it is ignored, and a member who followed only
 * removed topics gets every post again; "topics" shows such choices as
 * no longer offered. With
 * topic_required = yes, a member's post without a known topic is held
 * for the moderators, and its author is told the topics.
 *
 * Commands to L-request@D: "topics" (주제) mails the list's topics and
 * the member's choice; "mute TOPIC" (끄기), "follow TOPIC" (받기) and
 * "all" (전체) change what the member receives, so, as digest and nomail,
 * they wait for the member's confirmation of a mailed token (From is a
 * claim); an unknown topic is answered at once with the list's topics.
 */
#include <string.h>

#include "archive.h"
#include "commands.h"
#include "confirm.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "topic.h"
#include "topics.h"

/* the result of "topics": the topics mail is the answer */
const char topics_listed[] = "topics sent";

/* thread_topic - the topic of the thread the post replies in, if it is
 * still one of the list's topics, else NULL */
static bool
thread_topic(
    struct job *j, const char *const *topics, const char **t_out, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	struct archive_doc *d = NULL;
	gint64 tid = 0;
	g_autofree char *t = NULL;
	bool ok;

	*t_out = NULL;
	if (!archive_doc_parse(raw, len, &d, err))
		return false;
	ok = true;
	for (guint i = d->refs->len; ok && i > 0 && tid == 0; i--)
		ok = store_archive_thread_of(j->s, j->t.list->id,
		    g_ptr_array_index(d->refs, i - 1), &tid, err);
	if (ok && tid != 0)
		ok = store_topic_of_thread(j->s, tid, &t, err);
	if (ok && t != NULL)
		*t_out = topic_find(topics, t, strlen(t));
	archive_doc_free(d);
	return ok;
}

/* topics_of_post - the post's topic (a copy), or NULL: its thread's, else
 * its Subject's first known tag */
bool
topics_of_post(struct job *j, char **topic_out, GError **err)
{
	const struct listset *ls = &j->t.list->set;
	g_auto(GStrv) topics = listset_topics(ls);
	g_autofree char *prefix = listset_prefix(ls);
	const char *t = NULL;

	*topic_out = NULL;
	if (topics[0] == NULL)
		return true;
	if (!thread_topic(j, (const char *const *)topics, &t, err))
		return false;
	if (t == NULL)
		t = topic_of_subject(
		    j->subject, prefix, (const char *const *)topics);
	*topic_out = g_strdup(t);
	return true;
}

/* topics_required_why - why a post must wait, or NULL when it may go:
 * topic_required is on and the post has no known topic */
bool
topics_required_why(struct job *j, char **why_out, GError **err)
{
	const struct listset *ls = &j->t.list->set;
	g_autofree char *topic = NULL;
	g_auto(GStrv) topics = NULL;
	GString *why;

	*why_out = NULL;
	if (!ls->topic_required)
		return true;
	if (!topics_of_post(j, &topic, err))
		return false;
	topics = listset_topics(ls);
	if (topic != NULL || topics[0] == NULL)
		return true;
	why =
	    g_string_new("this list asks for a topic in the Subject, one of:");
	for (char **t = topics; *t != NULL; t++)
		g_string_append_printf(why, " [%s]", *t);
	g_string_append(why, " (or #topic); send it again with one");
	*why_out = g_string_free(why, FALSE);
	return true;
}

/* topics_mark_copy - Keywords: and X-Moim-Topic: on the prepared copy */
bool
topics_mark_copy(struct job *j, const char *topic, GError **err)
{
	GMimeObject *o = GMIME_OBJECT(j->msg);

	if (topic == NULL)
		return true;
	return mime_set_header(o, "Keywords", topic, err) &&
	    mime_set_header(o, "X-Moim-Topic", topic, err);
}

/* member_gets - whether the member's choices (picks[*i..] while they are
 * the member's) let a post of topic through, counting only choices of
 * the list's topics now; *i moves past them */
static bool
member_gets(GPtrArray *picks, guint *i, gint64 member_id,
    const char *const *topics, const char *topic)
{
	g_autoptr(GPtrArray) follows = g_ptr_array_new();
	g_autoptr(GPtrArray) mutes = g_ptr_array_new();

	for (; *i < picks->len; (*i)++) {
		const struct store_topic_pick *p = picks->pdata[*i];

		if (p->member_id > member_id)
			break;
		if (p->member_id < member_id)
			continue;
		g_ptr_array_add(
		    p->choice == STORE_TOPIC_MUTE ? mutes : follows, p->topic);
	}
	g_ptr_array_add(follows, NULL);
	g_ptr_array_add(mutes, NULL);
	return topic_delivers(topic, topics,
	    (const char *const *)follows->pdata,
	    (const char *const *)mutes->pdata);
}

static gint
by_id(gconstpointer a, gconstpointer b)
{
	const struct store_member *x = *(struct store_member *const *)a;
	const struct store_member *y = *(struct store_member *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* topics_keep - leave in members only those who get a post of topic */
bool
topics_keep(struct job *j, const char *topic, GPtrArray *members, GError **err)
{
	g_auto(GStrv) topics = listset_topics(&j->t.list->set);
	GPtrArray *picks;
	guint i = 0, k = 0, n;

	picks = store_topic_list_picks(j->s, j->t.list->id, err);
	if (picks == NULL)
		return false;
	if (picks->len > 0) {
		/* picks come by member id: walk both in that order */
		g_ptr_array_sort(members, by_id);
		while (k < members->len) {
			const struct store_member *m = members->pdata[k];

			if (member_gets(picks, &i, m->id,
				(const char *const *)topics, topic))
				k++;
			else
				g_ptr_array_remove_index(members, k);
		}
	}
	n = picks->len;
	g_ptr_array_unref(picks);
	if (n > 0)
		log_info("post: list=%s topic=%s recipients after choices=%u",
		    j->t.list->address, topic ? topic : "-", members->len);
	return true;
}

/* topics_archived - keep the topic on the archived post and its thread */
bool
topics_archived(struct job *j, const char *topic, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	struct archive_doc *d = NULL;
	bool ok;

	if (topic == NULL)
		return true;
	if (!archive_doc_parse(raw, len, &d, err))
		return false;
	ok = store_topic_set_message(
	    j->s, j->t.list->id, d->message_id, topic, err);
	archive_doc_free(d);
	return ok;
}

/* ------------------------------------------------------------ commands */

/* picks_text - the member's choices of one kind, one space apart, or
 * "-"; a choice of a topic the list no longer has is marked as gone
 * (it is ignored, topic_delivers()) */
static char *
picks_text(GPtrArray *picks, enum store_topic_choice c,
    const char *const *topics, const char *lang)
{
	const char *gone = strcmp(lang, "ko") == 0
	    ? "(없어진 주제라 적용되지 않음)"
	    : "(no longer offered: ignored)";
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < picks->len; i++) {
		const struct store_topic_pick *p = picks->pdata[i];

		if (p->choice != c)
			continue;
		g_string_append_printf(s, "%s%s", s->len ? " " : "", p->topic);
		if (!topic_is_offered(topics, p->topic))
			g_string_append_printf(s, " %s", gone);
	}
	if (s->len == 0)
		g_string_append_c(s, '-');
	return g_string_free(s, FALSE);
}

/* topics_mail - the "topics" mail: the list's topics, the member's
 * choice */
static bool
topics_mail(struct job *j, const struct store_member *m, GError **err)
{
	GPtrArray *picks = store_topic_picks(j->s, m->id, err);
	g_auto(GStrv) topics = listset_topics(&j->t.list->set);
	const char *const *tv = (const char *const *)topics;
	const char *lang = j->t.list->set.language;
	GHashTable *v;
	bool ok;

	if (picks == NULL)
		return false;
	v = notice_vars(j, m->address);
	g_hash_table_insert(v, "topics",
	    g_strdup(*j->t.list->set.topics ? j->t.list->set.topics : "-"));
	g_hash_table_insert(
	    v, "followed", picks_text(picks, STORE_TOPIC_FOLLOW, tv, lang));
	g_hash_table_insert(
	    v, "muted", picks_text(picks, STORE_TOPIC_MUTE, tv, lang));
	ok = notice_queue(j, "topics", m->address, v, NULL, err);
	g_hash_table_unref(v);
	g_ptr_array_unref(picks);
	return ok;
}

/* topic_change - mute, follow or all for member m, confirmed */
static bool
topic_change(struct job *j, const struct cmd *c, const struct store_member *m,
    const char *topic, const char **result_out, GError **err)
{
	bool ok;

	if (c->verb == CMD_ALL) {
		ok = store_topic_clear(j->s, m->id, err);
		*result_out = "every topic again";
	} else if (c->verb == CMD_MUTE) {
		ok = store_topic_choose(
		    j->s, m->id, topic, STORE_TOPIC_MUTE, err);
		*result_out = "muted: its posts no longer arrive";
	} else {
		ok = store_topic_choose(
		    j->s, m->id, topic, STORE_TOPIC_FOLLOW, err);
		*result_out = "followed: only the topics you follow arrive";
	}
	if (ok)
		log_info("list=%s %s %s: %s", j->t.list->address, m->address,
		    cmd_verb_name(c->verb), topic ? topic : "all");
	return ok;
}

/* unknown_topic - the answer to a topic the list does not have */
static void
unknown_topic(struct job *j, const char **result_out)
{
	const char *t = j->t.list->set.topics;

	g_free(j->reply);
	j->reply = *t ? g_strdup_printf("no such topic; the topics: %s", t)
		      : g_strdup("this list has no topics");
	*result_out = j->reply;
}

/* topics_command - "topics", "mute TOPIC", "follow TOPIC", "all" */
bool
topics_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err)
{
	g_auto(GStrv) topics = listset_topics(&j->t.list->set);
	struct store_member *m = NULL;
	const char *topic = NULL;
	bool ok = true;

	if (!store_member_get(
		j->s, j->t.list->id, addr_canonical(job_speaker(j)), &m, err))
		return false;
	*result_out = "not a member";
	if (m == NULL)
		return true;
	if (c->verb == CMD_TOPICS) {
		*result_out = topics_listed;
		ok = topics_mail(j, m, err);
		goto out;
	}
	if (c->verb != CMD_ALL &&
	    (topic = topic_find((const char *const *)topics, c->arg,
		 strlen(c->arg))) == NULL) {
		unknown_topic(j, result_out);
		goto out;
	}
	if (j->confirmed_as == NULL)
		ok = confirm_ask_command(j, c, result_out, err);
	else
		ok = topic_change(j, c, m, topic, result_out, err);
out:
	store_member_free(m);
	return ok;
}
