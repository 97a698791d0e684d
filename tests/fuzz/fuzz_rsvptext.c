/*
 * fuzz_rsvptext - libFuzzer target for ical/rsvptext: read a reply to an
 * event announcement as moim-listd does with a plain-text RSVP
 *
 * The input is the decoded body, NUL-terminated (invalid UTF-8 included:
 * the reader must refuse it, not trip on it). The target checks the
 * reader's promises on headcounts and answers.
 *
 * Build (config.h from a build directory): clang
 * -fsanitize=fuzzer,address,undefined -I$BUILD -iquote ical -iquote lib
 * $(pkg-config --cflags glib-2.0) tests/fuzz/fuzz_rsvptext.c
 * ical/rsvptext.c $(pkg-config --libs glib-2.0); seed it with the shared
 * corpus (corpus/replies).
 */
#include "config.h"

#include <stdint.h>

#include "rsvptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one reply body */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = g_strndup((const char *)data, size);
	struct rsvptext r;
	bool ok = rsvptext_read(body, &r);
	bool counts = r.answer == RSVPTEXT_YES || r.answer == RSVPTEXT_MAYBE;

	if (!ok && r.answer != RSVPTEXT_NONE)
		__builtin_trap();
	if (counts ? r.headcount < 1 || r.headcount > RSVPTEXT_MAX_HEADCOUNT
		   : r.headcount != 0)
		__builtin_trap();
	if (r.has_question && !r.has_discussion)
		__builtin_trap();
	g_free(body);
	return 0;
}
