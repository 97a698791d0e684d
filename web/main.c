/*
 * moim-web - the web pages of the lists: archives, events, and the acts
 * links in mail lead to (unsubscribe, answer, join, sign in)
 *
 * SYNOPSIS
 *	moim-web [-c FILE] [-f] [-v]
 * DESCRIPTION
 *	moim-web serves HTTP/1.1 on [web] listen (HOST:PORT or unix:/PATH,
 *	a unix socket with mode 0660 and group [web] socket_group) for a
 *	proxy (nginx, Apache) that does TLS in front of it, with [web]
 *	threads threads. -f stays in the foreground and logs to stderr; -v
 *	logs debug lines (one per request). SIGTERM and SIGINT finish the
 *	requests in flight and exit; SIGHUP is ignored (templates and
 *	configuration take a restart).
 *
 *	Start-up runs these steps in order, as moim-listd's: privs_umask()
 *	-> load config (fatal, one line, on error) -> pre_drop_init() (bind
 *	the socket) -> privs_drop() -> post_drop_init() (read the secret,
 *	open the database, load the templates, as the user it runs as) ->
 *	serve. A file that user cannot reach stops the start with one line
 *	naming the user and the path.
 * SEE ALSO
 *	web/web.h, web/http.h, moim-web(8), ../shared/SPEC.md "Web".
 */
#include <errno.h>
#include <glib-unix.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "privs.h"
#include "store.h"
#include "web.h"

/* A proxy reconnects quickly; the kernel queues this many meanwhile. */
#define WEB_BACKLOG 128

struct webd {
	struct web w;
	char *unix_path; /* the socket to remove at exit, or NULL */
	int fd;
	GMainLoop *loop;
};

/* listen_tcp - a listening TCP socket on host:port */
static int
listen_tcp(const char *host, int port, GError **err)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, rc, one = 1, saved = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	g_snprintf(portstr, sizeof portstr, "%d", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		moim_fail(err, MOIM_ERR_CONFIG, "[web] listen %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, WEB_BACKLOG) == 0)
			break;
		saved = errno;
		(void)close(fd); /* nothing was written */
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		moim_fail(err, MOIM_ERR_CONFIG, "[web] listen %s:%d: %s", host,
		    port, g_strerror(saved));
	return fd;
}

struct unix_bind {
	const char *path;
	int fd;
};

/* bind_unix - privs_socket()'s bind step */
static bool
bind_unix(void *data, GError **err)
{
	struct unix_bind *b = data;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(b->path) >= sizeof sa.sun_path)
		return moim_fail(err, MOIM_ERR_CONFIG, "socket path too long");
	memcpy(sa.sun_path, b->path, strlen(b->path) + 1);
	b->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->fd < 0)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "socket: %s", g_strerror(errno));
	if (bind(b->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int saved = errno;

		(void)close(b->fd); /* nothing was written */
		b->fd = -1;
		return moim_fail(err, MOIM_ERR_CONFIG, "bind %s: %s", b->path,
		    g_strerror(saved));
	}
	return true;
}

/* pre_drop_init - bind [web] listen while we may bind any port */
static bool
pre_drop_init(struct webd *d, GError **err)
{
	const struct moim_config *c = d->w.cfg;
	g_autofree char *host = NULL, *path = NULL;
	int port = 0;

	if (!config_parse_endpoint(c->web_listen, &host, &port, &path, err))
		return false;
	if (path == NULL) {
		d->fd = listen_tcp(host, port, err);
		return d->fd >= 0;
	}
	struct unix_bind b = {path, -1};
	if (!privs_socket(path, c->web_socket_group, "[web] socket_group",
		bind_unix, &b, err))
		return false;
	d->fd = b.fd;
	d->unix_path = g_steal_pointer(&path);
	if (listen(d->fd, WEB_BACKLOG) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG, "listen %s: %s",
		    d->unix_path, g_strerror(errno));
	return true;
}

/* post_drop_init - the secret, the database and the templates, opened
 * as the user we run as; one that user cannot reach stops the start */
static bool
post_drop_init(struct webd *d, GError **err)
{
	const struct moim_config *c = d->w.cfg;
	struct store *s;

	d->w.key = token_key_load(c->secret_file, err);
	if (d->w.key == NULL) {
		(void)privs_blame(
		    err, "[moim] secret_file", c->secret_file, PRIVS_READ);
		return false;
	}
	s = store_open(c->database, STORE_RW, err);
	if (s == NULL) {
		(void)privs_blame(
		    err, "[moim] database", c->database, PRIVS_WRITE);
		return false;
	}
	store_close(s);
	if (!web_templates_load(&d->w, err)) {
		(void)privs_blame(
		    err, "[moim] templates", c->templates, PRIVS_READ);
		return false;
	}
	return true;
}

/* on_stop - SIGTERM, SIGINT: leave the main loop */
static gboolean
on_stop(gpointer data)
{
	struct webd *d = data;

	log_info("stopping");
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

/* on_hup - SIGHUP: nothing to reload in place */
static gboolean
on_hup(gpointer data)
{
	(void)data;
	log_info("SIGHUP ignored: a changed configuration or template takes "
		 "a restart");
	return G_SOURCE_CONTINUE;
}

/* release - free what main() and the init steps made */
static void
release(struct webd *d)
{
	struct stat st;

	if (d->fd >= 0)
		(void)close(d->fd); /* a listening socket: nothing to flush */
	/* Remove our socket, not something else put there meanwhile. */
	if (d->unix_path != NULL && lstat(d->unix_path, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && unlink(d->unix_path) != 0)
		log_warn(
		    "cannot remove %s: %s", d->unix_path, g_strerror(errno));
	g_free(d->unix_path);
	if (d->w.templates != NULL)
		g_hash_table_unref(d->w.templates);
	token_key_free(d->w.key);
	if (d->w.cfg != NULL)
		config_unref(d->w.cfg);
	if (d->loop != NULL)
		g_main_loop_unref(d->loop);
}

static void
usage(void)
{
	fprintf(stderr, "usage: moim-web [-c FILE] [-f] [-v]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct webd d = {.fd = -1};
	const char *conf = config_default_path();
	bool fg = false, verbose = false;
	struct web_http *h;
	GError *e = NULL;
	int c;

	while ((c = getopt(argc, argv, "c:fv")) != -1) {
		if (c == 'c')
			conf = optarg;
		else if (c == 'f')
			fg = true;
		else if (c == 'v')
			verbose = true;
		else
			usage();
	}
	privs_umask();
	log_open("moim-web", fg);
	log_set_verbose(verbose);
	d.w.cfg = config_load(conf, &e);
	if (d.w.cfg == NULL || !pre_drop_init(&d, &e) ||
	    !privs_drop(d.w.cfg->user, d.w.cfg->group, &e) ||
	    !post_drop_init(&d, &e) ||
	    (h = web_http_start(&d.w, d.fd, &e)) == NULL) {
		fprintf(stderr, "moim-web: %s\n", e->message);
		log_error("fatal: %s", e->message);
		g_error_free(e);
		release(&d);
		return 1;
	}
	d.fd = -1; /* the server's now; it closes it */
	d.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_stop, &d);
	g_unix_signal_add(SIGINT, on_stop, &d);
	g_unix_signal_add(SIGHUP, on_hup, NULL);
	log_info("ready: listen=%s threads=%d", d.w.cfg->web_listen,
	    d.w.cfg->web_threads);
	g_main_loop_run(d.loop);
	web_http_stop(h);
	release(&d);
	log_info("stopped");
	return 0;
}
