/*
 * confirm - a change asked for by mail waits for a mailed token
 *
 * From is a claim (STYLE 7.7): a subscription, an unsubscription, and a
 * command that changes something for its sender (digest, nomail, mute,
 * follow, all) take effect only when the address's owner answers a
 * token mailed to that address, to L-confirm+TOKEN@D or with "confirm
 * TOKEN" (request.c takes the answer). The token names the pending row,
 * the list and the address, and expires after CONFIRM_DAYS.
 */
#include "commands.h"
#include "confirm.h"
#include "job.h"
#include "notice.h"

const char confirm_sent[] = "confirmation sent";

/* confirm_mail_token - mail addr the token of pending row id, with the reply
 * address L-confirm+TOKEN@D, rendered from tpl (command: the command it
 * confirms, or NULL) */
bool
confirm_mail_token(struct job *j, gint64 id, gint64 exp, const char *addr,
    const char *tpl, const char *command, GError **err)
{
	const struct store_list *l = j->t.list;
	g_autofree char *tok = token_make(
	    j->d->key, "confirm", l->address, addr, (guint64)id, exp);
	g_autofree char *caddr =
	    g_strdup_printf("%s-confirm+%s@%s", l->local, tok, l->domain);
	GHashTable *v = notice_vars(j, addr);
	bool ok;

	g_hash_table_insert(v, "token", g_strdup(tok));
	g_hash_table_insert(v, "confirm_address", g_strdup(caddr));
	if (command != NULL)
		g_hash_table_insert(v, "command", g_strdup(command));
	ok = notice_queue(j, tpl, addr, v, caddr, err);
	g_hash_table_unref(v);
	return ok;
}

/* confirm_ask_command - keep a command that changes something for its
 * sender (digest, nomail) and mail the sender a token: From is a
 * claim, and only the address's owner can answer the mail */
bool
confirm_ask_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err)
{
	const char *addr = addr_canonical(job_speaker(j));
	gint64 id, exp = j->now + CONFIRM_DAYS * 86400;

	*result_out = confirm_sent;
	return store_pending_add_command(
		   j->s, j->t.list->id, addr, c->line, j->now, exp, &id, err) &&
	    confirm_mail_token(
		j, id, exp, addr, "confirm-command", c->line, err);
}
