/*
 * act.c - what a person does on moim-web: unsubscribe, answer, join,
 * sign in (web.h)
 *
 * stub: replaced by H3's act.c. Until then every act is 404.
 */
#include "web.h"

void
act_unsub(struct web_ctx *c, const char *token)
{
	(void)token;
	web_error(c, 404);
}

void
act_rsvp(struct web_ctx *c, const char *token)
{
	(void)token;
	web_error(c, 404);
}

void
act_signin(struct web_ctx *c)
{
	web_error(c, 404);
}

void
act_signin_token(struct web_ctx *c, const char *token)
{
	(void)token;
	web_error(c, 404);
}

void
act_join(struct web_ctx *c)
{
	web_error(c, 404);
}
