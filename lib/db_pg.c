/*
 * db_pg - the PostgreSQL driver of lib/db.h, through libpq
 *
 * DESCRIPTION
 *	A shared store for several hosts and workers (issue 16). See lib/db.h
 *	for what each operation promises; what differs from SQLite:
 *
 *	Statements. The store's '?' placeholders become $1, $2, ... (outside
 *	quotes, identifiers and comments) and each SQL literal is prepared
 *	once per connection (PQprepare, named "m<N>"), keyed on the literal's
 *	address. Parameters go as text, except blobs, which go binary (bytea).
 *	'i' is typed bigint, 'd' double precision, 'b' bytea; 't' is left to
 *	the server to infer (so NULL text also binds to an integer column),
 *	and typed text only when the server cannot infer it ("? IS NULL").
 *	Results come as text and are parsed: integers (booleans as 1/0),
 *	doubles, text, bytea (decoded). A statement runs on its first step
 *	and holds all its rows.
 *
 *	Transactions. begin() is BEGIN plus a transaction-level advisory
 *	lock (DB_PG_WRITE_LOCK): write transactions take turns, as SQLite's
 *	BEGIN IMMEDIATE makes them, so the store's read-then-write
 *	transactions keep the invariants they were written for. Statements
 *	outside begin() (single statements, savepoint() brackets, delivery
 *	claims) run concurrently under READ COMMITTED. begin_read() is a
 *	REPEATABLE READ snapshot. savepoint() outside a transaction is BEGIN
 *	(and its release() COMMIT or ROLLBACK). lock_timeout (10 s, as
 *	SQLite's busy timeout) turns a wait for a lock into a temporary error.
 *
 *	Errors. SQLSTATE class 08 (connection), 40001 and 40P01 (serialization
 *	failure, deadlock), 57P01-57P03 (shutdown), 55P03 (lock timeout) and
 *	class 53 (disk full, out of memory, too many connections), and any
 *	error without a SQLSTATE on a broken connection, are MOIM_ERR_TEMP;
 *	class 23 (constraints; the message names the kind as SQLite's does,
 *	"UNIQUE constraint failed: ...") and class 22 (a value the column
 *	cannot hold) are MOIM_ERR_INPUT; the rest MOIM_ERR_INTERNAL.
 *
 *	Lost connections. After a statement fails on a broken connection the
 *	next operation reconnects (PQreset); a failed attempt waits a back-off
 *	(DB_PG_BACKOFF_MIN_MS doubling to DB_PG_BACKOFF_MAX_MS) before the
 *	next, failing at once with MOIM_ERR_TEMP meanwhile, so a daemon that
 *	retries does not hammer a database that is down. Every statement is
 *	prepared again on the new connection. A transaction open when the
 *	connection was lost is gone (its statements fail, TEMP); a read-only
 *	statement (SELECT) run outside a transaction is retried once on the
 *	new connection, since it cannot have changed anything.
 *
 *	Schema. Version 11 is made in one step (the PostgreSQL store starts
 *	at SQLite's version 11, so there is no older PostgreSQL database to
 *	migrate); later steps are numbered as SQLite's. The version is the
 *	row of moim_schema. See db_pg_schema.c.
 *
 *	data_version. moim_changes holds one counter, bumped by statement
 *	triggers on the tables whose readers cache (lists, list_settings,
 *	members, member_topics, digest_queue, digests): it changes in the
 *	same transaction as the data, so a reader that sees the new number
 *	also sees the new rows, and it works on a hot-standby replica (where
 *	LISTEN does not). The queues and the archive do not move it. Unlike
 *	SQLite's data_version it also moves for the connection's own commits
 *	(a cache then refills once more than it needs to).
 *
 *	change_fd. The writers also NOTIFY moim_changes (schema step 17: the
 *	counter's tables and those the timers read; step 18: new inbound
 *	jobs). After change_fd() the
 *	connection LISTENs and data_version() is instead the number of
 *	notifications heard from other backends (libpq's be_pid is the
 *	sender; the connection's own are left out, as SQLite leaves out its
 *	own commits), plus one per reconnect (which LISTENs again: what was
 *	sent meanwhile is lost). A notification arrives after the writer's
 *	commit, asynchronously: a wake-up, not a read-your-writes counter.
 *
 *	Archive search. archive_index() writes a message's db_tokenize()
 *	terms into message_terms (term, positions, weight; deletions follow
 *	by a trigger on messages), and archive_search()/archive_count() run the
 *	FTS5 MATCH string as SQL over it (lib/db_pg_search.c), so both
 *	engines find the same messages; one row per term and message, with
 *	its positions, so a term's matches are read newest first and a
 *	search stops at its limit. Ranking differs: SQLite's bm25()
 *	weighs rare terms higher (idf) and long messages lower; here the
 *	score is the weighted count of the query's terms (subject 4,
 *	from_name 2, body and attachments 1), ties newest first.
 * THREADS
 *	One connection per thread; libpq connections are not shared.
 */
#include <libpq-fe.h>
#include <string.h>

#include "db.h"
#include "db_pg.h"
#include "err.h"

/* Key of the advisory lock that makes write transactions take turns
 * ("moim" in ASCII). */
#define DB_PG_WRITE_LOCK "1836017005"
/* Key of the advisory lock held while migrating. */
#define DB_PG_MIGRATE_LOCK "1836017006"
#define DB_PG_BACKOFF_MIN_MS 100
#define DB_PG_BACKOFF_MAX_MS 10000
/* Over this, a statement is refused rather than prepared: the protocol
 * counts parameters in 16 bits. */
#define DB_PG_MAX_PARAMS 65535

/* Type OIDs (catalog/pg_type_d.h, which libpq-dev does not ship). */
#define PG_BOOLOID 16
#define PG_BYTEAOID 17
#define PG_INT8OID 20
#define PG_TEXTOID 25
#define PG_FLOAT8OID 701

struct pg_stmt {
	struct db_stmt base;
	struct pg_conn *conn;
	char *sql; /* with $n */
	char name[24];
	int nparams;
	char *fmt; /* the letters the statement was prepared for */
	unsigned generation; /* the connection it was prepared on */
	bool is_prepared;
	bool is_select;
	char **values;
	int *lengths;
	int *formats;
	PGresult *res;
	int row; /* -1 before the first step */
};

struct pg_conn {
	struct db base;
	PGconn *pg;
	enum db_access acc;
	GHashTable *stmts; /* SQL (by address) -> struct pg_stmt */
	unsigned generation; /* bumped on every reconnect */
	unsigned next_name;
	gint64 changes;
	gint64 retry_at; /* monotonic µs of the next reconnect attempt */
	/* The connection broke inside a transaction: everything fails
	 * until the caller rolls back, so no later statement runs on a new
	 * connection as if the transaction's first part had happened. */
	bool is_txn_lost;
	int backoff_ms;
	/* One entry per open savepoint(): whether it began the transaction
	 * (so its release() commits). */
	GArray *sp_began;
	/* The messages archive_index() was asked for in this transaction
	 * (gint64) and how many of them are indexed (pg_archive_index()). */
	GArray *to_index;
	guint indexed;
	/* change_fd() was called: the connection LISTENs, and heard counts
	 * the other connections' notifications (data_version). */
	bool is_listening;
	gint64 heard;
};

