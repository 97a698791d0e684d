/*
 * fanout - moim-listd's senders: copies from the database to the relay
 *
 * [listd] connections threads each keep one SMTP session to the relay.
 * A thread claims a handful of due deliveries, sends them, and records
 * each result: an acceptance is committed while the relay reads the next
 * copy's commands (smtpc's hook) and before that copy's message goes
 * out, or when the claim is done, so a crash resends at most one copy
 * per connection. The acceptances are committed together (group commit):
 * a sender hands its mark to the others and waits for its commit; the
 * first waiting sender writes every mark handed in so far in one
 * transaction, so one commit serves up to one copy per connection and
 * the senders do not queue for the database's write lock one by one.
 * 4xx replies are retried with back-off; 5xx are final and recorded for
 * bounce handling.
 *
 * The bytes every copy of an outbound shares are encoded for the wire
 * (CRLF, dot-stuffed) once per sender (smtpc_body_new); a copy adds only
 * its own head lines. A post is personalised per member as it goes: the
 * VERP return path L-bounces+TOKEN@D and a List-Unsubscribe header
 * naming L-unsubscribe+TOKEN@D, both tokens naming the member; with [web]
 * base_url the member's one-click URL (RFC 8058) comes first in it and
 * List-Unsubscribe-Post goes with it (links.c). Batched copies
 * go to up to 100 recipients at once with XVERP, from L-bounces+TAG@D:
 * the tag names the copy (token_tag_make, purpose "xverp"), and Postfix
 * appends each recipient, giving L-bounces+TAG+user=domain@D.
 *
 * An announcement's invitations are one outbound row holding what they
 * share and, per delivery, what is the member's own (ical/imipcopy):
 * each member's message is put together as it goes, then personalised
 * as a post is.
 *
 * With [listd] dkim_key each copy sent for a list is DKIM-signed by the
 * list's domain (sign.c) as it goes, after personalisation, so the
 * signature covers the member's List-Unsubscribe. The body hash is
 * computed once per outbound copy (per member for an invitation); a
 * batched copy is signed once for all its recipients.
 */
#include <string.h>

#include "bounce.h"
#include "dsn.h"
#include "err.h"
#include "fanout.h"
#include "imipcopy.h"
#include "job.h"
#include "limits.h"
#include "links.h"
#include "listd.h"
#include "log.h"
#include "sign.h"
#include "smtpc.h"
#include "store.h"
#include "worker.h"

/* A claim covers one full batch, so batched copies go 100 at a time. */
#define FANOUT_CLAIM 100
#define FANOUT_BATCH 100
#define FANOUT_TOKEN_DAYS 90

struct sender {
	struct listd *d;
	struct store *s;
	struct smtpc *c;
	struct store_outbound *out; /* the copy being sent, cached */
	struct store_list *list; /* its list, cached */
	char bh[DKIM_BH_SIZE]; /* body hash of out, with a DKIM key */
	struct smtpc_body *enc; /* out encoded for the wire; not invitations */
	GString
	    *batch; /* what a batch sends before enc (signatures); or NULL */
	struct imipcopy *ic; /* out read, when it is an invitation */
	GError *ic_err; /* why out could not be read as one */
	GString *copy; /* one member's invitation, put together */
	gint64 owner; /* the worker id the deliveries in hand were claimed as */
	gint64 pend_id; /* an accepted copy not yet recorded, or 0 */
	int pend_code;
	char *pend_text;
	int n;
};

/* One accepted copy waiting for its commit; it lives on its sender's
 * stack while the sender waits. */
struct mark {
	gint64 id;
	int code;
	const char *text;
	bool is_done;
	bool ok;
};

/* The senders' marks not yet committed (struct listd's marks). */
struct fanout_marks {
	GMutex lock;
	GCond cond;
	GPtrArray *pending; /* struct mark *, borrowed */
	bool is_committing; /* a sender is writing a batch */
	/* The marks' own connection, used by the committing sender only:
	 * its pages stay cached from one batch to the next, where a
	 * sender's own connection finds them changed by the others and
	 * reads them again. Opened by the first batch. */
	struct store *s;
};

