/*
 * testutil - what the unit tests share: finding the shared corpus and
 * the files in it
 *
 * SYNOPSIS
 *	char *testutil_corpus(const char *sub);
 *	GPtrArray *testutil_files(const char *dir);
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
 * OWNERSHIP
 *	The results belong to the caller (g_free, g_ptr_array_unref).
 */
#ifndef MOIM_TESTUTIL_H
#define MOIM_TESTUTIL_H

#include <glib.h>

char *testutil_corpus(const char *sub);
GPtrArray *testutil_files(const char *dir);

#endif
