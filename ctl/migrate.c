/*
 * migrate - moimctl migrate --to URI: copy the SQLite store into an empty
 * PostgreSQL database
 *
 * DESCRIPTION
 *	A community that outgrows one SQLite file moves to PostgreSQL with
 *	one command (issue 16). ctl_migrate() reads the configured SQLite
 *	database (which ctl_main() has already brought to
 *	STORE_SCHEMA_VERSION) in one read snapshot and writes everything
 *	into the PostgreSQL database the URI names, in one write
 *	transaction, so a failed copy leaves the target with no rows:
 *
 *	1. The target must be empty: no table at all, or moim's schema with
 *	   no row in any table (what a failed copy leaves). Anything else
 *	   is refused (MOIM_ERR_POLICY) before a byte is written.
 *	2. The target's schema is made (or brought) to STORE_SCHEMA_VERSION
 *	   by the driver's migrations.
 *	3. The tables and their columns come from SQLite's catalogue, not a
 *	   list here that could drift: every table but SQLite's own and
 *	   virtual tables (the FTS5 archive index) with their shadow tables.
 *	   Each must exist on the target with the same columns (the schema
 *	   drift test keeps them so). Tables are copied parents first, as
 *	   their foreign keys say. Rows go in batches of up to COPY_BATCH
 *	   rows (or COPY_BATCH_BYTES of JSON), each one INSERT from
 *	   json_populate_recordset(): one round trip per batch, not per
 *	   row; values are read by the column's declared type (INTEGER,
 *	   REAL, TEXT, BLOB -> hex bytea).
 *	4. Explicit ids were copied, so each identity column's sequence is
 *	   set to the column's highest value.
 *	5. PostgreSQL's archive search index (message_terms) is built by the
 *	   driver's archive_index() for every archived message.
 *	6. The rows of every table are counted on both sides; any difference
 *	   rolls everything back. Then the transaction commits and one line
 *	   per table says how many rows it holds.
 *
 *	On a terminal, stderr shows progress for the copy and the index
 *	(lib/progress); otherwise only the summary is printed.
 * INPUT AND LIMITS
 *	The URI comes from the operator. Table and column names come from
 *	our own schema; one that is not a plain lower-case identifier is
 *	refused rather than quoted into SQL. A text value that is not UTF-8
 *	is refused with the table and column named (PostgreSQL cannot hold
 *	it).
 * ERRORS
 *	Exit 1 with a message naming the step: a PostgreSQL database when
 *	SQLite was expected (or a build without the PostgreSQL driver), a
 *	target that is not empty, a schema difference, a refused row, a
 *	count that differs.
 * SEE ALSO
 *	moimctl(8), lib/db.h, lib/db_pg_schema.c, tests/pg_migrate_test.sh
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "db.h"
#include "err.h"
#include "progress.h"

/* One INSERT carries at most this many rows, or about this much JSON:
 * few round trips, and no statement the server must hold huge. */
#define COPY_BATCH 1000
#define COPY_BATCH_BYTES (8 * 1024 * 1024)

enum col_kind { COL_INT, COL_REAL, COL_TEXT, COL_BLOB };

struct table {
	char *name;
	GPtrArray *cols; /* char * */
	GArray *kinds; /* enum col_kind */
	GPtrArray *parents; /* char *: tables its foreign keys name */
	gint64 rows; /* in the source */
};

struct migrate {
	struct db *src, *dst;
	GPtrArray *tables; /* struct table *, parents first */
	GPtrArray *sql; /* statement texts: must outlive both connections */
	struct progress *progress;
	gint64 total, done;
	gint64 messages; /* archived messages indexed */
};

/* prep - a statement of db with its parameters as arguments */
static struct db_stmt *
prep(struct db *db, GError **err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db->ops->prepare(db, sql, fmt, ap, err);
	va_end(ap);
	return st;
}

/* keep - sql (g_strdup_printf'd) kept as long as the connections are,
 * since the statement cache is keyed on the text's address */
static const char *
keep(struct migrate *m, char *sql)
{
	g_ptr_array_add(m->sql, sql);
	return sql;
}

/* scalar - the one integer st gives; -1 on failure */
static gint64
scalar(struct db_stmt *st, GError **err)
{
	bool row = false;
	gint64 v;

	if (st == NULL || !st->ops->step(st, &row, err))
		return -1;
	v = row ? st->ops->col_int64(st, 0) : 0;
	st->ops->reset(st);
	return v;
}

