/*
 * store - the SQLite database: lists, members, queues, archive, events
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

#define STORE_BUSY_TIMEOUT_MS 10000

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
    /* 7 -> 8: one-line texts (store_text_line) stored before it existed
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
    /* 11 -> 12: an invitation to many members is one outbound row of
     * kind 4 (STORE_OUT_INVITE) holding what their copies share, and
     * each delivery's part what is that member's own (ical/imipcopy);
     * NULL for every other kind. */
    "ALTER TABLE deliveries ADD COLUMN part BLOB;",
};

/* store_text_line - s with each run of control characters as one space */
char *
store_text_line(const char *s)
{
	GString *out;
	const guchar *p;
	bool in_run = false;

	if (s == NULL)
		return NULL;
	out = g_string_sized_new(strlen(s));
	for (p = (const guchar *)s; *p != '\0';) {
		size_t n = 0;

		if (*p < 0x20 || *p == 0x7f)
			n = 1;
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			n = 2; /* C1 */
		else if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			n = 3; /* line and paragraph separators */
		if (n == 0) {
			g_string_append_c(out, (char)*p++);
			in_run = false;
			continue;
		}
		if (!in_run)
			g_string_append_c(out, ' ');
		in_run = true;
		p += n;
	}
	return g_string_free(out, FALSE);
}

/* store_errf - convert the connection's SQLite error into a GError */
bool
sq_err(struct store *s, GError **err, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db);
	int prim = rc & 0xff;
	enum moim_err code = MOIM_ERR_INTERNAL;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED ||
	    prim == SQLITE_IOERR || prim == SQLITE_FULL ||
	    prim == SQLITE_CANTOPEN || prim == SQLITE_PROTOCOL)
		code = MOIM_ERR_TEMP;
	else if (prim == SQLITE_CONSTRAINT)
		code = MOIM_ERR_INPUT;
	return moim_fail(
	    err, code, "database: %s: %s", what, sqlite3_errmsg(s->db));
}

/* store_exec - run SQL without parameters */
static bool
store_exec(struct store *s, const char *sql, GError **err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_err(s, err, "exec");
	return true;
}

/*
 * stmt - the cached prepared statement for sql, reset and with bindings
 * from fmt: 'i' gint64, 't' text (NULL binds NULL), 'b' blob (ptr, size_t),
 * 'd' double. sql must be a string literal: its address is the cache key.
 */
sqlite3_stmt *
sq_stmt(struct store *s, GError **err, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = g_hash_table_lookup(s->stmts, sql);
	va_list ap;
	int i, rc = SQLITE_OK;

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, sql, -1,
			SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			sq_err(s, err, "prepare");
			return NULL;
		}
		g_hash_table_insert(s->stmts, (gpointer)sql, st);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	va_start(ap, fmt);
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
	va_end(ap);
	if (rc != SQLITE_OK) {
		sq_err(s, err, "bind");
		return NULL;
	}
	return st;
}

/* step_done - step a statement that returns no rows */
bool
sq_done(struct store *s, sqlite3_stmt *st, GError **err)
{
	int rc;

	if (st == NULL)
		return false;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_err(s, err, "step");
	return true;
}

/* step_row - step once; *has_row_out tells whether a row came */
bool
sq_row(struct store *s, sqlite3_stmt *st, bool *has_row_out, GError **err)
{
	int rc;

	*has_row_out = false;
	if (st == NULL)
		return false;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*has_row_out = true;
		return true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_err(s, err, "step");
	return true;
}

char *
sq_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? g_strdup((const char *)t) : NULL;
}

GBytes *
sq_blob(sqlite3_stmt *st, int i)
{
	const void *p = sqlite3_column_blob(st, i);
	int n = sqlite3_column_bytes(st, i);

	return g_bytes_new(p, (gsize)n);
}

/* query_int - a single integer result, or dflt when there is no row */
gint64
sq_int(struct store *s, sqlite3_stmt *st, gint64 dflt, GError **err)
{
	bool row;
	gint64 v = dflt;

	if (!sq_row(s, st, &row, err))
		return -1;
	if (row) {
		v = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return v;
}

/* sq_exists - whether st's one number is above 0; false on error */
bool
sq_exists(struct store *s, sqlite3_stmt *st, bool *yes_out, GError **err)
{
	gint64 n = sq_int(s, st, 0, err);

	*yes_out = n > 0;
	return n >= 0;
}

/* sq_one - the first row of st, made by row(); *out NULL without one */
bool
sq_one(struct store *s, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *),
    gpointer *out, GError **err)
{
	bool has;

	*out = NULL;
	if (!sq_row(s, st, &has, err))
		return false;
	if (has) {
		*out = row(st);
		sqlite3_reset(st);
	}
	return true;
}

