/*
 * job - one inbound message for one list address, as the processor sees it
 *
 * SYNOPSIS
 *	const struct addr *job_speaker(const struct job *j);
 *	bool post_handle(struct job *j, GError **err);
 *	bool request_handle(struct job *j, GError **err);
 *	bool notice_queue(struct job *j, const char *tpl, const char *to,
 *	    GHashTable *vars, const char *reply_to, GError **err);
 *	GHashTable *notice_vars(struct job *j, const char *to);
 *	bool notice_owners(struct job *j, const char *tpl, GHashTable *vars,
 *	    GMimeMessage *attach, GError **err);
 *	bool moderate_notify(struct job *j, gint64 held_id, const char *why,
 *	    GError **err);
 *	void moderate_timer(struct listd *d, struct store *s, gint64 now);
 *	bool event_post(struct job *j, bool *handled_out, GError **err);
 *	void event_timer(struct listd *d, struct store *s, gint64 now);
 *	gint64 event_next_due(struct listd *d, struct store *s, gint64 now,
 *	    gint64 until);
 *	bool rsvp_handle(struct job *j, GError **err);
 *	bool rsvp_reply(struct job *j, bool *handled_out, GError **err);
 * DESCRIPTION
 *	The processor (process.c) parses the message once, resolves the
 *	recipient to a list and a kind, and calls the handler for that kind
 *	inside one database transaction, together with marking the inbound
 *	job done: whatever a handler queues goes out exactly once.
 *	Handlers never answer an auto-reply, a bounce or our own list mail
 *	(j->is_auto).
 * OWNERSHIP
 *	Everything in a job belongs to the processor.
 */
#ifndef MOIM_JOB_H
#define MOIM_JOB_H

#include <gmime/gmime.h>

#include "addr.h"
#include "arc.h"
#include "commands.h"
#include "dsn.h"
#include "imip.h"
#include "listd.h"
#include "rcpt.h"
#include "seats.h"
#include "store.h"

struct job {
	struct listd *d;
	struct store *s;
	gint64 now;
	const struct store_inbound *in;
	GBytes *raw;
	GMimeMessage *msg; /* NULL when the bytes are not a message */
	struct rcpt_target t; /* t.list is set */
	struct addr *from; /* From: header, NULL if none or bad */
	struct addr *envelope; /* MAIL FROM, NULL for the null sender */
	bool is_auto; /* auto-reply, bounce, or null sender */
	bool is_auto_reply; /* of those, never a post: a vacation reply or
			     * a null sender */
	bool is_loop; /* carries our own List-Id */
	char *message_id; /* "<...>" or NULL */
	char *subject; /* decoded UTF-8 or NULL */
	const char *result; /* one word for the log and the queue */
	char *reply; /* a command's answer built at run time, or NULL */
	/* A confirmed command (digest, nomail) acts for this address,
	 * whoever sent the confirmation; NULL otherwise. */
	struct addr *confirmed_as;
	/* Something vouches for the author beyond From: moim-milter's
	 * X-Moim-Auth (SASL login, trusted DMARC pass) or the author's
	 * confirmation of a held privileged post (privileged.c). */
	bool is_verified;
	/* The ARC chain the post arrived with (sign_arc_check()). */
	bool arc_checked;
	enum arc_cv arc_cv;
	int arc_count; /* sets in it: the list's set is the next */
};

const struct addr *job_speaker(const struct job *j);
bool post_handle(struct job *j, GError **err);
bool request_handle(struct job *j, GError **err);
bool owner_handle(struct job *j, GError **err);
bool bounce_handle(struct job *j, GError **err);
bool bounce_apply(struct job *j, const struct store_member *m,
    enum dsn_kind kind, const char *status, const char *diag, GError **err);

GHashTable *notice_vars(struct job *j, const char *to);
bool notice_queue(struct job *j, const char *tpl, const char *to,
    GHashTable *vars, const char *reply_to, GError **err);
bool notice_queue_attach(struct job *j, const char *tpl, const char *to,
    GHashTable *vars, const char *reply_to, GMimeMessage *attach, GError **err);
bool notice_owners(struct job *j, const char *tpl, GHashTable *vars,
    GMimeMessage *attach, GError **err);
char *list_id_value(const struct store_list *l);

