/*
 * auth.c - who may read a list's pages: session cookie and the list
 * setting "archive" (web.h)
 *
 * stub: replaced by H3's auth.c (sign-in sessions). Until then nobody
 * has a session and only public archives can be read.
 */
#include "web.h"

/* web_session_read - no sessions yet: c->session stays NULL */
bool
web_session_read(struct web_ctx *c)
{
	(void)c;
	return true;
}

/* web_may_read - only a public archive can be read without sessions */
bool
web_may_read(struct web_ctx *c, const struct store_list *l)
{
	(void)c;
	return l->set.archive == LISTSET_ARCHIVE_PUBLIC;
}
