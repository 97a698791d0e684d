/*
 * moderate - moderation by mail: held posts, moderators' replies, expiry
 *
 * A held post is mailed to every moderator and owner with the original
 * attached. Each copy's Reply-To is L-confirm+TOKEN@D, the token naming
 * the held post and that moderator, so only a reply from a moderator or
 * owner to their own copy counts. The first word of the reply decides:
 * "approve"/"승인" or "reject"/"거부", the rest of the line is the reason.
 * A decision (by mail or by "moimctl mod approve/reject") only moves the
 * post's state; moderate_timer() then does what it means, once:
 * distribute an approved post, tell the author of a rejected one, and
 * expire posts nobody decided on in time.
 */
#include <string.h>

#include "copy.h"
#include "err.h"
#include "job.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "moderate.h"
#include "notice.h"

#define MODERATE_BATCH 16

/* moderate_notify - ask every moderator and owner about a held post */
static bool
moderate_notify(struct job *j, gint64 held_id, const char *why, GError **err)
{
	const struct store_list *l = j->t.list;
	GPtrArray *mods = store_member_list(j->s, l->id, -1, err);
	const struct addr *who = j->from ? j->from : j->envelope;
	gint64 exp = j->now + (gint64)l->set.hold_days * 86400;
	bool ok = mods != NULL;
	guint i;

	for (i = 0; ok && i < mods->len; i++) {
		const struct store_member *m = mods->pdata[i];
		g_autofree char *tok = NULL, *caddr = NULL;
		GHashTable *v;

		if (m->role == STORE_ROLE_MEMBER)
			continue;
		tok = token_make(j->d->key, "moderate", l->address, m->address,
		    (guint64)held_id, exp);
		caddr = g_strdup_printf(
		    "%s-confirm+%s@%s", l->local, tok, l->domain);
		v = notice_vars(j, m->address);
		g_hash_table_insert(v, "confirm_address", g_strdup(caddr));
		g_hash_table_insert(v, "token", g_strdup(tok));
		g_hash_table_insert(v, "reason", g_strdup(why));
		g_hash_table_insert(
		    v, "sender", g_strdup(who ? addr_canonical(who) : "-"));
		g_hash_table_insert(v, "subject",
		    g_utf8_make_valid(j->subject ? j->subject : "", -1));
		g_hash_table_insert(
		    v, "id", g_strdup_printf("%" G_GINT64_FORMAT, held_id));
		ok = notice_queue_attach(
		    j, "mod-request", m->address, v, caddr, j->msg, err);
		g_hash_table_unref(v);
	}
	if (mods != NULL)
		g_ptr_array_unref(mods);
	return ok;
}

/* moderate_hold - keep the post for the moderators, and tell them and its
 * author: a post the policy holds, or one that moim-listd could not
 * process (a permanent failure of its handler), so that it is neither
 * retried for ever nor lost */
bool
moderate_hold(struct job *j, const char *why, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	const struct addr *who = j->from ? j->from : j->envelope;
	gint64 id;

	j->result = "held";
	log_info("post: list=%s message-id=%s held: %s", j->t.list->address,
	    j->message_id ? j->message_id : "-", why);
	return store_held_add(j->s, j->t.list->id,
		   who ? addr_canonical(who) : "", j->subject, why, raw, len,
		   j->now, j->now + (gint64)j->t.list->set.hold_days * 86400,
		   &id, err) &&
	    moderate_notify(j, id, why, err) &&
	    notice_author(j, "post-held", why, err);
}

/* decision - the first word of the reply's new text: +1 approve, -1
 * reject, 0 neither; *reason_out is the rest of that line */
static int
decision(struct job *j, char **reason_out)
{
	g_autofree char *body = mime_body_text(j->msg, 16 * 1024);
	g_auto(GStrv) lines = g_strsplit(body, "\n", 50);
	static const char *const yes[] = {"approve", "approved", "승인", NULL};
	static const char *const no[] = {"reject", "rejected", "거부", NULL};
	int i, verdict = 0;

	for (i = 0; lines[i] != NULL && verdict == 0; i++) {
		char *l = g_strstrip(lines[i]);
		char *sp = l + strcspn(l, " \t:,.");
		char save = *sp;

		if (*l == '\0' || *l == '>')
			continue;
		*sp = '\0';
		for (int k = 0; yes[k] != NULL; k++)
			if (g_ascii_strcasecmp(l, yes[k]) == 0)
				verdict = 1;
		for (int k = 0; no[k] != NULL; k++)
			if (g_ascii_strcasecmp(l, no[k]) == 0)
				verdict = -1;
		*sp = save;
		if (verdict != 0 && save != '\0')
			*reason_out = g_utf8_make_valid(
			    g_strstrip(sp + 1), MIN(strlen(sp + 1), 500));
		break;
	}
	return verdict;
}

