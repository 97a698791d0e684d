/*
 * dkim - DKIM keys, canonicalization, signing and verifying (RFC 6376)
 *
 * Skeleton: the interface of dkim.h, filled in by the next commits.
 */
#include "config.h"

#include <string.h>

#include "dkim.h"
#include "err.h"

struct dkim_key {
	enum dkim_alg alg;
	int bits;
};

struct dkim_key *
dkim_key_load(const char *path, GError **err)
{
	(void)moim_fail(
	    err, MOIM_ERR_CONFIG, "%s: DKIM keys not yet supported", path);
	return NULL;
}

struct dkim_key *
dkim_key_parse(const char *pem, size_t len, GError **err)
{
	(void)pem;
	(void)len;
	(void)moim_fail(err, MOIM_ERR_CONFIG, "DKIM keys not yet supported");
	return NULL;
}

void
dkim_key_free(struct dkim_key *k)
{
	g_free(k);
}

enum dkim_alg
dkim_key_alg(const struct dkim_key *k)
{
	return k->alg;
}

int
dkim_key_bits(const struct dkim_key *k)
{
	return k->bits;
}

char *
dkim_key_txt(const struct dkim_key *k)
{
	(void)k;
	return g_strdup("v=DKIM1; p=");
}

void
dkim_canon_header(
    enum dkim_canon c, const char *field, size_t len, GString *out)
{
	(void)c;
	g_string_append_len(out, field, (gssize)len);
}

void
dkim_canon_body(enum dkim_canon c, const char *body, size_t len, GString *out)
{
	(void)c;
	g_string_append_len(out, body, (gssize)len);
}

void
dkim_body_hash(
    enum dkim_canon c, const char *body, size_t len, char bh_out[DKIM_BH_SIZE])
{
	(void)c;
	(void)body;
	(void)len;
	bh_out[0] = '\0';
}

char *
dkim_sign(
    const struct dkim_sign_args *a, const char *msg, size_t len, GError **err)
{
	(void)a;
	(void)msg;
	(void)len;
	(void)moim_fail(
	    err, MOIM_ERR_INTERNAL, "DKIM signing not yet supported");
	return NULL;
}

enum dkim_result
dkim_verify(const char *msg, size_t len, size_t index, dns_txt_fn lookup,
    void *data, char **why_out)
{
	(void)msg;
	(void)len;
	(void)index;
	(void)lookup;
	(void)data;
	if (why_out != NULL)
		*why_out = g_strdup("not yet supported");
	return DKIM_NONE;
}

const char *
dkim_result_name(enum dkim_result r)
{
	switch (r) {
	case DKIM_NONE:
		return "none";
	case DKIM_PASS:
		return "pass";
	case DKIM_FAIL:
		return "fail";
	case DKIM_PERMERROR:
		return "permerror";
	case DKIM_TEMPERROR:
		return "temperror";
	}
	return "permerror";
}

bool
dkim_tags_parse(
    const char *buf, size_t len, struct dkim_tags *tags_out, GError **err)
{
	(void)buf;
	(void)len;
	tags_out->n = 0;
	return moim_fail(err, MOIM_ERR_INPUT, "not yet supported");
}

const char *
dkim_tags_get(const struct dkim_tags *t, const char *name, size_t *len_out)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->tag[i].name_len == strlen(name) &&
		    memcmp(t->tag[i].name, name, t->tag[i].name_len) == 0) {
			*len_out = t->tag[i].value_len;
			return t->tag[i].value;
		}
	}
	return NULL;
}
