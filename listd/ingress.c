/*
 * ingress - moim-listd's LMTP listener: Postfix hands list mail over here
 *
 * Each connection runs in a thread of a GThreadedSocketService with its
 * own database connection (synchronous commits). Bytes go through the
 * lmtp engine; the callbacks below validate recipients against the store
 * and keep the message in the inbound queue. The 250 after DATA is sent
 * only after that commit: a database error answers 451 4.3.0, so Postfix
 * keeps the mail and tries again.
 */
#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "err.h"
#include "ingress.h"
#include "limits.h"
#include "listd.h"
#include "lmtp.h"
#include "log.h"
#include "prefetch.h"
#include "privs.h"
#include "rcpt.h"
#include "store.h"

struct ing_conn {
	struct listd *d;
	struct store *s;
	guint64 session;
};

/* conn_store - the connection's database handle, opened on first use */
static struct store *
conn_store(struct ing_conn *c, GError **err)
{
	if (c->s == NULL)
		c->s =
		    store_open(listd_cfg(c->d)->database, STORE_RW_SYNC, err);
	return c->s;
}

static bool
on_mail(void *ctx, const char *from, guint64 size, struct lmtp_reply *r)
{
	struct addr *a = NULL;
	GError *e = NULL;

	/* The null sender: bounces come back to L-bounces+TOKEN this way. */
	if (*from == '\0')
		return true;
	if (!addr_parse_path(from, strlen(from), &a, &e)) {
		g_clear_error(&e);
		lmtp_reply_set(r, 501, "5.1.7 Bad sender address syntax");
		return false;
	}
	addr_free(a);
	return true;
}

/* rcpt_check - whether rcpt names a list address we serve */
static bool
rcpt_check(struct ing_conn *c, const char *rcpt, struct lmtp_reply *r)
{
	struct rcpt_target t;
	struct store *s;
	struct addr *a = NULL;
	GError *e = NULL;
	bool ok = false;

	if (!addr_parse_path(rcpt, strlen(rcpt), &a, &e) || a == NULL) {
		lmtp_reply_set(r, 501, "5.1.3 Bad recipient address syntax");
		goto out;
	}
	if (!config_is_list_domain(listd_cfg(c->d), addr_domain(a))) {
		lmtp_reply_set(r, 550, "5.1.1 Not a list domain");
		goto out;
	}
	s = conn_store(c, &e);
	if (s == NULL ||
	    !rcpt_resolve(s, addr_local(a), addr_domain(a), &t, &e)) {
		log_error("lmtp: session=%" G_GUINT64_FORMAT " database: %s",
		    c->session, e->message);
		lmtp_reply_set(r, 451, "4.3.0 Temporary failure, try again");
		goto out;
	}
	ok = t.list != NULL;
	if (!ok)
		lmtp_reply_set(r, 550, "5.1.1 No such list address");
	rcpt_target_clear(&t);
out:
	g_clear_error(&e);
	addr_free(a);
	return ok;
}

static bool
on_rcpt(void *ctx, const char *rcpt, struct lmtp_reply *r)
{
	return rcpt_check(ctx, rcpt, r);
}

/* canonical_rcpts - the accepted recipients in canonical form */
static GPtrArray *
canonical_rcpts(const char *const *rcpts, size_t n)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	for (i = 0; i < n; i++) {
		struct addr *x = NULL;

		/* on_rcpt accepted each, so each parses. */
		if (addr_parse_path(rcpts[i], strlen(rcpts[i]), &x, NULL) &&
		    x != NULL)
			g_ptr_array_add(a, g_strdup(addr_canonical(x)));
		else
			g_ptr_array_add(a, g_strdup(rcpts[i]));
		addr_free(x);
	}
	return a;
}

/* ask_ahead - have the DNS answers the post will need looked up now, so
 * that the processor finds them cached */
static void
ask_ahead(struct listd *d, const char *from, const char *msg, size_t len)
{
	GPtrArray *names = prefetch_names(d, NULL, from, msg, len);

	/* Not ready is the usual answer: the processor asks again. */
	(void)prefetch_ready(d, names);
	g_ptr_array_unref(names);
}

static void
on_data(void *ctx, const char *from, const char *const *rcpts, size_t nrcpt,
    const char *msg, size_t len, struct lmtp_reply *replies)
{
	struct ing_conn *c = ctx;
	GPtrArray *canon = canonical_rcpts(rcpts, nrcpt);
	struct store *s;
	GError *e = NULL;
	gint64 id = 0;
	bool ok;
	size_t i;

	s = conn_store(c, &e);
	ok = s != NULL &&
	    store_inbound_add(s, from, (const char *const *)canon->pdata,
		canon->len, msg, len, g_get_real_time() / G_USEC_PER_SEC, &id,
		&e);
	for (i = 0; i < nrcpt; i++) {
		if (ok)
			lmtp_reply_set(&replies[i], 250,
			    "2.0.0 Queued as %" G_GINT64_FORMAT, id);
		else
			lmtp_reply_set(&replies[i], 451,
			    "4.3.0 Temporary failure, try again");
	}
	if (ok) {
		log_info("lmtp: queued id=%" G_GINT64_FORMAT
			 " size=%zu rcpts=%zu",
		    id, len, nrcpt);
		ask_ahead(c->d, from, msg, len);
		listd_kick(c->d);
	} else {
		log_error("lmtp: not queued: %s", e->message);
	}
	g_clear_error(&e);
	g_ptr_array_unref(canon);
}

