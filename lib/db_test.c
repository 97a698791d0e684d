/*
 * db_test - the same driver cases on every engine of lib/db.h, and a
 * test that fails when the engines' schemas drift apart
 *
 * SQLite runs always, on files in a temporary folder. PostgreSQL runs
 * on $MOIM_TEST_PG (a database the test may wipe: it drops and makes
 * the schema public for each case), else on a private cluster that
 * tests/pg.sh starts and stops; without either, its cases are skipped
 * with the reason.
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "db.h"
#include "db_pg.h"
#include "err.h"

struct engine {
	const char *name;
	const struct db_ops *ops;
	char *spec; /* PostgreSQL: the URI; SQLite: the folder */
	char *skip; /* why the engine's cases are skipped, or NULL */
	int n; /* SQLite: files made so far */
};

static struct engine engines[2];
static char *pg_started; /* the URI of the cluster we started */

/* ------------------------------------------------------------ helpers */

/* st_of - ops->prepare() with the parameters as arguments */
static struct db_stmt *
st_of(struct db *db, const char *sql, const char *fmt, ...)
{
	GError *e = NULL;
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db->ops->prepare(db, sql, fmt, ap, &e);
	va_end(ap);
	g_assert_no_error(e);
	g_assert_nonnull(st);
	return st;
}

/* run - step st to its end, asserting success */
static void
run(struct db *db, struct db_stmt *st)
{
	GError *e = NULL;
	bool row = true;

	while (row)
		g_assert_true(db->ops->step(st, &row, &e));
	g_assert_no_error(e);
}

/* one_int - the integer in the first row of st (asserting a row) */
static gint64
one_int(struct db *db, struct db_stmt *st)
{
	GError *e = NULL;
	bool row = false;
	gint64 v;

	g_assert_true(db->ops->step(st, &row, &e));
	g_assert_no_error(e);
	g_assert_true(row);
	v = db->ops->col_int64(st, 0);
	db->ops->reset(st);
	return v;
}

static void
exec_ok(struct db *db, const char *sql)
{
	GError *e = NULL;

	(void)db->ops->exec(db, sql, &e);
	g_assert_no_error(e);
}

/* fresh_at - an empty database of en, opened read-write and migrated to
 * version; NULL (the case skipped) when en cannot run */
static struct db *
fresh_at(struct engine *en, char **spec_out, int version)
{
	GError *e = NULL;
	struct db *db;
	char *spec;

	if (en->skip != NULL) {
		g_test_skip(en->skip);
		return NULL;
	}
	if (en->ops == engines[0].ops)
		spec = g_strdup_printf("%s/%d.db", en->spec, en->n++);
	else
		spec = g_strdup(en->spec);
	db = en->ops->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	if (en->ops != engines[0].ops)
		exec_ok(db,
		    "DROP SCHEMA IF EXISTS public CASCADE;"
		    " CREATE SCHEMA public");
	g_assert_true(db->ops->migrate(db, version, &e));
	g_assert_no_error(e);
	if (spec_out != NULL)
		*spec_out = spec;
	else
		g_free(spec);
	return db;
}

/* fresh - fresh_at() the newest version */
static struct db *
fresh(struct engine *en, char **spec_out)
{
	return fresh_at(en, spec_out, 999);
}

/* A table for the value cases, written once for both engines. */
static const char table_t[] =
    "CREATE TABLE t (k BIGINT PRIMARY KEY, n BIGINT, d DOUBLE PRECISION,"
    " s TEXT, b BYTEA)";

/* -------------------------------------------------------- value cases */

/* Values go in and come out unchanged, through every parameter type. */
static void
test_roundtrip(gconstpointer data)
{
	static const char blob[] = {'a', '\0', '\xff', '?', '\''};
	static const struct {
		gint64 n;
		double d;
		const char *s;
		const void *b;
		size_t blen;
	} cases[] = {
	    {0, 0.0, "", NULL, 0},
	    {G_MAXINT64, 1.5, "it's a '?'", blob, sizeof(blob)},
	    {G_MININT64, -2.25e-300, "AI 프렌즈 모임", "x", 1},
	    {42, 1e300, NULL, blob, 1},
	};
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	size_t i;

	if (db == NULL)
		return;
	exec_ok(db, table_t);
	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		run(db,
		    st_of(db,
			"INSERT INTO t (k, n, d, s, b) VALUES (?, ?, ?, ?, ?)",
			"iidtb", (gint64)i, cases[i].n, cases[i].d, cases[i].s,
			cases[i].b, cases[i].blen));
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct db_stmt *st =
		    st_of(db, "SELECT n, d, s, b, s IS NULL FROM t WHERE k = ?",
			"i", (gint64)i);
		GError *e = NULL;
		bool row = false;
		size_t len = 99;
		const void *b;

		g_assert_true(db->ops->step(st, &row, &e));
		g_assert_true(row);
		g_assert_cmpint(db->ops->col_int64(st, 0), ==, cases[i].n);
		g_assert_cmpfloat(db->ops->col_double(st, 1), ==, cases[i].d);
		g_assert_cmpstr(db->ops->col_text(st, 2), ==, cases[i].s);
		g_assert_cmpint(
		    db->ops->col_is_null(st, 2), ==, cases[i].s == NULL);
		b = db->ops->col_blob(st, 3, &len);
		g_assert_cmpuint(len, ==, cases[i].blen);
		if (len > 0)
			g_assert_cmpmem(b, len, cases[i].b, cases[i].blen);
		/* A boolean reads as 1 or 0 on every engine. */
		g_assert_cmpint(
		    db->ops->col_int64(st, 4), ==, cases[i].s == NULL);
		g_assert_true(db->ops->step(st, &row, &e));
		g_assert_false(row);
	}
	db->ops->close(db);
}

/* '?' inside a string literal is text, not a placeholder. */
static void
test_placeholders(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	struct db_stmt *st;
	GError *e = NULL;
	bool row = false;

	if (db == NULL)
		return;
	st = st_of(db, "SELECT 'a?''b', ? + 1, 'c'", "i", (gint64)41);
	g_assert_true(db->ops->step(st, &row, &e));
	g_assert_true(row);
	g_assert_cmpstr(db->ops->col_text(st, 0), ==, "a?'b");
	g_assert_cmpint(db->ops->col_int64(st, 1), ==, 42);
	g_assert_cmpstr(db->ops->col_text(st, 2), ==, "c");
	db->ops->reset(st);
	/* The same literal again is the cached statement, bound anew. */
	st = st_of(db, "SELECT 'a?''b', ? + 1, 'c'", "i", (gint64)1);
	g_assert_true(db->ops->step(st, &row, &e));
	g_assert_cmpint(db->ops->col_int64(st, 1), ==, 2);
	db->ops->reset(st);
	db->ops->close(db);
}

/* changes() counts rows written; RETURNING gives new ids; a conflict
 * that does nothing changes nothing. */