/* sq_collect - every row of st, made by row(); NULL on error */
GPtrArray *
sq_collect(struct store *s, sqlite3_stmt *st, sq_row_fn row,
    GDestroyNotify free_fn, GError **err)
{
	GPtrArray *a;
	bool has_row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func(free_fn);
	for (;;) {
		if (!sq_row(s, st, &has_row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!has_row)
			return a;
		g_ptr_array_add(a, row(st));
	}
}

/* Savepoints let multi-row writes nest inside a caller's transaction. */
bool
sq_begin(struct store *s, GError **err)
{
	return store_exec(s, "SAVEPOINT w", err);
}

bool
sq_end(struct store *s, bool ok, GError **err)
{
	if (ok)
		return store_exec(s, "RELEASE w", err);
	(void)sqlite3_exec(s->db, "ROLLBACK TO w; RELEASE w", NULL, NULL, NULL);
	return false;
}

/* store_migrate_to - apply migrations up to version */
bool
store_migrate_to(struct store *s, int version, GError **err)
{
	int v = store_schema_version(s);

	if (v < 0)
		return sq_err(s, err, "user_version");
	if (v > (int)G_N_ELEMENTS(migrations))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "database schema %d is newer than this moim (%d)", v,
		    (int)G_N_ELEMENTS(migrations));
	for (; v < version; v++) {
		char *sql;
		bool ok;

		if (!store_exec(s, "BEGIN IMMEDIATE", err))
			return false;
		/* Another process may have migrated while we waited. */
		if (store_schema_version(s) > v) {
			(void)store_exec(s, "COMMIT", NULL);
			continue;
		}
		sql = g_strdup_printf(
		    "%s; PRAGMA user_version = %d;", migrations[v], v + 1);
		ok = store_exec(s, sql, err) && store_exec(s, "COMMIT", err);
		g_free(sql);
		if (!ok) {
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return false;
		}
	}
	return true;
}

static void
finalize_stmt(gpointer p)
{
	sqlite3_finalize(p);
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
	if ((gint64)count * 2 >= STORE_BUSY_TIMEOUT_MS)
		return 0;
	g_usleep(MIN(50 << MIN(count, 6), 2000));
	return 1;
}

/* store_open - open (and in RW modes create and migrate) the database */
struct store *
store_open(const char *path, enum store_access acc, GError **err)
{
	struct store *s = g_new0(struct store, 1);
	int flags = acc == STORE_RO
	    ? SQLITE_OPEN_READONLY
	    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	s->stmts = g_hash_table_new_full(
	    g_direct_hash, g_direct_equal, NULL, finalize_stmt);
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		moim_fail(err, MOIM_ERR_TEMP, "database %s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_handler(s->db, busy_wait, NULL);
	sqlite3_extended_result_codes(s->db, 1);
	if (!sq_archive_tokenizer(s, err) ||
	    !store_exec(s, "PRAGMA foreign_keys = ON", err))
		goto fail;
	if (acc == STORE_RO) {
		if (store_schema_version(s) != STORE_SCHEMA_VERSION) {
			moim_fail(err, MOIM_ERR_CONFIG,
			    "database %s: schema %d, want %d (run moimctl check)",
			    path, store_schema_version(s),
			    STORE_SCHEMA_VERSION);
			goto fail;
		}
		return s;
	}
	/* SQLite opens a file it may only read read-only, quietly. */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "database %s: attempt to write a readonly database", path);
		goto fail;
	}
	if (!store_exec(s, "PRAGMA journal_mode = WAL", err) ||
	    !store_exec(s,
		acc == STORE_RW_SYNC ? "PRAGMA synchronous = FULL"
				     : "PRAGMA synchronous = NORMAL",
		err) ||
	    !store_migrate_to(s, STORE_SCHEMA_VERSION, err))
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

/* store_close - finalize every statement and close; NULL is fine */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	g_hash_table_destroy(s->stmts);
	if (s->db != NULL)
		sqlite3_close(s->db);
	g_free(s);
}

/* store_schema_version - PRAGMA user_version, or -1 */
int
store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* store_data_version - PRAGMA data_version: changes when another
 * connection commits, so a reader can tell whether what it remembers
 * of the database still holds; -1 on error */
gint64
store_data_version(struct store *s, GError **err)
{
	return sq_int(s, sq_stmt(s, err, "PRAGMA data_version", ""), -1, err);
}

/* store_begin - start a write transaction (takes the write lock now) */
bool
store_begin(struct store *s, GError **err)
{
	return store_exec(s, "BEGIN IMMEDIATE", err);
}

/* store_read_begin - start a read transaction: the statements until
 * store_commit() see one snapshot, and SQLite takes its locks once */
bool
store_read_begin(struct store *s, GError **err)
{
	return store_exec(s, "BEGIN DEFERRED", err);
}

/* store_commit - commit; on failure the transaction is rolled back */
bool
store_commit(struct store *s, GError **err)
{
	if (store_exec(s, "COMMIT", err))
		return true;
	store_rollback(s);
	return false;
}

/* store_rollback - abandon the transaction, if one is open */
void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---------------------------------------------------------------- lists */

/* store_list_create - add a list with default settings and its name */
bool
store_list_create(struct store *s, const char *local, const char *domain,
    const char *name, gint64 now, gint64 *id_out, GError **err)
{
	sqlite3_stmt *st;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	st = sq_stmt(s, err,
	    "INSERT INTO lists (local, domain, created) VALUES (?, ?, ?)",
	    "tti", local, domain, now);
	ok = sq_done(s, st, err);
	if (ok) {
		*id_out = sqlite3_last_insert_rowid(s->db);
		ok = store_list_set(s, *id_out, "name", name, err);
	}
	if (!ok && err && *err && (*err)->code == MOIM_ERR_INPUT &&
	    strstr((*err)->message, "UNIQUE") != NULL) {
		g_clear_error(err);
		moim_fail(
		    err, MOIM_ERR_INPUT, "%s@%s: list exists", local, domain);
	}
	return sq_end(s, ok, err);
}

/* list_load_settings - apply the stored settings over the defaults */
static bool
list_load_settings(struct store *s, struct store_list *l, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT key, value FROM list_settings WHERE list_id = ?", "i",
	    l->id);
	bool row;

	listset_defaults(&l->set, l->local);
	for (;;) {
		if (!sq_row(s, st, &row, err))
			return false;
		if (!row)
			return true;
		/* A setting this version does not know stays ignored. */
		(void)listset_apply(&l->set,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), NULL);
	}
}