static const struct db_ops db_pg_ops;

#define CONN(d) ((struct pg_conn *)(d))
#define STMT(s) ((struct pg_stmt *)(s))

static bool pg_exec(struct db *d, const char *sql, GError **err);
static bool index_flush(struct pg_conn *c, GError **err);
static void index_end(struct pg_conn *c);

/* ------------------------------------------------------------- errors */

/* pg_fail - set *err from res (or the connection when res is NULL) */
static bool
pg_fail(struct pg_conn *c, const PGresult *res, GError **err, const char *what)
{
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
	    res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	bool is_bad = c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD;
	g_autofree char *text = NULL;

	if (msg == NULL)
		msg = c->pg ? PQerrorMessage(c->pg) : "no connection";
	/* libpq's texts span lines ("...refused\n\tIs the server ..."). */
	text = g_strchomp(moim_text_line(msg));
	if (state != NULL && strncmp(state, "23", 2) == 0)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "database: %s: %s constraint failed: %s", what,
		    db_pg_constraint_kind(state), text);
	return moim_fail(err, db_pg_error_class(state, is_bad),
	    "database: %s: %s%s%s", what, text, state ? " SQLSTATE " : "",
	    state ? state : "");
}

/* --------------------------------------------------------- connection */

/* no_notice - libpq prints notices on stderr; the store says nothing */
static void
no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* session_setup - what every new connection is told */
static bool
session_setup(struct pg_conn *c, GError **err)
{
	PQsetNoticeProcessor(c->pg, no_notice, NULL);
	if (PQsetClientEncoding(c->pg, "UTF8") != 0)
		return pg_fail(c, NULL, err, "client_encoding");
	return pg_exec(&c->base,
	    db_reads_only(c->acc) ? "SET lock_timeout = '10s';"
				    " SET default_transaction_read_only = on"
				  : "SET lock_timeout = '10s'",
	    err);
}

/* forget_prepared - statements must be prepared again (new connection) */
static void
forget_prepared(struct pg_conn *c)
{
	c->generation++;
	g_array_set_size(c->sp_began, 0);
}

/* reconnect - a new connection after the old one broke, at most once per
 * back-off period */
static bool
reconnect(struct pg_conn *c, GError **err)
{
	gint64 now = g_get_monotonic_time();
	g_autofree char *what = NULL;

	if (now < c->retry_at)
		return moim_fail(err, MOIM_ERR_TEMP,
		    "database: connection lost, next attempt in %" G_GINT64_FORMAT
		    " ms",
		    (c->retry_at - now) / 1000);
	PQreset(c->pg);
	forget_prepared(c);
	if (PQstatus(c->pg) != CONNECTION_OK || !session_setup(c, NULL)) {
		c->backoff_ms = c->backoff_ms == 0
		    ? DB_PG_BACKOFF_MIN_MS
		    : MIN(c->backoff_ms * 2, DB_PG_BACKOFF_MAX_MS);
		c->retry_at = now + (gint64)c->backoff_ms * 1000;
		what = g_strdup_printf(
		    "reconnect (next attempt in %d ms)", c->backoff_ms);
		return pg_fail(c, NULL, err, what);
	}
	c->backoff_ms = 0;
	c->retry_at = 0;
	/* What was notified while the connection was down is lost:
	 * count the reconnect as a change. */
	if (c->is_listening) {
		c->heard++;
		if (!pg_exec(&c->base, "LISTEN moim_changes", err))
			return false;
	}
	return true;
}

/* ready - a usable connection, reconnecting when it broke */
static bool
ready(struct pg_conn *c, GError **err)
{
	if (c->is_txn_lost)
		return moim_fail(err, MOIM_ERR_TEMP,
		    "database: the connection was lost in a transaction");
	if (PQstatus(c->pg) == CONNECTION_OK)
		return true;
	return reconnect(c, err);
}

/* is_idle - whether no transaction is open on c (checked before a call,
 * so that a failure can tell what the broken connection took along) */
