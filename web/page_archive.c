/*
 * page_archive - moim-web's archive pages: lists, list, month, thread,
 * raw, mbox, Atom feed, search and the stylesheet
 *
 * SYNOPSIS
 *	void page_lists(struct web_ctx *c);
 *	void page_list(struct web_ctx *c);
 *	void page_month(struct web_ctx *c, const char *month);
 *	void page_message(struct web_ctx *c, const char *msgid);
 *	void page_raw(struct web_ctx *c, const char *msgid);
 *	void page_mbox(struct web_ctx *c, const char *msgid);
 *	void page_atom(struct web_ctx *c);
 *	void page_search(struct web_ctx *c);
 *	void page_style(struct web_ctx *c);
 * DESCRIPTION
 *	The read-only pages of SPEC "Web" that show a list's archive, in
 *	the manner of public-inbox: plain HTML, stable URLs keyed by
 *	Message-ID, no script. route.c has already resolved c->list and
 *	checked that the visitor may read it (web_may_read()).
 *
 *	Everything from mail is escaped (html_esc()); a message is shown
 *	as the archive's decoded text, never as its HTML. Senders are shown
 *	by name and address-like words in texts lose their domain, so that
 *	no page gives away an address to harvest; quotes are folded into
 *	<details> (lib/webtext decides all three). Times are in [moim]
 *	timezone.
 *
 *	The list page draws the last twelve months' threads and posts as
 *	an inline SVG strip; it uses classes and presentation attributes
 *	only, since the Content-Security-Policy forbids inline styles.
 *	On a list with topics it links each topic: ?topic=T shows that
 *	topic's threads instead of the latest ones (a word that is not one
 *	of the list's topics is ignored).
 *
 *	raw is the message as received, as text/plain sent as an attachment
 *	(a browser neither sniffs nor renders it); raw?a=N is its N-th
 *	attachment (lib/archive's order) as application/octet-stream, also
 *	an attachment, the file name percent-encoded; t.mbox.gz is the thread
 *	as mboxrd (archive_mbox_append()) compressed with gzip. new.atom is
 *	RFC 4287 with the 25 newest threads. search runs
 *	archive_search_newest(), newest first, over
 *	the index and rules of "moimctl archive search".
 *
 *	page_style() serves [moim] templates/web/style.css, read once.
 * INPUT AND LIMITS
 *	msgid, month and the query are untrusted: a bad month answers 404,
 *	a bad page number 400. Pages are bounded: WEB_MONTH_PAGE threads a
 *	page, WEB_SEARCH_PAGE results a page (at most WEB_SEARCH_PAGES
 *	pages, within the 1,000 matches counted, newest first), a thread page
 *	at most WEB_THREAD_MAX messages and texts only up to
 *	WEB_THREAD_TEXT bytes of HTML, an mbox up to about WEB_MBOX_MAX.
 * THREADS
 *	Called on any serving thread with its own store; the stylesheet
 *	is read once under g_once.
 * ERRORS
 *	A store error answers 500 (logged); nothing found answers 404.
 * SEE ALSO
 *	SPEC "Web", web/web.h, lib/archive.h, lib/store.h ("web archive
 *	pages"), RFC 4287, RFC 4155.
 */
#include <string.h>

#include <gio/gio.h>

#include "archive.h"
#include "err.h"
#include "log.h"
#include "topic.h"
#include "web.h"
#include "weblink.h"
#include "webtext.h"

/* The bounds of the pages, so that each costs a bounded number of
 * indexed queries and bytes. */
#define WEB_MONTH_PAGE 50 /* threads on a month page */
#define WEB_RECENT 20 /* recent threads on the list page */
#define WEB_EVENTS 10 /* upcoming events on the list page */
#define WEB_STRIP_MONTHS 12 /* months in the activity strip */
#define WEB_MONTHS_MAX 1200 /* month links: a century */
#define WEB_SEARCH_PAGE 20 /* results a page */
#define WEB_SEARCH_PAGES 50 /* pages: the 1,000 matches counted */
#define WEB_THREAD_MAX 1000 /* messages on a thread page */
/* Past this much HTML, a thread page shows further messages without
 * their text (each has a link to its own page). */
#define WEB_THREAD_TEXT (4 * 1024 * 1024)
/* A thread's mbox takes no further message once past this. */
#define WEB_MBOX_MAX (64 * 1024 * 1024)
#define WEB_FEED 25 /* threads in new.atom */
#define WEB_FEED_TEXT 2000 /* bytes of a thread's first text in the feed */
#define WEB_DEPTH_MAX 8 /* indentation classes d0..d8 of style.css */

/* ------------------------------------------------------------- helpers */

/* vars_new - the variables of one template: static keys, owned values */
static GHashTable *
vars_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
}

/* var - set key to value (taken; NULL becomes "") */
static void
var(GHashTable *v, const char *key, char *value)
{
	g_hash_table_insert(v, (gpointer)key, value ? value : g_strdup(""));
}

/* fail - answer 500 and log why */
static void
fail(struct web_ctx *c, const char *what, GError *e)
{
	log_error("web: %s: %s", what, e ? e->message : "template");
	g_clear_error(&e);
	web_error(c, 500);
}

/* show - render template name into a page of title; 500 if it fails */
static void
show(struct web_ctx *c, const char *name, const char *title, GHashTable *v)
{
	g_autoptr(GString) body = g_string_new(NULL);

	if (!web_tpl(c, name, v, body)) {
		fail(c, name, NULL);
		return;
	}
	web_page(c, 200, title, body);
}