static gpointer
list_from_row(sqlite3_stmt *st)
{
	struct store_list *l = g_new0(struct store_list, 1);

	l->id = sqlite3_column_int64(st, 0);
	l->local = sq_text(st, 1);
	l->domain = sq_text(st, 2);
	l->created = sqlite3_column_int64(st, 3);
	l->address = g_strdup_printf("%s@%s", l->local, l->domain);
	return l;
}

/* lists_collect - read every row of st as a list, with its settings */
static GPtrArray *
lists_collect(struct store *s, sqlite3_stmt *st, GError **err)
{
	GPtrArray *a =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_list_free);
	bool row;
	guint i;

	for (;;) {
		if (!sq_row(s, st, &row, err))
			goto fail;
		if (!row)
			break;
		g_ptr_array_add(a, list_from_row(st));
	}
	for (i = 0; i < a->len; i++)
		if (!list_load_settings(s, a->pdata[i], err))
			goto fail;
	return a;
fail:
	g_ptr_array_unref(a);
	return NULL;
}

/* list_one - the single list st selects, with its settings, or NULL */
static bool
list_one(
    struct store *s, sqlite3_stmt *st, struct store_list **l_out, GError **err)
{
	gpointer l;

	*l_out = NULL;
	if (!sq_one(s, st, list_from_row, &l, err))
		return false;
	if (l != NULL && !list_load_settings(s, l, err)) {
		store_list_free(l);
		return false;
	}
	*l_out = l;
	return true;
}

#define LIST_COLS "SELECT id, local, domain, created FROM lists "

/* store_list_get - the list local@domain, or *l_out = NULL */
bool
store_list_get(struct store *s, const char *local, const char *domain,
    struct store_list **l_out, GError **err)
{
	return list_one(s,
	    sq_stmt(s, err, LIST_COLS "WHERE local = ? AND domain = ?", "tt",
		local, domain),
	    l_out, err);
}

/* store_list_get_id - the list with this id, or *l_out = NULL */
bool
store_list_get_id(
    struct store *s, gint64 id, struct store_list **l_out, GError **err)
{
	return list_one(
	    s, sq_stmt(s, err, LIST_COLS "WHERE id = ?", "i", id), l_out, err);
}

/* store_list_all - every list, by address */
GPtrArray *
store_list_all(struct store *s, GError **err)
{
	sqlite3_stmt *st =
	    sq_stmt(s, err, LIST_COLS "ORDER BY domain, local", "");

	return st ? lists_collect(s, st, err) : NULL;
}

/* store_list_by_local - the lists called local in any domain */
GPtrArray *
store_list_by_local(struct store *s, const char *local, GError **err)
{
	sqlite3_stmt *st = sq_stmt(
	    s, err, LIST_COLS "WHERE local = ? ORDER BY domain", "t", local);

	return st ? lists_collect(s, st, err) : NULL;
}

/* store_list_set - validate and store one setting */
bool
store_list_set(struct store *s, gint64 list_id, const char *key,
    const char *value, GError **err)
{
	struct listset check;
	bool ok;

	listset_defaults(&check, "x");
	ok = listset_apply(&check, key, value, err);
	listset_clear(&check);
	if (!ok)
		return false;
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO list_settings (list_id, key, value) VALUES (?, ?, ?)"
		" ON CONFLICT (list_id, key) DO UPDATE SET value = excluded.value",
		"itt", list_id, key, value),
	    err);
}

/* store_list_delete - remove a list and everything that hangs on it */
bool
store_list_delete(struct store *s, gint64 list_id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "DELETE FROM lists WHERE id = ?", "i", list_id),
	    err);
}

/* store_list_free - free l; NULL is fine */
void
store_list_free(struct store_list *l)
{
	if (l == NULL)
		return;
	g_free(l->local);
	g_free(l->domain);
	g_free(l->address);
	listset_clear(&l->set);
	g_free(l);
}

/* -------------------------------------------------------------- members */

static const char *const role_names[] = {"member", "moderator", "owner"};
static const char *const mode_names[] = {"regular", "digest", "nomail"};

const char *
store_role_name(enum store_role r)
{
	return role_names[r];
}

const char *
store_mode_name(enum store_mode m)
{
	return mode_names[m];
}

static bool
name_index(const char *const *names, size_t n, const char *s, int *i_out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (g_ascii_strcasecmp(names[i], s) == 0) {
			*i_out = (int)i;
			return true;
		}
	return false;
}

bool
store_role_parse(const char *s, enum store_role *r_out)
{
	int i;

	if (!name_index(role_names, G_N_ELEMENTS(role_names), s, &i))
		return false;
	*r_out = (enum store_role)i;
	return true;
}

bool
store_mode_parse(const char *s, enum store_mode *m_out)
{
	int i;

	if (!name_index(mode_names, G_N_ELEMENTS(mode_names), s, &i))
		return false;
	*m_out = (enum store_mode)i;
	return true;
}

/* store_member_add - add a member; *added_out is false if already there */
bool
store_member_add(struct store *s, gint64 list_id, const char *address,
    const char *display_name, enum store_role role, enum store_mode mode,
    gint64 now, bool *added_out, GError **err)
{
	g_autofree char *name = store_text_line(display_name);
	sqlite3_stmt *st = sq_stmt(s, err,
	    "INSERT INTO members (list_id, address, display_name, role, mode,"
	    " created) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (list_id, address) DO NOTHING",
	    "ittiii", list_id, address, name, (gint64)role, (gint64)mode, now);

	if (!sq_done(s, st, err))
		return false;
	if (added_out != NULL)
		*added_out = sqlite3_changes(s->db) > 0;
	return true;
}

