/*
 * request - commands, subscriptions and confirmations by mail
 *
 * Handles L-request@D (commands in Subject or body), L-subscribe@D,
 * L-unsubscribe@D (and its per-member form L-unsubscribe+TOKEN@D from
 * List-Unsubscribe) and L-confirm+TOKEN@D. A subscription or an
 * unsubscription never takes effect without the address owner answering
 * a token mailed to that address (double opt-in): From: is only a claim
 * (confirm.c mails the tokens). An answer to L-confirm+TOKEN@D may also
 * be a moderator's decision (moderate.c) or an owner's consent to a
 * privileged post (privileged.c held it; release() runs it through
 * post_handle() again).
 */
#include <string.h>

#include "commands.h"
#include "confirm.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "moderate.h"
#include "notice.h"
#include "post.h"
#include "privileged.h"
#include "request.h"
#include "rsvp.h"
#include "topics.h"

/* ask_confirm - record a pending change and mail its token to addr */
static bool
ask_confirm(struct job *j, enum store_pending_kind kind, const char *addr,
    const char *name, GError **err)
{
	gint64 id, exp = j->now + CONFIRM_DAYS * 86400;

	return store_pending_add(j->s, j->t.list->id, kind, addr, name, j->now,
		   exp, &id, err) &&
	    confirm_mail_token(j, id, exp, addr,
		kind == STORE_PENDING_SUBSCRIBE ? "confirm-subscribe"
						: "confirm-unsubscribe",
		NULL, err);
}

/* simple_notice - a template with only the common variables */
static bool
simple_notice(struct job *j, const char *tpl, const char *to, GError **err)
{
	GHashTable *v = notice_vars(j, to);
	bool ok = notice_queue(j, tpl, to, v, NULL, err);

	g_hash_table_unref(v);
	return ok;
}

/* request_subscribe - start a subscription of a: a member is told so,
 * anyone else gets the confirmation mail; *result_out says which (the
 * subscribe command, and moim-web's join form) */
bool
request_subscribe(
    struct job *j, const struct addr *a, const char **result_out, GError **err)
{
	struct store_member *m = NULL;
	const char *addr = addr_canonical(a);
	bool ok;

	if (!store_member_get(j->s, j->t.list->id, addr, &m, err))
		return false;
	if (m != NULL) {
		store_member_free(m);
		*result_out = "already a member";
		return simple_notice(j, "already-member", addr, err);
	}
	*result_out = "confirmation sent";
	ok = ask_confirm(
	    j, STORE_PENDING_SUBSCRIBE, addr, addr_display_name(a), err);
	return ok;
}

/* do_unsubscribe - start an unsubscription of addr */
static bool
do_unsubscribe(
    struct job *j, const char *addr, const char **result_out, GError **err)
{
	struct store_member *m = NULL;

	if (!store_member_get(j->s, j->t.list->id, addr, &m, err))
		return false;
	if (m == NULL) {
		*result_out = "not a member";
		return simple_notice(j, "not-member", addr, err);
	}
	store_member_free(m);
	*result_out = "confirmation sent";
	return ask_confirm(j, STORE_PENDING_UNSUBSCRIBE, addr, NULL, err);
}

static bool run_cmd(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);

/* send_results - the "results" mail: each command line and its outcome */
static bool
send_results(struct job *j, const char *to, const char *results, GError **err)
{
	GHashTable *v = notice_vars(j, to);
	bool ok;

	g_hash_table_insert(v, "results", g_strdup(results));
	ok = notice_queue(j, "results", to, v, NULL, err);
	g_hash_table_unref(v);
	return ok;
}

/* is_topic_choice - mute, follow, all: they change what arrives */
static bool
is_topic_choice(enum cmd_verb v)
{
	return v == CMD_MUTE || v == CMD_FOLLOW || v == CMD_ALL;
}

/* apply_command - carry out a confirmed command for the address it was
 * asked for; digest and nomail answer with the results, an rsvp (asked
 * before rsvp counted at once, still pending) with its own confirmation */
