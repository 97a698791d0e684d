/*
 * store - the database: lists, members, queues, archive, events
 *
 * SYNOPSIS
 *	struct store *store_open(const char *spec, enum store_access acc,
 *	    GError **err);
 *	void store_close(struct store *s);
 *	bool store_begin(struct store *s, GError **err);
 *	bool store_read_begin(struct store *s, GError **err);
 *	bool store_commit(struct store *s, GError **err);
 *	void store_rollback(struct store *s);
 *	(and one function per operation below)
 * DESCRIPTION
 *	The store is the only module that speaks SQL, and its interface
 *	carries no engine's types. It reaches the engine through a driver
 *	(lib/db.h) that store_open() picks from spec: a PostgreSQL URI or
 *	keyword string (db_spec_is_postgresql()), else a SQLite path. On
 *	SQLite: one database file in WAL mode with a busy timeout and
 *	foreign keys; the schema is created and upgraded by the driver's
 *	numbered migrations (lib/db_sqlite.c, PRAGMA user_version).
 *
 *	Each function is atomic on its own. To make several one unit (take an
 *	inbound message and create its copies), wrap them in store_begin() /
 *	store_commit(); functions that write several rows use savepoints, so
 *	they nest inside such a transaction. store_read_begin() starts a
 *	read transaction (one snapshot for several lookups), ended by
 *	store_commit().
 *
 *	Lookups that find nothing succeed with *x_out = NULL.
 *
 *	Texts that are shown on one line (an event's title, place and
 *	organizer's name, a member's, attendee's or pending sender's name)
 *	are stored through moim_text_line() (err.h): each run of control
 *characters in them (CR, LF, TAB, other C0 and C1 controls, DEL, U+2028,
 *U+2029) becomes one space, so that a title from an iCalendar SUMMARY with an
 *	escaped newline can still go into a Subject. Descriptions keep their
 *	lines.
 * OWNERSHIP
 *	Structs returned through _out belong to the caller and are freed with
 *	their _free function; arrays own their elements.
 * INPUT AND LIMITS
 *	Addresses passed in must already be canonical (addr_canonical()).
 *	Every value reaches SQL through bound parameters.
 * THREADS
 *	One struct store per thread; never share one between threads.
 *	Several processes and threads may open the same file: readers never
 *	block the writer (WAL), writers wait up to the busy timeout.
 * ERRORS
 *	MOIM_ERR_TEMP for busy/locked/I/O, MOIM_ERR_INPUT for a constraint
 *	the caller broke (duplicate list), MOIM_ERR_INTERNAL otherwise; the
 *	message carries the engine's text. store_open() in a writing mode fails
 *	(MOIM_ERR_CONFIG) on a file this process may only read, which SQLite
 *	would otherwise open read-only without a word.
 */
#ifndef MOIM_STORE_H
#define MOIM_STORE_H

#include <glib.h>
#include <stdbool.h>

#include "listset.h"

#define STORE_SCHEMA_VERSION 18

enum store_access {
	STORE_RW, /* create and migrate if needed; writer */
	STORE_RO, /* read-only (the milter) */
	STORE_RO_BRIEF, /* read-only, read a little and exit (a search) */
	STORE_RW_SYNC, /* writer that fsyncs every commit (LMTP ingress) */
};

enum store_role { STORE_ROLE_MEMBER, STORE_ROLE_MODERATOR, STORE_ROLE_OWNER };
enum store_mode { STORE_MODE_REGULAR, STORE_MODE_DIGEST, STORE_MODE_NOMAIL };

struct store;

struct store *store_open(const char *path, enum store_access acc, GError **err);
void store_close(struct store *s);
int store_schema_version(struct store *s);
/* Changes whenever another connection committed since the last call on
 * this one (PRAGMA data_version); -1 on error. */
gint64 store_data_version(struct store *s, GError **err);
/* A descriptor readable when another connection may have committed (see
 * lib/db.h change_fd); *fd_out -1: none (SQLite); false: unreachable. */
bool store_change_fd(struct store *s, int *fd_out, GError **err);
bool store_begin(struct store *s, GError **err);
bool store_read_begin(struct store *s, GError **err);
bool store_commit(struct store *s, GError **err);
void store_rollback(struct store *s);
bool store_migrate_to(struct store *s, int version, GError **err);

/* Lists. */
struct store_list {
	gint64 id;
	char *local; /* "ai-friends" */
	char *domain; /* "lists.example.org" */
	char *address; /* "ai-friends@lists.example.org" */
	gint64 created;
	struct listset set;
};
bool store_list_create(struct store *s, const char *local, const char *domain,
    const char *name, gint64 now, gint64 *id_out, GError **err);
bool store_list_get(struct store *s, const char *local, const char *domain,
    struct store_list **l_out, GError **err);
