/*
 * db_sqlite - the SQLite driver of lib/db.h
 *
 * DESCRIPTION
 *	The embedded engine: one file per database, WAL, a busy handler that
 *	waits in short steps, the schema history as SQLite migrations
 *	(PRAGMA user_version), and the archive's FTS5 index with the
 *	tokenizer "moim" (db_tokenize()). Statements are prepared once per
 *	connection, keyed on the address of their SQL literal. See lib/db.h
 *	for what each operation promises.
 * THREADS
 *	One connection per thread (SQLITE_OPEN_NOMUTEX).
 */
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "db.h"
#include "db_sqlite_rank.h"
#include "err.h"

#define DB_SQLITE_BUSY_TIMEOUT_MS 10000

/*
 * Migrations: migrations[i] takes the schema from version i to i + 1.
 * Never edit a migration that has shipped; add the next one.
 */
static const char *const migrations[] = {
    /* 0 -> 1: everything the product needs. */
    "CREATE TABLE lists ("
    "  id INTEGER PRIMARY KEY,"
    "  local TEXT NOT NULL,"
    "  domain TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  UNIQUE (local, domain));"
    "CREATE TABLE list_settings ("
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (list_id, key));"
    "CREATE TABLE members ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  address TEXT NOT NULL,"
    "  display_name TEXT,"
    "  role INTEGER NOT NULL DEFAULT 0 CHECK (role BETWEEN 0 AND 2),"
    "  mode INTEGER NOT NULL DEFAULT 0 CHECK (mode BETWEEN 0 AND 2),"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  bounce_score REAL NOT NULL DEFAULT 0,"
    "  policy_score REAL NOT NULL DEFAULT 0,"
    "  bounce_updated INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL,"
    "  UNIQUE (list_id, address));"
    "CREATE TABLE pending ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  kind INTEGER NOT NULL,"
    "  address TEXT NOT NULL,"
    "  display_name TEXT,"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  used INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE inbound_msgs ("
    "  id INTEGER PRIMARY KEY,"
    "  received INTEGER NOT NULL,"
    "  mail_from TEXT NOT NULL,"
    "  raw BLOB NOT NULL);"
    "CREATE TABLE inbound ("
    "  id INTEGER PRIMARY KEY,"
    "  msg_id INTEGER NOT NULL REFERENCES inbound_msgs(id)"
    "    ON DELETE CASCADE,"
    "  rcpt TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0," /* 0 new, 1 done */
    "  tries INTEGER NOT NULL DEFAULT 0,"
    "  next_try INTEGER NOT NULL DEFAULT 0,"
    "  result TEXT);"
    "CREATE INDEX inbound_due ON inbound (state, next_try);"
    "CREATE TABLE outbound ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER REFERENCES lists(id) ON DELETE SET NULL,"
    "  kind INTEGER NOT NULL,"
    "  envelope_from TEXT,"
    "  message_id TEXT,"
    "  raw BLOB NOT NULL,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  outbound_id INTEGER NOT NULL REFERENCES outbound(id)"
    "    ON DELETE CASCADE,"
    "  rcpt TEXT NOT NULL,"
    "  member_id INTEGER NOT NULL DEFAULT 0,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  tries INTEGER NOT NULL DEFAULT 0,"
    "  next_try INTEGER NOT NULL DEFAULT 0,"
    "  code INTEGER NOT NULL DEFAULT 0,"
    "  text TEXT,"
    "  UNIQUE (outbound_id, rcpt));"
    "CREATE INDEX deliveries_due ON deliveries (state, next_try);"
    "CREATE TABLE held ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  sender TEXT NOT NULL,"
    "  subject TEXT,"
    "  reason TEXT NOT NULL,"
    "  raw BLOB NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'held',"
    "  decided_by TEXT,"
    "  decision_reason TEXT);"
    "CREATE TABLE threads ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  root_message_id TEXT NOT NULL,"
    "  subject TEXT,"
    "  first_date INTEGER,"
    "  last_date INTEGER,"
    "  count INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  message_id TEXT NOT NULL,"
    "  parent_id TEXT,"
    "  thread_id INTEGER REFERENCES threads(id),"
    "  subject TEXT,"
    "  from_addr TEXT,"
    "  from_name TEXT,"
    "  date INTEGER,"
    "  body_text TEXT,"
    "  raw BLOB NOT NULL,"
    "  received INTEGER NOT NULL,"
    "  UNIQUE (list_id, message_id));"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  uid TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL,"
    "  starts INTEGER NOT NULL,"
    "  ends INTEGER NOT NULL,"
    "  all_day INTEGER NOT NULL DEFAULT 0,"
    "  tzid TEXT NOT NULL,"
    "  location TEXT,"
    "  description TEXT,"
    "  capacity INTEGER NOT NULL DEFAULT 0,"
    "  rsvp_by INTEGER NOT NULL DEFAULT 0,"
    "  sequence INTEGER NOT NULL DEFAULT 0,"
    "  organizer TEXT NOT NULL,"
    "  organizer_name TEXT,"
    "  crasher_policy TEXT NOT NULL DEFAULT 'accept',"
    "  state TEXT NOT NULL DEFAULT 'active',"
    "  message_id TEXT,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE event_lists ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (event_id, list_id));"
    "CREATE TABLE invitations ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  address TEXT NOT NULL,"
    "  sequence INTEGER NOT NULL,"
    "  sent INTEGER NOT NULL,"
    "  PRIMARY KEY (event_id, address));"
    "CREATE TABLE rsvps ("
    "  id INTEGER PRIMARY KEY,"
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  address TEXT NOT NULL,"
    "  display_name TEXT,"
    "  answer TEXT NOT NULL," /* accepted, declined, tentative */
    "  headcount INTEGER NOT NULL DEFAULT 1,"
    "  status TEXT NOT NULL," /* attending, waitlist, declined, ... */
    "  source TEXT NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  waitlisted INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (event_id, address));"
    "CREATE TABLE reminders ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  sent INTEGER NOT NULL,"
    "  PRIMARY KEY (event_id, kind));"
    "CREATE TABLE bounces ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  member_id INTEGER,"
    "  address TEXT NOT NULL,"
    "  received INTEGER NOT NULL,"
    "  kind TEXT NOT NULL," /* permanent, temporary, policy */
    "  status TEXT,"
    "  diagnostic TEXT);",
    /* 1 -> 2: archive threads, references and full-text search. */
    "ALTER TABLE messages ADD COLUMN refs TEXT;"
    "ALTER TABLE messages ADD COLUMN attachments TEXT;"
    "CREATE INDEX messages_thread ON messages (thread_id, date);"
    "CREATE INDEX threads_subject ON threads (list_id, subject);"
    "CREATE TABLE message_refs ("
    "  list_id INTEGER NOT NULL,"
    "  ref_id TEXT NOT NULL,"
    "  message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE);"
    "CREATE INDEX message_refs_ref ON message_refs (list_id, ref_id);"
    "CREATE INDEX message_refs_msg ON message_refs (message);"
    /* Archived posts of schema 1 are threaded by parent: the root is the
     * first ancestor whose parent is not archived (a loop has none, and
     * its messages get a thread each). */
    "INSERT INTO threads (list_id, root_message_id, subject, first_date,"
    "  last_date, count) SELECT list_id, message_id, subject, date, date, 0"
    "  FROM messages m WHERE thread_id IS NULL AND NOT EXISTS (SELECT 1"
    "  FROM messages p WHERE p.list_id = m.list_id"
    "  AND p.message_id = m.parent_id);"
    "CREATE TEMP TABLE v2_roots AS WITH RECURSIVE up(id, list_id, mid, pid,"
    "  depth) AS (SELECT id, list_id, message_id, parent_id, 0 FROM messages"
    "  UNION ALL SELECT up.id, up.list_id, p.message_id, p.parent_id,"
    "  depth + 1 FROM up JOIN messages p ON p.list_id = up.list_id"
    "  AND p.message_id = up.pid WHERE depth < 1000)"
    "  SELECT up.id, max(t.id) AS tid FROM up JOIN threads t"
    "  ON t.list_id = up.list_id AND t.root_message_id = up.mid GROUP BY up.id;"
    "UPDATE messages SET thread_id = (SELECT tid FROM v2_roots r"
    "  WHERE r.id = messages.id) WHERE thread_id IS NULL;"
    "DROP TABLE v2_roots;"
    "INSERT INTO threads (list_id, root_message_id, subject, first_date,"
    "  last_date, count) SELECT list_id, message_id, subject, date, date, 0"
    "  FROM messages WHERE thread_id IS NULL;"
    "UPDATE messages SET thread_id = (SELECT max(t.id) FROM threads t"
    "  WHERE t.list_id = messages.list_id"
    "  AND t.root_message_id = messages.message_id) WHERE thread_id IS NULL;"
    "UPDATE threads SET (count, first_date, last_date) = (SELECT count(*),"
    "  min(date), max(date) FROM messages m WHERE m.thread_id = threads.id);"
    "UPDATE messages SET refs = parent_id;"
    "INSERT INTO message_refs SELECT list_id, parent_id, id FROM messages"
    "  WHERE parent_id IS NOT NULL;"
    /* The index reads its text through a view that adds the list as a
     * token, so a search in one list never touches message rows. */
    "CREATE VIEW messages_fts_src AS SELECT id, subject, from_name,"
    "  body_text, attachments, 'l' || list_id AS list_tag FROM messages;"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, from_name,"
    "  body_text, attachments, list_tag, content='messages_fts_src',"
    "  content_rowid='id', tokenize='moim');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    "  INSERT INTO messages_fts (rowid, subject, from_name, body_text,"
    "  attachments, list_tag) VALUES (new.id, new.subject, new.from_name,"
    "  new.body_text, new.attachments, 'l' || new.list_id); END;"
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
    "  INSERT INTO messages_fts (messages_fts, rowid, subject, from_name,"
    "  body_text, attachments, list_tag) VALUES ('delete', old.id,"
    "  old.subject, old.from_name, old.body_text, old.attachments,"
    "  'l' || old.list_id); END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, from_name,"
    "  body_text, attachments, list_id ON messages BEGIN"
    "  INSERT INTO messages_fts (messages_fts, rowid, subject, from_name,"
    "  body_text, attachments, list_tag) VALUES ('delete', old.id,"
    "  old.subject, old.from_name, old.body_text, old.attachments,"
    "  'l' || old.list_id);"
    "  INSERT INTO messages_fts (rowid, subject, from_name, body_text,"
    "  attachments, list_tag) VALUES (new.id, new.subject, new.from_name,"
    "  new.body_text, new.attachments, 'l' || new.list_id); END;"
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');",
    /* 2 -> 3: claims walk pending deliveries in copy order, without
     * reading and sorting every pending row of a large post. */
    "CREATE INDEX deliveries_claim ON deliveries (state, outbound_id, id);",
    /* 3 -> 4: digests. A post is queued for the list's digest while
     * digest members exist; the digest timer sends and clears it. */
    "CREATE TABLE digest_queue ("
    "  id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
    "  raw BLOB NOT NULL,"
    "  queued INTEGER NOT NULL);"
    "CREATE INDEX digest_queue_list ON digest_queue (list_id, id);"
    "CREATE TABLE digests ("
    "  list_id INTEGER PRIMARY KEY REFERENCES lists(id) ON DELETE CASCADE,"
    "  issue INTEGER NOT NULL DEFAULT 0,"
    "  last_sent INTEGER NOT NULL DEFAULT 0);",
    /* 4 -> 5: an event adopted from an organizer's calendar keeps that
     * calendar's UID, so its updates and cancellations find it. */
    "ALTER TABLE events ADD COLUMN source_uid TEXT;"
    "CREATE INDEX events_source_uid ON events (source_uid);",
    /* 5 -> 6: a command that changes something for its sender (digest,
     * nomail, rsvp) waits for the sender's confirmation, as written. */
    "ALTER TABLE pending ADD COLUMN command TEXT;",
    /* 6 -> 7: the owner's view of a member finds its last bounce. */
    "CREATE INDEX bounces_member ON bounces (member_id, id);",
    /* 7 -> 8: one-line texts (moim_text_line) stored before it existed
     * lose their line breaks, so their events' answers can be confirmed
     * again. */
    "UPDATE events SET"
    " title = replace(replace(replace(title, char(13, 10), ' '),"
    "  char(13), ' '), char(10), ' '),"
    " location = replace(replace(replace(location, char(13, 10), ' '),"
    "  char(13), ' '), char(10), ' '),"
    " organizer_name = replace(replace(replace(organizer_name,"
    "  char(13, 10), ' '), char(13), ' '), char(10), ' ');"
    "UPDATE rsvps SET display_name = replace(replace(replace(display_name,"
    "  char(13, 10), ' '), char(13), ' '), char(10), ' ');",
    /* 8 -> 9: the web archive lists a list's threads by start and by
     * last message, and counts posts per month, without a table scan. */
    "CREATE INDEX threads_started ON threads (list_id, first_date);"
    "CREATE INDEX threads_active ON threads (list_id, last_date);"
    "CREATE INDEX messages_list_date ON messages (list_id, date);",
    /* 9 -> 10: what moim-web asks moim-listd to do (acts: unsubscribe,
     * answer, join, sign in) and the mailed sign-in links. Acts stay
     * after they are done: a removed member's unsubscribe link is still
     * checked against its act. */
    "CREATE TABLE web_acts ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL," /* unsub, rsvp, join, signin */
    "  list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE,"
    "  member_id INTEGER,"
    "  event_id INTEGER,"
    "  address TEXT NOT NULL,"
    "  answer TEXT,"
    "  guests INTEGER NOT NULL DEFAULT 0,"
    "  next TEXT,"
    "  created INTEGER NOT NULL,"
    "  done INTEGER NOT NULL DEFAULT 0,"
    "  result TEXT);"
    "CREATE INDEX web_acts_undone ON web_acts (done, id);"
    "CREATE INDEX web_acts_member ON web_acts (member_id, id);"
    "CREATE TABLE web_signins ("
    "  id INTEGER PRIMARY KEY,"
    "  address TEXT NOT NULL,"
    "  next TEXT,"
    "  created INTEGER NOT NULL,"
    "  used INTEGER NOT NULL DEFAULT 0);",
    /* 10 -> 11: recurring events and topics. events.rrule is an RFC 5545
     * RRULE value read in the event's zone from its first start (NULL:
     * one session). A session is named by its original start instant
     * (its RECURRENCE-ID); event_sessions holds the sessions that differ
     * from the rule: moved (new starts/ends) or skipped (an EXDATE, or a
     * CANCEL sent). An answer is for one session, or for the series
     * (session 0); rsvps is rebuilt for its new unique key. A thread and
     * its messages keep their topic; member_topics a member's choice
     * (follow or mute per topic). */
    "ALTER TABLE events ADD COLUMN rrule TEXT;"
    "CREATE TABLE event_sessions ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  session INTEGER NOT NULL,"
    "  starts INTEGER NOT NULL,"
    "  ends INTEGER NOT NULL,"
    "  state TEXT NOT NULL," /* moved, skipped */
    "  sequence INTEGER NOT NULL DEFAULT 0,"
    "  location TEXT,"
    "  PRIMARY KEY (event_id, session));"
    "CREATE TABLE rsvps_11 ("
    "  id INTEGER PRIMARY KEY,"
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  session INTEGER NOT NULL DEFAULT 0,"
    "  address TEXT NOT NULL,"
    "  display_name TEXT,"
    "  answer TEXT NOT NULL,"
    "  headcount INTEGER NOT NULL DEFAULT 1,"
    "  status TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  waitlisted INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (event_id, session, address));"
    "INSERT INTO rsvps_11 (id, event_id, session, address, display_name,"
    "  answer, headcount, status, source, updated, waitlisted)"
    "  SELECT id, event_id, 0, address, display_name, answer, headcount,"
    "  status, source, updated, waitlisted FROM rsvps;"
    "DROP TABLE rsvps;"
    "ALTER TABLE rsvps_11 RENAME TO rsvps;"
    "ALTER TABLE web_acts ADD COLUMN session INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE threads ADD COLUMN topic TEXT;"
    "ALTER TABLE messages ADD COLUMN topic TEXT;"
    "CREATE TABLE member_topics ("
    "  member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,"
    "  topic TEXT NOT NULL,"
    "  choice TEXT NOT NULL," /* follow, mute */
    "  PRIMARY KEY (member_id, topic));",
    /* 11 -> 12: a list's place among an event's lists is kept as a
     * number (the first is the list it was announced on), not as the
     * row's place in the table, which only SQLite has. */
    "ALTER TABLE event_lists ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE event_lists SET seq = rowid;",
    /* 12 -> 13: an invitation to many members is one outbound row of
     * kind 4 (STORE_OUT_INVITE) holding what their copies share, and
     * each delivery's part what is that member's own (ical/imipcopy);
     * NULL for every other kind. */
    "ALTER TABLE deliveries ADD COLUMN part BLOB;",
    /* 13 -> 14: who holds a seat in which session of a recurring event
     * through an answer for the whole series (rsvps session 0), and for
     * how many people, so that a lowered capacity takes no such seat
     * (ical/seats.h); an answer for one session keeps its seat in its
     * own status. */
    "CREATE TABLE session_seats ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  session INTEGER NOT NULL,"
    "  address TEXT NOT NULL,"
    "  headcount INTEGER NOT NULL,"
    "  PRIMARY KEY (event_id, session, address));",
    /* 14 -> 15: several moim-listd workers on one database. Each worker
     * has a row whose lease it renews; an inbound job or a delivery it
     * claimed names it as owner, and when its lease runs out another
     * worker gives what it claimed back to the queue (store_worker_reap). */
    "CREATE TABLE workers ("
    "  id INTEGER PRIMARY KEY,"
    "  host TEXT NOT NULL,"
    "  pid INTEGER NOT NULL,"
    "  started INTEGER NOT NULL,"
    "  lease_until INTEGER NOT NULL);"
    "ALTER TABLE inbound ADD COLUMN owner INTEGER;"
    "ALTER TABLE deliveries ADD COLUMN owner INTEGER;",
    /* 15 -> 16: PostgreSQL's search index changes shape (message_terms,
     * lib/db_pg_schema.c); SQLite's FTS5 index stays as it is. */
    "SELECT 1;",
    /* 16 -> 17: PostgreSQL's writers notify listeners of their changes
     * (lib/db_pg_schema.c); SQLite has the WAL file to watch. */
    "SELECT 1;",
    /* 17 -> 18: PostgreSQL notifies new inbound jobs too; SQLite: as
     * 17. */
    "SELECT 1;",
};

struct sq_conn {
	struct db base;
	sqlite3 *db;
	GHashTable *stmts; /* SQL text (by address) -> struct sq_stmt */
};

struct sq_stmt {
	struct db_stmt base;
	struct sq_conn *c;
	sqlite3_stmt *st;
};

#define CONN(d) ((struct sq_conn *)(d))
#define STMT(s) ((struct sq_stmt *)(s))

/* sq_fail - convert the connection's SQLite error into a GError */
static bool
sq_fail(struct sq_conn *c, GError **err, const char *what)
{
	int rc = sqlite3_extended_errcode(c->db);
	int prim = rc & 0xff;
	enum moim_err code = MOIM_ERR_INTERNAL;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED ||
	    prim == SQLITE_IOERR || prim == SQLITE_FULL ||
	    prim == SQLITE_CANTOPEN || prim == SQLITE_PROTOCOL)
		code = MOIM_ERR_TEMP;
	else if (prim == SQLITE_CONSTRAINT)
		code = MOIM_ERR_INPUT;
	return moim_fail(
	    err, code, "database: %s: %s", what, sqlite3_errmsg(c->db));
}