/* marks_get - the senders' shared marks, made by the first sender */
static struct fanout_marks *
marks_get(struct listd *d)
{
	g_mutex_lock(&d->lock);
	if (d->marks_refs++ == 0) {
		d->marks = g_new0(struct fanout_marks, 1);
		g_mutex_init(&d->marks->lock);
		g_cond_init(&d->marks->cond);
		d->marks->pending = g_ptr_array_new();
	}
	g_mutex_unlock(&d->lock);
	return d->marks;
}

/* marks_put - the last sender to stop frees the shared marks */
static void
marks_put(struct listd *d)
{
	struct fanout_marks *g = NULL;

	g_mutex_lock(&d->lock);
	if (--d->marks_refs == 0) {
		g = d->marks;
		d->marks = NULL;
	}
	g_mutex_unlock(&d->lock);
	if (g == NULL)
		return;
	g_ptr_array_unref(g->pending);
	store_close(g->s);
	g_cond_clear(&g->cond);
	g_mutex_clear(&g->lock);
	g_free(g);
}

/* marks_write - record a batch of accepted copies in one transaction on
 * the marks' connection (g->s, opened here the first time); the caller is
 * the committing sender */
static bool
marks_write(
    struct listd *d, struct fanout_marks *g, GPtrArray *batch, GError **err)
{
	struct store *s;
	bool ok;

	if (g->s == NULL)
		g->s = store_open(listd_cfg(d)->database, STORE_RW, err);
	s = g->s;
	ok = s != NULL && store_begin(s, err);

	for (guint i = 0; ok && i < batch->len; i++) {
		const struct mark *m = batch->pdata[i];

		ok = store_delivery_done(
		    s, &m->id, 1, STORE_D_SENT, m->code, m->text, err);
	}
	if (ok)
		return store_commit(s, err);
	if (s != NULL)
		store_rollback(s);
	return false;
}

/* mark_sent - record an accepted copy; returns once it is committed,
 * with its own batch or with another sender's */
static bool
mark_sent(struct sender *sn, const struct store_delivery *dv, int code,
    const char *text, GError **err)
{
	struct fanout_marks *g = sn->d->marks;
	struct mark me = {.id = dv->id, .code = code, .text = text};
	GError *e = NULL;

	g_mutex_lock(&g->lock);
	g_ptr_array_add(g->pending, &me);
	while (!me.is_done) {
		GPtrArray *batch;
		bool ok;

		if (g->is_committing) {
			g_cond_wait(&g->cond, &g->lock);
			continue;
		}
		batch = g->pending;
		g->pending = g_ptr_array_new();
		g->is_committing = true;
		g_mutex_unlock(&g->lock);
		ok = marks_write(sn->d, g, batch, &e);
		g_mutex_lock(&g->lock);
		for (guint i = 0; i < batch->len; i++) {
			struct mark *m = batch->pdata[i];

			m->is_done = true;
			m->ok = ok;
		}
		g->is_committing = false;
		g_cond_broadcast(&g->cond);
		g_ptr_array_unref(batch);
	}
	g_mutex_unlock(&g->lock);
	if (me.ok) {
		g_clear_error(&e);
		return true;
	}
	if (e != NULL) {
		g_propagate_error(err, e);
		return false;
	}
	return moim_fail(err, MOIM_ERR_TEMP,
	    "another sender could not record the accepted copies");
}

/* pending_flush - record the accepted copy held back, if any. When that
 * fails, the copy is due again in a few seconds (it was sent; a crash
 * would have resent it too). */
