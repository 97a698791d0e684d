/*
 * process - moim-listd's processor: inbound jobs to effects, exactly once
 *
 * One thread takes the jobs the LMTP ingress queued, oldest first. For
 * each: parse the message once (bounded, lib/mime), resolve the
 * recipient to a list and a kind, note the facts every handler needs
 * (From, auto-reply, loop), and run the handler inside one transaction
 * that also marks the job done. A temporary failure (database busy)
 * rolls back and retries the job later, up to MOIM_MAX_JOB_TRIES tries;
 * then the job is marked failed and the list's owners get a notice with
 * the message attached. A message that cannot be read is still handled
 * (held or ignored), never lost.
 *
 * A post whose DNS answers (DMARC, ARC keys; prefetch.c) are not cached
 * yet waits, at most twice [listd] dns_timeout, while later jobs go on.
 * Between passes the thread runs the timers and sleeps until the next
 * is due, a kick comes (listd_kick()), another connection commits a
 * change (SQLite: main.c's WAL file watch kicks; PostgreSQL: a
 * notification on the thread's connection, store_change_fd()), or
 * PROCESS_MAX_SLEEP passed. The thread's own commits wake nothing, so
 * an idle moim-listd stays asleep on either engine. Only when no such
 * descriptor can be had (PostgreSQL out of reach) does it read the
 * change counter every second instead. The database is opened when it
 * answers (listd_store_open()): a start while it is down waits for it.
 *
 * Several workers (worker.h): the jobs are claimed, PROCESS_BATCH at a
 * time, as this worker's; a job's transaction first checks that it is
 * still this worker's and not done, so that each job is done once even
 * when a lease ran out meanwhile. Only the worker that runs the timers
 * (the lowest id alive) runs them, so each fires once.
 */
#include <string.h>

#include "bounce.h"
#include "db.h"
#include "digest.h"
#include "err.h"
#include "event.h"
#include "job.h"
#include "limits.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "moderate.h"
#include "notice.h"
#include "owner.h"
#include "post.h"
#include "prefetch.h"
#include "process.h"
#include "rawhdr.h"
#include "request.h"
#include "rsvp.h"
#include "webact.h"
#include "worker.h"

#define PROCESS_BATCH 16
/* Jobs that may wait for DNS answers at once; more run at once, and
 * look up what they need themselves. */
#define PROCESS_MAX_WAITING 64
/* Seconds the loop sleeps at most: what no wake-up reaches (a change by
 * another program on a database whose file is not watched, a table that
 * notifies no one) is seen within this. */
#define PROCESS_MAX_SLEEP 60

/* A job's message and recipient as may_run() read them, for job_run()
 * to take rather than read and resolve them again: one job's at a
 * time, dropped when another job is read or this one runs. */
struct job_read {
	gint64 id; /* the inbound job's id; 0: nothing kept */
	GBytes *raw; /* NULL: the message is gone */
	bool has_rcpt; /* the recipient parsed (and t resolved) */
	struct rcpt_target t;
};

/* read_clear - drop what r keeps */
static void
read_clear(struct job_read *r)
{
	g_clear_pointer(&r->raw, g_bytes_unref);
	rcpt_target_clear(&r->t);
	*r = (struct job_read){0};
}

/* read_job - in's message, and its recipient resolved, into r; false
 * (r empty) when the database failed */
static bool
read_job(struct store *s, const struct store_inbound *in, struct job_read *r,
    GError **err)
{
	struct addr *rcpt = NULL;
	bool ok = true;

	read_clear(r);
	if (!store_inbound_raw(s, in->msg_id, &r->raw, err))
		return false;
	if (r->raw != NULL &&
	    addr_parse_path(in->rcpt, strlen(in->rcpt), &rcpt, NULL) &&
	    rcpt != NULL) {
		r->has_rcpt = true;
		ok = rcpt_resolve(
		    s, addr_local(rcpt), addr_domain(rcpt), &r->t, err);
	}
	addr_free(rcpt);
	if (!ok) {
		read_clear(r);
		return false;
	}
	r->id = in->id;
	return true;
}