static void
test_changes(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	gint64 id1, id2;
	GError *e = NULL;

	if (db == NULL)
		return;
	id1 = one_int(db,
	    st_of(db,
		"INSERT INTO lists (local, domain, created)"
		" VALUES (?, ?, ?) RETURNING id",
		"tti", "a", "example.org", (gint64)1));
	g_assert_cmpint(db->ops->changes(db), ==, 1);
	id2 = one_int(db,
	    st_of(db,
		"INSERT INTO lists (local, domain, created)"
		" VALUES (?, ?, ?) RETURNING id",
		"tti", "b", "example.org", (gint64)1));
	g_assert_cmpint(id1, >, 0);
	g_assert_cmpint(id2, >, id1);
	run(db,
	    st_of(db,
		"INSERT INTO lists (local, domain, created) VALUES (?, ?, ?)"
		" ON CONFLICT (local, domain) DO NOTHING",
		"tti", "a", "example.org", (gint64)2));
	g_assert_cmpint(db->ops->changes(db), ==, 0);
	run(db, st_of(db, "UPDATE lists SET created = ?", "i", (gint64)5));
	g_assert_cmpint(db->ops->changes(db), ==, 2);
	/* A read does not move it. */
	g_assert_cmpint(
	    one_int(db, st_of(db, "SELECT count(*) FROM lists", "")), ==, 2);
	g_assert_cmpint(db->ops->changes(db), ==, 2);
	/* A constraint violation is an input error naming its kind. */
	g_assert_false(db->ops->exec(db,
	    "INSERT INTO lists (local, domain, created)"
	    " VALUES ('a', 'example.org', 3)",
	    &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_assert_nonnull(strstr(e->message, "UNIQUE"));
	g_clear_error(&e);
	db->ops->close(db);
}

/* A statement stepped past its end runs again on the next step. */
static void
test_step_again(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	struct db_stmt *st;
	GError *e = NULL;
	bool row;
	int pass, n;

	if (db == NULL)
		return;
	exec_ok(db, table_t);
	exec_ok(
	    db, "INSERT INTO t (k) VALUES (1); INSERT INTO t (k) VALUES (2)");
	st = st_of(db, "SELECT k FROM t ORDER BY k", "");
	for (pass = 0; pass < 2; pass++) {
		for (n = 0;; n++) {
			g_assert_true(db->ops->step(st, &row, &e));
			if (!row)
				break;
			g_assert_cmpint(db->ops->col_int64(st, 0), ==, n + 1);
		}
		g_assert_cmpint(n, ==, 2);
	}
	db->ops->close(db);
}

/* ------------------------------------------------------- transactions */

static gint64
count_t(struct db *db)
{
	return one_int(db, st_of(db, "SELECT count(*) FROM t", ""));
}

static void
insert_t(struct db *db, gint64 k)
{
	run(db, st_of(db, "INSERT INTO t (k) VALUES (?)", "i", k));
}

/* Savepoints nest, inside and outside a transaction; one undone keeps
 * its caller's writes. */
static void
test_savepoints(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	const struct db_ops *o;
	GError *e = NULL;

	if (db == NULL)
		return;
	o = db->ops;
	exec_ok(db, table_t);
	g_assert_false(o->in_transaction(db));
	/* Outside a transaction: all or nothing on its own. */
	g_assert_true(o->savepoint(db, &e));
	insert_t(db, 1);
	g_assert_true(o->savepoint(db, &e));
	insert_t(db, 2);
	g_assert_false(o->release(db, false, &e));
	g_assert_true(o->release(db, true, &e));
	g_assert_no_error(e);
	g_assert_false(o->in_transaction(db));
	g_assert_cmpint(count_t(db), ==, 1);
	g_assert_true(o->savepoint(db, &e));
	insert_t(db, 3);
	g_assert_false(o->release(db, false, &e));
	g_assert_false(o->in_transaction(db));
	g_assert_cmpint(count_t(db), ==, 1);
	/* Inside one: the caller's transaction decides. */
	g_assert_true(o->begin(db, &e));
	g_assert_true(o->in_transaction(db));
	g_assert_true(o->savepoint(db, &e));
	insert_t(db, 4);
	g_assert_true(o->release(db, true, &e));
	g_assert_true(o->in_transaction(db));
	o->rollback(db);
	g_assert_false(o->in_transaction(db));
	g_assert_cmpint(count_t(db), ==, 1);
	g_assert_true(o->begin(db, &e));
	insert_t(db, 5);
	g_assert_true(o->commit(db, &e));
	g_assert_no_error(e);
	g_assert_cmpint(count_t(db), ==, 2);
	db->ops->close(db);
}

/* A read transaction sees one snapshot; data_version moves when another
 * connection changes a list; the schema version is the newest. */
static void
test_two_connections(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	char *spec = NULL;
	struct db *a = fresh(en, &spec), *b;
	const struct db_ops *o;
	GError *e = NULL;
	gint64 v0;

	if (a == NULL)
		return;
	o = a->ops;
	exec_ok(a, table_t);
	b = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	g_assert_cmpint(o->schema_version(b), ==, o->schema_version(a));
	g_assert_cmpint(o->schema_version(b), >=, 11);
	v0 = o->data_version(a, &e);
	g_assert_cmpint(v0, >=, 0);
	g_assert_true(o->begin_read(a, &e));
	g_assert_cmpint(count_t(a), ==, 0);
	insert_t(b, 1);
	g_assert_cmpint(count_t(a), ==, 0);
	g_assert_true(o->commit(a, &e));
	g_assert_cmpint(count_t(a), ==, 1);
	run(b,
	    st_of(b,
		"INSERT INTO lists (local, domain, created) VALUES (?, ?, ?)",
		"tti", "x", "example.org", (gint64)1));
	g_assert_cmpint(o->data_version(a, &e), !=, v0);
	g_assert_no_error(e);
	/* Migrating again changes nothing. */
	g_assert_true(o->migrate(b, 999, &e));
	g_assert_no_error(e);
	o->close(b);
	o->close(a);
	g_free(spec);
}

/* mk_copies - an outbound message with n deliveries, the last due at
 * last_due and the others at 0; its id */
static gint64
mk_copies(struct db *db, int n, gint64 last_due)
{
	gint64 ob = one_int(db,
	    st_of(db,
		"INSERT INTO outbound (kind, raw, created)"
		" VALUES (0, ?, 1) RETURNING id",
		"b", "x", (size_t)1));
	int i;

	for (i = 0; i < n; i++) {
		g_autofree char *rcpt = g_strdup_printf("m%d@example.net", i);

		run(db,
		    st_of(db,
			"INSERT INTO deliveries (outbound_id, rcpt, next_try)"
			" VALUES (?, ?, ?)",
			"iti", ob, rcpt, i == n - 1 ? last_due : (gint64)0));
	}
	return ob;
}

/* Claims take due deliveries in copy order, each once. */
static void
test_claim(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	const struct db_ops *o;
	struct db_stmt *st;
	GError *e = NULL;
	gint64 ob, got[4];
	int n;
	bool row;

	if (db == NULL)
		return;
	o = db->ops;
	ob = mk_copies(db, 3, 100);
	for (n = 0; n < 4; n++) {
		st = o->delivery_claim(db, 0, 10, 1, &e);
		g_assert_no_error(e);
		g_assert_true(o->step(st, &row, &e));
		if (!row)
			break;
		got[n] = o->col_int64(st, 0);
		g_assert_cmpint(o->col_int64(st, 1), ==, ob);
		o->reset(st);
	}
	/* Two are due at 10, the third at 100. */
	g_assert_cmpint(n, ==, 2);
	g_assert_cmpint(got[0], <, got[1]);
	db->ops->close(db);
}

/* deliveries_add: rows kept in order with their member and part, a
 * repeated rcpt skipped (also across the driver's batches), text and
 * bytes that array literals would have to quote arriving unchanged. */
static void
test_deliveries_add(gconstpointer data)
{
	static const char *const odd[] = {"a\"b@example.net",
	    "back\\slash@example.net", "{brace}@example.net",
	    "co,mma@example.net", "NULL", "sp ace@example.net", "\"\"",
	    "한글@example.net"};
	static const char part0[] = {'\0', '\xff', '\\', '"', '{', ',', 'x'};
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	enum { N = 25001, DUP = 10005 };
	struct db_delivery *rows;
	char **rcpt;
	GError *e = NULL;
	gint64 ob[2];
	struct db_stmt *st;
	bool row;
	int i, n;

	if (db == NULL)
		return;
	rows = g_new0(struct db_delivery, N);
	rcpt = g_new0(char *, N);
	for (i = 0; i < N; i++) {
		rcpt[i] = i < (int)G_N_ELEMENTS(odd)
		    ? g_strdup(odd[i])
		    : g_strdup_printf("m%06d@example.net", i);
		rows[i] = (struct db_delivery){.rcpt = rcpt[i],
		    .member_id = i + 1,
		    .part = i == 0 ? part0 : (i % 3 ? rcpt[i] : NULL),
		    .part_len =
			i == 0 ? sizeof(part0) : (i % 3 ? strlen(rcpt[i]) : 0)};
	}
	/* A repeat in another batch than the first: skipped, the first
	 * row kept. */
	rows[DUP].rcpt = rcpt[1];
	for (n = 0; n < 2; n++) {
		ob[n] = one_int(db,
		    st_of(db,
			"INSERT INTO outbound (kind, raw, created)"
			" VALUES (0, ?, 1) RETURNING id",
			"b", "x", (size_t)1));
		g_assert_true(db->ops->savepoint(db, &e));
		g_assert_true(db->ops->deliveries_add(
		    db, ob[n], rows, n == 0 ? N : 3, n == 0, &e));
		g_assert_no_error(e);
		g_assert_true(db->ops->release(db, true, &e));
	}
	st = st_of(db,
	    "SELECT rcpt, member_id, part, part IS NULL FROM deliveries"
	    " WHERE outbound_id = ? ORDER BY id",
	    "i", ob[0]);
	for (i = 0; db->ops->step(st, &row, &e) && row; i++) {
		size_t len;
		const void *p = db->ops->col_blob(st, 2, &len);

		if (i == DUP)
			i++;
		g_assert_cmpint(i, <, N);
		g_assert_cmpstr(db->ops->col_text(st, 0), ==, rcpt[i]);
		g_assert_cmpint(db->ops->col_int64(st, 1), ==, i + 1);
		/* With parts, a NULL part is an empty one. */
		g_assert_cmpint(db->ops->col_int64(st, 3), ==, 0);
		g_assert_cmpmem(p, len, rows[i].part, rows[i].part_len);
	}
	g_assert_no_error(e);
	g_assert_cmpint(i, ==, N);
	/* Without parts, the column stays NULL. */
	g_assert_cmpint(one_int(db,
			    st_of(db,
				"SELECT count(*) FROM deliveries WHERE"
				" outbound_id = ? AND part IS NULL",
				"i", ob[1])),
	    ==, 3);
	for (i = 0; i < N; i++)
		g_free(rcpt[i]);
	g_free(rcpt);
	g_free(rows);
	db->ops->close(db);
}

/* ---------------------------------------------------- PostgreSQL only */

/* Another worker's claim skips the rows a transaction holds. */
static void
test_pg_claim_skips(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	char *spec = NULL;
	struct db *a = fresh(en, &spec), *b;
	const struct db_ops *o;
	struct db_stmt *st;
	GError *e = NULL;
	gint64 first;
	bool row;

	if (a == NULL)
		return;
	o = a->ops;
	b = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	(void)mk_copies(a, 2, 0);
	g_assert_true(o->savepoint(a, &e));
	st = o->delivery_claim(a, 0, 10, 1, &e);
	g_assert_true(o->step(st, &row, &e));
	g_assert_true(row);
	first = o->col_int64(st, 0);
	o->reset(st);
	/* a has not committed: b neither waits nor takes a's row. */
	st = o->delivery_claim(b, 0, 10, 5, &e);
	g_assert_true(o->step(st, &row, &e));
	g_assert_true(row);
	g_assert_cmpint(o->col_int64(st, 0), >, first);
	g_assert_true(o->step(st, &row, &e));
	g_assert_false(row);
	g_assert_true(o->release(a, true, &e));
	g_assert_no_error(e);
	o->close(b);
	o->close(a);
	g_free(spec);
}

/* kill_backends - end every other connection to the test database, as
 * a server restart or a network cut does, and wait (up to 10 s each)
 * until they are gone */
static void
kill_backends(struct db *killer)
{
	g_assert_cmpint(
	    one_int(killer,
		st_of(killer,
		    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000))"
		    " FROM pg_stat_activity WHERE datname ="
		    " current_database() AND pid <> pg_backend_pid()",
		    "")),
	    >=, 1);
}