bool store_list_get_id(
    struct store *s, gint64 id, struct store_list **l_out, GError **err);
GPtrArray *store_list_all(struct store *s, GError **err);
GPtrArray *store_list_by_local(
    struct store *s, const char *local, GError **err);
bool store_list_set(struct store *s, gint64 list_id, const char *key,
    const char *value, GError **err);
bool store_list_delete(struct store *s, gint64 list_id, GError **err);
void store_list_free(struct store_list *l);

/* Members. */
struct store_member {
	gint64 id;
	gint64 list_id;
	char *address; /* canonical */
	char *display_name; /* UTF-8 or NULL */
	enum store_role role;
	enum store_mode mode;
	bool enabled;
	double bounce_score;
	gint64 created;
};
bool store_member_add(struct store *s, gint64 list_id, const char *address,
    const char *display_name, enum store_role role, enum store_mode mode,
    gint64 now, bool *added_out, GError **err);
/* One member of store_members_add(): what store_member_add() takes. */
struct store_member_new {
	const char *address; /* canonical */
	const char *display_name; /* or NULL */
	enum store_role role;
	enum store_mode mode;
};
/* Many members at once (an import): as store_member_add() for each of
 * m[0..n) in order, added_out[i] for m[i], in far fewer round trips
 * (PostgreSQL: one statement per thousands). All or none. */
bool store_members_add(struct store *s, gint64 list_id,
    const struct store_member_new *m, size_t n, gint64 now, bool *added_out,
    GError **err);
bool store_member_get(struct store *s, gint64 list_id, const char *address,
    struct store_member **m_out, GError **err);
bool store_member_get_id(
    struct store *s, gint64 id, struct store_member **m_out, GError **err);
bool store_member_remove(struct store *s, gint64 list_id, const char *address,
    bool *removed_out, GError **err);
bool store_member_set_role(
    struct store *s, gint64 member_id, enum store_role role, GError **err);
bool store_member_set_mode(
    struct store *s, gint64 member_id, enum store_mode mode, GError **err);
bool store_member_set_enabled(
    struct store *s, gint64 member_id, bool enabled, GError **err);
/* role < 0: every role. */
GPtrArray *store_member_list(
    struct store *s, gint64 list_id, int role, GError **err);
/* Enabled members in one mode: REGULAR get each post, DIGEST the
 * digest; NOMAIL nothing. */
GPtrArray *store_member_recipients(
    struct store *s, gint64 list_id, enum store_mode mode, GError **err);
gint64 store_member_count(struct store *s, gint64 list_id, GError **err);
/* Whether the list has an enabled member in this mode. */
bool store_member_has_mode(struct store *s, gint64 list_id,
    enum store_mode mode, bool *has_out, GError **err);
/* Adds one failure to a member's score after decaying it by half every
 * half_life seconds since the last one; policy failures keep their own
 * score. *score_out is the new score of that kind. */
bool store_member_bounce(struct store *s, gint64 member_id, bool policy,
    gint64 now, gint64 half_life, double *score_out, GError **err);
bool store_member_bounce_reset(struct store *s, gint64 member_id, GError **err);
bool store_bounce_add(struct store *s, gint64 list_id, gint64 member_id,
    const char *address, const char *kind, const char *status,
    const char *diagnostic, gint64 now, GError **err);
gint64 store_bounce_count(
    struct store *s, gint64 list_id, const char *kind, GError **err);
/* A member's bounce scores (as of `updated`, before decay) and last
 * recorded bounce (last 0 and strings NULL without one). */
struct store_bounce_state {
	double score;
	double policy_score;
	gint64 updated;
	gint64 last;
	char *kind; /* "permanent", "temporary", "policy" */
	char *status;
	char *diagnostic;
};
bool store_member_bounce_state(struct store *s, gint64 member_id,
    struct store_bounce_state **st_out, GError **err);
void store_bounce_state_free(struct store_bounce_state *b);

void store_member_free(struct store_member *m);
const char *store_role_name(enum store_role r);
const char *store_mode_name(enum store_mode m);
bool store_role_parse(const char *s, enum store_role *r_out);
bool store_mode_parse(const char *s, enum store_mode *m_out);

/* Pending confirmations (double opt-in, probes, moderation tokens). */
enum store_pending_kind {
	STORE_PENDING_SUBSCRIBE,
	STORE_PENDING_UNSUBSCRIBE,
	STORE_PENDING_PROBE,
	STORE_PENDING_COMMAND, /* command: carried out when confirmed */
};
struct store_pending {
	gint64 id;
	gint64 list_id;
	enum store_pending_kind kind;
	char *address;
	char *display_name;
	gint64 created;
	gint64 expires;
	bool used;
	char *command; /* STORE_PENDING_COMMAND: the command line, or NULL */
};
bool store_pending_add(struct store *s, gint64 list_id,
    enum store_pending_kind kind, const char *address, const char *display_name,
    gint64 now, gint64 expires, gint64 *id_out, GError **err);
