/*
 * bounce - bounces: mapped to a member by the VERP token, scored, acted on
 *
 * A copy's return path is L-bounces+TOKEN@D; the token alone says which
 * member failed, nothing else in the bounce is trusted for that. A
 * batched copy's is L-bounces+TAG+user=domain@D, Postfix's XVERP having
 * appended the recipient to our L-bounces+TAG@D: the tag (a MAC) names
 * the copy, and the recipient counts only if that copy, sent recently,
 * went to it, and only once. The bare L-bounces+user=domain form, which
 * anyone can write, names nobody. lib/dsn
 * says what kind of failure it was. Refusals the relay gives at SMTP time
 * (a 5xx to RCPT or DATA) are the same facts and go through the same
 * bounce_apply().
 *
 * A dead mailbox (permanent) adds one to the member's score, which halves
 * every BOUNCE_HALF_LIFE; at [moim] bounce_threshold the member is
 * disabled, the owners are told and the member gets a probe whose reply
 * re-enables delivery. Policy and content refusals (5.7.x, spam, DMARC of
 * the author's domain) are scored apart and reported to the owners: they
 * must not push innocent members towards removal. Temporary failures and
 * delay warnings are recorded only; auto-replies are not bounces.
 */
#include <string.h>

#include "bounce.h"
#include "dsn.h"
#include "err.h"
#include "job.h"
#include "listd.h"
#include "log.h"
#include "notice.h"

#define BOUNCE_HALF_LIFE (7 * 86400)
#define PROBE_DAYS 14
/* A bounce for a batched copy older than this is not counted. */
#define BOUNCE_BATCH_DAYS 30

/* probe - ask a disabled member to reply so delivery resumes */
static bool
probe(struct job *j, const struct store_member *m, GError **err)
{
	const struct store_list *l = j->t.list;
	gint64 id, exp = j->now + PROBE_DAYS * 86400;
	g_autofree char *tok = NULL, *caddr = NULL;
	GHashTable *v;
	bool ok;

	if (!store_pending_add(j->s, l->id, STORE_PENDING_PROBE, m->address,
		NULL, j->now, exp, &id, err))
		return false;
	tok = token_make(
	    j->d->key, "confirm", l->address, m->address, (guint64)id, exp);
	caddr = g_strdup_printf("%s-confirm+%s@%s", l->local, tok, l->domain);
	v = notice_vars(j, m->address);
	g_hash_table_insert(v, "confirm_address", g_strdup(caddr));
	g_hash_table_insert(v, "token", g_strdup(tok));
	ok = notice_queue(j, "bounce-probe", m->address, v, caddr, err);
	g_hash_table_unref(v);
	return ok;
}

/* disable - past the threshold: stop delivery, tell owners, probe */
static bool
disable(
    struct job *j, const struct store_member *m, const char *diag, GError **err)
{
	GHashTable *v = notice_vars(j, "");
	bool ok;

	log_info("bounce: list=%s member=%s disabled", j->t.list->address,
	    m->address);
	g_hash_table_insert(v, "member", g_strdup(m->address));
	g_hash_table_insert(v, "reason", g_strdup(diag ? diag : "-"));
	ok = store_member_set_enabled(j->s, m->id, false, err) &&
	    notice_owners(j, "bounce-disabled", v, NULL, err) &&
	    probe(j, m, err);
	g_hash_table_unref(v);
	return ok;
}

/* bounce_apply - record one failure of member m and act on its score */
bool
bounce_apply(struct job *j, const struct store_member *m, enum dsn_kind kind,
    const char *status, const char *diag, GError **err)
{
	double score = 0;
	GHashTable *v;
	bool ok;

	if (!store_bounce_add(j->s, j->t.list->id, m->id, m->address,
		dsn_kind_name(kind), status, diag, j->now, err))
		return false;
	log_info("bounce: list=%s member=%s kind=%s status=%s",
	    j->t.list->address, m->address, dsn_kind_name(kind),
	    status ? status : "-");
	if (kind == DSN_TEMPORARY || kind == DSN_NOT_BOUNCE)
		return true;
	if (!store_member_bounce(j->s, m->id, kind == DSN_POLICY, j->now,
		BOUNCE_HALF_LIFE, &score, err))
		return false;
	if (kind == DSN_POLICY) {
		v = notice_vars(j, "");
		g_hash_table_insert(v, "member", g_strdup(m->address));
		g_hash_table_insert(v, "reason", g_strdup(diag ? diag : "-"));
		ok = notice_owners(j, "bounce-policy", v, NULL, err);
		g_hash_table_unref(v);
		return ok;
	}
	if (m->enabled && score >= listd_cfg(j->d)->bounce_threshold - 0.001)
		return disable(j, m, diag, err);
	return true;
}

