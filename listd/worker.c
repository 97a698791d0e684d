/*
 * worker - this moim-listd among the workers sharing one database: its
 * lease, the claims of workers that died, who runs the timers
 *
 * See worker.h. The lease is renewed by its own thread, so a long send
 * or a long job never lets it run out; the other threads only read
 * what this thread last learnt.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "worker.h"

/* now_s - the real time in seconds */
static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* lease_s - the lease in force, seconds */
static gint64
lease_s(struct listd *d)
{
	return listd_cfg(d)->worker_lease;
}

/* host_key - this host and PID namespace in one word: the host name,
 * the kernel's boot id and the PID namespace, so that a process id
 * means one process; *is_local_out false when part of it is unknown
 * (then no other worker is judged by its process id) */
static char *
host_key(bool *is_local_out)
{
	g_autofree char *boot = NULL;
	g_autofree char *ns = g_file_read_link("/proc/self/ns/pid", NULL);

	*is_local_out = g_file_get_contents("/proc/sys/kernel/random/boot_id",
			    &boot, NULL, NULL) &&
	    ns != NULL;
	if (!*is_local_out)
		return g_strdup(g_get_host_name());
	return g_strdup_printf(
	    "%s boot=%s %s", g_get_host_name(), g_strstrip(boot), ns);
}

/* is_gone - whether a worker of this host and PID namespace is a
 * process that no longer exists (or is this one, started again) */
static bool
is_gone(const struct store_worker *w, const char *key)
{
	if (strcmp(w->host, key) != 0 || w->pid <= 0 || w->pid > G_MAXINT)
		return false;
	if (w->pid == (gint64)getpid())
		return true;
	return kill((pid_t)w->pid, 0) != 0 && errno == ESRCH;
}

/* end_gone - end the leases of this host's workers whose process died */
static bool
end_gone(struct store *s, gint64 self, GError **err)
{
	bool is_local;
	g_autofree char *key = host_key(&is_local);
	GPtrArray *ws;
	bool ok = true;

	if (!is_local)
		return true;
	ws = store_worker_list(s, err);
	if (ws == NULL)
		return false;
	for (guint i = 0; ok && i < ws->len; i++) {
		const struct store_worker *w = ws->pdata[i];

		if (w->id == self || w->lease_until == 0 || !is_gone(w, key))
			continue;
		log_info("worker: id=%" G_GINT64_FORMAT " pid=%" G_GINT64_FORMAT
			 " of this host is gone; its claims go back",
		    w->id, w->pid);
		ok = store_worker_end(s, w->id, err);
	}
	g_ptr_array_unref(ws);
	return ok;
}

/* set_state - what the other threads read, under the lock */
static void
set_state(struct listd *d, gint64 id, gint64 valid, bool is_timer_worker)
{
	g_mutex_lock(&d->lock);
	d->worker_id = id;
	d->worker_valid = valid;
	d->is_timer_worker = is_timer_worker;
	g_mutex_unlock(&d->lock);
}

/* register_self - a new workers row for this process */
static bool
register_self(struct listd *d, struct store *s, gint64 *id_out, GError **err)
{
	bool is_local;
	g_autofree char *key = host_key(&is_local);
	gint64 now = now_s();

	return store_worker_add(
	    s, key, (gint64)getpid(), now, now + lease_s(d), id_out, err);
}

/* reap - give back the claims of workers whose lease ran out, and wake
 * the threads when some came back; which worker runs the timers */
static bool
reap(struct listd *d, struct store *s, gint64 self, bool *is_first_out,
    GError **err)
{
	gint64 now = now_s(), freed = 0, first;

	if (!store_worker_reap(s, now, &freed, err))
		return false;
	if (freed > 0) {
		log_info("worker: %" G_GINT64_FORMAT
			 " claims of workers no longer heard from go back",
		    freed);
		listd_kick(d);
	}
	first = store_worker_first(s, now, err);
	*is_first_out = first == self;
	return first >= 0;
}

/* worker_start - register, take back what this host's dead workers held */
bool
worker_start(struct listd *d, struct store *s, GError **err)
{
	gint64 mono = g_get_monotonic_time(), id = 0;
	bool is_first = false;

	if (!register_self(d, s, &id, err) || !end_gone(s, id, err) ||
	    !reap(d, s, id, &is_first, err))
		return false;
	set_state(d, id, mono + lease_s(d) * G_USEC_PER_SEC / 2, is_first);
	log_info("worker: id=%" G_GINT64_FORMAT " lease=%" G_GINT64_FORMAT
		 "s%s",
	    id, lease_s(d), is_first ? " timers=yes" : "");
	return true;
}

/* renew - one beat: the lease renewed (or a new id when it ran out),
 * the dead workers' claims back, the timer worker known */
