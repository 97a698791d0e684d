/*
 * arc - validate an ARC chain and seal the next ARC set (RFC 8617)
 *
 * The chain is gathered once into a table by instance (struct chain);
 * validation checks its shape, then the latest ARC-Message-Signature,
 * then every ARC-Seal from the newest down; sealing reuses the table
 * for the seal's signed data. Signatures, canonicalization and keys are
 * lib/dkim's (dkim_int.h).
 */
#include "config.h"

#include <string.h>

#include "arc.h"
#include "dkim_int.h"
#include "err.h"

/* The three fields of one instance; NULL when absent. */
struct arc_set {
	const struct dkim_hdr *aar;
	const struct dkim_hdr *ams;
	const struct dkim_hdr *as;
};

struct chain {
	struct arc_set set[ARC_MAX_INSTANCES + 1]; /* [1..count] */
	int count; /* the highest instance seen, at most MAX + 1 */
	bool has_any; /* any ARC field at all */
	const char *broken; /* why the shape is wrong, or NULL */
};

/* skip_blanks - the first offset at or after i that is not FWS */
static size_t
skip_blanks(const char *v, size_t n, size_t i)
{
	while (i < n &&
	    (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
		i++;
	return i;
}

/* instance_value - digits as an instance, ARC_MAX_INSTANCES + 1 for any
 * larger value (which only needs to stay too big), -1 for no digits */
static int
instance_value(const char *v, size_t n, size_t *i)
{
	int inst = 0;
	size_t start = *i;

	for (; *i < n && g_ascii_isdigit(v[*i]); (*i)++)
		inst = MIN(inst * 10 + (v[*i] - '0'), ARC_MAX_INSTANCES + 1);
	return *i > start ? inst : -1;
}

/* aar_instance - the i= that opens an ARC-Authentication-Results value */
static int
aar_instance(const char *v, size_t n)
{
	size_t i = skip_blanks(v, n, 0);
	int inst;

	if (i >= n || v[i] != 'i')
		return -1;
	i = skip_blanks(v, n, i + 1);
	if (i >= n || v[i] != '=')
		return -1;
	i = skip_blanks(v, n, i + 1);
	inst = instance_value(v, n, &i);
	i = skip_blanks(v, n, i);
	return i < n && v[i] == ';' && inst > 0 ? inst : -1;
}

/* sig_instance - the i= of an ARC-Seal or ARC-Message-Signature */
static int
sig_instance(const struct dkim_hdr *h)
{
	struct dkim_tags t;
	size_t n, len, i = 0;
	const char *v = dkim_hdr_value(h, &n);
	const char *iv;
	int inst;

	if (!dkim_tags_parse(v, n, &t, NULL) ||
	    (iv = dkim_tags_get(&t, "i", &len)) == NULL)
		return -1;
	inst = instance_value(iv, len, &i);
	return i == len && inst > 0 ? inst : -1;
}

/* slot_of - which of an instance's slots h fills, or NULL if no ARC field */
static const struct dkim_hdr **
slot_of(struct arc_set *s, const struct dkim_hdr *h)
{
	if (dkim_hdr_is(h, "ARC-Authentication-Results"))
		return &s->aar;
	if (dkim_hdr_is(h, "ARC-Message-Signature"))
		return &s->ams;
	if (dkim_hdr_is(h, "ARC-Seal"))
		return &s->as;
	return NULL;
}

/* instance_of - the instance of ARC field h, -1 when unreadable */
static int
instance_of(const struct dkim_hdr *h)
{
	size_t n;
	const char *v;

	if (!dkim_hdr_is(h, "ARC-Authentication-Results"))
		return sig_instance(h);
	v = dkim_hdr_value(h, &n);
	return aar_instance(v, n);
}

/* chain_add - put ARC field h in its slot */
static void
chain_add(struct chain *c, const struct dkim_hdr *h)
{
	struct arc_set scratch = {0};
	int inst;

	if (slot_of(&scratch, h) == NULL)
		return;
	c->has_any = true;
	inst = instance_of(h);
	if (inst < 1 || inst > ARC_MAX_INSTANCES) {
		c->broken = inst > ARC_MAX_INSTANCES ? "more than 50 sets"
						     : "ARC field without i=";
		c->count = MAX(c->count, inst > 0 ? inst : 0);
		return;
	}
	c->count = MAX(c->count, inst);
	if (*slot_of(&c->set[inst], h) != NULL)
		c->broken = "two ARC fields of one kind and instance";
	*slot_of(&c->set[inst], h) = h;
}

/* chain_gather - the ARC fields of m by instance */
static void
chain_gather(const struct dkim_msg *m, struct chain *c)
{
	memset(c, 0, sizeof *c);
	for (guint i = 0; i < m->hdrs->len; i++)
		chain_add(c, &g_array_index(m->hdrs, struct dkim_hdr, i));
	for (int i = 1; i <= c->count && c->broken == NULL; i++)
		if (c->set[i].aar == NULL || c->set[i].ams == NULL ||
		    c->set[i].as == NULL)
			c->broken = "an ARC set is incomplete or missing";
}

/* seal_data - the canonical sets from..upto; the last seal without its
 * b= (whose tags are last) unless last is NULL */
static void
seal_data(const struct chain *c, int from, int upto,
    const struct dkim_tags *last, GString *data)
{
	for (int i = from; i <= upto; i++) {
		const struct arc_set *s = &c->set[i];

		dkim_canon_header(
		    DKIM_CANON_RELAXED, s->aar->p, s->aar->len, data);
		dkim_canon_header(
		    DKIM_CANON_RELAXED, s->ams->p, s->ams->len, data);
		if (i < upto || last == NULL)
			dkim_canon_header(
			    DKIM_CANON_RELAXED, s->as->p, s->as->len, data);
		else
			dkim_sig_unsigned(
			    s->as, last, DKIM_CANON_RELAXED, data);
	}
}

/* seal_verifies - whether the ARC-Seal of instance i verifies */
static bool
seal_verifies(
    const struct chain *c, int i, dns_txt_fn lookup, void *data, char **why)
{
	struct dkim_tags t;
	size_t n;
	const char *v = dkim_hdr_value(c->set[i].as, &n);
	enum dkim_alg alg;
	EVP_PKEY *pub = NULL;
	g_autoptr(GString) signed_data = g_string_new(NULL);
	bool ok;

	if (!dkim_tags_parse(v, n, &t, NULL) || !dkim_alg_parse(&t, &alg) ||
	    !dkim_tag_is(&t, "cv", i == 1 ? "none" : "pass")) {
		*why =
		    g_strdup_printf("ARC-Seal i=%d malformed or cv wrong", i);
		return false;
	}
	if (dkim_key_fetch(&t, alg, lookup, data, &pub, why) != DKIM_PASS)
		return false;
	seal_data(c, 1, i, &t, signed_data);
	ok = dkim_verify_bytes(pub, alg, signed_data, &t);
	EVP_PKEY_free(pub);
	if (!ok)
		*why = g_strdup_printf("ARC-Seal i=%d does not verify", i);
	return ok;
}

/* ams_verifies - whether the ARC-Message-Signature of instance i does */
static bool
ams_verifies(const struct dkim_msg *m, const struct chain *c, int i,
    dns_txt_fn lookup, void *data, char **why)
{
	struct dkim_tags t;
	size_t n;
	const char *v = dkim_hdr_value(c->set[i].ams, &n);
	g_autofree char *inner = NULL;

	if (!dkim_tags_parse(v, n, &t, NULL)) {
		*why =
		    g_strdup_printf("ARC-Message-Signature i=%d malformed", i);
		return false;
	}
	if (dkim_check_sig(m, c->set[i].ams, &t, lookup, data, &inner) ==
	    DKIM_PASS)
		return true;
	*why = g_strdup_printf("ARC-Message-Signature i=%d: %s", i, inner);
	return false;
}

/* chain_verdict - validate a gathered chain (RFC 8617 5.2) */
static enum arc_cv
chain_verdict(const struct dkim_msg *m, const struct chain *c,
    dns_txt_fn lookup, void *data, char **why)
{
	if (!c->has_any) {
		*why = g_strdup("no ARC fields");
		return ARC_CV_NONE;
	}
	if (c->broken != NULL) {
		*why = g_strdup(c->broken);
		return ARC_CV_FAIL;
	}
	if (!ams_verifies(m, c, c->count, lookup, data, why))
		return ARC_CV_FAIL;
	for (int i = c->count; i >= 1; i--)
		if (!seal_verifies(c, i, lookup, data, why))
			return ARC_CV_FAIL;
	*why = g_strdup_printf("chain of %d sets verifies", c->count);
	return ARC_CV_PASS;
}

/* arc_validate - the cv the next seal of msg carries */
enum arc_cv
arc_validate(const char *msg, size_t len, dns_txt_fn lookup, void *data,
    int *count_out, char **why_out)
{
	struct dkim_msg m = {0};
	struct chain *c = g_new0(struct chain, 1);
	enum arc_cv cv = ARC_CV_FAIL;
	char *why = NULL;
	g_autoptr(GError) e = NULL;

	*count_out = 0;
	if (!dkim_msg_split(msg, len, &m, &e)) {
		why = g_strdup_printf("message: %s", e->message);
	} else {
		chain_gather(&m, c);
		*count_out = c->count;
		cv = chain_verdict(&m, c, lookup, data, &why);
	}
	dkim_msg_clear(&m);
	g_free(c);
	if (why_out != NULL)
		*why_out = why;
	else
		g_free(why);
	return cv;
}

/* add_key_name - the key name of field h's signature to names, once */
static void
add_key_name(const struct dkim_hdr *h, GPtrArray *names)
{
	struct dkim_tags t;
	size_t n;
	const char *v = dkim_hdr_value(h, &n);
	char *name;
	guint i;

	if (!dkim_tags_parse(v, n, &t, NULL) ||
	    (name = dkim_key_name(&t)) == NULL)
		return;
	if (g_ptr_array_find_with_equal_func(names, name, g_str_equal, &i))
		g_free(name);
	else
		g_ptr_array_add(names, name);
}

/* arc_key_names - the key names arc_validate() of msg may look up */
GPtrArray *
arc_key_names(const char *msg, size_t len)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	struct dkim_msg m = {0};
	struct chain *c = g_new0(struct chain, 1);

	if (dkim_msg_split(msg, len, &m, NULL)) {
		chain_gather(&m, c);
		if (c->broken == NULL && c->count <= ARC_MAX_INSTANCES) {
			if (c->count > 0)
				add_key_name(c->set[c->count].ams, names);
			for (int i = c->count; i >= 1; i--)
				add_key_name(c->set[i].as, names);
		}
	}
	dkim_msg_clear(&m);
	g_free(c);
	return names;
}

/* arc_cv_name - the cv= value of cv */
const char *
arc_cv_name(enum arc_cv cv)
{
	switch (cv) {
	case ARC_CV_NONE:
		return "none";
	case ARC_CV_PASS:
		return "pass";
	case ARC_CV_FAIL:
		return "fail";
	}
	return "fail";
}

/* has_line_break - whether s holds CR, LF (or is NULL) */
static bool
has_line_break(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n") != NULL;
}

/* seal_args_ok - the sealer's own arguments can go into fields, and
 * fields put on top of msg stay fields */
static bool
seal_args_ok(
    const struct arc_seal_args *a, const char *msg, size_t len, GError **err)
{
	if (!dkim_signer_ok(
		a->key, a->domain, a->selector, a->bh, msg, len, err))
		return false;
	if (dkim_key_alg(a->key) != DKIM_ALG_RSA_SHA256)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "ARC seals with RSA keys only (RFC 8617 4.1.3)");
	if (a->instance < 1 || a->instance > ARC_MAX_INSTANCES)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "instance %d outside 1..%d", a->instance,
		    ARC_MAX_INSTANCES);
	if (!dkim_is_token(a->authserv_id) ||
	    (a->results != NULL && has_line_break(a->results)))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "authserv-id or results unfit for a header field");
	return true;
}

