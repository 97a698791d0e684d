/*
 * webact - what people did on moim-web's pages, carried out by moim-listd
 *
 * moim-web changes nothing itself (SPEC "Web": the mails an act causes
 * are sent by moim-listd): it records an act (lib/store.h, "web acts")
 * and waits for its result. The processor thread takes the undone acts
 * at least once a second, and carries out each in one transaction that
 * also marks it done, with the same code as the same act by mail:
 *
 *	unsub	the member leaves as after a confirmed unsubscription
 *		(request_unsubscribed(): goodbye mail); the one-click token
 *		that moim-web checked stands in for the confirmation.
 *	rsvp	rsvp_record() with headcount 1 + guests and source "web":
 *		capacity, waitlist, confirmation mail.
 *	join	request_subscribe(), as the subscribe command from that
 *		address: a confirmation mail, never a subscription.
 *	signin	a sign-in link (templates signin.txt) to the address if it
 *		is a member of some list, from the first such list; nothing
 *		otherwise, and the page says the same either way.
 *
 * An act's job has no message (j.msg NULL): every path called here reads
 * only the list, the addresses and the store. The result is the word the
 * page shows: "removed", "not-member", "attending", "waitlist 2",
 * "declined", "tentative", "held", "closed", "refused", "confirm-sent",
 * "already-member", "mailed", "failed".
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "limits.h"
#include "listd.h"
#include "log.h"
#include "notice.h"
#include "request.h"
#include "rsvp.h"
#include "seats.h"
#include "webact.h"
#include "weblink.h"

#define WEBACT_BATCH 16
/* An act that fails for a passing reason is tried again each pass, for
 * this long; then it is marked failed and the page says so. */
#define WEBACT_RETRY_SECONDS 300
/* Done acts and sign-in rows are forgotten after the longest session;
 * unsubscribe acts after the longest unsubscribe link (180 days). */
#define WEBACT_KEEP_SECONDS ((gint64)(WEBLINK_SESSION_DAYS + 1) * 86400)
#define WEBACT_KEEP_UNSUB_SECONDS ((gint64)(WEBLINK_LINK_DAYS + 1) * 86400)

/* member_of_act - the member row an act names, if it still is the one
 * the act was made for (same list, same address); else NULL */
static bool
member_of_act(struct job *j, const struct store_web_act *a,
    struct store_member **m_out, GError **err)
{
	if (!store_member_get_id(j->s, a->member_id, m_out, err))
		return false;
	if (*m_out != NULL &&
	    ((*m_out)->list_id != a->list_id ||
		strcmp((*m_out)->address, a->address) != 0))
		g_clear_pointer(m_out, store_member_free);
	return true;
}

/* do_unsub - the member leaves the list */
static bool
do_unsub(struct job *j, const struct store_web_act *a, const char **res_out,
    GError **err)
{
	struct store_member *m = NULL;
	const char *r = NULL;
	bool ok;

	*res_out = "not-member";
	if (!member_of_act(j, a, &m, err))
		return false;
	if (m == NULL)
		return true;
	ok = request_unsubscribed(j, m->address, &r, err);
	if (ok && strcmp(r, "unsubscribed") == 0)
		*res_out = "removed";
	store_member_free(m);
	return ok;
}

/* answer_parse - the seats answer of a form's answer word */
static bool
answer_parse(const char *w, enum seats_answer *a_out)
{
	if (g_strcmp0(w, "yes") == 0)
		*a_out = SEATS_YES;
	else if (g_strcmp0(w, "no") == 0)
		*a_out = SEATS_NO;
	else if (g_strcmp0(w, "maybe") == 0)
		*a_out = SEATS_MAYBE;
	else
		return false;
	return true;
}

/* rsvp_result - the page's word for what rsvp_record() did with addr's
 * answer: its status, with the place on the waitlist */