static bool
is_idle(struct pg_conn *c)
{
	return PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

/* note_lost - after a failed call: whether the connection broke, and
 * remember a transaction lost with it */
static bool
note_lost(struct pg_conn *c, bool was_idle)
{
	if (PQstatus(c->pg) != CONNECTION_BAD)
		return false;
	if (!was_idle)
		c->is_txn_lost = true;
	return true;
}

/* pg_exec - run SQL without parameters (several statements allowed) */
static bool
pg_exec(struct db *d, const char *sql, GError **err)
{
	struct pg_conn *c = CONN(d);
	PGresult *res;
	bool ok, was_idle;

	if (!ready(c, err))
		return false;
	was_idle = is_idle(c);
	res = PQexec(c->pg, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok) {
		(void)note_lost(c, was_idle);
		pg_fail(c, res, err, "exec");
	}
	PQclear(res);
	return ok;
}

/* begin_exec - run a BEGIN, once more on a new connection when the old
 * one turns out broken (nothing ran: no transaction was open) */
static bool
begin_exec(struct db *d, const char *sql, GError **err)
{
	struct pg_conn *c = CONN(d);
	GError *e = NULL;

	if (pg_exec(d, sql, &e))
		return true;
	if (PQstatus(c->pg) != CONNECTION_BAD || c->is_txn_lost) {
		g_propagate_error(err, e);
		return false;
	}
	g_clear_error(&e);
	return pg_exec(d, sql, err);
}

/* ---------------------------------------------------------- statements */

/* stmt_clear_result - drop the rows (and their decoded bytea) of st */
static void
stmt_clear_result(struct pg_stmt *st)
{
	g_clear_pointer(&st->res, PQclear);
	st->row = -1;
}

/* stmt_clear_params - drop the bound values of st */
static void
stmt_clear_params(struct pg_stmt *st)
{
	int i;

	for (i = 0; i < st->nparams; i++)
		g_clear_pointer(&st->values[i], g_free);
}

static void
stmt_free(gpointer p)
{
	struct pg_stmt *st = p;

	stmt_clear_result(st);
	stmt_clear_params(st);
	g_free(st->values);
	g_free(st->lengths);
	g_free(st->formats);
	g_free(st->fmt);
	g_free(st->sql);
	g_free(st);
}

/* stmt_new - the statement for sql, not yet prepared */
static struct pg_stmt *
stmt_new(struct pg_conn *c, const char *sql, GError **err)
{
	struct pg_stmt *st = g_new0(struct pg_stmt, 1);
	const char *p = sql + strspn(sql, " \t\n(");

	st->base.ops = c->base.ops;
	st->conn = c;
	st->sql = db_pg_rewrite(sql, &st->nparams);
	if (st->nparams > DB_PG_MAX_PARAMS) {
		stmt_free(st);
		moim_fail(
		    err, MOIM_ERR_INTERNAL, "database: too many parameters");
		return NULL;
	}
	g_snprintf(st->name, sizeof(st->name), "m%u", c->next_name++);
	st->is_select = g_ascii_strncasecmp(p, "SELECT", 6) == 0;
	st->values = g_new0(char *, st->nparams + 1);
	st->lengths = g_new0(int, st->nparams + 1);
	st->formats = g_new0(int, st->nparams + 1);
	st->row = -1;
	return st;
}

/* param_types - the OIDs fmt asks for; 't' unspecified unless is_text */
static Oid *
param_types(const char *fmt, int n, bool is_text)
{
	Oid *t = g_new0(Oid, n + 1);
	int i;

	for (i = 0; i < n && fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i')
			t[i] = PG_INT8OID;
		else if (fmt[i] == 'd')
			t[i] = PG_FLOAT8OID;
		else if (fmt[i] == 'b')
			t[i] = PG_BYTEAOID;
		else if (is_text)
			t[i] = PG_TEXTOID;
	}
	return t;
}

/* prepare_on_server - PQprepare st for fmt on the current connection */
static bool
prepare_on_server(struct pg_stmt *st, const char *fmt, GError **err)
{
	struct pg_conn *c = st->conn;
	PGresult *res;
	bool is_text, is_retry = false;

	if (st->is_prepared && st->generation == c->generation) {
		if (strcmp(st->fmt, fmt) == 0)
			return true;
		/* The same SQL with other types: a new name, as the old
		 * one stays defined until the connection ends. */
		g_snprintf(st->name, sizeof(st->name), "m%u", c->next_name++);
	}
	for (is_text = false;; is_text = true) {
		g_autofree Oid *types = param_types(fmt, st->nparams, is_text);
		bool was_idle = is_idle(c);
		const char *state;

		res = PQprepare(c->pg, st->name, st->sql, st->nparams, types);
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			break;
		/* Nothing ran: outside a transaction, a new connection
		 * may take the statement. */
		if (note_lost(c, was_idle) && was_idle && !is_retry) {
			PQclear(res);
			is_retry = true;
			if (!reconnect(c, err))
				return false;
			is_text = false;
			continue;
		}
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* 42P18: "could not determine data type of parameter" */
		if (is_text || state == NULL || strcmp(state, "42P18") != 0) {
			pg_fail(c, res, err, "prepare");
			PQclear(res);
			return false;
		}
		PQclear(res);
	}
	PQclear(res);
	if (st->fmt != fmt) {
		g_free(st->fmt);
		st->fmt = g_strdup(fmt);
	}
	st->generation = c->generation;
	st->is_prepared = true;
	return true;
}

/* bind_params - copy the parameters fmt names from ap into st */
static bool
bind_params(struct pg_stmt *st, const char *fmt, va_list ap, GError **err)
{
	int i;

	if ((int)strlen(fmt) != st->nparams)
		return moim_fail(err, MOIM_ERR_INTERNAL,
		    "database: %d parameters for %d placeholders",
		    (int)strlen(fmt), st->nparams);
	for (i = 0; i < st->nparams; i++) {
		st->formats[i] = 0;
		st->lengths[i] = 0;
		if (fmt[i] == 'i') {
			st->values[i] = g_strdup_printf(
			    "%" G_GINT64_FORMAT, va_arg(ap, gint64));
		} else if (fmt[i] == 'd') {
			st->values[i] = g_malloc(G_ASCII_DTOSTR_BUF_SIZE);
			g_ascii_dtostr(st->values[i], G_ASCII_DTOSTR_BUF_SIZE,
			    va_arg(ap, double));
		} else if (fmt[i] == 't') {
			st->values[i] = g_strdup(va_arg(ap, const char *));
		} else {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			if (n > G_MAXINT)
				return moim_fail(err, MOIM_ERR_INPUT,
				    "database: blob of %zu bytes", n);
			st->values[i] = n ? g_memdup2(p, n) : g_strdup("");
			st->lengths[i] = (int)n;
			st->formats[i] = 1;
		}
	}
	return true;
}

/* pg_prepare - the connection's statement for sql, bound from ap */
static struct db_stmt *
pg_prepare(
    struct db *d, const char *sql, const char *fmt, va_list ap, GError **err)
{
	struct pg_conn *c = CONN(d);
	struct pg_stmt *st = g_hash_table_lookup(c->stmts, sql);

	if (!ready(c, err))
		return NULL;
	if (st == NULL) {
		st = stmt_new(c, sql, err);
		if (st == NULL)
			return NULL;
		g_hash_table_insert(c->stmts, (gpointer)sql, st);
	}
	stmt_clear_result(st);
	stmt_clear_params(st);
	if (!bind_params(st, fmt, ap, err) || !prepare_on_server(st, fmt, err))
		return NULL;
	return &st->base;
}

/* db_pg_stmt_of - pg_prepare() with the parameters as arguments */
static struct db_stmt *
stmt_of(struct db *d, GError **err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = pg_prepare(d, sql, fmt, ap, err);
	va_end(ap);
	return st;
}

/* run_once - execute st; NULL (and *err) on failure */
static PGresult *
run_once(struct pg_stmt *st, bool *is_lost_out, GError **err)
{
	struct pg_conn *c = st->conn;
	bool was_idle = is_idle(c);
	PGresult *res = PQexecPrepared(c->pg, st->name, st->nparams,
	    (const char *const *)st->values, st->lengths, st->formats, 0);
	ExecStatusType rs = PQresultStatus(res);

	*is_lost_out = false;
	if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
		return res;
	*is_lost_out = note_lost(c, was_idle) && was_idle;
	pg_fail(c, res, err, "step");
	PQclear(res);
	return NULL;
}

/* execute - run st, retrying a SELECT once on a new connection when the
 * old one broke outside a transaction */
static bool
execute(struct pg_stmt *st, GError **err)
{
	struct pg_conn *c = st->conn;
	GError *e = NULL;
	const char *tag;
	bool is_lost;

	if (!ready(c, err))
		return false;
	st->res = run_once(st, &is_lost, &e);
	if (st->res == NULL && st->is_select && is_lost) {
		g_clear_error(&e);
		if (!reconnect(c, err) || !prepare_on_server(st, st->fmt, err))
			return false;
		st->res = run_once(st, &is_lost, &e);
	}
	if (st->res == NULL) {
		g_propagate_error(err, e);
		return false;
	}
	tag = PQcmdStatus(st->res);
	if (g_str_has_prefix(tag, "INSERT") ||
	    g_str_has_prefix(tag, "UPDATE") || g_str_has_prefix(tag, "DELETE"))
		c->changes = g_ascii_strtoll(PQcmdTuples(st->res), NULL, 10);
	return true;
}

/* pg_step - run st on the first step, then move to the next row */
static bool
pg_step(struct db_stmt *dst, bool *has_row_out, GError **err)
{
	struct pg_stmt *st = STMT(dst);

	*has_row_out = false;
	if (st->res == NULL && st->row < 0 && !execute(st, err))
		return false;
	st->row++;
	if (st->res != NULL && st->row < PQntuples(st->res)) {
		*has_row_out = true;
		return true;
	}
	/* Done: as SQLite's, a further step runs st again. */
	stmt_clear_result(st);
	return true;
}

static void
pg_reset(struct db_stmt *dst)
{
	if (dst != NULL)
		stmt_clear_result(STMT(dst));
}

static bool
has_value(struct pg_stmt *st, int i)
{
	return st->res != NULL && st->row >= 0 &&
	    st->row < PQntuples(st->res) && i >= 0 && i < PQnfields(st->res) &&
	    !PQgetisnull(st->res, st->row, i);
}

static bool
pg_col_is_null(struct db_stmt *dst, int i)
{
	return !has_value(STMT(dst), i);
}

/* pg_col_int64 - an integer, a boolean as 1 or 0, a numeric truncated */
static gint64
pg_col_int64(struct db_stmt *dst, int i)
{
	struct pg_stmt *st = STMT(dst);
	const char *v;

	if (!has_value(st, i))
		return 0;
	v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == PG_BOOLOID)
		return v[0] == 't';
	return g_ascii_strtoll(v, NULL, 10);
}