bool store_pending_add_command(struct store *s, gint64 list_id,
    const char *address, const char *command, gint64 now, gint64 expires,
    gint64 *id_out, GError **err);
bool store_pending_get(
    struct store *s, gint64 id, struct store_pending **p_out, GError **err);
/* Marks the row used; *consumed_out is false if it already was. */
bool store_pending_consume(
    struct store *s, gint64 id, bool *consumed_out, GError **err);
bool store_pending_expire(struct store *s, gint64 now, GError **err);
void store_pending_free(struct store_pending *p);
const char *store_pending_kind_name(enum store_pending_kind k);

/* Inbound queue: what LMTP accepted, one job per recipient. */
struct store_inbound {
	gint64 id; /* job id */
	gint64 msg_id; /* the stored message */
	char *mail_from;
	char *rcpt;
	int tries;
	gint64 received;
	gint64 owner; /* the worker that claimed it (store_inbound_claim) */
};
bool store_inbound_add(struct store *s, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *raw, size_t len,
    gint64 now, gint64 *msg_id_out, GError **err);
GPtrArray *store_inbound_due(
    struct store *s, gint64 now, int limit, GError **err);
/* Gives up to claim due jobs no worker owns to owner (a worker's id),
 * then returns up to limit due jobs owner holds, oldest first. */
GPtrArray *store_inbound_claim(struct store *s, gint64 owner, gint64 now,
    int claim, int limit, GError **err);
/* Whether the job is still to do and owner holds it: in the transaction
 * that does it, so that two workers never both do it. */
bool store_inbound_owned(struct store *s, gint64 job_id, gint64 owner,
    bool *owned_out, GError **err);
bool store_inbound_raw(
    struct store *s, gint64 msg_id, GBytes **raw_out, GError **err);
bool store_inbound_done(
    struct store *s, gint64 job_id, const char *result, GError **err);
bool store_inbound_retry(struct store *s, gint64 job_id, gint64 next_try,
    const char *error, GError **err);
gint64 store_inbound_pending_count(struct store *s, GError **err);
/* The earliest time after now (seconds) at which a stored job comes due
 * for moim-listd's processor: an inbound job's retry, a pending
 * confirmation's or a held post's expiry, or now for a held post already
 * decided or expired; G_MAXINT64 for none, -1 on error. */
gint64 store_timer_next(struct store *s, gint64 now, GError **err);
void store_inbound_free(struct store_inbound *j);

/* Outbound copies and their per-recipient deliveries. */
enum store_out_kind {
	STORE_OUT_POST, /* personalised per member at send time */
	STORE_OUT_NOTICE, /* complete message to one or more addresses */
	STORE_OUT_BATCH, /* one copy, many recipients, XVERP */
	STORE_OUT_EVENT, /* one member's own copy (invitation), sent with
			  * that member's VERP and List-Unsubscribe */
	STORE_OUT_INVITE, /* what members' invitations share; each
			   * delivery's part is the member's (imipcopy) */
};
struct store_rcpt {
	const char *address;
	gint64 member_id; /* 0 if not a member */
};
struct store_outbound {
	gint64 id;
	gint64 list_id;
	enum store_out_kind kind;
	char *envelope_from; /* NOTICE: as is; POST/BATCH: NULL (VERP) */
	char *message_id;
	GBytes *raw;
};
bool store_outbound_add(struct store *s, gint64 list_id,
    enum store_out_kind kind, const char *envelope_from, const char *message_id,
    const char *raw, size_t len, const struct store_rcpt *rcpts, size_t nrcpt,
    gint64 now, gint64 *id_out, GError **err);
/* The same with each delivery's part (parts[i] for rcpts[i]): INVITE. */
bool store_outbound_add_parts(struct store *s, gint64 list_id,
    enum store_out_kind kind, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, GBytes *const *parts,
    size_t nrcpt, gint64 now, GError **err);
bool store_outbound_get(
    struct store *s, gint64 id, struct store_outbound **o_out, GError **err);
void store_outbound_free(struct store_outbound *o);

enum store_dstate {
	STORE_D_PENDING,
	STORE_D_SENDING,
	STORE_D_SENT,
	STORE_D_FAILED,
};
struct store_delivery {
	gint64 id;
	gint64 outbound_id;
	char *rcpt;
	gint64 member_id;
	int tries;
	GBytes *part; /* INVITE: the member's own part; else NULL */
};
/* Claims up to limit due deliveries for owner (a worker's id; marks
 * them SENDING), ordered by outbound copy so a caller can batch
 * recipients of one copy. A claim goes back to PENDING when its owner's
 * lease runs out (store_worker_reap). */