#define MEMBER_COLS                                                            \
	"SELECT id, list_id, address, display_name, role, mode, enabled,"      \
	" bounce_score, created FROM members "

static gpointer
member_from_row(sqlite3_stmt *st)
{
	struct store_member *m = g_new0(struct store_member, 1);

	m->id = sqlite3_column_int64(st, 0);
	m->list_id = sqlite3_column_int64(st, 1);
	m->address = sq_text(st, 2);
	m->display_name = sq_text(st, 3);
	m->role = (enum store_role)CLAMP(sqlite3_column_int(st, 4), 0, 2);
	m->mode = (enum store_mode)CLAMP(sqlite3_column_int(st, 5), 0, 2);
	m->enabled = sqlite3_column_int(st, 6) != 0;
	m->bounce_score = sqlite3_column_double(st, 7);
	m->created = sqlite3_column_int64(st, 8);
	return m;
}

static GPtrArray *
members_collect(struct store *s, sqlite3_stmt *st, GError **err)
{
	return sq_collect(
	    s, st, member_from_row, (GDestroyNotify)store_member_free, err);
}

/* member_one - the first member st selects, or NULL */
static bool
member_one(struct store *s, sqlite3_stmt *st, struct store_member **m_out,
    GError **err)
{
	gpointer m;
	bool ok = sq_one(s, st, member_from_row, &m, err);

	*m_out = m;
	return ok;
}

/* store_member_get - the member address of list_id, or *m_out = NULL */
bool
store_member_get(struct store *s, gint64 list_id, const char *address,
    struct store_member **m_out, GError **err)
{
	return member_one(s,
	    sq_stmt(s, err, MEMBER_COLS "WHERE list_id = ? AND address = ?",
		"it", list_id, address),
	    m_out, err);
}

/* store_member_get_id - the member with this id, or *m_out = NULL */
bool
store_member_get_id(
    struct store *s, gint64 id, struct store_member **m_out, GError **err)
{
	return member_one(s,
	    sq_stmt(s, err, MEMBER_COLS "WHERE id = ?", "i", id), m_out, err);
}

/* store_member_remove - remove; *removed_out is false if not a member.
 * A row of kind "left" in web_acts keeps the member's id, list and
 * address, so that an unsubscribe link in old mail still verifies: a
 * second one-click POST answers 200 whichever way the member left. */
bool
store_member_remove(struct store *s, gint64 list_id, const char *address,
    bool *removed_out, GError **err)
{
	bool ok;
	int n = 0;

	if (!sq_begin(s, err))
		return false;
	ok =
	    sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO web_acts (kind, list_id, member_id, address,"
		    " created, done, result) SELECT 'left', list_id, id,"
		    " address, CAST(strftime('%s', 'now') AS INTEGER), 1,"
		    " 'removed' FROM members WHERE list_id = ? AND address = ?",
		    "it", list_id, address),
		err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "DELETE FROM members WHERE list_id = ? AND address = ?",
		    "it", list_id, address),
		err);
	if (ok)
		n = sqlite3_changes(s->db);
	if (!sq_end(s, ok, err))
		return false;
	if (removed_out != NULL)
		*removed_out = n > 0;
	return true;
}

bool
store_member_set_role(
    struct store *s, gint64 member_id, enum store_role role, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET role = ? WHERE id = ?", "ii",
		(gint64)role, member_id),
	    err);
}

bool
store_member_set_mode(
    struct store *s, gint64 member_id, enum store_mode mode, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET mode = ? WHERE id = ?", "ii",
		(gint64)mode, member_id),
	    err);
}

bool
store_member_set_enabled(
    struct store *s, gint64 member_id, bool enabled, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET enabled = ? WHERE id = ?", "ii",
		(gint64)enabled, member_id),
	    err);
}

/* store_member_list - members of a list, by address; role < 0 for all */
GPtrArray *
store_member_list(struct store *s, gint64 list_id, int role, GError **err)
{
	if (role < 0)
		return members_collect(s,
		    sq_stmt(s, err,
			MEMBER_COLS "WHERE list_id = ? ORDER BY address", "i",
			list_id),
		    err);
	return members_collect(s,
	    sq_stmt(s, err,
		MEMBER_COLS "WHERE list_id = ? AND role = ? ORDER BY address",
		"ii", list_id, (gint64)role),
	    err);
}

/* store_member_recipients - the enabled members in one delivery mode */
GPtrArray *
store_member_recipients(
    struct store *s, gint64 list_id, enum store_mode mode, GError **err)
{
	return members_collect(s,
	    sq_stmt(s, err,
		MEMBER_COLS "WHERE list_id = ? AND mode = ? AND enabled = 1"
			    " ORDER BY id",
		"ii", list_id, (gint64)mode),
	    err);
}

/* store_member_has_mode - whether an enabled member is in this mode */
bool
store_member_has_mode(struct store *s, gint64 list_id, enum store_mode mode,
    bool *has_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM members WHERE list_id = ?"
		" AND mode = ? AND enabled = 1)",
		"ii", list_id, (gint64)mode),
	    has_out, err);
}

/* store_member_count - the number of members of a list, -1 on error */
gint64
store_member_count(struct store *s, gint64 list_id, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM members WHERE list_id = ?",
		"i", list_id),
	    0, err);
}

