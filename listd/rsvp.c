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
 * decline promotes whoever waited first, who is told. Each answer is
 * confirmed by mail with its status, never to an auto-reply; a
 * stranger's confirmation names no event.
 */
#include <string.h>

#include "err.h"
#include "evview.h"
#include "imip.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "rsvptext.h"
#include "seats.h"

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
 * *status_out and *pos_out are those of who */
static bool
reseat(struct job *j, const struct store_event *ev, const char *who,
    const char **status_out, int *pos_out, GError **err)
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

/* is_open - whether the event still takes answers */
static bool
is_open(const struct store_event *ev, gint64 now)
{
	return strcmp(ev->state, "active") == 0 && now < ev->ends &&
	    (ev->rsvp_by == 0 || now < ev->rsvp_by);
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

/* take - store an answer, decide every seat again, confirm it */
static bool
take(struct job *j, const struct store_event *ev, struct store_rsvp *r,
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
	ok = ok && store_rsvp_put(j->s, r, err) &&
	    reseat(j, ev, r->address, &status, &pos, err) &&
	    confirm(
		j, ev, r->address, status, is_stranger, r->headcount, pos, err);
	log_info("rsvp: event=%" G_GINT64_FORMAT " addr=%s answer=%s"
		 " headcount=%d source=%s status=%s",
	    ev->id, r->address, r->answer, r->headcount, r->source, status);
	j->result = "rsvp recorded";
	return ok;
}

/* rsvp_record - take addr's answer (or hold it: other is the address a
 * calendar answered for, when not addr) and confirm it */
bool
rsvp_record(struct job *j, const struct store_event *ev, const char *addr,
    const char *name, enum seats_answer a, int headcount, const char *source,
    const char *other, GError **err)
{
	struct store_rsvp *old = NULL;
	struct store_rsvp r = {.event_id = ev->id,
	    .address = (char *)addr,
	    .display_name = (char *)name,
	    .answer = (char *)answer_words[a],
	    .headcount = a == SEATS_NO ? 0 : MAX(headcount, 1),
	    .status = "waitlist",
	    .source = (char *)source,
	    .updated = j->now};
	bool ok, is_stranger = false;

	if (!store_rsvp_get(j->s, ev->id, addr, &old, err))
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
	if (!is_open(ev, j->now)) {
		j->result = "rsvp closed";
		ok = confirm(j, ev, addr, "closed", is_stranger, 0, 0, err);
	} else if (is_stranger && g_strcmp0(ev->crashers, "refuse") == 0) {
		j->result = "rsvp refused: not invited";
		ok = confirm(j, ev, addr, "refused", true, 0, 0, err);
	} else if (other != NULL ||
	    (is_stranger && g_strcmp0(ev->crashers, "accept") != 0)) {
		ok = hold(j, ev, &r, old, other, is_stranger, err);
	} else {
		ok = take(j, ev, &r, old, is_stranger, err);
	}
	store_rsvp_free(old);
	return ok;
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

/* imip_attendee_of - the attendee of a REPLY who answers: the sender if
 * listed, else the only one (an alias, a forwarded invitation, or an
 * answer forged for someone else: the caller holds it) */
static const struct imip_attendee *
imip_attendee_of(const struct imip_reply *r, const char *who)
{
	size_t i;

	for (i = 0; i < r->n_attendees; i++)
		if (r->attendees[i].canonical != NULL &&
		    strcmp(r->attendees[i].canonical, who) == 0)
			return &r->attendees[i];
	if (r->n_attendees == 1 && r->attendees[0].canonical != NULL)
		return &r->attendees[0];
	return NULL;
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
	at = imip_attendee_of(r, who);
	if (r->uid == NULL || strcmp(r->uid, ev->uid) != 0 || at == NULL ||
	    !answer_of_partstat(at->partstat, &a)) {
		j->result = "reply for no known event or attendee";
		goto out;
	}
	/* Only the sender's own answer counts: an ATTENDEE line naming
	 * another address is held for the organizer, never recorded for
	 * that address (it could flip a member's answer and free a seat). */
	if (strcmp(at->canonical, who) == 0)
		ok = rsvp_record(j, ev, who, at->cn, a, 1, "imip", NULL, err);
	else
		ok = rsvp_record(j, ev, who, addr_display_name(job_speaker(j)),
		    a, 1, "imip", at->canonical, err);
out:
	imip_reply_free(r);
	return ok;
}

/* by_text - the new text of a reply (body, the mail's text); *t_out
 * says what it held */
static bool
by_text(struct job *j, const struct store_event *ev, const char *body,
    struct rsvptext *t_out, GError **err)
{
	enum seats_answer a;

	if (!rsvptext_read(body, t_out) || !answer_of_text(t_out, &a))
		return true;
	return rsvp_record(j, ev, addr_canonical(job_speaker(j)),
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

/* report_text - the attendee list, one answer a line, and the totals */
static char *
report_text(GPtrArray *rs, int *going_out, int *waiting_out)
{
	GString *t = g_string_new(NULL);
	guint i;

	*going_out = *waiting_out = 0;
	for (i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		g_string_append_printf(t, "  %-10s %2d  %s%s%s%s\n", r->status,
		    r->headcount, r->address, r->display_name ? " (" : "",
		    r->display_name ? r->display_name : "",
		    r->display_name ? ")" : "");
		if (store_rsvp_has_seat(r))
			*going_out += r->headcount;
		else if (strcmp(r->status, "waitlist") == 0)
			*waiting_out += r->headcount;
	}
	if (rs->len == 0)
		g_string_append(t, "  -\n");
	return g_string_free(t, FALSE);
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
	g_hash_table_insert(v, "report", report_text(rs, &going, &waiting));
	g_hash_table_insert(v, "going", g_strdup_printf("%d", going));
	g_hash_table_insert(v, "waiting", g_strdup_printf("%d", waiting));
	g_hash_table_insert(v, "capacity",
	    ev->capacity > 0 ? g_strdup_printf("%d", ev->capacity)
			     : g_strdup("-"));
	ok = notice_queue(j, "rsvp-report", who, v, NULL, err);
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
	guint i;

	if (evs == NULL) {
		g_string_free(out, TRUE);
		return false;
	}
	for (i = 0; i < evs->len; i++) {
		const struct store_event *ev = evs->pdata[i];
		GHashTable *v;

		if (!is_open(ev, j->now))
			continue;
		v = event_vars(j, ev, "");
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT ": %s, %s",
		    out->len ? "\n  " : "", ev->id, ev->title,
		    (const char *)g_hash_table_lookup(v, "when"));
		g_hash_table_unref(v);
	}
	g_ptr_array_unref(evs);
	if (out->len == 0)
		g_string_append(out, "no events are open on this list");
	g_free(j->reply);
	j->reply = g_string_free(out, FALSE);
	*result_out = j->reply;
	return true;
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
	bool ok, member;

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
	ok = rsvp_record(j, ev, addr_canonical(job_speaker(j)),
	    addr_display_name(job_speaker(j)), a, 1 + c->guests, "command",
	    NULL, err);
	*result_out = rsvp_answered;
	store_event_free(ev);
	return ok;
}
