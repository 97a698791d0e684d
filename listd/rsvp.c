/*
 * rsvp - answers to events: iMIP REPLY, plain replies, the rsvp command
 *
 * An answer reaches us as an iMIP REPLY or a plain reply sent to
 * L-rsvp+EVENT@D, as a plain reply to the announcement on the list
 * (matched by In-Reply-To/References), or as the command "rsvp EVENT
 * yes|no|maybe [+N]" to L-request@D from a member, which counts at once
 * like the others. An answer counts only for the address that sends it;
 * one a calendar sent for another address, and one from a stranger
 * (event policy "crashers", by default hold), waits for the organizer.
 * The last answer of an address wins. After each answer every seat is
 * decided again (seats.c): a yes beyond the capacity waits, and a
 * decline promotes whoever waited first, who is told. An answer to a
 * recurring event is for one session (a REPLY with RECURRENCE-ID, a
 * reply or command naming the date) or for the series (session 0),
 * which counts in every session that has no answer of its own from
 * that address; seats are per session (sessions_answers()), decided for
 * the session named, or for the coming sessions after a series answer,
 * and whoever a change promotes in a session is told for that session.
 * A series answer's seat in a session is recorded (session_seats) when
 * that session's seats are decided, so that a lowered capacity takes it
 * no more than it takes an answer's own seat (seats.h).
 * Each answer is
 * confirmed by mail with its status, never to an auto-reply; a
 * stranger's confirmation names no event. The organizer's report of a
 * series gives each coming session's counts (ical/evview), as seated
 * here.
 */
#include <string.h>

#include "commands.h"
#include "err.h"
#include "event.h"
#include "evview.h"
#include "imip.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "rsvp.h"
#include "rsvptext.h"
#include "seats.h"
#include "sessions.h"

#define RSVP_TEXT_MAX (64 * 1024)

/* The result of an rsvp command: its confirmation mail tells the status,
 * so the command needs no results mail of its own. */
const char rsvp_answered[] = "answer taken; a confirmation tells its status";

static const char *const answer_words[] = {[SEATS_YES] = "accepted",
    [SEATS_NO] = "declined",
    [SEATS_MAYBE] = "tentative"};
static const char *const status_words[] = {[SEATS_ATTENDING] = "attending",
    [SEATS_WAITLIST] = "waitlist",
    [SEATS_DECLINED] = "declined",
    [SEATS_TENTATIVE] = "tentative"};

/* answer_of - the seats answer of a stored answer word */
static enum seats_answer
answer_of(const char *w)
{
	if (strcmp(w, "accepted") == 0)
		return SEATS_YES;
	return strcmp(w, "declined") == 0 ? SEATS_NO : SEATS_MAYBE;
}

/* status_text - the sentence of a confirmation, in the list's language */
static char *
status_text(const char *lang, const char *status, int headcount, int pos)
{
	bool ko = strcmp(lang, "ko") == 0;

	if (store_rsvp_status_has_seat(status))
		return ko ? g_strdup_printf(
				"참석으로 등록되었습니다 (%d명).", headcount)
			  : g_strdup_printf("You are registered as attending"
					    " (%d people).",
				headcount);
	if (strcmp(status, "waitlist") == 0)
		return ko
		    ? g_strdup_printf("정원이 다 찼습니다. 대기자 명단 %d번"
				      "째로 등록되었습니다.",
			  pos)
		    : g_strdup_printf("The event is full. You are number"
				      " %d on the waiting list.",
			  pos);
	if (strcmp(status, "declined") == 0)
		return g_strdup(ko ? "불참으로 등록되었습니다."
				   : "You are registered as not attending.");
	if (strcmp(status, "closed") == 0)
		return g_strdup(ko ? "이 행사는 참석 응답을 더 받지 않습니다."
				   : "This event no longer takes answers.");
	if (strcmp(status, "held") == 0)
		return g_strdup(ko ? "초대 명단에 없는 주소라서 주최자가 확인한"
				     " 뒤에 등록됩니다."
				   : "Your address was not invited, so your"
				     " answer waits for the organizer.");
	if (strcmp(status, "held-other") == 0)
		return g_strdup(ko
			? "보내신 주소가 아닌 다른 주소의 응답이라서"
			  " 주최자가 확인한 뒤에 등록됩니다."
			: "Your calendar answered for another address"
			  " than the one you wrote from, so your"
			  " answer waits for the organizer.");
	if (strcmp(status, "refused") == 0)
		return g_strdup(ko ? "죄송하지만 이 행사는 초대받은 분의 응답만"
				     " 받습니다."
				   : "Sorry: this event takes answers only from"
				     " those invited.");
	return g_strdup(ko ? "미정으로 등록되었습니다."
			   : "You are registered as maybe attending.");
}

/* confirm - the confirmation of an answer; a stranger (neither invited
 * nor a member) learns nothing of the event from it, so that trying
 * L-rsvp+N for every N lists no events */
static bool
confirm(struct job *j, const struct store_event *ev, const char *to,
    const char *status, bool is_stranger, int headcount, int pos, GError **err)
{
	GHashTable *v;
	bool ok;

	if (is_stranger) {
		v = notice_vars(j, to);
		g_hash_table_insert(
		    v, "rsvp_address", evview_organizer(j->t.list, ev->id));
	} else {
		v = event_vars(j, ev, to);
	}
	g_hash_table_insert(v, "status",
	    status_text(j->t.list->set.language, status, headcount, pos));
	ok = notice_queue(j, is_stranger ? "rsvp-stranger" : "rsvp-confirm", to,
	    v, NULL, err);
	g_hash_table_unref(v);
	return ok;
}

/* rsvp_tell_promoted - a member who waited now has a seat; or, when
 * was_held, someone not invited whose held answer the organizer took */