/* member_by_token - the member a VERP token names, or NULL */
static bool
member_by_token(struct job *j, struct store_member **m_out, GError **err)
{
	guint64 id;
	gint64 exp;

	*m_out = NULL;
	if (!token_decode(j->t.ext, &id, &exp, NULL) || id > G_MAXINT64)
		return true;
	if (!store_member_get_id(j->s, (gint64)id, m_out, err))
		return false;
	if (*m_out != NULL &&
	    ((*m_out)->list_id != j->t.list->id ||
		!token_verify(j->d->key, "bounce", j->t.list->address,
		    (*m_out)->address, j->t.ext, j->now, NULL)))
		g_clear_pointer(m_out, store_member_free);
	return true;
}

/* member_by_xverp - the member of a batched copy, from TAG+user=domain:
 * the tag must be ours for this list, name a batched copy sent within
 * BOUNCE_BATCH_DAYS, and user@domain must be one of its recipients whose
 * delivery no bounce has failed yet. That delivery is marked failed, so
 * a copy's bounce counts once. Anything else names no member. */
static bool
member_by_xverp(
    struct job *j, const char *why, struct store_member **m_out, GError **err)
{
	g_autofree char *tag = g_strdup(j->t.ext);
	char *rcpt = strchr(tag, '+'), *eq;
	guint64 copy;
	gint64 member_id;

	*m_out = NULL;
	if (rcpt == NULL)
		return true;
	*rcpt++ = '\0';
	eq = strrchr(rcpt, '=');
	if (eq == NULL || eq == rcpt || eq[1] == '\0' ||
	    !token_tag_verify(
		j->d->key, "xverp", j->t.list->address, tag, &copy, NULL) ||
	    copy > G_MAXINT64)
		return true;
	*eq = '@';
	if (!store_delivery_bounced(j->s, (gint64)copy, rcpt,
		j->now - BOUNCE_BATCH_DAYS * 86400, why, &member_id, err))
		return false;
	if (member_id <= 0)
		return true;
	if (!store_member_get_id(j->s, member_id, m_out, err))
		return false;
	if (*m_out != NULL && (*m_out)->list_id != j->t.list->id)
		g_clear_pointer(m_out, store_member_free);
	return true;
}

/* dsn_for - the failure a report gives for member m */
static const struct dsn_rcpt *
dsn_for(const struct dsn_result *r, const struct store_member *m)
{
	guint i;

	for (i = 0; i < r->rcpts->len; i++) {
		const struct dsn_rcpt *x = r->rcpts->pdata[i];

		if (x->address != NULL && strcmp(x->address, m->address) == 0)
			return x;
	}
	return r->rcpts->len > 0 ? r->rcpts->pdata[0] : NULL;
}

/* bounce_handle - L-bounces+TOKEN@D (or +TAG+user=domain): a bounce of
 * one member's copy */
bool
bounce_handle(struct job *j, GError **err)
{
	struct dsn_result r = {0};
	struct store_member *m = NULL;
	const struct dsn_rcpt *x;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	bool ok = true;

	j->result = "bounce for no member";
	if (j->t.ext[0] == '\0')
		return true;
	if (!dsn_parse(raw, len, &r, NULL) || !r.is_bounce) {
		j->result = r.is_delay ? "delay warning" : "not a bounce";
		goto out;
	}
	ok = strchr(j->t.ext, '=')
	    ? member_by_xverp(j, dsn_kind_name(r.kind), &m, err)
	    : member_by_token(j, &m, err);
	if (!ok || m == NULL)
		goto out;
	x = dsn_for(&r, m);
	j->result = "bounce recorded";
	ok = bounce_apply(j, m, x ? x->kind : r.kind, x ? x->status : NULL,
	    x ? x->diagnostic : NULL, err);
out:
	dsn_result_clear(&r);
	store_member_free(m);
	return ok;
}
