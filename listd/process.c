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
 */
#include <string.h>

#include "bounce.h"
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
#include "process.h"
#include "rawhdr.h"
#include "request.h"
#include "rsvp.h"
#include "webact.h"

#define PROCESS_BATCH 16

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

/* job_run - resolve and handle one job inside a transaction */
static bool
job_run(struct job *j, GError **err)
{
	struct addr *rcpt = NULL;
	GError *perr = NULL;
	gsize len;
	const char *raw;
	bool ok;

	if (!store_inbound_raw(j->s, j->in->msg_id, &j->raw, err))
		return false;
	if (j->raw == NULL ||
	    !addr_parse_path(j->in->rcpt, strlen(j->in->rcpt), &rcpt, NULL) ||
	    rcpt == NULL) {
		j->result = "nothing to do";
		addr_free(rcpt);
		return store_inbound_done(j->s, j->in->id, j->result, err);
	}
	ok =
	    rcpt_resolve(j->s, addr_local(rcpt), addr_domain(rcpt), &j->t, err);
	addr_free(rcpt);
	if (!ok)
		return false;
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
	if (!store_begin(j->s, err))
		return false;
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
	bool ok;

	log_error("process: id=%" G_GINT64_FORMAT " rcpt=%s: %s: giving up",
	    j->in->msg_id, j->in->rcpt, why->message);
	if (!store_begin(j->s, err))
		return false;
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
	bool ok;

	if (!store_begin(j->s, err))
		return false;
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
process_one(struct listd *d, struct store *s, const struct store_inbound *in)
{
	struct job j = {.d = d, .s = s, .in = in, .result = "done"};
	GError *e = NULL;

	j.now = g_get_real_time() / G_USEC_PER_SEC;
	if (job_run(&j, &e)) {
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

/* process_thread - take inbound jobs until stopped */
gpointer
process_thread(gpointer data)
{
	struct listd *d = data;
	GError *e = NULL;
	struct store *s = store_open(listd_cfg(d)->database, STORE_RW, &e);
	guint64 gen = 0;

	if (s == NULL) {
		log_error("process: %s", e->message);
		g_clear_error(&e);
		return NULL;
	}
	while (!listd_stopping(d)) {
		gint64 now = g_get_real_time() / G_USEC_PER_SEC;
		GPtrArray *due = store_inbound_due(s, now, PROCESS_BATCH, &e);
		guint i;

		for (i = 0; due != NULL && i < due->len; i++)
			process_one(d, s, due->pdata[i]);
		if (due == NULL) {
			log_error("process: %s", e->message);
			g_clear_error(&e);
		}
		if (due == NULL || due->len < PROCESS_BATCH) {
			(void)store_pending_expire(s, now, NULL);
			/* first: a person waits on a page for these */
			webact_timer(d, s, now);
			moderate_timer(d, s, now);
			event_timer(d, s, now);
			digest_timer(d, s, now);
			(void)listd_wait(d, &gen, 1000);
		}
		if (due != NULL)
			g_ptr_array_unref(due);
	}
	store_close(s);
	return NULL;
}