bool
rsvp_tell_promoted(struct job *j, const struct store_event *ev,
    const struct store_rsvp *r, bool was_held, GError **err)
{
	GHashTable *v = event_vars(j, ev, r->address);
	bool ok;

	log_info("rsvp: event=%" G_GINT64_FORMAT " %s %s", ev->id,
	    was_held ? "admitted" : "promoted", r->address);
	ok = notice_queue(j, was_held ? "rsvp-admitted" : "rsvp-promoted",
	    r->address, v, NULL, err);
	g_hash_table_unref(v);
	return ok;
}

/* reseat - decide every seat again; store changes, tell the promoted;
 * *status_out and *pos_out are those of who, whose seat (if any) was
 * held for who_held people */
static bool
reseat(struct job *j, const struct store_event *ev, const char *who,
    int who_held, const char **status_out, int *pos_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(j->s, ev->id, err);
	struct seats_entry *e;
	guint i;
	bool ok = rs != NULL;

	if (!ok)
		return false;
	/* An answer held for the organizer takes no part until promoted. */
	for (i = rs->len; i > 0; i--)
		if (strcmp(((struct store_rsvp *)rs->pdata[i - 1])->status,
			"held") == 0)
			g_ptr_array_remove_index(rs, i - 1);
	e = g_new0(struct seats_entry, rs->len + 1);
	for (i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		e[i].answer = answer_of(r->answer);
		e[i].headcount = r->headcount;
		e[i].had_seat = store_rsvp_has_seat(r);
		e[i].held = strcmp(r->address, who) == 0 ? who_held : 0;
		e[i].is_forced = strcmp(r->source, "moimctl") == 0;
	}
	seats_assign(e, rs->len, ev->capacity);
	for (i = 0; ok && i < rs->len; i++) {
		struct store_rsvp *r = rs->pdata[i];
		const char *now_st = status_words[e[i].status];
		bool was_waiting = strcmp(r->status, "waitlist") == 0;

		if (strcmp(r->address, who) == 0) {
			*status_out = now_st;
			*pos_out = e[i].position;
		}
		if (strcmp(r->status, now_st) == 0 ||
		    (e[i].had_seat && e[i].status == SEATS_ATTENDING))
			continue;
		g_free(r->status);
		r->status = g_strdup(now_st);
		ok = store_rsvp_put(j->s, r, err);
		if (ok && was_waiting && e[i].status == SEATS_ATTENDING &&
		    strcmp(r->address, who) != 0)
			ok = rsvp_tell_promoted(j, ev, r, false, err);
	}
	g_free(e);
	g_ptr_array_unref(rs);
	return ok;
}

/* session_event - ev as one session: its own times, no rule, so that
 * the texts of a notice name that session's date */
static struct store_event
session_event(const struct store_event *ev, const struct session *ss)
{
	struct store_event one = *ev;

	one.starts = ss->starts;
	one.ends = ss->ends;
	one.rrule = NULL;
	return one;
}

/* Seats of one session: the answers that count for it, decided. */
struct view {
	gint64 id; /* the session */
	GPtrArray *answers; /* borrowed from a store_rsvp_list() array */
	GPtrArray *seated; /* its store_session_seat rows, borrowed */
	struct seats_entry *e;
};

/* view_make - decide session id's seats from every answer all (before:
 * the answers before the change being decided, or NULL) and the seats
 * series answers hold (seated: the event's store_session_seat rows) */
static void
view_make(struct view *v, const GPtrArray *all, gint64 id, int capacity,
    const GPtrArray *before, const GPtrArray *seated)
{
	v->id = id;
	v->answers = sessions_answers(all, id);
	v->seated = g_ptr_array_new();
	for (guint i = 0; i < seated->len; i++)
		if (((const struct store_session_seat *)seated->pdata[i])
			->session == id)
			g_ptr_array_add(v->seated, seated->pdata[i]);
	v->e = g_new0(struct seats_entry, v->answers->len + 1);
	seats_assign_rsvps(v->answers, id, capacity, before, v->seated, v->e);
}

/* view_clear - release a view */
static void
view_clear(struct view *v)
{
	g_clear_pointer(&v->answers, g_ptr_array_unref);
	g_clear_pointer(&v->seated, g_ptr_array_unref);
	g_clear_pointer(&v->e, g_free);
}

/* view_record - keep session_seats as the view decided answer i: a
 * series answer with a seat there holds it for its headcount; any
 * other answer holds none through the series (an answer for the
 * session keeps its own status). Writes only what changed. */
static bool
view_record(struct job *j, const struct store_event *ev, const struct view *v,
    guint i, GError **err)
{
	const struct store_rsvp *r = v->answers->pdata[i];
	int had = seats_recorded(v->seated, v->id, r->address);
	struct store_session_seat st = {ev->id, v->id, r->address,
	    r->session == 0 && v->e[i].status == SEATS_ATTENDING
		? v->e[i].headcount
		: 0};

	if (st.headcount == had)
		return true;
	if (st.headcount > 0)
		return store_session_seat_put(j->s, &st, err);
	return store_session_seat_delete(j->s, ev->id, v->id, r->address, err);
}

/* view_status - the status of addr in a view, or -1 if it has none */
static int
view_status(const struct view *v, const char *addr)
{
	for (guint i = 0; v->answers != NULL && i < v->answers->len; i++)
		if (strcmp(((const struct store_rsvp *)v->answers->pdata[i])
			       ->address,
			addr) == 0)
			return (int)v->e[i].status;
	return -1;
}

/* rsvp_session_seated - the addresses (char *) with a seat at session
 * id (0: a one-session event, or the series' own answers) */
GPtrArray *
rsvp_session_seated(
    struct job *j, const struct store_event *ev, gint64 id, GError **err)
{
	GPtrArray *all = store_rsvp_list(j->s, ev->id, err);
	GPtrArray *out, *seated = NULL;
	struct view v;

