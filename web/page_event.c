/*
 * page_event - an event's page and its calendar file (/L@D/e/N/)
 *
 * The page says what moimctl event show says, for members: title, time
 * in the event's own zone, place, description, capacity, how many come
 * and wait (counted by ical/evview, as moimctl and moim-listd count;
 * for a series, the time and counts of its next session, and a table
 * of the coming sessions with each one's counts),
 * the lists that host it, and the seats drawn as a bar (web/svg). Only
 * names are shown, never a person's address. event.ics is the same
 * event as an iTIP PUBLISH (ical/imip) for any calendar to import; a
 * series with its RRULE, EXDATEs and moved sessions, as the
 * invitations carry it (ical/evview evview_series_get()).
 *
 * An event is reached only through a list that hosts it: another
 * list's path answers 404, so a members-only list's event is not read
 * through a public list's URL.
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "evview.h"
#include "imip.h"
#include "log.h"
#include "svg.h"
#include "web.h"
#include "weblink.h"

/* The words the page builds in code, per language: each count is
 * written between a word before and a word after it. */
struct event_words {
	const char *lang;
	const char *attending[2], *free[2], *waiting[2];
	const char *unit; /* after the capacity */
	const char *no_limit; /* the capacity without one */
	const char *no_limit_seats; /* the bar's sentence without one */
	const char *cancelled;
	/* a series' sessions: the heading and the columns' heads */
	const char *sessions, *session, *attending_h, *waiting_h, *declined_h;
};

static const struct event_words words[] = {
    {"ko", {"참석 ", "명"}, {"빈자리 ", "석"}, {"대기 ", "명"}, "명",
	"제한 없음", "정원 제한 없음", "이 행사는 취소되었습니다.",
	"회차별 응답", "회차", "참석", "대기", "불참"},
    {"en", {"", " attending"}, {"", " seats free"}, {"", " waiting"}, "",
	"no limit", "no limit", "This event has been cancelled.",
	"Answers per session", "Session", "Attending", "Waiting", "Declined"},
};

/* words_of - the words of lang; English for any other */
static const struct event_words *
words_of(const char *lang)
{
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		if (strcmp(words[i].lang, lang) == 0)
			return &words[i];
	return &words[1];
}

/* fail - log why a page could not be made and answer 500 */
static void
fail(struct web_ctx *c, gint64 id, GError *e)
{
	log_warn("web: event=%" G_GINT64_FORMAT " list=%s error=\"%s\"", id,
	    c->list ? c->list->address : "-", e ? e->message : "template");
	if (e != NULL)
		g_error_free(e);
	web_error(c, 500);
}

/* event_of_list - the event id names if c->list hosts it; NULL with
 * 404 or 500 answered otherwise */
static struct store_event *
event_of_list(struct web_ctx *c, gint64 id)
{
	struct store_event *ev = NULL;
	GError *e = NULL;
	bool has = false;

	if (c->list == NULL) {
		web_error(c, 404);
		return NULL;
	}
	if (!store_event_has_list(c->s, id, c->list->id, &has, &e) ||
	    (has && !store_event_get(c->s, id, &ev, &e))) {
		fail(c, id, e);
		return NULL;
	}
	if (ev == NULL)
		web_error(c, 404);
	return ev;
}

/* text_lines - text escaped, its line breaks kept as <br> */
static void
text_lines(GString *out, const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		g_strchomp(lines[i]); /* a CR before the LF, trailing blanks */
		if (i > 0)
			g_string_append(out, "<br>\n");
		html_esc(out, lines[i]);
	}
}

/* host_link - one hosting list: its name, linked unless hidden */
static bool
host_link(struct web_ctx *c, GString *out, const char *address, GError **err)
{
	const char *at = strrchr(address, '@');
	g_autofree char *local = NULL, *seg = NULL, *path = NULL, *url = NULL;
	struct store_list *l = NULL;

	if (at == NULL)
		return moim_fail(
		    err, MOIM_ERR_INTERNAL, "host without a domain");
	local = g_strndup(address, (gsize)(at - address));
	if (!store_list_get(c->s, local, at + 1, &l, err))
		return false;
	if (l == NULL || l->set.archive == LISTSET_ARCHIVE_HIDDEN) {
		/* A list gone or hidden is named, not linked. */
		html_esc(out, l ? l->set.name : address);
		store_list_free(l);
		return true;
	}
	seg = weblink_segment(l->address);
	path = g_strconcat(seg, "/", NULL);
	url = web_url(c, path);
	g_string_append(out, "<a href=\"");
	html_esc(out, url);
	g_string_append(out, "\">");
	html_esc(out, l->set.name);
	g_string_append(out, "</a>");
	store_list_free(l);
	return true;
}

