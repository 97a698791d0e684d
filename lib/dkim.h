/*
 * dkim - DKIM keys, canonicalization, signing and verifying (RFC 6376)
 *
 * SYNOPSIS
 *	struct dkim_key *dkim_key_load(const char *path, GError **err);
 *	struct dkim_key *dkim_key_parse(const char *pem, size_t len,
 *	    GError **err);
 *	void dkim_key_free(struct dkim_key *k);
 *	enum dkim_alg dkim_key_alg(const struct dkim_key *k);
 *	int dkim_key_bits(const struct dkim_key *k);
 *	char *dkim_key_txt(const struct dkim_key *k);
 *
 *	void dkim_canon_header(enum dkim_canon c, const char *field,
 *	    size_t len, GString *out);
 *	void dkim_canon_body(enum dkim_canon c, const char *body, size_t len,
 *	    GString *out);
 *	void dkim_body_hash(enum dkim_canon c, const char *body, size_t len,
 *	    char bh_out[DKIM_BH_SIZE]);
 *
 *	char *dkim_sign(const struct dkim_sign_args *a, const char *msg,
 *	    size_t len, GError **err);
 *	enum dkim_result dkim_verify(const char *msg, size_t len,
 *	    size_t index, dns_txt_fn lookup, void *data, char **why_out);
 *	const char *dkim_result_name(enum dkim_result r);
 *
 *	bool dkim_tags_parse(const char *buf, size_t len,
 *	    struct dkim_tags *tags_out, GError **err);
 *	const char *dkim_tags_get(const struct dkim_tags *t,
 *	    const char *name, size_t *len_out);
 * DESCRIPTION
 *	moim-listd signs each copy of a post it sends (d = the list's
 *	domain) so that receivers see an aligned DKIM pass although the list
 *	changed the author's message; lib/arc seals posts with the same
 *	parts. The crypto is OpenSSL's libcrypto 3: EVP_DigestSign and
 *	EVP_DigestVerify give RSA-SHA256 and Ed25519 (RFC 8463) through one
 *	API, OpenDKIM uses the same library, and libpq links it anyway.
 *	SHA-256 is libcrypto's, base64 GLib's; nothing here is hand-written
 *	crypto.
 *
 *	Keys. dkim_key_parse() reads a PEM private key (PKCS#8 "PRIVATE
 *	KEY" or "RSA PRIVATE KEY"): RSA of DKIM_MIN_RSA_BITS (2048) bits or
 *	more, or Ed25519; any other type or size is MOIM_ERR_CONFIG naming
 *	what was found. dkim_key_load() reads it from a file.
 *	dkim_key_txt() gives the text of the TXT record to publish at
 *	SELECTOR._domainkey.DOMAIN: "v=DKIM1; k=rsa; p=BASE64" (p = the DER
 *	SubjectPublicKeyInfo) or "v=DKIM1; k=ed25519; p=BASE64" (p = the 32
 *	raw bytes of the public key, RFC 8463 4.2).
 *
 *	Messages. msg is the whole message as it will be sent (header, empty
 *	line, body) and may use LF or CRLF line ends: as lib/smtpc sends it,
 *	CRLF, a bare LF and a bare CR each count as one line end (CRLF on
 *	the wire). Fields this module makes end with the line end of msg's
 *	first line ("\r\n" or "\n") and are folded with it plus a tab; they
 *	are meant to be put at the top of the header.
 *
 *	Canonicalization (RFC 6376 3.4). dkim_canon_header() appends one
 *	field (name, colon, value with its folding, with or without its line
 *	end) canonicalized, ending in CRLF. dkim_canon_body() appends the
 *	canonical body. dkim_body_hash() gives the base64 SHA-256 of the
 *	canonical body (the bh= value): moim-listd hashes a post's body once
 *	and passes the value to dkim_sign() for every copy with that body.
 *
 *	dkim_sign() makes a "DKIM-Signature:" field with v=1,
 *	a=rsa-sha256 or ed25519-sha256 (from the key), c=relaxed/relaxed,
 *	d, s, t (when a->t >= 0), h, bh and b. h= is a->headers as given:
 *	the n-th time a name appears in the list signs the n-th field of
 *	that name counted from the bottom of msg's header, and an
 *	appearance with no such field left signs its absence (listing a
 *	name once more than it is present keeps anyone from adding one,
 *	RFC 6376 5.4.2). a->bh, when not NULL, is the relaxed body hash of
 *	msg's body (dkim_body_hash()); NULL computes it.
 *
 *	dkim_verify() checks the index-th DKIM-Signature field of msg (0 =
 *	the topmost), fetching the key at s._domainkey.d through lookup
 *	(dns_txt_lookup() with a struct dns, or a test's table):
 *	  DKIM_NONE       msg has no such field
 *	  DKIM_PASS       the signature verifies
 *	  DKIM_FAIL       body hash or signature does not match
 *	  DKIM_PERMERROR  malformed field, unknown algorithm, no key record,
 *	                  revoked or unusable key, RSA key under 1024 bits
 *	  DKIM_TEMPERROR  the key lookup failed (DNS_FAIL)
 *	A key record counts when it parses, says v=DKIM1 if it has v=, has
 *	the k= of a= (rsa by default), lists sha256 in h= and * or email in
 *	s= if it has them, and a non-empty p= (empty is revoked); the first
 *	such record of the name is used.
 *	It supports v=1, a=rsa-sha256 and ed25519-sha256, c= simple or
 *	relaxed for each part, l= (only that many bytes of the canonical
 *	body are hashed) and q=dns/txt; h= must name From, and i=, when
 *	present, must be in d= or a subdomain; x= is not checked.
 *	*why_out, when why_out is not NULL, gets a short reason for logs
 *	(every result).
 *	dkim_result_name() gives "none", "pass", "fail", "permerror" or
 *	"temperror".
 *
 *	Tag lists (RFC 6376 3.2). dkim_tags_parse() splits buf into tags:
 *	a name (ALPHA *(ALPHA / DIGIT / "_")), optional FWS, '=', a value
 *	without its surrounding FWS; tags are separated by ';' and one
 *	trailing ';' is allowed. A malformed tag, a name given twice or more
 *	than DKIM_MAX_TAGS tags is MOIM_ERR_INPUT. dkim_tags_get() returns
 *	the value of a tag (not NUL-terminated, *len_out bytes; FWS inside
 *	the value kept, as b= and h= hold some) or NULL when absent.
 * OWNERSHIP
 *	Keys from dkim_key_load()/_parse() are the caller's (dkim_key_free(),
 *	which accepts NULL). Strings returned and *why_out are the caller's
 *	(g_free). msg and buf are borrowed; struct dkim_tags points into
 *	buf, valid while buf is. a's strings are borrowed.
 * INPUT AND LIMITS
 *	msg, buf and TXT records are untrusted. Header fields over
 *	MOIM_MAX_HEADER_FIELD bytes or more than MOIM_MAX_HEADER_FIELDS of
 *	them, an h= of more than DKIM_MAX_SIGNED names, tag lists over
 *	DKIM_MAX_TAGS and key records over DKIM_MAX_KEY_RECORD bytes are
 *	refused (DKIM_PERMERROR, MOIM_ERR_INPUT). A message over
 *	MOIM_MAX_MESSAGE bytes is refused by dkim_sign() (MOIM_ERR_INPUT).
 *	Names and values written into a field (d, s, header names) must be
 *	printable ASCII without ';' or blanks: else MOIM_ERR_INPUT.
 * THREADS
 *	No shared state; a struct dkim_key may be used by several threads
 *	at once (each signature makes its own EVP_MD_CTX).
 * ERRORS
 *	dkim_key_*: MOIM_ERR_CONFIG (bad file, bad key), MOIM_ERR_TEMP when
 *	the file cannot be read for a reason that may pass. dkim_sign():
 *	MOIM_ERR_INPUT for bad arguments or message, MOIM_ERR_INTERNAL when
 *	libcrypto fails. dkim_verify() does not fail: every outcome is a
 *	result.
 * SEE ALSO
 *	RFC 6376 (DKIM) 3.2, 3.4, 3.5, 3.7, 5.4, 6.1; RFC 8463 (Ed25519);
 *	RFC 8301 (RSA key sizes); lib/arc, lib/dns, lib/rawhdr.
 */