/* sq_exec - run SQL without parameters */
static bool
sq_exec(struct db *d, const char *sql, GError **err)
{
	struct sq_conn *c = CONN(d);

	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(c, err, "exec");
	return true;
}

/* sq_bind - bind the parameters fmt names from ap */
static int
sq_bind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	int i, rc = SQLITE_OK;

	for (i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++) {
		if (fmt[i] == 'i') {
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, gint64));
		} else if (fmt[i] == 't') {
			rc = sqlite3_bind_text(st, i + 1,
			    va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
		} else if (fmt[i] == 'd') {
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
		} else {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(
			    st, i + 1, p ? p : "", n, SQLITE_TRANSIENT);
		}
	}
	return rc;
}

/* sq_prepare - the cached statement for sql, reset and bound */
static struct db_stmt *
sq_prepare(
    struct db *d, const char *sql, const char *fmt, va_list ap, GError **err)
{
	struct sq_conn *c = CONN(d);
	struct sq_stmt *s = g_hash_table_lookup(c->stmts, sql);

	if (s == NULL) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v3(c->db, sql, -1,
			SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			sq_fail(c, err, "prepare");
			return NULL;
		}
		s = g_new0(struct sq_stmt, 1);
		s->base.ops = &db_sqlite_ops;
		s->c = c;
		s->st = st;
		g_hash_table_insert(c->stmts, (gpointer)sql, s);
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	if (sq_bind(s->st, fmt, ap) != SQLITE_OK) {
		sq_fail(c, err, "bind");
		return NULL;
	}
	return &s->base;
}

