/*
 * fuzz_dkim - libFuzzer target for lib/dkim and lib/arc: the first byte
 * picks what the rest is read as
 *   0  a tag list: every tag lies within the input, at most DKIM_MAX_TAGS
 *   1  a message to verify, keys from a fake lookup (RFC 8463's Ed25519
 *      key, a record that is not a key, a DNS failure): a result in range
 *   2  a message whose ARC chain is validated with the same lookup: a cv
 *      in range, the count at most ARC_MAX_INSTANCES + 1
 *   3  a message signed with Ed25519 and sealed with RSA, then verified
 *      and validated: what this code signs it must accept, and a seal
 *      over a chain that passed (or none) must pass
 *
 * Build: see tests/fuzz/run.sh (lib/*.c with libcrypto); it seeds this
 * target with RFC 8463's signed message and a plain one.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arc.h"
#include "dkim.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ed_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

static struct dkim_key *ed_key, *rsa_key;
static char *ed_txt, *rsa_txt;

/* fake_lookup - keys by selector: "ed" and "brisbane" the Ed25519 key,
 * "rsa" the RSA key, "junk" a record that is no key, "fail" fails */
static enum dns_status
fake_lookup(void *data, const char *name, GPtrArray **txt_out)
{
	const char *rec = NULL;

	(void)data;
	*txt_out = NULL;
	if (g_str_has_prefix(name, "fail."))
		return DNS_FAIL;
	if (g_str_has_prefix(name, "ed.") ||
	    g_str_has_prefix(name, "brisbane."))
		rec = ed_txt;
	else if (g_str_has_prefix(name, "rsa."))
		rec = rsa_txt;
	else if (g_str_has_prefix(name, "junk."))
		rec = "v=DKIM1; k=rsa; p=AAAA";
	if (rec == NULL)
		return DNS_NONE;
	*txt_out = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(*txt_out, g_strdup(rec));
	return DNS_FOUND;
}

/* keys - make the keys once */
static void
keys(void)
{
	EVP_PKEY *pkey;
	BIO *bio;
	char *p;
	long n;

	if (ed_key != NULL)
		return;
	ed_key = dkim_key_parse(ed_pem, strlen(ed_pem), NULL);
	pkey = EVP_RSA_gen(2048);
	bio = BIO_new(BIO_s_mem());
	if (ed_key == NULL || pkey == NULL || bio == NULL ||
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		abort();
	n = BIO_get_mem_data(bio, &p);
	rsa_key = dkim_key_parse(p, (size_t)n, NULL);
	if (rsa_key == NULL)
		abort();
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	ed_txt = dkim_key_txt(ed_key);
	rsa_txt = dkim_key_txt(rsa_key);
}

/* check_tags - every tag within the input, names as the grammar says */
static void
check_tags(const char *buf, size_t len)
{
	struct dkim_tags t;

	if (!dkim_tags_parse(buf, len, &t, NULL))
		return;
	if (t.n > DKIM_MAX_TAGS)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		const struct dkim_tag *g = &t.tag[i];

		if (g->name < buf || g->name + g->name_len > buf + len ||
		    g->value < buf || g->value + g->value_len > buf + len ||
		    g->name_len == 0 || !g_ascii_isalpha(g->name[0]))
			abort();
	}
}

/* check_verify - any message gets a result in range */
static void
check_verify(const char *msg, size_t len)
{
	char *why = NULL;
	enum dkim_result r = dkim_verify(msg, len, 0, fake_lookup, NULL, &why);

	if (r > DKIM_TEMPERROR || why == NULL)
		abort();
	g_free(why);
}

/* check_arc - any chain gets a cv in range */
static enum arc_cv
check_arc(const char *msg, size_t len, int *count)
{
	enum arc_cv cv = arc_validate(msg, len, fake_lookup, NULL, count, NULL);

	if (cv > ARC_CV_FAIL || *count < 0 || *count > ARC_MAX_INSTANCES + 1)
		abort();
	return cv;
}

/* check_round_trip - what we sign verifies, what we seal validates */
static void
check_round_trip(const char *msg, size_t len)
{
	static const char *const h[] = {"From", "Subject", "Subject", NULL};
	struct dkim_sign_args a = {ed_key, "example.org", "ed", h, 1, NULL};
	struct arc_seal_args s = {rsa_key, "example.org", "rsa", "mx.example",
	    "dkim=pass", h, 1, 0, ARC_CV_NONE, NULL};
	char *field = dkim_sign(&a, msg, len, NULL);
	char *sealed;
	GString *m;
	int count;

	if (field == NULL)
		return;
	m = g_string_new(field);
	g_string_append_len(m, msg, (gssize)len);
	if (dkim_verify(m->str, m->len, 0, fake_lookup, NULL, NULL) !=
	    DKIM_PASS)
		abort();
	s.cv = check_arc(m->str, m->len, &count);
	s.instance = count + 1;
	sealed = count < ARC_MAX_INSTANCES ? arc_seal(&s, m->str, m->len, NULL)
					   : NULL;
	if (sealed != NULL) {
		g_string_prepend(m, sealed);
		if (check_arc(m->str, m->len, &count) !=
			(s.cv == ARC_CV_FAIL ? ARC_CV_FAIL : ARC_CV_PASS) ||
		    count != s.instance)
			abort();
	}
	g_free(sealed);
	g_free(field);
	g_string_free(m, TRUE);
}

/* LLVMFuzzerTestOneInput - one input through the part its first byte
 * names */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	int count;

	if (size == 0)
		return 0;
	keys();
	switch (data[0] % 4) {
	case 0:
		check_tags(buf, size - 1);
		break;
	case 1:
		check_verify(buf, size - 1);
		break;
	case 2:
		(void)check_arc(buf, size - 1, &count);
		break;
	default:
		check_round_trip(buf, size - 1);
		break;
	}
	return 0;
}
