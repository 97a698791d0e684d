/*
 * dkim_key - the part of lib/dkim that touches libcrypto: private keys,
 * public keys from key records, signing and verifying bytes
 *
 * RSA-SHA256 signs the bytes with SHA-256 (RFC 6376 3.3.1); Ed25519
 * signs the SHA-256 digest of the bytes (RFC 8463 3), so both go through
 * EVP_DigestSign with the digest chosen here.
 */
#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "dkim.h"
#include "dkim_int.h"
#include "err.h"

#define ED25519_RAW 32

struct dkim_key {
	EVP_PKEY *pkey;
	enum dkim_alg alg;
	int bits;
};

/* crypto_fail - fail with libcrypto's latest error as the reason */
static bool
crypto_fail(GError **err, enum moim_err code, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return moim_fail(err, code, "%s: %s", what, e != 0 ? buf : "failed");
}

/* no_passphrase - refuse to prompt for an encrypted key's passphrase */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* key_check - a private key moim may sign with, as RFC 8301 and 8463 say */
static bool
key_check(EVP_PKEY *pkey, struct dkim_key *k, GError **err)
{
	int id = EVP_PKEY_get_base_id(pkey);

	k->bits = EVP_PKEY_get_bits(pkey);
	if (id == EVP_PKEY_ED25519) {
		k->alg = DKIM_ALG_ED25519_SHA256;
		return true;
	}
	if (id != EVP_PKEY_RSA)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "key type %s is neither RSA nor Ed25519",
		    OBJ_nid2sn(id) != NULL ? OBJ_nid2sn(id) : "unknown");
	if (k->bits < DKIM_MIN_RSA_BITS || k->bits > DKIM_MAX_RSA_BITS)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "RSA key of %d bits; DKIM wants %d to %d", k->bits,
		    DKIM_MIN_RSA_BITS, DKIM_MAX_RSA_BITS);
	k->alg = DKIM_ALG_RSA_SHA256;
	return true;
}

/* dkim_key_parse - read a PEM private key */
struct dkim_key *
dkim_key_parse(const char *pem, size_t len, GError **err)
{
	struct dkim_key *k;
	EVP_PKEY *pkey;
	BIO *bio;

	if (len > DKIM_MAX_KEY_FILE) {
		moim_fail(
		    err, MOIM_ERR_CONFIG, "key of %zu bytes is too long", len);
		return NULL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL) {
		crypto_fail(err, MOIM_ERR_INTERNAL, "BIO_new_mem_buf");
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		crypto_fail(err, MOIM_ERR_CONFIG,
		    "not a PEM private key without passphrase");
		return NULL;
	}
	k = g_new0(struct dkim_key, 1);
	k->pkey = pkey;
	if (!key_check(pkey, k, err)) {
		dkim_key_free(k);
		return NULL;
	}
	return k;
}

/* dkim_key_load - read a PEM private key from a file */
struct dkim_key *
dkim_key_load(const char *path, GError **err)
{
	g_autofree char *pem = NULL;
	g_autoptr(GError) e = NULL;
	struct dkim_key *k;
	gsize len;

	if (!g_file_get_contents(path, &pem, &len, &e)) {
		moim_fail(err,
		    g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
			    g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_ACCES)
			? MOIM_ERR_CONFIG
			: MOIM_ERR_TEMP,
		    "%s", e->message);
		return NULL;
	}
	k = dkim_key_parse(pem, len, &e);
	if (k == NULL)
		moim_fail(
		    err, (enum moim_err)e->code, "%s: %s", path, e->message);
	/* The key's bytes go no further than this buffer. */
	OPENSSL_cleanse(pem, len);
	return k;
}

/* dkim_key_free - free k; NULL is fine */
void
dkim_key_free(struct dkim_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	g_free(k);
}

/* dkim_key_alg - the algorithm k signs with */
enum dkim_alg
dkim_key_alg(const struct dkim_key *k)
{
	return k->alg;
}

/* dkim_key_bits - the size of k */
int
dkim_key_bits(const struct dkim_key *k)
{
	return k->bits;
}