static bool
pending_flush(struct sender *sn, GError **err)
{
	struct store_delivery dv = {.id = sn->pend_id};
	g_autofree char *text = g_steal_pointer(&sn->pend_text);
	GError *e = NULL;

	if (sn->pend_id == 0)
		return true;
	sn->pend_id = 0;
	if (mark_sent(sn, &dv, sn->pend_code, text, &e))
		return true;
	(void)store_delivery_defer(sn->s, dv.id, sn->owner,
	    g_get_real_time() / G_USEC_PER_SEC + 5, 0, "not recorded", NULL);
	g_propagate_error(err, e);
	return false;
}

/* pending_hook - smtpc's hook: the previous copy is recorded while the
 * relay reads the next one's commands, and before that copy's message
 * goes out, so a crash still resends at most one copy per connection */
static bool
pending_hook(void *arg, GError **err)
{
	GError *e = NULL;

	if (pending_flush(arg, &e))
		return true;
	moim_fail(err, MOIM_ERR_TEMP, "recording a sent copy: %s", e->message);
	g_error_free(e);
	return false;
}

/* backoff - seconds until the next try of a deferred copy */
static gint64
backoff(int tries)
{
	return MIN((gint64)60 << MIN(tries, 6), 3600);
}

/* sender_load - cache the copy (and its list) a delivery belongs to */
static bool
sender_load(struct sender *sn, gint64 outbound_id, GError **err)
{
	if (sn->out != NULL && sn->out->id == outbound_id)
		return true;
	g_clear_pointer(&sn->out, store_outbound_free);
	g_clear_pointer(&sn->list, store_list_free);
	if (!store_outbound_get(sn->s, outbound_id, &sn->out, err))
		return false;
	if (sn->out == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL,
		    "copy %" G_GINT64_FORMAT " vanished", outbound_id);
	if (sn->out->list_id != 0 &&
	    !store_list_get_id(sn->s, sn->out->list_id, &sn->list, err))
		return false;
	if (sn->batch != NULL) {
		g_string_free(sn->batch, true);
		sn->batch = NULL;
	}
	g_clear_pointer(&sn->enc, smtpc_body_free);
	g_clear_pointer(&sn->ic, imipcopy_free);
	g_clear_error(&sn->ic_err);
	/* An invitation's copies differ: each is hashed as it is made. A
	 * shared part that cannot be read fails its deliveries, one by one
	 * (copy_bytes). */
	if (sn->out->kind == STORE_OUT_INVITE) {
		gsize len;
		const char *raw = g_bytes_get_data(sn->out->raw, &len);

		sn->ic = imipcopy_open(raw, len, &sn->ic_err);
		return true;
	}
	/* Every copy of out has its bytes after its own head: encode them for
	 * the wire once, and hash the body once. */
	gsize len;
	const char *raw = g_bytes_get_data(sn->out->raw, &len);

	sn->enc = smtpc_body_new(raw, len);
	if (sn->d->dkim_key != NULL)
		sign_body_hash(raw, len, sn->bh);
	return true;
}

/* sign - DKIM-sign a copy of the cached list's mail, if there is a key:
 * the copy is head followed by the len bytes of raw; the signatures go on
 * top of head */
static void
sign(struct sender *sn, GString *head, const char *raw, gsize len)
{
	g_autoptr(GString) msg = NULL;

	if (sn->list == NULL || sn->d->dkim_key == NULL)
		return;
	msg = g_string_sized_new(head->len + len + 1024);
	g_string_append_len(msg, head->str, (gssize)head->len);
	g_string_append_len(msg, raw, (gssize)len);
	if (!sign_copy(sn->d, sn->list->domain, sn->bh, msg))
		return;
	/* sign_copy() put the signatures on top: the new head ends where
	 * raw begins. */
	g_string_truncate(head, 0);
	g_string_append_len(head, msg->str, (gssize)(msg->len - len));
}

/* sender_connect - an SMTP session to the relay, reusing a good one */
static bool
sender_connect(struct sender *sn, GError **err)
{
	if (sn->c != NULL && !smtpc_is_broken(sn->c))
		return true;
	g_clear_pointer(&sn->c, smtpc_close);
	sn->c = smtpc_connect(sn->d->relay_host, sn->d->relay_port,
	    listd_cfg(sn->d)->hostname, MOIM_SMTP_REPLY_TIMEOUT, err);
	return sn->c != NULL;
}