/* sq_stmt_of - sq_prepare() with the parameters as arguments */
static struct db_stmt *
sq_stmt_of(struct db *d, GError **err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = sq_prepare(d, sql, fmt, ap, err);
	va_end(ap);
	return st;
}

/* sq_step - the next row; the statement is reset when done or failed */
static bool
sq_step(struct db_stmt *dst, bool *has_row_out, GError **err)
{
	struct sq_stmt *s = STMT(dst);
	int rc = sqlite3_step(s->st);

	*has_row_out = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		return true;
	sqlite3_reset(s->st);
	if (rc != SQLITE_DONE)
		return sq_fail(s->c, err, "step");
	return true;
}

static void
sq_reset(struct db_stmt *st)
{
	if (st != NULL)
		sqlite3_reset(STMT(st)->st);
}

static gint64
sq_col_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(STMT(st)->st, i);
}

static double
sq_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(STMT(st)->st, i);
}

static const char *
sq_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(STMT(st)->st, i);
}

static const void *
sq_col_blob(struct db_stmt *st, int i, size_t *len_out)
{
	const void *p = sqlite3_column_blob(STMT(st)->st, i);

	*len_out = (size_t)sqlite3_column_bytes(STMT(st)->st, i);
	return p;
}

static bool
sq_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(STMT(st)->st, i) == SQLITE_NULL;
}

