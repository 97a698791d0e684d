/*
 * testutil - what the unit tests share: finding the shared corpus
 *
 * SYNOPSIS
 *	char *testutil_corpus(const char *sub);
 * DESCRIPTION
 *	testutil_corpus() gives the path of sub (a folder or file, or the
 *	corpus itself for NULL) in the shared test corpus, looked for in
 *	$MOIM_CORPUS, then $top_srcdir/../shared/corpus (where CI lays it),
 *	then /work/shared/corpus; NULL when none has it, so that the caller
 *	can skip its test.
 * OWNERSHIP
 *	The result belongs to the caller (g_free).
 */
#ifndef MOIM_TESTUTIL_H
#define MOIM_TESTUTIL_H

char *testutil_corpus(const char *sub);

#endif