static bool
apply_command(struct job *j, const struct store_pending *p,
    const char **result_out, GError **err)
{
	GPtrArray *cmds = cmd_parse(NULL, p->command);
	struct cmd *c = cmds->len > 0 ? cmds->pdata[0] : NULL;
	const char *res = "nothing to confirm";
	bool ok = true;

	if (c != NULL && !c->bad_args &&
	    (c->verb == CMD_DIGEST || c->verb == CMD_NOMAIL ||
		c->verb == CMD_RSVP || is_topic_choice(c->verb)) &&
	    addr_parse(
		p->address, strlen(p->address), &j->confirmed_as, NULL)) {
		ok = run_cmd(j, c, &res, err);
		log_info("list=%s confirmed \"%s\" for %s: %s",
		    j->t.list->address, c->line, p->address, res);
		if (ok && c->verb != CMD_RSVP) {
			g_autofree char *r =
			    g_strdup_printf("> %s\n  %s\n", c->line, res);

			ok = send_results(j, p->address, r, err);
		}
	}
	*result_out = res;
	g_ptr_array_unref(cmds);
	return ok;
}

/* request_unsubscribed - addr leaves the job's list now, its owner
 * having confirmed (a confirmation mail, or moim-web's one-click link,
 * which only that mailbox received), and gets the goodbye mail;
 * *result_out is "unsubscribed" or "not a member" */
bool
request_unsubscribed(
    struct job *j, const char *addr, const char **result_out, GError **err)
{
	bool changed = false;

	if (!store_member_remove(j->s, j->t.list->id, addr, &changed, err))
		return false;
	*result_out = changed ? "unsubscribed" : "not a member";
	if (changed)
		log_info("list=%s unsubscribed %s", j->t.list->address, addr);
	return !changed || simple_notice(j, "goodbye", addr, err);
}

/* apply_pending - carry out a confirmed change */
static bool
apply_pending(struct job *j, const struct store_pending *p,
    const char **result_out, GError **err)
{
	bool changed = false;

	if (p->kind == STORE_PENDING_SUBSCRIBE) {
		if (!store_member_add(j->s, p->list_id, p->address,
			p->display_name, STORE_ROLE_MEMBER, STORE_MODE_REGULAR,
			j->now, &changed, err))
			return false;
		*result_out = changed ? "subscribed" : "already a member";
		log_info(
		    "list=%s subscribed %s", j->t.list->address, p->address);
		return !changed || simple_notice(j, "welcome", p->address, err);
	}
	if (p->kind == STORE_PENDING_UNSUBSCRIBE)
		return request_unsubscribed(j, p->address, result_out, err);
	if (p->kind == STORE_PENDING_PROBE) {
		struct store_member *m = NULL;
		bool ok;

		if (!store_member_get(j->s, p->list_id, p->address, &m, err))
			return false;
		*result_out = "not a member";
		if (m == NULL)
			return true;
		ok = store_member_set_enabled(j->s, m->id, true, err) &&
		    store_member_bounce_reset(j->s, m->id, err) &&
		    simple_notice(j, "reenabled", p->address, err);
		store_member_free(m);
		*result_out = "delivery enabled again";
		return ok;
	}
	if (p->kind == STORE_PENDING_COMMAND && p->command != NULL)
		return apply_command(j, p, result_out, err);
	*result_out = "nothing to confirm";
	return true;
}

/* release - run the held post again as the confirmed act of its author */
static bool
release(struct job *j, const struct store_held *h, GError **err)
{
	struct job r = {.d = j->d, .s = j->s, .now = j->now};
	gsize len;
	const char *raw = g_bytes_get_data(h->raw, &len);
	bool ok = false;

	if (!store_list_get_id(j->s, h->list_id, &r.t.list, err))
		return false;
	if (r.t.list == NULL)
		return true; /* the list is gone: nothing to do */
	r.t.kind = RCPT_POST;
	r.raw = g_bytes_ref(h->raw);
	r.msg = mime_parse(raw, len, NULL);
	job_facts(&r, h->sender);
	r.is_verified = true;
	ok = post_handle(&r, err);
	log_info("privileged: list=%s held=%" G_GINT64_FORMAT
		 " confirmed by %s: %s",
	    r.t.list->address, h->id, h->sender, r.result ? r.result : "-");
	job_clear(&r);
	return ok;
}

/* privileged_answer - an answer to L-confirm+TOKEN@D (or "confirm
 * TOKEN"); *result_out stays NULL when tok is not a privileged token */