/* hosts_html - the hosting lists, the announcing one first */
static char *
hosts_html(struct web_ctx *c, gint64 id, GError **err)
{
	GPtrArray *hosts = store_event_hosts(c->s, id, err);
	GString *out;
	bool ok = true;

	if (hosts == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (guint i = 0; ok && i < hosts->len; i++) {
		if (i > 0)
			g_string_append(out, ", ");
		ok = host_link(c, out, hosts->pdata[i], err);
	}
	g_ptr_array_unref(hosts);
	return g_string_free(out, !ok);
}

/* count_text - n between the words w around it */
static void
count_text(GString *out, const char *const w[2], int n)
{
	g_string_append_printf(out, "%s%d%s", w[0], n, w[1]);
}

/* seats_html - the seats bar and its sentence */
static char *
seats_html(const struct store_event *ev, const struct evview_counts *n,
    const struct event_words *w, char **text_out)
{
	GString *out = g_string_new(NULL), *t = g_string_new(NULL);
	int free =
	    ev->capacity > n->attending ? ev->capacity - n->attending : 0;

	count_text(t, w->attending, n->attending);
	g_string_append(t, ", ");
	if (ev->capacity > 0) {
		count_text(t, w->free, free);
		g_string_append(t, ", ");
	}
	count_text(t, w->waiting, n->waiting);
	if (ev->capacity == 0)
		g_string_append_printf(t, ", %s", w->no_limit_seats);
	svg_seats(out, n->attending, ev->capacity, n->waiting, t->str);
	*text_out = g_string_free(t, FALSE);
	return g_string_free(out, FALSE);
}

/* session_row - one session of a series as a table row */
static void
session_row(GString *out, const char *lang, const struct store_event *ev,
    const struct evview_session *es)
{
	g_autofree char *label = evview_session_label(ev, es, lang);

	g_string_append_printf(out, "<tr%s><td>",
	    es->s.is_skipped	 ? " class=\"session-skipped\""
		: es->s.is_moved ? " class=\"session-moved\""
				 : "");
	html_esc(out, label);
	if (es->s.is_skipped) {
		g_string_append(out, "</td><td colspan=\"3\">");
		html_esc(out, evview_session_skipped(lang));
		g_string_append(out, "</td></tr>\n");
		return;
	}
	g_string_append_printf(out, "</td><td>%d", es->n.attending);
	if (ev->capacity > 0)
		g_string_append_printf(out, "/%d", ev->capacity);
	g_string_append_printf(out, "</td><td>%d</td><td>%d</td></tr>\n",
	    es->n.waiting, es->n.declined);
}

/* sessions_html - a series' coming sessions, each with its counts */
static char *
sessions_html(struct web_ctx *c, const struct store_event *ev, const GArray *ss,
    const struct event_words *w)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out,
	    "<h2>%s</h2>\n<table class=\"threads sessions\">\n"
	    "<tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>\n",
	    w->sessions, w->session, w->attending_h, w->waiting_h,
	    w->declined_h);
	for (guint i = 0; i < ss->len; i++)
		session_row(out, web_lang(c), ev,
		    &g_array_index(ss, struct evview_session, i));
	g_string_append(out, "</table>\n");
	return g_string_free(out, FALSE);
}

/* event_counts - the counts the page's facts show: a series' of its
 * next session (*shown_out is that session), with the coming sessions
 * as a table in *sessions_out ("" for one session) */
static bool
event_counts(struct web_ctx *c, const struct store_event *ev,
    struct evview_counts *n_out, struct store_event *shown_out,
    char **sessions_out, GError **err)
{
	const struct evview_session *next;
	GArray *ss;

	*shown_out = *ev;
	if (ev->rrule == NULL) {
		*sessions_out = g_strdup("");
		return evview_counts_get(c->s, ev->id, n_out, err);
	}
	ss = evview_sessions_get(c->s, ev, c->now, EVVIEW_SESSIONS_SHOWN, err);
	if (ss == NULL)
		return false;
	memset(n_out, 0, sizeof *n_out);
	if ((next = evview_sessions_next(ss)) != NULL) {
		*n_out = next->n;
		shown_out->starts = next->s.starts;
		shown_out->ends = next->s.ends;
	}
	*sessions_out = sessions_html(c, ev, ss, words_of(web_lang(c)));
	g_array_unref(ss);
	return true;
}

/* person_name - a name for the organizer: the display name, else the
 * local part of the address (never the address) */
static char *
person_name(const struct store_event *ev)
{
	const char *at;

	if (ev->organizer_name != NULL && *ev->organizer_name != '\0')
		return g_strdup(ev->organizer_name);
	at = ev->organizer ? strchr(ev->organizer, '@') : NULL;
	return at ? g_strndup(ev->organizer, (gsize)(at - ev->organizer))
		  : g_strdup("-");
}

