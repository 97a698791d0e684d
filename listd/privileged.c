/*
 * privileged - an owner's or moderator's act waits for proof or consent
 *
 * Posting to an announce list and announcing, updating or co-hosting an
 * event are rights of a list's owners and moderators, and From is only a
 * claim (STYLE 7.7). Such a post takes effect at once only when something
 * vouches for its author: moim-milter's X-Moim-Auth (a SASL login, or a
 * trusted DMARC pass for the From domain), or an earlier confirmation.
 * Otherwise (the list's privileged_auth = confirm, the default) the post
 * is held and the privileged address gets a token: replying to
 * L-confirm+TOKEN@D, or "confirm TOKEN" to L-request@D, releases the post
 * through post_handle() again as a confirmed act. Unconfirmed, it expires
 * like any held post (hold_days). The token is made for the held post,
 * the list and the privileged address, so only a reader of that
 * address's mail can release it.
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "log.h"
#include "mime.h"

/* The token's purpose: distinct from moderation and subscription. */
#define PRIVILEGED_PURPOSE "privileged"

/* privileged_hold - hold an unproven privileged post and ask who (the
 * address with the owner's or moderator's role) to confirm it */
bool
privileged_hold(
    struct job *j, const struct addr *who, const char *why, GError **err)
{
	const struct store_list *l = j->t.list;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	const char *addr = addr_canonical(who);
	gint64 id, exp = j->now + (gint64)l->set.hold_days * 86400;
	g_autofree char *tok = NULL, *caddr = NULL;
	GHashTable *v;
	bool ok;

	if (!store_held_add(j->s, l->id, addr, j->subject, why, raw, len,
		j->now, exp, &id, err))
		return false;
	tok = token_make(
	    j->d->key, PRIVILEGED_PURPOSE, l->address, addr, (guint64)id, exp);
	caddr = g_strdup_printf("%s-confirm+%s@%s", l->local, tok, l->domain);
	v = notice_vars(j, addr);
	g_hash_table_insert(v, "token", g_strdup(tok));
	g_hash_table_insert(v, "confirm_address", g_strdup(caddr));
	g_hash_table_insert(v, "reason", g_strdup(why));
	g_hash_table_insert(
	    v, "subject", g_utf8_make_valid(j->subject ? j->subject : "", -1));
	g_hash_table_insert(
	    v, "hold_days", g_strdup_printf("%d", l->set.hold_days));
	ok =
	    notice_queue_attach(j, "post-confirm", addr, v, caddr, j->msg, err);
	g_hash_table_unref(v);
	j->result = "held for the author's confirmation";
	log_info("privileged: list=%s message-id=%s held=%" G_GINT64_FORMAT
		 " confirmation asked of %s",
	    l->address, j->message_id ? j->message_id : "-", id, addr);
	return ok;
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

/* privileged_confirm - an answer to L-confirm+TOKEN@D (or "confirm
 * TOKEN"); *result_out stays NULL when tok is not a privileged token */
bool
privileged_confirm(
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