/* public_b64 - the p= value of k's public key, or NULL */
static char *
public_b64(const struct dkim_key *k)
{
	unsigned char raw[ED25519_RAW];
	size_t n = sizeof raw;
	unsigned char *der = NULL;
	char *b64;
	int len;

	if (k->alg == DKIM_ALG_ED25519_SHA256) {
		if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &n) != 1)
			return NULL;
		return g_base64_encode(raw, n);
	}
	len = i2d_PUBKEY(k->pkey, &der);
	if (len <= 0)
		return NULL;
	b64 = g_base64_encode(der, (gsize)len);
	OPENSSL_free(der);
	return b64;
}

/* dkim_key_txt - the key record to publish for k */
char *
dkim_key_txt(const struct dkim_key *k)
{
	g_autofree char *p = public_b64(k);

	g_assert(p != NULL); /* a key that loaded has a public half */
	return g_strdup_printf("v=DKIM1; k=%s; p=%s",
	    k->alg == DKIM_ALG_ED25519_SHA256 ? "ed25519" : "rsa", p);
}

/* digest_of - the SHA-256 of data */
static void
digest_of(const GString *data, unsigned char out[32])
{
	unsigned int n = 32;

	if (EVP_Digest(data->str, data->len, out, &n, EVP_sha256(), NULL) != 1)
		g_error("SHA-256 failed"); /* no input can cause this */
}

/* dkim_sign_bytes - sign data with k; the signature in base64 */
bool
dkim_sign_bytes(const struct dkim_key *k, const GString *data, GString *b64_out,
    GError **err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool is_ed = k->alg == DKIM_ALG_ED25519_SHA256;
	unsigned char digest[32];
	const unsigned char *in = (const unsigned char *)data->str;
	size_t in_len = data->len;
	unsigned char sig[DKIM_MAX_RSA_BITS / 8];
	size_t sig_len = sizeof sig;
	g_autofree char *b64 = NULL;
	bool ok = false;

	if (is_ed) {
		digest_of(data, digest);
		in = digest;
		in_len = sizeof digest;
	}
	if (ctx == NULL ||
	    EVP_DigestSignInit(
		ctx, NULL, is_ed ? NULL : EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &sig_len, in, in_len) != 1) {
		crypto_fail(err, MOIM_ERR_INTERNAL, "EVP_DigestSign");
		goto out;
	}
	b64 = g_base64_encode(sig, sig_len);
	g_string_append(b64_out, b64);
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* b64_decode - decode a base64 value with FWS inside; NULL if not base64 */
static GBytes *
b64_decode(const char *v, size_t len)
{
	g_autoptr(GString) s = g_string_sized_new(len + 1);
	gsize n;
	guchar *raw;

	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (!g_ascii_isalnum(c) && c != '+' && c != '/' && c != '=')
			return NULL;
		g_string_append_c(s, c);
	}
	if (s->len == 0 || s->len % 4 != 0)
		return NULL;
	raw = g_base64_decode(s->str, &n);
	return g_bytes_new_take(raw, n);
}

