/*
 * moim-listd - the list daemon: LMTP in, lists processed, SMTP out
 *
 * SYNOPSIS
 *	moim-listd [-c FILE] [-f] [-v]
 * DESCRIPTION
 *	Postfix delivers mail for the list domains to moim-listd over LMTP
 *	([listd] lmtp). moim-listd keeps each message in the database before
 *	it answers 250, processes posts, commands, confirmations and
 *	bounces, and sends the copies back through Postfix's relay port
 *	([listd] relay) over [listd] connections parallel SMTP sessions.
 *	-f stays in the foreground and logs to stderr; -v logs debug lines.
 *	SIGTERM and SIGINT finish the copies in flight and exit. SIGHUP
 *	reloads the configuration (see listd.h).
 *
 *	Start-up runs these steps in order: privs_umask() (no access for
 *	others to the files it makes) -> load config (fatal, one line, on
 *	error) -> pre_drop_init() (bind the LMTP socket; as root, make a
 *	missing secret and give it to [moim] user) -> privs_drop() ->
 *	post_drop_init() (read the secret, create or migrate the database,
 *	load the signing keys, check the templates, as the user it runs
 *	as) -> serve. The files
 *	are opened after the drop, not before as STYLE.md §2 has it: a
 *	database created as root is one the daemon then cannot write, and a
 *	file the daemon's user cannot read or write must stop the start
 *	(one line naming the user and the path) rather than every delivery.
 * SEE ALSO
 *	RFC 2033 (LMTP), RFC 5321, ../shared/SPEC.md
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "fanout.h"
#include "ingress.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "privs.h"
#include "process.h"
#include "sign.h"
#include "store.h"
#include "worker.h"

/* on_reload - SIGHUP: put the configuration file in force again */
static gboolean
on_reload(gpointer data)
{
	struct listd *d = data;
	struct moim_config *old = listd_cfg(d), *c;
	const struct config_key_info *key;
	GError *e = NULL;

	c = config_load(d->cfg_path, &e);
	if (c == NULL) {
		log_error(
		    "reload: %s; the running configuration stays", e->message);
		g_error_free(e);
		return G_SOURCE_CONTINUE;
	}
	if ((key = config_restart_key(old, c)) != NULL) {
		log_error("reload: %s: [%s] %s changed, which takes a restart;"
			  " the running configuration stays",
		    d->cfg_path, key->group, key->key);
		config_unref(c);
		return G_SOURCE_CONTINUE;
	}
	g_ptr_array_add(d->retired, old);
	g_atomic_pointer_set(&d->cfg, c);
	log_info("reload: %s in force", d->cfg_path);
	listd_kick(d);
	return G_SOURCE_CONTINUE;
}

/* on_db_change - another connection wrote the database (its WAL file):
 * wake the processor, whose timers may have work (a moderator's
 * decision, a changed digest_time, an event changed by moimctl) */
static void
on_db_change(GFileMonitor *m, GFile *f, GFile *other, GFileMonitorEvent ev,
    gpointer data)
{
	(void)m;
	(void)f;
	(void)other;
	if (ev == G_FILE_MONITOR_EVENT_CHANGED ||
	    ev == G_FILE_MONITOR_EVENT_CREATED)
		listd_kick(data);
}

/* watch_database - have changes to the database's WAL file wake the
 * processor (GLib limits that to about once a second); without the
 * watch, such changes are seen within the processor's longest sleep */
static void
watch_database(struct listd *d)
{
	g_autofree char *path = NULL;
	GFile *f;
	GError *e = NULL;

	/* A PostgreSQL database has no file here to watch. */
	if (db_spec_is_postgresql(d->cfg->database))
		return;
	path = g_strconcat(d->cfg->database, "-wal", NULL);
	f = g_file_new_for_path(path);
	d->db_watch = g_file_monitor_file(f, G_FILE_MONITOR_NONE, NULL, &e);
	g_object_unref(f);
	if (d->db_watch == NULL) {
		log_warn("database %s: not watched: %s", path, e->message);
		g_error_free(e);
		return;
	}
	g_signal_connect(d->db_watch, "changed", G_CALLBACK(on_db_change), d);
}

/* make_kick_fd - the descriptor listd_kick() writes, so that the
 * processor can wait for kicks and its database's notifications in one
 * poll(); without it (it cannot be made) the processor polls instead */
static void
make_kick_fd(struct listd *d)
{
	d->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kick_fd < 0)
		log_warn("eventfd: %s", g_strerror(errno));
	d->has_kick_fd = d->kick_fd >= 0;
}

/* on_dns_answer - a DNS answer asked ahead came in: a job may wait for
 * it (lib/dns's threads call this) */
static void
on_dns_answer(void *data)
{
	listd_kick(data);
}

static gboolean
on_signal(gpointer data)
{
	struct listd *d = data;

	log_info("stopping");
	g_mutex_lock(&d->lock);
	d->stopping = true;
	g_mutex_unlock(&d->lock);
	listd_kick(d);
	return G_SOURCE_CONTINUE;
}

/* give_new_secret - as root, make a missing secret for [moim] user, as
 * "moimctl secret --owner" does: the directory (by default /etc/moim)
 * is often one that user cannot write */
static bool
give_new_secret(const struct moim_config *cfg, GError **err)
{
	struct stat st;
	bool created;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || lstat(cfg->secret_file, &st) == 0 ||
	    errno != ENOENT)
		return true;
	return privs_ids(cfg->user, cfg->group, &uid, &gid, err) &&
	    token_key_ensure(cfg->secret_file, uid, gid, &created, err);
}