static double
pg_col_double(struct db_stmt *dst, int i)
{
	struct pg_stmt *st = STMT(dst);

	if (!has_value(st, i))
		return 0;
	return g_ascii_strtod(PQgetvalue(st->res, st->row, i), NULL);
}

/* decode - column i of the current row as bytes (bytea decoded); the
 * decoded copy lives until the next step, and ends with a NUL */
static const void *
decode(struct pg_stmt *st, int i, size_t *len_out)
{
	const char *v = PQgetvalue(st->res, st->row, i);
	unsigned char *raw, *nul;
	size_t n;

	if (PQftype(st->res, i) != PG_BYTEAOID) {
		*len_out = (size_t)PQgetlength(st->res, st->row, i);
		return v;
	}
	raw = PQunescapeBytea((const unsigned char *)v, &n);
	if (raw == NULL) {
		*len_out = 0;
		return NULL;
	}
	/* PQunescapeBytea's buffer has no room for a NUL: copy into one
	 * that has, allocated by libpq so one free function fits all. */
	nul = PQresultAlloc(st->res, n + 1);
	if (nul != NULL) {
		memcpy(nul, raw, n);
		nul[n] = '\0';
	}
	PQfreemem(raw);
	*len_out = nul ? n : 0;
	return nul;
}

static const char *
pg_col_text(struct db_stmt *dst, int i)
{
	struct pg_stmt *st = STMT(dst);
	size_t n;

	if (!has_value(st, i))
		return NULL;
	return decode(st, i, &n);
}

static const void *
pg_col_blob(struct db_stmt *dst, int i, size_t *len_out)
{
	struct pg_stmt *st = STMT(dst);
	const void *p;

	*len_out = 0;
	if (!has_value(st, i))
		return NULL;
	p = decode(st, i, len_out);
	return *len_out ? p : NULL;
}

static gint64
pg_changes(struct db *d)
{
	return CONN(d)->changes;
}

/* ------------------------------------------------------- transactions */

static bool
pg_in_transaction(struct db *d)
{
	PGTransactionStatusType ts = PQtransactionStatus(CONN(d)->pg);

	return CONN(d)->is_txn_lost || ts == PQTRANS_INTRANS ||
	    ts == PQTRANS_INERROR || ts == PQTRANS_ACTIVE;
}

static void
pg_rollback(struct db *d)
{
	struct pg_conn *c = CONN(d);

	g_array_set_size(c->sp_began, 0);
	index_end(c);
	c->is_txn_lost = false;
	if (pg_in_transaction(d))
		(void)pg_exec(d, "ROLLBACK", NULL);
}

/* pg_begin - a write transaction that waits its turn, as SQLite's BEGIN
 * IMMEDIATE does */
static bool
pg_begin(struct db *d, GError **err)
{
	if (!begin_exec(d,
		"BEGIN; SELECT pg_advisory_xact_lock(" DB_PG_WRITE_LOCK ")",
		err)) {
		pg_rollback(d);
		return false;
	}
	return true;
}

static bool
pg_begin_read(struct db *d, GError **err)
{
	return begin_exec(d, "BEGIN ISOLATION LEVEL REPEATABLE READ", err);
}

static bool
pg_commit(struct db *d, GError **err)
{
	PGresult *res;
	struct pg_conn *c = CONN(d);
	bool ok;

	g_array_set_size(c->sp_began, 0);
	if (!ready(c, err) || !index_flush(c, err)) {
		pg_rollback(d);
		return false;
	}
	index_end(c);
	res = PQexec(c->pg, "COMMIT");
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK. */
	ok = PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(res), "COMMIT") == 0;
	if (!ok && PQresultStatus(res) == PGRES_COMMAND_OK)
		moim_fail(err, MOIM_ERR_INTERNAL,
		    "database: commit: the transaction had failed; rolled back");
	else if (!ok)
		pg_fail(c, res, err, "commit");
	PQclear(res);
	if (!ok)
		pg_rollback(d);
	return ok;
}

/* pg_savepoint - a savepoint, or a transaction when none is open */
static bool
pg_savepoint(struct db *d, GError **err)
{
	struct pg_conn *c = CONN(d);
	bool began = !pg_in_transaction(d);

	if (!(began ? begin_exec(d, "BEGIN", err)
		    : pg_exec(d, "SAVEPOINT w", err)))
		return false;
	g_array_append_val(c->sp_began, began);
	return true;
}

static bool
pg_release(struct db *d, bool ok, GError **err)
{
	struct pg_conn *c = CONN(d);
	bool began = false;

	if (c->sp_began->len > 0) {
		began = g_array_index(c->sp_began, bool, c->sp_began->len - 1);
		g_array_set_size(c->sp_began, c->sp_began->len - 1);
	}
	if (began && ok)
		return pg_commit(d, err);
	if (began) {
		pg_rollback(d);
		return false;
	}
	if (ok)
		return pg_exec(d, "RELEASE w", err);
	(void)pg_exec(d, "ROLLBACK TO w; RELEASE w", NULL);
	c->indexed = 0; /* what was indexed inside is undone */
	return false;
}

/* ------------------------------------------------------------- schema */

/* pg_schema_version - moim_schema's version, 0 without the table */
static int
pg_schema_version(struct db *d)
{
	GError *e = NULL;
	struct db_stmt *st = stmt_of(d, &e,
	    "SELECT CASE WHEN to_regclass('moim_schema') IS NULL THEN 0"
	    " ELSE -1 END",
	    "");
	bool row = false;
	gint64 v = -1;

	if (st != NULL && pg_step(st, &row, &e) && row)
		v = pg_col_int64(st, 0);
	pg_reset(st);
	if (v == -1) {
		st = stmt_of(d, &e, "SELECT max(version) FROM moim_schema", "");
		if (st != NULL && pg_step(st, &row, &e) && row)
			v = pg_col_int64(st, 0);
		pg_reset(st);
	}
	g_clear_error(&e);
	return (int)v;
}

