/*
 * fuzz_rawhdr - libFuzzer target for lib/rawhdr: the header block of
 * untrusted bytes read as moim-listd reads it for the queue ID in its log
 * lines and for a post in a digest
 *
 * Build: clang -fsanitize=fuzzer,address -Ilib -I. $(pkg-config --cflags
 * glib-2.0) tests/fuzz/fuzz_rawhdr.c lib/rawhdr.c $(pkg-config --libs
 * glib-2.0); seed it with the shared corpus (corpus/mime, corpus/i18n).
 * The input is copied to a heap buffer of exactly its size with no NUL
 * after it, as raw bytes from a GBytes or an SQLite blob are, so that a
 * read past the end is an AddressSanitizer error.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "limits.h"
#include "rawhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keep_odd - keep every other field, and the names that are no field */
static bool
keep_odd(const char *name, void *data)
{
	unsigned *n = data;

	return *name == '\0' || (*n)++ % 2 == 0;
}

/* keep_all - keep every field and line */
static bool
keep_all(const char *name, void *data)
{
	(void)name;
	(void)data;
	return true;
}

/* is_queue_id - "-", or 1 to MOIM_MAX_QUEUE_ID letters and digits */
static bool
is_queue_id(const char *s)
{
	size_t n = strlen(s);

	if (strcmp(s, "-") == 0)
		return true;
	if (n == 0 || n > MOIM_MAX_QUEUE_ID)
		return false;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s))
			return false;
	return true;
}

/* LLVMFuzzerTestOneInput - one input through every rawhdr function */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = size > 0 ? g_memdup2(data, size) : NULL;
	GString *out = g_string_new(NULL);
	unsigned n = 0;
	size_t at = rawhdr_end(raw, size);
	char *s;

	if (at > size)
		__builtin_trap();
	rawhdr_filter(raw, size, keep_odd, &n, out);
	g_string_truncate(out, 0);
	/* Keeping all gives the input back, plus an empty line it lacks. */
	rawhdr_filter(raw, size, keep_all, NULL, out);
	if (out->len < size || out->len > size + 2 ||
	    (size > 0 && memcmp(out->str, raw, size) != 0))
		__builtin_trap();
	g_string_free(out, TRUE);
	g_free(rawhdr_first(raw, size, "Subject", 998));
	s = rawhdr_first(raw, size, "Received", 64);
	if (s != NULL && strlen(s) > 64)
		__builtin_trap();
	g_free(s);
	s = rawhdr_queue_id(raw, size);
	if (!is_queue_id(s))
		__builtin_trap();
	g_free(s);
	g_free(raw);
	return 0;
}