/* list_url - the URL of path under the list, "L@D/" + rest */
static char *
list_url(struct web_ctx *c, const char *rest)
{
	g_autofree char *seg = weblink_segment(c->list->address);
	g_autofree char *path = g_strconcat(seg, "/", rest, NULL);

	return web_url(c, path);
}

/* msg_url - the URL of a message's page (suffix "" or "raw", ...) */
static char *
msg_url(struct web_ctx *c, const char *message_id, const char *suffix)
{
	g_autofree char *seg = weblink_segment(message_id);
	g_autofree char *rest = g_strconcat("m/", seg, "/", suffix, NULL);

	return list_url(c, rest);
}

/* tz - the time zone of pages ([moim] timezone): made once, since GLib
 * reads the zone file each time it makes one; a reference for the caller */
static GTimeZone *
tz(struct web_ctx *c)
{
	static gsize once;
	static GTimeZone *zone;
	const char *id = c->w->cfg->timezone;
	GTimeZone *z;

	if (g_once_init_enter(&once)) {
		zone = g_time_zone_new_identifier(id);
		if (zone == NULL)
			zone = g_time_zone_new_utc();
		g_once_init_leave(&once, 1);
	}
	if (g_strcmp0(g_time_zone_get_identifier(zone), id) == 0)
		return g_time_zone_ref(zone);
	z = g_time_zone_new_identifier(id);
	return z ? z : g_time_zone_new_utc();
}

/* when_in - t as "YYYY-MM-DD HH:MM" in z */
static char *
when_in(GTimeZone *z, gint64 t)
{
	g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) d = u ? g_date_time_to_timezone(u, z) : NULL;

	return d ? g_date_time_format(d, "%Y-%m-%d %H:%M") : g_strdup("?");
}

/* when - t in the pages' time zone */
static char *
when(struct web_ctx *c, gint64 t)
{
	g_autoptr(GTimeZone) z = tz(c);

	return when_in(z, t);
}

/* month_start - Unix time of the first of month m (1-12, may run over)
 * of year y, in z */
static gint64
month_start(GTimeZone *z, int y, int m)
{
	g_autoptr(GDateTime) d = NULL;

	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	d = g_date_time_new(z, y, m, 1, 0, 0, 0);
	return d ? g_date_time_to_unix(d) : 0;
}

/* page_number - ?page=N (1 without one); false for a bad one */
static bool
page_number(struct web_ctx *c, int max, int *page_out)
{
	const char *p = c->query ? g_hash_table_lookup(c->query, "page") : NULL;
	guint64 n = 1;

	if (p != NULL && !g_ascii_string_to_unsigned(p, 10, 1, max, &n, NULL))
		return false;
	*page_out = (int)n;
	return true;
}

/* pager - prev/next links of a paged page (base ends before "page=") */
static char *
pager(const char *base, int page, bool has_next)
{
	GString *out = g_string_new("<nav class=\"pager\">");

	if (page > 1) {
		g_autofree char *u = g_strdup_printf("%s%d", base, page - 1);

		g_string_append(out, "<a rel=\"prev\" href=\"");
		html_esc(out, u);
		g_string_append(out, "\">&larr;</a> ");
	}
	g_string_append_printf(out, "<span>%d</span>", page);
	if (has_next) {
		g_autofree char *u = g_strdup_printf("%s%d", base, page + 1);

		g_string_append(out, " <a rel=\"next\" href=\"");
		html_esc(out, u);
		g_string_append(out, "\">&rarr;</a>");
	}
	g_string_append(out, "</nav>");
	return g_string_free(out, FALSE);
}

/* a_link - append <a href="url">text</a>, both escaped */
static void
a_link(GString *out, const char *url, const char *text)
{
	g_string_append(out, "<a href=\"");
	html_esc(out, url);
	g_string_append(out, "\">");
	html_esc(out, text && *text ? text : "…");
	g_string_append(out, "</a>");
}

/* ---------------------------------------------------------------- lists */

/* list_row - one list of the front page */
static void
list_row(struct web_ctx *c, GString *out, const struct store_list *l)
{
	g_autofree char *seg = weblink_segment(l->address);
	g_autofree char *path = g_strconcat(seg, "/", NULL);
	g_autofree char *url = web_url(c, path);

	g_string_append(out, "<li>");
	a_link(out, url, l->set.name && *l->set.name ? l->set.name : l->local);
	g_string_append(out, " <span class=\"addr\">");
	html_esc(out, l->address);
	g_string_append(out, "</span>");
	if (l->set.description && *l->set.description) {
		g_string_append(out, "<br><span class=\"desc\">");
		html_esc(out, l->set.description);
		g_string_append(out, "</span>");
	}
	g_string_append(out, "</li>\n");
}

/* page_lists - / : the lists whose archive is not hidden */
void
page_lists(struct web_ctx *c)
{
	GError *e = NULL;
	g_autoptr(GPtrArray) ls = store_list_all(c->s, &e);
	g_autoptr(GHashTable) v = vars_new();
	GString *rows = g_string_new(NULL);

	if (ls == NULL) {
		g_string_free(rows, TRUE);
		fail(c, "lists", e);
		return;
	}
	for (guint i = 0; i < ls->len; i++) {
		const struct store_list *l = g_ptr_array_index(ls, i);

		if (l->set.archive != LISTSET_ARCHIVE_HIDDEN)
			list_row(c, rows, l);
	}
	var(v, "lists", g_string_free(rows, FALSE));
	show(c, "lists", "moim", v);
}

/* ------------------------------------------------------------ list page */

