/*
 * route.c - moim-web's router: one request to one page or act (web.h)
 *
 * web_handle() decodes the request once (path, query, form, session:
 * req.c, auth.c), finds the route of the path, resolves and checks the
 * list a list page names (web_may_read()), answers 301 for a missing
 * trailing "/" and 405 with Allow for a method the route does not take,
 * and calls the page or act. Every failure is an answer: 400 for input
 * that does not decode, 404 for an unknown path, never a crash.
 */
#include <string.h>

#include "err.h"
#include "log.h"
#include "req.h"
#include "web.h"
#include "weblink.h"

enum route_kind {
	R_NONE,
	R_LISTS,
	R_STYLE,
	R_LIST,
	R_JOIN,
	R_MONTH,
	R_MESSAGE,
	R_RAW,
	R_MBOX,
	R_ATOM,
	R_SEARCH,
	R_EVENT,
	R_ICS,
	R_UNSUB,
	R_RSVP,
	R_SIGNIN,
	R_SIGNIN_TOKEN,
};

/* What a path names: the route, the methods it takes, whether the path
 * lacks the trailing "/" it should have, and its arguments. */
struct route {
	enum route_kind kind;
	bool get, post; /* GET (and HEAD), POST */
	bool needs_slash; /* a 301 to the path with "/" */
	bool is_list; /* seg[0] names a list */
	const char *arg; /* a token, month or message id (a segment) */
	gint64 event_id;
};

/* is_month - "YYYY-MM" with a month 01..12 */
static bool
is_month(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' : !g_ascii_isdigit(s[i]))
			return false;
	return s[7] == '\0' &&
	    (s[5] == '0' ? s[6] != '0' : s[5] == '1' && s[6] <= '2');
}

/* parse_id - a positive decimal id of at most 18 digits */
static bool
parse_id(const char *s, gint64 *id_out)
{
	gint64 v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*id_out = v;
	return true;
}

/* route_list_page - the routes under /L@D/ (seg[0] names the list) */
static void
route_list_page(char **seg, size_t n, struct route *r)
{
	r->is_list = true;
	r->get = true;
	if (n == 1) {
		r->kind = R_LIST;
		r->needs_slash = true;
		return;
	}
	if (n == 2) {
		if (seg[1][0] == '\0')
			r->kind = R_LIST;
		else if (strcmp(seg[1], "join") == 0) {
			r->kind = R_JOIN;
			r->get = false;
			r->post = true;
		} else if (strcmp(seg[1], "new.atom") == 0)
			r->kind = R_ATOM;
		else if (strcmp(seg[1], "search") == 0)
			r->kind = R_SEARCH;
		else if (is_month(seg[1])) {
			r->kind = R_MONTH;
			r->arg = seg[1];
			r->needs_slash = true;
		}
		return;
	}
	if (n == 3 && seg[2][0] == '\0' && is_month(seg[1])) {
		r->kind = R_MONTH;
		r->arg = seg[1];
		return;
	}
	if ((n == 3 || n == 4) && strcmp(seg[1], "m") == 0 && seg[2][0]) {
		r->arg = seg[2];
		if (n == 3) {
			r->kind = R_MESSAGE;
			r->needs_slash = true;
		} else if (seg[3][0] == '\0')
			r->kind = R_MESSAGE;
		else if (strcmp(seg[3], "raw") == 0)
			r->kind = R_RAW;
		else if (strcmp(seg[3], "t.mbox.gz") == 0)
			r->kind = R_MBOX;
		return;
	}
	if ((n == 3 || n == 4) && strcmp(seg[1], "e") == 0 &&
	    parse_id(seg[2], &r->event_id)) {
		if (n == 3) {
			r->kind = R_EVENT;
			r->needs_slash = true;
		} else if (seg[3][0] == '\0')
			r->kind = R_EVENT;
		else if (strcmp(seg[3], "event.ics") == 0)
			r->kind = R_ICS;
	}
}

