/*
 * http.c - moim-web's HTTP server on libmicrohttpd (see http.h)
 *
 * The only file that includes microhttpd.h. libmicrohttpd calls
 * on_request() several times per request: once with the headers, once
 * per piece of body, once at the end (with nothing). The response is
 * queued only at the end, after the whole body was read (queuing it
 * earlier throws the upload away mid-stream), except for a 413 that a
 * Content-Length announces: that one is queued before any of the body
 * is read, and libmicrohttpd then closes the connection.
 *
 * The raw request target comes from the URI log callback, before
 * libmicrohttpd unescapes anything: route.c decodes it, once. Form
 * bodies are read here and parsed by req.c, not by libmicrohttpd's POST
 * processor (CVE-2023-27371 in the 0.9.75 that Debian 12 ships).
 */
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "db.h"
#include "err.h"
#include "http.h"
#include "log.h"

struct web_http {
	struct MHD_Daemon *d;
	struct web *w;
};

/* One request in progress. */
struct pending {
	char *uri; /* the raw request target */
	GString *body;
	size_t discarded; /* body bytes past WEB_MAX_BODY, dropped */
	gint64 since; /* monotonic time of the request line */
	bool started;
};

/* The store connection of the serving thread. */
static GPrivate thread_store = G_PRIVATE_INIT((GDestroyNotify)store_close);

/* thread_store_get - this thread's store, opened on first use (after
 * the privilege drop, as the user we run as); NULL when it cannot be */
static struct store *
thread_store_get(struct web *w)
{
	struct store *s = g_private_get(&thread_store);
	GError *e = NULL;

	if (s != NULL)
		return s;
	s = store_open(w->cfg->database, STORE_RW, &e);
	if (s == NULL) {
		g_autofree char *shown = db_spec_shown(w->cfg->database);

		log_error("web: database %s: %s", shown, e->message);
		g_error_free(e);
		return NULL;
	}
	g_private_set(&thread_store, s);
	return s;
}

/* on_uri - the start of a request: keep the raw target */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct pending *p = g_new0(struct pending, 1);

	(void)cls;
	(void)conn;
	p->uri = g_strdup(uri);
	p->since = g_get_monotonic_time();
	return p;
}

/* on_done - the end of a request, answered or not */
static void
on_done(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct pending *p = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (p == NULL)
		return;
	g_free(p->uri);
	if (p->body != NULL)
		g_string_free(p->body, TRUE);
	g_free(p);
	*req_cls = NULL;
}

/* identity_unescape - leave the URL as it came (route.c decodes) */
static size_t
identity_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* add - add a header to r; a failure is a bug of ours (logged) */
static void
add(struct MHD_Response *r, const char *name, const char *value)
{
	if (MHD_add_response_header(r, name, value) != MHD_YES)
		log_error("web: cannot add header %s", name);
}