GPtrArray *store_delivery_claim(
    struct store *s, gint64 owner, gint64 now, int limit, GError **err);
bool store_delivery_done(struct store *s, const gint64 *ids, size_t n,
    enum store_dstate state, int code, const char *text, GError **err);
/* Due again at next_try, if owner still holds the claim. */
bool store_delivery_defer(struct store *s, gint64 id, gint64 owner,
    gint64 next_try, int code, const char *text, GError **err);
/* A bounce of a batched copy, bound to the delivery it reports. */
bool store_delivery_bounced(struct store *s, gint64 outbound_id,
    const char *rcpt, gint64 since, const char *text, gint64 *member_id_out,
    GError **err);
gint64 store_delivery_count(
    struct store *s, enum store_dstate state, GError **err);
gint64 store_delivery_next_due(struct store *s, GError **err);
void store_delivery_free(struct store_delivery *d);

/* Workers (lib/store_workers.c): the moim-listd processes sharing the
 * database, each with a lease it renews; see there. */
struct store_worker {
	gint64 id;
	char *host; /* the host, and what tells its processes apart */
	gint64 pid;
	gint64 started;
	gint64 lease_until;
};
bool store_worker_add(struct store *s, const char *host, gint64 pid, gint64 now,
    gint64 lease_until, gint64 *id_out, GError **err);
/* *renewed_out false: the lease had run out by now (or the row is
 * gone); the worker's claims are no longer its own. */
bool store_worker_renew(struct store *s, gint64 id, gint64 now,
    gint64 lease_until, bool *renewed_out, GError **err);
GPtrArray *store_worker_list(struct store *s, GError **err);
/* Ends the lease now: a clean exit, or a process known to be dead. */
bool store_worker_end(struct store *s, gint64 id, GError **err);
/* Gives the claims of workers not alive at now back to the queue and
 * removes those workers; *freed_out counts the claims. */
bool store_worker_reap(
    struct store *s, gint64 now, gint64 *freed_out, GError **err);
/* The lowest id alive at now (0: none): the worker that runs timers. */
gint64 store_worker_first(struct store *s, gint64 now, GError **err);
void store_worker_free(struct store_worker *w);

/* Moderation queue. */
struct store_held {
	gint64 id;
	gint64 list_id;
	char *sender;
	char *subject;
	char *reason;
	gint64 created;
	gint64 expires;
	GBytes *raw; /* NULL in listings */
	char *state; /* held, approved, rejected, then distributed, ... */
	char *decided_by;
	char *decision_reason;
};
bool store_held_add(struct store *s, gint64 list_id, const char *sender,
    const char *subject, const char *reason, const char *raw, size_t len,
    gint64 now, gint64 expires, gint64 *id_out, GError **err);
GPtrArray *store_held_list(struct store *s, gint64 list_id, GError **err);
bool store_held_get(
    struct store *s, gint64 id, struct store_held **h_out, GError **err);
bool store_held_decide(struct store *s, gint64 id, const char *state,
    const char *by, const char *reason, bool *changed_out, GError **err);
/* Decided posts whose effect is still due (approved, rejected) and held
 * posts past their expiry, with their bytes. */
GPtrArray *store_held_due(struct store *s, gint64 now, int limit, GError **err);
/* Moves a post from state from to state to; *changed_out false if it was
 * no longer in state from. */
bool store_held_finish(struct store *s, gint64 id, const char *from,
    const char *to, bool *changed_out, GError **err);
void store_held_free(struct store_held *h);

/* Archive. */
struct store_archived {
	gint64 list_id;
	const char *message_id;
	const char *parent_id; /* In-Reply-To or last of References */
	const char *subject;
	const char *from_addr;
	const char *from_name;
	gint64 date;
	const char *body_text;
	const char *raw;
	size_t len;
};
bool store_archive_add(struct store *s, const struct store_archived *a,
    gint64 now, bool *added_out, GError **err);
/* Schema 2: the thread, all references and attachment lines. Threading
 * decisions are the archive module's; these are its lookups. */
struct store_archived2 {
	struct store_archived a;
	gint64 thread_id;
	const char *const *refs; /* oldest first */
	size_t nrefs;
	const char *attachments; /* or NULL */
};
bool store_archive_add2(struct store *s, const struct store_archived2 *a,
    gint64 now, bool *added_out, GError **err);
/* *tid_out = 0 when the message is not archived. */
bool store_archive_thread_of(struct store *s, gint64 list_id,
    const char *message_id, gint64 *tid_out, GError **err);