/* copy_bytes - what a copy of the cached outbound is made from: its
 * bytes, or for an invitation the member's own message (ical/imipcopy),
 * with its body hash when copies are signed */
static bool
copy_bytes(struct sender *sn, const struct store_delivery *dv,
    const char **raw_out, gsize *len_out, GError **err)
{
	if (sn->out->kind != STORE_OUT_INVITE) {
		*raw_out = g_bytes_get_data(sn->out->raw, len_out);
		return true;
	}
	if (sn->ic == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "invitation: %s",
		    sn->ic_err != NULL ? sn->ic_err->message : "unreadable");
	if (dv->part == NULL)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "invitation without its member part");
	if (!imipcopy_expand(sn->ic, g_bytes_get_data(dv->part, NULL),
		g_bytes_get_size(dv->part), sn->copy, err))
		return false;
	if (sn->d->dkim_key != NULL)
		sign_body_hash(sn->copy->str, sn->copy->len, sn->bh);
	*raw_out = sn->copy->str;
	*len_out = sn->copy->len;
	return true;
}

/* personal_copy - the envelope sender of one member's copy, and in head
 * the lines that go before the copy's bytes (List-Unsubscribe) */
static char *
personal_copy(struct sender *sn, const struct store_delivery *dv, GString *head)
{
	const struct store_list *l = sn->list;
	gint64 exp =
	    g_get_real_time() / G_USEC_PER_SEC + FANOUT_TOKEN_DAYS * 86400;
	g_autofree char *btok = token_make(sn->d->key, "bounce", l->address,
	    dv->rcpt, (guint64)dv->member_id, exp);
	g_autofree char *utok = token_make(sn->d->key, "unsub", l->address,
	    dv->rcpt, (guint64)dv->member_id, exp);
	g_autofree char *mailto = g_strdup_printf(
	    "mailto:%s-unsubscribe+%s@%s", l->local, utok, l->domain);
	/* With [web] base_url, the member's one-click URL comes first. */
	g_autofree char *unsub = links_unsubscribe(sn->d->key,
	    listd_cfg(sn->d)->base_url, l->address, dv->member_id, dv->rcpt,
	    mailto, g_get_real_time() / G_USEC_PER_SEC);

	g_string_truncate(head, 0);
	g_string_append(head, unsub);
	return g_strdup_printf("%s-bounces+%s@%s", l->local, btok, l->domain);
}

/* record_refusal - a 5xx from the relay is a bounce known at once: the
 * delivery fails and the member's bounce score sees it, in one commit */
static bool
record_refusal(struct sender *sn, const struct store_delivery *dv, int code,
    const char *text, GError **err)
{
	struct job j = {.d = sn->d, .s = sn->s, .result = "refused"};
	struct store_member *m = NULL;
	g_autofree char *status = NULL;
	enum dsn_kind kind = dsn_classify_reply(code, text, &status);
	bool ok;

	j.now = g_get_real_time() / G_USEC_PER_SEC;
	if (!store_begin(sn->s, err))
		return false;
	ok = store_delivery_done(
	    sn->s, &dv->id, 1, STORE_D_FAILED, code, text, err);
	if (ok && sn->list != NULL && dv->member_id > 0 &&
	    sn->out->kind != STORE_OUT_NOTICE)
		ok = store_member_get_id(sn->s, dv->member_id, &m, err);
	if (ok && m != NULL && m->list_id == sn->list->id) {
		/* The job borrows the cached list; nothing here frees it. */
		j.t.list = sn->list;
		ok = bounce_apply(&j, m, kind, status, text, err);
	}
	ok = ok && store_commit(sn->s, err);
	if (!ok)
		store_rollback(sn->s);
	store_member_free(m);
	return ok;
}

