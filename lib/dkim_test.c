/*
 * dkim_test - unit cases for lib/dkim and lib/arc: the tag-list parser,
 * RFC 6376 canonicalization, keys, the RFC 8463 signed message,
 * sign-verify round trips, ARC chains, and dkimpy (an independent
 * verifier, python3-dkim) checking what this code signs and seals
 *
 * Keys are looked up in a table (struct zone) through the dns_txt_fn
 * the modules take, so no DNS server is needed; a name with a NULL
 * record is a DNS failure. The dkimpy checks are skipped, with a
 * message, when /usr/bin/python3 cannot import dkim.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arc.h"
#include "dkim.h"
#include "dns.h"
#include "err.h"

#define ZONE_MAX 8

struct zone {
	const char *name[ZONE_MAX];
	char *txt[ZONE_MAX]; /* NULL: the lookup fails */
	size_t n;
	unsigned queries;
};

/* zone_lookup - a dns_txt_fn over a table */
static enum dns_status
zone_lookup(void *data, const char *name, GPtrArray **txt_out)
{
	struct zone *z = data;

	z->queries++;
	*txt_out = NULL;
	for (size_t i = 0; i < z->n; i++) {
		if (strcmp(z->name[i], name) != 0)
			continue;
		if (z->txt[i] == NULL)
			return DNS_FAIL;
		*txt_out = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(*txt_out, g_strdup(z->txt[i]));
		return DNS_FOUND;
	}
	return DNS_NONE;
}

static void
zone_add(struct zone *z, const char *name, const char *txt)
{
	g_assert_cmpuint(z->n, <, ZONE_MAX);
	z->name[z->n] = name;
	z->txt[z->n++] = g_strdup(txt);
}

static void
zone_clear(struct zone *z)
{
	for (size_t i = 0; i < z->n; i++)
		g_free(z->txt[i]);
	memset(z, 0, sizeof *z);
}

/* RFC 8463 Appendix A: the Ed25519 key (RFC 8032 7.1 test 1) as PKCS#8,
 * the key records, and the message signed with both algorithms. */
static const char rfc8463_ed_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc8463_ed_txt[] =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char rfc8463_rsa_txt[] =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
/* The RSA key of RFC 8463 A.1: 1024 bits, which a signer must refuse. */
static const char rfc8463_rsa_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";
#define RFC8463_HEADERS                                                        \
	"From: Joe SixPack <joe@football.example.com>\r\n"                     \
	"To: Suzie Q <suzie@shopping.example.net>\r\n"                         \
	"Subject: Is dinner ready?\r\n"                                        \
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"                      \
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
#define RFC8463_BODY                                                           \
	"Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n"
static const char rfc8463_msg[] =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    " date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n" RFC8463_HEADERS
    "\r\n" RFC8463_BODY;

/* The keys the round trips use, made once. */
static struct dkim_key *rsa_key, *ed_key;

struct tags_case {
	const char *what;
	const char *text;
	bool ok;
	size_t n;
	const char *tag; /* a tag to read, or NULL */
	const char *value;
};

static const struct tags_case tags_cases[] = {
    {"simple", "v=1; a=rsa-sha256", true, 2, "a", "rsa-sha256"},
    {"trailing ;", "v=1;", true, 1, "v", "1"},
    {"FWS around", " v \r\n\t= 1 ;\r\n s = x y ", true, 2, "s", "x y"},
    {"empty value", "p=; k=rsa", true, 2, "p", ""},
    {"b= keeps inner FWS", "b=ab\r\n cd", true, 1, "b", "ab\r\n cd"},
    {"empty list", "", true, 0, NULL, NULL},
    {"blank list", "  \r\n ", true, 0, NULL, NULL},
    {"only ;", ";", false, 0, NULL, NULL},
    {"empty tag spec", "a=1;;b=2", false, 0, NULL, NULL},
    {"duplicate", "a=1; a=2", false, 0, NULL, NULL},
    {"no =", "a=1; b", false, 0, NULL, NULL},
    {"digit first", "1a=1", false, 0, NULL, NULL},
    {"name with -", "a-b=1", false, 0, NULL, NULL},
    {"underscore", "a_b=1", true, 1, "a_b", "1"},
    {"control byte", "a=\x01", false, 0, NULL, NULL},
    {"DEL", "a=x\x7fy", false, 0, NULL, NULL},
    {"8-bit value", "a=\xea\xb0\x80", true, 1, "a", "\xea\xb0\x80"},
    {"= in value", "p=abc==", true, 1, "p", "abc=="},
    {"absent tag", "v=1", true, 1, "x", NULL},
};

/* test_tags - the RFC 6376 3.2 tag-list parser */
static void
test_tags(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tags_cases); i++) {
		const struct tags_case *c = &tags_cases[i];
		struct dkim_tags t;
		g_autoptr(GError) e = NULL;
		const char *v;
		size_t n;
		bool ok;

		g_test_message("case: %s", c->what);
		ok = dkim_tags_parse(c->text, strlen(c->text), &t, &e);
		g_assert_cmpint(ok, ==, c->ok);
		if (!ok) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			continue;
		}
		g_assert_cmpuint(t.n, ==, c->n);
		if (c->tag == NULL)
			continue;
		v = dkim_tags_get(&t, c->tag, &n);
		if (c->value == NULL) {
			g_assert_null(v);
			continue;
		}
		g_assert_nonnull(v);
		g_assert_cmpmem(v, n, c->value, strlen(c->value));
	}
}