/* texts - column 0 of every row of st, as strings; NULL on failure */
static GPtrArray *
texts(struct db_stmt *st, GError **err)
{
	GPtrArray *out;
	bool row = false;

	if (st == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
	while (st->ops->step(st, &row, err) && row)
		g_ptr_array_add(out, g_strdup(st->ops->col_text(st, 0)));
	if (!row)
		return out;
	g_ptr_array_unref(out);
	return NULL;
}

/* is_ident - whether name is a plain lower-case SQL identifier */
static bool
is_ident(const char *name)
{
	if (name == NULL || !g_ascii_islower(*name))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	    strlen(name);
}

static void
table_free(gpointer p)
{
	struct table *t = p;

	g_free(t->name);
	g_ptr_array_unref(t->cols);
	g_array_unref(t->kinds);
	g_ptr_array_unref(t->parents);
	g_free(t);
}

/* kind_of - how a column of SQLite's declared type is read */
static bool
kind_of(const char *table, const char *col, const char *type,
    enum col_kind *kind_out, GError **err)
{
	static const struct {
		const char *type;
		enum col_kind kind;
	} kinds[] = {{"INTEGER", COL_INT}, {"REAL", COL_REAL},
	    {"TEXT", COL_TEXT}, {"BLOB", COL_BLOB}};

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (g_ascii_strcasecmp(type ? type : "", kinds[i].type) == 0) {
			*kind_out = kinds[i].kind;
			return true;
		}
	return moim_fail(err, MOIM_ERR_INTERNAL,
	    "%s.%s: type %s has no PostgreSQL counterpart here", table, col,
	    type ? type : "(none)");
}

/* table_column - record the column name of SQLite's type in t */
static bool
table_column(struct table *t, const char *name, const char *type, GError **err)
{
	enum col_kind kind;

	if (!is_ident(name))
		return moim_fail(
		    err, MOIM_ERR_INTERNAL, "%s: odd column name", t->name);
	if (!kind_of(t->name, name, type, &kind, err))
		return false;
	g_ptr_array_add(t->cols, g_strdup(name));
	g_array_append_val(t->kinds, kind);
	return true;
}

/* table_columns - t's columns (in order) and types from SQLite */
static bool
table_columns(struct migrate *m, struct table *t, GError **err)
{
	struct db_stmt *st = prep(m->src, err,
	    "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", "t",
	    t->name);
	bool row = false, ok = st != NULL;

	while (ok && (ok = st->ops->step(st, &row, err)) && row) {
		ok = table_column(
		    t, st->ops->col_text(st, 0), st->ops->col_text(st, 1), err);
		if (!ok)
			st->ops->reset(st);
	}
	if (ok && t->cols->len == 0)
		return moim_fail(
		    err, MOIM_ERR_INTERNAL, "%s: no columns", t->name);
	return ok;
}

/* table_parents - the tables t's foreign keys name (not t itself) */
static bool
table_parents(struct migrate *m, struct table *t, GError **err)
{
	GPtrArray *names = texts(prep(m->src, err,
				     "SELECT DISTINCT \"table\" FROM"
				     " pragma_foreign_key_list(?)",
				     "t", t->name),
	    err);

	if (names == NULL)
		return false;
	for (guint i = 0; i < names->len; i++)
		if (strcmp(names->pdata[i], t->name) != 0)
			g_ptr_array_add(t->parents, g_strdup(names->pdata[i]));
	g_ptr_array_unref(names);
	return true;
}

/* Every table of the source's schema: not SQLite's own, not a virtual
 * table, not a virtual table's shadow table (NAME_suffix). */
static const char src_tables_sql[] =
    "SELECT name FROM sqlite_master t WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'"
    " AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'"
    " AND v.sql LIKE 'CREATE VIRTUAL%'"
    " AND substr(t.name, 1, length(v.name) + 1) = v.name || '_')"
    " ORDER BY name";

/* read_tables - the source's tables with their columns and parents */
static bool
read_tables(struct migrate *m, GPtrArray *found, GError **err)
{
	GPtrArray *names = texts(prep(m->src, err, src_tables_sql, ""), err);
	bool ok = names != NULL;

	for (guint i = 0; ok && i < names->len; i++) {
		struct table *t = g_new0(struct table, 1);

		t->name = g_strdup(names->pdata[i]);
		t->cols = g_ptr_array_new_with_free_func(g_free);
		t->kinds = g_array_new(FALSE, FALSE, sizeof(enum col_kind));
		t->parents = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(found, t);
		if (!is_ident(t->name))
			ok = moim_fail(err, MOIM_ERR_INTERNAL,
			    "odd table name in the schema");
		else
			ok = table_columns(m, t, err) &&
			    table_parents(m, t, err);
	}
	if (names != NULL)
		g_ptr_array_unref(names);
	return ok;
}

/* is_placed - whether every parent of t is in placed */
static bool
is_placed(const struct table *t, GPtrArray *placed)
{
	for (guint i = 0; i < t->parents->len; i++) {
		bool found = false;

		for (guint j = 0; !found && j < placed->len; j++)
			found = strcmp(((struct table *)placed->pdata[j])->name,
				    t->parents->pdata[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* order_tables - found's tables into m->tables, parents first */
static bool
order_tables(struct migrate *m, GPtrArray *found, GError **err)
{
	while (found->len > 0) {
		guint before = found->len;

		for (guint i = 0; i < found->len;) {
			if (is_placed(found->pdata[i], m->tables))
				g_ptr_array_add(m->tables,
				    g_ptr_array_steal_index(found, i));
			else
				i++;
		}
		if (found->len == before)
			return moim_fail(err, MOIM_ERR_INTERNAL,
			    "%s: foreign keys in a cycle, or naming a table "
			    "that does not exist",
			    ((struct table *)found->pdata[0])->name);
	}
	return true;
}

/* target_tables - how many tables the target's schema holds */
static bool
target_tables(struct migrate *m, gint64 *n_out, GError **err)
{
	*n_out = scalar(prep(m->dst, err,
			    "SELECT count(*) FROM information_schema.tables"
			    " WHERE table_schema = current_schema()",
			    ""),
	    err);
	return *n_out >= 0;
}

/* check_target_columns - t exists on the target with the same columns */
static bool
check_target_columns(struct migrate *m, const struct table *t, GError **err)
{
	GPtrArray *cols = texts(
	    prep(m->dst, err,
		"SELECT column_name FROM information_schema.columns"
		" WHERE table_schema = current_schema() AND table_name = ?"
		" ORDER BY ordinal_position",
		"t", t->name),
	    err);
	bool ok = cols != NULL;

	if (ok && cols->len != t->cols->len)
		ok = moim_fail(err, MOIM_ERR_INTERNAL,
		    "%s: %u columns in SQLite, %u in PostgreSQL", t->name,
		    t->cols->len, cols->len);
	for (guint i = 0; ok && i < cols->len; i++)
		if (strcmp(cols->pdata[i], t->cols->pdata[i]) != 0)
			ok = moim_fail(err, MOIM_ERR_INTERNAL,
			    "%s: column %u is %s in SQLite, %s in PostgreSQL",
			    t->name, i + 1, (char *)t->cols->pdata[i],
			    (char *)cols->pdata[i]);
	if (cols != NULL)
		g_ptr_array_unref(cols);
	return ok;
}

/* count_sql - "SELECT count(*) FROM t", kept */
static const char *
count_sql(struct migrate *m, const struct table *t)
{
	return keep(m, g_strdup_printf("SELECT count(*) FROM \"%s\"", t->name));
}

/* check_empty - every table of the target holds no row */
static bool
check_empty(struct migrate *m, GError **err)
{
	for (guint i = 0; i < m->tables->len; i++) {
		const struct table *t = m->tables->pdata[i];
		gint64 n = scalar(prep(m->dst, err, count_sql(m, t), ""), err);

		if (n < 0)
			return false;
		if (n > 0)
			return moim_fail(err, MOIM_ERR_POLICY,
			    "the target database is not empty (%s has %" G_GINT64_FORMAT
			    " rows): migrate copies into an empty database only",
			    t->name, n);
	}
	return true;
}

/* prepare_target - refuse a target in use; make the schema; check each
 * table's columns */
static bool
prepare_target(struct migrate *m, GError **err)
{
	gint64 n_tables;
	int version = m->dst->ops->schema_version(m->dst);

	if (version < 0)
		return moim_fail(err, MOIM_ERR_TEMP,
		    "cannot read the target's schema version");
	if (!target_tables(m, &n_tables, err))
		return false;
	if (version == 0 && n_tables > 0)
		return moim_fail(err, MOIM_ERR_POLICY,
		    "the target database is not empty (%" G_GINT64_FORMAT
		    " tables, none of them moim's): migrate copies into an "
		    "empty database only",
		    n_tables);
	if (!m->dst->ops->migrate(m->dst, STORE_SCHEMA_VERSION, err))
		return false;
	for (guint i = 0; i < m->tables->len; i++)
		if (!check_target_columns(m, m->tables->pdata[i], err))
			return false;
	return check_empty(m, err);
}

/* json_text - s as a JSON string */
static void
json_text(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const char *p = s; *p != '\0'; p++) {
		guchar ch = (guchar)*p;

		if (ch == '"' || ch == '\\')
			g_string_append_printf(out, "\\%c", ch);
		else if (ch < 0x20)
			g_string_append_printf(out, "\\u%04x", ch);
		else
			g_string_append_c(out, (char)ch);
	}
	g_string_append_c(out, '"');
}

/* json_value - column i of st's row as a JSON value for PostgreSQL */
static bool
json_value(GString *out, struct db_stmt *st, const struct table *t, guint i,
    GError **err)
{
	const struct db_ops *o = st->ops;
	enum col_kind kind = g_array_index(t->kinds, enum col_kind, i);
	char num[G_ASCII_DTOSTR_BUF_SIZE];

	if (o->col_is_null(st, (int)i)) {
		g_string_append(out, "null");
		return true;
	}
	if (kind == COL_INT)
		g_string_append_printf(
		    out, "%" G_GINT64_FORMAT, o->col_int64(st, (int)i));
	else if (kind == COL_REAL && isfinite(o->col_double(st, (int)i)))
		g_string_append(out,
		    g_ascii_dtostr(
			num, sizeof(num), o->col_double(st, (int)i)));
	else if (kind == COL_REAL)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%s.%s: not a finite number", t->name,
		    (char *)t->cols->pdata[i]);
	else if (kind == COL_TEXT) {
		const char *s = o->col_text(st, (int)i);

		if (!g_utf8_validate(s, -1, NULL))
			return moim_fail(err, MOIM_ERR_INPUT,
			    "%s.%s: a value is not UTF-8", t->name,
			    (char *)t->cols->pdata[i]);
		json_text(out, s);
	} else {
		size_t len;
		const guchar *b = o->col_blob(st, (int)i, &len);

		static const char hex[] = "0123456789abcdef";
		size_t at;

		/* bytea's hex input form, "\x..." (the backslash escaped);
		 * by table: printf per byte cost a third of the copy. */
		g_string_append(out, "\"\\\\x");
		at = out->len;
		g_string_set_size(out, at + 2 * len);
		for (size_t k = 0; k < len; k++) {
			out->str[at + 2 * k] = hex[b[k] >> 4];
			out->str[at + 2 * k + 1] = hex[b[k] & 15];
		}
		g_string_append_c(out, '"');
	}
	return true;
}

/* json_row - st's row as a JSON object, appended to batch */
static bool
json_row(
    GString *batch, struct db_stmt *st, const struct table *t, GError **err)
{
	if (batch->len > 1)
		g_string_append_c(batch, ',');
	g_string_append_c(batch, '{');
	for (guint i = 0; i < t->cols->len; i++) {
		g_string_append_printf(batch, "%s\"%s\":", i ? "," : "",
		    (char *)t->cols->pdata[i]);
		if (!json_value(batch, st, t, i, err))
			return false;
	}
	g_string_append_c(batch, '}');
	return true;
}

/* column_list - t's columns, quoted and joined by ',' (g_free) */
static char *
column_list(const struct table *t)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < t->cols->len; i++)
		g_string_append_printf(
		    s, "%s\"%s\"", i ? "," : "", (char *)t->cols->pdata[i]);
	return g_string_free(s, FALSE);
}

/* flush - insert the JSON array batch into t on the target */
static bool
flush(struct migrate *m, const char *insert, GString *batch, GError **err)
{
	struct db_stmt *st;
	bool row;

	if (batch->len <= 1)
		return true;
	g_string_append_c(batch, ']');
	st = prep(m->dst, err, insert, "t", batch->str);
	g_string_assign(batch, "[");
	return st != NULL && st->ops->step(st, &row, err);
}

/* copy_table - every row of t from the source into the target */
static bool
copy_table(struct migrate *m, const struct table *t, GError **err)
{
	g_autofree char *cols = column_list(t);
	const char *select =
	    keep(m, g_strdup_printf("SELECT %s FROM \"%s\"", cols, t->name));
	const char *insert = keep(m,
	    g_strdup_printf("INSERT INTO \"%s\" (%s) SELECT %s FROM"
			    " json_populate_recordset(NULL::\"%s\", ?::json)",
		t->name, cols, cols, t->name));
	struct db_stmt *st = prep(m->src, err, select, "");
	GString *batch = g_string_new("[");
	guint in_batch = 0;
	bool row = false, ok = st != NULL;

	while (ok && (ok = st->ops->step(st, &row, err)) && row) {
		ok = json_row(batch, st, t, err);
		m->done++;
		progress_update(m->progress, m->done, m->done);
		if (ok &&
		    (++in_batch >= COPY_BATCH ||
			batch->len >= COPY_BATCH_BYTES)) {
			in_batch = 0;
			ok = flush(m, insert, batch, err);
		}
	}
	if (st != NULL && row)
		st->ops->reset(st);
	ok = ok && flush(m, insert, batch, err);
	g_string_free(batch, TRUE);
	if (!ok && err != NULL && *err != NULL)
		g_prefix_error(err, "copying %s: ", t->name);
	return ok;
}

/* set_sequences - each identity column's sequence past the copied ids */
static bool
set_sequences(struct migrate *m, const struct table *t, GError **err)
{
	GPtrArray *ids = texts(
	    prep(m->dst, err,
		"SELECT column_name FROM information_schema.columns"
		" WHERE table_schema = current_schema() AND table_name = ?"
		" AND is_identity = 'YES'",
		"t", t->name),
	    err);
	bool ok = ids != NULL;

	for (guint i = 0; ok && i < ids->len; i++) {
		const char *c = ids->pdata[i];

		ok = is_ident(c) &&
		    scalar(prep(m->dst, err,
			       keep(m,
				   g_strdup_printf(
				       "SELECT setval("
				       "pg_get_serial_sequence('%s', '%s'),"
				       " n) FROM (SELECT max(\"%s\") AS n"
				       " FROM \"%s\") s WHERE n IS NOT NULL",
				       t->name, c, c, t->name)),
			       ""),
			err) >= 0;
	}
	g_ptr_array_unref(ids);
	return ok;
}

/* build_index - PostgreSQL's archive search terms of every message */
static bool
build_index(struct migrate *m, GError **err)
{
	struct db_stmt *st =
	    prep(m->dst, err, "SELECT id FROM messages ORDER BY id", "");
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	bool row = false, ok;

	while (st != NULL && st->ops->step(st, &row, err) && row) {
		gint64 id = st->ops->col_int64(st, 0);

		g_array_append_val(ids, id);
	}
	ok = st != NULL && !row;
	m->progress = progress_new(STDERR_FILENO,
	    "moimctl: migrate: search index", "messages", (gint64)ids->len);
	for (guint i = 0; ok && i < ids->len; i++) {
		ok = m->dst->ops->archive_index(
		    m->dst, g_array_index(ids, gint64, i), err);
		progress_update(m->progress, i + 1, i + 1);
	}
	m->messages = ids->len;
	progress_done(g_steal_pointer(&m->progress));
	g_array_unref(ids);
	return ok;
}

/* count_source - each table's rows in the source snapshot */
static bool
count_source(struct migrate *m, GError **err)
{
	for (guint i = 0; i < m->tables->len; i++) {
		struct table *t = m->tables->pdata[i];

		t->rows = scalar(prep(m->src, err, count_sql(m, t), ""), err);
		if (t->rows < 0)
			return false;
		m->total += t->rows;
	}
	return true;
}

/* check_counts - each table holds as many rows on both sides */
static bool
check_counts(struct migrate *m, GError **err)
{
	for (guint i = 0; i < m->tables->len; i++) {
		const struct table *t = m->tables->pdata[i];
		gint64 n = scalar(prep(m->dst, err, count_sql(m, t), ""), err);

		if (n < 0)
			return false;
		if (n != t->rows)
			return moim_fail(err, MOIM_ERR_INTERNAL,
			    "%s: %" G_GINT64_FORMAT
			    " rows in SQLite, %" G_GINT64_FORMAT
			    " in PostgreSQL: nothing was kept",
			    t->name, t->rows, n);
	}
	return true;
}

/* copy_all - rows, sequences, search index and counts, in one write
 * transaction of the target */
static bool
copy_all(struct migrate *m, GError **err)
{
	bool ok = m->dst->ops->begin(m->dst, err);

	m->progress = progress_new(
	    STDERR_FILENO, "moimctl: migrate: copying", "rows", m->total);
	for (guint i = 0; ok && i < m->tables->len; i++)
		ok = copy_table(m, m->tables->pdata[i], err);
	progress_done(g_steal_pointer(&m->progress));
	for (guint i = 0; ok && i < m->tables->len; i++)
		ok = set_sequences(m, m->tables->pdata[i], err);
	ok = ok && build_index(m, err) && check_counts(m, err) &&
	    m->dst->ops->commit(m->dst, err);
	if (!ok)
		m->dst->ops->rollback(m->dst);
	return ok;
}

/* migrate_run - the whole copy from src to dst */
static bool
migrate_run(struct migrate *m, GError **err)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(table_free);
	bool ok;

	if (m->src->ops->schema_version(m->src) != STORE_SCHEMA_VERSION) {
		g_ptr_array_unref(found);
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "the SQLite database is not at schema version %d",
		    STORE_SCHEMA_VERSION);
	}
	ok = m->src->ops->begin_read(m->src, err) &&
	    read_tables(m, found, err) && order_tables(m, found, err) &&
	    count_source(m, err) && prepare_target(m, err) && copy_all(m, err);
	g_ptr_array_unref(found);
	if (m->src->ops->in_transaction(m->src))
		m->src->ops->rollback(m->src);
	return ok;
}