#ifndef MOIM_DKIM_H
#define MOIM_DKIM_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dns.h"
#include "limits.h"

/* base64 of a SHA-256 digest: 44 characters and a NUL. */
#define DKIM_BH_SIZE 45

enum dkim_alg {
	DKIM_ALG_RSA_SHA256,
	DKIM_ALG_ED25519_SHA256,
};

enum dkim_canon {
	DKIM_CANON_SIMPLE,
	DKIM_CANON_RELAXED,
};

enum dkim_result {
	DKIM_NONE,
	DKIM_PASS,
	DKIM_FAIL,
	DKIM_PERMERROR,
	DKIM_TEMPERROR,
};

struct dkim_key;

struct dkim_sign_args {
	const struct dkim_key *key;
	const char *domain; /* d= */
	const char *selector; /* s= */
	const char *const *headers; /* h=, NULL-terminated, as given */
	gint64 t; /* t= in Unix seconds; < 0 for none */
	const char *bh; /* dkim_body_hash(RELAXED) of msg's body, or NULL */
};

struct dkim_tag {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct dkim_tags {
	size_t n;
	struct dkim_tag tag[DKIM_MAX_TAGS];
};

struct dkim_key *dkim_key_load(const char *path, GError **err);
struct dkim_key *dkim_key_parse(const char *pem, size_t len, GError **err);
void dkim_key_free(struct dkim_key *k);
enum dkim_alg dkim_key_alg(const struct dkim_key *k);
int dkim_key_bits(const struct dkim_key *k);
char *dkim_key_txt(const struct dkim_key *k);

void dkim_canon_header(
    enum dkim_canon c, const char *field, size_t len, GString *out);
void dkim_canon_body(
    enum dkim_canon c, const char *body, size_t len, GString *out);
void dkim_body_hash(
    enum dkim_canon c, const char *body, size_t len, char bh_out[DKIM_BH_SIZE]);

char *dkim_sign(
    const struct dkim_sign_args *a, const char *msg, size_t len, GError **err);
enum dkim_result dkim_verify(const char *msg, size_t len, size_t index,
    dns_txt_fn lookup, void *data, char **why_out);
const char *dkim_result_name(enum dkim_result r);

bool dkim_tags_parse(
    const char *buf, size_t len, struct dkim_tags *tags_out, GError **err);
const char *dkim_tags_get(
    const struct dkim_tags *t, const char *name, size_t *len_out);

#endif
