/*
 * fuzz_mime - libFuzzer target for lib/mime: parse, read the text, add a
 * footer and serialise, as moim-listd does with every post
 *
 * Build: clang -fsanitize=fuzzer,address -Ilib -I. $(pkg-config --cflags
 * gmime-3.0) tests/fuzz/fuzz_mime.c lib/mime.c lib/err.c
 * $(pkg-config --libs gmime-3.0); seed it with the shared corpus
 * (corpus/mime, corpus/i18n).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one input through the post path */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GMimeMessage *m = mime_parse((const char *)data, size, NULL);
	char *s;

	if (m == NULL)
		return 0;
	s = mime_body_text(m, 64 * 1024);
	g_free(s);
	s = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_free(s);
	(void)mime_is_auto_submitted(m);
	(void)mime_is_auto_reply(m);
	if (mime_add_footer(m, "-- \n모임 footer\n", NULL))
		g_bytes_unref(mime_to_bytes(GMIME_OBJECT(m)));
	g_object_unref(m);
	return 0;
}