	if (all == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
	/* A one-session event keeps its stored seats (promotions by hand
	 * and seats kept across a smaller capacity included). */
	if (ev->rrule == NULL) {
		for (guint i = 0; i < all->len; i++)
			if (store_rsvp_has_seat(all->pdata[i]))
				g_ptr_array_add(out,
				    g_strdup(
					((struct store_rsvp *)all->pdata[i])
					    ->address));
		g_ptr_array_unref(all);
		return out;
	}
	if ((seated = store_session_seat_list(j->s, ev->id, err)) == NULL) {
		g_ptr_array_unref(all);
		g_ptr_array_unref(out);
		return NULL;
	}
	view_make(&v, all, id, ev->capacity, NULL, seated);
	for (guint i = 0; i < v.answers->len; i++)
		if (v.e[i].status == SEATS_ATTENDING)
			g_ptr_array_add(out,
			    g_strdup(((struct store_rsvp *)v.answers->pdata[i])
					 ->address));
	view_clear(&v);
	g_ptr_array_unref(seated);
	g_ptr_array_unref(all);
	return out;
}

/* affected - the sessions whose seats an answer for session id changes:
 * that one, or for the series the coming ones (not skipped, within
 * MOIM_SEAT_HORIZON, at most MOIM_MAX_SEAT_SESSIONS) */
static GArray *
affected(struct job *j, const struct store_event *ev, gint64 id, GError **err)
{
	GPtrArray *stored = store_session_list(j->s, ev->id, err);
	GArray *out = NULL;
	struct session s;
	bool found = false;

	if (stored == NULL)
		return NULL;
	if (id != 0) {
		if (sessions_find(ev, stored, id, &s, &found, err)) {
			out = g_array_new(FALSE, FALSE, sizeof s);
			if (found)
				g_array_append_val(out, s);
		}
	} else if ((out = sessions_between(ev, stored, j->now,
			j->now + MOIM_SEAT_HORIZON, err)) != NULL) {
		for (guint i = out->len; i > 0; i--)
			if (g_array_index(out, struct session, i - 1)
				.is_skipped)
				g_array_remove_index(out, i - 1);
		if (out->len > MOIM_MAX_SEAT_SESSIONS)
			g_array_set_size(out, MOIM_MAX_SEAT_SESSIONS);
	}
	g_ptr_array_unref(stored);
	return out;
}

/* Who answered, for which session (0: the series), and what the
 * nearest session holding that answer decided for them. */
struct outcome {
	const char *who;
	gint64 session;
	const char *status;
	int pos;
};

/* reseat_one - store the statuses of one session's view after a change
 * (own answers for it; series answers too when series_too: the first
 * session a series answer decided) and tell whoever waited in before
 * and has a seat now */
static bool
reseat_one(struct job *j, const struct store_event *ev,
    const struct session *ss, const struct view *before,
    const struct view *after, bool series_too, struct outcome *o, GError **err)
{
	struct store_event one = session_event(ev, ss);
	bool ok = true;

	for (guint i = 0; ok && i < after->answers->len; i++) {
		struct store_rsvp *r = after->answers->pdata[i];
		const char *now_st = status_words[after->e[i].status];
		bool is_who = strcmp(r->address, o->who) == 0;

		if (is_who && r->session == o->session && o->status == NULL) {
			o->status = now_st;
			o->pos = after->e[i].position;
		}
		if (!is_who &&
		    view_status(before, r->address) == SEATS_WAITLIST &&
		    after->e[i].status == SEATS_ATTENDING)
			ok = rsvp_tell_promoted(j, &one, r, false, err);
		ok = ok && view_record(j, ev, after, i, err);
		if (!ok || (r->session == 0 && !series_too) ||
		    strcmp(r->status, now_st) == 0)
			continue;
		g_free(r->status);
		r->status = g_strdup(now_st);
		ok = store_rsvp_put(j->s, r, err);
	}
	return ok;
}

/* reseat_sessions - put r, an answer to a recurring event, and decide
 * the seats of the sessions it changes */
static bool
reseat_sessions(struct job *j, const struct store_event *ev,
    const struct store_rsvp *r, struct outcome *o, GError **err)
{
	GArray *ss = affected(j, ev, r->session, err);
	GPtrArray *old_all = NULL, *all = NULL, *seated = NULL;
	bool ok = ss != NULL;

	ok = ok && (old_all = store_rsvp_list(j->s, ev->id, err)) != NULL &&
	    (seated = store_session_seat_list(j->s, ev->id, err)) != NULL &&
	    store_rsvp_put(j->s, r, err) &&
	    (all = store_rsvp_list(j->s, ev->id, err)) != NULL;
	for (guint k = 0; ok && k < ss->len; k++) {
		const struct session *s = &g_array_index(ss, struct session, k);
		struct view before, after;

		view_make(&before, old_all, s->id, ev->capacity, NULL, seated);
		view_make(&after, all, s->id, ev->capacity, old_all, seated);
		ok = reseat_one(j, ev, s, &before, &after,
		    r->session == 0 && k == 0, o, err);
		view_clear(&before);
		view_clear(&after);
	}
	if (ss != NULL)
		g_array_unref(ss);
	if (old_all != NULL)
		g_ptr_array_unref(old_all);
	if (all != NULL)
		g_ptr_array_unref(all);
	if (seated != NULL)
		g_ptr_array_unref(seated);
	return ok;
}

/* next_queued - a queue position after every answer so far */
static bool
next_queued(struct job *j, gint64 event_id, gint64 *q_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(j->s, event_id, err);
	guint i;

	if (rs == NULL)
		return false;
	*q_out = 1;
	for (i = 0; i < rs->len; i++)
		*q_out = MAX(
		    *q_out, ((struct store_rsvp *)rs->pdata[i])->queued + 1);
	g_ptr_array_unref(rs);
	return true;
}

/* is_invited - whether addr was invited to the event or is a member of
 * the list the answer came to (who joined after the announcement) */
static bool
is_invited(struct job *j, const struct store_event *ev, const char *addr,
    bool *yes_out, GError **err)
{
	struct store_member *m = NULL;

	if (!store_invitation_has(j->s, ev->id, addr, yes_out, err))
		return false;
	if (*yes_out)
		return true;
	if (!store_member_get(j->s, j->t.list->id, addr, &m, err))
		return false;
	*yes_out = m != NULL;
	store_member_free(m);
	return true;
}

/* hold - keep an answer without a seat until the organizer takes it
 * with moimctl event promote: a stranger's (crashers=hold), or, when
 * other is set, a calendar's answer for that other address (an alias,
 * another account, or someone answering for a victim). The organizer is
 * told who sent it and for whom. An answer the sender already has stays
 * as it is: only the organizer changes it. */
static bool
hold(struct job *j, const struct store_event *ev, struct store_rsvp *r,
    const struct store_rsvp *old, const char *other, bool is_stranger,
    GError **err)
{
	GHashTable *v = event_vars(j, ev, ev->organizer);
	bool ok = true;

	r->status = "held";
	if (old == NULL || strcmp(old->status, "held") == 0)
		ok = next_queued(j, ev->id, &r->queued, err) &&
		    store_rsvp_put(j->s, r, err);
	g_hash_table_insert(v, "member", g_strdup(r->address));
	if (other != NULL)
		g_hash_table_insert(v, "attendee", g_strdup(other));
	g_hash_table_insert(v, "status",
	    status_text(j->t.list->set.language,
		r->answer[0] == 'a'	  ? "attending"
		    : r->answer[0] == 'd' ? "declined"
					  : "tentative",
		r->headcount, 0));
	ok = ok &&
	    notice_queue(j, other != NULL ? "rsvp-held-other" : "rsvp-held",
		ev->organizer, v, NULL, err) &&
	    confirm(j, ev, r->address, other != NULL ? "held-other" : "held",
		is_stranger, r->headcount, 0, err);
	g_hash_table_unref(v);
	j->result = other != NULL ? "rsvp held: for another address"
				  : "rsvp held: not invited";
	log_info("rsvp: event=%" G_GINT64_FORMAT " addr=%s answer=%s"
		 " held: %s%s",
	    ev->id, r->address, r->answer,
	    other != NULL ? "for " : "not invited", other ? other : "");
	return ok;
}

/* take - store an answer, decide every seat again, confirm it (shown:
 * the event as the confirmation names it, one session or all) */
static bool
take(struct job *j, const struct store_event *ev,
    const struct store_event *shown, struct store_rsvp *r,
    const struct store_rsvp *old, bool is_stranger, GError **err)
{
	const char *status = "closed";
	int pos = 0;
	bool ok = true;

	/* A held answer the policy now takes is seated like a new one. */
	if (old != NULL && strcmp(old->status, "held") != 0)
		r->status = old->status;
	if (old != NULL)
		r->queued = old->queued;
	if (strcmp(r->answer, "accepted") == 0 &&
	    (old == NULL || strcmp(old->answer, "accepted") != 0 ||
		old->headcount != r->headcount))
		ok = next_queued(j, ev->id, &r->queued, err);
	if (ev->rrule == NULL) {
		ok = ok && store_rsvp_put(j->s, r, err) &&
		    reseat(j, ev, r->address, old != NULL ? old->headcount : 0,
			&status, &pos, err);
	} else {
		struct outcome o = {r->address, r->session, NULL, 0};

		ok = ok && reseat_sessions(j, ev, r, &o, err);
		status = o.status != NULL ? o.status : r->status;
		pos = o.pos;
	}
	ok = ok &&
	    confirm(j, shown, r->address, status, is_stranger, r->headcount,
		pos, err);
	log_info("rsvp: event=%" G_GINT64_FORMAT " session=%" G_GINT64_FORMAT
		 " addr=%s answer=%s headcount=%d source=%s status=%s",
	    ev->id, r->session, r->address, r->answer, r->headcount, r->source,
	    status);
	j->result = "rsvp recorded";
	return ok;
}

/* open_for - whether the event takes answers for session id (0: the
 * series) by now; *shown_out is the event as that session */
static bool
open_for(struct job *j, const struct store_event *ev, gint64 id, bool *open_out,
    struct store_event *shown_out, GError **err)
{
	GPtrArray *stored;
	struct session s;
	gint64 end = 0;
	bool ok, found = false;