static bool
privileged_answer(
    struct job *j, const char *tok, const char **result_out, GError **err)
{
	struct store_held *h = NULL;
	guint64 id;
	gint64 exp;
	bool changed = false, ok = true;

	*result_out = NULL;
	if (!token_decode(tok, &id, &exp, NULL) || id > G_MAXINT64)
		return true;
	if (!store_held_get(j->s, (gint64)id, &h, err))
		return false;
	if (h == NULL || h->list_id != j->t.list->id ||
	    !token_verify(j->d->key, PRIVILEGED_PURPOSE, j->t.list->address,
		h->sender, tok, j->now, NULL))
		goto out;
	if (!store_held_finish(
		j->s, h->id, "held", "confirmed", &changed, err)) {
		ok = false;
		goto out;
	}
	*result_out = "already decided";
	if (!changed)
		goto out;
	*result_out = "confirmed";
	ok = release(j, h, err);
out:
	store_held_free(h);
	return ok;
}

/* do_confirm - check a confirmation token and apply it once */
static bool
do_confirm(
    struct job *j, const char *tok, const char **result_out, GError **err)
{
	struct store_pending *p = NULL;
	guint64 id;
	gint64 exp;
	bool consumed, ok = true;

	*result_out = "invalid or expired token";
	if (!token_decode(tok, &id, &exp, NULL) || id > G_MAXINT64)
		return true;
	if (!store_pending_get(j->s, (gint64)id, &p, err))
		return false;
	if (p == NULL || p->list_id != j->t.list->id ||
	    !token_verify(j->d->key, "confirm", j->t.list->address, p->address,
		tok, j->now, NULL)) {
		/* Not a subscription token: perhaps a moderator's answer. */
		const char *res = NULL;

		ok = moderate_reply(j, tok, &res, err);
		/* Or an owner's consent to a privileged post. */
		if (ok && res == NULL)
			ok = privileged_answer(j, tok, &res, err);
		if (res != NULL)
			*result_out = res;
		goto out;
	}
	if (!store_pending_consume(j->s, p->id, &consumed, err)) {
		ok = false;
		goto out;
	}
	if (!consumed) {
		*result_out = "already confirmed";
		goto out;
	}
	ok = apply_pending(j, p, result_out, err);
out:
	store_pending_free(p);
	return ok;
}

/* do_mode - digest on|off, nomail on|off for the requester */
static bool
do_mode(
    struct job *j, const struct cmd *c, const char **result_out, GError **err)
{
	struct store_member *m = NULL;
	bool on = strcmp(c->arg, "on") == 0 || strcmp(c->arg, "켜기") == 0;
	enum store_mode mode = STORE_MODE_REGULAR;
	bool ok;

	if (!store_member_get(
		j->s, j->t.list->id, addr_canonical(job_speaker(j)), &m, err))
		return false;
	if (m == NULL) {
		*result_out = "not a member";
		return true;
	}
	if (j->confirmed_as == NULL) {
		store_member_free(m);
		return confirm_ask_command(j, c, result_out, err);
	}
	if (on)
		mode = c->verb == CMD_DIGEST ? STORE_MODE_DIGEST
					     : STORE_MODE_NOMAIL;
	ok = store_member_set_mode(j->s, m->id, mode, err);
	*result_out = on ? "on" : "off";
	store_member_free(m);
	return ok;
}

/* run_cmd - execute one command, with a one-line result */
static bool
run_cmd(
    struct job *j, const struct cmd *c, const char **result_out, GError **err)
{
	const struct addr *who = job_speaker(j);

	if (c->verb == CMD_UNKNOWN) {
		*result_out = "unknown command (send \"help\")";
		return true;
	}
	if (c->bad_args) {
		*result_out = "bad arguments (send \"help\")";
		return true;
	}
	switch (c->verb) {
	case CMD_SUBSCRIBE:
		return request_subscribe(j, who, result_out, err);
	case CMD_UNSUBSCRIBE:
		return do_unsubscribe(j, addr_canonical(who), result_out, err);
	case CMD_CONFIRM:
		return do_confirm(j, c->arg, result_out, err);
	case CMD_HELP:
		*result_out = "help sent";
		return simple_notice(j, "help", addr_canonical(who), err);
	case CMD_DIGEST:
	case CMD_NOMAIL:
		return do_mode(j, c, result_out, err);
	case CMD_EVENTS:
	case CMD_RSVP:
		return rsvp_command(j, c, result_out, err);
	case CMD_TOPICS:
	case CMD_MUTE:
	case CMD_FOLLOW:
	case CMD_ALL:
		return topics_command(j, c, result_out, err);
	default:
		*result_out = "unknown command (send \"help\")";
		return true;
	}
}