/* record - store the outcome of one recipient at once */
static bool
record(struct sender *sn, const struct store_delivery *dv, int code,
    const char *text, GError **err)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (code >= 200 && code < 300)
		return mark_sent(sn, dv, code, text, err);
	if (code >= 500) {
		log_warn("fanout: rcpt=%s refused: %d %s", dv->rcpt, code,
		    text ? text : "");
		return record_refusal(sn, dv, code, text, err);
	}
	if (dv->tries > 0 && backoff(dv->tries) >= 3600 &&
	    dv->tries > listd_cfg(sn->d)->retry_max_age / 3600)
		return store_delivery_done(
		    sn->s, &dv->id, 1, STORE_D_FAILED, code, text, err);
	return store_delivery_defer(sn->s, dv->id, sn->owner,
	    now + backoff(dv->tries), code, text, err);
}

/* rcpt_code - the code that decides a recipient's fate in a result */
static int
rcpt_code(const struct smtpc_result *r, size_t i, const char **text_out)
{
	if (r->rcpt[i].code < 200 || r->rcpt[i].code >= 300) {
		*text_out = r->rcpt[i].text;
		return r->rcpt[i].code ? r->rcpt[i].code : r->mail_code;
	}
	*text_out = r->data_text;
	return r->data_code ? r->data_code : 451;
}

/* copy_refused - smtpc_send() failed; when it refused the copy itself
 * (too large, a sender it cannot write), retrying cannot help: the
 * deliveries fail, no member is scored, and the session goes on. Any
 * other error is the relay's and goes up. */
static bool
copy_refused(struct sender *sn, struct store_delivery *const *dvs, guint n,
    GError *e, GError **err)
{
	g_autofree gint64 *ids = NULL;
	bool ok;
	guint i;

	if (!g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT)) {
		g_propagate_error(err, e);
		return false;
	}
	ids = g_new(gint64, n);
	for (i = 0; i < n; i++) {
		log_warn(
		    "fanout: rcpt=%s not sent: %s", dvs[i]->rcpt, e->message);
		ids[i] = dvs[i]->id;
	}
	ok = store_delivery_done(
	    sn->s, ids, n, STORE_D_FAILED, 554, e->message, err);
	g_error_free(e);
	return ok;
}

/* send_one - one transaction to one recipient: the member's own head
 * (msg), then the copy's bytes, encoded once per outbound (an
 * invitation's per member) */
static bool
send_one(struct sender *sn, const struct store_delivery *dv, GString *msg,
    GError **err)
{
	struct smtpc_result r = {0};
	g_autofree char *from = NULL;
	const char *rcpts[] = {dv->rcpt}, *text, *raw = NULL;
	const struct smtpc_hook hook = {pending_hook, sn};
	struct smtpc_body *own = NULL;
	const struct smtpc_body *body = sn->enc;
	GError *e = NULL;
	gsize len = 0;
	int code;
	bool ok;

	if (!copy_bytes(sn, dv, &raw, &len, &e))
		return copy_refused(
		    sn, (struct store_delivery *const *)&dv, 1, e, err);
	if (body == NULL)
		body = own = smtpc_body_new(raw, len);
	/* An invitation is one member's copy; it gets that member's VERP
	 * and List-Unsubscribe as a post does. */
	if (sn->list != NULL &&
	    (sn->out->kind == STORE_OUT_POST ||
		((sn->out->kind == STORE_OUT_EVENT ||
		     sn->out->kind == STORE_OUT_INVITE) &&
		    dv->member_id > 0))) {
		from = personal_copy(sn, dv, msg);
	} else {
		from = sn->out->envelope_from != NULL
		    ? g_strdup(sn->out->envelope_from)
		    : sn->list != NULL ? g_strdup_printf("%s-bounces@%s",
					     sn->list->local, sn->list->domain)
				       : g_strdup("");
		g_string_truncate(msg, 0);
	}
	sign(sn, msg, raw, len);
	if (!sender_connect(sn, err)) {
		smtpc_body_free(own);
		return false;
	}
	ok = smtpc_send_body(sn->c, from, false, rcpts, 1, msg->str, msg->len,
	    body, &hook, &r, &e);
	smtpc_body_free(own);
	if (!ok)
		return copy_refused(
		    sn, (struct store_delivery *const *)&dv, 1, e, err);
	code = rcpt_code(&r, 0, &text);
	/* An accepted copy is recorded while the next one's commands go
	 * out (pending_hook), or when the claim is done. */
	if (code >= 200 && code < 300) {
		sn->pend_id = dv->id;
		sn->pend_code = code;
		sn->pend_text = g_strdup(text);
	} else
		ok = record(sn, dv, code, text, err);
	smtpc_result_clear(&r);
	return ok;
}

