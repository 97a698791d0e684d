/*
 * fuzz_hdrtext - libFuzzer target for lib/hdrtext: any raw header value
 * is decoded to one line of UTF-8 within the size bound, and what the
 * encoder makes of that line decodes back to it exactly
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
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_line - valid UTF-8 without CR or LF, within the bound */
static void
check_line(const char *s, size_t in_len)
{
	size_t n = strlen(s);

	if (!g_utf8_validate(s, -1, NULL) || strpbrk(s, "\r\n") != NULL)
		__builtin_trap();
	if (n > 3 * MIN(in_len, (size_t)MOIM_MAX_HEADER_FIELD))
		__builtin_trap();
}

/* check_round_trip - enc decodes to text, when it is within the bound
 * the decoder reads */
static void
check_round_trip(const char *enc, const char *text)
{
	char *back;

	if (strlen(enc) > MOIM_MAX_HEADER_FIELD)
		return;
	back = hdrtext_decode(enc, strlen(enc));
	if (strcmp(back, text) != 0)
		__builtin_trap();
	g_free(back);
}

/* LLVMFuzzerTestOneInput - decode, then encode and decode again */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = size > 0 ? g_memdup2(data, size) : NULL;
	char *text = hdrtext_decode(raw, size);
	char *enc, *phrase;
	size_t col = 9;

	check_line(text, size);
	if (strlen(text) <= MOIM_MAX_HEADER_FIELD) {
		enc = hdrtext_encode("Subject", text);
		check_round_trip(enc, text);
		g_free(enc);
		phrase = hdrtext_encode_phrase(text, &col);
		check_round_trip(phrase, text);
		g_free(phrase);
	}
	g_free(text);
	g_free(raw);
	return 0;
}