/* pg_migrate - apply the PostgreSQL migrations up to version */
static bool
pg_migrate(struct db *d, int version, GError **err)
{
	int v = pg_schema_version(d);
	int known = db_pg_schema_last();

	if (v < 0)
		return moim_fail(err, MOIM_ERR_TEMP,
		    "database: cannot read the schema version");
	if (v > known)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "database schema %d is newer than this moim (%d)", v,
		    known);
	while (v < version && v < known) {
		const char *sql;
		int to = db_pg_schema_step(v, &sql);
		g_autofree char *all = NULL;

		/* One migrator at a time; another may have done it. */
		if (!pg_exec(d,
			"BEGIN; SELECT pg_advisory_xact_lock(" DB_PG_MIGRATE_LOCK
			")",
			err))
			return false;
		if (pg_schema_version(d) > v) {
			v = pg_schema_version(d);
			if (!pg_commit(d, err))
				return false;
			continue;
		}
		all = g_strdup_printf("%s; DELETE FROM moim_schema;"
				      " INSERT INTO moim_schema VALUES (%d);",
		    sql, to);
		if (!pg_exec(d, all, err) || !pg_commit(d, err)) {
			pg_rollback(d);
			return false;
		}
		v = to;
	}
	return true;
}

/* heard - read what the server sent and count the notifications of
 * other connections (a connection hears its own too: not those) */
static bool
heard(struct pg_conn *c, GError **err)
{
	int self = PQbackendPID(c->pg);
	bool was_idle = is_idle(c);
	PGnotify *n;

	if (!PQconsumeInput(c->pg)) {
		(void)note_lost(c, was_idle);
		return pg_fail(c, NULL, err, "notifications");
	}
	while ((n = PQnotifies(c->pg)) != NULL) {
		if (n->be_pid != self)
			c->heard++;
		PQfreemem(n);
	}
	return true;
}

/* pg_data_version - the change counter (see DESCRIPTION); once the
 * connection listens, the other connections' notifications heard */
static gint64
pg_data_version(struct db *d, GError **err)
{
	struct pg_conn *c = CONN(d);
	struct db_stmt *st;
	bool row;
	gint64 v = -1;

	if (c->is_listening)
		return ready(c, err) && heard(c, err) ? c->heard : -1;
	st = stmt_of(d, err, "SELECT n FROM moim_changes", "");
	if (st != NULL && pg_step(st, &row, err))
		v = row ? pg_col_int64(st, 0) : 0;
	pg_reset(st);
	return v;
}

/* pg_change_fd - listen, and the socket the notifications come on */
static bool
pg_change_fd(struct db *d, int *fd_out, GError **err)
{
	struct pg_conn *c = CONN(d);

	*fd_out = -1;
	if (!ready(c, err))
		return false;
	if (!c->is_listening) {
		if (!pg_exec(d, "LISTEN moim_changes", err))
			return false;
		c->is_listening = true;
	}
	*fd_out = PQsocket(c->pg);
	return *fd_out >= 0 ||
	    moim_fail(err, MOIM_ERR_TEMP, "database: no connection");
}

/* ------------------------------------------------------------- extras */

/* pg_delivery_claim - the due deliveries no other worker holds, locked
 * and skipped by the others while this transaction claims them */
static struct db_stmt *
pg_delivery_claim(
    struct db *d, gint64 owner, gint64 now, int limit, GError **err)
{
	return stmt_of(d, err,
	    "WITH c AS (UPDATE deliveries SET state = 1, owner = nullif(?, 0)"
	    " WHERE id IN"
	    " (SELECT id FROM deliveries WHERE state = 0 AND next_try <= ?"
	    " ORDER BY outbound_id, id LIMIT ? FOR UPDATE SKIP LOCKED)"
	    " RETURNING id, outbound_id, rcpt, member_id, tries, part)"
	    " SELECT * FROM c ORDER BY outbound_id, id",
	    "iii", owner, now, (gint64)limit);
}

/* pg_inbound_claim - the oldest due jobs no worker owns; rows another
 * worker is claiming at the same moment are skipped, not waited for */
static bool
pg_inbound_claim(
    struct db *d, gint64 owner, gint64 now, int limit, GError **err)
{
	struct db_stmt *st = stmt_of(d, err,
	    "UPDATE inbound SET owner = nullif(?, 0) WHERE id IN"
	    " (SELECT id FROM inbound WHERE state = 0 AND next_try <= ?"
	    " AND owner IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
	    " AND owner IS NULL",
	    "iii", owner, now, (gint64)limit);
	bool row = false;

	return st != NULL && pg_step(st, &row, err);
}

/* run_stmt - step a statement without rows to its end */
static bool
run_stmt(struct db_stmt *st, GError **err)
{
	bool row = false;

	return st != NULL && pg_step(st, &row, err);
}

/* array_item - s as an element of a PostgreSQL array literal (NULL:
 * SQL NULL) */