/* job_dispatch - the handler for the recipient's kind */
static bool
job_dispatch(struct job *j, GError **err)
{
	switch (j->t.kind) {
	case RCPT_POST:
		return post_handle(j, err);
	case RCPT_OWNER:
		return owner_handle(j, err);
	case RCPT_BOUNCES:
		return bounce_handle(j, err);
	case RCPT_RSVP:
		return rsvp_handle(j, err);
	default:
		return request_handle(j, err);
	}
}

/* job_begin - start the job's transaction; *is_mine_out false (and no
 * transaction left open) when the job is no longer this worker's to do:
 * another worker did it, or took it over after this one's lease ran
 * out. Transactions take turns, so two workers never both do a job. */
static bool
job_begin(struct job *j, bool *is_mine_out, GError **err)
{
	if (!store_begin(j->s, err))
		return false;
	if (!store_inbound_owned(
		j->s, j->in->id, j->in->owner, is_mine_out, err)) {
		store_rollback(j->s);
		return false;
	}
	if (!*is_mine_out) {
		store_rollback(j->s);
		j->result = "taken-over";
	}
	return true;
}

/* job_run - resolve and handle one job inside a transaction; r holds
 * the job's message and recipient when may_run() read them */
static bool
job_run(struct job *j, struct job_read *r, GError **err)
{
	GError *perr = NULL;
	gsize len;
	const char *raw;
	bool ok, is_mine, has_rcpt;

	if (r->id != j->in->id && !read_job(j->s, j->in, r, err))
		return false;
	j->raw = g_steal_pointer(&r->raw);
	j->t = r->t;
	has_rcpt = r->has_rcpt;
	*r = (struct job_read){0};
	if (j->raw == NULL || !has_rcpt) {
		j->result = "nothing to do";
		return store_inbound_done(j->s, j->in->id, j->result, err);
	}
	if (j->t.list == NULL) {
		j->result = "list gone";
		return store_inbound_done(j->s, j->in->id, j->result, err);
	}
	raw = g_bytes_get_data(j->raw, &len);
	j->msg = mime_parse(raw, len, &perr);
	if (j->msg == NULL)
		log_warn("process: id=%" G_GINT64_FORMAT " unreadable: %s",
		    j->in->msg_id, perr->message);
	g_clear_error(&perr);
	job_facts(j, j->in->mail_from);
	if (!job_begin(j, &is_mine, err))
		return false;
	if (!is_mine)
		return true;
	ok = job_dispatch(j, err) &&
	    store_inbound_done(j->s, j->in->id, j->result, err) &&
	    store_commit(j->s, err);
	if (!ok)
		store_rollback(j->s);
	return ok;
}

/* is_permanent - whether a job's failure would only repeat on a retry:
 * its input or the list's policy refused it, not the database or I/O */
static bool
is_permanent(const GError *e)
{
	return g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT) ||
	    g_error_matches(e, MOIM_ERROR, MOIM_ERR_POLICY);
}

/* job_give_up - a job that failed for good: a post is held for the
 * moderators, anything else is marked failed, in one transaction; false
 * when even that failed (the job is then retried) */
static bool
job_give_up(struct job *j, const GError *why, GError **err)
{
	bool ok, is_mine;

	log_error("process: id=%" G_GINT64_FORMAT " rcpt=%s: %s: giving up",
	    j->in->msg_id, j->in->rcpt, why->message);
	if (!job_begin(j, &is_mine, err))
		return false;
	if (!is_mine)
		return true;
	j->result = "failed";
	/* The reason is ours: the error's text may quote the input. */
	ok = (j->t.kind != RCPT_POST || j->t.list == NULL ||
		 moderate_hold(j, "moim could not process the message", err)) &&
	    store_inbound_done(j->s, j->in->id, j->result, err) &&
	    store_commit(j->s, err);
	if (!ok)
		store_rollback(j->s);
	return ok;
}