/* run_commands - the commands of a request mail and one reply; the
 * reply quotes the lines only to a member: a non-member's From may be
 * forged, and what it gets must not carry words of the sender's choice */
static bool
run_commands(struct job *j, GError **err)
{
	g_autofree char *body = mime_body_text(j->msg, 64 * 1024);
	GPtrArray *cmds = cmd_parse(j->subject, body);
	GString *results = g_string_new(NULL);
	struct store_member *m = NULL;
	guint i;
	bool ok, only_quiet = true, may_quote;

	ok = store_member_get(
	    j->s, j->t.list->id, addr_canonical(job_speaker(j)), &m, err);
	may_quote = m != NULL;
	store_member_free(m);
	for (i = 0; ok && i < cmds->len; i++) {
		struct cmd *c = cmds->pdata[i];
		const char *res = "";

		ok = run_cmd(j, c, &res, err);
		g_string_append_printf(results, "> %s\n  %s\n\n",
		    may_quote ? c->line : cmd_verb_name(c->verb), res);
		/* These answer with their own mail. */
		if (c->verb != CMD_SUBSCRIBE && c->verb != CMD_UNSUBSCRIBE &&
		    c->verb != CMD_HELP && c->verb != CMD_CONFIRM &&
		    res != confirm_sent && res != rsvp_answered &&
		    res != topics_listed)
			only_quiet = false;
	}
	if (ok && cmds->len == 0) {
		j->result = "no commands";
		ok = simple_notice(
		    j, "help", addr_canonical(job_speaker(j)), err);
	} else if (ok && !only_quiet) {
		ok = send_results(
		    j, addr_canonical(job_speaker(j)), results->str, err);
	}
	g_string_free(results, TRUE);
	g_ptr_array_unref(cmds);
	return ok;
}

/* unsubscribe_by_token - L-unsubscribe+TOKEN@D from List-Unsubscribe */
static bool
unsubscribe_by_token(struct job *j, GError **err)
{
	struct store_member *m = NULL;
	const char *res;
	guint64 id;
	gint64 exp;
	bool ok = true;

	j->result = "bad unsubscribe token";
	if (!token_decode(j->t.ext, &id, &exp, NULL) || id > G_MAXINT64)
		return true;
	if (!store_member_get_id(j->s, (gint64)id, &m, err))
		return false;
	if (m != NULL && m->list_id == j->t.list->id &&
	    token_verify(j->d->key, "unsub", j->t.list->address, m->address,
		j->t.ext, j->now, NULL)) {
		ok = do_unsubscribe(j, m->address, &res, err);
		j->result = res;
	}
	store_member_free(m);
	return ok;
}

/* request_handle - everything addressed to the list's command addresses */
bool
request_handle(struct job *j, GError **err)
{
	const char *res = "";
	bool ok;

	if (j->is_auto || j->is_loop) {
		j->result = "auto-reply ignored";
		return true;
	}
	if (job_speaker(j) == NULL || j->msg == NULL) {
		j->result = "no sender";
		return true;
	}
	switch (j->t.kind) {
	case RCPT_SUBSCRIBE:
		ok = request_subscribe(j, job_speaker(j), &res, err);
		break;
	case RCPT_UNSUBSCRIBE:
		if (j->t.ext[0] != '\0')
			return unsubscribe_by_token(j, err);
		ok = do_unsubscribe(
		    j, addr_canonical(job_speaker(j)), &res, err);
		break;
	case RCPT_CONFIRM:
		ok = do_confirm(j, j->t.ext, &res, err);
		break;
	default:
		j->result = "commands";
		return run_commands(j, err);
	}
	j->result = res;
	return ok;
}
