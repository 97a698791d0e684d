/*
 * owner - L-owner@D and L-bounces@D: the mail people send to the owners,
 * and the bounces that come back
 *
 * Mail to L-owner@D is passed on unchanged to every owner (never an
 * auto-reply loop: our own list mail and auto-replies are dropped).
 * Bounces at L-bounces+TOKEN@D are mapped to the member by the token
 * alone and recorded; scoring and disabling come with bounce processing.
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "log.h"

/* owner_handle - forward to the owners */
bool
owner_handle(struct job *j, GError **err)
{
	GPtrArray *owners;
	struct store_rcpt *r;
	g_autofree char *bounces = NULL;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	guint i;
	bool ok;

	if (j->is_loop) {
		j->result = "loop dropped";
		return true;
	}
	owners = store_member_list(j->s, j->t.list->id, STORE_ROLE_OWNER, err);
	if (owners == NULL)
		return false;
	r = g_new0(struct store_rcpt, owners->len + 1);
	for (i = 0; i < owners->len; i++)
		r[i].address =
		    ((struct store_member *)owners->pdata[i])->address;
	bounces = g_strdup_printf(
	    "%s-bounces@%s", j->t.list->local, j->t.list->domain);
	ok = store_outbound_add(j->s, j->t.list->id, STORE_OUT_NOTICE, bounces,
	    j->message_id, raw, len, r, owners->len, j->now, NULL, err);
	j->result = owners->len ? "forwarded to owners" : "no owners";
	g_free(r);
	g_ptr_array_unref(owners);
	return ok;
}

/* bounce_handle - record a bounce against the member its token names */
bool
bounce_handle(struct job *j, GError **err)
{
	struct store_member *m = NULL;
	guint64 id;
	gint64 exp;
	bool ok = true;

	j->result = "bounce without a valid token";
	if (j->t.ext[0] == '\0' || !token_decode(j->t.ext, &id, &exp, NULL) ||
	    id > G_MAXINT64)
		return true;
	if (!store_member_get_id(j->s, (gint64)id, &m, err))
		return false;
	if (m != NULL && m->list_id == j->t.list->id &&
	    token_verify(j->d->key, "bounce", j->t.list->address, m->address,
		j->t.ext, j->now, NULL)) {
		j->result = "bounce recorded";
		log_info("bounce: list=%s member=%s", j->t.list->address,
		    m->address);
	}
	store_member_free(m);
	return ok;
}
