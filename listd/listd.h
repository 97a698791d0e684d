/*
 * listd - moim-listd's shared state and the entry points of its parts
 *
 * SYNOPSIS
 *	struct moim_config *listd_cfg(struct listd *d);
 *	void listd_kick(struct listd *d);
 *	bool listd_wait(struct listd *d, guint64 *seen_gen, int max_ms);
 *	bool listd_wait_fd_until(struct listd *d, guint64 *seen_gen,
 *	    gint64 until, int fd);
 *	bool listd_stopping(struct listd *d);
 *	struct store *listd_store_open(struct listd *d, const char *who);
 * DESCRIPTION
 *	moim-listd takes list mail from Postfix over LMTP (ingress), keeps it
 *	in the database before answering 250, works through it in one
 *	processor thread (process: posts, commands, confirmations, bounces),
 *	and sends the resulting copies through the relay over [listd]
 *	connections parallel SMTP sessions (fanout). Threads share only this
 *	struct; each has its own database connection. main.c fills it and
 *	starts the threads (ingress.h, process.h, fanout.h); listd.c holds
 *	the functions every thread calls on it.
 *
 *	listd_kick() wakes the processor and senders when new work was
 *	committed. The senders also wake every second for retries; the
 *	processor sleeps until its next timer is due (a delivery retry of
 *	an inbound job, a digest, a reminder, an expiry), a kick (LMTP
 *	ingress, a DNS answer asked ahead, a reload, a write to the
 *	database's WAL file by another connection: moimctl, moim-web; on
 *	PostgreSQL, a notification on its connection) or at most a minute.
 *	listd_wait_until() waits until a monotonic time;
 *	listd_wait_fd_until() also until fd is readable (then true), for
 *	one thread only (the processor): it polls the kick descriptor that
 *	main() makes (has_kick_fd) along with fd.
 *
 *	listd_store_open() is a thread's own read-write database connection:
 *	while the database cannot be opened (PostgreSQL down when moim-listd
 *	starts) it tries again with a back-off from LISTD_OPEN_MIN_MS
 *	doubling to LISTD_OPEN_MAX_MS, logging one line (prefixed who) when
 *	that starts and one when it ends; NULL only when moim-listd stops
 *	meanwhile. LMTP answers 451 in that time (ingress.c).
 *
 *	listd_cfg() is the configuration in force. SIGHUP loads the file
 *	again and puts the new one in force for the next use, unless it is
 *	bad or changes a key that only a restart can (restart_keys in
 *	main.c): then the running one stays and the log says why. Templates are
 *read when they are used, so a reload is not needed for them. Configurations
 *once in force stay allocated until exit: a thread may still be reading one.
 * THREADS
 *	Fields are written before the threads start, except those under
 *	lock.
 */
#ifndef MOIM_LISTD_H
#define MOIM_LISTD_H

#include <gio/gio.h>
#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "dkim.h"
#include "dmarc.h"
#include "token.h"

struct store;

struct listd {
	struct moim_config *cfg; /* read with listd_cfg() */
	GPtrArray *retired; /* configurations replaced by a reload */
	char *cfg_path;
	struct token_key *key;
	struct dmarc *dmarc; /* authors' DMARC policies, cached; its
			      * resolver fetches ARC keys too (sign.c) */
	struct dkim_key *arc_key; /* [listd] arc_key, or NULL */
	struct dkim_key *dkim_key; /* [listd] dkim_key, or NULL */
	struct dkim_key *ed25519_key; /* [listd] dkim_ed25519_key, or NULL */
	GSocketService *service;
	GFileMonitor *db_watch; /* the WAL file; wakes the processor */
	char *lmtp_path; /* the unix socket we made, removed on exit */
	char *relay_host;
	int relay_port;

	/* The digest timer's memory (process thread only, digest.c): when
	 * the next digest is due (0: look again) and the database version
	 * and configuration that time was found with. */
	gint64 digest_next;
	gint64 digest_version;
	const struct moim_config *digest_cfg;

	GMutex lock;
	GCond cond;
	/* This process as a worker (worker.c), under lock. */
	gint64 worker_id; /* its workers row */
	gint64 worker_valid; /* monotonic time its lease is sure until */
	bool is_timer_worker; /* the worker that runs the timers */
	struct fanout_marks *marks; /* fanout.c's senders' shared commits */
	int marks_refs; /* senders using marks, under lock */
	guint64 gen; /* bumped by listd_kick() */
	int kick_fd; /* eventfd written by listd_kick(), if has_kick_fd */
	bool has_kick_fd;
	bool stopping; /* SIGTERM: finish what is in hand and exit */
};

struct moim_config *listd_cfg(struct listd *d);
void listd_kick(struct listd *d);
bool listd_wait(struct listd *d, guint64 *seen_gen, int max_ms);
bool listd_wait_until(struct listd *d, guint64 *seen_gen, gint64 until);
bool listd_wait_fd_until(
    struct listd *d, guint64 *seen_gen, gint64 until, int fd);
bool listd_stopping(struct listd *d);
struct store *listd_store_open(struct listd *d, const char *who);

#endif