/* dkim_verify_bytes - whether t's b= is pub's signature of data */
bool
dkim_verify_bytes(EVP_PKEY *pub, enum dkim_alg alg, const GString *data,
    const struct dkim_tags *t)
{
	const char *b;
	size_t b_len;
	g_autoptr(GBytes) sig = NULL;
	EVP_MD_CTX *ctx;
	bool is_ed = alg == DKIM_ALG_ED25519_SHA256;
	unsigned char digest[32];
	const unsigned char *in = (const unsigned char *)data->str;
	size_t in_len = data->len, sig_len;
	const unsigned char *sig_p;
	bool ok;

	b = dkim_tags_get(t, "b", &b_len);
	if (b == NULL || (sig = b64_decode(b, b_len)) == NULL)
		return false;
	if (is_ed) {
		digest_of(data, digest);
		in = digest;
		in_len = sizeof digest;
	}
	sig_p = g_bytes_get_data(sig, &sig_len);
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(
		ctx, NULL, is_ed ? NULL : EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(ctx, sig_p, sig_len, in, in_len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* public_key - the key a record's p= holds, or NULL */
static EVP_PKEY *
public_key(enum dkim_alg alg, const char *p, size_t len)
{
	g_autoptr(GBytes) raw = b64_decode(p, len);
	const unsigned char *d;
	size_t n;
	EVP_PKEY *pkey;

	if (raw == NULL)
		return NULL;
	d = g_bytes_get_data(raw, &n);
	if (alg == DKIM_ALG_ED25519_SHA256)
		return n != ED25519_RAW
		    ? NULL
		    : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, d, n);
	pkey = d2i_PUBKEY(NULL, &d, (long)n);
	if (pkey == NULL) {
		/* Some publish the bare RSAPublicKey (PKCS#1). */
		d = g_bytes_get_data(raw, &n);
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &d, (long)n);
	}
	if (pkey != NULL && EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		g_clear_pointer(&pkey, EVP_PKEY_free);
	return pkey;
}

/* lists - whether the colon-separated list of tag name, when present,
 * holds one of two values (RFC 6376 3.6.1: h= and s= of a key record) */
static bool
lists(const struct dkim_tags *t, const char *name, const char *a, const char *b)
{
	size_t n;
	const char *v = dkim_tags_get(t, name, &n);
	g_autoptr(GPtrArray) items = NULL;

	if (v == NULL)
		return true;
	items = dkim_names_parse(v, n);
	for (guint i = 0; items != NULL && i < items->len; i++)
		if (g_ascii_strcasecmp(items->pdata[i], a) == 0 ||
		    g_ascii_strcasecmp(items->pdata[i], b) == 0)
			return true;
	return false;
}

/* record_key - the key of one TXT record for alg; NULL with *why_out set */
static EVP_PKEY *
record_key(const char *rec, enum dkim_alg alg, const char **why_out)
{
	struct dkim_tags t;
	const char *p;
	size_t p_len;
	EVP_PKEY *pkey;

	*why_out = "key record malformed";
	if (strlen(rec) > DKIM_MAX_KEY_RECORD ||
	    !dkim_tags_parse(rec, strlen(rec), &t, NULL))
		return NULL;
	if (dkim_tags_get(&t, "v", &p_len) != NULL &&
	    !dkim_tag_is(&t, "v", "DKIM1"))
		return NULL;
	*why_out = "key type does not match a=";
	if (alg == DKIM_ALG_ED25519_SHA256
		? !dkim_tag_is(&t, "k", "ed25519")
		: (dkim_tags_get(&t, "k", &p_len) != NULL &&
		      !dkim_tag_is(&t, "k", "rsa")))
		return NULL;
	*why_out = "key not for sha256 or not for email";
	if (!lists(&t, "h", "sha256", "sha256") ||
	    !lists(&t, "s", "*", "email"))
		return NULL;
	*why_out = "key revoked";
	p = dkim_tags_get(&t, "p", &p_len);
	if (p == NULL || p_len == 0)
		return NULL;
	*why_out = "key unusable";
	pkey = public_key(alg, p, p_len);
	if (pkey != NULL && alg == DKIM_ALG_RSA_SHA256 &&
	    EVP_PKEY_get_bits(pkey) < DKIM_MIN_VERIFY_RSA_BITS)
		g_clear_pointer(&pkey, EVP_PKEY_free);
	return pkey;
}

/* dkim_key_name - s._domainkey.d of signature t, or NULL when d= or s=
 * is missing or no token */
char *
dkim_key_name(const struct dkim_tags *t)
{
	g_autofree char *d = dkim_tag_dup(t, "d");
	g_autofree char *s = dkim_tag_dup(t, "s");

	if (d == NULL || s == NULL || !dkim_is_token(d) || !dkim_is_token(s))
		return NULL;
	return g_strdup_printf("%s._domainkey.%s", s, d);
}

/* dkim_key_fetch - the public key at s._domainkey.d of signature t */
enum dkim_result
dkim_key_fetch(const struct dkim_tags *t, enum dkim_alg alg, dns_txt_fn lookup,
    void *data, EVP_PKEY **pub_out, char **why_out)
{
	g_autofree char *name = dkim_key_name(t);
	g_autoptr(GPtrArray) txt = NULL;
	const char *why = "no key record";

	*pub_out = NULL;
	if (name == NULL) {
		*why_out = g_strdup("bad d= or s=");
		return DKIM_PERMERROR;
	}
	switch (lookup(data, name, &txt)) {
	case DNS_FAIL:
		*why_out = g_strdup_printf("key lookup %s failed", name);
		return DKIM_TEMPERROR;
	case DNS_NONE:
		break;
	case DNS_FOUND:
		for (guint i = 0; i < txt->len && *pub_out == NULL; i++)
			*pub_out = record_key(txt->pdata[i], alg, &why);
		break;
	}
	if (*pub_out != NULL)
		return DKIM_PASS;
	*why_out = g_strdup_printf("%s at %s", why, name);
	return DKIM_PERMERROR;
}