/* pre_drop_init - what needs the privileges we start with */
static bool
pre_drop_init(struct listd *d, GError **err)
{
	g_autofree char *path = NULL;

	d->dmarc = dmarc_new(d->cfg->dns_server, d->cfg->dns_timeout, err);
	if (d->dmarc == NULL)
		return false;
	dns_set_notify(dmarc_dns(d->dmarc), on_dns_answer, d);
	if (!config_parse_endpoint(
		d->cfg->relay, &d->relay_host, &d->relay_port, &path, err))
		return false;
	return give_new_secret(d->cfg, err) && ingress_start(d, err);
}

/* is_unreachable - whether a failed open is a PostgreSQL server out of
 * reach (temporary), not a setting to fix */
static bool
is_unreachable(const struct moim_config *c, const GError *e)
{
	return db_spec_is_postgresql(c->database) &&
	    g_error_matches(e, MOIM_ERROR, MOIM_ERR_TEMP);
}

/* post_drop_init - open the files as the user we run as; a file that
 * user cannot reach stops the start, naming the user and the path */
static bool
post_drop_init(struct listd *d, GError **err)
{
	const struct moim_config *c = d->cfg;
	struct store *s;

	d->key = token_key_load(c->secret_file, err);
	if (d->key == NULL) {
		(void)privs_blame(
		    err, "[moim] secret_file", c->secret_file, PRIVS_READ);
		return false;
	}
	/* The signing keys: one that cannot be loaded stops the start,
	 * before this process registers as a worker. */
	if (!sign_init(d, err))
		return false;
	/* Create or migrate the schema, register as a worker and take back
	 * the claims a crash of this host's worker left (worker.h). A
	 * PostgreSQL server out of reach is waited for instead: the threads
	 * open the database when it answers (the worker thread registers
	 * then) and LMTP answers 451 meanwhile. */
	s = store_open(c->database, STORE_RW, err);
	if (s == NULL && is_unreachable(c, *err)) {
		log_warn("database: %s; waiting for it", (*err)->message);
		g_clear_error(err);
	} else if (s == NULL || !worker_start(d, s, err)) {
		store_close(s);
		(void)privs_blame(
		    err, "[moim] database", c->database, PRIVS_WRITE);
		return false;
	}
	store_close(s);
	if (access(c->templates, R_OK | X_OK) != 0 && errno == EACCES) {
		moim_fail(err, MOIM_ERR_CONFIG, "templates %s: %s",
		    c->templates, g_strerror(EACCES));
		(void)privs_blame(
		    err, "[moim] templates", c->templates, PRIVS_READ);
		return false;
	}
	return true;
}

/* release - free what main() and the init steps made */
static void
release(struct listd *d)
{
	g_clear_object(&d->db_watch);
	if (d->has_kick_fd)
		(void)close(d->kick_fd);
	g_ptr_array_unref(d->retired);
	dmarc_free(d->dmarc);
	sign_free(d);
	token_key_free(d->key);
	g_free(d->relay_host);
	config_unref(d->cfg);
	g_free(d->cfg_path);
}

static void
usage(void)
{
	fprintf(stderr, "usage: moim-listd [-c FILE] [-f] [-v]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct listd d = {0};
	const char *conf = config_default_path();
	bool fg = false, verbose = false;
	GThread **senders;
	GThread *proc, *beat;
	GError *e = NULL;
	int c, i, n;

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
	log_open("moim-listd", fg);
	log_set_verbose(verbose);
	mime_init();
	g_mutex_init(&d.lock);
	g_cond_init(&d.cond);
	make_kick_fd(&d);
	d.cfg = config_load(conf, &e);
	d.cfg_path = g_strdup(conf);
	d.retired =
	    g_ptr_array_new_with_free_func((GDestroyNotify)config_unref);
	if (d.cfg == NULL || !pre_drop_init(&d, &e) ||
	    !privs_drop(d.cfg->user, d.cfg->group, &e) ||
	    !post_drop_init(&d, &e)) {
		fprintf(stderr, "moim-listd: %s\n", e->message);
		log_error("fatal: %s", e->message);
		g_error_free(e);
		ingress_stop(&d);
		worker_stop(&d);
		release(&d);
		return 1;
	}
	g_unix_signal_add(SIGTERM, on_signal, &d);
	g_unix_signal_add(SIGINT, on_signal, &d);
	g_unix_signal_add(SIGHUP, on_reload, &d);
	watch_database(&d);
	n = d.cfg->connections;
	beat = g_thread_new("worker", worker_thread, &d);
	proc = g_thread_new("process", process_thread, &d);
	senders = g_new0(GThread *, n);
	for (i = 0; i < n; i++)
		senders[i] = g_thread_new("fanout", fanout_thread, &d);
	log_info("ready: lmtp=%s relay=%s connections=%d", d.cfg->lmtp,
	    d.cfg->relay, n);
	while (!listd_stopping(&d))
		g_main_context_iteration(NULL, TRUE);
	ingress_stop(&d);
	g_thread_join(proc);
	for (i = 0; i < n; i++)
		g_thread_join(senders[i]);
	g_free(senders);
	g_thread_join(beat);
	worker_stop(&d);
	release(&d);
	log_info("stopped");
	return 0;
}