/* test_tags_bounds - more than DKIM_MAX_TAGS tags is refused */
static void
test_tags_bounds(void)
{
	g_autoptr(GString) s = g_string_new(NULL);
	struct dkim_tags t;
	g_autoptr(GError) e = NULL;

	for (int i = 0; i < DKIM_MAX_TAGS; i++)
		g_string_append_printf(s, "t%d=x;", i);
	g_assert_true(dkim_tags_parse(s->str, s->len, &t, NULL));
	g_assert_cmpuint(t.n, ==, DKIM_MAX_TAGS);
	g_string_append(s, "one=more");
	g_assert_false(dkim_tags_parse(s->str, s->len, &t, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
}

struct canon_case {
	const char *what;
	enum dkim_canon c;
	bool is_body;
	const char *in;
	const char *out;
};

static const struct canon_case canon_cases[] = {
    /* RFC 6376 3.4.5, each header field and the body */
    {"3.4.5 relaxed A", DKIM_CANON_RELAXED, false, "A: X\r\n", "a:X\r\n"},
    {"3.4.5 relaxed B", DKIM_CANON_RELAXED, false, "B : Y\t\r\n\tZ  \r\n",
	"b:Y Z\r\n"},
    {"3.4.5 relaxed body", DKIM_CANON_RELAXED, true,
	" C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n"},
    {"3.4.5 simple A", DKIM_CANON_SIMPLE, false, "A: X\r\n", "A: X\r\n"},
    {"3.4.5 simple B", DKIM_CANON_SIMPLE, false, "B : Y\t\r\n\tZ  \r\n",
	"B : Y\t\r\n\tZ  \r\n"},
    {"3.4.5 simple body", DKIM_CANON_SIMPLE, true, " C \r\nD \t E\r\n\r\n\r\n",
	" C \r\nD \t E\r\n"},
    /* 3.4.3, 3.4.4: empty bodies */
    {"simple empty body", DKIM_CANON_SIMPLE, true, "", "\r\n"},
    {"simple blank body", DKIM_CANON_SIMPLE, true, "\r\n\r\n", "\r\n"},
    {"relaxed empty body", DKIM_CANON_RELAXED, true, "", ""},
    {"relaxed blank lines", DKIM_CANON_RELAXED, true, " \r\n\t\r\n", ""},
    /* line ends as lib/smtpc sends them */
    {"LF body", DKIM_CANON_RELAXED, true, "a\n\nb  \n\n", "a\r\n\r\nb\r\n"},
    {"no final line end", DKIM_CANON_SIMPLE, true, "a\r\nb", "a\r\nb\r\n"},
    {"bare CR", DKIM_CANON_SIMPLE, true, "a\rb\n", "a\r\nb\r\n"},
    {"inner blank lines kept", DKIM_CANON_RELAXED, true, "a\n \nb\n",
	"a\r\n\r\nb\r\n"},
    {"LF header", DKIM_CANON_RELAXED, false, "Subject:  a\n\tb\n",
	"subject:a b\r\n"},
    {"simple LF header", DKIM_CANON_SIMPLE, false, "X: a\n b",
	"X: a\r\n b\r\n"},
    {"empty value", DKIM_CANON_RELAXED, false, "X-A:   \r\n", "x-a:\r\n"},
};

/* test_canon - RFC 6376 3.4 canonicalization */
static void
test_canon(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(canon_cases); i++) {
		const struct canon_case *c = &canon_cases[i];
		g_autoptr(GString) out = g_string_new(NULL);

		g_test_message("case: %s", c->what);
		if (c->is_body)
			dkim_canon_body(c->c, c->in, strlen(c->in), out);
		else
			dkim_canon_header(c->c, c->in, strlen(c->in), out);
		g_assert_cmpstr(out->str, ==, c->out);
	}
}

/* test_body_hash - RFC 8463's bh= of RFC 6376's example body */
static void
test_body_hash(void)
{
	static const char lf[] =
	    "Hi. \n\nWe lost the game.\tAre you hungry yet?\n\nJoe.\n\n\n";
	char bh[DKIM_BH_SIZE];

	dkim_body_hash(
	    DKIM_CANON_RELAXED, RFC8463_BODY, strlen(RFC8463_BODY), bh);
	g_assert_cmpstr(bh, ==, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
	/* The same body with LF line ends and trailing blanks. */
	dkim_body_hash(DKIM_CANON_RELAXED, lf, strlen(lf), bh);
	g_assert_cmpstr(bh, ==, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

/* pem_of - a PEM text of a key libcrypto makes */
static char *
pem_of(EVP_PKEY *pkey)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	char *pem;

	g_assert_nonnull(pkey);
	g_assert_cmpint(
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL), ==,
	    1);
	n = BIO_get_mem_data(bio, &p);
	pem = g_strndup(p, (gsize)n);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return pem;
}

struct key_case {
	const char *what;
	const char *pem; /* NULL: see gen */
	const char *gen; /* "ec" for a P-256 key */
	bool ok;
	const char *why; /* in the error */
};

/* test_keys - which private keys load, and their key records */
static void
test_keys(void)
{
	g_autofree char *ec =
	    pem_of(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	const struct key_case cases[] = {
	    {"Ed25519", rfc8463_ed_pem, NULL, true, NULL},
	    {"RSA 1024", rfc8463_rsa_pem, NULL, false, "1024 bits"},
	    {"EC", ec, NULL, false, "neither RSA nor Ed25519"},
	    {"garbage", "-----BEGIN PRIVATE KEY-----\nxx\n", NULL, false,
		"not a PEM private key"},
	    {"empty", "", NULL, false, "not a PEM private key"},
	};
	g_autofree char *txt = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) e = NULL;
		struct dkim_key *k;

		g_test_message("case: %s", cases[i].what);
		k = dkim_key_parse(cases[i].pem, strlen(cases[i].pem),
		    cases[i].ok ? NULL : &e);
		g_assert_true((k != NULL) == cases[i].ok);
		if (k == NULL) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
			g_assert_nonnull(strstr(e->message, cases[i].why));
		}
		dkim_key_free(k);
	}
	txt = dkim_key_txt(ed_key);
	g_assert_cmpstr(txt, ==, rfc8463_ed_txt);
	g_clear_pointer(&txt, g_free);
	txt = dkim_key_txt(rsa_key);
	g_assert_true(g_str_has_prefix(txt, "v=DKIM1; k=rsa; p=MIIBIjAN"));
	g_assert_cmpint(dkim_key_bits(rsa_key), ==, 2048);
	g_assert_cmpint(dkim_key_alg(ed_key), ==, DKIM_ALG_ED25519_SHA256);
}