	*shown_out = *ev;
	*open_out = strcmp(ev->state, "active") == 0 &&
	    (ev->rsvp_by == 0 || j->now < ev->rsvp_by);
	if (ev->rrule == NULL) {
		*open_out = *open_out && j->now < ev->ends;
		return true;
	}
	if ((stored = store_session_list(j->s, ev->id, err)) == NULL)
		return false;
	if (id == 0) {
		ok = sessions_last_end(ev, stored, &end, err);
		*open_out = *open_out && (end == 0 || j->now < end);
	} else {
		ok = sessions_find(ev, stored, id, &s, &found, err);
		*open_out =
		    *open_out && found && !s.is_skipped && j->now < s.ends;
		if (found)
			*shown_out = session_event(ev, &s);
	}
	g_ptr_array_unref(stored);
	return ok;
}

/* rsvp_record_session - take addr's answer for session id of the event
 * (0: the series; always 0 for a one-session event), or hold it: other
 * is the address a calendar answered for, when not addr; confirm it */
bool
rsvp_record_session(struct job *j, const struct store_event *ev, gint64 id,
    const char *addr, const char *name, enum seats_answer a, int headcount,
    const char *source, const char *other, GError **err)
{
	struct store_rsvp *old = NULL;
	struct store_event shown;
	struct store_rsvp r = {.event_id = ev->id,
	    .session = ev->rrule != NULL ? id : 0,
	    .address = (char *)addr,
	    .display_name = (char *)name,
	    .answer = (char *)answer_words[a],
	    .headcount = a == SEATS_NO ? 0 : MAX(headcount, 1),
	    .status = "waitlist",
	    .source = (char *)source,
	    .updated = j->now};
	bool ok, takes = false, is_stranger = false;

	if (!open_for(j, ev, r.session, &takes, &shown, err) ||
	    !store_rsvp_get_session(j->s, ev->id, r.session, addr, &old, err))
		return false;
	/* RFC 5546 3.2.3: someone the invitation did not name and who is no
	 * member of the list is a "party crasher"; an answer once taken
	 * makes its sender an attendee. */
	if (old == NULL || strcmp(old->status, "held") == 0) {
		bool invited = false;

		if (!is_invited(j, ev, addr, &invited, err)) {
			store_rsvp_free(old);
			return false;
		}
		is_stranger = !invited;
	}
	if (!takes) {
		j->result = "rsvp closed";
		ok = confirm(j, &shown, addr, "closed", is_stranger, 0, 0, err);
	} else if (is_stranger && g_strcmp0(ev->crashers, "refuse") == 0) {
		j->result = "rsvp refused: not invited";
		ok = confirm(j, ev, addr, "refused", true, 0, 0, err);
	} else if (other != NULL ||
	    (is_stranger && g_strcmp0(ev->crashers, "accept") != 0)) {
		ok = hold(j, &shown, &r, old, other, is_stranger, err);
	} else {
		ok = take(j, ev, &shown, &r, old, is_stranger, err);
	}
	store_rsvp_free(old);
	return ok;
}

/* rsvp_record - rsvp_record_session() for the series */
bool
rsvp_record(struct job *j, const struct store_event *ev, const char *addr,
    const char *name, enum seats_answer a, int headcount, const char *source,
    const char *other, GError **err)
{
	return rsvp_record_session(
	    j, ev, 0, addr, name, a, headcount, source, other, err);
}

/* answer_of_partstat - an iMIP PARTSTAT as an answer; false if none */
static bool
answer_of_partstat(enum imip_partstat p, enum seats_answer *a_out)
{
	if (p == IMIP_PARTSTAT_ACCEPTED)
		*a_out = SEATS_YES;
	else if (p == IMIP_PARTSTAT_DECLINED)
		*a_out = SEATS_NO;
	else if (p == IMIP_PARTSTAT_TENTATIVE)
		*a_out = SEATS_MAYBE;
	else
		return false;
	return true;
}

/* answer_of_text - a free-text answer; false if none */
static bool
answer_of_text(const struct rsvptext *t, enum seats_answer *a_out)
{
	if (t->answer == RSVPTEXT_YES)
		*a_out = SEATS_YES;
	else if (t->answer == RSVPTEXT_NO)
		*a_out = SEATS_NO;
	else if (t->answer == RSVPTEXT_MAYBE)
		*a_out = SEATS_MAYBE;
	else
		return false;
	return true;
}

/* attendee_in - the attendee of a REPLY's VEVENT who answers: the
 * sender if listed, else the only one (an alias, a forwarded
 * invitation, or an answer forged for someone else: the caller holds
 * it) */
static const struct imip_attendee *
attendee_in(const struct imip_attendee *a, size_t n, const char *who)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].canonical != NULL && strcmp(a[i].canonical, who) == 0)
			return &a[i];
	if (n == 1 && a[0].canonical != NULL)
		return &a[0];
	return NULL;
}

