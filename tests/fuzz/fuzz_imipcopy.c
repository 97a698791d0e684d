/*
 * fuzz_imipcopy - libFuzzer target for ical/imipcopy: read an
 * invitation's shared part and one member's part from the database, as
 * moim-listd's senders do, and put the member's message together
 *
 * The first two bytes are the shared part's length (little-endian,
 * clipped to what follows); the rest after it is the member's part.
 * The target checks that a refusal says why and that a message put
 * together holds at least the shared part's message fields.
 *
 * Build: see tests/fuzz/run.sh (the library sources with
 * -fsanitize=fuzzer,address,undefined).
 */
#include "config.h"

#include <stdint.h>

#include "imipcopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one shared part and one member's part */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	struct imipcopy *c;
	GString *out;
	GError *e = NULL;
	bool ok;

	if (size < 2)
		return 0;
	n = MIN((size_t)data[0] | (size_t)data[1] << 8, size - 2);
	c = imipcopy_open((const char *)data + 2, n, &e);
	if (c == NULL) {
		if (e == NULL)
			__builtin_trap();
		g_error_free(e);
		return 0;
	}
	out = g_string_new(NULL);
	ok = imipcopy_expand(
	    c, (const char *)data + 2 + n, size - 2 - n, out, &e);
	if (ok == (e != NULL))
		__builtin_trap();
	g_clear_error(&e);
	g_string_free(out, true);
	imipcopy_free(c);
	return 0;
}
