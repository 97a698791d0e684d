/*
 * web - moim-web: what the server, the router and the pages share
 *
 * SYNOPSIS
 *	void web_handle(struct web *w, struct store *s,
 *	    const struct web_req *req, struct web_resp *resp);
 *	void web_resp_clear(struct web_resp *resp);
 *
 *	(html.c)
 *	void html_esc(GString *out, const char *text);
 *	bool web_tpl(struct web_ctx *c, const char *name, GHashTable *vars,
 *	    GString *out);
 *	void web_page(struct web_ctx *c, int status, const char *title,
 *	    GString *body_html);
 *	void web_error(struct web_ctx *c, int status);
 *	void web_redirect(struct web_ctx *c, int status, const char *path);
 *	const char *web_lang(struct web_ctx *c);
 *	char *web_url(struct web_ctx *c, const char *path);
 * DESCRIPTION
 *	moim-web (SPEC "Web") is an HTTP/1.1 server on libmicrohttpd behind
 *	nginx or Apache. http.c is the only file that knows libmicrohttpd:
 *	it gathers one request into a struct web_req (method, raw path,
 *	raw query, the few headers pages use, a bounded body) and hands it
 *	to web_handle() (route.c), which decodes path, query, form and
 *	session once (req.c, auth.c) into a struct web_ctx and calls the
 *	page or act that the path names. A page writes only *resp; http.c
 *	then sends it with the headers every response carries (a strict
 *	Content-Security-Policy, X-Content-Type-Options: nosniff,
 *	Referrer-Policy, X-Frame-Options) and drops the body of a HEAD.
 *
 *	The rule of the whole program: no GET or HEAD changes anything.
 *	Acts (web/act.c) change state only on POST.
 *
 *	Pages are made from templates, templates/LANG/web/NAME.html, read
 *	once at start (html.c). In a template, ${var} is replaced by the
 *	value of var HTML-escaped, ${var:html} by the value as it is (a
 *	fragment the code built with html_esc() or web_tpl()); "$$" is a
 *	"$", an unknown variable is an error found by the tests. LANG is
 *	the list's language (web_lang()), or [moim] language off a list.
 *	web_page() wraps a body in layout.html (title, lang, stylesheet)
 *	and sets resp; web_error() answers a short page of its own for a
 *	status (400, 403, 404, 405, 413, 500, 503).
 *	web_url() is [web] base_url joined with path (weblink_path()), or
 *	path itself from "/" without a base_url.
 * OWNERSHIP
 *	resp's strings are owned by resp (web_resp_clear() frees them);
 *	req is borrowed; a web_ctx lives for one request.
 * INPUT AND LIMITS
 *	Everything in req is untrusted. req->body is at most WEB_MAX_BODY
 *	bytes (http.c answers 413 before a longer body is read).
 * THREADS
 *	struct web is shared, read-only after start; each serving thread
 *	has its own store connection, passed to web_handle().
 * ERRORS
 *	A page that fails answers 500 through web_error() and logs why;
 *	bad input answers 4xx, never a crash.
 * SEE ALSO
 *	SPEC "Web", WEB-NOTES.md, lib/weblink.h, moim-web(8).
 */
#ifndef MOIM_WEB_H
#define MOIM_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "config.h"
#include "store.h"
#include "token.h"

/* The largest request body moim-web reads: forms are small. */
#define WEB_MAX_BODY (16 * 1024)

enum web_method { WEB_GET, WEB_HEAD, WEB_POST, WEB_OTHER };

struct web_req {
	enum web_method method;
	const char *path; /* as received: percent-encoded, starts with "/" */
	const char *query; /* after "?", or "" */
	const char *cookie; /* Cookie header, or NULL */
	const char *content_type; /* Content-Type header, or NULL */
	const char *body; /* POST body, NUL-terminated; "" otherwise */
	size_t body_len;
};

struct web_resp {
	int status; /* 0 until a page answers */
	const char *content_type; /* static string; NULL: text/html UTF-8 */
	GString *body; /* NULL: empty */
	char *location; /* redirect target, or NULL */
	char *set_cookie; /* Set-Cookie value; only signing in sets one */
	char *disposition; /* Content-Disposition, or NULL */
	const char *cache_control; /* static; NULL: "no-store" */
	const char *allow; /* static; the Allow field of a 405 (route.c) */
};

/* One per process, read-only once serving. */
struct web {
	struct moim_config *cfg;
	struct token_key *key;
	GHashTable *templates; /* "LANG/NAME" -> template text (html.c) */
};

/* One per request (route.c). */
struct web_ctx {
	struct web *w;
	struct store *s; /* this thread's connection */
	const struct web_req *req;
	struct web_resp *resp;
	gint64 now;
	char **seg; /* the path's segments, percent-decoded; NULL-ended */
	size_t nseg;
	GHashTable *query; /* decoded query, char * -> char * */
	GHashTable *form; /* decoded POST form, or NULL */
	char *session; /* the signed-in address, or NULL (auth.c) */
	struct store_list *list; /* the list the path names, or NULL */
};

void web_handle(struct web *w, struct store *s, const struct web_req *req,
    struct web_resp *resp);
void web_resp_clear(struct web_resp *resp);

/* html.c */
bool web_templates_load(struct web *w, GError **err);
void html_esc(GString *out, const char *text);
bool web_tpl(
    struct web_ctx *c, const char *name, GHashTable *vars, GString *out);
void web_page(
    struct web_ctx *c, int status, const char *title, GString *body_html);
void web_error(struct web_ctx *c, int status);
void web_redirect(struct web_ctx *c, int status, const char *path);
const char *web_lang(struct web_ctx *c);
char *web_url(struct web_ctx *c, const char *path);

/* auth.c: who may read a list's pages (SPEC list setting "archive"). */
bool web_session_read(struct web_ctx *c);
bool web_may_read(struct web_ctx *c, const struct store_list *l);

/* The pages and acts route.c calls; each answers through c->resp. */
/* page_archive.c */
void page_lists(struct web_ctx *c); /* / */
void page_list(struct web_ctx *c); /* /L@D/ */
void page_month(struct web_ctx *c, const char *month); /* /L@D/YYYY-MM/ */
void page_message(struct web_ctx *c, const char *msgid); /* /L@D/m/ID/ */
void page_raw(struct web_ctx *c, const char *msgid); /* .../raw */
void page_mbox(struct web_ctx *c, const char *msgid); /* .../t.mbox.gz */
void page_atom(struct web_ctx *c); /* /L@D/new.atom */
void page_search(struct web_ctx *c); /* /L@D/search?q= */
void page_style(struct web_ctx *c); /* /style.css */
/* page_event.c */
void page_event(struct web_ctx *c, gint64 event_id); /* /L@D/e/N/ */
void page_event_ics(struct web_ctx *c, gint64 event_id); /* event.ics */
/* act.c */
void act_unsub(struct web_ctx *c, const char *token); /* /u/TOKEN */
void act_rsvp(struct web_ctx *c, const char *token); /* /r/TOKEN */
void act_signin(struct web_ctx *c); /* /signin */
void act_signin_token(struct web_ctx *c, const char *token); /* /signin/T */
void act_join(struct web_ctx *c); /* POST /L@D/join */
/* the sign-in form: 200 at /signin, 403 in place of a members-only page
 * (it returns there after signing in) */
void act_signin_form(struct web_ctx *c, int status);

#endif