/* test_key_load - a key file that is missing is a config error */
static void
test_key_load(void)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *dir = g_dir_make_tmp("dkim_test-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "key.pem", NULL);
	struct dkim_key *k;

	g_assert_null(dkim_key_load(path, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_assert_true(g_file_set_contents(path, rfc8463_ed_pem, -1, NULL));
	k = dkim_key_load(path, NULL);
	g_assert_nonnull(k);
	dkim_key_free(k);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

struct rfc8463_case {
	const char *what;
	bool has_ed, has_rsa, fails; /* records present; lookups fail */
	const char *from, *to; /* a change to the message, or NULL */
	size_t index;
	enum dkim_result want;
};

static const struct rfc8463_case rfc8463_cases[] = {
    {"Ed25519 as signed", true, true, false, NULL, NULL, 0, DKIM_PASS},
    {"RSA as signed", true, true, false, NULL, NULL, 1, DKIM_PASS},
    {"no third", true, true, false, NULL, NULL, 2, DKIM_NONE},
    {"Ed25519 body changed", true, true, false, "Joe.", "Jim.", 0, DKIM_FAIL},
    {"RSA subject changed", true, true, false, "dinner", "lunch", 1, DKIM_FAIL},
    {"blanks changed (relaxed)", true, true, false, "Is dinner",
	"Is  \t dinner", 0, DKIM_PASS},
    {"an oversigned Subject added", true, true, false, "\r\n\r\nHi.",
	"\r\nSubject: more\r\n\r\nHi.", 0, DKIM_FAIL},
    {"a Cc added (not signed)", true, true, false, "\r\n\r\nHi.",
	"\r\nCc: x@y.example\r\n\r\nHi.", 1, DKIM_PASS},
    {"no key record", false, true, false, NULL, NULL, 0, DKIM_PERMERROR},
    {"DNS fails", true, true, true, NULL, NULL, 1, DKIM_TEMPERROR},
    {"a= changed", true, true, false, "a=rsa-sha256", "a=rsa-sha1", 1,
	DKIM_PERMERROR},
    {"key of the other type", true, true, false, "s=brisbane", "s=test", 0,
	DKIM_PERMERROR},
    {"b= damaged", true, true, false, "b=/gCr", "b=/gCs", 0, DKIM_FAIL},
    {"bh= damaged", true, true, false, "bh=2jUSOH9N", "bh=2jUSOH9M", 0,
	DKIM_FAIL},
};

/* replace_once - msg with the first from replaced by to */
static GString *
replace_once(const char *msg, const char *from, const char *to)
{
	GString *s = g_string_new(msg);
	const char *p;

	if (from == NULL)
		return s;
	p = strstr(s->str, from);
	g_assert_nonnull(p);
	g_string_erase(s, p - s->str, (gssize)strlen(from));
	g_string_insert(s, p - s->str, to);
	return s;
}

/* test_rfc8463 - the signed message of RFC 8463 A.3 verifies, and what
 * breaks it */
static void
test_rfc8463(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rfc8463_cases); i++) {
		const struct rfc8463_case *c = &rfc8463_cases[i];
		struct zone z = {0};
		g_autoptr(GString) msg =
		    replace_once(rfc8463_msg, c->from, c->to);
		g_autofree char *why = NULL;
		enum dkim_result r;

		g_test_message("case: %s", c->what);
		if (c->has_ed)
			zone_add(&z, "brisbane._domainkey.football.example.com",
			    c->fails ? NULL : rfc8463_ed_txt);
		if (c->has_rsa)
			zone_add(&z, "test._domainkey.football.example.com",
			    c->fails ? NULL : rfc8463_rsa_txt);
		r = dkim_verify(
		    msg->str, msg->len, c->index, zone_lookup, &z, &why);
		g_test_message("%s: %s", dkim_result_name(r), why);
		g_assert_cmpstr(
		    dkim_result_name(r), ==, dkim_result_name(c->want));
		zone_clear(&z);
	}
}

struct record_case {
	const char *what;
	const char *from, *to; /* a change to RFC 8463's RSA key record */
	enum dkim_result want;
};

static const struct record_case record_cases[] = {
    {"as published", NULL, NULL, DKIM_PASS},
    {"for sha1 only", "k=rsa;", "k=rsa; h=sha1;", DKIM_PERMERROR},
    {"for sha1 and sha256", "k=rsa;", "k=rsa; h=sha1 : sha256;", DKIM_PASS},
    {"for another service", "k=rsa;", "k=rsa; s=tlsrpt;", DKIM_PERMERROR},
    {"for email", "k=rsa;", "k=rsa; s=email;", DKIM_PASS},
    {"without k=", "k=rsa; ", "", DKIM_PASS},
    {"of version 2", "DKIM1", "DKIM2", DKIM_PERMERROR},
    {"revoked", "p=MIGf", "x=MIGf", DKIM_PERMERROR},
    {"not a key", "p=MIGf", "p=AIGf", DKIM_PERMERROR},
    {"malformed", "k=rsa;", "k=rsa;;", DKIM_PERMERROR},
};

/* test_key_records - which key records give a key (RFC 6376 3.6.1) */
static void
test_key_records(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(record_cases); i++) {
		const struct record_case *c = &record_cases[i];
		g_autoptr(GString) rec =
		    replace_once(rfc8463_rsa_txt, c->from, c->to);
		struct zone z = {0};
		g_autofree char *why = NULL;
		enum dkim_result r;

		g_test_message("case: %s", c->what);
		zone_add(&z, "test._domainkey.football.example.com", rec->str);
		r = dkim_verify(
		    rfc8463_msg, strlen(rfc8463_msg), 1, zone_lookup, &z, &why);
		g_test_message("%s: %s", dkim_result_name(r), why);
		g_assert_cmpstr(
		    dkim_result_name(r), ==, dkim_result_name(c->want));
		zone_clear(&z);
	}
}