static gint64
sq_changes(struct db *d)
{
	return sqlite3_changes(CONN(d)->db);
}

/* sq_one_int - the integer of st's one row (0 without one), -1 on error */
static gint64
sq_one_int(struct db_stmt *st, GError **err)
{
	bool row;
	gint64 v = 0;

	if (st == NULL || !sq_step(st, &row, err))
		return -1;
	if (row) {
		v = sq_col_int64(st, 0);
		sq_reset(st);
	}
	return v;
}

/* ------------------------------------------------------- transactions */

static bool
sq_begin(struct db *d, GError **err)
{
	return sq_exec(d, "BEGIN IMMEDIATE", err);
}

/* sq_begin_read - the statements until commit see one snapshot, and
 * SQLite takes its locks once */
static bool
sq_begin_read(struct db *d, GError **err)
{
	return sq_exec(d, "BEGIN DEFERRED", err);
}

static bool
sq_in_transaction(struct db *d)
{
	return !sqlite3_get_autocommit(CONN(d)->db);
}

static void
sq_rollback(struct db *d)
{
	if (sq_in_transaction(d))
		(void)sqlite3_exec(CONN(d)->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool
sq_commit(struct db *d, GError **err)
{
	if (sq_exec(d, "COMMIT", err))
		return true;
	sq_rollback(d);
	return false;
}

/* Savepoints let multi-row writes nest inside a caller's transaction. */
static bool
sq_savepoint(struct db *d, GError **err)
{
	return sq_exec(d, "SAVEPOINT w", err);
}

static bool
sq_release(struct db *d, bool ok, GError **err)
{
	if (ok)
		return sq_exec(d, "RELEASE w", err);
	(void)sqlite3_exec(
	    CONN(d)->db, "ROLLBACK TO w; RELEASE w", NULL, NULL, NULL);
	return false;
}

/* ------------------------------------------------------------- schema */

/* sq_schema_version - PRAGMA user_version, or -1 */
static int
sq_schema_version(struct db *d)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(
		CONN(d)->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* sq_migrate - apply migrations up to version */
static bool
sq_migrate(struct db *d, int version, GError **err)
{
	int v = sq_schema_version(d);

	if (v < 0)
		return sq_fail(CONN(d), err, "user_version");
	if (v > (int)G_N_ELEMENTS(migrations))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "database schema %d is newer than this moim (%d)", v,
		    (int)G_N_ELEMENTS(migrations));
	for (; v < version && v < (int)G_N_ELEMENTS(migrations); v++) {
		char *sql;
		bool ok;

		if (!sq_begin(d, err))
			return false;
		/* Another process may have migrated while we waited. */
		if (sq_schema_version(d) > v) {
			(void)sq_exec(d, "COMMIT", NULL);
			continue;
		}
		sql = g_strdup_printf(
		    "%s; PRAGMA user_version = %d;", migrations[v], v + 1);
		ok = sq_exec(d, sql, err) && sq_exec(d, "COMMIT", err);
		g_free(sql);
		if (!ok) {
			sq_rollback(d);
			return false;
		}
	}
	return true;
}

/* sq_data_version - PRAGMA data_version: changes when another connection
 * commits */
static gint64
sq_data_version(struct db *d, GError **err)
{
	return sq_one_int(sq_stmt_of(d, err, "PRAGMA data_version", ""), err);
}

/* sq_change_fd - none: moim-listd watches the WAL file (listd/main.c) */
static bool
sq_change_fd(struct db *d, int *fd_out, GError **err)
{
	(void)d;
	(void)err;
	*fd_out = -1;
	return true;
}

/* ---------------------------------------------------- extra operations */

/* sq_delivery_claim - one UPDATE ... RETURNING: SQLite has one writer,
 * so no other worker can claim the rows meanwhile */
static struct db_stmt *
sq_delivery_claim(
    struct db *d, gint64 owner, gint64 now, int limit, GError **err)
{
	return sq_stmt_of(d, err,
	    "UPDATE deliveries SET state = 1, owner = nullif(?, 0)"
	    " WHERE id IN (SELECT id FROM"
	    " deliveries INDEXED BY deliveries_claim"
	    " WHERE state = 0 AND next_try <= ?"
	    " ORDER BY outbound_id, id LIMIT ?)"
	    " RETURNING id, outbound_id, rcpt, member_id, tries, part",
	    "iii", owner, now, (gint64)limit);
}

/* sq_inbound_claim - one UPDATE, atomic under SQLite's one writer */
static bool
sq_inbound_claim(
    struct db *d, gint64 owner, gint64 now, int limit, GError **err)
{
	struct db_stmt *st = sq_stmt_of(d, err,
	    "UPDATE inbound SET owner = nullif(?, 0) WHERE id IN (SELECT id"
	    " FROM inbound WHERE state = 0 AND next_try <= ?"
	    " AND owner IS NULL ORDER BY id LIMIT ?)",
	    "iii", owner, now, (gint64)limit);
	bool row;

	return st != NULL && sq_step(st, &row, err);
}

/* sq_deliveries_add - one prepared INSERT stepped per row: with one
 * local writer a row costs a few microseconds, no round trip */
static bool
sq_deliveries_add(struct db *d, gint64 outbound_id,
    const struct db_delivery *rows, size_t n, bool with_parts, GError **err)
{
	struct db_stmt *st;
	bool row;

	for (size_t i = 0; i < n; i++) {
		st = with_parts
		    ? sq_stmt_of(d, err,
			  "INSERT INTO deliveries (outbound_id, rcpt,"
			  " member_id, part) VALUES (?, ?, ?, ?)"
			  " ON CONFLICT DO NOTHING",
			  "itib", outbound_id, rows[i].rcpt, rows[i].member_id,
			  rows[i].part, rows[i].part_len)
		    : sq_stmt_of(d, err,
			  "INSERT INTO deliveries (outbound_id, rcpt,"
			  " member_id) VALUES (?, ?, ?)"
			  " ON CONFLICT DO NOTHING",
			  "iti", outbound_id, rows[i].rcpt, rows[i].member_id);
		if (st == NULL || !sq_step(st, &row, err))
			return false;
	}
	return true;
}

/* sq_members_add - one prepared INSERT stepped per row, as
 * sq_deliveries_add */
static bool
sq_members_add(struct db *d, gint64 list_id, const struct db_member *rows,
    size_t n, bool *added_out, GError **err)
{
	struct db_stmt *st;
	bool row;

	for (size_t i = 0; i < n; i++) {
		st = sq_stmt_of(d, err,
		    "INSERT INTO members (list_id, address, display_name,"
		    " role, mode, created) VALUES (?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (list_id, address) DO NOTHING",
		    "ittiii", list_id, rows[i].address, rows[i].display_name,
		    rows[i].role, rows[i].mode, rows[i].created);
		if (st == NULL || !sq_step(st, &row, err))
			return false;
		added_out[i] = sq_changes(d) > 0;
	}
	return true;
}

/* sq_archive_add - the message, its references and its thread's count
 * in a savepoint (local statements: nothing to gain by joining them) */
static bool
sq_archive_add(
    struct db *d, const struct db_archived *m, gint64 *id_out, GError **err)
{
	struct db_stmt *st;
	bool ok, row = false;

	*id_out = 0;
	if (!sq_savepoint(d, err))
		return false;
	st = sq_stmt_of(d, err,
	    "INSERT INTO messages (list_id, message_id, parent_id, subject,"
	    " from_addr, from_name, date, body_text, raw, received,"
	    " thread_id, refs, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, nullif(?, 0), ?, ?) ON CONFLICT (list_id, message_id)"
	    " DO NOTHING RETURNING id",
	    "itttttitbiitt", m->list_id, m->message_id, m->parent_id,
	    m->subject, m->from_addr, m->from_name, m->date, m->body_text,
	    m->raw, m->len, m->received, m->thread_id, m->refs_joined,
	    m->attachments);
	ok = st != NULL && sq_step(st, &row, err);
	if (ok && row)
		*id_out = sq_col_int64(st, 0);
	sq_reset(st);
	for (size_t i = 0; ok && *id_out > 0 && i < m->nrefs; i++)
		ok = (st = sq_stmt_of(d, err,
			  "INSERT INTO message_refs (list_id, ref_id, message)"
			  " VALUES (?, ?, ?)",
			  "iti", m->list_id, m->refs[i], *id_out)) != NULL &&
		    sq_step(st, &row, err);
	if (ok && *id_out > 0 && m->thread_id > 0)
		ok = (st = sq_stmt_of(d, err,
			  "UPDATE threads SET count = count + 1,"
			  " first_date = CASE WHEN first_date IS NULL"
			  " OR first_date > ? THEN ? ELSE first_date END,"
			  " last_date = CASE WHEN last_date IS NULL"
			  " OR last_date < ? THEN ? ELSE last_date END"
			  " WHERE id = ?",
			  "iiiii", m->date, m->date, m->date, m->date,
			  m->thread_id)) != NULL &&
		    sq_step(st, &row, err);
	return sq_release(d, ok, err);
}

/* sq_archive_index - the FTS5 index follows the messages table by
 * triggers (migration 2) */
static bool
sq_archive_index(struct db *d, gint64 message_id, GError **err)
{
	(void)d;
	(void)message_id;
	(void)err;
	return true;
}

/* ids_of - the first column of every row of st, or NULL */
static GArray *
ids_of(struct db_stmt *st, GError **err)
{
	GArray *ids;
	bool row = true;

	if (st == NULL)
		return NULL;
	ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	while (row) {
		if (!sq_step(st, &row, err)) {
			g_array_unref(ids);
			return NULL;
		}
		if (row) {
			gint64 id = sq_col_int64(st, 0);

			g_array_append_val(ids, id);
		}
	}
	return ids;
}

/* only_list - whether every archived message is the list's (1), not
 * (0), or -1 on error: two seeks in messages_list_date */
static int
only_list(struct db *d, gint64 list_id, GError **err)
{
	return (int)sq_one_int(
	    sq_stmt_of(d, err,
		"SELECT coalesce((SELECT min(list_id) FROM messages) = ?1"
		" AND (SELECT max(list_id) FROM messages) = ?1, 1)",
		"i", list_id),
	    err);
}

/* list_match - match within one list: the list is a token of the index
 * (migration 2's view), so this is one intersection and reads no message
 * rows; a query of exclusions only excludes from the list. An archive
 * of that list alone needs no intersection (it costs a step over the
 * list's token per match, and ranking would count the list's rows), so
 * match stays as it is then, and *filters_out (may be NULL) says how
 * many phrases of the result only filter: what moim_rank() skips. */
static char *
list_match(struct db *d, gint64 list_id, const char *match, int *filters_out,
    GError **err)
{
	bool is_not = g_str_has_prefix(match, "NOT ");
	int only = is_not ? 0 : only_list(d, list_id, err);

	if (only < 0)
		return NULL;
	if (filters_out != NULL)
		*filters_out = only ? 0 : 1;
	if (only)
		return g_strdup(match);
	return g_strdup_printf("list_tag : \"l%" G_GINT64_FORMAT "\" %s%s",
	    list_id, is_not ? "" : "AND ", match);
}

/* One ranked match: moim_rank()'s score (lower is better) and its id. */
struct scored {
	double score;
	gint64 id;
};

/* scored_cmp - best first: lower score, then the newer (higher) id, as
 * "ORDER BY score, id DESC" orders them */
static gint
scored_cmp(gconstpointer pa, gconstpointer pb)
{
	const struct scored *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

/* keep_best - add x to best, which holds at most keep matches (keep <= 0:
 * every one), best first, so that it holds the best of those added */
static void
keep_best(GArray *best, int keep, const struct scored *x)
{
	guint i = best->len;

	if (keep <= 0) {
		g_array_append_val(best, *x);
		return;
	}
	if (i == (guint)keep &&
	    scored_cmp(x, &g_array_index(best, struct scored, i - 1)) >= 0)
		return;
	while (i > 0 &&
	    scored_cmp(x, &g_array_index(best, struct scored, i - 1)) < 0)
		i--;
	g_array_insert_val(best, i, *x);
	if (best->len > (guint)keep)
		g_array_set_size(best, (guint)keep);
}

/* ranked_window - the best keep (<= 0: all) of the newest window matches
 * of m (all when window < 0), best first; in *n_out how many there were
 * and in *oldest_out the lowest id among them. Ranking costs a few
 * microseconds a match: a word in every third post of a big archive
 * would cost tens of milliseconds, so a search for the best few ranks
 * the newest DB_SEARCH_RANK_WINDOW matches only (FTS5 reads them newest
 * first and stops there). moim_rank() is bm25 with the weights subject
 * 4, from_name 2, body 1, attachments 1, list tag 0 (db_sqlite_rank.h);
 * each row's length comes from its docsize record joined here, a step
 * of this statement, rather than from a statement FTS5 would run for
 * each row. */
static GArray *
ranked_window(struct db *d, const char *m, int filters, gint64 window, int keep,
    gint64 *n_out, gint64 *oldest_out, GError **err)
{
	struct db_stmt *st = sq_stmt_of(d, err,
	    "SELECT f.rowid, moim_rank(messages_fts, ?, z.sz)"
	    " FROM messages_fts f LEFT JOIN messages_fts_docsize z"
	    " ON z.id = f.rowid WHERE messages_fts MATCH ?"
	    " ORDER BY f.rowid DESC LIMIT ?",
	    "iti", (gint64)filters, m, window);
	GArray *best;
	bool row = true;

	if (st == NULL)
		return NULL;
	best = g_array_new(FALSE, FALSE, sizeof(struct scored));
	for (*n_out = 0; row; ++*n_out) {
		struct scored x;

		if (!sq_step(st, &row, err)) {
			g_array_unref(best);
			return NULL;
		}
		if (!row)
			break;
		x.id = sq_col_int64(st, 0);
		/* SQLite makes a NaN score NULL, which sorts first. */
		x.score =
		    sq_col_is_null(st, 1) ? -INFINITY : sq_col_double(st, 1);
		*oldest_out = x.id;
		keep_best(best, keep, &x);
	}
	if (keep <= 0)
		g_array_sort(best, scored_cmp);
	return best;
}

/* ranked_ids - the best limit matches (limit <= 0: all, every one
 * ranked) of the newest DB_SEARCH_RANK_WINDOW, and in *total_out (may be
 * NULL) the number of all matches: those past the window are counted
 * from where the window ends, so each match is read once, not once to
 * rank and again to count */
static GArray *
ranked_ids(struct db *d, gint64 list_id, const char *match, int limit,
    gint64 *total_out, GError **err)
{
	int filters = 0;
	g_autofree char *m = list_match(d, list_id, match, &filters, err);
	gint64 window = limit > 0 ? DB_SEARCH_RANK_WINDOW : -1, n = 0;
	gint64 oldest = 0;
	g_autoptr(GArray) best = NULL;
	GArray *ids;

	if (m == NULL)
		return NULL;
	best = ranked_window(d, m, filters, window, limit, &n, &oldest, err);
	if (best == NULL)
		return NULL;
	if (total_out != NULL)
		*total_out = n;
	if (total_out != NULL && window > 0 && n == window) {
		gint64 rest =
		    sq_one_int(sq_stmt_of(d, err,
				   "SELECT count(*) FROM messages_fts"
				   " WHERE messages_fts MATCH ? AND rowid < ?",
				   "ti", m, oldest),
			err);

		if (rest < 0)
			return NULL;
		*total_out += rest;
	}
	ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), best->len);
	for (guint i = 0; i < best->len; i++)
		g_array_append_val(
		    ids, g_array_index(best, struct scored, i).id);
	return ids;
}

/* sq_archive_search - matching ids, best (ranked_ids()) or newest first */
static GArray *
sq_archive_search(struct db *d, gint64 list_id, const char *match,
    enum db_search_order order, int limit, int offset, GError **err)
{
	g_autofree char *m = NULL;

	if (order == DB_SEARCH_RANKED)
		return ranked_ids(d, list_id, match, limit, NULL, err);
	m = list_match(d, list_id, match, NULL, err);
	if (m == NULL)
		return NULL;
	return ids_of(
	    sq_stmt_of(d, err,
		"SELECT rowid FROM messages_fts WHERE"
		" messages_fts MATCH ?"
		" ORDER BY rowid DESC LIMIT ? OFFSET ?",
		"tii", m, (gint64)(limit > 0 ? limit : -1), (gint64)offset),
	    err);
}

/* sq_archive_search_counted - ranked_ids() with the total */
static GArray *
sq_archive_search_counted(struct db *d, gint64 list_id, const char *match,
    int limit, gint64 *total_out, GError **err)
{
	return ranked_ids(d, list_id, match, limit, total_out, err);
}

/* sq_archive_count - how many messages of the list match */
static gint64
sq_archive_count(
    struct db *d, gint64 list_id, const char *match, gint64 cap, GError **err)
{
	g_autofree char *m = list_match(d, list_id, match, NULL, err);

	if (m == NULL)
		return -1;
	return sq_one_int(sq_stmt_of(d, err,
			      "SELECT count(*) FROM (SELECT 1 FROM messages_fts"
			      " WHERE messages_fts MATCH ? LIMIT ?)",
			      "ti", m, cap),
	    err);
}

/* ------------------------------------------------------------ tokenizer */

/* The FTS5 face of db_tokenize(): the tokenizer "moim" has no state. */
static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	(void)argc;
	*out = (Fts5Tokenizer *)&tok_create;
	return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

struct tok_fts5 {
	void *ctx;
	int (*emit)(void *, int, const char *, int, int, int);
};

/* tok_emit - pass one term to FTS5 */
static int
tok_emit(
    void *ctx, bool is_colocated, const char *term, int len, int start, int end)
{
	struct tok_fts5 *f = ctx;

	return f->emit(f->ctx, is_colocated ? FTS5_TOKEN_COLOCATED : 0, term,
	    len, start, end);
}

/* tok_tokenize - FTS5 xTokenize */
static int
tok_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int len,
    int (*emit)(void *, int, const char *, int, int, int))
{
	struct tok_fts5 f = {ctx, emit};

	(void)tk;
	return db_tokenize(
	    text, len, (flags & FTS5_TOKENIZE_QUERY) != 0, tok_emit, &f);
}

