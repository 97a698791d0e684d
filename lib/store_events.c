/*
 * store_events - the store's event tables: events, invitations, RSVPs
 *
 * DESCRIPTION
 *	The events half of lib/store.h (see there). Tables of schema 1:
 *	events, event_lists, invitations, rsvps, reminders. The reminders
 *	table keeps one row per thing sent once for an event (a reminder,
 *	the cancellation), so a restart never sends it again.
 */
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

/* The event's list is the first one linked (seq order): the one it was
 * announced on, also when co-hosts have smaller ids. */
#define EVENT_COLS                                                             \
	"SELECT e.id, (SELECT list_id FROM event_lists x"                      \
	" WHERE x.event_id = e.id ORDER BY seq LIMIT 1), uid, title,"          \
	" starts, ends, all_day, tzid, location, description, capacity,"       \
	" rsvp_by, sequence, organizer, organizer_name, state, message_id,"    \
	" created, source_uid, crasher_policy, rrule FROM events e "

/* event_from_row - a struct store_event from an EVENT_COLS row */
static gpointer
event_from_row(struct db_stmt *st)
{
	struct store_event *ev = g_new0(struct store_event, 1);

	ev->id = sq_col_int(st, 0);
	ev->list_id = sq_col_int(st, 1);
	ev->uid = sq_text(st, 2);
	ev->title = sq_text(st, 3);
	ev->starts = sq_col_int(st, 4);
	ev->ends = sq_col_int(st, 5);
	ev->is_all_day = (int)sq_col_int(st, 6) != 0;
	ev->tzid = sq_text(st, 7);
	ev->location = sq_text(st, 8);
	ev->description = sq_text(st, 9);
	ev->capacity = (int)sq_col_int(st, 10);
	ev->rsvp_by = sq_col_int(st, 11);
	ev->sequence = (int)sq_col_int(st, 12);
	ev->organizer = sq_text(st, 13);
	ev->organizer_name = sq_text(st, 14);
	ev->state = sq_text(st, 15);
	ev->message_id = sq_text(st, 16);
	ev->created = sq_col_int(st, 17);
	ev->source_uid = sq_text(st, 18);
	ev->crashers = sq_text(st, 19);
	ev->rrule = sq_text(st, 20);
	return ev;
}

/* events_collect - every row of st as an event; NULL on error */
static GPtrArray *
events_collect(struct store *s, struct db_stmt *st, GError **err)
{
	return sq_collect(
	    s, st, event_from_row, (GDestroyNotify)store_event_free, err);
}

/* event_one - the first row of st, or NULL */
static bool
event_one(struct store *s, struct db_stmt *st, struct store_event **ev_out,
    GError **err)
{
	gpointer ev;
	bool ok = sq_one(s, st, event_from_row, &ev, err);

	*ev_out = ev;
	return ok;
}

/* store_event_add - a new event on ev->list_id; ev->id is ignored; a
 * NULL ev->crashers holds strangers' answers (the safe default) */
bool
store_event_add(struct store *s, const struct store_event *ev, gint64 now,
    gint64 *id_out, GError **err)
{
	g_autofree char *title = moim_text_line(ev->title);
	g_autofree char *location = moim_text_line(ev->location);
	g_autofree char *org_name = moim_text_line(ev->organizer_name);
	gint64 id;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO events (uid, title, starts, ends, all_day, tzid,"
		" location, description, capacity, rsvp_by, sequence,"
		" organizer, organizer_name, state, message_id, created,"
		" source_uid, crasher_policy, rrule) VALUES (?, ?, ?, ?, ?, ?,"
		" ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, coalesce(?, 'hold'),"
		" ?) RETURNING id",
		"ttiiitttiiitttittt", ev->uid, title, ev->starts, ev->ends,
		(gint64)ev->is_all_day, ev->tzid, location, ev->description,
		(gint64)ev->capacity, ev->rsvp_by, (gint64)ev->sequence,
		ev->organizer, org_name, ev->message_id, now, ev->source_uid,
		ev->crashers, ev->rrule),
	    0, err);
	ok = id > 0 &&
	    sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO event_lists (event_id, list_id, seq)"
		    " VALUES (?, ?, 1)",
		    "ii", id, ev->list_id),
		err);
	if (ok && id_out != NULL)
		*id_out = id;
	return sq_end(s, ok, err);
}