static void
array_item(GString *out, const char *s)
{
	if (out->len > 1)
		g_string_append_c(out, ',');
	if (s == NULL) {
		g_string_append(out, "NULL");
		return;
	}
	g_string_append_c(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}

/* array_int - n as an element of a PostgreSQL array literal */
static void
array_int(GString *out, gint64 n)
{
	g_string_append_printf(
	    out, "%s%" G_GINT64_FORMAT, out->len > 1 ? "," : "", n);
}

/* array_bytea - append len bytes at p to a bytea array literal: hex
 * input ("\\x..." in the literal, as the array's quoting takes one
 * backslash) */
static void
array_bytea(GString *a, const void *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;

	g_string_append(a, "\"\\\\x");
	for (size_t i = 0; i < len; i++) {
		g_string_append_c(a, hex[b[i] >> 4]);
		g_string_append_c(a, hex[b[i] & 15]);
	}
	g_string_append_c(a, '"');
}

/* Deliveries per INSERT in pg_deliveries_add(), and the size of its
 * literals it starts no new row beyond: a 100,000-member list is ten
 * round trips of at most a few MB each. */
#define DB_PG_BULK_ROWS 10000
#define DB_PG_BULK_BYTES (8 << 20)

/* pg_deliveries_add - the rows as arrays, unnested by the server: one
 * statement per DB_PG_BULK_ROWS rows instead of a round trip each */
static bool
pg_deliveries_add(struct db *d, gint64 outbound_id,
    const struct db_delivery *rows, size_t n, bool with_parts, GError **err)
{
	GString *rcpt = g_string_new(NULL), *member = g_string_new(NULL),
		*part = g_string_new(NULL);
	size_t i = 0, first;
	bool ok = true;

	while (ok && i < n) {
		g_string_assign(rcpt, "{");
		g_string_assign(member, "{");
		g_string_assign(part, "{");
		for (first = i; i < n && i - first < DB_PG_BULK_ROWS &&
		     rcpt->len + part->len < DB_PG_BULK_BYTES;
		     i++) {
			array_item(rcpt, rows[i].rcpt);
			array_int(member, rows[i].member_id);
			if (with_parts) {
				if (i > first)
					g_string_append_c(part, ',');
				array_bytea(
				    part, rows[i].part, rows[i].part_len);
			}
		}
		g_string_append_c(rcpt, '}');
		g_string_append_c(member, '}');
		g_string_append_c(part, '}');
		ok = run_stmt(with_parts
			? stmt_of(d, err,
			      "INSERT INTO deliveries (outbound_id, rcpt,"
			      " member_id, part) SELECT ?, r, m, p FROM"
			      " unnest(?::text[], ?::bigint[], ?::bytea[])"
			      " AS u(r, m, p) ON CONFLICT DO NOTHING",
			      "ittt", outbound_id, rcpt->str, member->str,
			      part->str)
			: stmt_of(d, err,
			      "INSERT INTO deliveries (outbound_id, rcpt,"
			      " member_id) SELECT ?, r, m FROM"
			      " unnest(?::text[], ?::bigint[]) AS u(r, m)"
			      " ON CONFLICT DO NOTHING",
			      "itt", outbound_id, rcpt->str, member->str),
		    err);
	}
	g_string_free(rcpt, TRUE);
	g_string_free(member, TRUE);
	g_string_free(part, TRUE);
	return ok;
}

/* members_chunk - rows[0..n) in one statement; the addresses it added
 * come back (RETURNING), so the first rows[i] of each is the added one */
static bool
members_chunk(struct db *d, gint64 list_id, const struct db_member *rows,
    size_t n, bool *added_out, GError **err)
{
	enum { ADDR, NAME, ROLE, MODE, CREATED, NCOLS };
	GString *col[NCOLS];
	g_autoptr(GHashTable) added =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct db_stmt *st;
	bool ok, row = true;

	for (int c = 0; c < NCOLS; c++)
		col[c] = g_string_new("{");
	for (size_t i = 0; i < n; i++) {
		array_item(col[ADDR], rows[i].address);
		array_item(col[NAME], rows[i].display_name);
		array_int(col[ROLE], rows[i].role);
		array_int(col[MODE], rows[i].mode);
		array_int(col[CREATED], rows[i].created);
	}
	for (int c = 0; c < NCOLS; c++)
		g_string_append_c(col[c], '}');
	st = stmt_of(d, err,
	    "INSERT INTO members (list_id, address, display_name, role,"
	    " mode, created) SELECT ?, a, n, r, m, c FROM unnest(?::text[],"
	    " ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])"
	    " AS u(a, n, r, m, c) ON CONFLICT (list_id, address) DO NOTHING"
	    " RETURNING address",
	    "ittttt", list_id, col[ADDR]->str, col[NAME]->str, col[ROLE]->str,
	    col[MODE]->str, col[CREATED]->str);
	ok = st != NULL;
	while (ok && row && (ok = pg_step(st, &row, err)) && row)
		g_hash_table_add(added, g_strdup(pg_col_text(st, 0)));
	for (size_t i = 0; ok && i < n; i++)
		added_out[i] = g_hash_table_remove(added, rows[i].address);
	for (int c = 0; c < NCOLS; c++)
		g_string_free(col[c], TRUE);
	return ok;
}

/* pg_members_add - the rows as arrays, unnested by the server: one
 * statement per DB_PG_BULK_ROWS rows instead of a round trip each */
static bool
pg_members_add(struct db *d, gint64 list_id, const struct db_member *rows,
    size_t n, bool *added_out, GError **err)
{
	for (size_t i = 0; i < n; i += DB_PG_BULK_ROWS)
		if (!members_chunk(d, list_id, rows + i,
			MIN(n - i, (size_t)DB_PG_BULK_ROWS), added_out + i,
			err))
			return false;
	return true;
}

/* pg_archive_add - the message, its references and its thread's count
 * in one statement: one round trip instead of a savepoint, an INSERT
 * per part and its release */
static bool
pg_archive_add(
    struct db *d, const struct db_archived *m, gint64 *id_out, GError **err)
{
	GString *refs = g_string_new("{");
	struct db_stmt *st;
	bool ok, row = false;

	for (size_t i = 0; i < m->nrefs; i++)
		array_item(refs, m->refs[i]);
	g_string_append_c(refs, '}');
	*id_out = 0;
	st = stmt_of(d, err,
	    "WITH m AS (INSERT INTO messages (list_id, message_id,"
	    " parent_id, subject, from_addr, from_name, date, body_text,"
	    " raw, received, thread_id, refs, attachments) VALUES (?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?) ON CONFLICT (list_id,"
	    " message_id) DO NOTHING RETURNING id, list_id),"
	    " r AS (INSERT INTO message_refs (list_id, ref_id, message)"
	    " SELECT m.list_id, u.ref, m.id FROM m, unnest(?::text[])"
	    " WITH ORDINALITY AS u(ref, n) ORDER BY u.n),"
	    " t AS (UPDATE threads SET count = count + 1,"
	    " first_date = CASE WHEN first_date IS NULL"
	    " OR first_date > ? THEN ? ELSE first_date END,"
	    " last_date = CASE WHEN last_date IS NULL"
	    " OR last_date < ? THEN ? ELSE last_date END"
	    " WHERE id = ? AND EXISTS (SELECT 1 FROM m))"
	    " SELECT id FROM m",
	    "itttttitbiitttiiiii", m->list_id, m->message_id, m->parent_id,
	    m->subject, m->from_addr, m->from_name, m->date, m->body_text,
	    m->raw, m->len, m->received, m->thread_id, m->refs_joined,
	    m->attachments, refs->str, m->date, m->date, m->date, m->date,
	    m->thread_id);
	ok = st != NULL && pg_step(st, &row, err);
	if (ok && row)
		*id_out = pg_col_int64(st, 0);
	pg_reset(st);
	g_string_free(refs, TRUE);
	return ok;
}

/* A column's place in an encoded position (column << 28 | position, as
 * message_terms.pos holds them, see db_pg_schema.c); positions past
 * DB_PG_POS_MAX are not indexed (a column of the archive holds at most
 * MOIM_MAX_ARCHIVE_TEXT bytes, far fewer terms). */
#define DB_PG_POS_BITS 28
#define DB_PG_POS_MAX ((1 << DB_PG_POS_BITS) - 1)

/* The terms of the messages being indexed: each term's encoded
 * positions and weight per message. */
struct term_rows {
	GHashTable *terms; /* term -> struct term_row, of one message */
	GPtrArray *all; /* struct term_row, of every message */
	gint64 list_id, message;
	int col, pos;
};

struct term_row {
	char *term;
	gint64 list_id, message;
	GString *pos; /* "{1,5,9" */
	int npos;
	int w;
};

/* At most this many positions of a term are kept in its message_terms
 * row (and its index entry); more go to message_terms_more (see
 * db_pg_schema.c, step 16). */
#define DB_PG_POS_INLINE 100

/* Messages indexed in one statement. */
#define DB_PG_INDEX_BATCH 256

/* term_row_free - GDestroyNotify of struct term_row */
static void
term_row_free(gpointer p)
{
	struct term_row *t = p;

	g_free(t->term);
	g_string_free(t->pos, TRUE);
	g_free(t);
}

/* term_row - db_token_fn: one occurrence of a term; a colocated term
 * keeps the position of the one before it, as in FTS5 */
static int
term_row(
    void *ctx, bool is_colocated, const char *term, int len, int start, int end)
{
	static const int weight[] = {4, 2, 1, 1};
	struct term_rows *r = ctx;
	g_autofree char *key = g_strndup(term, (gsize)len);
	struct term_row *t;

	(void)start;
	(void)end;
	if (!is_colocated || r->pos < 0)
		r->pos++;
	if (r->pos > DB_PG_POS_MAX)
		return 0;
	t = g_hash_table_lookup(r->terms, key);
	if (t == NULL) {
		t = g_new0(struct term_row, 1);
		t->term = g_steal_pointer(&key);
		t->list_id = r->list_id;
		t->message = r->message;
		t->pos = g_string_new("{");
		g_hash_table_insert(r->terms, t->term, t);
		g_ptr_array_add(r->all, t);
	}
	g_string_append_printf(t->pos, "%s%d", t->npos > 0 ? "," : "",
	    r->col << DB_PG_POS_BITS | r->pos);
	t->npos++;
	t->w += weight[r->col];
	return 0;
}

/* by_term - GCompareFunc of struct term_row *: by term, then message
 * (the order of the search index, so that inserts stay together) */
static gint
by_term(gconstpointer a, gconstpointer b)
{
	const struct term_row *x = *(struct term_row *const *)a;
	const struct term_row *y = *(struct term_row *const *)b;
	int c = strcmp(x->term, y->term);

	if (c != 0)
		return c;
	return x->message < y->message ? -1 : x->message > y->message;
}

/* The rows of some messages as array literals: message_terms' lists,
 * messages, terms, weights and positions (each an array literal itself,
 * NULL when long), and message_terms_more's messages, terms and
 * positions. */
enum {
	TA_LIST,
	TA_MSG,
	TA_TERM,
	TA_W,
	TA_POS,
	TA_MMSG,
	TA_MTERM,
	TA_MPOS,
	TA_N
};

/* term_arrays - rows (sorted) as the array literals a[TA_N] */
static void
term_arrays(GPtrArray *rows, GString **a)
{
	for (int i = 0; i < TA_N; i++)
		a[i] = g_string_new("{");
	g_ptr_array_sort(rows, by_term);
	for (guint i = 0; i < rows->len; i++) {
		struct term_row *t = rows->pdata[i];
		bool is_long = t->npos > DB_PG_POS_INLINE;

		g_string_append_c(t->pos, '}');
		array_int(a[TA_LIST], t->list_id);
		array_int(a[TA_MSG], t->message);
		array_item(a[TA_TERM], t->term);
		array_int(a[TA_W], t->w);
		array_item(a[TA_POS], is_long ? NULL : t->pos->str);
		if (is_long) {
			array_int(a[TA_MMSG], t->message);
			array_item(a[TA_MTERM], t->term);
			array_item(a[TA_MPOS], t->pos->str);
		}
	}
	for (int i = 0; i < TA_N; i++)
		g_string_append_c(a[i], '}');
}

/* index_messages - message_terms of messages ids[0, n) made again from
 * their rows (a deleted message's rows go by a trigger on messages; an
 * id without a row is left so). One statement writes, so it is atomic
 * without a savepoint: its DELETEs do not see the rows its INSERTs add
 * (one snapshot). */
static bool
index_messages(struct db *d, const gint64 *ids, guint n, GError **err)
{
	g_autoptr(GString) idl = g_string_new("{");
	struct term_rows r = {
	    g_hash_table_new(g_str_hash, g_str_equal),
	    g_ptr_array_new_with_free_func(term_row_free),
	    0,
	    0,
	    0,
	    0,
	};
	struct db_stmt *st;
	GString *a[TA_N];
	bool row = true, ok = true;

	for (guint i = 0; i < n; i++)
		array_int(idl, ids[i]);
	g_string_append_c(idl, '}');
	st = stmt_of(d, err,
	    "SELECT list_id, subject, from_name, body_text, attachments, id"
	    " FROM messages WHERE id = ANY (?::bigint[])",
	    "t", idl->str);
	while (st != NULL && (ok = pg_step(st, &row, err)) && row) {
		r.list_id = pg_col_int64(st, 0);
		r.message = pg_col_int64(st, 5);
		g_hash_table_remove_all(r.terms);
		for (r.col = 0; r.col < 4; r.col++) {
			const char *text = pg_col_text(st, r.col + 1);

			r.pos = -1;
			if (text != NULL)
				(void)db_tokenize(text, (int)strlen(text),
				    false, term_row, &r);
		}
	}
	g_hash_table_destroy(r.terms);
	if (st == NULL || !ok) {
		g_ptr_array_unref(r.all);
		return false;
	}
	pg_reset(st);
	term_arrays(r.all, a);
	g_ptr_array_unref(r.all);
	ok = run_stmt(
	    stmt_of(d, err,
		"WITH gone AS (DELETE FROM message_terms"
		" WHERE message = ANY (?::bigint[])),"
		" gone_more AS (DELETE FROM message_terms_more"
		" WHERE message = ANY (?::bigint[])),"
		" more AS (INSERT INTO message_terms_more (message,"
		" term, pos) SELECT m, t, p::integer[]"
		" FROM unnest(?::bigint[], ?::text[], ?::text[])"
		" AS u(m, t, p))"
		" INSERT INTO message_terms (list_id, term, message,"
		" w, pos) SELECT l, t, m, w, p::integer[]"
		" FROM unnest(?::bigint[], ?::text[], ?::bigint[],"
		" ?::integer[], ?::text[]) AS u(l, t, m, w, p)",
		"tttttttttt", idl->str, idl->str, a[TA_MMSG]->str,
		a[TA_MTERM]->str, a[TA_MPOS]->str, a[TA_LIST]->str,
		a[TA_TERM]->str, a[TA_MSG]->str, a[TA_W]->str, a[TA_POS]->str),
	    err);
	for (int i = 0; i < TA_N; i++)
		g_string_free(a[i], TRUE);
	return ok;
}

/* index_flush - index the messages archive_index() left to the commit;
 * they stay listed (done) until the transaction ends */
static bool
index_flush(struct pg_conn *c, GError **err)
{
	while (c->indexed < c->to_index->len) {
		guint n = MIN(c->to_index->len - c->indexed, DB_PG_INDEX_BATCH);

		if (!index_messages(&c->base,
			&g_array_index(c->to_index, gint64, c->indexed), n,
			err))
			return false;
		c->indexed += n;
	}
	return true;
}

/* index_end - the transaction ended: nothing is left to index */
static void
index_end(struct pg_conn *c)
{
	g_array_set_size(c->to_index, 0);
	c->indexed = 0;
}

/* pg_archive_index - message_id's search rows made again from its row.
 * Inside a transaction, messages are indexed DB_PG_INDEX_BATCH at a
 * time and before a search or the commit (one statement each, not two
 * per message); a rolled back savepoint makes the commit index every
 * message of the transaction again. */
static bool
pg_archive_index(struct db *d, gint64 message_id, GError **err)
{
	struct pg_conn *c = CONN(d);

	if (!pg_in_transaction(d))
		return index_messages(d, &message_id, 1, err);
	g_array_append_val(c->to_index, message_id);
	return c->to_index->len - c->indexed < DB_PG_INDEX_BATCH ||
	    index_flush(c, err);
}

/* run_search - the rows of sql with text parameters params; NULL (and
 * *err) on failure */
static PGresult *
run_search(struct pg_conn *c, const char *sql, GPtrArray *params, GError **err)
{
	PGresult *res;
	bool was_idle;

	if (params->len > DB_PG_MAX_PARAMS)
		return moim_fail(err, MOIM_ERR_INPUT, "search: too many terms"),
		       NULL;
	if (!ready(c, err))
		return NULL;
	was_idle = is_idle(c);
	res = PQexecParams(c->pg, sql, (int)params->len, NULL,
	    (const char *const *)params->pdata, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	(void)note_lost(c, was_idle);
	pg_fail(c, res, err, "archive search");
	PQclear(res);
	return NULL;
}

/* search_param - n as the next parameter (NULL when n < 0); its number */
static int
search_param(struct db_pg_search *q, gint64 n)
{
	g_ptr_array_add(
	    q->params, n < 0 ? NULL : g_strdup_printf("%" G_GINT64_FORMAT, n));
	return (int)q->params->len;
}

/* search_sql - the statement for order over q's set, its parameters
 * added to q */
static char *
search_sql(
    struct db_pg_search *q, enum db_search_order order, int limit, int offset)
{
	int a, b;

	if (order == DB_SEARCH_NEWEST) {
		a = search_param(q, limit > 0 ? limit : -1);
		b = search_param(q, offset);
		return g_strdup_printf("SELECT message FROM (%s) s"
				       " ORDER BY message DESC LIMIT $%d"
				       " OFFSET $%d",
		    q->set->str, a, b);
	}
	/* As on SQLite, only the newest DB_SEARCH_RANK_WINDOW matches are
	 * ranked when a few are asked for. The score is the sum of the
	 * column weights (subject 4, from_name 2, body and attachments 1)
	 * of every occurrence of a term the query looks for
	 * (db_pg_search.c). */
	a = search_param(q, limit > 0 ? DB_SEARCH_RANK_WINDOW : -1);
	b = search_param(q, limit > 0 ? limit : -1);
	return g_strdup_printf(
	    "SELECT message FROM (SELECT message, score FROM (%s) s"
	    " ORDER BY message DESC LIMIT $%d) r"
	    " ORDER BY score DESC, message DESC LIMIT $%d",
	    q->set->str, a, b);
}

/* pg_archive_search - matching ids, best or newest first */
static GArray *
pg_archive_search(struct db *d, gint64 list_id, const char *match,
    enum db_search_order order, int limit, int offset, GError **err)
{
	struct db_pg_search q = {0};
	g_autofree char *sql = NULL;
	GArray *ids = NULL;
	PGresult *res;

	if (!index_flush(CONN(d), err) || !db_pg_search_build(match, &q, err))
		goto out;
	q.params->pdata[0] = g_strdup_printf("%" G_GINT64_FORMAT, list_id);
	sql = search_sql(&q, order, limit, offset);
	res = run_search(CONN(d), sql, q.params, err);
	if (res == NULL)
		goto out;
	ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	for (int i = 0; i < PQntuples(res); i++) {
		gint64 id = g_ascii_strtoll(PQgetvalue(res, i, 0), NULL, 10);

		g_array_append_val(ids, id);
	}
	PQclear(res);
out:
	db_pg_search_clear(&q);
	return ids;
}

/* pg_archive_count - how many messages of the list match, up to cap */
static gint64
pg_archive_count(
    struct db *d, gint64 list_id, const char *match, gint64 cap, GError **err)
{
	struct db_pg_search q = {0};
	g_autofree char *sql = NULL;
	gint64 n = -1;
	PGresult *res;
	int a;

	if (!index_flush(CONN(d), err) || !db_pg_search_build(match, &q, err))
		goto out;
	q.params->pdata[0] = g_strdup_printf("%" G_GINT64_FORMAT, list_id);
	a = search_param(&q, cap);
	sql = g_strdup_printf("SELECT count(*) FROM (SELECT message FROM (%s) s"
			      " LIMIT $%d) c",
	    q.set->str, a);
	res = run_search(CONN(d), sql, q.params, err);
	if (res == NULL)
		goto out;
	n = PQntuples(res) == 1
	    ? g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10)
	    : 0;
	PQclear(res);
out:
	db_pg_search_clear(&q);
	return n;
}

/* ------------------------------------------------------ open and close */

static void
pg_close(struct db *d)
{
	struct pg_conn *c = CONN(d);

	if (c == NULL)
		return;
	g_hash_table_destroy(c->stmts);
	g_array_unref(c->sp_began);
	g_array_unref(c->to_index);
	if (c->pg != NULL)
		PQfinish(c->pg);
	g_free(c);
}

/* check_writable - a read-write open of a hot standby is a config error */
static bool
check_writable(struct pg_conn *c, GError **err)
{
	struct db_stmt *st =
	    stmt_of(&c->base, err, "SELECT pg_is_in_recovery()", "");
	bool row = false, is_standby = false;

	if (st == NULL || !pg_step(st, &row, err))
		return false;
	is_standby = row && pg_col_int64(st, 0) != 0;
	pg_reset(st);
	if (is_standby)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "database: a read-only replica cannot be opened to write");
	return true;
}