/* record_attendee - the answer of at, sent by who, for session id: only
 * the sender's own answer counts; an ATTENDEE line naming another
 * address is held for the organizer, never recorded for that address
 * (it could flip a member's answer and free a seat) */
static bool
record_attendee(struct job *j, const struct store_event *ev, gint64 id,
    const char *who, const struct imip_attendee *at, enum seats_answer a,
    GError **err)
{
	if (strcmp(at->canonical, who) == 0)
		return rsvp_record_session(
		    j, ev, id, who, at->cn, a, 1, "imip", NULL, err);
	return rsvp_record_session(j, ev, id, who,
	    addr_display_name(job_speaker(j)), a, 1, "imip", at->canonical,
	    err);
}

/* instance_session - the session a REPLY's instance answers: 0 for the
 * master; else the session whose original start its RECURRENCE-ID
 * names, in whatever zone it is written (*found_out false if none) */
static bool
instance_session(const struct store_event *ev, const GPtrArray *stored,
    const struct imip_instance *in, gint64 *id_out, bool *found_out,
    GError **err)
{
	struct session s;
	gint64 t = in->recurrence_instant;

	*id_out = 0;
	*found_out = true;
	if (in->recurrence_id == NULL)
		return true;
	*found_out = false;
	/* A DATE or floating RECURRENCE-ID is in the event's zone. */
	if (!in->has_instant &&
	    !sessions_instant(in->recurrence_id, ev->tzid, &t, NULL))
		return true;
	if (!sessions_find(ev, stored, t, &s, found_out, err))
		return false;
	*id_out = s.id;
	return true;
}

/* by_instances - a REPLY to a recurring event: the master answers the
 * series, then each instance its session (Google sends both in one
 * REPLY; Outlook an instance with RRULE); *n_out answers taken */