/* What archiving message_id (a reply to parent_id, or NULL) must know:
 * whether it is archived, parent_id's thread (0: not archived or no
 * thread), the threads of archived messages that list message_id as a
 * reference (ascending; the caller unrefs citing). */
struct store_archive_facts {
	bool is_archived;
	gint64 parent_tid;
	GArray *citing; /* of gint64 */
};
bool store_archive_lookup(struct store *s, gint64 list_id,
    const char *message_id, const char *parent_id,
    struct store_archive_facts *f, GError **err);
bool store_archive_thread_by_subject(struct store *s, gint64 list_id,
    const char *base_subject, gint64 *tid_out, GError **err);
bool store_archive_thread_new(struct store *s, gint64 list_id,
    const char *root_message_id, const char *base_subject, gint64 date,
    gint64 *tid_out, GError **err);
bool store_archive_thread_merge(
    struct store *s, gint64 from_tid, gint64 into_tid, GError **err);

struct store_archive_entry {
	gint64 id;
	gint64 list_id;
	char *message_id;
	char *parent_id;
	char *refs; /* space-separated message-ids, oldest first, or NULL */
	gint64 thread_id;
	char *subject;
	char *from_addr;
	char *from_name;
	gint64 date;
	char *text; /* search only: the decoded body */
	char *snippet; /* search only, made by archive_search() */
	GBytes *raw; /* store_archive_each() only */
};
/* The list's newest message with this Message-ID (list_id 0: any). */
bool store_archive_get(struct store *s, gint64 list_id, const char *message_id,
    struct store_archive_entry **e_out, GError **err);
GPtrArray *store_archive_thread_entries(
    struct store *s, gint64 thread_id, GError **err);
/* The columns of the index that hold a message's text (not its list):
 * a query term that could name a list's tag is kept to them. */
#define STORE_ARCHIVE_TEXT_COLUMNS "{subject from_name body_text attachments}"
/* match must come from archive_fts_query(): "(P)", "(P) NOT (N)" or
 * "NOT (N)"; limit <= 0 means all. Best
 * first (bm25 over the newest 2,000 matches, which bounds the time a
 * common word takes), with their text; *total_out (may be NULL) counts
 * every match. */
GPtrArray *store_archive_search(struct store *s, gint64 list_id,
    const char *match, int limit, gint64 *total_out, GError **err);
/* The same matches newest first (by archive order), limit of them after
 * skipping offset; *total_out counts at most STORE_SEARCH_COUNT_MAX + 1,
 * so a common word costs no more than a rare one. */
#define STORE_SEARCH_COUNT_MAX 1000
GPtrArray *store_archive_search_newest(struct store *s, gint64 list_id,
    const char *match, int limit, int offset, gint64 *total_out, GError **err);
/* Calls fn for each message of the list in arrival order, raw included;
 * fn returns false to stop (with *err set, which is returned). */
bool store_archive_each(struct store *s, gint64 list_id,
    bool (*fn)(const struct store_archive_entry *e, void *data, GError **err),
    void *data, GError **err);
/* Replaces what was derived from a message's bytes (moimctl archive
 * reindex); *changed_out false when all of it was already so. */
bool store_archive_redo(struct store *s, gint64 id,
    const struct store_archived2 *a, bool *changed_out, GError **err);
void store_archive_entry_free(struct store_archive_entry *e);
gint64 store_archive_count(struct store *s, gint64 list_id, GError **err);
bool store_archive_has(struct store *s, gint64 list_id, const char *message_id,
    bool *has_out, GError **err);

/* Digests: posts queued for a list's digest members, oldest first.
 * store_digest_due() gives each list with queued posts and the time its
 * oldest post was queued; store_digest_posts() up to max_posts of them
 * (at least one, and then no more than max_bytes in all);
 * store_digest_sent() deletes the posts up to last_id and, unless
 * issue_out is NULL, counts and returns the list's next issue number. */
struct store_digest_due {
	gint64 list_id;
	gint64 oldest; /* when its oldest queued post was queued */
};
struct store_digest_post {
	gint64 id;
	GBytes *raw;
};
bool store_digest_add(struct store *s, gint64 list_id, const void *raw,
    size_t len, gint64 now, GError **err);
GPtrArray *store_digest_due(struct store *s, GError **err);
GPtrArray *store_digest_posts(struct store *s, gint64 list_id, size_t max_posts,
    size_t max_bytes, GError **err);
bool store_digest_sent(struct store *s, gint64 list_id, gint64 last_id,
    gint64 now, gint64 *issue_out, GError **err);
gint64 store_digest_queued(struct store *s, gint64 list_id, GError **err);

/* Events: an event belongs to the lists in event_lists (several for a
 * co-hosted one); list_id is the one it was announced on first, whose
 * L-rsvp+EVENT@D is its ORGANIZER. rsvp_by 0 = none, capacity 0 = no
 * limit. source_uid: the UID of the organizer's own calendar event it
 * was adopted from, or NULL. */