/* send_resp - queue resp with the headers every response carries */
static enum MHD_Result
send_resp(struct MHD_Connection *conn, const struct web_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = resp->body != NULL ? resp->body->len : 0;

	r = MHD_create_response_from_buffer(
	    len, len > 0 ? resp->body->str : (char *)"", MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	add(r, "Content-Type",
	    resp->content_type != NULL ? resp->content_type
				       : "text/html; charset=utf-8");
	add(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	add(r, "X-Content-Type-Options", "nosniff");
	add(r, "Referrer-Policy", "no-referrer");
	add(r, "X-Frame-Options", "DENY");
	add(r, "Cache-Control",
	    resp->cache_control != NULL ? resp->cache_control : "no-store");
	if (resp->location != NULL)
		add(r, "Location", resp->location);
	if (resp->set_cookie != NULL)
		add(r, "Set-Cookie", resp->set_cookie);
	if (resp->disposition != NULL)
		add(r, "Content-Disposition", resp->disposition);
	if (resp->allow != NULL)
		add(r, "Allow", resp->allow);
	ret = MHD_queue_response(
	    conn, (unsigned)(resp->status > 0 ? resp->status : 500), r);
	MHD_destroy_response(r);
	return ret;
}

/* method_of - the method as route.c knows it */
static enum web_method
method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return WEB_GET;
	if (strcmp(m, "HEAD") == 0)
		return WEB_HEAD;
	if (strcmp(m, "POST") == 0)
		return WEB_POST;
	return WEB_OTHER;
}

/* answer_status - answer an error page without routing (413) */
static enum MHD_Result
answer_status(struct web_http *h, struct MHD_Connection *conn,
    enum web_method m, int status)
{
	struct web_req req = {
	    .method = m, .path = "/", .query = "", .body = ""};
	struct web_resp resp = {0};
	struct web_ctx c = {.w = h->w, .req = &req, .resp = &resp};
	enum MHD_Result ret;

	web_error(&c, status);
	ret = send_resp(conn, &resp);
	web_resp_clear(&resp);
	return ret;
}

/* too_long - whether a Content-Length says more than WEB_MAX_BODY */
static bool
too_long(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	guint64 n;

	if (cl == NULL)
		return false;
	/* libmicrohttpd refused a malformed Content-Length already. */
	return !g_ascii_string_to_unsigned(cl, 10, 0, G_MAXUINT64, &n, NULL) ||
	    n > WEB_MAX_BODY;
}

/* on_request - libmicrohttpd's access handler (see the file comment) */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct web_http *h = cls;
	struct pending *p = *req_cls;
	enum web_method m = method_of(method);
	struct web_req req = {.method = m};
	struct web_resp resp = {0};
	g_autofree char *path = NULL;
	enum MHD_Result ret;
	struct store *s;
	bool is_read;
	char *q;

	(void)url;
	(void)version;
	if (p == NULL)
		return MHD_NO; /* cannot happen: on_uri() made it */
	if (!p->started) {
		p->started = true;
		p->body = g_string_new(NULL);
		if (too_long(conn))
			return answer_status(h, conn, m, 413);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (g_get_monotonic_time() - p->since >
		    WEB_HTTP_REQUEST_SECONDS * G_USEC_PER_SEC) {
			log_info("web: %s: body too slow, connection dropped",
			    method);
			return MHD_NO;
		}
		if (p->discarded > 0 || p->body->len + n > WEB_MAX_BODY) {
			p->discarded += n;
			return p->discarded > WEB_HTTP_DISCARD ? MHD_NO
							       : MHD_YES;
		}
		g_string_append_len(p->body, upload_data, (gssize)n);
		return MHD_YES;
	}
	if (p->discarded > 0)
		return answer_status(h, conn, m, 413);
	path = g_strdup(p->uri);
	q = strchr(path, '?');
	req.query = "";
	if (q != NULL) {
		*q = '\0';
		req.query = q + 1;
	}
	/* Drop a fragment a careless client sent. */
	if ((q = strchr(req.query, '#')) != NULL)
		*q = '\0';
	req.path = path;
	req.cookie =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
	req.content_type = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	req.body = m == WEB_POST ? p->body->str : "";
	req.body_len = m == WEB_POST ? p->body->len : 0;
	s = thread_store_get(h->w);
	/* A page reads one snapshot, in one read transaction: SQLite takes
	 * its locks once, not per statement. A POST's act has its own. */
	is_read = s != NULL && m != WEB_POST && store_read_begin(s, NULL);
	web_handle(h->w, s, &req, &resp);
	if (is_read && !store_commit(s, NULL))
		store_rollback(s);
	/* Tokens are credentials: the log names only the path's first part. */
	log_debug("web: %s %s %d", method,
	    g_str_has_prefix(path, "/u/") || g_str_has_prefix(path, "/r/") ||
		    g_str_has_prefix(path, "/signin/")
		? "(token link)"
		: path,
	    resp.status);
	ret = send_resp(conn, &resp);
	web_resp_clear(&resp);
	return ret;
}

/* on_mhd_log - libmicrohttpd's messages, into our log */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	(void)cls;
	g_strchomp(msg);
	log_warn("web: libmicrohttpd: %s", msg);
}

/* web_http_start - serve HTTP on listen_fd */
struct web_http *
web_http_start(struct web *w, int listen_fd, GError **err)
{
	struct web_http *h = g_new0(struct web_http, 1);

	h->w = w;
	h->d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
	    on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)w->cfg->web_threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_HTTP_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_HTTP_CONNECTIONS,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_HTTP_MEMORY,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, identity_unescape, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		g_free(h);
		moim_fail(err, MOIM_ERR_CONFIG, "libmicrohttpd did not start");
		return NULL;
	}
	return h;
}

/* web_http_stop - finish the requests in flight and close */
void
web_http_stop(struct web_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	g_free(h);
}
