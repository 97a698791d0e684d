/*
 * moim-milter - the SMTP-time gatekeeper of the list domains
 *
 * SYNOPSIS
 *	moim-milter [-c FILE] [-f] [-v]
 * DESCRIPTION
 *	Postfix's smtpd calls moim-milter ([milter] socket) for every SMTP
 *	transaction. Mail for domains that are not list domains passes
 *	without a database access; list mail is judged while the client is
 *	still connected (unknown addresses, posting rights, size, rate,
 *	loops, DMARC holds; see policy.h and moim-milter(8)), so moim never
 *	sends backscatter. The database is read only, through a pool of
 *	read-only connections (cache.h); changes by moimctl and moim-listd
 *	are seen at once on SQLite, within [milter] cache_ms on PostgreSQL.
 *	While the database cannot be reached every list-domain transaction
 *	is answered 451 4.3.0, and the next one after it is back is served
 *	again, without a restart. Like moim-listd it never detaches (a service
 *	manager runs it); -f logs to stderr instead of syslog, -v logs debug
 *	lines. SIGTERM and SIGINT stop it (libmilter's handler).
 *
 *	Start-up runs these steps in order: privs_umask() -> load config
 *	(fatal, one line, on error) -> pre_drop_init() (bind the socket,
 *	born with mode 0660 and group [milter] socket_group, a stale socket
 *	file or a symbolic link in its place removed: privs_socket()) ->
 *	privs_drop() -> post_drop_init() (a SQLite database that exists is
 *	opened once as the user we run as: a database that user cannot read
 *	stops the start, naming the user and the path; a PostgreSQL database
 *	is opened once too, and one that cannot be reached only logs a
 *	warning, since it may come back while we serve) -> smfi_main().
 *
 *	libmilter makes the socket itself (smfi_opensocket()) and changes
 *	nothing on it afterwards; privs_socket() removes what was at the
 *	path first (so libmilter's own removal, which follows a symbolic
 *	link to tell a socket, is not used), and the umask and the effective
 *	group in force while libmilter binds give the socket its mode and
 *	group: no chmod or chown by path.
 * OWNERSHIP
 *	main() owns the config; milter_init() takes its own reference.
 * INPUT AND LIMITS
 *	Everything from the MTA is untrusted except what Postfix vouches for
 *	(SASL login); bounds are in lib/limits.h.
 * THREADS
 *	libmilter runs the callbacks on its threads; see callbacks.c.
 * ERRORS
 *	Before serving, any error is fatal with one line on stderr and
 *	exit 1; while serving, any error answers 451 4.3.0.
 * SEE ALSO
 *	moim-milter(8), moim.conf(5), policy.h, milter.h
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "milter.h"
#include "privs.h"
#include "store.h"

/* open_socket - libmilter binds and listens on [milter] socket */
static bool
open_socket(void *data, GError **err)
{
	const struct moim_config *cfg = data;

	/* false: privs_socket() removed a stale unix socket already */
	if (smfi_opensocket(false) != MI_SUCCESS)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[milter] socket %s: cannot listen (in use, or no "
		    "permission)",
		    cfg->milter_socket);
	return true;
}

/* pre_drop_init - bind the socket while we may still be root */
static bool
pre_drop_init(struct moim_config *cfg, GError **err)
{
	g_autofree char *path = NULL;

	if (!config_parse_endpoint(cfg->milter_socket, NULL, NULL, &path, err))
		return false;
	if (smfi_setconn(cfg->milter_socket) != MI_SUCCESS ||
	    smfi_register(*milter_desc()) != MI_SUCCESS)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[milter] socket %s: libmilter refused it",
		    cfg->milter_socket);
	(void)smfi_setbacklog(128); /* the default is small for a busy MX */
	if (path == NULL)
		return open_socket(cfg, err);
	return privs_socket(path, cfg->milter_socket_group,
	    "[milter] socket_group", open_socket, cfg, err);
}

/* check_pg - open a PostgreSQL database once: one that cannot be
 * reached, or whose schema moim-listd has not made yet, is told in the
 * log and each session answers 451 until it can be used */
static void
check_pg(const struct moim_config *cfg)
{
	GError *e = NULL;
	struct store *s = store_open(cfg->database, STORE_RO, &e);

	if (s == NULL)
		log_warn("%s (answering 451 4.3.0 until it can be used)",
		    e->message);
	g_clear_error(&e);
	store_close(s);
}

/* post_drop_init - what runs as the unprivileged user */
static bool
post_drop_init(struct moim_config *cfg, GError **err)
{
	struct store *s;

	if (db_spec_is_postgresql(cfg->database))
		check_pg(cfg);
	/* A SQLite database not made yet is fine: moim-listd makes it. */
	else if (access(cfg->database, F_OK) == 0 || errno != ENOENT) {
		s = store_open(cfg->database, STORE_RO, err);
		if (s == NULL &&
		    privs_blame(
			err, "[moim] database", cfg->database, PRIVS_READ))
			return false;
		if (s == NULL) {
			/* Not about access (an old schema moim-listd is
			 * about to migrate): each session says so. */
			log_warn("%s", (*err)->message);
			g_clear_error(err);
		}
		store_close(s);
	}
	return milter_init(cfg, err);
}

static void
usage(void)
{
	fprintf(stderr, "usage: moim-milter [-c FILE] [-f] [-v]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf = config_default_path();
	struct moim_config *cfg;
	bool fg = false, verbose = false;
	GError *e = NULL;
	int c, rc;

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
	if (optind != argc)
		usage();
	privs_umask();
	log_open("moim-milter", fg);
	log_set_verbose(verbose);
	cfg = config_load(conf, &e);
	if (cfg == NULL || !pre_drop_init(cfg, &e) ||
	    !privs_drop(cfg->user, cfg->group, &e) ||
	    !post_drop_init(cfg, &e)) {
		fprintf(stderr, "moim-milter: %s\n", e->message);
		log_error("fatal: %s", e->message);
		g_error_free(e);
		milter_shutdown();
		config_unref(cfg);
		return 1;
	}
	log_info("ready: socket=%s", cfg->milter_socket);
	rc = smfi_main();
	milter_shutdown();
	config_unref(cfg);
	log_info("stopped");
	return rc == MI_SUCCESS ? 0 : 1;
}