static bool
by_instances(struct job *j, const struct store_event *ev,
    const struct imip_reply *r, const char *who, int *n_out, GError **err)
{
	GPtrArray *stored = store_session_list(j->s, ev->id, err);
	bool ok = stored != NULL;

	*n_out = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; ok && i < r->n_instances; i++) {
			const struct imip_instance *in = &r->instances[i];
			const struct imip_attendee *at =
			    attendee_in(in->attendees, in->n_attendees, who);
			enum seats_answer a;
			gint64 id;
			bool found;

			if ((in->recurrence_id == NULL) != (pass == 0) ||
			    at == NULL || !answer_of_partstat(at->partstat, &a))
				continue;
			ok = instance_session(ev, stored, in, &id, &found, err);
			if (!ok || !found)
				continue;
			ok = record_attendee(j, ev, id, who, at, a, err);
			(*n_out)++;
		}
	if (stored != NULL)
		g_ptr_array_unref(stored);
	return ok;
}

/* by_imip - an iMIP REPLY to L-rsvp+EVENT@D; *taken_out false if the
 * message carries no REPLY for this event */
static bool
by_imip(
    struct job *j, const struct store_event *ev, bool *taken_out, GError **err)
{
	struct imip_reply *r = NULL;
	const struct imip_attendee *at;
	const char *who = addr_canonical(job_speaker(j));
	enum seats_answer a;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	bool ok = true;
	int n = 0;

	*taken_out = false;
	if (!imip_read(raw, len, &r, NULL) || r == NULL ||
	    r->method != IMIP_METHOD_REPLY)
		goto out;
	*taken_out = true;
	if (r->is_from_subject) {
		if (answer_of_partstat(r->subject_partstat, &a))
			ok = rsvp_record(
			    j, ev, who, NULL, a, 1, "imip", NULL, err);
		goto out;
	}
	if (r->uid != NULL && strcmp(r->uid, ev->uid) == 0 &&
	    ev->rrule != NULL) {
		ok = by_instances(j, ev, r, who, &n, err);
		if (n == 0)
			j->result = "reply for no known session or attendee";
		goto out;
	}
	at = attendee_in(r->attendees, r->n_attendees, who);
	if (r->uid == NULL || strcmp(r->uid, ev->uid) != 0 || at == NULL ||
	    !answer_of_partstat(at->partstat, &a)) {
		j->result = "reply for no known event or attendee";
		goto out;
	}
	ok = record_attendee(j, ev, 0, who, at, a, err);
out:
	imip_reply_free(r);
	return ok;
}

/* text_session - the session of a recurring event a reply names (t):
 * the series for "all of them", a date, this or next week, else the
 * next session; *found_out false when the event has none such */
static bool
text_session(struct job *j, const struct store_event *ev,
    const struct rsvptext *t, gint64 *id_out, bool *found_out, GError **err)
{
	GPtrArray *stored;
	struct session s = {0};
	bool ok;

	*id_out = 0;
	*found_out = true;
	if (ev->rrule == NULL || t->when == RSVPTEXT_WHEN_ALL)
		return true;
	if ((stored = store_session_list(j->s, ev->id, err)) == NULL)
		return false;
	if (t->when == RSVPTEXT_WHEN_DATE)
		ok = sessions_on_day_ahead(
		    ev, stored, j->now, t->month, t->day, &s, found_out, err);
	else if (t->when == RSVPTEXT_WHEN_NEXT_WEEK)
		ok =
		    sessions_in_week(ev, stored, j->now, 1, &s, found_out, err);
	else
		ok = sessions_next(ev, stored, j->now, &s, found_out, err);
	g_ptr_array_unref(stored);
	*found_out = *found_out && !s.is_skipped;
	*id_out = s.id;
	return ok;
}

/* by_text - the new text of a reply (body, the mail's text); *t_out
 * says what it held */
static bool
by_text(struct job *j, const struct store_event *ev, const char *body,
    struct rsvptext *t_out, GError **err)
{
	enum seats_answer a;
	gint64 id = 0;
	bool found = true;

	if (!rsvptext_read(body, t_out) || !answer_of_text(t_out, &a))
		return true;
	if (!text_session(j, ev, t_out, &id, &found, err))
		return false;
	if (!found) {
		j->result = "reply names no session of the event";
		return true;
	}
	return rsvp_record_session(j, ev, id, addr_canonical(job_speaker(j)),
	    addr_display_name(job_speaker(j)), a, t_out->headcount, "text",
	    NULL, err);
}

/* event_of_list - the event id names, if the job's list holds or
 * co-hosts it */
static bool
event_of_list(
    struct job *j, const char *id, struct store_event **ev_out, GError **err)
{
	gint64 n;
	bool has = false;

	*ev_out = NULL;
	if (id == NULL ||
	    !g_ascii_string_to_signed(id, 10, 1, G_MAXINT64, &n, NULL))
		return true;
	if (!store_event_get(j->s, n, ev_out, err))
		return false;
	if (*ev_out != NULL &&
	    !store_event_has_list(j->s, n, j->t.list->id, &has, err)) {
		g_clear_pointer(ev_out, store_event_free);
		return false;
	}
	if (*ev_out != NULL && !has)
		g_clear_pointer(ev_out, store_event_free);
	return true;
}

/* asks_report - whether the mail's first word (Subject, else the first
 * line of its text, body) asks for the attendee list */
static bool
asks_report(struct job *j, const char *body)
{
	static const char *const words[] = {"report", "명단", "참석자", NULL};
	const char *src[] = {j->subject, body};

	for (size_t i = 0; i < G_N_ELEMENTS(src); i++) {
		g_autofree char *w = NULL;
		const char *p = src[i], *e;

		if (p == NULL)
			continue;
		while (g_unichar_isspace(g_utf8_get_char_validated(p, -1)))
			p = g_utf8_next_char(p);
		for (e = p; *e != '\0' && !g_ascii_isspace(*e); e++)
			;
		w = g_ascii_strdown(p, e - p);
		for (size_t k = 0; words[k] != NULL; k++)
			if (strcmp(w, words[k]) == 0)
				return true;
		if (*p != '\0')
			return false; /* the Subject had another word */
	}
	return false;
}

