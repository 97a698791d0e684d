/*
 * confirm - a change asked for by mail waits for a mailed token
 *
 * SYNOPSIS
 *	extern const char confirm_sent[];
 *	bool confirm_mail_token(struct job *j, gint64 id, gint64 exp, const
 *	    char *addr, const char *tpl, const char *command, GError **err);
 *	bool confirm_ask_command(struct job *j, const struct cmd *c, const
 *	    char **result_out, GError **err);
 * DESCRIPTION
 *	confirm_mail_token() mails addr the token of pending row id (expiring at
 *	exp) with the reply address L-confirm+TOKEN@D, from template tpl
 *	(command: the command it confirms, or NULL). confirm_ask_command() keeps
 *	a command that changes something for its sender and mails the token;
 *	*result_out is confirm_sent. request.c takes the answer.
 */
#ifndef MOIM_CONFIRM_H
#define MOIM_CONFIRM_H

#include "commands.h"
#include "job.h"

/* How long a mailed confirmation token stays good. */
#define CONFIRM_DAYS 7

extern const char confirm_sent[];
bool confirm_mail_token(struct job *j, gint64 id, gint64 exp, const char *addr,
    const char *tpl, const char *command, GError **err);
bool confirm_ask_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);

#endif
