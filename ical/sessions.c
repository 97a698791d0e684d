/*
 * sessions - the sessions of an event: its repeat rule and the sessions
 * that differ from it, expanded between two instants
 */
#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "err.h"
#include "sessions.h"
#include "winzone.h"

/* The longest DATE-TIME value we read: "20261209T190000Z" is 16. */
#define SESSIONS_MAX_VALUE 64

/* One pass over an event's sessions, from the first, in original order. */
struct walk {
	const struct store_event *ev;
	const GPtrArray *stored;
	icaltimezone *zone;
	icalrecur_iterator *it;
	gint64 until; /* last original instant the rule allows; 0: none */
	gint64 last_stored; /* greatest original of a stored row */
	gint64 prev; /* the original given last */
	int n; /* instances looked at */
	int count; /* the rule's COUNT, or 0 */
	int given; /* sessions given */
	bool has_end; /* the rule has COUNT or UNTIL */
	bool is_done;
	bool is_bounded; /* stopped at SESSIONS_MAX_ITER */
};

/* zone_of - libical's zone of an IANA name (or a name winzone maps), UTC
 * for NULL or an unknown one */
static icaltimezone *
zone_of(const char *tzid)
{
	const char *iana = winzone_iana(tzid);
	icaltimezone *z = NULL;

	if (iana != NULL && strcmp(iana, "UTC") != 0)
		z = icaltimezone_get_builtin_timezone(iana);
	return z != NULL ? z : icaltimezone_get_utc_timezone();
}

/* local_instant - the instant of tt's wall-clock fields (a date: its
 * midnight) in zone; libical reads them in zone, whatever tt.zone says */
static gint64
local_instant(struct icaltimetype tt, icaltimezone *zone)
{
	if (tt.is_date)
		tt.hour = tt.minute = tt.second = 0;
	tt.is_date = 0;
	return (gint64)icaltime_as_timet_with_zone(tt, zone);
}

/* until_of - the last original instant the rule's UNTIL allows: a DATE
 * includes its whole local day, a UTC time is itself, a floating one is
 * read in the event's zone */
static gint64
until_of(struct icaltimetype u, icaltimezone *zone)
{
	if (u.is_date) {
		icaltime_adjust(&u, 1, 0, 0, 0);
		return local_instant(u, zone) - 1;
	}
	if (icaltime_is_utc(u))
		return (gint64)icaltime_as_timet(u);
	return local_instant(u, zone);
}

/* walk_start - begin at the first session; a bad rule is an input error */
static bool
walk_start(struct walk *w, const struct store_event *ev,
    const GPtrArray *stored, GError **err)
{
	struct icalrecurrencetype rule;
	struct icaltimetype first;

	memset(w, 0, sizeof *w);
	w->ev = ev;
	w->stored = stored;
	w->prev = G_MININT64;
	for (guint i = 0; stored != NULL && i < stored->len; i++)
		w->last_stored = MAX(w->last_stored,
		    ((const struct store_session *)stored->pdata[i])->session);
	if (ev->rrule == NULL)
		return true;
	w->zone = zone_of(ev->tzid);
	icalerror_clear_errno();
	rule = icalrecurrencetype_from_string(ev->rrule);
	if (rule.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "repeat rule does not parse");
	/* An event that meets every hour (or second) is no session series,
	 * and would spend the iteration bound in a day. */
	if (rule.freq == ICAL_SECONDLY_RECURRENCE ||
	    rule.freq == ICAL_MINUTELY_RECURRENCE ||
	    rule.freq == ICAL_HOURLY_RECURRENCE)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "repeat rule recurs more than daily");
	w->has_end = rule.count > 0 || !icaltime_is_null_time(rule.until);
	/* libical 3.0.16 compares a UTC UNTIL with the local wall-clock
	 * time of each instance (a Seoul 19:00 session "ends" a series
	 * UNTIL 14:59:59Z of the same day); the walk checks it instead. */
	if (!icaltime_is_null_time(rule.until)) {
		w->until = until_of(rule.until, w->zone);
		rule.until = icaltime_null_time();
	}
	/* COUNT counts DTSTART as the first session (RFC 5545 3.8.5.3),
	 * even off the rule, which libical does not yield then: the walk
	 * gives the first start itself and counts. */
	w->count = rule.count;
	rule.count = 0;
	first = icaltime_from_timet_with_zone(
	    (time_t)ev->starts, ev->is_all_day, w->zone);
	/* From the first session always, never from the window. */
	w->it = icalrecur_iterator_new(rule, first);
	if (w->it == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "repeat rule refused");
	return true;
}

