/*
 * fuzz_config - libFuzzer target for the moim.conf reader: any bytes as a
 * configuration file load or fail with MOIM_ERR_CONFIG, never crash
 *
 * Built and run by tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *e = NULL;
	struct moim_config *c =
	    config_load_data((const char *)data, size, "fuzz.conf", &e);

	if (c == NULL &&
	    (e == NULL || e->domain != MOIM_ERROR ||
		e->code != MOIM_ERR_CONFIG))
		abort();
	if (c != NULL && (c->domains == NULL || c->connections < 1))
		abort();
	g_clear_error(&e);
	config_unref(c);
	return 0;
}