/* report - one line per table, then the total */
static void
report(const struct migrate *m, const char *shown)
{
	for (guint i = 0; i < m->tables->len; i++) {
		const struct table *t = m->tables->pdata[i];

		printf("%-24s %" G_GINT64_FORMAT "\n", t->name, t->rows);
	}
	printf("migrated %u tables, %" G_GINT64_FORMAT
	       " rows, %" G_GINT64_FORMAT
	       " archived messages indexed, to %s: counts equal\n",
	    m->tables->len, m->total, m->messages, shown);
}

/* open_both - the source (read only) and the target */
static bool
open_both(struct ctl *c, struct migrate *m, const char *to, GError **err)
{
	const struct db_ops *dst_ops = db_engine(to);

	if (db_spec_is_postgresql(c->cfg->database))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "[moim] database is PostgreSQL already; migrate copies a "
		    "SQLite database");
	if (!db_spec_is_postgresql(to))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "--to must name a PostgreSQL database "
		    "(postgresql://... or a libpq keyword string)");
	if (dst_ops == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "moim was built without PostgreSQL support");
	m->src = db_sqlite_ops.open(c->cfg->database, DB_RO, err);
	if (m->src == NULL)
		return false;
	m->dst = dst_ops->open(to, DB_RW, err);
	return m->dst != NULL;
}

/* ctl_migrate - migrate --to URI */
int
ctl_migrate(struct ctl *c, struct ctl_args *a)
{
	const char *to = ctl_opt(a, "to");
	struct migrate m = {0};
	g_autofree char *shown = NULL;
	GError *e = NULL;
	bool ok;

	if (to == NULL || *to == '\0') {
		ctl_err("%s: --to URI is required", c->verb);
		return CTL_USAGE;
	}
	shown = db_spec_shown(to);
	m.tables = g_ptr_array_new_with_free_func(table_free);
	m.sql = g_ptr_array_new_with_free_func(g_free);
	ok = open_both(c, &m, to, &e) && migrate_run(&m, &e);
	if (ok)
		report(&m, shown);
	if (m.src != NULL)
		m.src->ops->close(m.src);
	if (m.dst != NULL)
		m.dst->ops->close(m.dst);
	g_ptr_array_unref(m.tables);
	g_ptr_array_unref(m.sql);
	return ok ? CTL_OK : ctl_fail(c, e);
}