struct store_event {
	gint64 id;
	gint64 list_id;
	char *uid;
	char *title;
	gint64 starts;
	gint64 ends;
	bool is_all_day;
	char *tzid;
	char *location; /* or NULL */
	char *description; /* or NULL */
	int capacity;
	gint64 rsvp_by;
	int sequence;
	char *organizer; /* canonical address of the member who announced */
	char *organizer_name; /* or NULL */
	char *state; /* active, cancelled */
	char *message_id; /* the announcement's, or NULL */
	gint64 created;
	char *source_uid; /* adopted from this calendar UID, or NULL */
	char *crashers; /* answers from the uninvited: accept, hold, refuse */
	/* RFC 5545 RRULE value in tzid from starts, or NULL: one session */
	char *rrule;
};
bool store_event_add(struct store *s, const struct store_event *ev, gint64 now,
    gint64 *id_out, GError **err);
bool store_event_update(
    struct store *s, const struct store_event *ev, GError **err);
bool store_event_get(
    struct store *s, gint64 id, struct store_event **ev_out, GError **err);
/* list_id 0: the event the message announced on any list. */
bool store_event_by_message_id(struct store *s, gint64 list_id,
    const char *message_id, struct store_event **ev_out, GError **err);
bool store_event_by_source_uid(struct store *s, gint64 list_id,
    const char *source_uid, struct store_event **ev_out, GError **err);
/* Adds a co-hosting list; *added_out false when it was one already. */
bool store_event_link(struct store *s, gint64 event_id, gint64 list_id,
    bool *added_out, GError **err);
bool store_event_has_list(struct store *s, gint64 event_id, gint64 list_id,
    bool *has_out, GError **err);
/* Whether address owns or moderates every list holding the event, and
 * list_id too (co-hosting needs it). */
bool store_event_organizer_everywhere(struct store *s, gint64 event_id,
    gint64 list_id, const char *address, bool *is_out, GError **err);
/* The addresses (char *) of the lists that hold the event, the one it
 * was announced on first. */
GPtrArray *store_event_hosts(struct store *s, gint64 event_id, GError **err);
GPtrArray *store_event_list(struct store *s, gint64 list_id, GError **err);
/* Every event, of any list and state, that has not ended by now, and
 * every active recurring one (its first session's end is no end). */
GPtrArray *store_event_current(struct store *s, gint64 now, GError **err);
void store_event_free(struct store_event *ev);
/* Things done once per event ("reminder", "cancel"): *marked_out is false
 * when kind was already recorded. */
bool store_event_mark(struct store *s, gint64 event_id, const char *kind,
    gint64 now, bool *marked_out, GError **err);
bool store_event_marked(struct store *s, gint64 event_id, const char *kind,
    bool *marked_out, GError **err);

struct store_invitation {
	char *address;
	int sequence; /* the last SEQUENCE sent to address */
	gint64 sent;
};
bool store_invitation_put(struct store *s, gint64 event_id, const char *address,
    int sequence, gint64 now, GError **err);
GPtrArray *store_invitation_list(
    struct store *s, gint64 event_id, GError **err);
bool store_invitation_has(struct store *s, gint64 event_id, const char *address,
    bool *has_out, GError **err);
/* Whether address is a member of a list holding the event, or answered. */
bool store_event_audience(struct store *s, gint64 event_id, const char *address,
    bool *is_out, GError **err);
void store_invitation_free(struct store_invitation *iv);

/* One answer per address, event and session; the last one wins. */
struct store_rsvp {
	gint64 id;
	gint64 event_id;
	/* the session's original start instant (RECURRENCE-ID), or 0: the
	 * whole series (every answer to a one-session event) */
	gint64 session;
	char *address;
	char *display_name; /* or NULL */
	char *answer; /* accepted, declined, tentative */
	int headcount;
	/* attending, waitlist, declined, tentative, held (from someone not
	 * invited, for the organizer); promoted (from the waitlist) and
	 * admitted (held, then taken) by hand until listd tells them */
	char *status;
	char *source; /* imip, text, command, moimctl, web */
	gint64 updated;
	gint64 queued; /* queue order of a yes (waitlist position) */
};
/* The answer for the whole series (session 0). */
bool store_rsvp_get(struct store *s, gint64 event_id, const char *address,
    struct store_rsvp **r_out, GError **err);
bool store_rsvp_put(struct store *s, const struct store_rsvp *r, GError **err);
/* Every session's answers, in queue order (queued, then id). */
GPtrArray *store_rsvp_list(struct store *s, gint64 event_id, GError **err);
void store_rsvp_free(struct store_rsvp *r);
/* Whether the answer holds a seat: status attending or promoted. */
bool store_rsvp_has_seat(const struct store_rsvp *r);
bool store_rsvp_status_has_seat(const char *status);

