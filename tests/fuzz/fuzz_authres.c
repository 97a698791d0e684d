/*
 * fuzz_authres - libFuzzer target for moim-milter's Authentication-Results
 * reader (milter/policy.c): any bytes as a field value, checked against a
 * trusted authserv-id for a From domain, and what the header promises (no
 * result without a trusted authserv-id; a field that vouches for From is
 * trusted; the readers agree on a DMARC failure)
 *
 * Build: see tests/fuzz/run.sh (milter/policy.c is linked in).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const trusted[] = {"mx.example.org", NULL};
	char *value = g_strndup((const char *)data, size);
	enum policy_dmarc d = policy_ar_dmarc(value, trusted, "example.net");
	bool verified = policy_ar_verified(value, trusted, "example.net");
	bool is_trusted = policy_ar_is_trusted(value, trusted);

	if (!is_trusted && (d != POLICY_DMARC_UNKNOWN || verified))
		abort();
	if (verified && d == POLICY_DMARC_FAIL)
		abort();
	if (policy_ar_dmarc(value, NULL, "example.net") !=
		POLICY_DMARC_UNKNOWN ||
	    policy_ar_verified(value, NULL, "example.net"))
		abort();
	g_free(value);
	return 0;
}