/* report_text - the attendee list, one answer a line, and the totals; an
 * answer of a series for one session ends in that session's date */
static char *
report_text(const struct store_event *ev, GPtrArray *rs, int *going_out,
    int *waiting_out)
{
	GString *t = g_string_new(NULL);
	guint i;

	*going_out = *waiting_out = 0;
	for (i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];
		g_autofree char *day = r->session != 0
		    ? sessions_date_text(r->session, ev->tzid)
		    : NULL;

		g_string_append_printf(t, "  %-10s %2d  %s%s%s%s%s%s\n",
		    r->status, r->headcount, r->address,
		    r->display_name ? " (" : "",
		    r->display_name ? r->display_name : "",
		    r->display_name ? ")" : "", day ? "  @" : "",
		    day ? day : "");
		if (store_rsvp_has_seat(r))
			*going_out += r->headcount;
		else if (strcmp(r->status, "waitlist") == 0)
			*waiting_out += r->headcount;
	}
	if (rs->len == 0)
		g_string_append(t, "  -\n");
	return g_string_free(t, FALSE);
}

/* report_sessions - a series' report: the next session's time and
 * counts in when, going and waiting, and the coming sessions, each with
 * its own counts, in sessions (SPEC "Recurring events") */
static bool
report_sessions(
    struct job *j, const struct store_event *ev, GHashTable *v, GError **err)
{
	bool ko = strcmp(j->t.list->set.language, "ko") == 0;
	GArray *ss =
	    evview_sessions_get(j->s, ev, j->now, EVVIEW_SESSIONS_SHOWN, err);
	const struct evview_session *next;
	g_autofree char *lines = NULL;

	if (ss == NULL)
		return false;
	if ((next = evview_sessions_next(ss)) != NULL) {
		struct store_event one = session_event(ev, &next->s);

		g_hash_table_insert(
		    v, "when", evview_when(&one, j->t.list->set.language));
		g_hash_table_insert(
		    v, "going", g_strdup_printf("%d", next->n.attending));
		g_hash_table_insert(
		    v, "waiting", g_strdup_printf("%d", next->n.waiting));
	}
	lines = evview_sessions_text(ev, ss, j->t.list->set.language);
	g_hash_table_insert(v, "sessions",
	    g_strdup_printf("\n%s\n%s",
		ko ? "회차별 응답 (다음 회차부터; 그 회차에 대한 응답이 없으면"
		     " 전체 회차에 대한 응답을 셉니다):"
		   : "Per session, from the next (an answer for the session"
		     " counts, else the answer for the whole series):",
		lines));
	g_array_unref(ss);
	return true;
}

/* report - "report" to L-rsvp+EVENT@D from the organizer, an owner or a
 * moderator of the list that announced the event: the attendee list goes to the
 * stored address of whoever asked, so a forged From only sends the list to its
 * rightful reader */
static bool
report(struct job *j, const struct store_event *ev, const char *body,
    bool *done_out, GError **err)
{
	const char *who = addr_canonical(job_speaker(j));
	struct store_member *m = NULL;
	GPtrArray *rs;
	GHashTable *v;
	int going, waiting;
	bool ok;

	*done_out = false;
	if (!asks_report(j, body))
		return true;
	if (strcmp(who, ev->organizer) != 0) {
		/* the list that announced it, not a co-host (13.1) */
		if (!store_member_get(j->s, ev->list_id, who, &m, err))
			return false;
		if (m == NULL || m->role < STORE_ROLE_MODERATOR) {
			store_member_free(m);
			return true; /* an answer, or nothing, from anyone else
				      */
		}
		store_member_free(m);
	}
	*done_out = true;
	rs = store_rsvp_list(j->s, ev->id, err);
	if (rs == NULL)
		return false;
	v = event_vars(j, ev, who);
	g_hash_table_insert(v, "report", report_text(ev, rs, &going, &waiting));
	g_hash_table_insert(v, "going", g_strdup_printf("%d", going));
	g_hash_table_insert(v, "waiting", g_strdup_printf("%d", waiting));
	g_hash_table_insert(v, "capacity",
	    ev->capacity > 0 ? g_strdup_printf("%d", ev->capacity)
			     : g_strdup("-"));
	g_hash_table_insert(v, "sessions", g_strdup(""));
	ok = (ev->rrule == NULL || report_sessions(j, ev, v, err)) &&
	    notice_queue(j, "rsvp-report", who, v, NULL, err);
	g_hash_table_unref(v);
	g_ptr_array_unref(rs);
	j->result = "report sent";
	return ok;
}

/* rsvp_handle - mail to L-rsvp+EVENT@D */
bool
rsvp_handle(struct job *j, GError **err)
{
	struct store_event *ev = NULL;
	struct rsvptext t = {0};
	g_autofree char *body = NULL;
	bool taken = false, ok;

	if (j->is_auto || j->is_loop || j->msg == NULL ||
	    job_speaker(j) == NULL) {
		j->result = "auto-reply ignored";
		return true;
	}
	if (!event_of_list(j, j->t.ext, &ev, err))
		return false;
	if (ev == NULL) {
		j->result = "no such event";
		return true;
	}
	j->result = "no answer";
	/* decoded once for the report word and the reply reader */
	body = mime_body_text(j->msg, RSVP_TEXT_MAX);
	ok = report(j, ev, body, &taken, err) &&
	    (taken || by_imip(j, ev, &taken, err)) &&
	    (taken || by_text(j, ev, body, &t, err));
	store_event_free(ev);
	return ok;
}