static struct db *
pg_open(const char *spec, enum db_access acc, GError **err)
{
	struct pg_conn *c = g_new0(struct pg_conn, 1);

	c->base.ops = &db_pg_ops;
	c->acc = acc;
	c->stmts = g_hash_table_new_full(
	    g_direct_hash, g_direct_equal, NULL, stmt_free);
	c->sp_began = g_array_new(FALSE, FALSE, sizeof(bool));
	c->to_index = g_array_new(FALSE, FALSE, sizeof(gint64));
	c->pg = PQconnectdb(spec);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		/* The text libpq gives names the host, not the password. */
		pg_fail(c, NULL, err, "connect");
		goto fail;
	}
	if (!session_setup(c, err) ||
	    (!db_reads_only(acc) && !check_writable(c, err)))
		goto fail;
	return &c->base;
fail:
	pg_close(&c->base);
	return NULL;
}

static const struct db_ops db_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .step = pg_step,
    .reset = pg_reset,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_is_null = pg_col_is_null,
    .changes = pg_changes,
    .exec = pg_exec,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .savepoint = pg_savepoint,
    .release = pg_release,
    .schema_version = pg_schema_version,
    .migrate = pg_migrate,
    .data_version = pg_data_version,
    .change_fd = pg_change_fd,
    .delivery_claim = pg_delivery_claim,
    .deliveries_add = pg_deliveries_add,
    .members_add = pg_members_add,
    .archive_add = pg_archive_add,
    .inbound_claim = pg_inbound_claim,
    .archive_index = pg_archive_index,
    .archive_search = pg_archive_search,
    .archive_count = pg_archive_count,
};

const struct db_ops *const db_pg_driver = &db_pg_ops;
