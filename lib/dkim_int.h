/*
 * dkim_int - what lib/dkim's files and lib/arc share, not for others
 *
 * DESCRIPTION
 *	A message's header split into fields (struct dkim_msg), the
 *	selection and canonicalization of the fields an h= names, the
 *	signature field with its b= value removed, signing and verifying
 *	bytes with a key, fetching a public key by lookup, and folding a
 *	field made of tags. dkim.c and arc.c build on these; dkim_key.c
 *	holds everything that touches libcrypto.
 * OWNERSHIP
 *	struct dkim_msg points into the message it was split from.
 */
#ifndef MOIM_DKIM_INT_H
#define MOIM_DKIM_INT_H

#include <openssl/evp.h>

#include "dkim.h"

/* One header field: p[0..len) is the name, colon, value and folding,
 * without the final line end. */
struct dkim_hdr {
	const char *p;
	size_t len;
	size_t name_len;
};

struct dkim_msg {
	GArray *hdrs; /* struct dkim_hdr, top first */
	const char *body;
	size_t body_len;
	const char *eol; /* "\r\n" or "\n": the line end of the first line */
};

bool dkim_msg_split(
    const char *msg, size_t len, struct dkim_msg *m_out, GError **err);
void dkim_msg_clear(struct dkim_msg *m);
bool dkim_hdr_is(const struct dkim_hdr *h, const char *name);
const char *dkim_hdr_value(const struct dkim_hdr *h, size_t *len_out);

GPtrArray *dkim_names_parse(const char *v, size_t len);
GPtrArray *dkim_names_of(const char *const *headers, GError **err);
char *dkim_names_tag(const GPtrArray *names);
void dkim_select(const struct dkim_msg *m, const GPtrArray *names,
    enum dkim_canon c, GString *data);
void dkim_sig_unsigned(const struct dkim_hdr *h, const struct dkim_tags *t,
    enum dkim_canon c, GString *data);
bool dkim_tag_is(
    const struct dkim_tags *t, const char *name, const char *value);
char *dkim_tag_dup(const struct dkim_tags *t, const char *name);
bool dkim_alg_parse(const struct dkim_tags *t, enum dkim_alg *alg_out);
const char *dkim_alg_name(enum dkim_alg alg);
bool dkim_is_token(const char *s);
bool dkim_signer_ok(const struct dkim_key *k, const char *domain,
    const char *selector, const char *bh, const char *msg, size_t len,
    GError **err);

bool dkim_sign_bytes(const struct dkim_key *k, const GString *data,
    GString *b64_out, GError **err);
bool dkim_verify_bytes(EVP_PKEY *pub, enum dkim_alg alg, const GString *data,
    const struct dkim_tags *t);
enum dkim_result dkim_check_sig(const struct dkim_msg *m,
    const struct dkim_hdr *h, const struct dkim_tags *t, dns_txt_fn lookup,
    void *data, char **why_out);
char *dkim_key_name(const struct dkim_tags *t);
enum dkim_result dkim_key_fetch(const struct dkim_tags *t, enum dkim_alg alg,
    dns_txt_fn lookup, void *data, EVP_PKEY **pub_out, char **why_out);

GString *dkim_fold_start(const char *name);
void dkim_fold_tag(GString *f, const char *eol, const char *tag);
void dkim_fold_tagf(GString *f, const char *eol, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
char *dkim_fold_finish(GString *f, const char *eol, const char *b64);
char *dkim_make_field(const struct dkim_key *k, const struct dkim_msg *m,
    const GPtrArray *names, GString *f, GError **err);

#endif