/* sq_tokenizer - register tokenizer "moim" on the connection */
static bool
sq_tokenizer(struct sq_conn *c, GError **err)
{
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(c->db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return sq_fail(c, err, "fts5");
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	(void)sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL, "SQLite without FTS5");
	if (api->xCreateTokenizer(api, "moim", NULL, &tok, NULL) != SQLITE_OK)
		return sq_fail(c, err, "fts5 tokenizer");
	if (!db_sqlite_rank_register(api))
		return sq_fail(c, err, "fts5 rank");
	return true;
}

/* ---------------------------------------------------------- connection */

static void
stmt_free(gpointer p)
{
	struct sq_stmt *s = p;

	sqlite3_finalize(s->st);
	g_free(s);
}

/*
 * busy_wait - SQLite's busy handler: wait for another writer in short
 * steps. SQLite's own busy timeout sleeps up to 100 ms at a time, which
 * several threads committing each delivery turn into most of their time.
 */
static int
busy_wait(void *data, int count)
{
	/* Each step is at most 2 ms, so count steps wait at most 2 * count
	 * ms: give up once that could exceed the timeout. */
	if ((gint64)count * 2 >= DB_SQLITE_BUSY_TIMEOUT_MS)
		return 0;
	g_usleep(MIN(50 << MIN(count, 6), 2000));
	return 1;
}