/* failure_text - an error's message for the owners: one line of at most
 * 200 bytes without controls (it may quote the input) */
static char *
failure_text(const GError *why)
{
	char *s = g_utf8_make_valid(why->message, -1);

	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (strlen(s) > 200) {
		const char *end = g_utf8_find_prev_char(s, s + 200);

		s[end != NULL ? end - s : 0] = '\0';
	}
	return s;
}

/* tell_abandoned - the owners get the job's message and why it failed */
static bool
tell_abandoned(struct job *j, const GError *why, GError **err)
{
	GHashTable *v = notice_vars(j, "");
	bool ok;

	g_hash_table_insert(v, "recipient", g_strdup(j->in->rcpt));
	g_hash_table_insert(
	    v, "message_id", g_strdup(j->message_id ? j->message_id : "-"));
	g_hash_table_insert(
	    v, "subject", g_strdup(j->subject ? j->subject : "-"));
	g_hash_table_insert(
	    v, "tries", g_strdup_printf("%d", j->in->tries + 1));
	g_hash_table_insert(v, "reason", failure_text(why));
	ok = notice_owners(j, "job-failed", v, j->msg, err);
	g_hash_table_unref(v);
	return ok;
}

/* job_abandon_once - mark the job failed, telling the owners when
 * is_told; false when that failed (rolled back) */
static bool
job_abandon_once(struct job *j, const GError *why, bool is_told, GError **err)
{
	bool ok, is_mine;

	if (!job_begin(j, &is_mine, err))
		return false;
	if (!is_mine)
		return true;
	j->result = "failed";
	ok = (!is_told || j->t.list == NULL || tell_abandoned(j, why, err)) &&
	    store_inbound_done(j->s, j->in->id, j->result, err) &&
	    store_commit(j->s, err);
	if (!ok)
		store_rollback(j->s);
	return ok;
}

/* job_abandon - a job that failed MOIM_MAX_JOB_TRIES times: marked
 * failed, with a notice to the list's owners when one can be made (the
 * fault may be in making notices too); false only when the database
 * could not even mark it, and then it is tried again */
static bool
job_abandon(struct job *j, const GError *why)
{
	GError *e = NULL;
	bool ok;

	log_error("process: id=%" G_GINT64_FORMAT " rcpt=%s: %s: giving up "
		  "after %d tries",
	    j->in->msg_id, j->in->rcpt, why->message, j->in->tries + 1);
	ok = job_abandon_once(j, why, true, &e);
	if (!ok) {
		log_error("process: id=%" G_GINT64_FORMAT
			  " rcpt=%s: no notice to the owners: %s",
		    j->in->msg_id, j->in->rcpt, e->message);
		g_clear_error(&e);
		ok = job_abandon_once(j, why, false, NULL);
	}
	g_clear_error(&e);
	return ok;
}

/* process_one - run a job; on failure retry it later or give up */
static void
process_one(struct listd *d, struct store *s, const struct store_inbound *in,
    struct job_read *r)
{
	struct job j = {.d = d, .s = s, .in = in, .result = "done"};
	GError *e = NULL;

