/*
 * testutil - what the unit tests share: finding the shared corpus and
 * the files in it, and the database a store test runs on
 *
 * SYNOPSIS
 *	char *testutil_corpus(const char *sub);
 *	GPtrArray *testutil_files(const char *dir);
 *	char *testutil_db_new(const char *dir);
 *	bool testutil_db_is_pg(void);
 * DESCRIPTION
 *	testutil_corpus() gives the path of sub (a folder or file, or the
 *	corpus itself for NULL) in the shared test corpus, looked for in
 *	$MOIM_CORPUS, then $top_srcdir/../shared/corpus (where CI lays it),
 *	then /work/shared/corpus; NULL when none has it, so that the caller
 *	can skip its test.
 *
 *	testutil_files() lists every regular file under dir, in every
 *	folder below it, as paths sorted by name; an empty array when dir
 *	cannot be read.
 *
 *	testutil_db_new() is the `database` setting for a new, empty store:
 *	a SQLite file in dir, or, when MOIM_STORE_TEST_PG is set (a
 *	PostgreSQL URI; tests/pg_store_test.sh sets it), that database with
 *	its schema public dropped and made again, so that one unit test
 *	runs on either engine; failures abort. testutil_db_is_pg() tells
 *	which.
 * OWNERSHIP
 *	The results belong to the caller (g_free, g_ptr_array_unref).
 */
#ifndef MOIM_TESTUTIL_H
#define MOIM_TESTUTIL_H

#include <glib.h>
#include <stdbool.h>

char *testutil_corpus(const char *sub);
GPtrArray *testutil_files(const char *dir);
char *testutil_db_new(const char *dir);
bool testutil_db_is_pg(void);

#endif