/* sq_close - finalize every statement and close; NULL is fine */
static void
sq_close(struct db *d)
{
	struct sq_conn *c = CONN(d);

	if (c == NULL)
		return;
	g_hash_table_destroy(c->stmts);
	if (c->db != NULL)
		sqlite3_close(c->db);
	g_free(c);
}

/* sq_setup - the connection's settings for its access */
static bool
sq_setup(struct sq_conn *c, const char *path, enum db_access acc, GError **err)
{
	sqlite3_busy_handler(c->db, busy_wait, NULL);
	sqlite3_extended_result_codes(c->db, 1);
	if (!sq_tokenizer(c, err) ||
	    !sq_exec(&c->base, "PRAGMA foreign_keys = ON", err))
		return false;
	/* A brief reader's page cache: the search reads about a hundred
	 * pages, each into a new buffer by default, and a page of new
	 * memory (a fault, zeroed) costs more than reading a page again:
	 * 16 buffers, reused, took one search from 236 page faults to 141
	 * and 8.9 ms to 6.6 (doc/perf/README.md). */
	if (acc == DB_RO_BRIEF)
		return sq_exec(&c->base, "PRAGMA cache_size = 16", err);
	if (acc == DB_RO)
		return true;
	/* SQLite opens a file it may only read read-only, quietly. */
	if (sqlite3_db_readonly(c->db, "main") == 1)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "database %s: attempt to write a readonly database", path);
	return sq_exec(&c->base, "PRAGMA journal_mode = WAL", err) &&
	    sq_exec(&c->base,
		acc == DB_RW_SYNC ? "PRAGMA synchronous = FULL"
				  : "PRAGMA synchronous = NORMAL",
		err);
}