static const char *const list_headers[] = {"From", "Subject", "Date",
    "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
    "List-Unsubscribe", NULL};

#define LIST_POST                                                              \
	"From: Kim <kim@example.org>\n"                                        \
	"To: study@lists.example.net\n"                                        \
	"Subject: [study] =?UTF-8?B?7Iqk7YSw65SU?= this week\n"                \
	"Date: Sun, 06 Dec 2026 11:00:00 +0900\n"                              \
	"Message-ID: <a1@example.org>\n"                                       \
	"List-Id: <study.lists.example.net>\n"                                 \
	"List-Unsubscribe: <https://lists.example.net/u/abc>\n"                \
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"                  \
	"MIME-Version: 1.0\n"                                                  \
	"Content-Type: text/plain; charset=UTF-8\n"                            \
	"\n"                                                                   \
	"Wednesday  at 7.\t \n"                                                \
	"\n"                                                                   \
	"-- \n"                                                                \
	"study list footer\n"

/* crlf_of - s with every LF made CRLF */
static GString *
crlf_of(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s == '\n')
			g_string_append_c(out, '\r');
		g_string_append_c(out, *s);
	}
	return out;
}

/* signed_copy - msg with a DKIM-Signature by k (selector sel) on top */
static GString *
signed_copy(const char *msg, size_t len, struct dkim_key *k, const char *sel,
    const char *bh)
{
	struct dkim_sign_args a = {
	    k, "lists.example.net", sel, list_headers, 1780000000, bh};
	g_autoptr(GError) e = NULL;
	char *field = dkim_sign(&a, msg, len, &e);
	GString *out;

	g_assert_no_error(e);
	out = g_string_new(field);
	g_string_append_len(out, msg, (gssize)len);
	g_free(field);
	return out;
}

struct trip_case {
	const char *what;
	bool is_crlf;
	const char *from, *to; /* applied after signing */
	enum dkim_result want;
};

static const struct trip_case trip_cases[] = {
    {"LF as signed", false, NULL, NULL, DKIM_PASS},
    {"CRLF as signed", true, NULL, NULL, DKIM_PASS},
    {"Received added on top", false, "From: Kim",
	"Received: from x\n\tby y\nFrom: Kim", DKIM_PASS},
    {"LF made CRLF in transit", false, "\n", "\r\n", DKIM_PASS},
    {"subject changed", false, "this week", "next week", DKIM_FAIL},
    {"second List-Unsubscribe added", false, "MIME-Version",
	"List-Unsubscribe: <mailto:evil@example.com>\nMIME-Version", DKIM_FAIL},
    {"body changed", false, "at 7", "at 8", DKIM_FAIL},
    {"body blanks changed", false, "Wednesday  at", "Wednesday at", DKIM_PASS},
    {"body empty lines added", true, "footer\r\n", "footer\r\n\r\n\r\n",
	DKIM_PASS},
    {"From folded", false, "From: Kim", "From:\n Kim", DKIM_PASS},
};

/* round_trip - sign LIST_POST with k and verify after each change */
static void
round_trip(struct dkim_key *k, const char *sel)
{
	g_autofree char *txt = dkim_key_txt(k);
	g_autofree char *name =
	    g_strdup_printf("%s._domainkey.lists.example.net", sel);

	for (size_t i = 0; i < G_N_ELEMENTS(trip_cases); i++) {
		const struct trip_case *c = &trip_cases[i];
		g_autoptr(GString) msg =
		    c->is_crlf ? crlf_of(LIST_POST) : g_string_new(LIST_POST);
		g_autoptr(GString) s =
		    signed_copy(msg->str, msg->len, k, sel, NULL);
		g_autoptr(GString) t = replace_once(s->str, c->from, c->to);
		g_autofree char *why = NULL;
		struct zone z = {0};
		enum dkim_result r;

		g_test_message("case: %s %s", sel, c->what);
		zone_add(&z, name, txt);
		r = dkim_verify(t->str, t->len, 0, zone_lookup, &z, &why);
		g_test_message("%s: %s", dkim_result_name(r), why);
		g_assert_cmpstr(
		    dkim_result_name(r), ==, dkim_result_name(c->want));
		zone_clear(&z);
	}
}

