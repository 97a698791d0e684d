/*
 * store_sessions - the sessions of recurring events, and answers per
 * session
 *
 * An event with a repeat rule (events.rrule) has one session per date
 * the rule gives, named by its original start instant (the instant its
 * RECURRENCE-ID names, whatever zone a calendar writes it in). Only the
 * sessions that differ from the rule are stored (event_sessions): one
 * that was moved (its new start, end, place) or skipped (an EXDATE of
 * the block, or "moimctl event skip"). Answers (rsvps) carry the session
 * they are for; session 0 is the whole series, and every answer to a
 * one-session event. A series answer's seat in a session is kept in
 * session_seats once listd has decided it, so that deciding again
 * (after the capacity was lowered) leaves it where it is.
 *
 * The expansion of the rule into sessions is ical's work, not the
 * store's: the store keeps what the rule cannot say.
 */

#include "err.h"
#include "store.h"
#include "store_int.h"

#define SESSION_COLS                                                           \
	"SELECT event_id, session, starts, ends, state, sequence, location"    \
	" FROM event_sessions "

/* session_from_row - a struct store_session from a SESSION_COLS row */
static gpointer
session_from_row(struct db_stmt *st)
{
	struct store_session *ss = g_new0(struct store_session, 1);

	ss->event_id = sq_col_int(st, 0);
	ss->session = sq_col_int(st, 1);
	ss->starts = sq_col_int(st, 2);
	ss->ends = sq_col_int(st, 3);
	ss->state = sq_text(st, 4);
	ss->sequence = (int)sq_col_int(st, 5);
	ss->location = sq_text(st, 6);
	return ss;
}

/* store_session_put - record how one session differs from the rule */
bool
store_session_put(struct store *s, const struct store_session *ss, GError **err)
{
	g_autofree char *location = moim_text_line(ss->location);

	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO event_sessions (event_id, session, starts, ends,"
		" state, sequence, location) VALUES (?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (event_id, session) DO UPDATE SET"
		" starts = excluded.starts, ends = excluded.ends,"
		" state = excluded.state, sequence = excluded.sequence,"
		" location = excluded.location",
		"iiiitit", ss->event_id, ss->session, ss->starts, ss->ends,
		ss->state, (gint64)ss->sequence, location),
	    err);
}

/* store_session_get - the stored difference of one session, or NULL */
bool
store_session_get(struct store *s, gint64 event_id, gint64 session,
    struct store_session **ss_out, GError **err)
{
	gpointer ss;
	bool ok = sq_one(s,
	    sq_stmt(s, err, SESSION_COLS "WHERE event_id = ? AND session = ?",
		"ii", event_id, session),
	    session_from_row, &ss, err);

	*ss_out = ss;
	return ok;
}

/* store_session_list - every stored session of an event, by session */
GPtrArray *
store_session_list(struct store *s, gint64 event_id, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err, SESSION_COLS "WHERE event_id = ? ORDER BY session",
		"i", event_id),
	    session_from_row, (GDestroyNotify)store_session_free, err);
}

/* store_session_delete - forget how a session differed (back to the
 * rule) */
bool
store_session_delete(
    struct store *s, gint64 event_id, gint64 session, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"DELETE FROM event_sessions WHERE event_id = ? AND session = ?",
		"ii", event_id, session),
	    err);
}

/* store_session_free - release a session */
void
store_session_free(struct store_session *ss)
{
	if (ss == NULL)
		return;
	g_free(ss->state);
	g_free(ss->location);
	g_free(ss);
}

/* store_session_seat_put - record that an answer for the series holds a
 * seat in one session, for st->headcount people */
bool
store_session_seat_put(
    struct store *s, const struct store_session_seat *st, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO session_seats (event_id, session, address,"
		" headcount) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (event_id, session, address) DO UPDATE SET"
		" headcount = excluded.headcount",
		"iiti", st->event_id, st->session, st->address,
		(gint64)st->headcount),
	    err);
}

/* store_session_seat_delete - forget address's seat in one session */
bool
store_session_seat_delete(struct store *s, gint64 event_id, gint64 session,
    const char *address, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"DELETE FROM session_seats WHERE event_id = ? AND session = ?"
		" AND address = ?",
		"iit", event_id, session, address),
	    err);
}

/* seat_from_row - a struct store_session_seat from a row of
 * store_session_seat_list() */
static gpointer
seat_from_row(struct db_stmt *st)
{
	struct store_session_seat *ss = g_new0(struct store_session_seat, 1);

	ss->event_id = sq_col_int(st, 0);
	ss->session = sq_col_int(st, 1);
	ss->address = sq_text(st, 2);
	ss->headcount = (int)sq_col_int(st, 3);
	return ss;
}

/* store_session_seat_list - every seat of an event held through series
 * answers, by session and address */
GPtrArray *
store_session_seat_list(struct store *s, gint64 event_id, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT event_id, session, address, headcount"
		" FROM session_seats WHERE event_id = ?"
		" ORDER BY session, address",
		"i", event_id),
	    seat_from_row, (GDestroyNotify)store_session_seat_free, err);
}

/* store_session_seat_free - release a seat */
void
store_session_seat_free(struct store_session_seat *st)
{
	if (st == NULL)
		return;
	g_free(st->address);
	g_free(st);
}