static const struct lmtp_callbacks callbacks = {on_mail, on_rcpt, on_data};

/* serve - one LMTP connection, in a service thread */
static gboolean
serve(GThreadedSocketService *svc, GSocketConnection *conn, GObject *src,
    gpointer data)
{
	static gint sessions;
	struct ing_conn c = {
	    data, NULL, (guint64)g_atomic_int_add(&sessions, 1)};
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
	struct lmtp_session *ls;
	GString *reply = g_string_new(NULL);
	char buf[65536];
	enum lmtp_state st = LMTP_CONTINUE;

	g_socket_set_timeout(
	    g_socket_connection_get_socket(conn), MOIM_LMTP_IDLE_TIMEOUT);
	ls = lmtp_session_new(
	    listd_cfg(c.d)->hostname, MOIM_MAX_MESSAGE, &callbacks, &c);
	lmtp_greeting(ls, reply);
	while (st == LMTP_CONTINUE) {
		gssize n;

		if (reply->len > 0 &&
		    !g_output_stream_write_all(
			out, reply->str, reply->len, NULL, NULL, NULL))
			break;
		g_string_truncate(reply, 0);
		n = g_input_stream_read(in, buf, sizeof(buf), NULL, NULL);
		if (n <= 0)
			break;
		st = lmtp_feed(ls, buf, (size_t)n, reply);
	}
	if (reply->len > 0)
		(void)g_output_stream_write_all(
		    out, reply->str, reply->len, NULL, NULL, NULL);
	lmtp_session_free(ls);
	g_string_free(reply, TRUE);
	store_close(c.s);
	return TRUE;
}

struct unix_bind {
	struct listd *d;
	const char *path;
};

/* bind_unix - privs_socket()'s bind step: add the unix socket */
static bool
bind_unix(void *data, GError **err)
{
	struct unix_bind *b = data;
	GSocketAddress *sa = g_unix_socket_address_new(b->path);
	bool ok;

	ok = g_socket_listener_add_address(G_SOCKET_LISTENER(b->d->service), sa,
	    G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, err);
	g_object_unref(sa);
	return ok;
}

/* listen_unix - bind a unix socket, replacing a stale one, born with
 * mode 0660 and [listd] socket_group (privs_socket()) */
static bool
listen_unix(struct listd *d, const char *path, GError **err)
{
	struct unix_bind b = {d, path};

	return privs_socket(path, listd_cfg(d)->listd_socket_group,
	    "[listd] socket_group", bind_unix, &b, err);
}

/* ingress_start - bind the configured LMTP endpoint and start serving */
bool
ingress_start(struct listd *d, GError **err)
{
	g_autofree char *host = NULL, *path = NULL;
	GSocketAddress *sa;
	int port = 0;
	bool ok;

	if (!config_parse_endpoint(
		listd_cfg(d)->lmtp, &host, &port, &path, err))
		return false;
	d->service = g_threaded_socket_service_new(64);
	g_signal_connect(d->service, "run", G_CALLBACK(serve), d);
	if (path != NULL) {
		ok = listen_unix(d, path, err);
		d->lmtp_path = g_strdup(path);
	} else {
		sa = g_inet_socket_address_new_from_string(host, (guint)port);
		if (sa == NULL)
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "[listd] lmtp: bad address %s", host);
		ok = g_socket_listener_add_address(
		    G_SOCKET_LISTENER(d->service), sa, G_SOCKET_TYPE_STREAM,
		    G_SOCKET_PROTOCOL_TCP, NULL, NULL, err);
		g_object_unref(sa);
	}
	if (!ok)
		return false;
	g_socket_service_start(d->service);
	return true;
}

/* ingress_stop - stop accepting connections; a unix socket is removed,
 * so that nothing connects to a daemon that is gone (Postfix then
 * defers at once instead of timing out) */
void
ingress_stop(struct listd *d)
{
	struct stat st;

	if (d->service != NULL) {
		g_socket_service_stop(d->service);
		g_socket_listener_close(G_SOCKET_LISTENER(d->service));
	}
	if (d->lmtp_path != NULL && lstat(d->lmtp_path, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && g_unlink(d->lmtp_path) != 0)
		log_warn("lmtp: %s: %s", d->lmtp_path, g_strerror(errno));
	g_clear_pointer(&d->lmtp_path, g_free);
}