/* moderator_of - whether addr moderates or owns the job's list */
static bool
moderator_of(struct job *j, const char *addr, bool *is_out, GError **err)
{
	struct store_member *m = NULL;

	*is_out = false;
	if (!store_member_get(j->s, j->t.list->id, addr, &m, err))
		return false;
	*is_out = m != NULL && m->role != STORE_ROLE_MEMBER;
	store_member_free(m);
	return true;
}

/* moderate_reply - a moderator's answer to L-confirm+TOKEN@D; result
 * stays NULL when the token is not a moderation token */
bool
moderate_reply(
    struct job *j, const char *tok, const char **result_out, GError **err)
{
	const struct addr *who = j->from ? j->from : j->envelope;
	struct store_held *h = NULL;
	g_autofree char *reason = NULL;
	bool is_mod, changed = false, ok;
	guint64 id;
	gint64 exp;
	int v;

	*result_out = NULL;
	if (who == NULL || !token_decode(tok, &id, &exp, NULL) ||
	    id > G_MAXINT64 ||
	    !token_verify(j->d->key, "moderate", j->t.list->address,
		addr_canonical(who), tok, j->now, NULL))
		return true;
	if (!moderator_of(j, addr_canonical(who), &is_mod, err))
		return false;
	*result_out = "not a moderator";
	if (!is_mod)
		return true;
	if (!store_held_get(j->s, (gint64)id, &h, err))
		return false;
	*result_out = "already decided";
	if (h == NULL || h->list_id != j->t.list->id)
		goto out;
	v = decision(j, &reason);
	*result_out = "no decision: write approve or reject";
	if (v == 0)
		goto out;
	ok = store_held_decide(j->s, h->id, v > 0 ? "approved" : "rejected",
	    addr_canonical(who), reason, &changed, err);
	if (!ok) {
		store_held_free(h);
		return false;
	}
	*result_out = !changed ? "already decided"
	    : v > 0	       ? "approved"
			       : "rejected";
	log_info("moderate: list=%s held=%" G_GINT64_FORMAT " %s by %s",
	    j->t.list->address, h->id, *result_out, addr_canonical(who));
out:
	store_held_free(h);
	return true;
}

/* act - carry out one decided or expired post inside a transaction */
static bool
act(struct job *j, const struct store_held *h, GError **err)
{
	bool changed;

	if (strcmp(h->state, "approved") == 0)
		return copy_distribute(j, err) &&
		    store_held_finish(
			j->s, h->id, "approved", "distributed", &changed, err);
	if (strcmp(h->state, "rejected") == 0)
		return notice_author(j, "post-rejected",
			   h->decision_reason ? h->decision_reason : "-",
			   err) &&
		    store_held_finish(j->s, h->id, "rejected", "rejected-told",
			&changed, err);
	return notice_author(j, "post-expired", h->reason, err) &&
	    store_held_finish(j->s, h->id, "held", "expired", &changed, err);
}

/* moderate_one - rebuild the job of a held post and act on it */
static void
moderate_one(
    struct listd *d, struct store *s, const struct store_held *h, gint64 now)
{
	struct job j = {.d = d, .s = s, .now = now, .result = "moderated"};
	GError *e = NULL;
	gsize len;
	const char *raw = g_bytes_get_data(h->raw, &len);
	bool ok;

	if (!store_list_get_id(s, h->list_id, &j.t.list, &e) ||
	    j.t.list == NULL)
		goto out;
	j.raw = g_bytes_ref(h->raw);
	j.msg = mime_parse(raw, len, NULL);
	job_facts(&j, h->sender);
	if (j.msg == NULL)
		goto out;
	ok = store_begin(s, &e) && act(&j, h, &e) && store_commit(s, &e);
	if (!ok)
		store_rollback(s);
	else
		listd_kick(d);
	log_info("moderate: held=%" G_GINT64_FORMAT " %s: %s", h->id, h->state,
	    ok ? "done" : e->message);
out:
	g_clear_error(&e);
	job_clear(&j);
}

/* moderate_timer - act on decided and expired held posts */
void
moderate_timer(struct listd *d, struct store *s, gint64 now)
{
	GError *e = NULL;
	GPtrArray *due = store_held_due(s, now, MODERATE_BATCH, &e);
	guint i;

	if (due == NULL) {
		log_error("moderate: %s", e->message);
		g_clear_error(&e);
		return;
	}
	for (i = 0; i < due->len; i++)
		moderate_one(d, s, due->pdata[i], now);
	g_ptr_array_unref(due);
}