void job_facts(struct job *j, const char *mail_from);
void job_clear(struct job *j);
bool post_distribute(struct job *j, GError **err);
bool post_hold(struct job *j, const char *why, GError **err);
bool post_tell_author(
    struct job *j, const char *tpl, const char *why, GError **err);
bool moderate_notify(
    struct job *j, gint64 held_id, const char *why, GError **err);
bool moderate_reply(
    struct job *j, const char *tok, const char **result_out, GError **err);
void moderate_timer(struct listd *d, struct store *s, gint64 now);

bool notice_queue_imip(struct job *j, const char *tpl,
    const struct store_rcpt *to, GHashTable *vars, const char *ics,
    enum imip_method method, GError **err);
bool post_prepare(struct job *j, GError **err);
bool post_list_headers(struct job *j, GError **err);
bool post_archived_at(struct job *j, GError **err);
char *post_footer_text(struct job *j, GError **err);
char *notice_from(const struct store_list *l);

/* digest.c: posts kept for digest members; the daily digest timer. */
bool digest_queue_post(struct job *j, GError **err);
gint64 digest_due_at(GTimeZone *tz, int secs, gint64 oldest);
void digest_timer(struct listd *d, struct store *s, gint64 now);
bool post_archive(struct job *j, GError **err);

/* event.c: announcements become events; the events timer. */
bool event_post(struct job *j, bool *handled_out, GError **err);
void event_timer(struct listd *d, struct store *s, gint64 now);
gint64 event_next_due(
    struct listd *d, struct store *s, gint64 now, gint64 until);
GHashTable *event_vars(
    struct job *j, const struct store_event *ev, const char *to);

/* event.c: whether a post would be an event (block or calendar). */
bool event_wanted(struct job *j, bool *wanted_out, GError **err);

/* privileged.c: an owner's act waits for proof or the owner's consent. */
bool privileged_hold(
    struct job *j, const struct addr *who, const char *why, GError **err);
bool privileged_confirm(
    struct job *j, const char *tok, const char **result_out, GError **err);

/* rsvp.c: answers by iMIP, by reply, by command; seats. */
bool rsvp_handle(struct job *j, GError **err);
bool rsvp_reply(struct job *j, bool *handled_out, GError **err);
bool rsvp_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);
/* the result of an rsvp command: its confirmation mail is the answer */
extern const char rsvp_answered[];
/* request.c: a command that changes something for its sender waits for
 * the sender's confirmation (STYLE: From is a claim). */
extern const char request_confirm_sent[];
bool request_ask_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);
bool request_subscribe(
    struct job *j, const struct addr *a, const char **result_out, GError **err);
bool request_unsubscribed(
    struct job *j, const char *addr, const char **result_out, GError **err);
bool rsvp_tell_promoted(struct job *j, const struct store_event *ev,
    const struct store_rsvp *r, bool was_held, GError **err);
/* rsvp.c: take addr's answer by the rules of answers by mail; source is
 * the stored source word ("web" for moim-web) */
bool rsvp_record(struct job *j, const struct store_event *ev, const char *addr,
    const char *name, enum seats_answer a, int headcount, const char *source,
    const char *other, GError **err);
/* rsvp.c: the addresses (char *, new array) seated at one session (0:
 * a one-session event) */
GPtrArray *rsvp_session_seated(
    struct job *j, const struct store_event *ev, gint64 id, GError **err);
/* rsvp.c: the same for one session of a recurring event (its original
 * start instant; 0: the series) */
bool rsvp_record_session(struct job *j, const struct store_event *ev,
    gint64 session, const char *addr, const char *name, enum seats_answer a,
    int headcount, const char *source, const char *other, GError **err);

/* webact.c: what people did on moim-web's pages, carried out. */
void webact_timer(struct listd *d, struct store *s, gint64 now);

/* topics.c: the topic of a post, who gets it, members' choices. */
extern const char topics_listed[];
bool topics_of_post(struct job *j, char **topic_out, GError **err);
bool topics_required_why(struct job *j, char **why_out, GError **err);
bool topics_mark_copy(struct job *j, const char *topic, GError **err);
bool topics_keep(
    struct job *j, const char *topic, GPtrArray *members, GError **err);
bool topics_archived(struct job *j, const char *topic, GError **err);
bool topics_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);

#endif