/* walk_end - release the iterator */
static void
walk_end(struct walk *w)
{
	g_clear_pointer(&w->it, icalrecur_iterator_free);
}

/* stored_row - the stored row of original, or NULL */
static const struct store_session *
stored_row(const struct walk *w, gint64 original)
{
	for (guint i = 0; w->stored != NULL && i < w->stored->len; i++) {
		const struct store_session *ss = w->stored->pdata[i];

		if (ss->session == original)
			return ss;
	}
	return NULL;
}

/* session_at - the session of original instant o, stored rows applied */
static void
session_at(const struct walk *w, gint64 o, struct session *s)
{
	const struct store_session *ss = stored_row(w, o);

	memset(s, 0, sizeof *s);
	s->id = o;
	s->original = o;
	s->starts = o;
	s->ends = o + (w->ev->ends - w->ev->starts);
	if (ss == NULL)
		return;
	if (strcmp(ss->state, "skipped") == 0) {
		s->is_skipped = true;
	} else if (strcmp(ss->state, "moved") == 0 && ss->ends > ss->starts) {
		s->is_moved = true;
		s->starts = ss->starts;
		s->ends = ss->ends;
	}
}

/* walk_next - the next session; false when there is none */
static bool
walk_next(struct walk *w, struct session *s_out)
{
	struct icaltimetype tt;
	gint64 o;

	if (w->ev->rrule == NULL) {
		if (w->is_done)
			return false;
		w->is_done = true;
		memset(s_out, 0, sizeof *s_out);
		s_out->original = s_out->starts = w->ev->starts;
		s_out->ends = w->ev->ends;
		return true;
	}
	while (!w->is_done) {
		if (w->count > 0 && w->given >= w->count) {
			w->is_done = true;
			break;
		}
		if (w->given == 0) {
			o = w->ev->starts;
			w->prev = o;
			w->given++;
			session_at(w, o, s_out);
			return true;
		}
		if (w->n >= SESSIONS_MAX_ITER) {
			w->is_done = w->is_bounded = true;
			break;
		}
		w->n++;
		tt = icalrecur_iterator_next(w->it);
		if (icaltime_is_null_time(tt)) {
			w->is_done = true;
			break;
		}
		o = local_instant(tt, w->zone);
		if (w->until != 0 && o > w->until) {
			w->is_done = true;
			break;
		}
		/* Never back or twice, whatever the iterator says. */
		if (o <= w->prev)
			continue;
		w->prev = o;
		w->given++;
		session_at(w, o, s_out);
		return true;
	}
	return false;
}

/* by_start - order sessions by actual start */
static gint
by_start(gconstpointer a, gconstpointer b)
{
	const struct session *x = a, *y = b;

	return x->starts < y->starts ? -1 : x->starts > y->starts;
}

/* sessions_between - the sessions whose actual start is in [from, to) */
GArray *
sessions_between(const struct store_event *ev, const GPtrArray *stored,
    gint64 from, gint64 to, GError **err)
{
	GArray *out;
	struct walk w;
	struct session s;

	if (!walk_start(&w, ev, stored, err))
		return NULL;
	out = g_array_new(FALSE, FALSE, sizeof(struct session));
	/* A moved session may start in the window from anywhere, but none
	 * after the last stored row has moved. */
	while (walk_next(&w, &s)) {
		if (s.starts >= from && s.starts < to)
			g_array_append_val(out, s);
		if (s.original >= to && s.original > w.last_stored)
			break;
	}
	walk_end(&w);
	g_array_sort(out, by_start);
	return out;
}