/* store_member_bounce - decay a member's score and add one failure */
bool
store_member_bounce(struct store *s, gint64 member_id, bool policy, gint64 now,
    gint64 half_life, double *score_out, GError **err)
{
	sqlite3_stmt *st;
	bool row;

	/* exp2 is not in every SQLite: decay by halving whole periods. */
	st = policy
	    ? sq_stmt(s, err,
		  "UPDATE members SET policy_score = policy_score /"
		  " (1 << min(62, max(0, (? - bounce_updated) / ?))) + 1,"
		  " bounce_updated = ? WHERE id = ? RETURNING policy_score",
		  "iiii", now, half_life, now, member_id)
	    : sq_stmt(s, err,
		  "UPDATE members SET bounce_score = bounce_score /"
		  " (1 << min(62, max(0, (? - bounce_updated) / ?))) + 1,"
		  " bounce_updated = ? WHERE id = ? RETURNING bounce_score",
		  "iiii", now, half_life, now, member_id);
	if (!sq_row(s, st, &row, err))
		return false;
	*score_out = 0;
	if (row) {
		*score_out = sqlite3_column_double(st, 0);
		sqlite3_reset(st);
	}
	return true;
}

/* store_member_bounce_reset - forget a member's failures */
bool
store_member_bounce_reset(struct store *s, gint64 member_id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE members SET bounce_score = 0, policy_score = 0"
		" WHERE id = ?",
		"i", member_id),
	    err);
}

/* store_bounce_add - keep one bounce for the owners' reports */
bool
store_bounce_add(struct store *s, gint64 list_id, gint64 member_id,
    const char *address, const char *kind, const char *status,
    const char *diagnostic, gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO bounces (list_id, member_id, address, received,"
		" kind, status, diagnostic) VALUES (?, ?, ?, ?, ?, ?, ?)",
		"iitittt", list_id, member_id, address, now, kind, status,
		diagnostic),
	    err);
}

/* bounce_state_from_row - a struct store_bounce_state from a row */
static gpointer
bounce_state_from_row(sqlite3_stmt *st)
{
	struct store_bounce_state *b = g_new0(struct store_bounce_state, 1);

	b->score = sqlite3_column_double(st, 0);
	b->policy_score = sqlite3_column_double(st, 1);
	b->updated = sqlite3_column_int64(st, 2);
	b->last = sqlite3_column_int64(st, 3);
	b->kind = sq_text(st, 4);
	b->status = sq_text(st, 5);
	b->diagnostic = sq_text(st, 6);
	return b;
}

/* store_member_bounce_state - a member's scores and last bounce, for the
 * owner's view; *st_out NULL when there is no such member */
bool
store_member_bounce_state(struct store *s, gint64 member_id,
    struct store_bounce_state **st_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err,
		"SELECT m.bounce_score, m.policy_score, m.bounce_updated,"
		" b.received, b.kind, b.status, b.diagnostic FROM members m"
		" LEFT JOIN bounces b ON b.id = (SELECT max(id) FROM bounces"
		" WHERE member_id = m.id) WHERE m.id = ?",
		"i", member_id),
	    bounce_state_from_row, (gpointer *)st_out, err);
}

/* store_bounce_state_free - release what store_member_bounce_state made */
void
store_bounce_state_free(struct store_bounce_state *b)
{
	if (b == NULL)
		return;
	g_free(b->kind);
	g_free(b->status);
	g_free(b->diagnostic);
	g_free(b);
}

/* store_bounce_count - bounces of a kind recorded for a list */
gint64
store_bounce_count(
    struct store *s, gint64 list_id, const char *kind, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM bounces WHERE list_id = ? AND kind = ?",
		"it", list_id, kind),
	    0, err);
}

void
store_member_free(struct store_member *m)
{
	if (m == NULL)
		return;
	g_free(m->address);
	g_free(m->display_name);
	g_free(m);
}

/* -------------------------------------------------------------- pending */

static const char *const pending_names[] = {
    "subscribe", "unsubscribe", "probe", "command"};

const char *
store_pending_kind_name(enum store_pending_kind k)
{
	return pending_names[k];
}

/* store_pending_add - record a confirmation that a token will refer to */
bool
store_pending_add(struct store *s, gint64 list_id, enum store_pending_kind kind,
    const char *address, const char *display_name, gint64 now, gint64 expires,
    gint64 *id_out, GError **err)
{
	g_autofree char *name = store_text_line(display_name);

	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO pending (list_id, kind, address, display_name,"
		    " created, expires) VALUES (?, ?, ?, ?, ?, ?)",
		    "iittii", list_id, (gint64)kind, address, name, now,
		    expires),
		err))
		return false;
	*id_out = sqlite3_last_insert_rowid(s->db);
	return true;
}

/* store_pending_add_command - record a command waiting for its sender's
 * confirmation */
bool
store_pending_add_command(struct store *s, gint64 list_id, const char *address,
    const char *command, gint64 now, gint64 expires, gint64 *id_out,
    GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO pending (list_id, kind, address, created,"
		    " expires, command) VALUES (?, ?, ?, ?, ?, ?)",
		    "iitiit", list_id, (gint64)STORE_PENDING_COMMAND, address,
		    now, expires, command),
		err))
		return false;
	*id_out = sqlite3_last_insert_rowid(s->db);
	return true;
}

