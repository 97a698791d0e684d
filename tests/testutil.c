/*
 * testutil - what the unit tests share: finding the shared corpus and
 * the files in it
 */
#include <string.h>

#include <glib.h>

#include "db.h"
#include "testutil.h"

/* testutil_corpus - the path of sub in the first corpus that has it */
char *
testutil_corpus(const char *sub)
{
	const char *env = g_getenv("MOIM_CORPUS");
	const char *top = g_getenv("top_srcdir");
	char *roots[3] = {NULL, NULL, NULL};
	char *found = NULL;
	int i;

	if (env != NULL)
		roots[0] = g_strdup(env);
	if (top != NULL)
		roots[1] =
		    g_build_filename(top, "..", "shared", "corpus", NULL);
	roots[2] = g_strdup("/work/shared/corpus");
	for (i = 0; i < 3; i++) {
		char *p;

		if (roots[i] == NULL || found != NULL)
			continue;
		p = g_build_filename(roots[i], sub, NULL);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			found = p;
		else
			g_free(p);
	}
	for (i = 0; i < 3; i++)
		g_free(roots[i]);
	return found;
}

/* collect - every regular file under dir into out */
static void
collect(const char *dir, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			collect(p, out);
			g_free(p);
		} else {
			g_ptr_array_add(out, p);
		}
	}
	g_dir_close(d);
}

/* by_path - sort order of paths */
static gint
by_path(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* testutil_files - every regular file under dir, sorted */
GPtrArray *
testutil_files(const char *dir)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	collect(dir, out);
	g_ptr_array_sort(out, by_path);
	return out;
}

/* testutil_db_is_pg - whether the tests run on PostgreSQL */
bool
testutil_db_is_pg(void)
{
	const char *uri = g_getenv("MOIM_STORE_TEST_PG");

	return uri != NULL && *uri != '\0';
}

/* pg_wipe - an empty schema public in the database uri names */
static void
pg_wipe(const char *uri)
{
	const struct db_ops *ops = db_engine(uri);
	GError *e = NULL;
	struct db *db;

	g_assert_nonnull(ops);
	db = ops->open(uri, DB_RW, &e);
	g_assert_no_error(e);
	g_assert_true(ops->exec(
	    db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &e));
	g_assert_no_error(e);
	ops->close(db);
}

/* testutil_db_new - a new, empty database for one test */
char *
testutil_db_new(const char *dir)
{
	const char *uri = g_getenv("MOIM_STORE_TEST_PG");

	if (!testutil_db_is_pg())
		return g_build_filename(dir, "moim.db", NULL);
	pg_wipe(uri);
	return g_strdup(uri);
}
