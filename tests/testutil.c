/*
 * testutil - what the unit tests share: finding the shared corpus
 */
#include <glib.h>

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
