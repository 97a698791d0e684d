/*
 * owner - L-owner@D: the mail people send to the list's owners
 *
 * Mail to L-owner@D is passed on unchanged to every owner (never a loop:
 * our own list mail is dropped).
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "log.h"
#include "owner.h"

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
