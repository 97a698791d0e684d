/*
 * db - one table of operations that every database engine implements
 *
 * SYNOPSIS
 *	#include "db.h"
 *
 *	extern const struct db_ops db_sqlite_ops;
 *	bool db_spec_is_postgresql(const char *spec);
 *	char *db_spec_shown(const char *spec);
 *	const struct db_ops *db_engine(const char *spec);
 *	int db_tokenize(const char *text, int len, bool is_query,
 *	    db_token_fn emit, void *ctx);
 *
 *	struct db *db = ops->open(spec, DB_RW, &err);
 *	struct db_stmt *st = ops->prepare(db, "SELECT x FROM t WHERE id = ?",
 *	    "i", ap, &err);
 *	while (ops->step(st, &has_row, &err) && has_row)
 *		use(ops->col_int64(st, 0));
 *	ops->close(db);
 * DESCRIPTION
 *	The store (lib/store*.c) speaks SQL to one engine through this table
 *	(the way Dovecot's lib-sql drivers or Postfix's dict_pgsql and
 *	dict_sqlite sit behind one interface). Each engine has one driver
 *	file: lib/db_sqlite.c (SQLite, the embedded default) and lib/db_pg.c
 *	(PostgreSQL through libpq). The engine's own types appear only in
 *	its driver's files; the store sees struct db and struct db_stmt,
 *	whose first (and, for the store, only) member is the driver's table.
 *	A driver embeds them at the start of its own connection and
 *	statement structs and casts back.
 *
 *	SQL given to prepare() and exec() is a dialect both engines take:
 *	'?' placeholders, INSERT ... ON CONFLICT,
 *	RETURNING id, no engine functions (times come from C). What cannot
 *	be written once is an extra operation below (archive search,
 *	delivery claims), implemented in each driver's files.
 *
 *	db_spec_is_postgresql() tells whether a `database` setting names
 *	PostgreSQL: a URI starting postgresql:// or postgres://, or a libpq
 *	keyword string holding host= or dbname=; anything else is a SQLite
 *	path. db_spec_shown() is spec as messages and logs may show it: a
 *	password (in a URI's user part, a password= keyword or query
 *	parameter) becomes "***". db_engine() is the driver for spec (NULL
 *	when that engine was not built in).
 *
 *	db_tokenize() splits text into the archive's search terms, the same
 *	for every engine: alphabetic words case-folded; runs of Hangul and
 *	other CJK characters as overlapping bigrams, with the last character
 *	of a run also emitted alone (colocated with the last bigram) unless
 *	is_query, or unless the run is one character long. emit() gets the
 *	term (not NUL-terminated), its byte range in text, and whether it is
 *	colocated; a non-zero return stops tokenizing and is returned.
 *
 * OPERATIONS
 *	name		"sqlite" or "postgresql", for logs and tests.
 *	open(spec, access, err)
 *			Connect. DB_RO: read only (the milter); DB_RO_BRIEF:
 *			read only, for a process that reads a few hundred
 *			pages and exits (moimctl's search): SQLite keeps a
 *			small page cache, reusing its buffers, since fresh
 *			memory costs a process more than reading a page
 *			again from the OS's cache; DB_RW and
 *			DB_RW_SYNC: read-write, creating a SQLite file, and
 *			DB_RW_SYNC makes each commit durable on its own
 *			(SQLite synchronous=FULL). Session set-up (SQLite:
 *			busy handler, foreign keys, WAL, the archive
 *			tokenizer) happens here; a read-write open of
 *			something only readable is MOIM_ERR_CONFIG. Does not
 *			migrate: the store calls migrate().
 *	close(db)	Release every statement and the connection; NULL is
 *			fine.
 *	prepare(db, sql, fmt, ap, err)
 *			The statement for sql, reset, with parameters bound
 *			from ap as fmt says, one letter each: 'i' gint64,
 *			't' const char * (NULL binds NULL), 'b' const void *
 *			and size_t (binary; NULL pointer is an empty value),
 *			'd' double. sql must be a string literal (or other
 *			text that lives as long as db): its ADDRESS is the
 *			key of the connection's statement cache, so a second
 *			call is a pointer lookup, never a parse. Text and
 *			blob parameters are copied. The statement belongs to
 *			db; the same sql is one statement, so a caller must
 *			finish (or reset) it before preparing it again.
 *	step(st, has_row_out, err)
 *			Run st (on the first step) and move to the next row:
 *			*has_row_out true with a row to read; false when done.
 *			A driver resets st itself when it is done or fails.
 *			Writes happen on the first step (also with RETURNING).
 *	reset(st)	Abandon the remaining rows (after reading the ones
 *			needed); st may be prepared again. NULL is fine.
 *	col_int64(st, i), col_double(st, i)
 *			Column i (from 0) of the current row; 0 for NULL. A
 *			boolean column (EXISTS, a comparison) reads as 0 or 1.
 *	col_text(st, i)	Column i as UTF-8, or NULL for NULL; valid until the
 *			next step() or reset() of st.
 *	col_blob(st, i, len_out)
 *			Column i's bytes and their number (NULL pointer and
 *			0 for NULL or empty); valid as for col_text().
 *	col_is_null(st, i)
 *			Whether column i is NULL.
 *	changes(db)	Rows inserted, updated or deleted by the last write
 *			statement that finished (ON CONFLICT DO NOTHING that
 *			did nothing: 0).
 *	exec(db, sql, err)
 *			Run SQL without parameters or rows; may hold several
 *			statements separated by ';'. Not cached.
 *	begin(db, err)	Start a write transaction; on SQLite it takes the
 *			write lock now (BEGIN IMMEDIATE).
 *	begin_read(db, err)
 *			Start a read transaction: one snapshot until commit().
 *	commit(db, err)	Commit; on failure the transaction is rolled back.
 *	rollback(db)	Abandon the transaction, if one is open.
 *	in_transaction(db)
 *			Whether a transaction is open.
 *	savepoint(db, err), release(db, ok, err)
 *			Bracket several writes so they are all or nothing
 *			and nest inside a caller's transaction: savepoint()
 *			opens one (PostgreSQL: BEGIN when no transaction is
 *			open, so release() then commits); release() with ok
 *			keeps the writes, without ok undoes them (and always
 *			returns false then, leaving *err as the caller set
 *			it). Savepoints nest.
 *	schema_version(db)
 *			The schema version of the database (0 when empty),
 *			-1 when it cannot be read.
 *	migrate(db, version, err)
 *			Apply the engine's numbered migrations up to version,
 *			each in its own write transaction, skipping steps
 *			another process applied meanwhile. A database newer
 *			than this driver knows is MOIM_ERR_CONFIG. Version N
 *			means the same tables, columns, constraints and
 *			indexes on every engine.
 *	data_version(db, err)
 *			A number that changes whenever another connection
 *			commits a change (SQLite PRAGMA data_version), so a
 *			reader can tell whether its cache still holds; -1 on
 *			error. The connection's own commits leave it alone
 *			(on PostgreSQL once change_fd() was called; before,
 *			they may move it too).
 *	change_fd(db, fd_out, err)
 *			A descriptor that becomes readable when another
 *			connection may have committed a change, so that a
 *			daemon can sleep in poll() until then instead of
 *			polling; after it is readable, data_version() reads
 *			what came (and tells whether anything did). PostgreSQL:
 *			LISTEN on the change channel (moved by the writers of
 *			what readers cache or the timers act on, not by the
 *			queues or the archive), the connection's socket; from
 *			then on data_version() counts the other connections'
 *			notifications (and a reconnect), and the caller must
 *			call data_version() now and then (each wake-up) so
 *			that they do not pile up. *fd_out -1 and true: the
 *			engine has no such descriptor (SQLite: watch the WAL
 *			file). false (*fd_out -1): the connection is down.
 *			Ask again after each wake-up: a reconnect changes it.
 *
 *	Extra operations (SQL that differs by engine):
 *	delivery_claim(db, owner, now, limit, err)
 *			Mark up to limit deliveries with state 0 and
 *			next_try <= now as state 1 (sending) with owner
 *			(a workers row's id, or NULL for 0), in
 *			(outbound_id, id) order, and return the statement
 *			whose rows are the claimed ones: id, outbound_id,
 *			rcpt, member_id, tries, part. Another worker never
 *			claims the same rows (PostgreSQL: FOR UPDATE SKIP
 *			LOCKED).
 *	deliveries_add(db, outbound_id, rows, n, with_parts, err)
 *			Insert one deliveries row per rows[i] (rcpt,
 *			member_id, and with with_parts the part: part_len
 *			bytes at part, NULL for none of them is an empty
 *			value) for outbound_id, in order, skipping a rcpt
 *			the outbound already has (ON CONFLICT DO NOTHING);
 *			the other columns take their defaults. The
 *			outbound's copies for a whole list at once: SQLite
 *			inserts row by row through one statement, PostgreSQL
 *			sends thousands of rows per statement (arrays
 *			through unnest) rather than a round trip per row.
 *	members_add(db, list_id, rows, n, added_out, err)
 *			Insert one members row per rows[i] (address,
 *			display_name, role, mode, created) for list_id,
 *			skipping an address the list already has (ON CONFLICT
 *			DO NOTHING; the same address twice in rows is added
 *			once, at its first place); added_out[i] says whether
 *			rows[i] was added. The other columns take their
 *			defaults. For an import: SQLite steps one statement
 *			per row, PostgreSQL sends thousands of rows per
 *			statement (arrays through unnest, as deliveries_add).
 *	archive_add(db, m, id_out, err)
 *			Insert the messages row m (ON CONFLICT (list_id,
 *			message_id) DO NOTHING) and, when it was added, one
 *			message_refs row per m->refs[i] and a count of one
 *			more message of m->date in thread m->thread_id (when
 *			> 0); all or nothing. *id_out is the new row's id, 0
 *			when the Message-ID was archived already. Does not
 *			index (archive_index() does). SQLite: three
 *			statements in a savepoint; PostgreSQL: one statement
 *			(data-modifying WITH), one round trip per message.
 *	inbound_claim(db, owner, now, limit, err)
 *			Give up to limit inbound jobs with state 0, no
 *			owner and next_try <= now the owner owner, oldest
 *			first; no two workers claim the same job (as for
 *			delivery_claim).
 *	archive_index(db, message_id, err)
 *			Bring the search index up to date for the messages
 *			row message_id after it was inserted or its subject,
 *			from_name, body_text, attachments or list changed
 *			(SQLite: triggers do it; a no-op). Not called when
 *			messages rows are deleted (a list's removal cascades):
 *			an index must follow deletions by itself (SQLite: a
 *			trigger; PostgreSQL: e.g. ON DELETE CASCADE).
 *	archive_search(db, list_id, match, order, limit, offset, err)
 *			The ids of the list's messages matching match, as
 *			lib/archive.c's archive_fts_query() writes it (FTS5
 *			query syntax over db_tokenize() terms: "a b" phrases,
 *			AND, OR, NOT, t* prefixes, column filters subject:,
 *			from_name:). DB_SEARCH_RANKED: best first (subject
 *			weighs 4, from_name 2, body and attachments 1; only
 *			the newest DB_SEARCH_RANK_WINDOW matches are ranked
 *			when limit > 0); DB_SEARCH_NEWEST: highest id first.
 *			limit <= 0: all; offset skips (NEWEST only).
 *	archive_count(db, list_id, match, cap, err)
 *			The number of the list's messages matching match,
 *			counting at most cap (< 0: all); -1 on error.
 *	archive_search_counted(db, list_id, match, limit, total_out, err)
 *			Optional: archive_search()'s DB_SEARCH_RANKED ids
 *			and, in *total_out, archive_count()'s uncapped
 *			number, from one walk over the matches.
 *
 * OWNERSHIP
 *	open() returns a connection the caller closes. Statements and the
 *	pointers col_text()/col_blob() return belong to the connection.
 *	archive_search()'s GArray (of gint64) belongs to the caller.
 * THREADS
 *	One connection per thread; never share a connection or statement.
 * ERRORS
 *	Every failing operation sets *err in MOIM_ERROR with the engine's
 *	message: busy, locked, I/O, full disk, lost connection, SQLite
 *	BUSY/LOCKED/IOERR/FULL/CANTOPEN/PROTOCOL, PostgreSQL class 08,
 *	40001, 40P01, 57P01 -> MOIM_ERR_TEMP (retry may work); a constraint
 *	violation -> MOIM_ERR_INPUT (its message names the constraint kind,
 *	e.g. "UNIQUE"); a schema newer than the driver -> MOIM_ERR_CONFIG;
 *	anything else (SQL the engine refuses, misuse) -> MOIM_ERR_INTERNAL.
 */