/* test_round_trip - what dkim_sign() makes, dkim_verify() accepts */
static void
test_round_trip(void)
{
	round_trip(rsa_key, "rsa");
	round_trip(ed_key, "ed");
}

/* test_sign_fields - the field's tags, folding and the given body hash */
static void
test_sign_fields(void)
{
	g_autoptr(GString) crlf = crlf_of(LIST_POST);
	char bh[DKIM_BH_SIZE];
	const char *body = strstr(LIST_POST, "\n\n") + 2;
	g_autoptr(GString) s = NULL;
	g_autoptr(GString) wrong = NULL;
	g_autofree char *why = NULL;
	struct zone z = {0};
	g_autofree char *txt = dkim_key_txt(ed_key);
	enum dkim_result r;

	dkim_body_hash(DKIM_CANON_RELAXED, body, strlen(body), bh);
	s = signed_copy(crlf->str, crlf->len, ed_key, "ed", bh);
	g_assert_true(g_str_has_prefix(s->str,
	    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;"));
	g_assert_nonnull(strstr(s->str, "t=1780000000;"));
	g_assert_nonnull(strstr(s->str, bh));
	/* Every line of the field is within 78 columns and ends in CRLF. */
	for (const char *p = s->str; p < strstr(s->str, "\r\nFrom:");) {
		const char *e = strstr(p, "\r\n");

		g_assert_cmpint(e - p, <=, 78);
		g_assert_true(p == s->str || p[0] == '\t');
		p = e + 2;
	}
	zone_add(&z, "ed._domainkey.lists.example.net", txt);
	r = dkim_verify(s->str, s->len, 0, zone_lookup, &z, &why);
	g_assert_cmpint(r, ==, DKIM_PASS);
	/* A body hash of another body makes a signature that fails. */
	dkim_body_hash(DKIM_CANON_RELAXED, "x\n", 2, bh);
	wrong = signed_copy(crlf->str, crlf->len, ed_key, "ed", bh);
	r = dkim_verify(wrong->str, wrong->len, 0, zone_lookup, &z, NULL);
	g_assert_cmpint(r, ==, DKIM_FAIL);
	zone_clear(&z);
}

/* test_sign_refuses - arguments that cannot go into a field */
static void
test_sign_refuses(void)
{
	const char *const none[] = {NULL};
	const char *const bad[] = {"From", "Sub ject", NULL};
	const struct dkim_sign_args cases[] = {
	    {NULL, "d.example", "s", list_headers, -1, NULL},
	    {ed_key, "d.example;x=y", "s", list_headers, -1, NULL},
	    {ed_key, "d.example", "s\r\n", list_headers, -1, NULL},
	    {ed_key, "d.example", "s", none, -1, NULL},
	    {ed_key, "d.example", "s", bad, -1, NULL},
	    {ed_key, "d.example", "s", list_headers, -1, "short"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) e = NULL;

		g_assert_null(
		    dkim_sign(&cases[i], LIST_POST, strlen(LIST_POST), &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	}
	/* A header section that begins with a continuation line: the
	 * field put on top would take that line in, and not verify. */
	for (size_t i = 0; i < 2; i++) {
		static const char *const msgs[] = {
		    "\tfolded\r\nFrom: a@b\r\n\r\nx\r\n", " x\n\nbody\n"};
		struct dkim_sign_args a = {
		    ed_key, "d.example", "s", list_headers, -1, NULL};
		g_autoptr(GError) e = NULL;

		g_assert_null(dkim_sign(&a, msgs[i], strlen(msgs[i]), &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	}
}

static struct dkim_key *fwd_key; /* another forwarder's RSA key */

static const char *const arc_headers[] = {"From", "To", "Subject", "Date",
    "Message-ID", "List-Id", "MIME-Version", "Content-Type", NULL};

/* arc_zone - the keys of both sealers */
static void
arc_zone(struct zone *z)
{
	g_autofree char *lists = dkim_key_txt(rsa_key);
	g_autofree char *fwd = dkim_key_txt(fwd_key);

	zone_add(z, "arc._domainkey.lists.example.net", lists);
	zone_add(z, "fw._domainkey.fwd.example.com", fwd);
}

/* sealed - sent (received after the sealer's changes) with the next ARC
 * set on top, cv from validating received */
static GString *
sealed(const char *received, const char *sent, bool is_fwd, enum arc_cv *cv_out)
{
	struct zone z = {0};
	int count;
	enum arc_cv cv;
	struct arc_seal_args a = {is_fwd ? fwd_key : rsa_key,
	    is_fwd ? "fwd.example.com" : "lists.example.net",
	    is_fwd ? "fw" : "arc", "mx.lists.example.net",
	    "dkim=pass header.d=example.org header.s=sel; spf=pass "
	    "smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
	    arc_headers, 1780000000, 0, ARC_CV_NONE, NULL};
	g_autoptr(GError) e = NULL;
	g_autofree char *fields = NULL;
	GString *out;

	arc_zone(&z);
	cv = arc_validate(
	    received, strlen(received), zone_lookup, &z, &count, NULL);
	zone_clear(&z);
	a.instance = count + 1;
	a.cv = cv;
	fields = arc_seal(&a, sent, strlen(sent), &e);
	g_assert_no_error(e);
	out = g_string_new(fields);
	g_string_append(out, sent);
	if (cv_out != NULL)
		*cv_out = cv;
	return out;
}

/* chain_of - a post sealed by a forwarder, then by the list, which adds
 * its footer between validating and sealing */
static GString *
chain_of(void)
{
	g_autoptr(GString) one = sealed(LIST_POST, LIST_POST, true, NULL);
	g_autoptr(GString) changed =
	    replace_once(one->str, "study list footer\n",
		"study list footer\nunsubscribe: https://x.example/u\n");
	enum arc_cv cv;
	GString *two = sealed(one->str, changed->str, false, &cv);

	g_assert_cmpint(cv, ==, ARC_CV_PASS);
	return two;
}

struct arc_case {
	const char *what;
	int sets; /* 0, 1 or 2 sealed sets to start from */
	const char *from, *to; /* then this change */
	bool fails_dns;
	enum arc_cv want;
	int count;
};

static const struct arc_case arc_cases[] = {
    {"no chain", 0, NULL, NULL, false, ARC_CV_NONE, 0},
    {"one set", 1, NULL, NULL, false, ARC_CV_PASS, 1},
    {"two sets", 2, NULL, NULL, false, ARC_CV_PASS, 2},
    {"body changed after the seal", 2, "at 7", "at 8", false, ARC_CV_FAIL, 2},
    {"signed field changed", 1, "this week", "next week", false, ARC_CV_FAIL,
	1},
    {"first seal changed", 2, "ARC-Seal: i=1; a=rsa-sha256; t=1780000000",
	"ARC-Seal: i=1; a=rsa-sha256; t=1780000001", false, ARC_CV_FAIL, 2},
    {"first AAR changed", 2, "i=1; mx.lists.example.net; dkim=pass",
	"i=1; mx.lists.example.net; dkim=fail", false, ARC_CV_FAIL, 2},
    {"first AAR gone", 2, "ARC-Authentication-Results: i=1", "X-Gone: i=1",
	false, ARC_CV_FAIL, 2},
    {"instance renumbered", 1, "ARC-Seal: i=1", "ARC-Seal: i=2", false,
	ARC_CV_FAIL, 2},
    {"cv=pass at i=1", 1, "cv=none", "cv=pass", false, ARC_CV_FAIL, 1},
    {"instance 51", 0, "From: Kim",
	"ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=x; s=y; b=AAAA\nFrom: Kim",
	false, ARC_CV_FAIL, 51},
    {"instance 99 in an AAR", 0, "From: Kim",
	"ARC-Authentication-Results: i=099; x; none\nFrom: Kim", false,
	ARC_CV_FAIL, 51},
    {"instance 10^30", 0, "From: Kim",
	"ARC-Seal: i=1000000000000000000000000000000; cv=none\nFrom: Kim",
	false, ARC_CV_FAIL, 51},
    {"instance 0", 0, "From: Kim", "ARC-Seal: i=0; cv=none\nFrom: Kim", false,
	ARC_CV_FAIL, 0},
    {"an AS without i=", 0, "From: Kim",
	"ARC-Seal: a=rsa-sha256; cv=none; d=x; s=y; b=AAAA\nFrom: Kim", false,
	ARC_CV_FAIL, 0},
    {"keys not found in time", 2, NULL, NULL, true, ARC_CV_FAIL, 2},
};

/* test_arc_validate - chains this code seals, and how they break */
static void
test_arc_validate(void)
{
	g_autoptr(GString) one = sealed(LIST_POST, LIST_POST, false, NULL);
	g_autoptr(GString) two = chain_of();
	const char *start[] = {LIST_POST, one->str, two->str};

	for (size_t i = 0; i < G_N_ELEMENTS(arc_cases); i++) {
		const struct arc_case *c = &arc_cases[i];
		g_autoptr(GString) msg =
		    replace_once(start[c->sets], c->from, c->to);
		g_autofree char *why = NULL;
		struct zone z = {0};
		int count;
		enum arc_cv cv;

		g_test_message("case: %s", c->what);
		if (c->fails_dns) {
			zone_add(&z, "arc._domainkey.lists.example.net", NULL);
			zone_add(&z, "fw._domainkey.fwd.example.com", NULL);
		} else {
			arc_zone(&z);
		}
		cv = arc_validate(
		    msg->str, msg->len, zone_lookup, &z, &count, &why);
		g_test_message("%s (%d): %s", arc_cv_name(cv), count, why);
		g_assert_cmpstr(arc_cv_name(cv), ==, arc_cv_name(c->want));
		g_assert_cmpint(count, ==, c->count);
		zone_clear(&z);
	}
}

struct recorder {
	struct zone z;
	GPtrArray *asked; /* of char *, each once */
};

/* record_lookup - zone_lookup() noting each name asked */
static enum dns_status
record_lookup(void *data, const char *name, GPtrArray **txt_out)
{
	struct recorder *r = data;
	guint i;

	if (!g_ptr_array_find_with_equal_func(r->asked, name, g_str_equal, &i))
		g_ptr_array_add(r->asked, g_strdup(name));
	return zone_lookup(&r->z, name, txt_out);
}

/* by_text - g_ptr_array_sort()'s order of strings */
static gint
by_text(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted_names - the names of a as one sorted string */
static char *
sorted_names(GPtrArray *a)
{
	g_ptr_array_sort(a, by_text);
	g_ptr_array_add(a, NULL);
	return g_strjoinv(" ", (char **)a->pdata);
}

/* test_arc_key_names - the keys asked ahead are the keys validation
 * fetches */
static void
test_arc_key_names(void)
{
	g_autoptr(GString) one = sealed(LIST_POST, LIST_POST, false, NULL);
	g_autoptr(GString) two = chain_of();
	const struct {
		const char *msg;
		const char *names;
	} cases[] = {
	    {LIST_POST, ""},
	    {one->str, "arc._domainkey.lists.example.net"},
	    {two->str,
		"arc._domainkey.lists.example.net fw._domainkey.fwd.example.com"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) names =
		    arc_key_names(cases[i].msg, strlen(cases[i].msg));
		struct recorder r = {0};
		g_autofree char *want = sorted_names(names), *got = NULL;
		int count;

		r.asked = g_ptr_array_new_with_free_func(g_free);
		arc_zone(&r.z);
		(void)arc_validate(cases[i].msg, strlen(cases[i].msg),
		    record_lookup, &r, &count, NULL);
		got = sorted_names(r.asked);
		g_assert_cmpstr(want, ==, cases[i].names);
		g_assert_cmpstr(got, ==, cases[i].names);
		zone_clear(&r.z);
		g_ptr_array_unref(r.asked);
	}
}

/* test_arc_seal_fail - a broken chain is sealed with cv=fail over the new
 * set alone, and the result validates as fail, never as an error */
static void
test_arc_seal_fail(void)
{
	g_autoptr(GString) two = chain_of();
	g_autoptr(GString) broken = replace_once(two->str, "at 7", "at 9");
	enum arc_cv cv;
	g_autoptr(GString) three = sealed(broken->str, broken->str, false, &cv);
	struct zone z = {0};
	int count;

	g_assert_cmpint(cv, ==, ARC_CV_FAIL);
	g_assert_true(g_str_has_prefix(three->str, "ARC-Seal: i=3;"));
	g_assert_nonnull(strstr(three->str, "cv=fail"));
	arc_zone(&z);
	cv =
	    arc_validate(three->str, three->len, zone_lookup, &z, &count, NULL);
	g_assert_cmpint(cv, ==, ARC_CV_FAIL);
	g_assert_cmpint(count, ==, 3);
	zone_clear(&z);
}

/* test_arc_seal_refuses - arguments a seal cannot be made from */
static void
test_arc_seal_refuses(void)
{
	g_autoptr(GString) one = sealed(LIST_POST, LIST_POST, false, NULL);
	struct arc_seal_args ok = {rsa_key, "lists.example.net", "arc",
	    "mx.example", NULL, arc_headers, -1, 2, ARC_CV_PASS, NULL};
	struct arc_seal_args cases[8];
	g_autofree char *fields = NULL;
	g_autoptr(GString) cont = g_string_new(one->str);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		cases[i] = ok;
	cases[0].key = ed_key;
	cases[1].instance = ARC_MAX_INSTANCES + 1;
	cases[2].instance = 3; /* the chain has one set */
	cases[3].authserv_id = "mx.example\r\nBcc: x";
	cases[4].results = "dkim=pass\r\nBcc: x";
	cases[5].headers = NULL;
	cases[6].domain = "";
	/* case 7: the message begins with a continuation line */
	g_string_prepend(cont, "\tcontinued\r\n");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const GString *m = i == 7 ? cont : one;
		g_autoptr(GError) e = NULL;

		g_test_message("case: %zu", i);
		g_assert_null(arc_seal(&cases[i], m->str, m->len, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	}
	/* With results NULL the AAR says none. */
	fields = arc_seal(&ok, one->str, one->len, NULL);
	g_assert_nonnull(fields);
	g_assert_nonnull(strstr(
	    fields, "ARC-Authentication-Results: i=2; mx.example; none"));
}

/* python - the python3 that has dkimpy, or NULL */
static const char *
python(void)
{
	const char *argv[] = {"/usr/bin/python3", "-c", "import dkim", NULL};
	gint status = 1;

	if (!g_spawn_sync(NULL, (char **)argv, NULL,
		G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
		NULL, NULL, NULL, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL))
		return NULL;
	return argv[0];
}

/* What dkimpy says of a message: "dkim N" verifies the N-th signature,
 * "arc" validates the chain; keys come from the zone file, a line each. */
static const char dkimpy_script[] =
    "import sys, dkim\n"
    "msg = open(sys.argv[1], 'rb').read()\n"
    "zone = dict(l.rstrip(b'\\n').split(b' ', 1)\n"
    "            for l in open(sys.argv[2], 'rb'))\n"
    "def dnsfunc(name, timeout=5):\n"
    "    return zone.get(name.rstrip(b'.'))\n"
    "if sys.argv[3] == 'arc':\n"
    "    cv, res, why = dkim.arc_verify(msg, dnsfunc=dnsfunc)\n"
    "    print(cv.decode(), why)\n"
    "else:\n"
    "    d = dkim.DKIM(msg)\n"
    "    ok = d.verify(idx=int(sys.argv[4]), dnsfunc=dnsfunc)\n"
    "    print('pass' if ok else 'fail')\n";

/* dkimpy - dkimpy's first word on msg */
static char *
dkimpy(const char *py, const GString *msg, const char *mode, const char *idx)
{
	g_autofree char *dir = g_dir_make_tmp("dkim_test-XXXXXX", NULL);
	g_autofree char *mpath = g_build_filename(dir, "msg", NULL);
	g_autofree char *zpath = g_build_filename(dir, "zone", NULL);
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	g_autofree char *zone = NULL;
	g_autofree char *a = dkim_key_txt(rsa_key);
	g_autofree char *b = dkim_key_txt(ed_key);
	g_autofree char *c = dkim_key_txt(fwd_key);
	const char *argv[] = {
	    py, "-c", dkimpy_script, mpath, zpath, mode, idx, NULL};
	gint status;

	zone = g_strdup_printf("rsa._domainkey.lists.example.net %s\n"
			       "arc._domainkey.lists.example.net %s\n"
			       "ed._domainkey.lists.example.net %s\n"
			       "fw._domainkey.fwd.example.com %s\n",
	    a, a, b, c);
	g_assert_true(
	    g_file_set_contents(mpath, msg->str, (gssize)msg->len, NULL));
	g_assert_true(g_file_set_contents(zpath, zone, -1, NULL));
	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
	    &out, &errs, &status, NULL));
	g_test_message("dkimpy %s: %s%s", mode, out, errs);
	g_assert_cmpint(g_unlink(mpath), ==, 0);
	g_assert_cmpint(g_unlink(zpath), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	return g_strndup(out, strcspn(out, " \n"));
}

/* test_dkimpy - an independent verifier accepts what this code signs and
 * seals, and refuses it once changed */
static void
test_dkimpy(void)
{
	const char *py = python();
	g_autoptr(GString) lf = g_string_new(LIST_POST);
	g_autoptr(GString) crlf = crlf_of(LIST_POST);
	g_autoptr(GString) rsa =
	    signed_copy(crlf->str, crlf->len, rsa_key, "rsa", NULL);
	g_autoptr(GString) both =
	    signed_copy(rsa->str, rsa->len, ed_key, "ed", NULL);
	g_autoptr(GString) two = chain_of();
	g_autoptr(GString) bad = replace_once(two->str, "at 7", "at 8");
	g_autoptr(GString) bad_seal =
	    replace_once(two->str, "ARC-Seal: i=1; a=rsa-sha256; t=1780000000",
		"ARC-Seal: i=1; a=rsa-sha256; t=1780000009");
	g_autoptr(GString) lf_signed =
	    signed_copy(lf->str, lf->len, ed_key, "ed", NULL);
	g_autoptr(GString) one = sealed(LIST_POST, LIST_POST, false, NULL);
	const struct {
		const GString *msg;
		const char *mode, *idx, *want;
	} cases[] = {
	    {rsa, "dkim", "0", "pass"},
	    {both, "dkim", "0", "pass"}, /* Ed25519, on top */
	    {both, "dkim", "1", "pass"}, /* RSA below it */
	    {lf_signed, "dkim", "0", "pass"},
	    {one, "arc", "0", "pass"},
	    {two, "arc", "0", "pass"},
	    {bad, "arc", "0", "fail"},
	    {bad_seal, "arc", "0", "fail"},
	};

	if (py == NULL) {
		g_test_skip("no /usr/bin/python3 with dkim (python3-dkim)");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *said =
		    dkimpy(py, cases[i].msg, cases[i].mode, cases[i].idx);

		g_test_message("case %zu", i);
		g_assert_cmpstr(said, ==, cases[i].want);
	}
}

/* key_of - a new key of a type, loaded as a user's PEM file would be */
static struct dkim_key *
key_of(EVP_PKEY *pkey)
{
	g_autofree char *pem = pem_of(pkey);
	g_autoptr(GError) e = NULL;
	struct dkim_key *k = dkim_key_parse(pem, strlen(pem), &e);

	g_assert_no_error(e);
	return k;
}

/* main - make the keys, register and run the tests */
int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	rsa_key = key_of(EVP_RSA_gen(2048));
	fwd_key = key_of(EVP_RSA_gen(2048));
	ed_key = dkim_key_parse(rfc8463_ed_pem, strlen(rfc8463_ed_pem), NULL);
	g_test_add_func("/dkim/tags", test_tags);
	g_test_add_func("/dkim/tags-bounds", test_tags_bounds);
	g_test_add_func("/dkim/canon", test_canon);
	g_test_add_func("/dkim/body-hash", test_body_hash);
	g_test_add_func("/dkim/keys", test_keys);
	g_test_add_func("/dkim/key-load", test_key_load);
	g_test_add_func("/dkim/rfc8463", test_rfc8463);
	g_test_add_func("/dkim/key-records", test_key_records);
	g_test_add_func("/dkim/round-trip", test_round_trip);
	g_test_add_func("/dkim/sign-fields", test_sign_fields);
	g_test_add_func("/dkim/sign-refuses", test_sign_refuses);
	g_test_add_func("/arc/validate", test_arc_validate);
	g_test_add_func("/arc/key_names", test_arc_key_names);
	g_test_add_func("/arc/seal-fail", test_arc_seal_fail);
	g_test_add_func("/arc/seal-refuses", test_arc_seal_refuses);
	g_test_add_func("/dkim/dkimpy", test_dkimpy);
	rc = g_test_run();
	dkim_key_free(rsa_key);
	dkim_key_free(fwd_key);
	dkim_key_free(ed_key);
	return rc;
}