/* thread_row - one thread in a table: subject, sender, replies, date */
static void
thread_row(struct web_ctx *c, GString *out, const struct store_web_thread *t,
    gint64 date)
{
	g_autofree char *url =
	    t->message_id ? msg_url(c, t->message_id, "") : NULL;
	g_autofree char *name = webtext_name(t->from_name, t->from_addr);
	g_autofree char *d = when(c, date);

	g_string_append(out, "<tr><td class=\"subj\">");
	if (url != NULL)
		a_link(out, url, t->subject);
	else
		html_esc(out, t->subject ? t->subject : "…");
	g_string_append(out, "</td><td class=\"from\">");
	html_esc(out, name);
	g_string_append_printf(out,
	    "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"date\">",
	    t->count > 0 ? t->count - 1 : 0);
	html_esc(out, d);
	g_string_append(out, "</td></tr>\n");
}

/* threads_html - rows of threads; by_last: dated by last message */
static char *
threads_html(struct web_ctx *c, GPtrArray *ts, bool by_last)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < ts->len; i++) {
		const struct store_web_thread *t = g_ptr_array_index(ts, i);

		thread_row(c, out, t, by_last ? t->last_date : t->first_date);
	}
	return g_string_free(out, FALSE);
}

/* events_html - the list's upcoming events, soonest first */
static bool
events_html(struct web_ctx *c, GString *out, GError **err)
{
	g_autoptr(GPtrArray) evs = store_event_list(c->s, c->list->id, err);
	int n = 0;

	if (evs == NULL)
		return false;
	/* store_event_list() gives the latest start first. */
	for (guint i = evs->len; i > 0 && n < WEB_EVENTS; i--) {
		const struct store_event *ev = g_ptr_array_index(evs, i - 1);
		g_autofree char *rest = NULL, *url = NULL, *d = NULL;
		GTimeZone *z;

		if (ev->starts <= c->now || g_strcmp0(ev->state, "active"))
			continue;
		rest = g_strdup_printf("e/%" G_GINT64_FORMAT "/", ev->id);
		url = list_url(c, rest);
		z = ev->tzid ? g_time_zone_new_identifier(ev->tzid) : NULL;
		d = z ? when_in(z, ev->starts) : when(c, ev->starts);
		g_clear_pointer(&z, g_time_zone_unref);
		g_string_append(out, "<li><span class=\"date\">");
		html_esc(out, d);
		g_string_append(out, "</span> ");
		a_link(out, url, ev->title);
		g_string_append(out, "</li>\n");
		n++;
	}
	return true;
}

/* strip_svg - threads and posts of the last months as bars */
static void
strip_svg(GString *out, const char *const *labels, const gint64 *threads,
    const gint64 *posts, int n)
{
	gint64 max = 1;
	const int bw = 24, h = 60;

	for (int i = 0; i < n; i++)
		max = MAX(max, MAX(threads[i], posts[i]));
	g_string_append_printf(out,
	    "<svg class=\"strip\" xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %d %d\" role=\"img\">",
	    n * bw, h + 14);
	for (int i = 0; i < n; i++) {
		int x = i * bw, ph = (int)(posts[i] * h / max),
		    th = (int)(threads[i] * h / max);

		g_string_append_printf(out,
		    "<g><title>%s: %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT
		    "</title><rect class=\"posts\" x=\"%d\" y=\"%d\""
		    " width=\"10\" height=\"%d\"/><rect class=\"threads\""
		    " x=\"%d\" y=\"%d\" width=\"10\" height=\"%d\"/>"
		    "<text x=\"%d\" y=\"%d\">%.2s</text></g>",
		    labels[i], threads[i], posts[i], x + 2, h - ph, ph, x + 12,
		    h - th, th, x + 4, h + 12, labels[i] + 5);
	}
	g_string_append(out, "</svg>");
}