/* sessions_next - the first session not skipped starting at or after
 * after */
bool
sessions_next(const struct store_event *ev, const GPtrArray *stored,
    gint64 after, struct session *s_out, bool *found_out, GError **err)
{
	struct walk w;
	struct session s;

	*found_out = false;
	if (!walk_start(&w, ev, stored, err))
		return false;
	while (walk_next(&w, &s)) {
		if (!s.is_skipped && s.starts >= after &&
		    (!*found_out || s.starts < s_out->starts)) {
			*s_out = s;
			*found_out = true;
		}
		/* Beyond the stored rows sessions are in order. */
		if (*found_out && s.original > w.last_stored &&
		    s.original >= s_out->starts)
			break;
	}
	walk_end(&w);
	return true;
}

/* sessions_on_date - the session starting on a local date */
bool
sessions_on_date(const struct store_event *ev, const GPtrArray *stored,
    int year, int month, int day, struct session *s_out, bool *found_out,
    GError **err)
{
	struct icaltimetype d = icaltime_null_time();
	icaltimezone *zone = zone_of(ev->tzid);
	gint64 from, to;
	GArray *ss;

	*found_out = false;
	d.year = year;
	d.month = month;
	d.day = day;
	d.is_date = 1;
	if (!icaltime_is_valid_time(d) || month < 1 || month > 12 || day < 1 ||
	    day > icaltime_days_in_month(month, year))
		return moim_fail(err, MOIM_ERR_INPUT, "no such date");
	from = local_instant(d, zone);
	icaltime_adjust(&d, 1, 0, 0, 0);
	to = local_instant(d, zone);
	if ((ss = sessions_between(ev, stored, from, to, err)) == NULL)
		return false;
	for (guint i = 0; i < ss->len; i++) {
		const struct session *s = &g_array_index(ss, struct session, i);

		if (!*found_out || (s_out->is_skipped && !s->is_skipped)) {
			*s_out = *s;
			*found_out = true;
		}
	}
	g_array_unref(ss);
	return true;
}

/* sessions_in_week - the first session not skipped nor started by now
 * in the week weeks after now's (Monday to Sunday, local) */
bool
sessions_in_week(const struct store_event *ev, const GPtrArray *stored,
    gint64 now, int weeks, struct session *s_out, bool *found_out, GError **err)
{
	icaltimezone *zone = zone_of(ev->tzid);
	struct icaltimetype d =
	    icaltime_from_timet_with_zone((time_t)now, 1, zone);
	/* icaltime_day_of_week: 1 is Sunday; the week starts on Monday */
	int back = (icaltime_day_of_week(d) + 5) % 7;
	gint64 from, to;
	GArray *ss;

	*found_out = false;
	icaltime_adjust(&d, 7 * weeks - back, 0, 0, 0);
	from = MAX(local_instant(d, zone), now);
	icaltime_adjust(&d, 7, 0, 0, 0);
	to = local_instant(d, zone);
	if ((ss = sessions_between(ev, stored, from, to, err)) == NULL)
		return false;
	for (guint i = 0; i < ss->len && !*found_out; i++) {
		*s_out = g_array_index(ss, struct session, i);
		*found_out = !s_out->is_skipped;
	}
	g_array_unref(ss);
	return true;
}

/* sessions_on_day_ahead - the session on month/day of this year, or of
 * the next when this year's has passed */
bool
sessions_on_day_ahead(const struct store_event *ev, const GPtrArray *stored,
    gint64 now, int month, int day, struct session *s_out, bool *found_out,
    GError **err)
{
	struct icaltimetype d =
	    icaltime_from_timet_with_zone((time_t)now, 1, zone_of(ev->tzid));
	int year = d.year;

	if (month < d.month || (month == d.month && day < d.day))
		year++;
	return sessions_on_date(
	    ev, stored, year, month, day, s_out, found_out, err);
}

