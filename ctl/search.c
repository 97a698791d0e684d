/*
 * search - moimctl's archive search verb, apart from ctl/archive.c so that
 * moimctl's front (front.c) serves it without linking MIME code
 *
 * DESCRIPTION
 *	archive search L QUERY [--json] [--limit N] prints the best matches
 *	with date, sender, subject, Message-ID, thread and a snippet (query
 *	syntax: archive.h, moimctl(8)).
 */
#include <stdio.h>

#include "archive.h"
#include "ctl.h"
#include "json.h"

#define SEARCH_LIMIT 20

/* hit_json - one search result as a JSON object */
static void
hit_json(GString *out, const struct store_archive_entry *h)
{
	g_autofree char *date = ctl_time(h->date);
	bool first = true;

	g_string_append_c(out, '{');
	json_str_member(out, &first, "message_id", h->message_id);
	json_str_member(out, &first, "date", date);
	json_str_member(out, &first, "from", h->from_addr);
	json_str_member(out, &first, "from_name", h->from_name);
	json_str_member(out, &first, "subject", h->subject);
	json_int_member(out, &first, "thread", h->thread_id);
	json_str_member(out, &first, "snippet", h->snippet);
	g_string_append_c(out, '}');
}

/* hit_text - one search result for a terminal */
static void
hit_text(GString *out, const struct store_archive_entry *h)
{
	g_autofree char *date = ctl_time(h->date);
	g_autofree char *from = ctl_printable(h->from_name ? h->from_name
		: h->from_addr				   ? h->from_addr
							   : "?");
	g_autofree char *subject = ctl_printable(h->subject);
	g_autofree char *id = ctl_printable(h->message_id);
	g_autofree char *snippet = ctl_printable(h->snippet);

	g_string_append_printf(out,
	    "%s  %s  %s\n    <%s> thread %" G_GINT64_FORMAT "\n    %s\n", date,
	    from, subject, id, h->thread_id, snippet);
}

/* print_hits - the results, as text or JSON */
static void
print_hits(
    const char *query, GPtrArray *hits, gint64 total, double ms, bool json)
{
	g_autoptr(GString) out = g_string_new(NULL);
	bool first = true;

	if (json) {
		g_string_append_c(out, '{');
		json_str_member(out, &first, "query", query);
		json_int_member(out, &first, "total", total);
		json_key(out, &first, "took_ms");
		g_string_append_printf(out, "%.3f", ms);
		json_key(out, &first, "hits");
		g_string_append_c(out, '[');
	}
	for (guint i = 0; i < hits->len; i++) {
		if (json && i > 0)
			g_string_append_c(out, ',');
		if (json)
			hit_json(out, g_ptr_array_index(hits, i));
		else
			hit_text(out, g_ptr_array_index(hits, i));
	}
	if (json)
		g_string_append(out, "]}\n");
	else
		g_string_append_printf(
		    out, "%" G_GINT64_FORMAT " messages\n", total);
	fputs(out->str, stdout);
}

/* ctl_archive_search - archive search L QUERY [--json] [--limit N] */
int
ctl_archive_search(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	g_autoptr(GPtrArray) hits = NULL;
	const char *lim = ctl_opt(a, "limit");
	gint64 total = 0, t0;
	int limit = SEARCH_LIMIT;
	GError *e = NULL;

	if (lim != NULL &&
	    !g_ascii_string_to_signed(lim, 10, 0, G_MAXINT, &total, NULL)) {
		ctl_err("%s: --limit %s: not a number", c->verb, lim);
		return CTL_USAGE;
	}
	if (lim != NULL)
		limit = (int)total; /* 0: every match */
	/* One snapshot for the list, the hits and their total (and SQLite
	 * takes its read lock once, not once a statement). */
	if (!store_read_begin(c->store, &e))
		return ctl_fail(c, e);
	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e)) {
		store_rollback(c->store);
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	}
	t0 = g_get_monotonic_time();
	hits =
	    archive_search(c->store, l->id, ctl_arg(a, 1), limit, &total, &e);
	store_list_free(l);
	if (hits == NULL || !store_commit(c->store, &e)) {
		store_rollback(c->store);
		return ctl_fail(c, e);
	}
	print_hits(ctl_arg(a, 1), hits, total,
	    (g_get_monotonic_time() - t0) / 1000.0, ctl_opt(a, "json") != NULL);
	return CTL_OK;
}