/* Sessions of a recurring event (lib/store_sessions.c): only those that
 * differ from the rule are stored. session is the original start instant
 * (what RECURRENCE-ID names); starts/ends when it happens now. */
struct store_session {
	gint64 event_id;
	gint64 session;
	gint64 starts;
	gint64 ends;
	char *state; /* moved, skipped */
	int sequence; /* the SEQUENCE last sent for this session */
	char *location; /* or NULL: the event's */
};
bool store_session_put(
    struct store *s, const struct store_session *ss, GError **err);
bool store_session_get(struct store *s, gint64 event_id, gint64 session,
    struct store_session **ss_out, GError **err);
GPtrArray *store_session_list(struct store *s, gint64 event_id, GError **err);
bool store_session_delete(
    struct store *s, gint64 event_id, gint64 session, GError **err);
void store_session_free(struct store_session *ss);
/* The answer of address for one session (0: the series), or NULL. */
bool store_rsvp_get_session(struct store *s, gint64 event_id, gint64 session,
    const char *address, struct store_rsvp **r_out, GError **err);
/* One session's answers (0: the series'), in queue order. */
GPtrArray *store_rsvp_list_session(
    struct store *s, gint64 event_id, gint64 session, GError **err);
/* A seat that an answer for the whole series holds in one session
 * (lib/store_sessions.c), for headcount people: written when listd
 * decides that session's seats, read when it decides them again, so
 * that a lowered capacity takes no seat (ical/seats.h). */
struct store_session_seat {
	gint64 event_id;
	gint64 session;
	char *address;
	int headcount;
};
bool store_session_seat_put(
    struct store *s, const struct store_session_seat *st, GError **err);
bool store_session_seat_delete(struct store *s, gint64 event_id, gint64 session,
    const char *address, GError **err);
/* Every seat of an event, by session and address. */
GPtrArray *store_session_seat_list(
    struct store *s, gint64 event_id, GError **err);
void store_session_seat_free(struct store_session_seat *st);

/* web archive pages: what moim-web's archive pages read (lib/
 * store_web_archive.c). A thread is listed by its first message (by
 * date); its start is threads.first_date. Counts and ranges take Unix
 * times, so the caller decides where a month begins (its time zone). */
struct store_web_thread {
	gint64 id;
	char *message_id; /* the first message's, or NULL */
	char *subject; /* the first message's, or NULL */
	char *from_addr; /* the first message's sender (never shown) */
	char *from_name; /* or NULL */
	gint64 first_date;
	gint64 last_date;
	gint64 count; /* messages */
};
/* Threads of the list started in [from, to), newest first, skipping the
 * first offset; *total_out (may be NULL) counts all in the range. */
GPtrArray *store_web_threads_started(struct store *s, gint64 list_id,
    gint64 from, gint64 to, int limit, int offset, gint64 *total_out,
    GError **err);
/* The limit threads with the latest messages, latest first. */
GPtrArray *store_web_threads_active(
    struct store *s, gint64 list_id, int limit, GError **err);
/* Threads started and messages dated in [from, to); posts_out may be
 * NULL (threads only). */
bool store_web_count(struct store *s, gint64 list_id, gint64 from, gint64 to,
    gint64 *threads_out, gint64 *posts_out, GError **err);
/* The earliest start of a thread at or after from; *found_out is false
 * when there is none. */
bool store_web_next_start(struct store *s, gint64 list_id, gint64 from,
    gint64 *start_out, bool *found_out, GError **err);
void store_web_thread_free(struct store_web_thread *t);

struct store_web_msg {
	gint64 id;
	gint64 thread_id;
	char *message_id;
	char *refs; /* space-separated, oldest first, or NULL */
	char *subject; /* or NULL */
	char *from_addr; /* never shown */
	char *from_name; /* or NULL */
	gint64 date;
	char *text; /* the decoded body text, or NULL */
	char *attachments; /* "name (N bytes)" lines, or NULL */
	GBytes *raw; /* only when asked for */
};
/* The message of the list with this Message-ID (without "<>"), or NULL. */
bool store_web_message(struct store *s, gint64 list_id, const char *message_id,
    bool with_raw, struct store_web_msg **m_out, GError **err);
/* The first limit messages of a thread by date (limit <= 0: all). */
GPtrArray *store_web_thread_msgs(
    struct store *s, gint64 thread_id, bool with_raw, int limit, GError **err);