/* make_aar - the ARC-Authentication-Results field, folded at blanks */
static char *
make_aar(const struct arc_seal_args *a, const char *eol)
{
	const char *results =
	    a->results != NULL && a->results[0] != '\0' ? a->results : "none";
	g_auto(GStrv) words = g_strsplit(results, " ", -1);
	GString *f = g_string_new(NULL);
	size_t line = 0;

	g_string_printf(f, "ARC-Authentication-Results: i=%d; %s;", a->instance,
	    a->authserv_id);
	line = f->len;
	for (size_t i = 0; words[i] != NULL; i++) {
		size_t n = strlen(words[i]);

		if (n == 0)
			continue;
		if (line + n + 1 > 76) {
			g_string_append_printf(f, "%s\t", eol);
			line = 8;
		} else {
			g_string_append_c(f, ' ');
			line++;
		}
		g_string_append(f, words[i]);
		line += n;
	}
	g_string_append(f, eol);
	return g_string_free(f, FALSE);
}

/* make_ams - the ARC-Message-Signature field */
static char *
make_ams(const struct arc_seal_args *a, const struct dkim_msg *m, GError **err)
{
	g_autoptr(GPtrArray) names = dkim_names_of(a->headers, err);
	g_autofree char *h = NULL;
	char bh[DKIM_BH_SIZE];
	GString *f;

	if (names == NULL)
		return NULL;
	if (a->bh != NULL)
		g_strlcpy(bh, a->bh, sizeof bh);
	else
		dkim_body_hash(DKIM_CANON_RELAXED, m->body, m->body_len, bh);
	h = dkim_names_tag(names);
	f = dkim_fold_start("ARC-Message-Signature:");
	dkim_fold_tagf(f, m->eol, "i=%d", a->instance);
	dkim_fold_tagf(f, m->eol, "a=%s", dkim_alg_name(dkim_key_alg(a->key)));
	dkim_fold_tagf(f, m->eol, "c=relaxed/relaxed");
	dkim_fold_tagf(f, m->eol, "d=%s", a->domain);
	dkim_fold_tagf(f, m->eol, "s=%s", a->selector);
	if (a->t >= 0)
		dkim_fold_tagf(f, m->eol, "t=%" G_GINT64_FORMAT, a->t);
	dkim_fold_tag(f, m->eol, h);
	dkim_fold_tagf(f, m->eol, "bh=%s", bh);
	dkim_fold_tagf(f, m->eol, "b=");
	return dkim_make_field(a->key, m, names, f, err);
}

