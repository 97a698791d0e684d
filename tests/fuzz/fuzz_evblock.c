/*
 * fuzz_evblock - libFuzzer target for ical/evblock: parse a post's event
 * block as moim-listd does with an organizer's post
 *
 * The first 8 bytes are "now"; the rest is the post, NUL-terminated. The
 * target checks the parser's promises: an event has a title and a zone,
 * ends after it starts, and an error names a reason and both messages.
 *
 * Build (config.h from a build directory): clang
 * -fsanitize=fuzzer,address,undefined -I$BUILD -iquote ical -iquote lib
 * $(pkg-config --cflags glib-2.0) tests/fuzz/fuzz_evblock.c ical/evblock.c
 * ical/repeat.c $(pkg-config --libs glib-2.0); seed it with event blocks
 * such as those of ical/evblock_test.c and the repeat rules of
 * ical/repeat_test.c (the When, Repeats and Skip lines reach
 * ical/repeat).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "evblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one post */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evblock *ev = NULL;
	struct evblock_error e;
	gint64 now = G_GINT64_CONSTANT(1796083200);
	char *text;

	if (size >= 8) {
		memcpy(&now, data, 8);
		/* Keep now within the years GDateTime can hold. */
		now = (gint64)((guint64)now % G_GINT64_CONSTANT(4000000000));
		data += 8;
		size -= 8;
	}
	text = g_strndup((const char *)data, size);
	if (evblock_parse(text, "Asia/Seoul", now, &ev, &e)) {
		if (ev != NULL &&
		    (ev->title == NULL || ev->tzid == NULL ||
			ev->end <= ev->start || ev->body_offset > strlen(text)))
			__builtin_trap();
		/* A series is an RRULE; its skipped sessions follow the first.
		 */
		if (ev != NULL && ev->rrule != NULL &&
		    strncmp(ev->rrule, "FREQ=", 5) != 0)
			__builtin_trap();
		for (size_t i = 0; ev != NULL && i < ev->n_skips; i++)
			if (ev->rrule == NULL || ev->skips[i] < ev->start)
				__builtin_trap();
	} else if (ev != NULL || e.reason == EVBLOCK_OK || e.msg_en == NULL ||
	    e.msg_ko == NULL) {
		__builtin_trap();
	}
	evblock_free(ev);
	g_free(text);
	return 0;
}
