/*
 * sessions - the sessions of an event: its repeat rule and the sessions
 * that differ from it, expanded between two instants
 *
 * SYNOPSIS
 *	GArray *sessions_between(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 from, gint64 to, GError **err);
 *	bool sessions_next(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 after,
 *	    struct session *s_out, bool *found_out, GError **err);
 *	bool sessions_on_date(const struct store_event *ev,
 *	    const GPtrArray *stored, int year, int month, int day,
 *	    struct session *s_out, bool *found_out, GError **err);
 *	bool sessions_in_week(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 now, int weeks,
 *	    struct session *s_out, bool *found_out, GError **err);
 *	bool sessions_on_day_ahead(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 now, int month, int day,
 *	    struct session *s_out, bool *found_out, GError **err);
 *	bool sessions_find(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 original,
 *	    struct session *s_out, bool *found_out, GError **err);
 *	bool sessions_last_end(const struct store_event *ev,
 *	    const GPtrArray *stored, gint64 *end_out, GError **err);
 *	bool sessions_instant(const char *value, const char *tzid,
 *	    gint64 *instant_out, GError **err);
 *	char *sessions_date_text(gint64 instant, const char *tzid);
GPtrArray *sessions_answers(const GPtrArray *rsvps, gint64 id);
 *	GPtrArray *sessions_answers(const GPtrArray *rsvps, gint64 id);
 * DESCRIPTION
 *	An event (lib/store.h) with no rule (ev->rrule NULL) has one
 *	session, ev->starts to ev->ends, whose id is 0: the id its answers
 *	carry (rsvps.session 0). An event with a rule has one session per
 *	instant the RFC 5545 RRULE gives from its first start, read in the
 *	event's zone (ev->tzid; an all-day event's sessions start at local
 *	midnight); each session's id is that original start instant, the
 *	one a RECURRENCE-ID names, and it lasts as long as the first one.
 *	stored holds the event's struct store_session rows (the sessions
 *	that differ from the rule, lib/store_sessions.c), or is NULL: a
 *	"moved" row gives the session its new start and end, a "skipped" row
 *	marks it is_skipped. Rows that name no instant of the rule are
 *	ignored.
 *
 *	sessions_between() returns the sessions (struct session, by actual
 *	start) whose actual start is in [from, to), skipped ones included.
 *	sessions_next() finds the first session not skipped whose actual
 *	start is at or after after. sessions_on_date() finds the session
 *	not skipped that starts on that calendar date in the event's zone,
 *	else a skipped one (is_skipped set). sessions_in_week() finds the
 *	first session not skipped, not started by now, in the week (Monday
 *	to Sunday in the event's zone) weeks after the one holding now
 *	("this week" 0, "next week" 1). sessions_on_day_ahead() is
 *	sessions_on_date() for a month and day without a year: this year's,
 *	or next year's when this year's is before now's local date.
 *	sessions_find() finds the
 *	session whose id is original. sessions_last_end() gives the end of
 *	the last session that is not skipped, or 0 when the rule has no
 *	end (then or beyond the iteration bound).
 *
 *	sessions_instant() reads a DATE-TIME (or DATE) value of iCalendar
 *	as an instant: "20261209T100000Z" in UTC, "20261209T190000" in zone
 *	tzid (an IANA name, or a Windows name winzone maps), or UTC when
 *	tzid is NULL or unknown. It is how RECURRENCE-ID, RDATE and EXDATE
 *	values are read: libical 3.0.16 ignores the TZID of a RECURRENCE-ID
 *	in icalcomponent_get_recurrenceid() and reads RDATE;TZID= as UTC.
 *	sessions_date_text() is the date of an instant in a zone,
 *	"2026-12-23".
 *
 *	sessions_answers() picks from rsvps (struct store_rsvp, every
 *	session's, in queue order, as store_rsvp_list() gives them) the
 *	answers that count for session id: each address's own answer for
 *	it, else its answer for the whole series (session 0); answers held
 *	for the organizer count nowhere (an own held answer leaves the
 *	series answer in force). The order stays that of rsvps.
 *
 *	libical 3.0.16's faults this module stays clear of (each has a
 *	case in sessions_test.c): icalcomponent_foreach_recurrence still
 *	yields instances that a RECURRENCE-ID overrides, so the expansion
 *	uses the bare rule iterator and applies stored rows itself; COUNT
 *	is counted from DTSTART, so the iterator always starts at the first
 *	session and never at the window (icalrecur_iterator_set_start
 *	refuses COUNT); UNTIL is checked here as an instant as well.
 * OWNERSHIP
 *	sessions_between() returns a new array (g_array_unref);
 *	sessions_date_text() a new string. sessions_answers() a new
 *	array whose elements are borrowed from rsvps. ev and stored are
 *	borrowed.
 * INPUT AND LIMITS
 *	ev and stored come from the store and are trusted, but the rule
 *	may come from a calendar app: at most SESSIONS_MAX_ITER instances
 *	are looked at, from the first, and a rule that recurs more often
 *	than daily is refused. value is untrusted, at most 64 bytes.
 * THREADS
 *	libical's built-in zone cache is shared: call imip_init() and use
 *	one zone before starting threads.
 * ERRORS
 *	MOIM_ERR_INPUT for a rule or value that does not parse.
 * SEE ALSO
 *	RFC 5545 3.3.10 (RRULE), 3.8.4.4 (RECURRENCE-ID); RFC 5546 3.2.2;
 *	lib/store.h, ical/imip.h.
 */
#ifndef MOIM_SESSIONS_H
#define MOIM_SESSIONS_H

#include <stdbool.h>

#include <glib.h>

#include "store.h"

/* Instances of a rule looked at, from the first: a daily rule for 27
 * years, a weekly one for 190. */
#define SESSIONS_MAX_ITER 10000

struct session {
	gint64 id; /* original start instant; 0 for a one-session event */
	gint64 original; /* original start instant, also for id 0 */
	gint64 starts;
	gint64 ends;
	bool is_moved;
	bool is_skipped;
};

GArray *sessions_between(const struct store_event *ev, const GPtrArray *stored,
    gint64 from, gint64 to, GError **err);
bool sessions_next(const struct store_event *ev, const GPtrArray *stored,
    gint64 after, struct session *s_out, bool *found_out, GError **err);
bool sessions_on_date(const struct store_event *ev, const GPtrArray *stored,
    int year, int month, int day, struct session *s_out, bool *found_out,
    GError **err);
bool sessions_in_week(const struct store_event *ev, const GPtrArray *stored,
    gint64 now, int weeks, struct session *s_out, bool *found_out,
    GError **err);
bool sessions_on_day_ahead(const struct store_event *ev,
    const GPtrArray *stored, gint64 now, int month, int day,
    struct session *s_out, bool *found_out, GError **err);
bool sessions_find(const struct store_event *ev, const GPtrArray *stored,
    gint64 original, struct session *s_out, bool *found_out, GError **err);
bool sessions_last_end(const struct store_event *ev, const GPtrArray *stored,
    gint64 *end_out, GError **err);
bool sessions_instant(
    const char *value, const char *tzid, gint64 *instant_out, GError **err);
char *sessions_date_text(gint64 instant, const char *tzid);
GPtrArray *sessions_answers(const GPtrArray *rsvps, gint64 id);

#endif