	j.now = g_get_real_time() / G_USEC_PER_SEC;
	if (job_run(&j, r, &e)) {
		g_autofree char *qid = j.raw == NULL
		    ? g_strdup("-")
		    : rawhdr_queue_id(g_bytes_get_data(j.raw, NULL),
			  g_bytes_get_size(j.raw));

		log_info("process: id=%" G_GINT64_FORMAT " queue=%s rcpt=%s"
			 " kind=%s message-id=%s result=%s",
		    in->msg_id, qid, in->rcpt, rcpt_kind_name(j.t.kind),
		    j.message_id ? j.message_id : "-", j.result);
		listd_kick(d);
	} else if (is_permanent(e) && job_give_up(&j, e, NULL)) {
		listd_kick(d);
	} else if (in->tries + 1 >= MOIM_MAX_JOB_TRIES && job_abandon(&j, e)) {
		listd_kick(d);
	} else {
		log_warn("process: id=%" G_GINT64_FORMAT
			 " rcpt=%s: %s (try %d)",
		    in->msg_id, in->rcpt, e->message, in->tries + 1);
		(void)store_inbound_retry(s, in->id,
		    j.now + MIN(30 << MIN(in->tries, 6), 3600), e->message,
		    NULL);
	}
	g_clear_error(&e);
	job_clear(&j);
}

/* A job whose DNS answers are not in yet (prefetch.c). */
struct waiting {
	gint64 since; /* monotonic microseconds */
	GPtrArray *names;
};

/* The loop's memory (process thread only). */
struct loop {
	GHashTable *waiting; /* job id (gint64 *) -> struct waiting * */
	gint64 timers_next; /* real seconds the next timer is due */
	gint64 timers_last; /* monotonic microseconds of their last run */
	gint64 version; /* store_data_version() before that run */
	const struct moim_config *cfg; /* in force at that run */
	bool is_timer_worker; /* whether that run ran them (worker.h) */
	gint64 owner; /* the worker id the waiting jobs were claimed as */
	guint64 wakeups; /* for the debug log */
	struct job_read read; /* the last job may_run() read */
	bool is_polled; /* no wake-up for others' commits: look every second */
	int change_fd; /* readable on others' commits (PostgreSQL), or -1 */
};

/* waiting_free - free a waiting entry */
static void
waiting_free(gpointer p)
{
	struct waiting *w = p;

	g_ptr_array_unref(w->names);
	g_free(w);
}

/* wait_limit - how long a job waits for its DNS answers: the lookup's
 * timeout, twice, since it may start late when every resolver thread
 * is busy; then it runs and looks up what is missing itself */
static gint64
wait_limit(struct listd *d)
{
	return 2 * (gint64)listd_cfg(d)->dns_timeout * G_TIME_SPAN_MILLISECOND;
}

/* job_names - prefetch_names() for job in, whose message and recipient
 * are read into r for job_run(); none when it is no post or cannot be
 * read (the job then runs and says why) */
static GPtrArray *
job_names(struct listd *d, struct store *s, const struct store_inbound *in,
    struct job_read *r)
{
	GPtrArray *names = NULL;

	if (read_job(s, in, r, NULL) && r->raw != NULL &&
	    in->mail_from[0] != '\0' && r->t.list != NULL &&
	    r->t.kind == RCPT_POST)
		names = prefetch_names(d, r->t.list, in->mail_from,
		    g_bytes_get_data(r->raw, NULL), g_bytes_get_size(r->raw));
	return names != NULL ? names : g_ptr_array_new_with_free_func(g_free);
}

/* may_run - whether job in may run now: its DNS answers are cached or
 * it waited long enough; else it waits in lp->waiting, and the rest of
 * the queue goes on */
static bool
may_run(struct listd *d, struct store *s, struct loop *lp,
    const struct store_inbound *in, gint64 mono)
{
	struct waiting *w = g_hash_table_lookup(lp->waiting, &in->id);
	GPtrArray *names;

	if (w != NULL) {
		if (!prefetch_ready(d, w->names) &&
		    mono < w->since + wait_limit(d))
			return false;
		g_hash_table_remove(lp->waiting, &in->id);
		return true;
	}
	if (g_hash_table_size(lp->waiting) >= PROCESS_MAX_WAITING)
		return true;
	names = job_names(d, s, in, &lp->read);
	if (prefetch_ready(d, names)) {
		g_ptr_array_unref(names);
		return true;
	}
	/* What it read may be stale when it runs: read again then. */
	read_clear(&lp->read);
	w = g_new0(struct waiting, 1);
	w->since = mono;
	w->names = names;
	g_hash_table_insert(lp->waiting, g_memdup2(&in->id, sizeof(in->id)), w);
	log_info("process: id=%" G_GINT64_FORMAT " rcpt=%s waits for DNS: %s",
	    in->msg_id, in->rcpt, (const char *)names->pdata[0]);
	return false;
}

