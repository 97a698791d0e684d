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
 * through post_handle() again as a confirmed act (request.c takes the
 * answer: this module sits below post.c, which holds through it).
 * Unconfirmed, it expires like any held post (hold_days). The token is
 * made for the held post, the list and the privileged address, so only a
 * reader of that address's mail can release it.
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "privileged.h"

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