/* put - vars[k] = v (v is taken) */
static void
put(GHashTable *vars, const char *k, char *v)
{
	g_hash_table_insert(vars, (char *)k, v);
}

/* event_vars - the template's variables; NULL on a store error */
static GHashTable *
event_vars(struct web_ctx *c, const struct store_event *ev, GError **err)
{
	const struct event_words *w = words_of(web_lang(c));
	GHashTable *v =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	GString *desc = g_string_new(NULL);
	g_autofree char *seg = weblink_segment(c->list->address);
	g_autofree char *list_path = g_strconcat(seg, "/", NULL);
	struct evview_counts n;
	struct store_event shown;
	char *hosts = NULL, *seats_text = NULL, *sessions = NULL;

	if (!event_counts(c, ev, &n, &shown, &sessions, err) ||
	    (hosts = hosts_html(c, ev->id, err)) == NULL) {
		g_free(sessions);
		g_string_free(desc, TRUE);
		g_hash_table_unref(v);
		return NULL;
	}
	text_lines(desc, ev->description);
	put(v, "title", g_strdup(ev->title));
	put(v, "when", evview_when(&shown, web_lang(c)));
	put(v, "sessions", sessions);
	put(v, "where", g_strdup(ev->location ? ev->location : "-"));
	put(v, "description", g_string_free(desc, FALSE));
	put(v, "organizer", person_name(ev));
	put(v, "capacity",
	    ev->capacity > 0 ? g_strdup_printf("%d%s", ev->capacity, w->unit)
			     : g_strdup(w->no_limit));
	put(v, "attending", g_strdup_printf("%d", n.attending));
	put(v, "waiting", g_strdup_printf("%d", n.waiting));
	put(v, "hosts", hosts);
	put(v, "seats", seats_html(ev, &n, w, &seats_text));
	put(v, "seats_text", seats_text);
	put(v, "cancelled",
	    strcmp(ev->state, "cancelled") == 0
		? g_strdup_printf("<p class=\"event-cancelled\"><strong>%s"
				  "</strong></p>",
		      w->cancelled)
		: g_strdup(""));
	put(v, "list_name", g_strdup(c->list->set.name));
	put(v, "list_url", web_url(c, list_path));
	put(v, "rsvp_address", evview_organizer(c->list, ev->id));
	return v;
}

/* page_event - /L@D/e/N/: the event page */
void
page_event(struct web_ctx *c, gint64 event_id)
{
	struct store_event *ev = event_of_list(c, event_id);
	g_autoptr(GString) body = NULL;
	GHashTable *vars;
	GError *e = NULL;

	if (ev == NULL)
		return;
	vars = event_vars(c, ev, &e);
	if (vars == NULL) {
		fail(c, event_id, e);
		store_event_free(ev);
		return;
	}
	body = g_string_new(NULL);
	if (web_tpl(c, "event", vars, body))
		web_page(c, 200, ev->title, body);
	else
		fail(c, event_id, NULL);
	g_hash_table_unref(vars);
	store_event_free(ev);
}

/* organizer_of - the event's ORGANIZER: the rsvp address on the list it
 * was announced on first */
static char *
organizer_of(struct web_ctx *c, const struct store_event *ev, GError **err)
{
	struct store_list *first = NULL;
	char *org;

	if (ev->list_id == c->list->id)
		return evview_organizer(c->list, ev->id);
	if (!store_list_get_id(c->s, ev->list_id, &first, err))
		return NULL;
	/* The first list was deleted: the list asked for organizes. */
	org = evview_organizer(first ? first : c->list, ev->id);
	store_list_free(first);
	return org;
}

/* page_event_ics - /L@D/e/N/event.ics: the event as iTIP PUBLISH */
void
page_event_ics(struct web_ctx *c, gint64 event_id)
{
	struct store_event *ev = event_of_list(c, event_id);
	g_autofree char *org = NULL, *ics = NULL;
	struct imip_event iev;
	struct evview_series sv = {0};
	GError *e = NULL;

	if (ev == NULL)
		return;
	org = organizer_of(c, ev, &e);
	/* A series as its invitations carry it: RRULE, EXDATE, overrides. */
	if (org != NULL &&
	    evview_series_get(c->s, ev, org, c->now, &iev, &sv, &e))
		ics =
		    imip_publish(&iev, strcmp(ev->state, "cancelled") == 0, &e);
	evview_series_clear(&sv);
	if (ics == NULL) {
		fail(c, event_id, e);
		store_event_free(ev);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/calendar; charset=utf-8";
	c->resp->disposition = g_strdup("attachment; filename=event.ics");
	c->resp->body = g_string_new(ics);
	store_event_free(ev);
}
