/*
 * fuzz_sighdr - libFuzzer target for what moim-listd reads from a post to
 * seal it (listd/sighdr.c): any bytes as an Authentication-Results value
 * and as a whole message whose header the h= lists count, with what the
 * header promises (no id without a trusted authserv-id; results carry no
 * CR, LF or tab and are never "none"; the AAR text carries an arc=
 * result; the lists hold only the names asked for, within
 * DKIM_MAX_SIGNED)
 *
 * Build: see tests/fuzz/run.sh (listd/sighdr.c is linked in).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "sighdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_list - every name is one of names; at most DKIM_MAX_SIGNED */
static void
check_list(const char **h, const char *const *names)
{
	size_t n = 0;

	for (; h[n] != NULL; n++)
		if (!g_strv_contains(names, h[n]))
			abort();
	if (n > DKIM_MAX_SIGNED)
		abort();
	g_free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const trusted[] = {"mx.example.org", NULL};
	char *value = g_strndup((const char *)data, size);
	char *id = NULL, *results = NULL, *aar;

	if (sighdr_ar_split(value, trusted, &id, &results)) {
		if (g_ascii_strcasecmp(id, "mx.example.org") != 0)
			abort();
		if (results != NULL &&
		    (strpbrk(results, "\r\n\t") != NULL ||
			g_ascii_strcasecmp(results, "none") == 0))
			abort();
	} else if (id != NULL || results != NULL) {
		abort();
	}
	aar = sighdr_aar_results(results, "pass");
	if (strcasestr(aar, "arc=") == NULL)
		abort();
	check_list(sighdr_list((const char *)data, size, sighdr_dkim_names,
		       sighdr_dkim_over),
	    sighdr_dkim_names);
	check_list(sighdr_list((const char *)data, size, sighdr_ams_names,
		       sighdr_ams_over),
	    sighdr_ams_names);
	g_free(aar);
	g_free(id);
	g_free(results);
	g_free(value);
	return 0;
}
