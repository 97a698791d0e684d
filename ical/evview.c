/*
 * evview - a stored event as its readers see it (see evview.h)
 */
#include "config.h"

#include <string.h>

#include "evblock.h"
#include "evview.h"
#include "seats.h"
#include "sessions.h"

/* evview_imip - the iTIP view of a stored event */
void
evview_imip(const struct store_event *ev, const char *organizer_addr,
    gint64 now, struct imip_event *out)
{
	memset(out, 0, sizeof(*out));
	out->uid = ev->uid;
	out->sequence = ev->sequence;
	out->summary = ev->title;
	out->location = ev->location;
	out->description = ev->description;
	out->start = ev->starts;
	out->end = ev->ends;
	out->tzid = ev->tzid;
	out->is_all_day = ev->is_all_day;
	out->organizer_addr = organizer_addr;
	out->organizer_name = ev->organizer_name;
	out->dtstamp = now;
}

/* evview_series_set - the rule of ev and its exceptions (stored, which
 * sv now holds) in iev */
void
evview_series_set(const struct store_event *ev, GPtrArray *stored,
    struct imip_event *iev, struct evview_series *sv)
{
	memset(sv, 0, sizeof *sv);
	sv->sessions = stored;
	if (ev->rrule == NULL)
		return;
	iev->rrule = ev->rrule;
	sv->exdates = g_array_new(FALSE, FALSE, sizeof(int64_t));
	sv->overrides = g_array_new(FALSE, TRUE, sizeof(struct imip_override));
	for (guint i = 0; stored != NULL && i < stored->len; i++) {
		const struct store_session *ss = stored->pdata[i];
		struct imip_override o = {.recurrence_id = ss->session,
		    .start = ss->starts,
		    .end = ss->ends,
		    .location = ss->location,
		    .sequence = ss->sequence};
		int64_t t = ss->session;

		if (strcmp(ss->state, "skipped") == 0)
			g_array_append_val(sv->exdates, t);
		else if (strcmp(ss->state, "moved") == 0 &&
		    ss->ends > ss->starts)
			g_array_append_val(sv->overrides, o);
	}
	iev->exdates = (const int64_t *)(void *)sv->exdates->data;
	iev->n_exdates = sv->exdates->len;
	iev->overrides =
	    (const struct imip_override *)(void *)sv->overrides->data;
	iev->n_overrides = sv->overrides->len;
}

/* evview_series_get - the iTIP view of ev with its rule and the
 * exceptions the store holds */
bool
evview_series_get(struct store *s, const struct store_event *ev,
    const char *organizer_addr, gint64 now, struct imip_event *iev,
    struct evview_series *sv, GError **err)
{
	GPtrArray *stored = NULL;

	memset(sv, 0, sizeof *sv);
	evview_imip(ev, organizer_addr, now, iev);
	if (ev->rrule != NULL &&
	    (stored = store_session_list(s, ev->id, err)) == NULL)
		return false;
	evview_series_set(ev, stored, iev, sv);
	return true;
}

/* evview_series_clear - release what evview_series_set() kept */
void
evview_series_clear(struct evview_series *sv)
{
	if (sv->sessions != NULL)
		g_ptr_array_unref(sv->sessions);
	if (sv->exdates != NULL)
		g_array_unref(sv->exdates);
	if (sv->overrides != NULL)
		g_array_unref(sv->overrides);
	memset(sv, 0, sizeof *sv);
}

/* evview_organizer - L-rsvp+EVENT@D */
char *
evview_organizer(const struct store_list *l, gint64 event_id)
{
	return g_strdup_printf(
	    "%s-rsvp+%" G_GINT64_FORMAT "@%s", l->local, event_id, l->domain);
}

/* zone_of - the event's zone, UTC when unknown */
static GTimeZone *
zone_of(const struct store_event *ev)
{
	GTimeZone *tz = g_time_zone_new_identifier(ev->tzid);

	return tz != NULL ? tz : g_time_zone_new_utc();
}

/* evview_when - "2026-12-16 14:00-17:00 (Asia/Seoul)"; all-day events as
 * "2027-10-09 ~ 2027-10-11 종일 (Asia/Seoul)" in lang */