/* strip_html - the activity strip of the last WEB_STRIP_MONTHS months */
static bool
strip_html(struct web_ctx *c, GString *out, GError **err)
{
	g_autoptr(GTimeZone) z = tz(c);
	g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(c->now);
	g_autoptr(GDateTime) d = g_date_time_to_timezone(u, z);
	gint64 threads[WEB_STRIP_MONTHS], posts[WEB_STRIP_MONTHS];
	char label[WEB_STRIP_MONTHS][8];
	const char *labels[WEB_STRIP_MONTHS];
	int y = g_date_time_get_year(d), m = g_date_time_get_month(d);

	for (int i = WEB_STRIP_MONTHS - 1; i >= 0; i--) {
		if (!store_web_count(c->s, c->list->id, month_start(z, y, m),
			month_start(z, y, m + 1), &threads[i], &posts[i], err))
			return false;
		g_snprintf(label[i], sizeof label[i], "%04d-%02d", y, m);
		labels[i] = label[i];
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	strip_svg(out, labels, threads, posts, WEB_STRIP_MONTHS);
	return true;
}

/* months_html - links to every month in which a thread started, newest
 * first */
static bool
months_html(struct web_ctx *c, GString *out, GError **err)
{
	g_autoptr(GTimeZone) z = tz(c);
	gint64 from = G_MININT64 / 2, start;
	gssize at = (gssize)out->len;
	bool found = true;

	for (int i = 0; i < WEB_MONTHS_MAX; i++) {
		g_autoptr(GDateTime) u = NULL, d = NULL;
		g_autofree char *ym = NULL, *rest = NULL, *url = NULL;
		g_autoptr(GString) item = NULL;
		gint64 threads, next;
		int y, m;

		if (!store_web_next_start(
			c->s, c->list->id, from, &start, &found, err))
			return false;
		if (!found)
			break;
		u = g_date_time_new_from_unix_utc(start);
		d = u ? g_date_time_to_timezone(u, z) : NULL;
		if (d == NULL)
			break;
		y = g_date_time_get_year(d);
		m = g_date_time_get_month(d);
		next = month_start(z, y, m + 1);
		if (next <= start)
			break;
		from = next;
		if (y < 1000 || y > 9998)
			continue; /* no month page for such a date */
		if (!store_web_count(c->s, c->list->id, month_start(z, y, m),
			next, &threads, NULL, err))
			return false;
		ym = g_strdup_printf("%04d-%02d", y, m);
		rest = g_strconcat(ym, "/", NULL);
		url = list_url(c, rest);
		item = g_string_new("<li>");
		a_link(item, url, ym);
		g_string_append_printf(
		    item, " (%" G_GINT64_FORMAT ")</li>", threads);
		/* Newest first. */
		g_string_insert_len(out, at, item->str, item->len);
	}
	return true;
}

/* topics_html - links that show the threads of one of the list's topics
 * (?topic=T), and all threads again; "" for a list without topics */
static char *
topics_html(struct web_ctx *c, const char *const *topics, const char *shown)
{
	GString *out = g_string_new(NULL);
	g_autofree char *all = list_url(c, "");

	if (topics[0] == NULL)
		return g_string_free(out, FALSE);
	g_string_append(out, "<p class=\"topics\">");
	a_link(out, all, shown != NULL ? "*" : "* ✓");
	for (size_t i = 0; topics[i] != NULL; i++) {
		g_autofree char *q =
		    g_uri_escape_string(topics[i], NULL, FALSE);
		g_autofree char *url = g_strconcat(all, "?topic=", q, NULL);
		g_autofree char *text = g_strdup_printf("#%s%s", topics[i],
		    g_strcmp0(shown, topics[i]) == 0 ? " ✓" : "");

		g_string_append_c(out, ' ');
		a_link(out, url, text);
	}
	g_string_append(out, "</p>");
	return g_string_free(out, FALSE);
}

/* list_threads - the latest threads, or those of the topic the query
 * names when it is one of the list's (*shown_out points into topics) */
static GPtrArray *
list_threads(struct web_ctx *c, const char *const *topics,
    const char **shown_out, GError **err)
{
	const char *q =
	    c->query ? g_hash_table_lookup(c->query, "topic") : NULL;

	*shown_out = q != NULL ? topic_find(topics, q, strlen(q)) : NULL;
	if (*shown_out != NULL)
		return store_web_threads_topic(
		    c->s, c->list->id, *shown_out, WEB_RECENT, err);
	return store_web_threads_active(c->s, c->list->id, WEB_RECENT, err);
}

/* page_list - /L@D/ : about the list, joining, events, threads, months */
void
page_list(struct web_ctx *c)
{
	const struct store_list *l = c->list;
	g_autoptr(GHashTable) v = vars_new();
	g_autoptr(GString) ev = g_string_new(NULL);
	g_autoptr(GString) strip = g_string_new(NULL);
	g_autoptr(GString) months = g_string_new(NULL);
	g_autoptr(GPtrArray) ts = NULL;
	g_auto(GStrv) topics = listset_topics(&l->set);
	const char *shown = NULL;
	GError *e = NULL;

	if (!events_html(c, ev, &e) || !strip_html(c, strip, &e) ||
	    !months_html(c, months, &e) ||
	    (ts = list_threads(c, (const char *const *)topics, &shown, &e)) ==
		NULL) {
		fail(c, "list page", e);
		return;
	}
	var(v, "name",
	    g_strdup(l->set.name && *l->set.name ? l->set.name : l->local));
	var(v, "description", g_strdup(l->set.description));
	var(v, "address", g_strdup(l->address));
	var(v, "join", list_url(c, "join"));
	var(v, "search", list_url(c, "search"));
	var(v, "atom", list_url(c, "new.atom"));
	var(v, "events", g_strdup(ev->str));
	var(v, "threads", threads_html(c, ts, true));
	var(v, "topics", topics_html(c, (const char *const *)topics, shown));
	var(v, "strip", g_strdup(strip->str));
	var(v, "months", g_strdup(months->str));
	show(c, "list", g_hash_table_lookup(v, "name"), v);
}

/* ----------------------------------------------------------- month page */

/* page_month - /L@D/YYYY-MM/ : threads started that month, newest first */
void
page_month(struct web_ctx *c, const char *month)
{
	g_autoptr(GTimeZone) z = tz(c);
	g_autoptr(GHashTable) v = vars_new();
	g_autoptr(GPtrArray) ts = NULL;
	g_autofree char *base = NULL, *rest = NULL;
	gint64 total = 0;
	GError *e = NULL;
	int y, m, page;

	if (!webtext_month_parse(month, &y, &m)) {
		web_error(c, 404);
		return;
	}
	if (!page_number(c, 100000, &page)) {
		web_error(c, 400);
		return;
	}
	ts = store_web_threads_started(c->s, c->list->id, month_start(z, y, m),
	    month_start(z, y, m + 1), WEB_MONTH_PAGE,
	    (page - 1) * WEB_MONTH_PAGE, &total, &e);
	if (ts == NULL) {
		fail(c, "month page", e);
		return;
	}
	if (page > 1 && ts->len == 0) {
		web_error(c, 404);
		return;
	}
	rest = g_strdup_printf("%s/?page=", month);
	base = list_url(c, rest);
	var(v, "name", g_strdup(c->list->set.name));
	var(v, "list", list_url(c, ""));
	var(v, "month", g_strdup(month));
	var(v, "total", g_strdup_printf("%" G_GINT64_FORMAT, total));
	var(v, "threads", threads_html(c, ts, false));
	var(v, "pager",
	    pager(base, page, (gint64)page * WEB_MONTH_PAGE < total));
	show(c, "month", month, v);
}

/* --------------------------------------------------------- thread page */

/* anchor - the stable anchor of a message: "m" and 12 hex digits of the
 * SHA-1 of its Message-ID */
static char *
anchor(const char *message_id)
{
	g_autofree char *h =
	    g_compute_checksum_for_string(G_CHECKSUM_SHA1, message_id, -1);

	return g_strdup_printf("m%.12s", h);
}

/* text_html - a message's text, escaped, its quotes folded (template
 * "quote") */
static bool
text_html(struct web_ctx *c, GString *out, const char *text)
{
	g_autofree char *shown = webtext_hide_addrs(text);
	g_autoptr(GPtrArray) bs = webtext_fold(shown);

	for (guint i = 0; i < bs->len; i++) {
		const struct webtext_block *b = g_ptr_array_index(bs, i);
		g_autoptr(GHashTable) v = NULL;
		GString *q;

		if (!b->is_quote) {
			g_string_append(out, "<pre class=\"text\">");
			html_esc(out, b->text);
			g_string_append(out, "</pre>\n");
			continue;
		}
		v = vars_new();
		q = g_string_new(NULL);
		html_esc(q, b->text);
		var(v, "lines", g_strdup_printf("%d", b->nlines));
		var(v, "text", g_string_free(q, FALSE));
		if (!web_tpl(c, "quote", v, out))
			return false;
	}
	return true;
}

/* attachments_html - the attachment lines, each a link to download it
 * (.../raw?a=N, in the order of the lines) */
static void
attachments_html(
    struct web_ctx *c, GString *out, const char *msgid, const char *att)
{
	g_auto(GStrv) lines = NULL;

	if (att == NULL || *att == '\0')
		return;
	lines = g_strsplit(att, "\n", MOIM_MAX_ARCHIVE_ATTACHMENTS + 2);
	g_string_append(out, "<ul class=\"att\">");
	for (int i = 0; lines[i] != NULL && *lines[i] != '\0'; i++) {
		g_autofree char *rest = g_strdup_printf("raw?a=%d", i + 1);
		g_autofree char *url = msg_url(c, msgid, rest);

		g_string_append(out, "<li>");
		/* The line after the last one listed says how many more. */
		if (i < MOIM_MAX_ARCHIVE_ATTACHMENTS)
			a_link(out, url, lines[i]);
		else
			html_esc(out, lines[i]);
		g_string_append(out, "</li>");
	}
	g_string_append(out, "</ul>");
}

/* msg_html - one message of the thread (template "message-item"); its
 * text only while the page is under WEB_THREAD_TEXT, or if it is the
 * message asked for */
static bool
msg_html(struct web_ctx *c, GString *out, const struct store_web_msg *m,
    int depth, bool is_current)
{
	g_autoptr(GHashTable) v = vars_new();
	GString *body = g_string_new(NULL);
	bool with_text = is_current || out->len < WEB_THREAD_TEXT;

	if (with_text && !text_html(c, body, m->text ? m->text : "")) {
		g_string_free(body, TRUE);
		return false;
	}
	if (with_text)
		attachments_html(c, body, m->message_id, m->attachments);
	var(v, "anchor", anchor(m->message_id));
	var(v, "class",
	    g_strdup_printf("msg d%d%s", MIN(depth, WEB_DEPTH_MAX),
		is_current ? " current" : ""));
	var(v, "subject", g_strdup(m->subject ? m->subject : "…"));
	var(v, "from", webtext_name(m->from_name, m->from_addr));
	var(v, "date", when(c, m->date));
	var(v, "url", msg_url(c, m->message_id, ""));
	var(v, "raw", msg_url(c, m->message_id, "raw"));
	var(v, "body", g_string_free(body, FALSE));
	return web_tpl(c, "message-item", v, out);
}

struct walk {
	struct web_ctx *c;
	GString *out;
	GHashTable *by_id; /* message-id -> struct store_web_msg */
	const char *current;
	bool ok;
};

/* walk_nodes - the messages under n (and its siblings) in thread order */
static void
walk_nodes(struct walk *w, const struct archive_node *n, int depth)
{
	/* Siblings iterate; only children recurse, and JWZ breaks loops. */
	for (; n != NULL && w->ok; n = n->next) {
		const struct store_web_msg *m = n->msg
		    ? g_hash_table_lookup(w->by_id, n->message_id)
		    : NULL;

		if (m != NULL)
			w->ok = msg_html(w->c, w->out, m, depth,
			    g_strcmp0(m->message_id, w->current) == 0);
		walk_nodes(w, n->child, depth + (m != NULL));
	}
}

/* thread_html - the messages of a thread in JWZ order */
static bool
thread_html(struct web_ctx *c, GString *out, GPtrArray *ms, const char *cur)
{
	g_autofree struct archive_tmsg *t =
	    g_new0(struct archive_tmsg, ms->len);
	g_autoptr(GPtrArray) refs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autoptr(GHashTable) by_id = g_hash_table_new(g_str_hash, g_str_equal);
	struct walk w = {c, out, by_id, cur, true};
	struct archive_forest *f;

	for (guint i = 0; i < ms->len; i++) {
		struct store_web_msg *m = g_ptr_array_index(ms, i);
		char **r = g_strsplit(m->refs ? m->refs : "", " ", -1);

		g_ptr_array_add(refs, r);
		t[i].message_id = m->message_id;
		t[i].refs = (const char *const *)r;
		t[i].nrefs = g_strv_length(r);
		t[i].date = m->date;
		g_hash_table_insert(by_id, m->message_id, m);
	}
	f = archive_thread(t, ms->len);
	for (guint i = 0; i < f->roots->len && w.ok; i++) {
		struct archive_node *root = g_ptr_array_index(f->roots, i);
		struct archive_node *next = root->next;

		root->next = NULL; /* roots are walked one by one */
		walk_nodes(&w, root, 0);
		root->next = next;
	}
	archive_forest_free(f);
	return w.ok;
}

/* thread_of - the message msgid of the list and its thread's messages;
 * false after answering (404 or 500) */
static bool
thread_of(struct web_ctx *c, const char *msgid, bool with_raw,
    struct store_web_msg **m_out, GPtrArray **ms_out)
{
	GError *e = NULL;

	*ms_out = NULL;
	if (!store_web_message(c->s, c->list->id, msgid, with_raw, m_out, &e)) {
		fail(c, "message", e);
		return false;
	}
	if (*m_out == NULL) {
		web_error(c, 404);
		return false;
	}
	if ((*m_out)->thread_id == 0)
		return true;
	*ms_out = store_web_thread_msgs(
	    c->s, (*m_out)->thread_id, with_raw, WEB_THREAD_MAX, &e);
	if (*ms_out == NULL) {
		g_clear_pointer(m_out, store_web_msg_free);
		fail(c, "thread", e);
		return false;
	}
	return true;
}

/* has_msg - whether ms holds the message of row id */
static bool
has_msg(GPtrArray *ms, gint64 id)
{
	for (guint i = 0; i < ms->len; i++)
		if (((struct store_web_msg *)g_ptr_array_index(ms, i))->id ==
		    id)
			return true;
	return false;
}

/* page_message - /L@D/m/MSGID/ : the message within its whole thread */
void
page_message(struct web_ctx *c, const char *msgid)
{
	struct store_web_msg *m = NULL;
	GPtrArray *ms = NULL;
	g_autoptr(GHashTable) v = vars_new();
	GString *msgs = g_string_new(NULL);
	bool ok;

	if (!thread_of(c, msgid, false, &m, &ms)) {
		g_string_free(msgs, TRUE);
		return;
	}
	if (ms != NULL && !has_msg(ms, m->id))
		g_clear_pointer(&ms, g_ptr_array_unref); /* past the first */
	if (ms == NULL || ms->len == 0)
		ok = msg_html(c, msgs, m, 0, true);
	else
		ok = thread_html(c, msgs, ms, m->message_id);
	var(v, "subject", g_strdup(m->subject ? m->subject : "…"));
	var(v, "name", g_strdup(c->list->set.name));
	var(v, "list", list_url(c, ""));
	var(v, "mbox", msg_url(c, m->message_id, "t.mbox.gz"));
	var(v, "count", g_strdup_printf("%u", ms ? ms->len : 1));
	var(v, "messages", g_string_free(msgs, FALSE));
	if (ok)
		show(c, "message", g_hash_table_lookup(v, "subject"), v);
	else
		fail(c, "message page", NULL);
	store_web_msg_free(m);
	if (ms != NULL)
		g_ptr_array_unref(ms);
}

/* attachment - .../raw?a=N : the n-th attachment, to download
 * (application/octet-stream, never shown inline) */
static void
attachment(struct web_ctx *c, const char *msgid, const char *n)
{
	struct store_web_msg *m = NULL;
	g_autofree char *name = NULL, *qname = NULL;
	GBytes *data = NULL;
	GError *e = NULL;
	guint64 i;
	gsize len;
	const char *raw;

	if (!g_ascii_string_to_unsigned(
		n, 10, 1, MOIM_MAX_ARCHIVE_ATTACHMENTS, &i, NULL)) {
		web_error(c, 404);
		return;
	}
	if (!store_web_message(c->s, c->list->id, msgid, true, &m, &e)) {
		fail(c, "attachment", e);
		return;
	}
	raw = m && m->raw ? g_bytes_get_data(m->raw, &len) : NULL;
	if (raw != NULL &&
	    !archive_attachment(raw, len, (int)i, &name, &data, &e)) {
		/* Archived bytes that no longer parse have no attachments. */
		log_warn("web: attachment: %s", e->message);
		g_clear_error(&e);
	}
	store_web_msg_free(m);
	if (data == NULL) {
		web_error(c, 404);
		return;
	}
	/* RFC 6266: the name only percent-encoded, so nothing from mail
	 * reaches the header as it is. */
	qname = g_uri_escape_string(name ? name : "attachment", NULL, FALSE);
	c->resp->status = 200;
	c->resp->content_type = "application/octet-stream";
	c->resp->disposition = g_strdup_printf(
	    "attachment; filename=\"attachment-%d\"; filename*=UTF-8''%s",
	    (int)i, qname);
	c->resp->body = g_string_new_len(
	    g_bytes_get_data(data, NULL), g_bytes_get_size(data));
	g_bytes_unref(data);
}

/* page_raw - /L@D/m/MSGID/raw : the bytes as received, to download;
 * with ?a=N the N-th attachment */
void
page_raw(struct web_ctx *c, const char *msgid)
{
	const char *a = c->query ? g_hash_table_lookup(c->query, "a") : NULL;
	struct store_web_msg *m = NULL;
	GError *e = NULL;
	gsize len = 0;
	const char *raw;

	if (a != NULL) {
		attachment(c, msgid, a);
		return;
	}

	if (!store_web_message(c->s, c->list->id, msgid, true, &m, &e)) {
		fail(c, "raw", e);
		return;
	}
	if (m == NULL || m->raw == NULL) {
		store_web_msg_free(m);
		web_error(c, 404);
		return;
	}
	raw = g_bytes_get_data(m->raw, &len);
	c->resp->status = 200;
	c->resp->content_type = "text/plain; charset=utf-8";
	c->resp->disposition = g_strdup("attachment; filename=\"raw.eml\"");
	c->resp->body = g_string_new_len(raw, len);
	store_web_msg_free(m);
}

/* gzip - data compressed as a gzip file; NULL on error */
static GString *
gzip(const GString *in, GError **err)
{
	g_autoptr(GZlibCompressor) z =
	    g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
	GString *out = g_string_sized_new(in->len / 3 + 64);
	gsize done = 0;
	GConverterResult r = G_CONVERTER_CONVERTED;

	while (r != G_CONVERTER_FINISHED) {
		char buf[16384];
		gsize nr = 0, nw = 0;

		r = g_converter_convert(G_CONVERTER(z), in->str + done,
		    in->len - done, buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
		    &nr, &nw, err);
		if (r == G_CONVERTER_ERROR) {
			g_string_free(out, TRUE);
			return NULL;
		}
		done += nr;
		g_string_append_len(out, buf, nw);
	}
	return out;
}

/* mbox_add - append the message x (its raw bytes read now) */
static bool
mbox_add(struct web_ctx *c, GString *mbox, const struct store_web_msg *x,
    GError **err)
{
	struct store_web_msg *r = NULL;
	gsize len;
	const char *raw;

	if (!store_web_message(c->s, c->list->id, x->message_id, true, &r, err))
		return false;
	if (r != NULL && r->raw != NULL) {
		raw = g_bytes_get_data(r->raw, &len);
		archive_mbox_append(mbox, r->from_addr, r->date, raw, len);
	}
	store_web_msg_free(r);
	return true;
}

/* page_mbox - /L@D/m/MSGID/t.mbox.gz : the thread as gzipped mboxrd;
 * the raw bytes are read one message at a time, up to WEB_MBOX_MAX */
void
page_mbox(struct web_ctx *c, const char *msgid)
{
	struct store_web_msg *m = NULL;
	GPtrArray *ms = NULL;
	g_autoptr(GString) mbox = g_string_new(NULL);
	GString *gz = NULL;
	GError *e = NULL;
	bool ok = true;

	if (!thread_of(c, msgid, false, &m, &ms))
		return;
	for (guint i = 0; ok && (ms == NULL ? i < 1 : i < ms->len); i++) {
		if (mbox->len > WEB_MBOX_MAX)
			break;
		ok = mbox_add(c, mbox, ms == NULL ? m : ms->pdata[i], &e);
	}
	store_web_msg_free(m);
	if (ms != NULL)
		g_ptr_array_unref(ms);
	if (!ok || (gz = gzip(mbox, &e)) == NULL) {
		fail(c, "mbox", e);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/gzip";
	c->resp->disposition = g_strdup("attachment; filename=\"t.mbox.gz\"");
	c->resp->body = gz;
}

/* ---------------------------------------------------------------- atom */

/* xml_text - append text escaped for XML 1.0 (controls dropped) */
static void
xml_text(GString *out, const char *text)
{
	g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
	GString *clean = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t')
			g_string_append_c(clean, *p);
	html_esc(out, clean->str);
	g_string_free(clean, TRUE);
}

/* rfc3339 - t as an Atom date (UTC) */
static char *
rfc3339(gint64 t)
{
	g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(MAX(t, 0));

	return d ? g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ")
		 : g_strdup("1970-01-01T00:00:00Z");
}

/* atom_id - an Atom id (an absolute IRI, RFC 4287 4.2.6) for url: url
 * itself under a base_url, else a tag: URI of the path */
static void
atom_id(GString *out, const char *url)
{
	g_string_append(out, "<id>");
	if (strstr(url, "://") == NULL)
		g_string_append(out, "tag:moim,2026:");
	xml_text(out, url);
	g_string_append(out, "</id>");
}

/* atom_entry - one thread of the feed, with its first message's text */
static bool
atom_entry(struct web_ctx *c, GString *out, const struct store_web_thread *t)
{
	struct store_web_msg *m = NULL;
	g_autofree char *date = rfc3339(t->first_date);
	g_autofree char *name = webtext_name(t->from_name, t->from_addr);
	g_autofree char *text = NULL, *url = NULL;
	GError *e = NULL;

	if (t->message_id == NULL)
		return true;
	url = msg_url(c, t->message_id, "");
	if (!store_web_message(
		c->s, c->list->id, t->message_id, false, &m, &e)) {
		fail(c, "feed", e);
		return false;
	}
	text = webtext_hide_addrs(m && m->text ? m->text : "");
	if (strlen(text) > WEB_FEED_TEXT) /* cut at a character */
		*g_utf8_find_prev_char(text, text + WEB_FEED_TEXT + 1) = '\0';
	store_web_msg_free(m);
	g_string_append(out, "<entry><title>");
	xml_text(out, t->subject);
	g_string_append(out, "</title><link href=\"");
	xml_text(out, url);
	g_string_append(out, "\"/>");
	atom_id(out, url);
	g_string_append_printf(
	    out, "<updated>%s</updated><author><name>", date);
	xml_text(out, name);
	g_string_append(out, "</name></author><content type=\"text\">");
	xml_text(out, text);
	g_string_append(out, "</content></entry>\n");
	return true;
}

/* page_atom - /L@D/new.atom : the newest threads (RFC 4287) */
void
page_atom(struct web_ctx *c)
{
	GError *e = NULL;
	g_autoptr(GPtrArray) ts = store_web_threads_started(
	    c->s, c->list->id, G_MININT64, G_MAXINT64, WEB_FEED, 0, NULL, &e);
	g_autofree char *home = list_url(c, "");
	g_autofree char *self = list_url(c, "new.atom");
	g_autofree char *upd = NULL;
	GString *out;

	if (ts == NULL) {
		fail(c, "feed", e);
		return;
	}
	upd = rfc3339(ts->len
		? ((struct store_web_thread *)ts->pdata[0])->first_date
		: c->list->created);
	out = g_string_new("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			   "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
			   "<title>");
	xml_text(out, c->list->set.name);
	g_string_append(out, "</title><link rel=\"alternate\" href=\"");
	xml_text(out, home);
	g_string_append(out, "\"/><link rel=\"self\" href=\"");
	xml_text(out, self);
	g_string_append(out, "\"/>");
	atom_id(out, home);
	g_string_append_printf(out, "<updated>%s</updated>\n", upd);
	for (guint i = 0; i < ts->len; i++)
		if (!atom_entry(c, out, g_ptr_array_index(ts, i))) {
			g_string_free(out, TRUE);
			return;
		}
	g_string_append(out, "</feed>\n");
	c->resp->status = 200;
	c->resp->content_type = "application/atom+xml; charset=utf-8";
	c->resp->body = out;
}

/* -------------------------------------------------------------- search */

/* snippet_html - a snippet escaped, its hit in <mark> (made from escaped
 * pieces: the snippet's text never becomes markup) */
static void
snippet_html(GString *out, const char *snip, const char *q)
{
	size_t at, len;
	g_autofree char *before = NULL, *hit = NULL;

	if (!webtext_snippet_hit(snip, q, &at, &len)) {
		html_esc(out, snip);
		return;
	}
	before = g_strndup(snip, at);
	hit = g_strndup(snip + at + 1, len);
	html_esc(out, before);
	g_string_append(out, "<mark>");
	html_esc(out, hit);
	g_string_append(out, "</mark>");
	html_esc(out, snip + at + len + 2);
}

/* hits_html - the results of a search: subject, sender, date, snippet */
static char *
hits_html(struct web_ctx *c, GPtrArray *hits, guint from, const char *q)
{
	GString *out = g_string_new(NULL);

	for (guint i = from; i < hits->len; i++) {
		const struct store_archive_entry *h =
		    g_ptr_array_index(hits, i);
		g_autofree char *url = msg_url(c, h->message_id, "");
		g_autofree char *name =
		    webtext_name(h->from_name, h->from_addr);
		g_autofree char *d = when(c, h->date);
		g_autofree char *snip = webtext_hide_addrs(h->snippet);

		g_string_append(out, "<li>");
		a_link(out, url, h->subject);
		g_string_append(out, " <span class=\"from\">");
		html_esc(out, name);
		g_string_append(out, "</span> <span class=\"date\">");
		html_esc(out, d);
		g_string_append(out, "</span><p class=\"snip\">");
		snippet_html(out, snip, q);
		g_string_append(out, "</p></li>\n");
	}
	return g_string_free(out, FALSE);
}

/* page_search - /L@D/search?q= : matches newest first with snippets, paged */
void
page_search(struct web_ctx *c)
{
	const char *q = c->query ? g_hash_table_lookup(c->query, "q") : NULL;
	g_autoptr(GHashTable) v = vars_new();
	g_autoptr(GPtrArray) hits = NULL;
	g_autofree char *qs = NULL, *base = NULL;
	gint64 total = 0;
	GError *e = NULL;
	int page;

	if (!page_number(c, WEB_SEARCH_PAGES, &page)) {
		web_error(c, 400);
		return;
	}
	if (q != NULL && strspn(q, " \t\r\n") < strlen(q)) {
		hits = archive_search_newest(c->s, c->list->id, q,
		    WEB_SEARCH_PAGE, (page - 1) * WEB_SEARCH_PAGE, &total, &e);
		if (hits == NULL && e != NULL && e->code != MOIM_ERR_INPUT) {
			fail(c, "search", e);
			return;
		}
		g_clear_error(&e);
	}
	qs = g_uri_escape_string(q ? q : "", NULL, FALSE);
	base = g_strdup_printf("?q=%s&page=", qs);
	var(v, "name", g_strdup(c->list->set.name));
	var(v, "list", list_url(c, ""));
	var(v, "action", list_url(c, "search"));
	var(v, "q", g_strdup(q ? q : ""));
	var(v, "total",
	    total > STORE_SEARCH_COUNT_MAX
		? g_strdup_printf("%d+", STORE_SEARCH_COUNT_MAX)
		: g_strdup_printf("%" G_GINT64_FORMAT, total));
	var(v, "hits", hits ? hits_html(c, hits, 0, q) : NULL);
	var(v, "pager",
	    hits ? pager(base, page,
		       (gint64)page * WEB_SEARCH_PAGE < total &&
			   page < WEB_SEARCH_PAGES)
		 : NULL);
	show(c, "search", q && *q ? q : c->list->set.name, v);
}

/* ----------------------------------------------------------- stylesheet */

/* page_style - /style.css : [moim] templates/web/style.css, read once */
void
page_style(struct web_ctx *c)
{
	static gsize once;
	static GBytes *css;

	if (g_once_init_enter(&once)) {
		g_autofree char *path = g_build_filename(
		    c->w->cfg->templates, "web", "style.css", NULL);
		char *buf = NULL;
		gsize len = 0;
		GError *e = NULL;

		if (!g_file_get_contents(path, &buf, &len, &e)) {
			log_error("web: %s", e->message);
			g_clear_error(&e);
		}
		css = g_bytes_new_take(buf, buf ? len : 0);
		g_once_init_leave(&once, 1);
	}
	if (g_bytes_get_size(css) == 0) {
		web_error(c, 404);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/css; charset=utf-8";
	c->resp->cache_control = "public, max-age=86400";
	c->resp->body = g_string_new_len(
	    g_bytes_get_data(css, NULL), g_bytes_get_size(css));
}
