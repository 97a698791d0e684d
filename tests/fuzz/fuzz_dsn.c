/*
 * fuzz_dsn - libFuzzer target for lib/dsn: read any bytes as a bounce and
 * check what the result promises (canonical addresses, bounded and
 * cleaned diagnostics, is_bounce and is_auto_reply never both true)
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -iquote lib -iquote .
 * $(pkg-config --cflags gmime-3.0) tests/fuzz/fuzz_dsn.c lib/dsn.c
 * lib/mime.c lib/addr.c lib/err.c $(pkg-config --libs gmime-3.0); seed it
 * with the shared corpus (corpus/bounces).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_rcpt - abort when a recipient breaks the header's promises */
static void
check_rcpt(const struct dsn_rcpt *r)
{
	if (r->address == NULL || strchr(r->address, '@') == NULL)
		abort();
	if (r->diagnostic != NULL &&
	    (strlen(r->diagnostic) > DSN_MAX_DIAGNOSTIC + 4 ||
		strpbrk(r->diagnostic, "\r\n") != NULL ||
		!g_utf8_validate(r->diagnostic, -1, NULL)))
		abort();
	if (r->kind == DSN_NOT_BOUNCE)
		abort();
}

/* LLVMFuzzerTestOneInput - one input through dsn_parse() */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsn_result res;

	if (!dsn_parse((const char *)data, size, &res, NULL)) {
		dsn_result_clear(&res);
		return 0;
	}
	if (res.is_bounce && res.is_auto_reply)
		abort();
	for (guint i = 0; i < res.rcpts->len; i++)
		check_rcpt(res.rcpts->pdata[i]);
	dsn_result_clear(&res);
	return 0;
}