/* route_find - the route a decoded path names (R_NONE: 404) */
static void
route_find(char **seg, size_t n, struct route *r)
{
	memset(r, 0, sizeof *r);
	if (n == 1 && seg[0][0] == '\0') {
		r->kind = R_LISTS;
		r->get = true;
	} else if (n == 1 && strcmp(seg[0], "style.css") == 0) {
		r->kind = R_STYLE;
		r->get = true;
	} else if (strcmp(seg[0], "signin") == 0 && n <= 2) {
		r->kind = n == 1 ? R_SIGNIN : R_SIGNIN_TOKEN;
		r->arg = n == 2 ? seg[1] : NULL;
		r->get = r->post = true;
		if (n == 2 && seg[1][0] == '\0')
			r->kind = R_NONE;
	} else if ((strcmp(seg[0], "u") == 0 || strcmp(seg[0], "r") == 0) &&
	    n == 2 && seg[1][0] != '\0') {
		r->kind = seg[0][0] == 'u' ? R_UNSUB : R_RSVP;
		r->arg = seg[1];
		r->get = r->post = true;
	} else if (seg[0][0] != '\0')
		route_list_page(seg, n, r);
}

/* path_join - the segments encoded and joined with "/", seg[0]
 * replaced by first (already encoded) unless it is NULL */
static char *
path_join(char **seg, size_t n, const char *first)
{
	GString *p = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		g_autofree char *e = weblink_segment(seg[i]);

		if (i > 0)
			g_string_append_c(p, '/');
		g_string_append(p, first != NULL && i == 0 ? first : e);
	}
	return g_string_free(p, FALSE);
}

/* resolve_list - set c->list to the list seg[0] names, or answer: 404
 * for no such list, 301 for a bare local part naming exactly one list */
static bool
resolve_list(struct web_ctx *c)
{
	const char *name = c->seg[0], *at = strrchr(name, '@');
	g_autofree char *local = NULL, *domain = NULL;
	GError *e = NULL;

	if (at == NULL) {
		GPtrArray *all = store_list_by_local(c->s, name, &e);

		if (all == NULL) {
			log_error("web: lists named %s: %s", name, e->message);
			g_error_free(e);
			web_error(c, 500);
			return false;
		}
		if (all->len == 1) {
			struct store_list *l = g_ptr_array_index(all, 0);

			if (l->set.archive != LISTSET_ARCHIVE_HIDDEN) {
				g_autofree char *addr =
				    weblink_segment(l->address);
				g_autofree char *p =
				    path_join(c->seg, c->nseg, addr);
				g_autofree char *to = c->nseg == 1
				    ? g_strconcat(p, "/", NULL)
				    : g_strdup(p);

				g_ptr_array_unref(all);
				web_redirect(c, 301, to);
				return false;
			}
		}
		g_ptr_array_unref(all);
		web_error(c, 404);
		return false;
	}
	local = g_strndup(name, (gsize)(at - name));
	domain = g_ascii_strdown(at + 1, -1);
	if (!store_list_get(c->s, local, domain, &c->list, &e)) {
		log_error("web: list %s: %s", name, e->message);
		g_error_free(e);
		web_error(c, 500);
		return false;
	}
	if (c->list == NULL) {
		web_error(c, 404);
		return false;
	}
	return true;
}

/* decode_form - c->form from a POST body */
static bool
decode_form(struct web_ctx *c, GError **err)
{
	const struct web_req *q = c->req;
	const char *ct = q->content_type;

	if (ct == NULL || q->body_len == 0) {
		c->form = g_hash_table_new_full(
		    g_str_hash, g_str_equal, g_free, g_free);
		return true;
	}
	if (g_ascii_strncasecmp(ct, "application/x-www-form-urlencoded", 33) ==
	    0)
		c->form = req_form_urlencoded(q->body, q->body_len, err);
	else if (g_ascii_strncasecmp(ct, "multipart/form-data", 19) == 0)
		c->form = req_form_multipart(ct, q->body, q->body_len, err);
	else
		return moim_fail(err, MOIM_ERR_INPUT, "form type %.40s", ct);
	return c->form != NULL;
}

/* dispatch - call the page or act of route r */
static void
dispatch(struct web_ctx *c, const struct route *r)
{
	switch (r->kind) {
	case R_LISTS:
		page_lists(c);
		break;
	case R_STYLE:
		page_style(c);
		break;
	case R_LIST:
		page_list(c);
		break;
	case R_JOIN:
		act_join(c);
		break;
	case R_MONTH:
		page_month(c, r->arg);
		break;
	case R_MESSAGE:
		page_message(c, r->arg);
		break;
	case R_RAW:
		page_raw(c, r->arg);
		break;
	case R_MBOX:
		page_mbox(c, r->arg);
		break;
	case R_ATOM:
		page_atom(c);
		break;
	case R_SEARCH:
		page_search(c);
		break;
	case R_EVENT:
		page_event(c, r->event_id);
		break;
	case R_ICS:
		page_event_ics(c, r->event_id);
		break;
	case R_UNSUB:
		act_unsub(c, r->arg);
		break;
	case R_RSVP:
		act_rsvp(c, r->arg);
		break;
	case R_SIGNIN:
		act_signin(c);
		break;
	case R_SIGNIN_TOKEN:
		act_signin_token(c, r->arg);
		break;
	case R_NONE:
		web_error(c, 404);
		break;
	}
}