/* sq_open - open (in RW modes create) the database file path */
static struct db *
sq_open(const char *path, enum db_access acc, GError **err)
{
	struct sq_conn *c = g_new0(struct sq_conn, 1);
	int flags = db_reads_only(acc)
	    ? SQLITE_OPEN_READONLY
	    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	c->base.ops = &db_sqlite_ops;
	c->stmts = g_hash_table_new_full(
	    g_direct_hash, g_direct_equal, NULL, stmt_free);
	if (sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		moim_fail(err, MOIM_ERR_TEMP, "database %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sq_close(&c->base);
		return NULL;
	}
	if (!sq_setup(c, path, acc, err)) {
		sq_close(&c->base);
		return NULL;
	}
	return &c->base;
}

const struct db_ops db_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .step = sq_step,
    .reset = sq_reset,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_is_null = sq_col_is_null,
    .changes = sq_changes,
    .exec = sq_exec,
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .savepoint = sq_savepoint,
    .release = sq_release,
    .schema_version = sq_schema_version,
    .migrate = sq_migrate,
    .data_version = sq_data_version,
    .change_fd = sq_change_fd,
    .delivery_claim = sq_delivery_claim,
    .deliveries_add = sq_deliveries_add,
    .members_add = sq_members_add,
    .archive_add = sq_archive_add,
    .inbound_claim = sq_inbound_claim,
    .archive_index = sq_archive_index,
    .archive_search = sq_archive_search,
    .archive_count = sq_archive_count,
    .archive_search_counted = sq_archive_search_counted,
};