/* send_batch - one XVERP transaction to up to FANOUT_BATCH recipients */
static bool
send_batch(
    struct sender *sn, GPtrArray *dvs, guint from_i, guint to_i, GError **err)
{
	struct smtpc_result r = {0};
	const char **rcpts = g_new0(const char *, to_i - from_i);
	g_autofree char *tag =
	    token_tag_make(sn->d->key, "xverp", sn->list->address, sn->out->id);
	g_autofree char *from = g_strdup_printf(
	    "%s-bounces+%s@%s", sn->list->local, tag, sn->list->domain);
	const char *text = NULL;
	const struct smtpc_hook hook = {pending_hook, sn};
	GArray *sent = g_array_new(FALSE, FALSE, sizeof(gint64));
	GError *e = NULL;
	guint i;
	bool ok = sender_connect(sn, err);

	for (i = from_i; i < to_i; i++)
		rcpts[i - from_i] =
		    ((struct store_delivery *)dvs->pdata[i])->rcpt;
	/* One signature serves every batch of this copy. */
	if (sn->batch == NULL) {
		gsize len;
		const char *raw = g_bytes_get_data(sn->out->raw, &len);

		sn->batch = g_string_new(NULL);
		sign(sn, sn->batch, raw, len);
	}
	if (ok &&
	    !smtpc_send_body(sn->c, from, smtpc_has_xverp(sn->c), rcpts,
		to_i - from_i, sn->batch->str, sn->batch->len, sn->enc, &hook,
		&r, &e)) {
		ok = copy_refused(sn,
		    (struct store_delivery *const *)dvs->pdata + from_i,
		    to_i - from_i, e, err);
		to_i = from_i; /* nothing more to record */
	}
	/* The relay answered for all recipients at once: the accepted ones
	 * are recorded in one commit, the others one by one. */
	for (i = from_i; ok && i < to_i; i++) {
		const struct store_delivery *dv = dvs->pdata[i];
		int code = rcpt_code(&r, i - from_i, &text);

		if (code >= 200 && code < 300)
			g_array_append_val(sent, dv->id);
		else
			ok = record(sn, dv, code, text, err);
	}
	if (ok && sent->len > 0)
		ok = store_delivery_done(sn->s,
		    (const gint64 *)(void *)sent->data, sent->len, STORE_D_SENT,
		    r.data_code, r.data_text, err);
	smtpc_result_clear(&r);
	g_array_unref(sent);
	g_free(rcpts);
	return ok;
}

/* claims_held - whether the deliveries in hand may still be sent: waits
 * while this worker's lease is in doubt (the database out of reach);
 * false when another worker may take them over (worker.h) or we stop */
static bool
claims_held(struct sender *sn)
{
	guint64 gen = 0;
	bool was_in_doubt = false;

	for (;;) {
		enum worker_hold h = worker_holds(sn->d, sn->owner);

		if (h == WORKER_HOLDS)
			return true;
		if (h == WORKER_LOST || listd_stopping(sn->d)) {
			log_warn("fanout: claims of worker %" G_GINT64_FORMAT
				 " left to the other workers",
			    sn->owner);
			return false;
		}
		if (!was_in_doubt)
			log_warn("fanout: lease in doubt; sending waits");
		was_in_doubt = true;
		(void)listd_wait(sn->d, &gen, 1000);
	}
}