static bool
rsvp_result(struct job *j, gint64 event_id, const char *addr, char **res_out,
    GError **err)
{
	GPtrArray *rs;
	int pos = 0;

	if (g_str_has_prefix(j->result, "rsvp closed")) {
		*res_out = g_strdup("closed");
		return true;
	}
	if (g_str_has_prefix(j->result, "rsvp refused")) {
		*res_out = g_strdup("refused");
		return true;
	}
	rs = store_rsvp_list(j->s, event_id, err);
	if (rs == NULL)
		return false;
	*res_out = g_strdup("failed");
	/* The waitlist in queue order, as seats.c numbers it. */
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		if (strcmp(r->status, "waitlist") == 0)
			pos++;
		if (strcmp(r->address, addr) != 0)
			continue;
		g_free(*res_out);
		if (strcmp(r->status, "waitlist") == 0)
			*res_out = g_strdup_printf("waitlist %d", pos);
		else if (store_rsvp_has_seat(r))
			*res_out = g_strdup("attending");
		else
			*res_out = g_strdup(r->status);
		break;
	}
	g_ptr_array_unref(rs);
	return true;
}

/* do_rsvp - the member's answer to an event of the member's list */
static bool
do_rsvp(
    struct job *j, const struct store_web_act *a, char **res_out, GError **err)
{
	struct store_member *m = NULL;
	struct store_event *ev = NULL;
	enum seats_answer ans;
	bool ok, has = false;

	*res_out = g_strdup("not-member");
	if (!answer_parse(a->answer, &ans) || a->guests < 0 ||
	    a->guests > RSVPTEXT_MAX_HEADCOUNT)
		return moim_fail(err, MOIM_ERR_INPUT, "bad answer");
	if (!member_of_act(j, a, &m, err))
		return false;
	if (m == NULL)
		return true;
	ok = store_event_get(j->s, a->event_id, &ev, err) &&
	    (ev == NULL ||
		store_event_has_list(j->s, ev->id, m->list_id, &has, err));
	if (ok && has) {
		j->result = "";
		g_clear_pointer(res_out, g_free);
		ok = rsvp_record(j, ev, m->address, m->display_name, ans,
			 1 + a->guests, "web", NULL, err) &&
		    rsvp_result(j, ev->id, m->address, res_out, err);
	} else if (ok) {
		g_free(*res_out);
		*res_out = g_strdup("no-event");
	}
	store_event_free(ev);
	store_member_free(m);
	return ok;
}

/* do_join - as the subscribe command from the address */
static bool
do_join(struct job *j, const struct store_web_act *a, const char **res_out,
    GError **err)
{
	struct addr *who = NULL;
	const char *r = NULL;
	bool ok;

	if (!addr_parse(a->address, strlen(a->address), &who, err))
		return false;
	ok = request_subscribe(j, who, &r, err);
	*res_out = ok && strcmp(r, "already a member") == 0 ? "already-member"
							    : "confirm-sent";
	addr_free(who);
	return ok;
}

/* do_signin - mail a sign-in link to a member of some list */
static bool
do_signin(struct job *j, const struct store_web_act *a, const char **res_out,
    GError **err)
{
	const char *base = listd_cfg(j->d)->base_url;
	g_autofree char *tok = NULL, *path = NULL, *url = NULL;
	GHashTable *v;
	gint64 list_id = 0, id = 0;
	bool ok;

	*res_out = "not-member";
	if (!store_web_first_list_of(j->s, a->address, &list_id, err))
		return false;
	if (list_id == 0)
		return true;
	*res_out = "no-base-url";
	if (base == NULL || base[0] == '\0')
		return true;
	if (!store_list_get_id(j->s, list_id, &j->t.list, err) ||
	    j->t.list == NULL ||
	    !store_web_signin_add(j->s, a->address, a->next, j->now, &id, err))
		return false;
	tok = token_make(j->d->key, WEBLINK_SIGNIN, "", a->address, (guint64)id,
	    j->now + WEBLINK_SIGNIN_SECONDS);
	path = g_strdup_printf("signin/%s", tok);
	url = weblink_path(base, path);
	v = notice_vars(j, a->address);
	g_hash_table_insert(v, "signin_url", g_strdup(url));
	g_hash_table_insert(
	    v, "minutes", g_strdup_printf("%d", WEBLINK_SIGNIN_SECONDS / 60));
	ok = notice_queue(j, "signin", a->address, v, NULL, err);
	g_hash_table_unref(v);
	*res_out = "mailed";
	return ok;
}