#ifndef MOIM_DB_H
#define MOIM_DB_H

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct db_ops;

/* A connection; the driver's own struct starts with this. */
struct db {
	const struct db_ops *ops;
};

/* A prepared statement; the driver's own struct starts with this. */
struct db_stmt {
	const struct db_ops *ops;
};

enum db_access { DB_RO, DB_RO_BRIEF, DB_RW, DB_RW_SYNC };

/* db_reads_only - whether a connection of access a only reads */
static inline bool
db_reads_only(enum db_access a)
{
	return a == DB_RO || a == DB_RO_BRIEF;
}

enum db_search_order { DB_SEARCH_RANKED, DB_SEARCH_NEWEST };

/* One row of deliveries_add(). */
struct db_delivery {
	const char *rcpt;
	gint64 member_id;
	const void *part;
	size_t part_len;
};

/* One row of members_add(). */
struct db_member {
	const char *address;
	const char *display_name; /* NULL for none */
	gint64 role, mode, created;
};

/* The row of archive_add(). */
struct db_archived {
	gint64 list_id;
	const char *message_id, *parent_id, *subject, *from_addr, *from_name;
	gint64 date;
	const char *body_text;
	const char *raw;
	size_t len;
	gint64 received;
	gint64 thread_id; /* 0: none */
	const char *refs_joined; /* space-separated, or NULL */
	const char *const *refs; /* oldest first */
	size_t nrefs;
	const char *attachments; /* or NULL */
};