/* make_as - the ARC-Seal field over the chain and the new aar and ams */
static char *
make_as(const struct arc_seal_args *a, const struct dkim_msg *m,
    const struct chain *c, const char *aar, const char *ams, GError **err)
{
	g_autoptr(GString) data = g_string_new(NULL);
	g_autoptr(GString) b64 = g_string_new(NULL);
	GString *f = dkim_fold_start("ARC-Seal:");

	dkim_fold_tagf(f, m->eol, "i=%d", a->instance);
	dkim_fold_tagf(f, m->eol, "a=%s", dkim_alg_name(dkim_key_alg(a->key)));
	if (a->t >= 0)
		dkim_fold_tagf(f, m->eol, "t=%" G_GINT64_FORMAT, a->t);
	dkim_fold_tagf(f, m->eol, "cv=%s", arc_cv_name(a->cv));
	dkim_fold_tagf(f, m->eol, "d=%s", a->domain);
	dkim_fold_tagf(f, m->eol, "s=%s", a->selector);
	dkim_fold_tagf(f, m->eol, "b=");
	/* A failed chain is sealed as if the new set were alone (5.1.2). */
	if (a->cv != ARC_CV_FAIL)
		seal_data(c, 1, a->instance - 1, NULL, data);
	dkim_canon_header(DKIM_CANON_RELAXED, aar, strlen(aar), data);
	dkim_canon_header(DKIM_CANON_RELAXED, ams, strlen(ams), data);
	dkim_canon_header(DKIM_CANON_RELAXED, f->str, f->len, data);
	g_string_truncate(data, data->len - 2);
	if (!dkim_sign_bytes(a->key, data, b64, err)) {
		g_string_free(f, TRUE);
		return NULL;
	}
	return dkim_fold_finish(f, m->eol, b64->str);
}