/* store_event_update - write the changeable fields of ev back */
bool
store_event_update(struct store *s, const struct store_event *ev, GError **err)
{
	g_autofree char *title = moim_text_line(ev->title);
	g_autofree char *location = moim_text_line(ev->location);

	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE events SET title = ?, starts = ?, ends = ?,"
		" all_day = ?, tzid = ?, location = ?, description = ?,"
		" capacity = ?, rsvp_by = ?, sequence = ?, state = ?,"
		" crasher_policy = coalesce(?, crasher_policy), rrule = ?"
		" WHERE id = ?",
		"tiiitttiiittti", title, ev->starts, ev->ends,
		(gint64)ev->is_all_day, ev->tzid, location, ev->description,
		(gint64)ev->capacity, ev->rsvp_by, (gint64)ev->sequence,
		ev->state, ev->crashers, ev->rrule, ev->id),
	    err);
}

/* store_event_get - the event with this id, or NULL */
bool
store_event_get(
    struct store *s, gint64 id, struct store_event **ev_out, GError **err)
{
	return event_one(s, sq_stmt(s, err, EVENT_COLS "WHERE id = ?", "i", id),
	    ev_out, err);
}

/* store_event_by_message_id - the event a list's announcement created
 * (list_id 0: on any list) */
bool
store_event_by_message_id(struct store *s, gint64 list_id,
    const char *message_id, struct store_event **ev_out, GError **err)
{
	if (list_id == 0)
		return event_one(s,
		    sq_stmt(s, err,
			EVENT_COLS "WHERE message_id = ? ORDER BY id DESC"
				   " LIMIT 1",
			"t", message_id),
		    ev_out, err);
	return event_one(s,
	    sq_stmt(s, err,
		EVENT_COLS "WHERE message_id = ? AND EXISTS (SELECT 1 FROM"
			   " event_lists x WHERE x.event_id = e.id"
			   " AND x.list_id = ?) ORDER BY id DESC LIMIT 1",
		"ti", message_id, list_id),
	    ev_out, err);
}

/* store_event_by_source_uid - the event adopted from a calendar UID */
bool
store_event_by_source_uid(struct store *s, gint64 list_id,
    const char *source_uid, struct store_event **ev_out, GError **err)
{
	return event_one(s,
	    sq_stmt(s, err,
		EVENT_COLS "WHERE source_uid = ? AND EXISTS (SELECT 1 FROM"
			   " event_lists x WHERE x.event_id = e.id"
			   " AND x.list_id = ?) ORDER BY id DESC LIMIT 1",
		"ti", source_uid, list_id),
	    ev_out, err);
}

/* store_event_link - add a co-hosting list to an event */
bool
store_event_link(struct store *s, gint64 event_id, gint64 list_id,
    bool *added_out, GError **err)
{
	bool ok = sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO event_lists (event_id, list_id, seq)"
		" SELECT ?, ?, coalesce(max(seq), 0) + 1 FROM event_lists"
		" WHERE event_id = ? ON CONFLICT DO NOTHING",
		"iii", event_id, list_id, event_id),
	    err);

	*added_out = ok && sq_changes(s) > 0;
	return ok;
}

/* store_event_organizer_everywhere - whether address is an owner or a
 * moderator of every list that holds the event and of list_id: what
 * co-hosting needs (SPEC "co-hosted event"; issue 13.1) */
bool
store_event_organizer_everywhere(struct store *s, gint64 event_id,
    gint64 list_id, const char *address, bool *is_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT NOT EXISTS (SELECT 1 FROM (SELECT list_id FROM"
		" event_lists WHERE event_id = ? UNION SELECT ?) h WHERE NOT"
		" EXISTS (SELECT 1 FROM members m WHERE m.list_id = h.list_id"
		" AND m.address = ? AND m.role >= ?))",
		"iiti", event_id, list_id, address,
		(gint64)STORE_ROLE_MODERATOR),
	    is_out, err);
}

/* store_event_has_list - whether the list holds (or co-hosts) the event */
bool
store_event_has_list(struct store *s, gint64 event_id, gint64 list_id,
    bool *has_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM event_lists WHERE event_id = ?"
		" AND list_id = ?)",
		"ii", event_id, list_id),
	    has_out, err);
}

/* store_event_list - the events of a list, newest start first */
GPtrArray *
store_event_list(struct store *s, gint64 list_id, GError **err)
{
	return events_collect(s,
	    sq_stmt(s, err,
		EVENT_COLS "WHERE EXISTS (SELECT 1 FROM event_lists x"
			   " WHERE x.event_id = e.id AND x.list_id = ?)"
			   " ORDER BY starts DESC, id DESC",
		"i", list_id),
	    err);
}