/* Matches ranked by relevance when a search asks for the best few. */
#define DB_SEARCH_RANK_WINDOW 2000

struct db_ops {
	const char *name;
	struct db *(*open)(const char *spec, enum db_access acc, GError **err);
	void (*close)(struct db *db);

	struct db_stmt *(*prepare)(struct db *db, const char *sql,
	    const char *fmt, va_list ap, GError **err);
	bool (*step)(struct db_stmt *st, bool *has_row_out, GError **err);
	void (*reset)(struct db_stmt *st);
	gint64 (*col_int64)(struct db_stmt *st, int i);
	double (*col_double)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *len_out);
	bool (*col_is_null)(struct db_stmt *st, int i);
	gint64 (*changes)(struct db *db);
	bool (*exec)(struct db *db, const char *sql, GError **err);

	bool (*begin)(struct db *db, GError **err);
	bool (*begin_read)(struct db *db, GError **err);
	bool (*commit)(struct db *db, GError **err);
	void (*rollback)(struct db *db);
	bool (*in_transaction)(struct db *db);
	bool (*savepoint)(struct db *db, GError **err);
	bool (*release)(struct db *db, bool ok, GError **err);

	int (*schema_version)(struct db *db);
	bool (*migrate)(struct db *db, int version, GError **err);
	gint64 (*data_version)(struct db *db, GError **err);
	bool (*change_fd)(struct db *db, int *fd_out, GError **err);

	/* Extra operations: SQL that differs by engine. */
	struct db_stmt *(*delivery_claim)(
	    struct db *db, gint64 owner, gint64 now, int limit, GError **err);
	bool (*inbound_claim)(
	    struct db *db, gint64 owner, gint64 now, int limit, GError **err);
	bool (*deliveries_add)(struct db *db, gint64 outbound_id,
	    const struct db_delivery *rows, size_t n, bool with_parts,
	    GError **err);
	bool (*members_add)(struct db *db, gint64 list_id,
	    const struct db_member *rows, size_t n, bool *added_out,
	    GError **err);
	bool (*archive_add)(struct db *db, const struct db_archived *m,
	    gint64 *id_out, GError **err);
	bool (*archive_index)(struct db *db, gint64 message_id, GError **err);
	GArray *(*archive_search)(struct db *db, gint64 list_id,
	    const char *match, enum db_search_order order, int limit,
	    int offset, GError **err);
	gint64 (*archive_count)(struct db *db, gint64 list_id,
	    const char *match, gint64 cap, GError **err);
	/* Optional (NULL: archive_search() then archive_count()). */
	GArray *(*archive_search_counted)(struct db *db, gint64 list_id,
	    const char *match, int limit, gint64 *total_out, GError **err);
};

extern const struct db_ops db_sqlite_ops;

bool db_spec_is_postgresql(const char *spec);
char *db_spec_shown(const char *spec);
const struct db_ops *db_engine(const char *spec);

typedef int (*db_token_fn)(void *ctx, bool is_colocated, const char *term,
    int len, int start, int end);
int db_tokenize(
    const char *text, int len, bool is_query, db_token_fn emit, void *ctx);

#endif
