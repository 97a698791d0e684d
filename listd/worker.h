/*
 * worker - this moim-listd among the workers sharing one database
 *
 * SYNOPSIS
 *	bool worker_start(struct listd *d, struct store *s, GError **err);
 *	gpointer worker_thread(gpointer data);
 *	void worker_stop(struct listd *d);
 *	gint64 worker_id(struct listd *d);
 *	enum worker_hold worker_holds(struct listd *d, gint64 owner);
 *	bool worker_runs_timers(struct listd *d);
 * DESCRIPTION
 *	Several moim-listd processes may share one database (on PostgreSQL,
 *	on one host or several; on SQLite, on one host). Each is a worker
 *	with a row and a lease of [listd] worker_lease seconds
 *	(lib/store_workers.c); what it claims carries its id.
 *
 *	worker_start() (at start-up, before the threads) registers this
 *	process, ends the leases of workers of this same host whose process
 *	is gone (a restart after a crash takes its claims back at once, as
 *	a single worker always did), gives their claims back and tells
 *	whether this worker runs the timers. worker_thread() (data: struct
 *	listd) renews the lease every third of it, gives back the claims of
 *	workers whose lease ran out, and follows which worker runs the
 *	timers (the lowest id alive); when its own lease ran out (the
 *	database was out of reach too long) it registers again under a new
 *	id. worker_stop() (at exit, after the other threads) ends the
 *	lease, giving back what is still claimed.
 *
 *	worker_id() is the id to claim with, or 0 while the lease is in
 *	doubt: not renewed for half of it, so that the others, who take
 *	over only after all of it, never act on the same claim (with
 *	clocks within half a lease of each other). worker_holds() says
 *	whether claims made as owner may still be acted on: WORKER_HOLDS,
 *	WORKER_DOUBT (wait: the lease may yet be renewed) or WORKER_LOST
 *	(registered again: drop them, another worker will take them).
 *	worker_runs_timers() is true for the one worker that runs the
 *	timers, while its lease holds.
 * THREADS
 *	Any thread; the state is under struct listd's lock.
 */
#ifndef MOIM_WORKER_H
#define MOIM_WORKER_H

#include "listd.h"
#include "store.h"

enum worker_hold { WORKER_HOLDS, WORKER_DOUBT, WORKER_LOST };

bool worker_start(struct listd *d, struct store *s, GError **err);
gpointer worker_thread(gpointer data);
void worker_stop(struct listd *d);
gint64 worker_id(struct listd *d);
enum worker_hold worker_holds(struct listd *d, gint64 owner);
bool worker_runs_timers(struct listd *d);

#endif