/* store_event_current - every event that has not ended by now, and
 * every active series */
GPtrArray *
store_event_current(struct store *s, gint64 now, GError **err)
{
	/* A series goes on past its first session's end; ical/sessions
	 * knows its last one, SQL does not. */
	return events_collect(s,
	    sq_stmt(s, err,
		EVENT_COLS "WHERE ends > ? OR (rrule IS NOT NULL AND"
			   " state = 'active') ORDER BY starts",
		"i", now),
	    err);
}

/* store_event_free - release an event */
void
store_event_free(struct store_event *ev)
{
	if (ev == NULL)
		return;
	g_free(ev->uid);
	g_free(ev->source_uid);
	g_free(ev->crashers);
	g_free(ev->rrule);
	g_free(ev->title);
	g_free(ev->tzid);
	g_free(ev->location);
	g_free(ev->description);
	g_free(ev->organizer);
	g_free(ev->organizer_name);
	g_free(ev->state);
	g_free(ev->message_id);
	g_free(ev);
}

/* store_event_mark - record that kind was done for the event, once;
 * *marked_out is false when it already was */
bool
store_event_mark(struct store *s, gint64 event_id, const char *kind, gint64 now,
    bool *marked_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO reminders (event_id, kind, sent)"
		    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		    "iti", event_id, kind, now),
		err))
		return false;
	*marked_out = sq_changes(s) > 0;
	return true;
}

/* store_event_marked - whether kind was done for the event */
bool
store_event_marked(struct store *s, gint64 event_id, const char *kind,
    bool *marked_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM reminders WHERE event_id = ?"
		" AND kind = ?)",
		"it", event_id, kind),
	    marked_out, err);
}

/* ------------------------------------------------------------ invitations */

/* store_invitation_put - address was sent sequence of the event */
bool
store_invitation_put(struct store *s, gint64 event_id, const char *address,
    int sequence, gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO invitations (event_id, address, sequence, sent)"
		" VALUES (?, ?, ?, ?) ON CONFLICT (event_id, address) DO"
		" UPDATE SET sequence = excluded.sequence, sent = excluded.sent",
		"itii", event_id, address, (gint64)sequence, now),
	    err);
}

/* store_invitation_has - whether address was invited to the event */
bool
store_invitation_has(struct store *s, gint64 event_id, const char *address,
    bool *has_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM invitations WHERE event_id = ?"
		" AND address = ?)",
		"it", event_id, address),
	    has_out, err);
}

/* store_invitation_list - everyone invited to the event, by address */
GPtrArray *
store_invitation_list(struct store *s, gint64 event_id, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT address, sequence, sent FROM invitations"
	    " WHERE event_id = ? ORDER BY address",
	    "i", event_id);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_invitation_free);
	for (;;) {
		struct store_invitation *iv;

		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		iv = g_new0(struct store_invitation, 1);
		iv->address = sq_text(st, 0);
		iv->sequence = (int)sq_col_int(st, 1);
		iv->sent = sq_col_int(st, 2);
		g_ptr_array_add(a, iv);
	}
}

/* store_invitation_free - release an invitation */
void
store_invitation_free(struct store_invitation *iv)
{
	if (iv == NULL)
		return;
	g_free(iv->address);
	g_free(iv);
}

/* ------------------------------------------------------------------ rsvps */

#define RSVP_COLS                                                              \
	"SELECT id, event_id, address, display_name, answer, headcount,"       \
	" status, source, updated, waitlisted, session FROM rsvps "

/* rsvp_from_row - a struct store_rsvp from an RSVP_COLS row */
static gpointer
rsvp_from_row(struct db_stmt *st)
{
	struct store_rsvp *r = g_new0(struct store_rsvp, 1);

	r->id = sq_col_int(st, 0);
	r->event_id = sq_col_int(st, 1);
	r->address = sq_text(st, 2);
	r->display_name = sq_text(st, 3);
	r->answer = sq_text(st, 4);
	r->headcount = (int)sq_col_int(st, 5);
	r->status = sq_text(st, 6);
	r->source = sq_text(st, 7);
	r->updated = sq_col_int(st, 8);
	r->queued = sq_col_int(st, 9);
	r->session = sq_col_int(st, 10);
	return r;
}

