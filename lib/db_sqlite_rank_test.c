/*
 * db_sqlite_rank_test - moim_rank() against FTS5's own bm25
 *
 * DESCRIPTION
 *	An in-memory FTS5 table with the archive's five columns (subject,
 *	from_name, body_text, attachments, list_tag) and rows of two lists
 *	whose texts repeat words in different columns and lengths. For each
 *	query of a table (one word, a phrase, AND, OR, NOT, a prefix, a
 *	column filter), with and without the list-tag phrase in front,
 *	moim_rank() must give bm25(4, 2, 1, 1, 0)'s order; with two or more
 *	scored phrases the very same doubles, with one a positive multiple
 *	of them (the same factor for every row); and given each row's
 *	docsize record (sz, joined), the same doubles as without it.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "db_sqlite_rank.h"

#define NROWS 300

/* db_new - the table, filled: row i belongs to list 1 + i % 3 / 2 */
static sqlite3 *
db_new(void)
{
	static const char *const words[] = {"meeting", "budget", "agenda",
	    "coffee", "server", "release", "the", "notes", "plan", "team"};
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;

	g_assert_cmpint(sqlite3_open(":memory:", &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, 0),
	    ==, SQLITE_OK);
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	(void)sqlite3_step(st); /* the pointer is the result */
	sqlite3_finalize(st);
	g_assert_nonnull(api);
	g_assert_true(db_sqlite_rank_register(api));
	g_assert_cmpint(sqlite3_exec(db,
			    "CREATE VIRTUAL TABLE messages_fts USING"
			    " fts5(subject, from_name, body_text, attachments,"
			    " list_tag)",
			    0, 0, 0),
	    ==, SQLITE_OK);
	g_assert_cmpint(
	    sqlite3_prepare_v2(db,
		"INSERT INTO messages_fts VALUES (?, ?, ?, ?, ?)", -1, &st, 0),
	    ==, SQLITE_OK);
	for (int i = 0; i < NROWS; i++) {
		GString *body = g_string_new(NULL);
		g_autofree char *subject = g_strdup_printf(
		    "%s %s", words[i % 10], words[(i * 7 + 3) % 10]);
		g_autofree char *from =
		    g_strdup_printf("%s person", words[(i * 3) % 10]);
		g_autofree char *tag = g_strdup_printf("l%d", 1 + i % 3 / 2);

		for (int j = 0; j < 3 + (i * 13) % 40; j++)
			g_string_append_printf(
			    body, "%s ", words[(i + j * j) % 10]);
		sqlite3_bind_text(st, 1, subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, body->str, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(
		    st, 4, i % 5 ? "" : "plan.pdf", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, tag, -1, SQLITE_TRANSIENT);
		g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
		sqlite3_reset(st);
		g_string_free(body, TRUE);
	}
	sqlite3_finalize(st);
	return db;
}

/* struct scored - one row of a ranked query */
struct scored {
	gint64 id;
	double score;
};

/* The table alone, and with each row's docsize record joined. */
#define FROM_FTS "messages_fts f"
#define FROM_JOIN                                                              \
	"messages_fts f LEFT JOIN messages_fts_docsize z ON z.id = f.rowid"

/* ranked - the rows matching match ordered by fn (then newest first),
 * each with its score */
static GArray *
ranked(sqlite3 *db, const char *from, const char *fn, const char *match)
{
	g_autofree char *sql =
	    g_strdup_printf("SELECT f.rowid, %s AS s FROM %s WHERE messages_fts"
			    " MATCH ?1 ORDER BY s, f.rowid DESC",
		fn, from);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct scored));
	sqlite3_stmt *st = NULL;
	int rc;

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, 0), ==, SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct scored r = {
		    sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1)};

		g_array_append_val(out, r);
	}
	g_assert_cmpint(rc, ==, SQLITE_DONE);
	sqlite3_finalize(st);
	return out;
}

static const struct {
	const char *match; /* without the list tag */
	bool is_one; /* one phrase scores */
} queries[] = {
    {"\"meeting\"", true},
    {"\"the\"", true},
    {"\"coffee\"*", true},
    {"\"budget agenda\"", true},
    {"{subject from_name body_text attachments} : \"plan\"", true},
    {"\"meeting\" AND \"budget\"", false},
    {"(\"server\" OR \"release\")", false},
    {"(\"server\" OR \"release\") AND \"team\"", false},
    {"\"notes\" NOT (\"coffee\")", false},
    {"(\"the\" AND \"plan\" AND \"team\")", false},
};

/* check_same - moim_rank's order is bm25's; the scores the same doubles
 * or, with one phrase scored, the same multiple of them; and the same
 * with the row's docsize record given (sz) */
static void
check_same(sqlite3 *db, const char *match, int first, bool is_one)
{
	g_autoptr(GArray) want = ranked(
	    db, FROM_FTS, "bm25(messages_fts, 4.0, 2.0, 1.0, 1.0, 0.0)", match);
	g_autofree char *fn =
	    g_strdup_printf("moim_rank(messages_fts, %d)", first);
	g_autofree char *fn_sz =
	    g_strdup_printf("moim_rank(messages_fts, %d, z.sz)", first);
	g_autoptr(GArray) got = ranked(db, FROM_FTS, fn, match);
	g_autoptr(GArray) got_sz = ranked(db, FROM_JOIN, fn_sz, match);
	double factor = 0.0;

	g_test_message("%s (first %d): %u rows", match, first, want->len);
	g_assert_cmpuint(want->len, >, 1);
	g_assert_cmpuint(got->len, ==, want->len);
	g_assert_cmpuint(got_sz->len, ==, want->len);
	for (guint i = 0; i < want->len; i++) {
		const struct scored *w = &g_array_index(want, struct scored, i);
		const struct scored *g = &g_array_index(got, struct scored, i);
		const struct scored *z =
		    &g_array_index(got_sz, struct scored, i);

		g_assert_cmpint(g->id, ==, w->id);
		g_assert_cmpint(z->id, ==, w->id);
		g_assert_true(z->score == g->score);
		if (!is_one) {
			g_assert_true(g->score == w->score);
			continue;
		}
		g_assert_cmpfloat(w->score, <, 0.0);
		if (i == 0)
			factor = g->score / w->score;
		g_assert_cmpfloat(fabs(g->score / w->score - factor), <, 1e-9);
	}
	g_assert_true(!is_one || factor > 0.0);
}

/* test_same_as_bm25 - every query, alone and behind a list's tag */
static void
test_same_as_bm25(void)
{
	sqlite3 *db = db_new();

	for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
		g_autofree char *tagged = g_strdup_printf(
		    "list_tag : \"l2\" AND %s", queries[i].match);

		check_same(db, queries[i].match, 0, queries[i].is_one);
		check_same(db, tagged, 1, queries[i].is_one);
	}
	sqlite3_close(db);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/db_sqlite_rank/same-as-bm25", test_same_as_bm25);
	return g_test_run();
}