/* route - everything after the request decoded */
static void
route(struct web_ctx *c)
{
	const struct web_req *q = c->req;
	struct route r;
	GError *e = NULL;

	route_find(c->seg, c->nseg, &r);
	if (r.kind == R_NONE) {
		web_error(c, 404);
		return;
	}
	if (r.is_list) {
		if (!resolve_list(c))
			return;
		/* Asking to join needs no right to read (it only mails a
		 * confirmation, as a subscribe command does); a hidden list
		 * has no pages at all. */
		if (r.kind == R_JOIN
			? c->list->set.archive == LISTSET_ARCHIVE_HIDDEN
			: !web_may_read(c, c->list)) {
			/* web_may_read() may answer itself (a sign-in page) */
			if (c->resp->status == 0)
				web_error(c,
				    c->list->set.archive ==
					    LISTSET_ARCHIVE_HIDDEN
					? 404
					: 403);
			return;
		}
	}
	if (!((q->method == WEB_POST && r.post) ||
		((q->method == WEB_GET || q->method == WEB_HEAD) && r.get))) {
		web_error(c, 405);
		c->resp->allow = r.get && r.post ? "GET, HEAD, POST"
		    : r.post			 ? "POST"
						 : "GET, HEAD";
		return;
	}
	if (r.needs_slash) {
		g_autofree char *p = path_join(c->seg, c->nseg, NULL);
		g_autofree char *to = g_strconcat(p, "/", NULL);

		web_redirect(c, 301, to);
		return;
	}
	if (q->method == WEB_POST && !decode_form(c, &e)) {
		log_debug("web: form: %s", e->message);
		g_error_free(e);
		web_error(c, 400);
		return;
	}
	dispatch(c, &r);
	if (c->resp->status == 0) {
		log_error("web: %s gave no answer", q->path);
		web_error(c, 500);
	}
}

/* strip_base - path without the path of [web] base_url ("/lists/" of
 * https://example.org/lists/) in front, when it has it: the web server
 * in front passes the request target unchanged (an encoded "/" in a
 * Message-ID must stay encoded, which a proxy that rewrites the prefix
 * does not keep) */
static const char *
strip_base(const struct web *w, const char *path)
{
	const char *b = w->cfg->base_url, *p;
	size_t n;

	if (b == NULL || (p = strstr(b, "://")) == NULL ||
	    (p = strchr(p + 3, '/')) == NULL)
		return path;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	/* p[0..n) is "/lists" (or empty for "/"): strip it before a "/" */
	if (n > 0 && strncmp(path, p, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

/* web_handle - answer one request into *resp */
void
web_handle(struct web *w, struct store *s, const struct web_req *req,
    struct web_resp *resp)
{
	struct web_ctx c = {.w = w, .s = s, .req = req, .resp = resp};
	GError *e = NULL;

	c.now = g_get_real_time() / G_USEC_PER_SEC;
	if (!req_path_split(strip_base(w, req->path), &c.seg, &c.nseg, &e)) {
		log_debug("web: path: %s", e->message);
		g_error_free(e);
		web_error(&c, 400);
		return;
	}
	c.query = req_form_urlencoded(req->query, strlen(req->query), &e);
	if (c.query == NULL) {
		log_debug("web: query: %s", e->message);
		g_error_free(e);
		web_error(&c, 400);
	} else if (s == NULL)
		web_error(&c, 503);
	else if (!web_session_read(&c)) {
		if (resp->status == 0)
			web_error(&c, 500);
	} else
		route(&c);
	g_strfreev(c.seg);
	if (c.query != NULL)
		g_hash_table_unref(c.query);
	if (c.form != NULL)
		g_hash_table_unref(c.form);
	g_free(c.session);
	store_list_free(c.list);
}

/* web_resp_clear - free what a response owns */
void
web_resp_clear(struct web_resp *resp)
{
	if (resp->body != NULL)
		g_string_free(resp->body, TRUE);
	g_free(resp->location);
	g_free(resp->set_cookie);
	g_free(resp->disposition);
	memset(resp, 0, sizeof *resp);
}
