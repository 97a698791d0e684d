/*
 * signkey - the signing keys moim.conf names, loaded and checked
 */
#include "signkey.h"

#include "err.h"

/* signkey_specs - the keys c sets, ARC first */
size_t
signkey_specs(const struct moim_config *c, struct signkey_spec out[SIGNKEY_MAX])
{
	const struct signkey_spec all[SIGNKEY_MAX] = {
	    {SIGNKEY_ARC, "[listd] arc_key", c->arc_selector, c->arc_key,
		DKIM_ALG_RSA_SHA256},
	    {SIGNKEY_DKIM, "[listd] dkim_key", c->dkim_selector, c->dkim_key,
		DKIM_ALG_RSA_SHA256},
	    {SIGNKEY_DKIM_ED25519, "[listd] dkim_ed25519_key",
		c->dkim_ed25519_selector, c->dkim_ed25519_key,
		DKIM_ALG_ED25519_SHA256},
	};
	size_t n = 0;

	for (size_t i = 0; i < SIGNKEY_MAX; i++)
		if (all[i].path != NULL && all[i].path[0] != '\0')
			out[n++] = all[i];
	return n;
}

/* alg_name - a key type as the messages name it */
static const char *
alg_name(enum dkim_alg a)
{
	return a == DKIM_ALG_ED25519_SHA256 ? "Ed25519" : "RSA";
}

/* signkey_load - read one key and check that it is of the right type */
struct dkim_key *
signkey_load(const struct signkey_spec *s, GError **err)
{
	struct dkim_key *k = dkim_key_load(s->path, err);

	/* lib/dkim's message starts with the path already. */
	if (k == NULL) {
		g_prefix_error(err, "%s ", s->what);
		return NULL;
	}
	if (dkim_key_alg(k) != s->alg) {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "%s %s: an %s key; this setting takes %s", s->what, s->path,
		    alg_name(dkim_key_alg(k)), alg_name(s->alg));
		dkim_key_free(k);
		return NULL;
	}
	return k;
}