static bool
renew(struct listd *d, struct store *s, GError **err)
{
	gint64 mono = g_get_monotonic_time(), now = now_s(), id;
	bool renewed = false, is_first = false, was_first;

	g_mutex_lock(&d->lock);
	id = d->worker_id;
	was_first = d->is_timer_worker;
	g_mutex_unlock(&d->lock);
	if (!store_worker_renew(s, id, now, now + lease_s(d), &renewed, err))
		return false;
	if (!renewed) {
		gint64 old = id;

		/* Too long out of reach: what we held is the others' now. */
		if (!register_self(d, s, &id, err))
			return false;
		set_state(d, id, mono + lease_s(d) * G_USEC_PER_SEC / 2, false);
		log_warn("worker: the lease of id=%" G_GINT64_FORMAT
			 " ran out; working on as id=%" G_GINT64_FORMAT,
		    old, id);
	}
	if (!reap(d, s, id, &is_first, err))
		return false;
	set_state(d, id, mono + lease_s(d) * G_USEC_PER_SEC / 2, is_first);
	if (is_first && !was_first) {
		log_info("worker: id=%" G_GINT64_FORMAT " runs the timers", id);
		listd_kick(d);
	}
	return true;
}

/* is_registered - whether this process has a workers row (start-up
 * skips registering while the database is out of reach) */
static bool
is_registered(struct listd *d)
{
	bool is;

	g_mutex_lock(&d->lock);
	is = d->worker_id != 0;
	g_mutex_unlock(&d->lock);
	return is;
}

/* worker_thread - renew the lease every third of it until stopped */
gpointer
worker_thread(gpointer data)
{
	struct listd *d = data;
	GError *e = NULL;
	/* Tried until the database answers (a start while it is down). */
	struct store *s = listd_store_open(d, "worker");
	guint64 gen = 0;
	bool was_ok = true;

	if (s == NULL)
		return NULL;
	while (!listd_stopping(d)) {
		gint64 at = g_get_monotonic_time() +
		    MAX(lease_s(d) * G_USEC_PER_SEC / 3, G_USEC_PER_SEC);
		/* Not registered yet: the database was down at start. */
		bool was_registered = is_registered(d);
		bool ok =
		    was_registered ? renew(d, s, &e) : worker_start(d, s, &e);

		/* One line when the beat fails, one when it is back. */
		if (!ok && was_ok)
			log_error("worker: lease not renewed: %s", e->message);
		else if (ok && !was_ok)
			log_info("worker: lease renewed again");
		was_ok = ok;
		/* Registered at last: the others may claim now. */
		if (ok && !was_registered)
			listd_kick(d);
		g_clear_error(&e);
		if (!ok)
			at = MIN(at, g_get_monotonic_time() + G_USEC_PER_SEC);
		/* Kicks for other work wake us too: wait out the beat. */
		while (!listd_stopping(d) && g_get_monotonic_time() < at)
			(void)listd_wait_until(d, &gen, at);
	}
	store_close(s);
	return NULL;
}

/* worker_stop - end the lease: what is still claimed goes back now */
void
worker_stop(struct listd *d)
{
	GError *e = NULL;
	struct store *s;
	gint64 freed = 0, id;

	g_mutex_lock(&d->lock);
	id = d->worker_id;
	g_mutex_unlock(&d->lock);
	if (id == 0)
		return;
	s = store_open(listd_cfg(d)->database, STORE_RW, &e);
	if (s == NULL || !store_worker_end(s, id, &e) ||
	    !store_worker_reap(s, now_s(), &freed, &e)) {
		log_warn("worker: id=%" G_GINT64_FORMAT
			 " not ended (its lease will run out): %s",
		    id, e->message);
		g_clear_error(&e);
	}
	store_close(s);
	set_state(d, 0, 0, false);
}

/* worker_id - the id to claim with, 0 while the lease is in doubt */
gint64
worker_id(struct listd *d)
{
	gint64 id;

	g_mutex_lock(&d->lock);
	id = g_get_monotonic_time() < d->worker_valid ? d->worker_id : 0;
	g_mutex_unlock(&d->lock);
	return id;
}

/* worker_holds - whether claims made as owner may be acted on */
enum worker_hold
worker_holds(struct listd *d, gint64 owner)
{
	enum worker_hold h = WORKER_HOLDS;

	g_mutex_lock(&d->lock);
	if (d->worker_id != owner)
		h = WORKER_LOST;
	else if (g_get_monotonic_time() >= d->worker_valid)
		h = WORKER_DOUBT;
	g_mutex_unlock(&d->lock);
	return h;
}

/* worker_runs_timers - whether this worker runs the timers now */
bool
worker_runs_timers(struct listd *d)
{
	bool yes;

	g_mutex_lock(&d->lock);
	yes = d->is_timer_worker && g_get_monotonic_time() < d->worker_valid;
	g_mutex_unlock(&d->lock);
	return yes;
}
