/*
 * auth - who is signed in, and who may read a list's pages
 *
 * A session is the cookie moim_session that signing in by a mailed link
 * set (act.c): token_make(WEBLINK_SESSION, "", address, id, expires)
 * where id is the web_signins row the link named, which must have been
 * used. web_session_read() checks it against that row's address; any
 * fault (no cookie, a forged or expired token, a row gone) is simply no
 * session, never an error page, since a stale cookie is normal.
 *
 * web_may_read() is the list setting "archive" (SPEC "Web"): public
 * lists are for everyone, hidden ones for nobody, and members-only ones
 * for a session whose address is a member of that list in any role or
 * mode (a digest or nomail member reads the archive too, and so does a
 * member whose delivery bounces stopped). A refused visitor of a
 * members-only list gets the sign-in form, with the list's join form
 * (route.c lets anyone POST L@D/join to a list that is not hidden).
 */

#include "log.h"
#include "req.h"
#include "web.h"
#include "weblink.h"

#define AUTH_COOKIE "moim_session"

/* session_address - the address a session token stands for, or NULL */
static char *
session_address(struct web_ctx *c, const char *tok)
{
	struct store_web_signin *si = NULL;
	GError *e = NULL;
	char *addr = NULL;
	guint64 id;
	gint64 exp;

	if (!token_decode(tok, &id, &exp, NULL) || id > G_MAXINT64)
		return NULL;
	if (!store_web_signin_get(c->s, (gint64)id, &si, &e)) {
		log_warn("web: session: %s", e->message);
		g_clear_error(&e);
		return NULL;
	}
	if (si != NULL && si->used &&
	    token_verify(
		c->w->key, WEBLINK_SESSION, "", si->address, tok, c->now, NULL))
		addr = g_strdup(si->address);
	store_web_signin_free(si);
	return addr;
}

/* web_session_read - c->session from the request's cookie, or NULL; a
 * missing or bad cookie is no session, not a failure: always true */
bool
web_session_read(struct web_ctx *c)
{
	g_autofree char *tok = NULL;

	g_clear_pointer(&c->session, g_free);
	if (c->req->cookie != NULL)
		tok = req_cookie_get(c->req->cookie, AUTH_COOKIE);
	if (tok != NULL)
		c->session = session_address(c, tok);
	return true;
}

/* web_may_read - whether this request may see list l's pages; for the
 * route's own list (c->list) a refusal of a members-only list answers
 * 403 with the sign-in form (and the join form) */
bool
web_may_read(struct web_ctx *c, const struct store_list *l)
{
	struct store_member *m = NULL;
	GError *e = NULL;
	bool is_member = false;

	if (l->set.archive == LISTSET_ARCHIVE_PUBLIC)
		return true;
	if (l->set.archive != LISTSET_ARCHIVE_MEMBERS)
		return false;
	if (c->session != NULL &&
	    !store_member_get(c->s, l->id, c->session, &m, &e)) {
		log_warn("web: list=%s: %s", l->address, e->message);
		g_clear_error(&e);
		return false;
	}
	is_member = m != NULL;
	store_member_free(m);
	if (!is_member && l == c->list && c->resp->status == 0)
		act_signin_form(c, 403);
	return is_member;
}
