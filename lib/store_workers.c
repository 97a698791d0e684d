/*
 * store_workers - moim-listd workers sharing one database, and the
 * owners of their claims
 *
 * Every moim-listd process (a worker) has a row in workers with a lease
 * it renews (store_worker_renew) well before it runs out. What a worker
 * claims (inbound jobs, deliveries) names it as owner. A worker whose
 * lease ran out is dead to the others: store_worker_reap(), which any
 * worker runs now and then, gives its claims back to the queue and
 * removes its row; a renewal after that fails, and the worker must stop
 * acting on what it held and register anew. Only claims go back: a
 * delivery already recorded as sent stays sent, and an inbound job's
 * effects are committed with its "done" mark, so a job is done once.
 *
 * The worker with the lowest id whose lease runs is the one that runs
 * the timers (store_worker_first), so they fire once across workers.
 *
 * Times are the workers' clocks (seconds): hosts sharing a database
 * keep their clocks within a small part of the lease of each other.
 */
#include "store.h"
#include "store_int.h"

/* store_worker_add - a new worker row, leased until lease_until */
bool
store_worker_add(struct store *s, const char *host, gint64 pid, gint64 now,
    gint64 lease_until, gint64 *id_out, GError **err)
{
	*id_out = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO workers (host, pid, started, lease_until)"
		" VALUES (?, ?, ?, ?) RETURNING id",
		"tiii", host, pid, now, lease_until),
	    0, err);
	return *id_out > 0;
}

/* store_worker_renew - move the lease on, unless it ran out before now
 * (then the claims are the others' to take back) */
bool
store_worker_renew(struct store *s, gint64 id, gint64 now, gint64 lease_until,
    bool *renewed_out, GError **err)
{
	gint64 n = sq_int(s,
	    sq_stmt(s, err,
		"UPDATE workers SET lease_until = ?"
		" WHERE id = ? AND lease_until >= ? RETURNING id",
		"iii", lease_until, id, now),
	    0, err);

	*renewed_out = n == id;
	return n >= 0;
}

/* worker_from_row - a workers row */
static gpointer
worker_from_row(struct db_stmt *st)
{
	struct store_worker *w = g_new0(struct store_worker, 1);

	w->id = sq_col_int(st, 0);
	w->host = sq_text(st, 1);
	w->pid = sq_col_int(st, 2);
	w->started = sq_col_int(st, 3);
	w->lease_until = sq_col_int(st, 4);
	return w;
}

/* store_worker_list - every worker row, by id */
GPtrArray *
store_worker_list(struct store *s, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT id, host, pid, started, lease_until FROM workers"
		" ORDER BY id",
		""),
	    worker_from_row, (GDestroyNotify)store_worker_free, err);
}

/* store_worker_end - end a worker's lease: its claims go back at the
 * next reap */
bool
store_worker_end(struct store *s, gint64 id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE workers SET lease_until = 0 WHERE id = ?",
		"i", id),
	    err);
}

/* store_worker_reap - give back the claims of every worker not alive
 * at now (and claims naming no worker), and remove those workers */
bool
store_worker_reap(struct store *s, gint64 now, gint64 *freed_out, GError **err)
{
	gint64 freed = 0;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
	    sq_stmt(s, err,
		"UPDATE deliveries SET state = 0, owner = NULL"
		" WHERE state = 1 AND (owner IS NULL OR NOT EXISTS"
		" (SELECT 1 FROM workers w WHERE w.id = deliveries.owner"
		" AND w.lease_until >= ?))",
		"i", now),
	    err);
	if (ok) {
		freed += sq_changes(s);
		ok = sq_done(s,
		    sq_stmt(s, err,
			"UPDATE inbound SET owner = NULL"
			" WHERE state = 0 AND owner IS NOT NULL AND NOT EXISTS"
			" (SELECT 1 FROM workers w WHERE w.id = inbound.owner"
			" AND w.lease_until >= ?)",
			"i", now),
		    err);
	}
	if (ok) {
		freed += sq_changes(s);
		ok = sq_done(s,
		    sq_stmt(s, err, "DELETE FROM workers WHERE lease_until < ?",
			"i", now),
		    err);
	}
	if (ok)
		*freed_out = freed;
	return sq_end(s, ok, err);
}

/* store_worker_first - the lowest id of a worker alive at now, 0 for
 * none: the worker that runs the timers */
gint64
store_worker_first(struct store *s, gint64 now, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT coalesce(min(id), 0) FROM workers"
		" WHERE lease_until >= ?",
		"i", now),
	    0, err);
}

void
store_worker_free(struct store_worker *w)
{
	if (w == NULL)
		return;
	g_free(w->host);
	g_free(w);
}