/* run_due - process the due jobs that may run; how many ran, or -1
 * when the queue could not be read */
static int
run_due(struct listd *d, struct store *s, struct loop *lp, gint64 now,
    bool *is_full_out)
{
	GError *e = NULL;
	gint64 owner = worker_id(d);
	guint limit;
	GPtrArray *due;
	int ran = 0;

	*is_full_out = false;
	/* No claims while the lease is in doubt (worker.h). */
	if (owner == 0)
		return -1;
	/* Registered again: what waited was given back to the queue. */
	if (owner != lp->owner)
		g_hash_table_remove_all(lp->waiting);
	lp->owner = owner;
	limit = PROCESS_BATCH + g_hash_table_size(lp->waiting);
	due = store_inbound_claim(s, owner, now, PROCESS_BATCH, (int)limit, &e);
	if (due == NULL) {
		log_error("process: %s", e->message);
		g_clear_error(&e);
		return -1;
	}
	/* Each pass holds PROCESS_BATCH jobs that do not wait: waiting ones
	 * cannot starve the rest of the queue. */
	for (guint i = 0; i < due->len; i++) {
		if (!may_run(d, s, lp, due->pdata[i], g_get_monotonic_time()))
			continue;
		process_one(d, s, due->pdata[i], &lp->read);
		ran++;
	}
	*is_full_out = due->len >= limit;
	g_ptr_array_unref(due);
	return ran;
}

/* timers_run - the timers, and when the next of them is due */
static void
timers_run(struct listd *d, struct store *s, struct loop *lp, gint64 now)
{
	gint64 next;

	/* Read before the timers run: what others commit meanwhile is
	 * seen at the next wake-up. */
	lp->version = store_data_version(s, NULL);
	lp->cfg = listd_cfg(d);
	lp->is_timer_worker = worker_runs_timers(d);
	if (!lp->is_timer_worker) {
		/* Another worker runs them; a kick comes if that changes. */
		lp->timers_last = g_get_monotonic_time();
		lp->timers_next = now + PROCESS_MAX_SLEEP;
		return;
	}
	(void)store_pending_expire(s, now, NULL);
	/* first: a person waits on a page for these */
	webact_timer(d, s, now);
	moderate_timer(d, s, now);
	event_timer(d, s, now);
	digest_timer(d, s, now);
	lp->timers_last = g_get_monotonic_time();
	next = store_timer_next(s, now, NULL);
	/* digest_next 0: look again at once; -1 (an error): in a second */
	if (next < 0)
		next = now + 1;
	lp->timers_next = MIN(next, d->digest_next == 0 ? now : d->digest_next);
	lp->timers_next = MIN(lp->timers_next,
	    event_next_due(d, s, now, now + PROCESS_MAX_SLEEP));
}

/* timers_wanted - whether the timers are to run now: jobs ran (they may
 * have queued work for the timers), one is due, another program or
 * thread committed (data_version) or the configuration changed, or
 * PROCESS_MAX_SLEEP passed; but at most once a second unless jobs ran */
static bool
timers_wanted(
    struct listd *d, struct store *s, struct loop *lp, gint64 now, int ran)
{
	gint64 mono = g_get_monotonic_time();

	if (ran > 0)
		return true;
	if (mono < lp->timers_last + G_USEC_PER_SEC)
		return false;
	return now >= lp->timers_next ||
	    worker_runs_timers(d) != lp->is_timer_worker ||
	    mono >= lp->timers_last + PROCESS_MAX_SLEEP * G_USEC_PER_SEC ||
	    listd_cfg(d) != lp->cfg ||
	    store_data_version(s, NULL) != lp->version;
}