/* sender_run - send what was claimed; false when the relay failed */
static bool
sender_run(struct sender *sn, GPtrArray *dvs, GError **err)
{
	GString *msg = g_string_new(NULL);
	guint i = 0, j, tried = 0;
	bool ok = true;

	while (ok && i < dvs->len && claims_held(sn)) {
		struct store_delivery *dv = dvs->pdata[i];

		tried = i;
		ok = sender_load(sn, dv->outbound_id, err);
		if (ok && sn->out->kind == STORE_OUT_BATCH && sn->list) {
			for (j = i; j < dvs->len && j - i < FANOUT_BATCH &&
			     ((struct store_delivery *)dvs->pdata[j])
				     ->outbound_id == dv->outbound_id;
			     j++)
				;
			ok = send_batch(sn, dvs, i, j, err);
			i = j;
		} else if (ok) {
			ok = send_one(sn, dv, msg, err);
			i++;
		}
		sn->n++;
	}
	g_string_free(msg, TRUE);
	/* The last accepted copy is recorded before the claim ends. */
	if (!pending_flush(sn, ok ? err : NULL))
		ok = false;
	/* Whatever was claimed and not recorded goes back for later: from the
	 * transaction that failed on (a relay that closed the connection left
	 * its copy "sending" until a restart); store_delivery_defer() leaves
	 * alone what that transaction did record. */
	for (i = tried; !ok && i < dvs->len; i++) {
		struct store_delivery *dv = dvs->pdata[i];

		(void)store_delivery_defer(sn->s, dv->id, sn->owner,
		    g_get_real_time() / G_USEC_PER_SEC + 5, 0, "relay failed",
		    NULL);
	}
	return ok;
}

/* fanout_thread - one sender: claim, send, record, until stopped */
gpointer
fanout_thread(gpointer data)
{
	struct sender sn = {.d = data};
	GError *e = NULL;
	guint64 gen = 0;

	/* Tried until the database answers (a start while it is down). */
	sn.s = listd_store_open(sn.d, "fanout");
	if (sn.s == NULL)
		return NULL;
	sn.copy = g_string_new(NULL);
	(void)marks_get(sn.d);
	while (!listd_stopping(sn.d)) {
		GPtrArray *dvs = NULL;

		/* No claims while the lease is in doubt (worker.h). */
		sn.owner = worker_id(sn.d);
		if (sn.owner != 0)
			dvs = store_delivery_claim(sn.s, sn.owner,
			    g_get_real_time() / G_USEC_PER_SEC, FANOUT_CLAIM,
			    &e);

		if (dvs != NULL && dvs->len > 0 && !sender_run(&sn, dvs, &e)) {
			log_warn("fanout: relay %s:%d: %s", sn.d->relay_host,
			    sn.d->relay_port, e ? e->message : "failed");
			g_clear_pointer(&sn.c, smtpc_close);
			g_clear_error(&e);
			(void)listd_wait(sn.d, &gen, 1000);
		} else if (dvs == NULL || dvs->len == 0) {
			if (e != NULL)
				log_error("fanout: %s", e->message);
			g_clear_error(&e);
			(void)listd_wait(sn.d, &gen, 1000);
		}
		if (dvs != NULL)
			g_ptr_array_unref(dvs);
	}
	g_clear_pointer(&sn.c, smtpc_close);
	g_clear_pointer(&sn.out, store_outbound_free);
	g_clear_pointer(&sn.list, store_list_free);
	if (sn.batch != NULL)
		g_string_free(sn.batch, true);
	g_clear_pointer(&sn.enc, smtpc_body_free);
	g_clear_pointer(&sn.ic, imipcopy_free);
	g_clear_error(&sn.ic_err);
	g_string_free(sn.copy, true);
	marks_put(sn.d);
	store_close(sn.s);
	return NULL;
}