/* arc_seal - the three fields of the next ARC set of msg */
char *
arc_seal(
    const struct arc_seal_args *a, const char *msg, size_t len, GError **err)
{
	struct dkim_msg m = {0};
	struct chain *c = NULL;
	g_autofree char *aar = NULL;
	g_autofree char *ams = NULL;
	g_autofree char *as = NULL;
	char *fields = NULL;

	if (!seal_args_ok(a, msg, len, err) ||
	    !dkim_msg_split(msg, len, &m, err))
		return NULL;
	c = g_new0(struct chain, 1);
	chain_gather(&m, c);
	if (a->cv != ARC_CV_FAIL &&
	    (c->broken != NULL || c->count != a->instance - 1)) {
		moim_fail(err, MOIM_ERR_INPUT,
		    "cv=%s but the chain has %d sets%s", arc_cv_name(a->cv),
		    c->count, c->broken != NULL ? " and is broken" : "");
		goto out;
	}
	aar = make_aar(a, m.eol);
	ams = make_ams(a, &m, err);
	if (ams == NULL)
		goto out;
	as = make_as(a, &m, c, aar, ams, err);
	if (as != NULL)
		fields = g_strconcat(as, ams, aar, NULL);
out:
	dkim_msg_clear(&m);
	g_free(c);
	return fields;
}