/* wake_at - the monotonic time to wake at when no work comes: the next
 * timer, the end of a job's wait for DNS, at most PROCESS_MAX_SLEEP */
static gint64
wake_at(struct listd *d, struct store *s, struct loop *lp, gint64 now)
{
	gint64 mono = g_get_monotonic_time();
	gint64 at = lp->timers_last + PROCESS_MAX_SLEEP * G_USEC_PER_SEC;
	/* Always read: on PostgreSQL this also takes in what the change
	 * descriptor had to say, so that it is not readable (and the wait
	 * does not return at once) for what was already heard. */
	gint64 version = store_data_version(s, NULL);
	GHashTableIter it;
	gpointer w;

	if (lp->timers_next - now < PROCESS_MAX_SLEEP)
		at = MIN(at, mono + (lp->timers_next - now) * G_USEC_PER_SEC);
	/* A change seen within a second of the last run waits for that
	 * second to end (timers_wanted()). */
	if (listd_cfg(d) != lp->cfg || version != lp->version)
		at = MIN(at, lp->timers_last + G_USEC_PER_SEC);
	/* PostgreSQL without its notifications (out of reach): read its
	 * change counter every second instead. */
	if (lp->is_polled)
		at = MIN(at, mono + G_USEC_PER_SEC);
	g_hash_table_iter_init(&it, lp->waiting);
	while (g_hash_table_iter_next(&it, NULL, &w))
		at = MIN(at, ((struct waiting *)w)->since + wait_limit(d));
	return MAX(at, lp->timers_last + G_USEC_PER_SEC);
}

/* watch_changes - the descriptor that tells of others' commits (asked
 * each pass: a reconnect changes it); without one on PostgreSQL, poll */
static void
watch_changes(struct listd *d, struct store *s, struct loop *lp)
{
	bool was_polled = lp->is_polled;
	GError *e = NULL;

	if (!store_change_fd(s, &lp->change_fd, &e))
		g_clear_error(&e);
	lp->is_polled =
	    lp->change_fd < 0 && db_spec_is_postgresql(listd_cfg(d)->database);
	if (lp->is_polled != was_polled)
		log_debug("process: %s",
		    lp->is_polled ? "no change notifications: polling"
				  : "change notifications");
}

/* process_thread - take inbound jobs until stopped; between them run
 * the timers, and sleep until the next is due or work comes in */
gpointer
process_thread(gpointer data)
{
	struct listd *d = data;
	/* Tried until the database answers (a start while it is down). */
	struct store *s = listd_store_open(d, "process");
	struct loop lp = {0};
	guint64 gen = 0;

	if (s == NULL)
		return NULL;
	lp.waiting = g_hash_table_new_full(
	    g_int64_hash, g_int64_equal, g_free, waiting_free);
	lp.change_fd = -1;
	while (!listd_stopping(d)) {
		gint64 now = g_get_real_time() / G_USEC_PER_SEC;
		bool is_full;
		int ran;

		watch_changes(d, s, &lp);
		ran = run_due(d, s, &lp, now, &is_full);
		if (is_full)
			continue;
		if (timers_wanted(d, s, &lp, now, ran))
			timers_run(d, s, &lp, now);
		/* a queue that cannot be read is tried again in a second */
		(void)listd_wait_fd_until(d, &gen,
		    ran < 0 ? g_get_monotonic_time() + G_USEC_PER_SEC
			    : wake_at(d, s, &lp, now),
		    ran < 0 ? -1 : lp.change_fd);
		log_debug("process: wake-up %" G_GUINT64_FORMAT, ++lp.wakeups);
	}
	g_hash_table_destroy(lp.waiting);
	read_clear(&lp.read);
	store_close(s);
	return NULL;
}