void store_web_msg_free(struct store_web_msg *m);
/* web acts and sign-ins */
/* What moim-web asks moim-listd to do (SPEC "Web": the mails an act
 * causes are sent by moim-listd). moim-web adds an act and commits;
 * moim-listd takes the undone ones in id order, carries each out and
 * marks it done with a result, a word or two that the page shows
 * ("attending", "waitlist 2", "removed", "not-member"). Acts are kept
 * once done: an unsubscribe link of a member who left is still checked
 * against its act, or against the row of kind "left" that
 * store_member_remove() adds however a member leaves
 * (store_web_act_unsub_of()). A sign-in row is one
 * mailed sign-in link; store_web_signin_use() marks it used exactly
 * once, and a session cookie names the row it was made from. */
enum store_web_kind {
	STORE_WEB_UNSUB, /* list_id, member_id, address */
	STORE_WEB_RSVP, /* list_id, member_id, event_id, address, answer,
			 * guests */
	STORE_WEB_JOIN, /* list_id, address */
	STORE_WEB_SIGNIN, /* address, next */
};
struct store_web_act {
	gint64 id;
	enum store_web_kind kind;
	gint64 list_id; /* 0: none */
	gint64 member_id; /* 0: none */
	gint64 event_id; /* 0: none */
	char *address; /* canonical */
	char *answer; /* rsvp: yes, no, maybe; else NULL */
	int guests; /* rsvp: people besides the member */
	char *next; /* signin: the page to return to, or NULL */
	gint64 created;
	bool done;
	char *result; /* NULL until done */
};
bool store_web_act_add(struct store *s, const struct store_web_act *a,
    gint64 now, gint64 *id_out, GError **err);
/* Up to limit undone acts, oldest first. */
GPtrArray *store_web_act_undone(struct store *s, int limit, GError **err);
bool store_web_act_done(
    struct store *s, gint64 id, const char *result, GError **err);
bool store_web_act_get(
    struct store *s, gint64 id, struct store_web_act **a_out, GError **err);
/* The newest unsubscribe act for member_id, done or not, or NULL. */
bool store_web_act_unsub_of(struct store *s, gint64 member_id,
    struct store_web_act **a_out, GError **err);
void store_web_act_free(struct store_web_act *a);
const char *store_web_kind_name(enum store_web_kind k);

struct store_web_signin {
	gint64 id;
	char *address;
	char *next; /* or NULL */
	gint64 created;
	bool used;
};
bool store_web_signin_add(struct store *s, const char *address,
    const char *next, gint64 now, gint64 *id_out, GError **err);
bool store_web_signin_get(
    struct store *s, gint64 id, struct store_web_signin **si_out, GError **err);
/* Marks the row used; *used_out is false if it already was (or is
 * gone): a link signs in once. */
bool store_web_signin_use(
    struct store *s, gint64 id, bool *used_out, GError **err);
void store_web_signin_free(struct store_web_signin *si);
/* The lowest id of a list address is a member of, any role and mode;
 * *list_id_out 0 when none. */
bool store_web_first_list_of(
    struct store *s, const char *address, gint64 *list_id_out, GError **err);
/* Deletes done acts and sign-in rows older than keep seconds, except
 * done unsubscribe acts, kept for keep_unsub seconds. */
bool store_web_purge(
    struct store *s, gint64 now, gint64 keep, gint64 keep_unsub, GError **err);

/* Topics (lib/store_topics.c, schema 11): a member's choice per topic,
 * the topic of an archived message and of its thread (that of its first
 * message with one). Topics are spelled as the list's "topics" setting
 * spells them. */
enum store_topic_choice { STORE_TOPIC_FOLLOW, STORE_TOPIC_MUTE };
struct store_topic_pick {
	gint64 member_id;
	char *topic;
	enum store_topic_choice choice;
};
bool store_topic_choose(struct store *s, gint64 member_id, const char *topic,
    enum store_topic_choice choice, GError **err);
/* "all": every topic again */
bool store_topic_clear(struct store *s, gint64 member_id, GError **err);
GPtrArray *store_topic_picks(struct store *s, gint64 member_id, GError **err);
/* Every member's choices on a list, by member id. */
GPtrArray *store_topic_list_picks(
    struct store *s, gint64 list_id, GError **err);
void store_topic_pick_free(struct store_topic_pick *p);
/* *topic_out NULL: no topic, or no such thread or message. */
bool store_topic_of_thread(
    struct store *s, gint64 thread_id, char **topic_out, GError **err);
bool store_topic_of_message(struct store *s, gint64 list_id,
    const char *message_id, char **topic_out, GError **err);
bool store_topic_set_message(struct store *s, gint64 list_id,
    const char *message_id, const char *topic, GError **err);
/* Threads of a topic, latest message first (store_web_archive.c). */
GPtrArray *store_web_threads_topic(struct store *s, gint64 list_id,
    const char *topic, int limit, GError **err);

#endif