/* run - carry out one act; *res_out is its result (new string) */
static bool
run(struct job *j, const struct store_web_act *a, char **res_out, GError **err)
{
	const char *r = "failed";
	bool ok;

	if (a->kind != STORE_WEB_SIGNIN) {
		if (!store_list_get_id(j->s, a->list_id, &j->t.list, err))
			return false;
		if (j->t.list == NULL) {
			*res_out = g_strdup("no-list");
			return true;
		}
	}
	switch (a->kind) {
	case STORE_WEB_UNSUB:
		ok = do_unsub(j, a, &r, err);
		break;
	case STORE_WEB_RSVP:
		return do_rsvp(j, a, res_out, err);
	case STORE_WEB_JOIN:
		ok = do_join(j, a, &r, err);
		break;
	case STORE_WEB_SIGNIN:
		ok = do_signin(j, a, &r, err);
		break;
	default:
		ok = moim_fail(err, MOIM_ERR_INPUT, "unknown act");
		break;
	}
	*res_out = g_strdup(r);
	return ok;
}

/* give_up - mark an act failed in a transaction of its own */
static void
give_up(struct store *s, const struct store_web_act *a)
{
	GError *e = NULL;

	if (!store_web_act_done(s, a->id, "failed", &e)) {
		log_error(
		    "webact: id=%" G_GINT64_FORMAT ": %s", a->id, e->message);
		g_clear_error(&e);
	}
}

/* webact_one - carry out an act and mark it done, in one transaction */
static void
webact_one(
    struct listd *d, struct store *s, const struct store_web_act *a, gint64 now)
{
	struct job j = {.d = d, .s = s, .now = now, .result = "web act"};
	g_autofree char *res = NULL;
	GError *e = NULL;
	bool ok;

	ok = store_begin(s, &e) && run(&j, a, &res, &e) &&
	    store_web_act_done(s, a->id, res, &e) && store_commit(s, &e);
	if (ok) {
		log_info("webact: id=%" G_GINT64_FORMAT " kind=%s list=%s"
			 " addr=%s result=%s",
		    a->id, store_web_kind_name(a->kind),
		    j.t.list ? j.t.list->address : "-", a->address, res);
		listd_kick(d);
		goto out;
	}
	store_rollback(s);
	log_warn("webact: id=%" G_GINT64_FORMAT " kind=%s: %s", a->id,
	    store_web_kind_name(a->kind), e ? e->message : "?");
	if (!g_error_matches(e, MOIM_ERROR, MOIM_ERR_TEMP) ||
	    now - a->created > WEBACT_RETRY_SECONDS)
		give_up(s, a);
out:
	g_clear_error(&e);
	job_clear(&j);
}

/* webact_timer - carry out the undone acts; forget old ones */
void
webact_timer(struct listd *d, struct store *s, gint64 now)
{
	GError *e = NULL;
	GPtrArray *due = store_web_act_undone(s, WEBACT_BATCH, &e);

	if (due == NULL) {
		log_error("webact: %s", e->message);
		g_clear_error(&e);
		return;
	}
	for (guint i = 0; i < due->len; i++)
		webact_one(d, s, due->pdata[i], now);
	/* Old rows go after a pass that did something, so that an idle
	 * pass takes no write lock. */
	if (due->len > 0 &&
	    !store_web_purge(
		s, now, WEBACT_KEEP_SECONDS, WEBACT_KEEP_UNSUB_SECONDS, &e)) {
		log_warn("webact: purge: %s", e->message);
		g_clear_error(&e);
	}
	g_ptr_array_unref(due);
}