/* store_rsvp_status_has_seat - whether an answer in status holds a seat:
 * attending, or taken by hand and not yet told (promoted, admitted) */
bool
store_rsvp_status_has_seat(const char *status)
{
	return strcmp(status, "attending") == 0 ||
	    strcmp(status, "promoted") == 0 || strcmp(status, "admitted") == 0;
}

/* store_rsvp_has_seat - whether an answer holds a seat at the event */
bool
store_rsvp_has_seat(const struct store_rsvp *r)
{
	return store_rsvp_status_has_seat(r->status);
}

/* store_rsvp_get_session - a member's answer for one session (0: the
 * series), or NULL */
bool
store_rsvp_get_session(struct store *s, gint64 event_id, gint64 session,
    const char *address, struct store_rsvp **r_out, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    RSVP_COLS "WHERE event_id = ? AND session = ? AND address = ?",
	    "iit", event_id, session, address);
	gpointer r;
	bool ok = sq_one(s, st, rsvp_from_row, &r, err);

	*r_out = r;
	return ok;
}

/* store_rsvp_get - a member's answer for the whole event (session 0) */
bool
store_rsvp_get(struct store *s, gint64 event_id, const char *address,
    struct store_rsvp **r_out, GError **err)
{
	return store_rsvp_get_session(s, event_id, 0, address, r_out, err);
}

/* store_rsvp_put - record an answer; the last one of an address wins */
bool
store_rsvp_put(struct store *s, const struct store_rsvp *r, GError **err)
{
	g_autofree char *name = moim_text_line(r->display_name);

	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO rsvps (event_id, address, display_name, answer,"
		" headcount, status, source, updated, waitlisted, session)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (event_id, session, address) DO UPDATE SET"
		" display_name = coalesce(excluded.display_name, rsvps.display_name),"
		" answer = excluded.answer, headcount = excluded.headcount,"
		" status = excluded.status, source = excluded.source,"
		" updated = excluded.updated, waitlisted = excluded.waitlisted",
		"itttittiii", r->event_id, r->address, name, r->answer,
		(gint64)r->headcount, r->status, r->source, r->updated,
		r->queued, r->session),
	    err);
}

/* store_rsvp_list - the answers to an event in queue order */
GPtrArray *
store_rsvp_list(struct store *s, gint64 event_id, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    RSVP_COLS "WHERE event_id = ? ORDER BY waitlisted, id", "i",
	    event_id);

	return sq_collect(
	    s, st, rsvp_from_row, (GDestroyNotify)store_rsvp_free, err);
}

/* store_rsvp_list_session - one session's answers in queue order */
GPtrArray *
store_rsvp_list_session(
    struct store *s, gint64 event_id, gint64 session, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    RSVP_COLS
	    "WHERE event_id = ? AND session = ? ORDER BY waitlisted, id",
	    "ii", event_id, session);

	return sq_collect(
	    s, st, rsvp_from_row, (GDestroyNotify)store_rsvp_free, err);
}

/* store_rsvp_free - release an answer */
void
store_rsvp_free(struct store_rsvp *r)
{
	if (r == NULL)
		return;
	g_free(r->address);
	g_free(r->display_name);
	g_free(r->answer);
	g_free(r->status);
	g_free(r->source);
	g_free(r);
}

/* ------------------------------------------------------------ event hosts */

/* host_from_row - the list address of one event_lists row */
static gpointer
host_from_row(struct db_stmt *st)
{
	return sq_text(st, 0);
}

/* store_event_hosts - the addresses of the lists that hold the event,
 * the one it was announced on first */
GPtrArray *
store_event_hosts(struct store *s, gint64 event_id, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT l.local || '@' || l.domain FROM event_lists x"
		" JOIN lists l ON l.id = x.list_id WHERE x.event_id = ?"
		" ORDER BY x.seq",
		"i", event_id),
	    host_from_row, g_free, err);
}

/* store_event_audience - whether address is a member of a list holding
 * the event or has answered it: who still hears of its changes */
bool
store_event_audience(struct store *s, gint64 event_id, const char *address,
    bool *is_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM members m JOIN event_lists x"
		" ON x.list_id = m.list_id WHERE x.event_id = ?"
		" AND m.address = ?) OR EXISTS (SELECT 1 FROM rsvps"
		" WHERE event_id = ? AND address = ?)",
		"itit", event_id, address, event_id, address),
	    is_out, err);
}