char *
evview_when(const struct store_event *ev, const char *lang)
{
	GTimeZone *tz = zone_of(ev);
	GDateTime *u1 = g_date_time_new_from_unix_utc(ev->starts);
	GDateTime *u2 = g_date_time_new_from_unix_utc(ev->ends);
	GDateTime *a, *b;
	g_autofree char *s1 = NULL, *s2 = NULL;
	char *out;

	a = g_date_time_to_timezone(u1, tz);
	b = g_date_time_to_timezone(u2, tz);
	if (ev->is_all_day) {
		s1 = evblock_days_text(ev->starts, ev->ends, ev->tzid);
		s2 = g_strdup(lang != NULL && strcmp(lang, "en") == 0
			? ", all day"
			: " 종일");
	} else {
		s1 = g_date_time_format(a, "%Y-%m-%d %H:%M");
		s2 = g_date_time_format(b,
		    g_date_time_get_day_of_year(a) ==
			    g_date_time_get_day_of_year(b)
			? "-%H:%M"
			: " - %Y-%m-%d %H:%M");
	}
	out = g_strdup_printf("%s%s (%s)", s1, s2, ev->tzid);
	g_date_time_unref(a);
	g_date_time_unref(b);
	g_date_time_unref(u1);
	g_date_time_unref(u2);
	g_time_zone_unref(tz);
	return out;
}

/* count_one - add one answer in status with headcount to n */
static void
count_one(struct evview_counts *n, const char *status, int headcount)
{
	if (store_rsvp_status_has_seat(status))
		n->attending += headcount;
	else if (strcmp(status, "waitlist") == 0)
		n->waiting += headcount;
	else if (strcmp(status, "tentative") == 0)
		n->tentative += headcount;
	else if (strcmp(status, "declined") == 0)
		n->declined++;
	else if (strcmp(status, "held") == 0)
		n->held++;
}

/* evview_count - add up the answers rs as event show prints them */
void
evview_count(const GPtrArray *rs, struct evview_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		count_one(n, r->status, r->headcount);
	}
}

/* evview_counts_get - the counts of the event's answers in the store */
bool
evview_counts_get(
    struct store *s, gint64 event_id, struct evview_counts *n_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(s, event_id, err);

	if (rs == NULL)
		return false;
	evview_count(rs, n_out);
	g_ptr_array_unref(rs);
	return true;
}

/* session_counts - the counts of session id: the answers that count for
 * it (sessions_answers()), their seats decided as listd decides them */
static void
session_counts(const struct store_event *ev, const GPtrArray *rsvps,
    const GPtrArray *seated, gint64 id, struct evview_counts *n)
{
	g_autoptr(GPtrArray) rs = sessions_answers(rsvps, id);
	g_autofree const char **st = g_new0(const char *, rs->len + 1);

	memset(n, 0, sizeof(*n));
	seats_words_rsvps(rs, id, ev->capacity, seated, st);
	for (guint i = 0; i < rs->len; i++)
		count_one(n, st[i],
		    ((const struct store_rsvp *)rs->pdata[i])->headcount);
}

/* evview_sessions - the next max sessions not over by now, with the
 * counts of their answers */
GArray *
evview_sessions(const struct store_event *ev, const GPtrArray *stored,
    const GPtrArray *rsvps, const GPtrArray *seated, gint64 now, guint max,
    GError **err)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct evview_session));
	GArray *ss;

	if (ev->rrule == NULL)
		return out;
	/* A session under way began at most its length (a moved one at
	 * most EVBLOCK_MAX_DAYS) ago. */
	ss = sessions_between(ev, stored,
	    now - MAX(ev->ends - ev->starts, EVBLOCK_MAX_DAYS * 86400),
	    now + MOIM_SEAT_HORIZON, err);
	if (ss == NULL) {
		g_array_unref(out);
		return NULL;
	}
	for (guint i = 0; i < ss->len && out->len < max; i++) {
		struct evview_session es = {0};

		es.s = g_array_index(ss, struct session, i);
		if (es.s.ends <= now)
			continue;
		session_counts(ev, rsvps, seated, es.s.id, &es.n);
		g_array_append_val(out, es);
	}
	g_array_unref(ss);
	return out;
}