/* store_pending_get - the pending row id, or *p_out = NULL */
bool
store_pending_get(
    struct store *s, gint64 id, struct store_pending **p_out, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, kind, address, display_name, created, expires,"
	    " used, command FROM pending WHERE id = ?",
	    "i", id);
	struct store_pending *p;
	bool row;

	*p_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	p = g_new0(struct store_pending, 1);
	p->id = sqlite3_column_int64(st, 0);
	p->list_id = sqlite3_column_int64(st, 1);
	p->kind = (enum store_pending_kind)CLAMP(
	    sqlite3_column_int(st, 2), 0, STORE_PENDING_COMMAND);
	p->address = sq_text(st, 3);
	p->display_name = sq_text(st, 4);
	p->created = sqlite3_column_int64(st, 5);
	p->expires = sqlite3_column_int64(st, 6);
	p->used = sqlite3_column_int(st, 7) != 0;
	p->command = sq_text(st, 8);
	sqlite3_reset(st);
	*p_out = p;
	return true;
}

/* store_pending_consume - mark used once; a second use changes nothing */
bool
store_pending_consume(
    struct store *s, gint64 id, bool *consumed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE pending SET used = 1 WHERE id = ? AND used = 0",
		    "i", id),
		err))
		return false;
	*consumed_out = sqlite3_changes(s->db) > 0;
	return true;
}

/* store_pending_expire - forget confirmations past their expiry */
bool
store_pending_expire(struct store *s, gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "DELETE FROM pending WHERE expires < ?", "i", now),
	    err);
}

void
store_pending_free(struct store_pending *p)
{
	if (p == NULL)
		return;
	g_free(p->address);
	g_free(p->command);
	g_free(p->display_name);
	g_free(p);
}

/* -------------------------------------------------------------- inbound */

/* store_inbound_add - keep a message and one job per recipient, atomically */
bool
store_inbound_add(struct store *s, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *raw, size_t len,
    gint64 now, gint64 *msg_id_out, GError **err)
{
	bool ok;
	size_t i;
	gint64 msg_id;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO inbound_msgs (received, mail_from, raw)"
		" VALUES (?, ?, ?)",
		"itb", now, mail_from, raw, len),
	    err);
	msg_id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; ok && i < nrcpt; i++)
		ok = sq_done(s,
		    sq_stmt(s, err,
			"INSERT INTO inbound (msg_id, rcpt) VALUES (?, ?)",
			"it", msg_id, rcpts[i]),
		    err);
	if (ok && msg_id_out != NULL)
		*msg_id_out = msg_id;
	return sq_end(s, ok, err);
}

/* store_inbound_due - jobs waiting to be processed, oldest first */
GPtrArray *
store_inbound_due(struct store *s, gint64 now, int limit, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT i.id, i.msg_id, m.mail_from, i.rcpt, i.tries, m.received"
	    " FROM inbound i JOIN inbound_msgs m ON m.id = i.msg_id"
	    " WHERE i.state = 0 AND i.next_try <= ? ORDER BY i.id LIMIT ?",
	    "ii", now, (gint64)limit);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_inbound_free);
	for (;;) {
		struct store_inbound *j;

		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		j = g_new0(struct store_inbound, 1);
		j->id = sqlite3_column_int64(st, 0);
		j->msg_id = sqlite3_column_int64(st, 1);
		j->mail_from = sq_text(st, 2);
		j->rcpt = sq_text(st, 3);
		j->tries = sqlite3_column_int(st, 4);
		j->received = sqlite3_column_int64(st, 5);
		g_ptr_array_add(a, j);
	}
}

/* store_inbound_raw - the bytes of a stored message */
bool
store_inbound_raw(
    struct store *s, gint64 msg_id, GBytes **raw_out, GError **err)
{
	sqlite3_stmt *st = sq_stmt(
	    s, err, "SELECT raw FROM inbound_msgs WHERE id = ?", "i", msg_id);
	bool row;

	*raw_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	*raw_out = sq_blob(st, 0);
	sqlite3_reset(st);
	return true;
}

/*
 * store_inbound_done - a job is processed; the message goes when its last
 * job does (the archive keeps its own copy).
 */
bool
store_inbound_done(
    struct store *s, gint64 job_id, const char *result, GError **err)
{
	bool ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
		 sq_stmt(s, err,
		     "UPDATE inbound SET state = 1, result = ? WHERE id = ?",
		     "ti", result, job_id),
		 err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "DELETE FROM inbound_msgs WHERE id ="
		    " (SELECT msg_id FROM inbound WHERE id = ?) AND NOT EXISTS"
		    " (SELECT 1 FROM inbound WHERE msg_id = inbound_msgs.id"
		    "  AND state = 0)",
		    "i", job_id),
		err);
	return sq_end(s, ok, err);
}

/* store_inbound_retry - try a job again later (a temporary failure) */
bool
store_inbound_retry(struct store *s, gint64 job_id, gint64 next_try,
    const char *error, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE inbound SET tries = tries + 1, next_try = ?, result = ?"
		" WHERE id = ?",
		"iti", next_try, error, job_id),
	    err);
}

/* store_inbound_pending_count - jobs not yet processed */
gint64
store_inbound_pending_count(struct store *s, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM inbound WHERE state = 0", ""),
	    0, err);
}

void
store_inbound_free(struct store_inbound *j)
{
	if (j == NULL)
		return;
	g_free(j->mail_from);
	g_free(j->rcpt);
	g_free(j);
}

/* ------------------------------------------------------------- outbound */

/* outbound_add - a copy to send and one delivery per recipient, each
 * with its part when parts is set */