/* A lost connection: a read is retried on a new one at once; a write
 * fails as temporary and the next statement reconnects and prepares
 * again. */
static void
test_pg_reconnect(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	char *spec = NULL;
	struct db *a = fresh(en, &spec), *k;
	const struct db_ops *o;
	GError *e = NULL;
	bool row;

	if (a == NULL)
		return;
	o = a->ops;
	exec_ok(a, table_t);
	insert_t(a, 1);
	k = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	kill_backends(k);
	g_assert_cmpint(count_t(a), ==, 1);
	insert_t(a, 2);
	kill_backends(k);
	g_assert_false(
	    o->step(st_of(a, "INSERT INTO t (k) VALUES (?)", "i", (gint64)9),
		&row, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_clear_error(&e);
	insert_t(a, 3);
	/* Lost inside a transaction: nothing runs until the rollback. */
	g_assert_true(o->begin(a, &e));
	insert_t(a, 4);
	kill_backends(k);
	g_assert_false(
	    o->step(st_of(a, "INSERT INTO t (k) VALUES (?)", "i", (gint64)5),
		&row, &e));
	g_clear_error(&e);
	g_assert_true(o->in_transaction(a));
	g_assert_false(o->exec(a, "SELECT 1", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_clear_error(&e);
	o->rollback(a);
	g_assert_false(o->in_transaction(a));
	g_assert_cmpint(count_t(a), ==, 3);
	o->close(k);
	o->close(a);
	g_free(spec);
}

/* as_role - spec with the user changed to role */
static char *
as_role(const char *spec, const char *role)
{
	if (!g_str_has_prefix(spec, "postgres"))
		return g_strdup_printf("%s user=%s", spec, role);
	return g_strdup_printf(
	    "%s%cuser=%s", spec, strchr(spec, '?') ? '&' : '?', role);
}

/* While the server refuses a connection, a failed reconnect is not
 * tried again before its back-off; afterwards one succeeds. */
static void
test_pg_backoff(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	char *spec = NULL;
	struct db *k = fresh(en, &spec), *c;
	g_autofree char *spec_t = NULL;
	const struct db_ops *o;
	GError *e = NULL;
	int tries;

	if (k == NULL)
		return;
	o = k->ops;
	/* A role of its own: a superuser cannot be kept out. */
	exec_ok(k,
	    "DROP ROLE IF EXISTS moim_test_backoff;"
	    " CREATE ROLE moim_test_backoff LOGIN");
	spec_t = as_role(spec, "moim_test_backoff");
	c = o->open(spec_t, DB_RO, &e);
	g_assert_no_error(e);
	exec_ok(k, "ALTER ROLE moim_test_backoff NOLOGIN");
	kill_backends(k);
	g_assert_false(o->exec(c, "SELECT 1", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_clear_error(&e);
	/* The next call tries to reconnect, fails and waits 100 ms before
	 * the next attempt; the calls meanwhile fail at once; the next
	 * attempt that fails doubles the wait. */
	g_assert_false(o->exec(c, "SELECT 1", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_assert_nonnull(
	    strstr(e->message, "reconnect (next attempt in 100 ms)"));
	g_clear_error(&e);
	for (tries = 0; tries < 500; tries++) {
		g_assert_false(o->exec(c, "SELECT 1", &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
		if (strstr(e->message, "reconnect (") != NULL)
			break;
		g_clear_error(&e);
		g_usleep(20000);
	}
	g_assert_nonnull(
	    strstr(e->message, "reconnect (next attempt in 200 ms)"));
	g_clear_error(&e);
	exec_ok(k, "ALTER ROLE moim_test_backoff LOGIN");
	/* After the 200 ms: polled, at most 10 s. */
	for (tries = 0; tries < 200; tries++) {
		if (o->exec(c, "SELECT 1", &e))
			break;
		g_clear_error(&e);
		g_usleep(50000);
	}
	g_assert_cmpint(tries, <, 200);
	o->close(c);
	exec_ok(k, "DROP ROLE moim_test_backoff");
	o->close(k);
	g_free(spec);
}

/* -------------------------------------------------------- schema drift */

/* rows - every row of st as one string: its text columns joined by ' ' */
static GPtrArray *
rows(struct db *db, struct db_stmt *st)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	GError *e = NULL;
	bool row;

	while (db->ops->step(st, &row, &e) && row) {
		GString *line = g_string_new(NULL);
		int i;

		for (i = 0; i < 6; i++) {
			const char *t = db->ops->col_text(st, i);

			if (t == NULL)
				break;
			g_string_append_printf(line, "%s%s", i ? " " : "", t);
		}
		g_ptr_array_add(a, g_string_free(line, FALSE));
	}
	g_assert_no_error(e);
	return a;
}

/* The catalogue of each engine as lines: a table's columns (in order,
 * with the type named as PostgreSQL names it, NULL-ness and default),
 * primary keys, unique constraints, foreign keys and named indexes. */
static const char sqlite_tables[] =
    "SELECT name FROM sqlite_master WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND name NOT LIKE 'messages\\_fts%' ESCAPE '\\' ORDER BY name";
static const char sqlite_columns[] =
    "SELECT 'column', ?1, cid, name, CASE upper(type) WHEN 'INTEGER'"
    " THEN 'bigint' WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea'"
    " WHEN 'REAL' THEN 'double_precision' ELSE type END"
    " || CASE WHEN \"notnull\" OR pk THEN '/notnull' ELSE '' END"
    " || '/' || coalesce(dflt_value, '-'), NULL"
    " FROM pragma_table_info(?1)"
    " UNION ALL SELECT 'pk', ?1, (SELECT group_concat(name, ',') FROM"
    " (SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk)),"
    " NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM pragma_table_info(?1)"
    " WHERE pk > 0)"
    " UNION ALL SELECT 'unique', ?1, (SELECT group_concat(name, ',') FROM"
    " (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)),"
    " NULL, NULL, NULL FROM pragma_index_list(?1) l WHERE l.origin = 'u'"
    " UNION ALL SELECT 'fk', ?1, \"from\", \"table\", \"to\", on_delete"
    " FROM pragma_foreign_key_list(?1)"
    " UNION ALL SELECT 'index', ?1, m.name, (SELECT group_concat(name, ',')"
    " FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno)),"
    " NULL, NULL FROM sqlite_master m WHERE m.type = 'index' AND m.tbl_name = ?1"
    " AND m.sql IS NOT NULL";
static const char pg_tables[] =
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    " AND table_name NOT LIKE 'moim\\_%'"
    " AND table_name NOT LIKE 'message\\_terms%' ORDER BY table_name";
static const char pg_columns[] =
    "WITH k AS (SELECT c.*, (SELECT string_agg(a.attname, ','"
    " ORDER BY array_position(c.conkey, a.attnum)) FROM pg_attribute a"
    " WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) AS cols,"
    " (SELECT string_agg(a.attname, ',' ORDER BY"
    " array_position(c.confkey, a.attnum)) FROM pg_attribute a"
    " WHERE a.attrelid = c.confrelid AND a.attnum = ANY (c.confkey)) AS fcols"
    " FROM pg_constraint c WHERE c.conrelid = $1::text::regclass)"
    " SELECT 'column', $1::text, (ordinal_position - 1)::text, column_name,"
    " replace(data_type, ' ', '_')"
    " || CASE WHEN is_nullable = 'NO' THEN '/notnull' ELSE '' END"
    " || '/' || coalesce(regexp_replace(column_default, '::[a-z ]+$', ''),"
    " '-'), NULL FROM information_schema.columns WHERE table_name = $1::text"
    " AND table_schema = current_schema()"
    " UNION ALL SELECT 'pk', $1, cols, NULL, NULL, NULL FROM k"
    " WHERE contype = 'p' UNION ALL SELECT 'unique', $1, cols, NULL, NULL,"
    " NULL FROM k WHERE contype = 'u'"
    " UNION ALL SELECT 'fk', $1, cols, confrelid::regclass::text, fcols,"
    " CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'"
    " WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END FROM k"
    " WHERE contype = 'f'"
    " UNION ALL SELECT 'index', $1, ic.relname, (SELECT string_agg(a.attname,"
    " ',' ORDER BY array_position(i.indkey::int2[], a.attnum))"
    " FROM pg_attribute a WHERE a.attrelid = i.indrelid"
    " AND a.attnum = ANY (i.indkey)), NULL, NULL FROM pg_index i JOIN pg_class ic"
    " ON ic.oid = i.indexrelid WHERE i.indrelid = $1::text::regclass"
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
    " WHERE c.conindid = i.indexrelid)";

static gint
by_text(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* catalogue - the sorted lines that describe db's schema */
static char *
catalogue(struct db *db, const char *tables, const char *columns)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *names = rows(db, st_of(db, tables, ""));
	char *out;
	guint i, j;

	for (i = 0; i < names->len; i++) {
		const char *t = names->pdata[i];
		GPtrArray *lines = rows(db, st_of(db, columns, "t", t));

		for (j = 0; j < lines->len; j++)
			g_ptr_array_add(all, g_strdup(lines->pdata[j]));
		g_ptr_array_unref(lines);
	}
	g_ptr_array_unref(names);
	g_ptr_array_sort(all, by_text);
	g_ptr_array_add(all, NULL);
	out = g_strjoinv("\n", (char **)all->pdata);
	g_ptr_array_unref(all);
	return out;
}

/* report_drift - the lines only one engine has, on stderr */
static void
report_drift(const char *a, const char *b)
{
	g_auto(GStrv) la = g_strsplit(a, "\n", -1);
	g_auto(GStrv) lb = g_strsplit(b, "\n", -1);
	size_t i;

	for (i = 0; la[i] != NULL; i++)
		if (!g_strv_contains((const char *const *)lb, la[i]))
			g_printerr("# only on SQLite: %s\n", la[i]);
	for (i = 0; lb[i] != NULL; i++)
		if (!g_strv_contains((const char *const *)la, lb[i]))
			g_printerr("# only on PostgreSQL: %s\n", lb[i]);
}

/* Both engines at their newest version have the same version and the
 * same tables, columns, keys, constraints and indexes. */
static void
test_schema_drift(void)
{
	struct db *lite = fresh(&engines[0], NULL), *pg;
	g_autofree char *a = NULL, *b = NULL;

	pg = fresh(&engines[1], NULL);
	if (pg == NULL) {
		lite->ops->close(lite);
		return;
	}
	g_assert_cmpint(
	    lite->ops->schema_version(lite), ==, pg->ops->schema_version(pg));
	a = catalogue(lite, sqlite_tables, sqlite_columns);
	b = catalogue(pg, pg_tables, pg_columns);
	report_drift(a, b);
	g_assert_cmpstr(a, ==, b);
	/* Not an empty comparison. */
	g_assert_nonnull(strstr(a, "column members 4 role bigint/notnull/0"));
	lite->ops->close(lite);
	pg->ops->close(pg);
}

/* ------------------------------------------------- archive search */

/* Thirty times a word. */
#define LA30                                                                    \
	"la la la la la la la la la la la la la la la la la la la la la la la " \
	"la la la la la la la "

/* The same small archive on both engines: Korean and English, subjects,
 * names, bodies and attachments; list 2 holds a decoy. */
static const struct {
	gint64 list;
	const char *subject, *from_name, *body, *attachments;
} corpus[] = {
    {1, "모임 안내", "김철수", "이번 주 토요일 모임은 대전에서 합니다.", NULL},
    {1, "Re: 모임 안내", "Lee Younghee", "모임에서 뵙겠습니다. See you.", NULL},
    {1, "Meeting notes", "Park", "We met at the library. 모임을 마쳤습니다",
	"notes.pdf"},
    {1, "회의록 공유", "박지성", "회의록을 첨부합니다. The minutes are here.",
	"회의록.hwp"},
    {1, "Library hours", "Kim", "The library opens at nine. Libraries vary.",
	NULL},
    {1, "대전 스터디", "모임지기", "스터디 장소: 대전 시립도서관", NULL},
    {1, "Potluck", "Choi", "Bring food to the meeting, not to the library",
	NULL},
    {1, "l7 test", "Han", "list tag decoy 7", NULL},
    /* A term with more positions than PostgreSQL keeps in its row. */
    {1, "Chant", "Seo", LA30 LA30 LA30 LA30 "la the library; 노래 " LA30, NULL},
    {2, "모임 안내", "Other", "다른 목록의 모임 library", NULL},
};

/* What a person types, through archive_fts_query() as the store does. */
static const char *const queries[] = {
    "모임", /* two syllables: the bigram, also inside 모임을, 모임에서 */
    "모", /* one syllable: a prefix */
    "임", /* one syllable at a run's end */
    "대전",
    "회의록",
    "\"모임 안내\"",
    "\"이번 주\"",
    "library",
    "librar*",
    "lib*",
    "\"the library\"",
    "모임 library",
    "모임 OR library",
    "모임 -안내",
    "library NOT hours",
    "NOT 모임",
    "subject:모임",
    "from_name:모임",
    "subject:library",
    "meeting",
    "회의록.hwp",
    "notes",
    "l7",
    "7",
    "\"see you\"",
    "nothing",
    "토요일 OR 시립도서관 OR nine",
    "\"la the library\"",
    "\"la la\" 노래",
    "\"library la\"",
    "la*",
    "\"the library; 노\"",
};

/* cmp_int64 - GCompareFunc of two gint64 */
static gint
cmp_int64(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

/* MATCH strings written directly: column filters and nesting. */
static const char *const matches[] = {
    "subject : \"모임\"",
    "from_name : \"모임\"*",
    "subject : \"모\"*",
    "{subject from_name} : \"library\"",
    "{body_text} : (\"모임\" OR \"library\")",
    "attachments : \"회의록\"",
    "\"회의록\" NOT attachments : \"hwp\"",
    "\"모임 안내\" AND body_text : \"토요일\"",
    "(\"the\" OR \"모임\") NOT (\"library\" OR \"안내\")",
    "body_text : \"la\" NOT subject : \"la\"",
    "{subject body_text} : \"la the\"*",
    "\"la\" \"la\" \"la la la la la la la la la la\"",
};

/* search_ids - the ids a search finds, in the engine's order (sorted
 * when is_sorted) as text */
static char *
search_ids(struct db *db, const char *match, enum db_search_order order,
    bool is_sorted)
{
	GError *e = NULL;
	GArray *ids = db->ops->archive_search(db, 1, match, order, 0, 0, &e);
	GString *out = g_string_new(NULL);

	g_assert_no_error(e);
	g_assert_nonnull(ids);
	if (is_sorted)
		g_array_sort(ids, cmp_int64);
	for (guint i = 0; i < ids->len; i++)
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i ? " " : "",
		    g_array_index(ids, gint64, i));
	g_assert_cmpint(
	    db->ops->archive_count(db, 1, match, -1, &e), ==, (gint64)ids->len);
	g_assert_no_error(e);
	g_array_unref(ids);
	return g_string_free(out, FALSE);
}

/* same_ids - both engines find the same ids for match: the same set
 * ranked (the order is logged: SQLite's bm25 weighs rare terms and short
 * messages up, see db_pg.c), the same order newest first */
static void
same_ids(struct db *lite, struct db *pg, const char *match)
{
	g_autofree char *a = search_ids(lite, match, DB_SEARCH_RANKED, true);
	g_autofree char *b = search_ids(pg, match, DB_SEARCH_RANKED, true);
	g_autofree char *c = search_ids(lite, match, DB_SEARCH_NEWEST, false);
	g_autofree char *d = search_ids(pg, match, DB_SEARCH_NEWEST, false);
	g_autofree char *e = search_ids(lite, match, DB_SEARCH_RANKED, false);
	g_autofree char *f = search_ids(pg, match, DB_SEARCH_RANKED, false);

	g_test_message("%s: [%s] [%s], ranked [%s] [%s]", match, a, b, e, f);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(c, ==, d);
}

/* fill_corpus - the corpus into db, indexed */
static void
fill_corpus(struct db *db)
{
	GError *e = NULL;

	exec_ok(db,
	    "INSERT INTO lists (id, local, domain, created) VALUES"
	    " (1, 'a', 'example.org', 0), (2, 'b', 'example.org', 0)");
	for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
		g_autofree char *mid = g_strdup_printf("<%zu@example.org>", i);

		run(db,
		    st_of(db,
			"INSERT INTO messages (id, list_id, message_id,"
			" subject, from_name, body_text, attachments, raw,"
			" received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
			"iitttttb", (gint64)i + 1, corpus[i].list, mid,
			corpus[i].subject, corpus[i].from_name, corpus[i].body,
			corpus[i].attachments, "x", (size_t)1));
		g_assert_true(db->ops->archive_index(db, (gint64)i + 1, &e));
		g_assert_no_error(e);
	}
}

/* window_ids - the best limit of the newest window matches of m by
 * moim_rank(), as one SQL statement orders them: what
 * archive_search_counted() must find */
static char *
window_ids(struct db *db, const char *m, int filters, gint64 window, int limit)
{
	struct db_stmt *st = st_of(db,
	    "SELECT id FROM (SELECT f.rowid AS id,"
	    " moim_rank(messages_fts, ?, z.sz) AS score"
	    " FROM messages_fts f LEFT JOIN messages_fts_docsize z"
	    " ON z.id = f.rowid WHERE messages_fts MATCH ?"
	    " ORDER BY f.rowid DESC LIMIT ?) ORDER BY score, id DESC LIMIT ?",
	    "itii", (gint64)filters, m, window, (gint64)limit);
	GString *out = g_string_new(NULL);
	GError *e = NULL;
	bool row = true;

	for (;;) {
		g_assert_true(db->ops->step(st, &row, &e));
		g_assert_no_error(e);
		if (!row)
			break;
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT,
		    out->len ? " " : "", db->ops->col_int64(st, 0));
	}
	return g_string_free(out, FALSE);
}

/* counted_ids - archive_search_counted()'s ids as text; *total_out */
static char *
counted_ids(
    struct db *db, gint64 list_id, const char *m, int limit, gint64 *total_out)
{
	GError *e = NULL;
	GArray *ids = db->ops->archive_search_counted(
	    db, list_id, m, limit, total_out, &e);
	GString *out = g_string_new(NULL);

	g_assert_no_error(e);
	g_assert_nonnull(ids);
	for (guint i = 0; i < ids->len; i++)
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i ? " " : "",
		    g_array_index(ids, gint64, i));
	g_array_unref(ids);
	return g_string_free(out, FALSE);
}

/* SQLite ranks and counts a search in one walk: with more matches than
 * DB_SEARCH_RANK_WINDOW, the best of the newest window in SQL's order
 * (score, then newest; ties included), and every match counted once;
 * with fewer, all of them; one list's archive and two lists'. */
static void
test_sqlite_search_window(void)
{
	g_autofree char *spec = NULL;
	struct db *db = fresh(&engines[0], &spec), *brief;
	GError *err = NULL;
	const gint64 n = DB_SEARCH_RANK_WINDOW + 700;
	static const struct {
		const char *match;
		gint64 want; /* matches in list 1 */
	} cases[] = {
	    {"\"word\"", DB_SEARCH_RANK_WINDOW + 700},
	    {"\"odd\"", (DB_SEARCH_RANK_WINDOW + 700) / 2},
	    {"\"seven\"", (DB_SEARCH_RANK_WINDOW + 700) / 7},
	    {"\"word\" NOT \"odd\"", (DB_SEARCH_RANK_WINDOW + 700) / 2},
	};

	exec_ok(db,
	    "INSERT INTO lists (id, local, domain, created) VALUES"
	    " (1, 'a', 'example.org', 0), (2, 'b', 'example.org', 0)");
	exec_ok(db, "BEGIN");
	for (gint64 i = 1; i <= n; i++) {
		g_autofree char *mid =
		    g_strdup_printf("<%" G_GINT64_FORMAT "@example.org>", i);
		/* Scores from 1 to 4 "word"s in bodies of 1 to 6 more
		 * words: many rows tie, in and out of the window. */
		g_autofree char *body = g_strdup_printf("%s%s%s%s %.*s",
		    "word ", i % 4 > 0 ? "word " : "", i % 4 > 1 ? "word " : "",
		    i % 2 ? "odd" : "even", (int)(i % 6) * 2, "x x x x x x ");
		const char *subject = i % 7 == 0 ? "seven" : "subject";

		run(db,
		    st_of(db,
			"INSERT INTO messages (id, list_id, message_id,"
			" subject, from_name, body_text, attachments, raw,"
			" received) VALUES (?, 1, ?, ?, 'n', ?, '', ?, 0)",
			"itttb", i, mid, subject, body, "x", (size_t)1));
	}
	exec_ok(db, "COMMIT");
	for (int round = 0; round < 2; round++) {
		/* Round 2: a second list, so the match gets its list tag. */
		const char *tag = round ? "list_tag : \"l1\" AND " : "";

		for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
			g_autofree char *m =
			    g_strconcat(tag, cases[i].match, NULL);
			g_autofree char *best =
			    window_ids(db, m, round, DB_SEARCH_RANK_WINDOW, 20);
			g_autofree char *all = window_ids(db, m, round, -1, -1);
			g_autofree char *got = NULL, *got_all = NULL;
			gint64 total = -1, total_all = -1;
			GError *e = NULL;

			got = counted_ids(db, 1, cases[i].match, 20, &total);
			got_all =
			    counted_ids(db, 1, cases[i].match, 0, &total_all);
			g_assert_cmpstr(got, ==, best);
			g_assert_cmpstr(got_all, ==, all);
			g_assert_cmpint(total, ==, cases[i].want);
			g_assert_cmpint(total_all, ==, cases[i].want);
			g_assert_cmpint(db->ops->archive_count(
					    db, 1, cases[i].match, -1, &e),
			    ==, cases[i].want);
			g_assert_no_error(e);
		}
		if (round == 0)
			run(db,
			    st_of(db,
				"INSERT INTO messages (id, list_id, message_id,"
				" subject, from_name, body_text, attachments, raw,"
				" received) VALUES (?, 2, '<b@example.org>', 's', 'n',"
				" 'word odd seven', '', ?, 0)",
				"ib", n + 1, "x", (size_t)1));
	}
	/* A brief reader (moimctl's search) has 16 page buffers, finds
	 * what the writer finds and cannot write. */
	brief = db->ops->open(spec, DB_RO_BRIEF, &err);
	g_assert_no_error(err);
	g_assert_cmpint(
	    one_int(brief, st_of(brief, "PRAGMA cache_size", "")), ==, 16);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 t_w = -1, t_b = -1;
		g_autofree char *w =
		    counted_ids(db, 1, cases[i].match, 20, &t_w);
		g_autofree char *b =
		    counted_ids(brief, 1, cases[i].match, 20, &t_b);

		g_assert_cmpstr(b, ==, w);
		g_assert_cmpint(t_b, ==, t_w);
	}
	g_assert_false(brief->ops->exec(brief, "DELETE FROM messages", &err));
	g_assert_nonnull(err);
	g_clear_error(&err);
	brief->ops->close(brief);
	db->ops->close(db);
}

/* Both engines find the same messages for the same queries, newest
 * first in the same order; a changed and a deleted message follow. */
static void
test_archive_search_same(void)
{
	struct db *lite = fresh(&engines[0], NULL), *pg;

	pg = fresh(&engines[1], NULL);
	if (pg == NULL) {
		lite->ops->close(lite);
		return;
	}
	fill_corpus(lite);
	fill_corpus(pg);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
			GError *e = NULL;
			g_autofree char *m = archive_fts_query(queries[i], &e);

			g_assert_no_error(e);
			same_ids(lite, pg, m);
		}
		for (size_t i = 0; i < G_N_ELEMENTS(matches); i++)
			same_ids(lite, pg, matches[i]);
		/* Round 2: message 1 changed, message 2 deleted. */
		for (int k = 0; k < 2 && round == 0; k++) {
			struct db *db = k ? pg : lite;
			GError *e = NULL;

			run(db,
			    st_of(db,
				"UPDATE messages SET subject = ?,"
				" body_text = ? WHERE id = 1",
				"tt", "도서관 library", "no meeting"));
			g_assert_true(db->ops->archive_index(db, 1, &e));
			g_assert_no_error(e);
			run(db,
			    st_of(db, "DELETE FROM messages WHERE id = 2", ""));
		}
	}
	lite->ops->close(lite);
	pg->ops->close(pg);
}

/* add_message - message id of list 1 with body, indexed */
static void
add_message(struct db *db, gint64 id, const char *body)
{
	g_autofree char *mid = g_strdup_printf("<%" G_GINT64_FORMAT "@x>", id);
	GError *e = NULL;

	run(db,
	    st_of(db,
		"INSERT INTO messages (id, list_id, message_id, body_text,"
		" raw, received) VALUES (?, 1, ?, ?, ?, 0)",
		"ittb", id, mid, body, "x", (size_t)1));
	g_assert_true(db->ops->archive_index(db, id, &e));
	g_assert_no_error(e);
}

/* found - how many messages of list 1 match */
static gint64
found(struct db *db, const char *match)
{
	GError *e = NULL;
	gint64 n = db->ops->archive_count(db, 1, match, -1, &e);

	g_assert_no_error(e);
	return n;
}

/* Messages indexed inside a transaction (PostgreSQL indexes them in
 * batches, before a search and at the commit) are found after it, and
 * a savepoint rolled back takes only its own messages, also when a
 * search indexed the others inside it; a rollback leaves none. */
static void
test_index_in_transaction(gconstpointer data)
{
	struct db *db = fresh((struct engine *)data, NULL);
	const struct db_ops *o;
	GError *e = NULL;

	if (db == NULL)
		return;
	o = db->ops;
	exec_ok(db,
	    "INSERT INTO lists (id, local, domain, created) VALUES"
	    " (1, 'a', 'example.org', 0)");
	g_assert_true(o->begin(db, &e));
	add_message(db, 1, "first apple");
	g_assert_true(o->savepoint(db, &e));
	add_message(db, 2, "second apple");
	g_assert_cmpint(found(db, "\"apple\""), ==, 2);
	g_assert_false(o->release(db, false, &e));
	g_assert_cmpint(found(db, "\"apple\""), ==, 1);
	g_assert_true(o->commit(db, &e));
	g_assert_no_error(e);
	g_assert_cmpint(found(db, "\"first apple\""), ==, 1);
	g_assert_cmpint(found(db, "\"second\""), ==, 0);
	/* More than one batch, and one message changed twice. */
	g_assert_true(o->begin(db, &e));
	for (gint64 id = 10; id < 610; id++)
		add_message(db, id, id % 2 ? "odd pear" : "even pear");
	run(db,
	    st_of(db, "UPDATE messages SET body_text = 'plum' WHERE id = 11",
		""));
	g_assert_true(o->archive_index(db, 11, &e));
	g_assert_true(o->commit(db, &e));
	g_assert_no_error(e);
	g_assert_cmpint(found(db, "\"pear\""), ==, 599);
	g_assert_cmpint(found(db, "\"odd pear\""), ==, 299);
	g_assert_cmpint(found(db, "plum"), ==, 1);
	g_assert_true(o->begin(db, &e));
	add_message(db, 700, "lost pear");
	o->rollback(db);
	g_assert_cmpint(found(db, "\"pear\""), ==, 599);
	db->ops->close(db);
}

/* PostgreSQL's step 16 regroups the search rows of an archive indexed
 * before it (one row per occurrence) into one row per term and message;
 * searches find the same messages after it. */
static void
test_pg_terms_16(void)
{
	static const char *const want[] = {
	    "library 5 {1,536870914}",
	    "see 1 {536870912}",
	    "the 5 {0,536870913}",
	};
	struct db *pg = fresh_at(&engines[1], NULL, 15);
	g_autoptr(GPtrArray) got = NULL;
	GError *e = NULL;

	if (pg == NULL)
		return;
	exec_ok(pg,
	    "INSERT INTO lists (id, local, domain, created) VALUES"
	    " (1, 'a', 'example.org', 0);"
	    "INSERT INTO messages (id, list_id, message_id, subject,"
	    " body_text, raw, received) VALUES (1, 1, '<1@x>',"
	    " 'The library', 'see the library', 'x', 0);"
	    "INSERT INTO message_terms (list_id, message, col, pos, term)"
	    " VALUES (1, 1, 0, 0, 'the'), (1, 1, 0, 1, 'library'),"
	    " (1, 1, 2, 0, 'see'), (1, 1, 2, 1, 'the'),"
	    " (1, 1, 2, 2, 'library')");
	g_assert_true(pg->ops->migrate(pg, 999, &e));
	g_assert_no_error(e);
	got = rows(pg,
	    st_of(pg,
		"SELECT term, w::text, pos::text FROM message_terms"
		" ORDER BY term",
		""));
	g_assert_cmpuint(got->len, ==, G_N_ELEMENTS(want));
	for (guint i = 0; i < got->len; i++)
		g_assert_cmpstr(got->pdata[i], ==, want[i]);
	g_free(search_ids(pg, "\"see the library\"", DB_SEARCH_NEWEST, 0));
	g_assert_cmpint(
	    pg->ops->archive_count(pg, 1, "\"see the library\"", -1, &e), ==,
	    1);
	g_assert_cmpint(
	    pg->ops->archive_count(pg, 1, "subject : \"see\"", -1, &e), ==, 0);
	g_assert_no_error(e);
	/* A deleted message takes its rows along. */
	exec_ok(pg, "DELETE FROM messages");
	g_assert_cmpint(
	    one_int(pg, st_of(pg, "SELECT count(*) FROM message_terms", "")),
	    ==, 0);
	pg->ops->close(pg);
}

/* ------------------------------------------------------- pure helpers */

static void
test_pg_rewrite(void)
{
	static const struct {
		const char *in, *out;
		int n;
	} cases[] = {
	    {"SELECT 1", "SELECT 1", 0},
	    {"a = ? AND b = ?", "a = $1 AND b = $2", 2},
	    {"x = '?' AND y = ?", "x = '?' AND y = $1", 1},
	    {"x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1", 1},
	    {"\"we?ird\" = ?", "\"we?ird\" = $1", 1},
	    {"a = ? -- b = ?\n AND c = ?", "a = $1 -- b = ?\n AND c = $2", 2},
	    {"a = ? /* ? */ AND c = ?", "a = $1 /* ? */ AND c = $2", 2},
	    {"'' || ?", "'' || $1", 1},
	    {"'unterminated ?", "'unterminated ?", 0},
	    {"/* open ?", "/* open ?", 0},
	    {"?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10", 10},
	    {"$2 = $1 OR $2", "$2 = $1 OR $2", 2},
	    {"'$3' = $1", "'$3' = $1", 1},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		int n = -1;
		g_autofree char *out = db_pg_rewrite(cases[i].in, &n);

		g_assert_cmpstr(out, ==, cases[i].out);
		g_assert_cmpint(n, ==, cases[i].n);
	}
}

static void
test_pg_error_class(void)
{
	static const struct {
		const char *state;
		bool is_bad;
		enum moim_err want;
	} cases[] = {
	    {"08006", false, MOIM_ERR_TEMP}, /* connection failure */
	    {"08001", false, MOIM_ERR_TEMP},
	    {"40001", false, MOIM_ERR_TEMP}, /* serialization */
	    {"40P01", false, MOIM_ERR_TEMP}, /* deadlock */
	    {"57P01", false, MOIM_ERR_TEMP}, /* admin shutdown */
	    {"55P03", false, MOIM_ERR_TEMP}, /* lock timeout */
	    {"53100", false, MOIM_ERR_TEMP}, /* disk full */
	    {"23505", false, MOIM_ERR_INPUT}, /* unique */
	    {"23503", false, MOIM_ERR_INPUT}, /* foreign key */
	    {"22021", false, MOIM_ERR_INPUT}, /* bad UTF-8 */
	    {"42601", false, MOIM_ERR_INTERNAL}, /* syntax */
	    {"42P01", false, MOIM_ERR_INTERNAL}, /* no such table */
	    {NULL, true, MOIM_ERR_TEMP}, /* connection gone */
	    {NULL, false, MOIM_ERR_INTERNAL},
	    {"4", false, MOIM_ERR_INTERNAL},
	    {"42601", true, MOIM_ERR_TEMP},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(
		    db_pg_error_class(cases[i].state, cases[i].is_bad), ==,
		    cases[i].want);
	g_assert_cmpstr(db_pg_constraint_kind("23505"), ==, "UNIQUE");
	g_assert_cmpstr(db_pg_constraint_kind("23514"), ==, "CHECK");
	g_assert_cmpstr(db_pg_constraint_kind("23000"), ==, "CONSTRAINT");
}

/* A server that does not answer: a temporary error on one line (libpq's
 * own text spans two: "... Connection refused\n\tIs the server
 * running ..."), naming the host. */
static void
test_pg_refused_one_line(void)
{
	GError *e = NULL;

	if (db_pg_driver == NULL) {
		g_test_skip("built without PostgreSQL");
		return;
	}
	g_assert_null(db_pg_driver->open(
	    "postgresql://moim@127.0.0.1:1/moim?connect_timeout=5", DB_RW, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_assert_nonnull(strstr(e->message, "127.0.0.1"));
	g_assert_nonnull(strstr(e->message, "refused"));
	g_assert_null(strchr(e->message, '\n'));
	g_assert_null(strchr(e->message, '\t'));
	g_error_free(e);
}

/* The steps chain from 0 to the last version, each going up. */
static void
test_pg_schema_steps(void)
{
	const char *sql;
	int v = 0, n = 0;

	while (v < db_pg_schema_last()) {
		int to = db_pg_schema_step(v, &sql);

		g_assert_cmpint(to, >, v);
		g_assert_nonnull(sql);
		v = to;
		n++;
	}
	g_assert_cmpint(v, ==, db_pg_schema_last());
	g_assert_cmpint(db_pg_schema_step(v, &sql), ==, -1);
	g_assert_cmpint(n, ==, db_pg_schema_last() - 10);
}

/* heard - a's data_version() once it reaches want, waiting for its
 * change descriptor at most 10 s (what it is then, when it does not) */
static gint64
heard(struct db *a, gint64 want)
{
	GError *e = NULL;
	gint64 v = -1;
	int i;

	for (i = 0; i < 100; i++) {
		struct pollfd p = {.events = POLLIN};

		v = a->ops->data_version(a, &e);
		g_clear_error(&e);
		if (v >= want)
			break;
		g_assert_true(a->ops->change_fd(a, &p.fd, &e));
		g_assert_no_error(e);
		(void)poll(&p, 1, 100);
	}
	return v;
}

/* change_fd(): PostgreSQL's descriptor wakes on other connections'
 * commits to the tables that notify (the counter's and the timers') and
 * on new inbound jobs, not on the connection's own nor on the queues'
 * other changes; a reconnect counts as
 * a change and listens again. SQLite has none (the WAL file is
 * watched) and its data_version leaves out the own commits too. */
static void
test_change_fd(gconstpointer data)
{
	struct engine *en = (struct engine *)data;
	char *spec = NULL;
	struct db *a = fresh(en, &spec), *b, *k;
	const struct db_ops *o;
	GError *e = NULL;
	gint64 v0;
	int fd = 0;

	if (a == NULL)
		return;
	o = a->ops;
	exec_ok(a, table_t);
	b = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	g_assert_true(o->change_fd(a, &fd, &e));
	g_assert_no_error(e);
	v0 = o->data_version(a, &e);
	g_assert_no_error(e);
	/* Its own write first, then another connection's: heard once. */
	exec_ok(a, "DELETE FROM pending");
	if (fd < 0) {
		/* SQLite: the number moves, by how much is its own. */
		g_assert_true(o == &db_sqlite_ops);
		g_assert_cmpint(o->data_version(a, &e), ==, v0);
		exec_ok(b,
		    "INSERT INTO lists (local, domain, created)"
		    " VALUES ('x', 'example.org', 1)");
		g_assert_cmpint(o->data_version(a, &e), !=, v0);
		o->close(b);
		goto out;
	}
	exec_ok(b, "DELETE FROM members");
	g_assert_cmpint(heard(a, v0 + 1), ==, v0 + 1);
	/* A table only the timers read; then a queue's write, which does
	 * not notify, before the next that does. */
	exec_ok(b, "DELETE FROM held");
	g_assert_cmpint(heard(a, v0 + 2), ==, v0 + 2);
	insert_t(b, 1);
	exec_ok(b, "DELETE FROM deliveries");
	exec_ok(b, "DELETE FROM web_acts");
	g_assert_cmpint(heard(a, v0 + 3), ==, v0 + 3);
	/* A new inbound job (step 18) notifies; taking it does not. */
	exec_ok(b,
	    "INSERT INTO inbound_msgs (id, received, mail_from, raw)"
	    " VALUES (1, 0, '', 'x')");
	exec_ok(b, "INSERT INTO inbound (msg_id, rcpt) VALUES (1, 'a@b')");
	g_assert_cmpint(heard(a, v0 + 4), ==, v0 + 4);
	exec_ok(b, "UPDATE inbound SET owner = 7");
	exec_ok(b, "DELETE FROM web_acts");
	g_assert_cmpint(heard(a, v0 + 5), ==, v0 + 5);
	o->close(b);
	/* A lost connection: the reconnect is a change, and it listens
	 * again. */
	k = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	kill_backends(k);
	b = o->open(spec, DB_RW, &e);
	g_assert_no_error(e);
	g_assert_cmpint(heard(a, v0 + 6), ==, v0 + 6);
	exec_ok(b, "DELETE FROM rsvps");
	g_assert_cmpint(heard(a, v0 + 7), ==, v0 + 7);
	o->close(b);
	o->close(k);
out:
	o->close(a);
	g_free(spec);
}

/* -------------------------------------------------------------- setup */

/* start_pg - the database for the PostgreSQL cases, or why there is none */
static void
start_pg(struct engine *en)
{
	const char *env = g_getenv("MOIM_TEST_PG");
	const char *top = g_getenv("top_srcdir");
	g_autofree char *script = NULL, *out = NULL, *errs = NULL;
	char *argv[] = {"/bin/sh", NULL, "start", NULL};
	GError *e = NULL;
	int status = 0;

	if (en->ops == NULL) {
		en->skip =
		    g_strdup("moim was built without PostgreSQL (libpq)");
		return;
	}
	if (env != NULL && *env != '\0') {
		en->spec = g_strdup(env);
		return;
	}
	script = g_build_filename(top ? top : ".", "tests", "pg.sh", NULL);
	argv[1] = script;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
		&errs, &status, &e)) {
		en->skip = g_strdup_printf("tests/pg.sh: %s", e->message);
		g_error_free(e);
		return;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		en->skip = g_strdup_printf(
		    "no PostgreSQL test cluster: %s", g_strchomp(errs));
		return;
	}
	en->spec = g_strdup(g_strchomp(out));
	pg_started = g_strdup(en->spec);
}

/* stop_pg_at_exit - a child that stops the cluster we started once this
 * process is gone, however it ends (a failed assertion aborts, and no
 * atexit() handler runs then): it waits for the end of a pipe whose
 * writing end only this process holds. */
static void
stop_pg_at_exit(void)
{
	const char *top = g_getenv("top_srcdir");
	g_autofree char *script = NULL;
	int fds[2];
	pid_t pid;

	if (pg_started == NULL)
		return;
	script = g_build_filename(top ? top : ".", "tests", "pg.sh", NULL);
	g_assert_cmpint(pipe(fds), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		char c;
		int null = open("/dev/null", O_RDWR);

		/* Not holding the test's output open for the harness. */
		(void)dup2(null, 1);
		(void)dup2(null, 2);
		(void)close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		execl(
		    "/bin/sh", "sh", script, "stop", pg_started, (char *)NULL);
		_exit(1);
	}
	(void)close(fds[0]); /* fds[1] stays open until we exit */
}

/* members_add: every row's flag says whether it was added; an address
 * the list has, or one repeated later in rows (also in another of the
 * driver's batches), is not added again and keeps its first name; names
 * and addresses that array literals would have to quote, and a NULL
 * name, arrive unchanged; another list's member is no conflict. */
static void
test_members_add(gconstpointer data)
{
	static const char *const odd[][2] = {{"a\"b@example.net", "\"Q\""},
	    {"back\\slash@example.net", "b\\s"}, {"{b}@example.net", "{,}"},
	    {"null@example.net", "NULL"}, {"had@example.net", "new name"},
	    {"kim@example.net", "김 민수"}, {"none@example.net", NULL}};
	struct engine *en = (struct engine *)data;
	struct db *db = fresh(en, NULL);
	enum { N = 25001, DUP = 10005, HAD = 4 };
	struct db_member *rows;
	char **addr;
	bool *added;
	GError *e = NULL;
	gint64 list, other;
	struct db_stmt *st;
	bool row;
	int i;

	if (db == NULL)
		return;
	list = one_int(db,
	    st_of(db,
		"INSERT INTO lists (local, domain, created) VALUES (?, ?, 1)"
		" RETURNING id",
		"tt", "big", "example.org"));
	other = one_int(db,
	    st_of(db,
		"INSERT INTO lists (local, domain, created) VALUES (?, ?, 1)"
		" RETURNING id",
		"tt", "other", "example.org"));
	run(db,
	    st_of(db,
		"INSERT INTO members (list_id, address, display_name,"
		" created) VALUES (?, ?, 'old', 1), (?, ?, 'o', 1)",
		"itit", list, odd[HAD][0], other, "m000100@example.net"));
	rows = g_new0(struct db_member, N);
	addr = g_new0(char *, N);
	added = g_new0(bool, N);
	for (i = 0; i < N; i++) {
		bool is_odd = i < (int)G_N_ELEMENTS(odd);

		addr[i] = is_odd ? g_strdup(odd[i][0])
				 : g_strdup_printf("m%06d@example.net", i);
		rows[i] = (struct db_member){.address = addr[i],
		    .display_name = is_odd ? odd[i][1] : addr[i],
		    .role = i % 3,
		    .mode = (i + 1) % 3,
		    .created = 1000 + i};
	}
	rows[DUP].address = addr[1];
	g_assert_true(db->ops->savepoint(db, &e));
	g_assert_true(db->ops->members_add(db, list, rows, N, added, &e));
	g_assert_no_error(e);
	g_assert_true(db->ops->release(db, true, &e));
	for (i = 0; i < N; i++)
		g_assert_cmpint(added[i], ==, i != HAD && i != DUP);
	st = st_of(db,
	    "SELECT address, display_name, role, mode, created FROM members"
	    " WHERE list_id = ? AND address <> ? ORDER BY created",
	    "it", list, odd[HAD][0]);
	for (i = 0; db->ops->step(st, &row, &e) && row; i++) {
		if (i == HAD || i == DUP)
			i++;
		g_assert_cmpint(i, <, N);
		g_assert_cmpstr(db->ops->col_text(st, 0), ==, addr[i]);
		g_assert_cmpstr(
		    db->ops->col_text(st, 1), ==, rows[i].display_name);
		g_assert_cmpint(db->ops->col_int64(st, 2), ==, i % 3);
		g_assert_cmpint(db->ops->col_int64(st, 3), ==, (i + 1) % 3);
		g_assert_cmpint(db->ops->col_int64(st, 4), ==, 1000 + i);
	}
	g_assert_no_error(e);
	g_assert_cmpint(i, ==, N);
	st = st_of(db,
	    "SELECT display_name FROM members WHERE list_id = ? AND"
	    " address = ?",
	    "it", list, odd[HAD][0]);
	g_assert_true(db->ops->step(st, &row, &e) && row);
	g_assert_cmpstr(db->ops->col_text(st, 0), ==, "old");
	db->ops->reset(st);
	for (i = 0; i < N; i++)
		g_free(addr[i]);
	g_free(addr);
	g_free(added);
	g_free(rows);
	db->ops->close(db);
}

static void
add(const char *name, GTestDataFunc fn, bool pg_only)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(engines); i++) {
		g_autofree char *path = NULL;

		if (engines[i].name == NULL ||
		    (pg_only && engines[i].ops == engines[0].ops))
			continue;
		path = g_strdup_printf("/db/%s/%s", engines[i].name, name);
		g_test_add_data_func(path, &engines[i], fn);
	}
}

int
main(int argc, char **argv)
{
	GError *e = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	engines[0].name = "sqlite";
	engines[0].ops = &db_sqlite_ops;
	engines[0].spec = g_dir_make_tmp("db_test.XXXXXX", &e);
	g_assert_no_error(e);
	engines[1].name = "postgresql";
	engines[1].ops = db_pg_driver;
	start_pg(&engines[1]);
	stop_pg_at_exit();
	if (engines[1].skip != NULL)
		g_printerr("# PostgreSQL cases skipped: %s\n", engines[1].skip);

	g_test_add_func("/db/pg/rewrite", test_pg_rewrite);
	g_test_add_func("/db/pg/error-class", test_pg_error_class);
	g_test_add_func("/db/pg/refused-one-line", test_pg_refused_one_line);
	g_test_add_func("/db/pg/schema-steps", test_pg_schema_steps);
	add("roundtrip", test_roundtrip, false);
	add("placeholders", test_placeholders, false);
	add("changes", test_changes, false);
	add("step-again", test_step_again, false);
	add("savepoints", test_savepoints, false);
	add("two-connections", test_two_connections, false);
	add("claim", test_claim, false);
	add("deliveries-add", test_deliveries_add, false);
	add("claim-skips-locked", test_pg_claim_skips, true);
	add("reconnect", test_pg_reconnect, true);
	add("backoff", test_pg_backoff, true);
	add("index-in-transaction", test_index_in_transaction, false);
	add("members-add", test_members_add, false);
	add("change-fd", test_change_fd, false);
	g_test_add_func("/db/schema-drift", test_schema_drift);
	g_test_add_func("/db/archive-search-same", test_archive_search_same);
	g_test_add_func("/db/sqlite/search-window", test_sqlite_search_window);
	g_test_add_func("/db/pg/terms-16", test_pg_terms_16);
	rc = g_test_run();
	/* The SQLite files: the folder holds only what fresh() made. */
	{
		GDir *d = g_dir_open(engines[0].spec, 0, NULL);
		const char *f;

		while (d != NULL && (f = g_dir_read_name(d)) != NULL) {
			g_autofree char *p =
			    g_build_filename(engines[0].spec, f, NULL);

			(void)g_unlink(p);
		}
		if (d != NULL)
			g_dir_close(d);
		(void)g_rmdir(engines[0].spec);
	}
	return rc;
}