/* replied_event - the event whose announcement this post answers */
static bool
replied_event(struct job *j, struct store_event **ev_out, GError **err)
{
	g_autofree char *irt =
	    mime_header_text(GMIME_OBJECT(j->msg), "In-Reply-To");
	g_autofree char *refs =
	    mime_header_text(GMIME_OBJECT(j->msg), "References");
	g_autofree char *all =
	    g_strdup_printf("%s %s", irt ? irt : "", refs ? refs : "");
	g_auto(GStrv) ids = g_strsplit_set(all, " \t\r\n,", 64);
	guint i;

	*ev_out = NULL;
	for (i = 0; ids[i] != NULL && *ev_out == NULL; i++) {
		if (ids[i][0] != '<' || strlen(ids[i]) > 998)
			continue;
		if (!store_event_by_message_id(
			j->s, j->t.list->id, ids[i], ev_out, err))
			return false;
	}
	return true;
}

/* is_member - whether the sender is a member of the job's list */
static bool
is_member(struct job *j, bool *is_out, GError **err)
{
	struct store_member *m = NULL;

	if (!store_member_get(
		j->s, j->t.list->id, addr_canonical(job_speaker(j)), &m, err))
		return false;
	*is_out = m != NULL;
	store_member_free(m);
	return true;
}

/* rsvp_reply - a post that answers an announcement: record the answer;
 * *handled_out when it is only an answer and the list keeps those */
bool
rsvp_reply(struct job *j, bool *handled_out, GError **err)
{
	struct store_event *ev = NULL;
	struct rsvptext t = {0};
	g_autofree char *body = NULL;
	bool ok;

	*handled_out = false;
	if (j->is_auto || j->msg == NULL || job_speaker(j) == NULL)
		return true;
	if (!is_member(j, &ok, err))
		return false;
	if (!ok)
		return true;
	if (!replied_event(j, &ev, err))
		return false;
	if (ev == NULL)
		return true;
	body = mime_body_text(j->msg, RSVP_TEXT_MAX);
	ok = by_text(j, ev, body, &t, err);
	if (ok && t.answer != RSVPTEXT_NONE && !t.has_question &&
	    !t.has_discussion && !j->t.list->set.rsvp_distribute) {
		*handled_out = true;
		j->result = "rsvp recorded, not distributed";
	}
	store_event_free(ev);
	return ok;
}

/* events_reply - the "events" command: the list's open events */
static bool
events_reply(struct job *j, const char **result_out, GError **err)
{
	GPtrArray *evs = store_event_list(j->s, j->t.list->id, err);
	GString *out = g_string_new(NULL);
	struct store_event shown;
	bool ok = evs != NULL, takes = false;
	guint i;

	for (i = 0; ok && i < evs->len; i++) {
		const struct store_event *ev = evs->pdata[i];
		GHashTable *v;

		ok = open_for(j, ev, 0, &takes, &shown, err);
		if (!ok || !takes)
			continue;
		v = event_vars(j, ev, "");
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT ": %s, %s",
		    out->len ? "\n  " : "", ev->id, ev->title,
		    (const char *)g_hash_table_lookup(v, "when"));
		g_hash_table_unref(v);
	}
	if (evs != NULL)
		g_ptr_array_unref(evs);
	if (!ok) {
		g_string_free(out, TRUE);
		return false;
	}
	if (out->len == 0)
		g_string_append(out, "no events are open on this list");
	g_free(j->reply);
	j->reply = g_string_free(out, FALSE);
	*result_out = j->reply;
	return true;
}

/* session_of_date - the session of ev that the command's date names:
 * *id_out its id (0 for a one-session event on its date); *found_out
 * false when the event has no session that day, or skips it */
static bool
session_of_date(struct job *j, const struct store_event *ev,
    const struct cmd *c, gint64 *id_out, bool *found_out, GError **err)
{
	GPtrArray *stored = store_session_list(j->s, ev->id, err);
	struct session s = {0};
	bool ok;

	if (stored == NULL)
		return false;
	ok = sessions_on_date(
	    ev, stored, c->year, c->month, c->day, &s, found_out, err);
	g_ptr_array_unref(stored);
	*found_out = ok && *found_out && !s.is_skipped;
	*id_out = s.id;
	return ok;
}

/* rsvp_command - the "events" and "rsvp EVENT yes|no|maybe [+N]"
 * commands to L-request@D, for members only. An answer counts at once,
 * as a reply or a calendar's button does: a forged From gains nothing
 * here that a forged reply would not, and the confirmation mail that
 * tells the status goes to the member's own address. */
bool
rsvp_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err)
{
	struct store_event *ev = NULL;
	enum seats_answer a = SEATS_MAYBE;
	gint64 session = 0;
	bool ok, member, found = true;

	if (!is_member(j, &member, err))
		return false;
	if (!member) {
		*result_out = c->verb == CMD_EVENTS
		    ? "only members see the list's events"
		    : "only members answer events";
		return true;
	}
	if (c->verb == CMD_EVENTS)
		return events_reply(j, result_out, err);
	if (!event_of_list(j, c->arg, &ev, err))
		return false;
	if (ev == NULL) {
		*result_out = "no such event on this list";
		return true;
	}
	if (strcmp(c->arg2, "yes") == 0)
		a = SEATS_YES;
	else if (strcmp(c->arg2, "no") == 0)
		a = SEATS_NO;
	ok = c->year == 0 || session_of_date(j, ev, c, &session, &found, err);
	if (ok && !found) {
		g_free(j->reply);
		j->reply = g_strdup_printf("event %" G_GINT64_FORMAT
					   " has no session on %04d-%02d-%02d",
		    ev->id, c->year, c->month, c->day);
		*result_out = j->reply;
	} else if (ok) {
		ok = rsvp_record_session(j, ev, session,
		    addr_canonical(job_speaker(j)),
		    addr_display_name(job_speaker(j)), a, 1 + c->guests,
		    "command", NULL, err);
		*result_out = rsvp_answered;
	}
	store_event_free(ev);
	return ok;
}