static bool
outbound_add(struct store *s, gint64 list_id, enum store_out_kind kind,
    const char *envelope_from, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, GBytes *const *parts,
    size_t nrcpt, gint64 now, gint64 *id_out, GError **err)
{
	gint64 id;
	size_t i;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO outbound (list_id, kind, envelope_from, message_id,"
		" raw, created) VALUES (nullif(?, 0), ?, ?, ?, ?, ?)",
		"iittbi", list_id, (gint64)kind, envelope_from, message_id, raw,
		len, now),
	    err);
	id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; ok && i < nrcpt; i++)
		ok = sq_done(s,
		    parts == NULL
			? sq_stmt(s, err,
			      "INSERT INTO deliveries (outbound_id, rcpt,"
			      " member_id) VALUES (?, ?, ?)"
			      " ON CONFLICT DO NOTHING",
			      "iti", id, rcpts[i].address, rcpts[i].member_id)
			: sq_stmt(s, err,
			      "INSERT INTO deliveries (outbound_id, rcpt,"
			      " member_id, part) VALUES (?, ?, ?, ?)"
			      " ON CONFLICT DO NOTHING",
			      "itib", id, rcpts[i].address, rcpts[i].member_id,
			      g_bytes_get_data(parts[i], NULL),
			      g_bytes_get_size(parts[i])),
		    err);
	if (ok && id_out != NULL)
		*id_out = id;
	return sq_end(s, ok, err);
}

/* store_outbound_add - a copy to send and one delivery per recipient */
bool
store_outbound_add(struct store *s, gint64 list_id, enum store_out_kind kind,
    const char *envelope_from, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, size_t nrcpt, gint64 now,
    gint64 *id_out, GError **err)
{
	return outbound_add(s, list_id, kind, envelope_from, message_id, raw,
	    len, rcpts, NULL, nrcpt, now, id_out, err);
}

/* store_outbound_add_parts - the same, each delivery with its own part */
bool
store_outbound_add_parts(struct store *s, gint64 list_id,
    enum store_out_kind kind, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, GBytes *const *parts,
    size_t nrcpt, gint64 now, GError **err)
{
	return outbound_add(s, list_id, kind, NULL, message_id, raw, len, rcpts,
	    parts, nrcpt, now, NULL, err);
}

/* store_outbound_get - a copy with its bytes, or *o_out = NULL */
bool
store_outbound_get(
    struct store *s, gint64 id, struct store_outbound **o_out, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id, ifnull(list_id, 0), kind, envelope_from, message_id, raw"
	    " FROM outbound WHERE id = ?",
	    "i", id);
	struct store_outbound *o;
	bool row;

	*o_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	o = g_new0(struct store_outbound, 1);
	o->id = sqlite3_column_int64(st, 0);
	o->list_id = sqlite3_column_int64(st, 1);
	o->kind = (enum store_out_kind)CLAMP(
	    sqlite3_column_int(st, 2), 0, STORE_OUT_INVITE);
	o->envelope_from = sq_text(st, 3);
	o->message_id = sq_text(st, 4);
	o->raw = sq_blob(st, 5);
	sqlite3_reset(st);
	*o_out = o;
	return true;
}

void
store_outbound_free(struct store_outbound *o)
{
	if (o == NULL)
		return;
	g_free(o->envelope_from);
	g_free(o->message_id);
	if (o->raw != NULL)
		g_bytes_unref(o->raw);
	g_free(o);
}

/* store_delivery_claim - mark up to limit due deliveries SENDING and return
 * them, grouped by copy */
GPtrArray *
store_delivery_claim(struct store *s, gint64 now, int limit, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "UPDATE deliveries SET state = 1 WHERE id IN (SELECT id FROM"
	    " deliveries INDEXED BY deliveries_claim"
	    " WHERE state = 0 AND next_try <= ?"
	    " ORDER BY outbound_id, id LIMIT ?)"
	    " RETURNING id, outbound_id, rcpt, member_id, tries, part",
	    "ii", now, (gint64)limit);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_delivery_free);
	for (;;) {
		struct store_delivery *d;

		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			break;
		d = g_new0(struct store_delivery, 1);
		d->id = sqlite3_column_int64(st, 0);
		d->outbound_id = sqlite3_column_int64(st, 1);
		d->rcpt = sq_text(st, 2);
		d->member_id = sqlite3_column_int64(st, 3);
		d->tries = sqlite3_column_int(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			d->part = sq_blob(st, 5);
		g_ptr_array_add(a, d);
	}
	return a;
}

/* store_delivery_reset_claims - after a crash, claimed rows are due again */
bool
store_delivery_reset_claims(struct store *s, GError **err)
{
	return sq_done(s,
	    sq_stmt(
		s, err, "UPDATE deliveries SET state = 0 WHERE state = 1", ""),
	    err);
}

/* store_delivery_done - record the final state of n deliveries at once */
bool
store_delivery_done(struct store *s, const gint64 *ids, size_t n,
    enum store_dstate state, int code, const char *text, GError **err)
{
	size_t i;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	for (i = 0, ok = true; ok && i < n; i++)
		ok = sq_done(s,
		    sq_stmt(s, err,
			"UPDATE deliveries SET state = ?, code = ?, text = ?,"
			" tries = tries + 1 WHERE id = ?",
			"iiti", (gint64)state, (gint64)code, text, ids[i]),
		    err);
	return sq_end(s, ok, err);
}

/* store_delivery_defer - a temporary failure: due again at next_try; only
 * a delivery still being sent goes back (one already recorded stays) */
bool
store_delivery_defer(struct store *s, gint64 id, gint64 next_try, int code,
    const char *text, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE deliveries SET state = 0, next_try = ?, code = ?,"
		" text = ?, tries = tries + 1 WHERE id = ? AND state = 1",
		"iiti", next_try, (gint64)code, text, id),
	    err);
}