/* evview_sessions_get - evview_sessions() for what the store holds */
GArray *
evview_sessions_get(struct store *s, const struct store_event *ev, gint64 now,
    guint max, GError **err)
{
	GPtrArray *stored = NULL, *rs = NULL, *seated = NULL;
	GArray *out = NULL;

	if ((stored = store_session_list(s, ev->id, err)) != NULL &&
	    (rs = store_rsvp_list(s, ev->id, err)) != NULL &&
	    (seated = store_session_seat_list(s, ev->id, err)) != NULL)
		out = evview_sessions(ev, stored, rs, seated, now, max, err);
	if (stored != NULL)
		g_ptr_array_unref(stored);
	if (rs != NULL)
		g_ptr_array_unref(rs);
	if (seated != NULL)
		g_ptr_array_unref(seated);
	return out;
}

/* evview_sessions_next - the first session not skipped, or NULL */
const struct evview_session *
evview_sessions_next(const GArray *sessions)
{
	for (guint i = 0; sessions != NULL && i < sessions->len; i++) {
		const struct evview_session *es =
		    &g_array_index(sessions, struct evview_session, i);

		if (!es->s.is_skipped)
			return es;
	}
	return NULL;
}

/* The words of the sessions' text, per language. */
struct session_words {
	const char *lang;
	const char *days[7]; /* Monday first */
	const char *attending, *unit, *waiting, *declined;
	const char *skipped;
	const char *moved[2]; /* around the original time */
};

static const struct session_words session_words[] = {
    {"ko", {"월", "화", "수", "목", "금", "토", "일"}, "참석 ", "명", "대기 ",
	"불참 ", "휴강", {"(", "에서 옮김)"}},
    {"en", {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, "attending ", "",
	"waiting ", "declined ", "skipped", {"(moved from ", ")"}},
};

/* local_text - "2026-12-23 (수) 19:30" of t in tz; the date alone for an
 * all-day event */
static char *
local_text(
    gint64 t, GTimeZone *tz, bool is_all_day, const struct session_words *w)
{
	g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) d = g_date_time_to_timezone(u, tz);
	g_autofree char *date = g_date_time_format(d, "%Y-%m-%d");
	g_autofree char *hm = g_date_time_format(d, " %H:%M");

	return g_strdup_printf("%s (%s)%s", date,
	    w->days[g_date_time_get_day_of_week(d) - 1], is_all_day ? "" : hm);
}

/* words_of - the session words of lang: ko, else en */
static const struct session_words *
words_of(const char *lang)
{
	return &session_words[lang == NULL || strcmp(lang, "ko") != 0];
}

/* evview_session_label - when a session starts, and where it was moved
 * from */
char *
evview_session_label(const struct store_event *ev,
    const struct evview_session *es, const char *lang)
{
	const struct session_words *w = words_of(lang);
	g_autoptr(GTimeZone) tz = zone_of(ev);
	g_autofree char *at = local_text(es->s.starts, tz, ev->is_all_day, w);
	g_autofree char *was = NULL;

	if (!es->s.is_moved)
		return g_steal_pointer(&at);
	was = local_text(es->s.original, tz, ev->is_all_day, w);
	return g_strdup_printf("%s %s%s%s", at, w->moved[0], was, w->moved[1]);
}

/* evview_session_skipped - the word of a skipped session in lang */
const char *
evview_session_skipped(const char *lang)
{
	return words_of(lang)->skipped;
}

/* session_line - one session of the text */
static void
session_line(GString *out, const struct store_event *ev,
    const struct evview_session *es, const char *lang)
{
	const struct session_words *w = words_of(lang);
	g_autofree char *at = evview_session_label(ev, es, lang);
	const struct evview_counts *n = &es->n;

	g_string_append_printf(out, "  %s  ", at);
	if (es->s.is_skipped) {
		g_string_append_printf(out, "%s\n", w->skipped);
		return;
	}
	g_string_append_printf(out, "%s%d", w->attending, n->attending);
	if (ev->capacity > 0)
		g_string_append_printf(out, "/%d", ev->capacity);
	g_string_append_printf(out, "%s, %s%d%s, %s%d%s\n", w->unit, w->waiting,
	    n->waiting, w->unit, w->declined, n->declined, w->unit);
}

/* evview_sessions_text - one line a session, in the event's zone */
char *
evview_sessions_text(
    const struct store_event *ev, const GArray *sessions, const char *lang)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < sessions->len; i++)
		session_line(out, ev,
		    &g_array_index(sessions, struct evview_session, i), lang);
	if (sessions->len == 0)
		g_string_append(out, "  -\n");
	return g_string_free(out, FALSE);
}