/* sessions_find - the session whose original start is original */
bool
sessions_find(const struct store_event *ev, const GPtrArray *stored,
    gint64 original, struct session *s_out, bool *found_out, GError **err)
{
	struct walk w;
	struct session s;

	*found_out = false;
	if (!walk_start(&w, ev, stored, err))
		return false;
	while (!*found_out && walk_next(&w, &s)) {
		if (s.original == original) {
			*s_out = s;
			*found_out = true;
		}
		if (s.original >= original)
			break;
	}
	walk_end(&w);
	return true;
}

/* sessions_last_end - the end of the last session not skipped; 0 when
 * the rule has no end */
bool
sessions_last_end(const struct store_event *ev, const GPtrArray *stored,
    gint64 *end_out, GError **err)
{
	struct walk w;
	struct session s;

	*end_out = 0;
	if (!walk_start(&w, ev, stored, err))
		return false;
	if (ev->rrule != NULL && !w.has_end) {
		walk_end(&w);
		return true;
	}
	while (walk_next(&w, &s))
		if (!s.is_skipped)
			*end_out = MAX(*end_out, s.ends);
	if (w.is_bounded)
		*end_out = 0;
	walk_end(&w);
	return true;
}

/* is_value_form - whether v is DATE (8 digits) or DATE-TIME (8 digits,
 * T, 6 digits, maybe Z): libical also takes forms RFC 5545 has not */
static bool
is_value_form(const char *v)
{
	size_t n = strlen(v), i;

	if (n != 8 && n != 15 && !(n == 16 && v[15] == 'Z'))
		return false;
	for (i = 0; i < n && i < 15; i++)
		if (i == 8 ? v[i] != 'T' : !g_ascii_isdigit(v[i]))
			return false;
	return true;
}

/* sessions_instant - an iCalendar DATE-TIME or DATE value as an instant */
bool
sessions_instant(
    const char *value, const char *tzid, gint64 *instant_out, GError **err)
{
	struct icaltimetype tt;

	if (value == NULL || strlen(value) > SESSIONS_MAX_VALUE ||
	    !is_value_form(value))
		return moim_fail(err, MOIM_ERR_INPUT, "no date-time value");
	icalerror_clear_errno();
	tt = icaltime_from_string(value);
	if (icaltime_is_null_time(tt) || !icaltime_is_valid_time(tt) ||
	    icalerrno != ICAL_NO_ERROR)
		return moim_fail(err, MOIM_ERR_INPUT, "bad date-time value");
	if (icaltime_is_utc(tt))
		*instant_out = (gint64)icaltime_as_timet(tt);
	else
		*instant_out = local_instant(tt, zone_of(tzid));
	return true;
}

/* sessions_date_text - "2026-12-23", the date of instant in tzid */
char *
sessions_date_text(gint64 instant, const char *tzid)
{
	struct icaltimetype tt =
	    icaltime_from_timet_with_zone((time_t)instant, 0, zone_of(tzid));

	return g_strdup_printf("%04d-%02d-%02d", tt.year, tt.month, tt.day);
}

/* is_held - whether an answer waits for the organizer */
static bool
is_held(const struct store_rsvp *r)
{
	return strcmp(r->status, "held") == 0;
}

/* has_own - whether rsvps holds address's own answer for session id */
static bool
has_own(const GPtrArray *rsvps, gint64 id, const char *address)
{
	for (guint i = 0; i < rsvps->len; i++) {
		const struct store_rsvp *r = rsvps->pdata[i];

		if (r->session == id && !is_held(r) &&
		    strcmp(r->address, address) == 0)
			return true;
	}
	return false;
}

/* sessions_answers - the answers that count for session id */
GPtrArray *
sessions_answers(const GPtrArray *rsvps, gint64 id)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < rsvps->len; i++) {
		struct store_rsvp *r = rsvps->pdata[i];

		if (is_held(r))
			continue;
		if (r->session == id ||
		    (r->session == 0 && !has_own(rsvps, id, r->address)))
			g_ptr_array_add(out, r);
	}
	return out;
}