/* store_delivery_bounced - a bounce for rcpt's delivery of batched copy
 * outbound_id, made at or after since: the sent delivery is marked failed
 * with text, and *member_id_out names its member; 0 when there is no such
 * delivery, or it was already marked (a bounce counts once per copy) */
bool
store_delivery_bounced(struct store *s, gint64 outbound_id, const char *rcpt,
    gint64 since, const char *text, gint64 *member_id_out, GError **err)
{
	*member_id_out = sq_int(s,
	    sq_stmt(s, err,
		"UPDATE deliveries SET state = 3, text = ?"
		" WHERE outbound_id = ? AND rcpt = ? COLLATE NOCASE"
		" AND state = 2 AND outbound_id IN (SELECT id FROM outbound"
		" WHERE id = ? AND kind = ? AND created >= ?)"
		" RETURNING member_id",
		"titiii", text, outbound_id, rcpt, outbound_id,
		(gint64)STORE_OUT_BATCH, since),
	    0, err);
	return *member_id_out >= 0;
}

/* store_delivery_count - deliveries in a state, -1 on error */
gint64
store_delivery_count(struct store *s, enum store_dstate state, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM deliveries WHERE state = ?",
		"i", (gint64)state),
	    0, err);
}

/* store_delivery_next_due - the earliest next_try of a pending delivery,
 * 0 when none is pending */
gint64
store_delivery_next_due(struct store *s, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT ifnull(min(next_try), 0) FROM deliveries WHERE state = 0",
		""),
	    0, err);
}

void
store_delivery_free(struct store_delivery *d)
{
	if (d == NULL)
		return;
	g_free(d->rcpt);
	if (d->part != NULL)
		g_bytes_unref(d->part);
	g_free(d);
}

/* ----------------------------------------------------------- moderation */

/* store_held_add - keep a post for the moderators */
bool
store_held_add(struct store *s, gint64 list_id, const char *sender,
    const char *subject, const char *reason, const char *raw, size_t len,
    gint64 now, gint64 expires, gint64 *id_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO held (list_id, sender, subject, reason, raw,"
		    " created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "itttbii", list_id, sender, subject, reason, raw, len, now,
		    expires),
		err))
		return false;
	if (id_out != NULL)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return true;
}

static struct store_held *
held_from_row(sqlite3_stmt *st, bool with_raw)
{
	struct store_held *h = g_new0(struct store_held, 1);

	h->id = sqlite3_column_int64(st, 0);
	h->list_id = sqlite3_column_int64(st, 1);
	h->sender = sq_text(st, 2);
	h->subject = sq_text(st, 3);
	h->reason = sq_text(st, 4);
	h->created = sqlite3_column_int64(st, 5);
	h->expires = sqlite3_column_int64(st, 6);
	if (with_raw) {
		h->raw = sq_blob(st, 7);
		h->state = sq_text(st, 8);
		h->decided_by = sq_text(st, 9);
		h->decision_reason = sq_text(st, 10);
	}
	return h;
}

/* held_full_from_row - a held post with its bytes and decision (sq_one) */
static gpointer
held_full_from_row(sqlite3_stmt *st)
{
	return held_from_row(st, true);
}

/* store_held_list - posts still waiting for a decision */
GPtrArray *
store_held_list(struct store *s, gint64 list_id, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires"
	    " FROM held WHERE list_id = ? AND state = 'held' ORDER BY id",
	    "i", list_id);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_held_free);
	for (;;) {
		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		g_ptr_array_add(a, held_from_row(st, false));
	}
}

/* store_held_get - a held post that still waits, with its bytes */
bool
store_held_get(
    struct store *s, gint64 id, struct store_held **h_out, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires, raw,"
	    " state, decided_by, decision_reason"
	    " FROM held WHERE id = ? AND state = 'held'",
	    "i", id);
	gpointer h;
	bool ok = sq_one(s, st, held_full_from_row, &h, err);

	*h_out = h;
	return ok;
}

/* store_held_decide - approve, reject or expire once; later calls change
 * nothing and say so through *changed_out */
bool
store_held_decide(struct store *s, gint64 id, const char *state, const char *by,
    const char *reason, bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE held SET state = ?, decided_by = ?,"
		    " decision_reason = ? WHERE id = ? AND state = 'held'",
		    "ttti", state, by, reason, id),
		err))
		return false;
	*changed_out = sqlite3_changes(s->db) > 0;
	return true;
}

/* store_held_due - decided posts to act on, and expired ones */
GPtrArray *
store_held_due(struct store *s, gint64 now, int limit, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires, raw,"
	    " state, decided_by, decision_reason FROM held"
	    " WHERE state IN ('approved', 'rejected')"
	    " OR (state = 'held' AND expires < ?) ORDER BY id LIMIT ?",
	    "ii", now, (gint64)limit);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_held_free);
	for (;;) {
		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		g_ptr_array_add(a, held_from_row(st, true));
	}
}

/* store_held_finish - move a post from one state to the next, once */
bool
store_held_finish(struct store *s, gint64 id, const char *from, const char *to,
    bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE held SET state = ? WHERE id = ? AND state = ?",
		    "tit", to, id, from),
		err))
		return false;
	*changed_out = sqlite3_changes(s->db) > 0;
	return true;
}

void
store_held_free(struct store_held *h)
{
	if (h == NULL)
		return;
	g_free(h->state);
	g_free(h->decided_by);
	g_free(h->decision_reason);
	g_free(h->sender);
	g_free(h->subject);
	g_free(h->reason);
	if (h->raw != NULL)
		g_bytes_unref(h->raw);
	g_free(h);
}
