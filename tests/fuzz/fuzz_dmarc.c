/*
 * fuzz_dmarc - libFuzzer target for lib/dmarc: read any bytes as a DMARC
 * TXT record and as a domain, and check what the header promises (a
 * valid record is a DMARC record within DMARC_MAX_RECORD bytes, policies
 * are none, quarantine or reject, pct is 0..100, adkim and aspf are 'r'
 * or 's'; an organizational domain is a lower-case DNS name that ends
 * the domain)
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -iquote lib -iquote .
 * $(pkg-config --cflags glib-2.0 libpsl) tests/fuzz/fuzz_dmarc.c
 * lib/dmarc.c lib/config.c lib/err.c $(pkg-config --libs glib-2.0
 * libpsl) -lresolv; tests/fuzz/run.sh seeds it with a few records.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* is_policy - whether r is one a record can hold */
static bool
is_policy(enum dmarc_result r)
{
	return r == DMARC_NONE || r == DMARC_QUARANTINE || r == DMARC_REJECT;
}

/* check_record - abort when a parsed record breaks the promises */
static void
check_record(const struct dmarc_record *r, size_t size)
{
	if (r->is_valid && (!r->is_dmarc || size > DMARC_MAX_RECORD))
		abort();
	if (!is_policy(r->p) || !is_policy(r->sp))
		abort();
	if (r->pct < 0 || r->pct > 100)
		abort();
	if ((r->adkim != 'r' && r->adkim != 's') ||
	    (r->aspf != 'r' && r->aspf != 's'))
		abort();
	if (!r->has_sp && r->is_valid && r->sp != r->p)
		abort();
}

/* check_org - abort when the organizational domain of the input (as a
 * string) is no lower-case name or does not end the domain */
static void
check_org(const uint8_t *data, size_t size)
{
	g_autofree char *domain = g_strndup((const char *)data, size);
	g_autofree char *org = dmarc_org_domain(domain);
	g_autofree char *ascii = NULL, *lower = NULL;
	size_t n, m;

	if (org == NULL)
		return;
	if ((m = strlen(org)) > MOIM_MAX_DOMAIN || org[0] == '.')
		abort();
	for (const char *p = org; *p != '\0'; p++)
		if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-' &&
		    *p != '_' && *p != '.')
			abort();
	/* it had an organizational domain, so it converts */
	if ((ascii = g_hostname_to_ascii(domain)) == NULL)
		abort();
	lower = g_ascii_strdown(ascii, -1);
	n = strlen(lower);
	if (n > 0 && lower[n - 1] == '.')
		lower[--n] = '\0';
	if (m > n || strcmp(lower + n - m, org) != 0 ||
	    (m < n && lower[n - m - 1] != '.'))
		abort();
}

/* LLVMFuzzerTestOneInput - one input through the parser and
 * dmarc_org_domain() */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record r;

	dmarc_record_parse((const char *)data, size, &r);
	check_record(&r, size);
	if (size <= 4 * MOIM_MAX_DOMAIN)
		check_org(data, size);
	return 0;
}
