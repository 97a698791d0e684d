/*
 * fuzz_topic - libFuzzer target for lib/topic: the first line of the
 * input is a list's "topics" setting, the rest a raw Subject that is
 * decoded as listd decodes it (lib/hdrtext) and searched for a tag; a
 * Subject as it arrives undecoded is searched too. A topic found must be
 * one of the list's, and a setting that parses must parse again from its
 * joined form to the same topics.
 *
 * Build: see tests/fuzz/run.sh; seeded from the shared corpus
 * (corpus/mime, corpus/i18n) and the written cases in run.sh. The input
 * is copied to a heap buffer of exactly its size with no NUL after it,
 * so that a read past the end is an AddressSanitizer error.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "hdrtext.h"
#include "topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_found - t is NULL or one of topics */
static void
check_found(const char *t, char **topics)
{
	if (t != NULL && !g_strv_contains((const char *const *)topics, t))
		__builtin_trap();
}

/* check_reparse - the joined topics parse to the same topics */
static void
check_reparse(char **topics)
{
	char *joined = g_strjoinv(" ", topics);
	char **again = topic_list_parse(joined, NULL);

	if (again == NULL ||
	    !g_strv_equal(
		(const char *const *)again, (const char *const *)topics))
		__builtin_trap();
	g_strfreev(again);
	g_free(joined);
}

/* LLVMFuzzerTestOneInput - topics, then the Subject */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
	char *setting = g_strndup((const char *)data, tlen);
	size_t slen = nl != NULL ? size - tlen - 1 : 0;
	char *raw = slen > 0 ? g_memdup2(nl + 1, slen) : NULL;
	char *subject = hdrtext_decode(raw, slen);
	char *plain = g_strndup(raw != NULL ? raw : "", slen);
	char **topics = topic_list_parse(setting, NULL);

	if (topics != NULL) {
		check_reparse(topics);
		check_found(topic_of_subject(subject, "[AI 프렌즈]",
				(const char *const *)topics),
		    topics);
		check_found(
		    topic_of_subject(plain, "", (const char *const *)topics),
		    topics);
		for (char **t = topics; *t != NULL; t++)
			if (topic_find((const char *const *)topics, *t,
				strlen(*t)) != *t)
				__builtin_trap();
	}
	g_strfreev(topics);
	g_free(plain);
	g_free(subject);
	g_free(raw);
	g_free(setting);
	return 0;
}
