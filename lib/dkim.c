/*
 * dkim - DKIM canonicalization, signing and verifying (RFC 6376)
 *
 * Four parts: the tag-list parser (pure, fuzzed), the header split and
 * canonicalization (RFC 6376 3.4), the making and folding of a signature
 * field, and verifying one. Everything that touches libcrypto is in
 * dkim_key.c; lib/arc builds on the helpers of dkim_int.h.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <openssl/evp.h>

#include "dkim.h"
#include "dkim_int.h"
#include "err.h"

/* Folded fields stay within this many columns where a tag allows. */
#define FOLD_AT 76

typedef void (*sink_fn)(void *ctx, const char *p, size_t n);

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_fws(char c)
{
	return is_wsp(c) || c == '\r' || c == '\n';
}

/* skip_fws - the first offset at or after i that is not FWS */
static size_t
skip_fws(const char *buf, size_t len, size_t i)
{
	while (i < len && is_fws(buf[i]))
		i++;
	return i;
}

/* tag_name_end - the end of the tag name at i, or i when there is none */
static size_t
tag_name_end(const char *buf, size_t len, size_t i)
{
	size_t j = i;

	if (j >= len || !g_ascii_isalpha(buf[j]))
		return i;
	while (j < len && (g_ascii_isalnum(buf[j]) || buf[j] == '_'))
		j++;
	return j;
}

/* has_tag - whether t already has a tag called name[0..n) */
static bool
has_tag(const struct dkim_tags *t, const char *name, size_t n)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->tag[i].name_len == n &&
		    memcmp(t->tag[i].name, name, n) == 0)
			return true;
	return false;
}

/* tag_value - the value from i to the next ';': end at *end_out */
static bool
tag_value(const char *buf, size_t len, size_t i, struct dkim_tag *tag,
    size_t *end_out)
{
	size_t last = i;

	tag->value = buf + i;
	for (; i < len && buf[i] != ';'; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 && !is_fws((char)c))
			return false;
		if (c == 0x7f)
			return false;
		if (!is_fws((char)c))
			last = i + 1;
	}
	tag->value_len = last > (size_t)(tag->value - buf)
	    ? last - (size_t)(tag->value - buf)
	    : 0;
	*end_out = i;
	return true;
}

/* tag_spec - one tag at i; *next_out after its ';' or at len */
static bool
tag_spec(const char *buf, size_t len, size_t i, struct dkim_tags *t,
    size_t *next_out, GError **err)
{
	struct dkim_tag tag;
	size_t j = tag_name_end(buf, len, i);

	if (j == i)
		return moim_fail(err, MOIM_ERR_INPUT, "bad tag name at %zu", i);
	tag.name = buf + i;
	tag.name_len = j - i;
	if (has_tag(t, tag.name, tag.name_len))
		return moim_fail(err, MOIM_ERR_INPUT, "tag %.*s given twice",
		    (int)tag.name_len, tag.name);
	if (t->n == DKIM_MAX_TAGS)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "more than %d tags", DKIM_MAX_TAGS);
	j = skip_fws(buf, len, j);
	if (j >= len || buf[j] != '=')
		return moim_fail(err, MOIM_ERR_INPUT, "no '=' after tag %.*s",
		    (int)tag.name_len, tag.name);
	j = skip_fws(buf, len, j + 1);
	if (!tag_value(buf, len, j, &tag, &j))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "control character in tag %.*s", (int)tag.name_len,
		    tag.name);
	t->tag[t->n++] = tag;
	*next_out = j < len ? j + 1 : len;
	return true;
}

/* dkim_tags_parse - split a tag list (RFC 6376 3.2) */
bool
dkim_tags_parse(
    const char *buf, size_t len, struct dkim_tags *tags_out, GError **err)
{
	size_t i = 0;

	tags_out->n = 0;
	for (;;) {
		i = skip_fws(buf, len, i);
		if (i == len &&
		    (tags_out->n > 0 || len == 0 || buf[len - 1] != ';'))
			return true;
		if (!tag_spec(buf, len, i, tags_out, &i, err))
			return false;
	}
}

/* dkim_tags_get - the value of tag name, or NULL */
const char *
dkim_tags_get(const struct dkim_tags *t, const char *name, size_t *len_out)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < t->n; i++) {
		if (t->tag[i].name_len == n &&
		    memcmp(t->tag[i].name, name, n) == 0) {
			*len_out = t->tag[i].value_len;
			return t->tag[i].value;
		}
	}
	return NULL;
}

/* dkim_tag_is - whether tag name is value (ASCII case ignored) */
bool
dkim_tag_is(const struct dkim_tags *t, const char *name, const char *value)
{
	size_t n;
	const char *v = dkim_tags_get(t, name, &n);

	return v != NULL && n == strlen(value) &&
	    g_ascii_strncasecmp(v, value, n) == 0;
}

/* dkim_tag_dup - a copy of tag name's value, NULL if absent or holds NUL */
char *
dkim_tag_dup(const struct dkim_tags *t, const char *name)
{
	size_t n;
	const char *v = dkim_tags_get(t, name, &n);

	if (v == NULL || memchr(v, '\0', n) != NULL)
		return NULL;
	return g_strndup(v, n);
}

/* dkim_is_token - printable ASCII without ';', ':', blanks or '=' */
bool
dkim_is_token(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > MOIM_MAX_DOMAIN)
		return false;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr(";:=", *s) != NULL)
			return false;
	return true;
}

/* line_end - the length of the line end at p[0..n) (CRLF, LF, CR), or 0 */
static size_t
line_end(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (p[0] == '\n')
		return 1;
	if (p[0] == '\r')
		return n > 1 && p[1] == '\n' ? 2 : 1;
	return 0;
}

/* next_line - the length of the line at i without its end; *eol_out the
 * length of the end (0 at the end of the buffer) */
static size_t
next_line(const char *buf, size_t len, size_t i, size_t *eol_out)
{
	size_t j = i;

	while (j < len && buf[j] != '\r' && buf[j] != '\n')
		j++;
	*eol_out = line_end(buf + j, len - j);
	return j - i;
}

/* field_name_len - the length of the name before the colon, or 0 */
static size_t
field_name_len(const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);
	size_t k;

	if (colon == NULL)
		return 0;
	k = (size_t)(colon - p);
	while (k > 0 && is_wsp(p[k - 1]))
		k--;
	for (size_t i = 0; i < k; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return 0;
	return k;
}

/* add_field - add the field at msg[start..end) to m, if it is one */
static bool
add_field(
    struct dkim_msg *m, const char *msg, size_t start, size_t end, GError **err)
{
	struct dkim_hdr h = {msg + start, end - start, 0};

	if (h.len > MOIM_MAX_HEADER_FIELD)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "header field over %d bytes", MOIM_MAX_HEADER_FIELD);
	h.name_len = field_name_len(h.p, h.len);
	if (h.name_len == 0)
		return true;
	if (m->hdrs->len == MOIM_MAX_HEADER_FIELDS)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "more than %d header fields", MOIM_MAX_HEADER_FIELDS);
	g_array_append_val(m->hdrs, h);
	return true;
}

/* dkim_msg_split - split msg into header fields and body */
bool
dkim_msg_split(
    const char *msg, size_t len, struct dkim_msg *m_out, GError **err)
{
	size_t i = 0, start = 0, end = 0, n, eol;
	bool has_field = false;

	m_out->hdrs = g_array_new(FALSE, FALSE, sizeof(struct dkim_hdr));
	(void)next_line(msg, len, 0, &eol);
	m_out->eol = eol == 2 ? "\r\n" : "\n";
	m_out->body = msg + len;
	m_out->body_len = 0;
	for (; i < len; i += n + eol) {
		n = next_line(msg, len, i, &eol);
		if (n > 0 && is_wsp(msg[i])) {
			/* A continuation; before the first field, nothing. */
			end = i + n;
			continue;
		}
		if (has_field && !add_field(m_out, msg, start, end, err))
			goto fail;
		has_field = n > 0;
		start = i;
		end = i + n;
		if (n == 0) {
			m_out->body = msg + i + eol;
			m_out->body_len = len - i - eol;
			return true;
		}
	}
	if (has_field && !add_field(m_out, msg, start, end, err))
		goto fail;
	return true;
fail:
	dkim_msg_clear(m_out);
	return false;
}

/* dkim_msg_clear - free what dkim_msg_split() made */
void
dkim_msg_clear(struct dkim_msg *m)
{
	if (m->hdrs != NULL)
		g_array_unref(m->hdrs);
	m->hdrs = NULL;
}

/* dkim_hdr_is - whether h is called name (ASCII case ignored) */
bool
dkim_hdr_is(const struct dkim_hdr *h, const char *name)
{
	return h->name_len == strlen(name) &&
	    g_ascii_strncasecmp(h->p, name, h->name_len) == 0;
}

/* dkim_hdr_value - the bytes after h's colon */
const char *
dkim_hdr_value(const struct dkim_hdr *h, size_t *len_out)
{
	const char *colon = memchr(h->p, ':', h->len);

	*len_out = h->len - (size_t)(colon + 1 - h->p);
	return colon + 1;
}

/* canon_relaxed_value - a value unfolded, blanks squeezed and trimmed */
static void
canon_relaxed_value(const char *v, size_t n, GString *out)
{
	bool pending_space = false, has_text = false;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\r' || v[i] == '\n')
			continue;
		if (is_wsp(v[i])) {
			pending_space = has_text;
			continue;
		}
		if (pending_space)
			g_string_append_c(out, ' ');
		pending_space = false;
		has_text = true;
		g_string_append_c(out, v[i]);
	}
}

/* canon_simple - p with every line end made CRLF */
static void
canon_simple(const char *p, size_t n, GString *out)
{
	for (size_t i = 0; i < n; i++) {
		size_t e = line_end(p + i, n - i);

		if (e == 0) {
			g_string_append_c(out, p[i]);
			continue;
		}
		g_string_append(out, "\r\n");
		i += e - 1;
	}
}

/* dkim_canon_header - append one field canonicalized, ending in CRLF */
void
dkim_canon_header(
    enum dkim_canon c, const char *field, size_t len, GString *out)
{
	const char *colon;
	size_t name_len;

	while (len > 0 && (field[len - 1] == '\n' || field[len - 1] == '\r'))
		len--;
	if (c == DKIM_CANON_SIMPLE) {
		canon_simple(field, len, out);
		g_string_append(out, "\r\n");
		return;
	}
	colon = memchr(field, ':', len);
	name_len = colon != NULL ? (size_t)(colon - field) : len;
	while (name_len > 0 && is_fws(field[name_len - 1]))
		name_len--;
	for (size_t i = 0; i < name_len; i++)
		g_string_append_c(out, g_ascii_tolower(field[i]));
	g_string_append_c(out, ':');
	if (colon != NULL)
		canon_relaxed_value(
		    colon + 1, len - (size_t)(colon + 1 - field), out);
	g_string_append(out, "\r\n");
}

/* emit_lines - n empty lines: CRLFs held back until text follows */
static void
emit_lines(sink_fn sink, void *ctx, size_t n)
{
	static const char crlfs[] = "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

	while (n > 0) {
		size_t k = MIN(n, (sizeof crlfs - 1) / 2);

		sink(ctx, crlfs, 2 * k);
		n -= k;
	}
}

/* relaxed_line - emit one body line with blanks squeezed and trimmed;
 * whether it had any text */
static bool
relaxed_line(const char *p, size_t n, size_t *empty, sink_fn sink, void *ctx)
{
	size_t i = 0, run;

	while (n > 0 && is_wsp(p[n - 1]))
		n--;
	if (n == 0)
		return false;
	emit_lines(sink, ctx, *empty);
	*empty = 0;
	while (i < n) {
		for (run = i; run < n && !is_wsp(p[run]); run++)
			;
		sink(ctx, p + i, run - i);
		if (run == n)
			break;
		sink(ctx, " ", 1);
		for (i = run; i < n && is_wsp(p[i]); i++)
			;
	}
	return true;
}

/* canon_body - feed the canonical body to sink (RFC 6376 3.4.3, 3.4.4) */
static void
canon_body(
    enum dkim_canon c, const char *body, size_t len, sink_fn sink, void *ctx)
{
	size_t i = 0, n, eol, empty = 0;
	bool has_text = false;

	while (i < len) {
		n = next_line(body, len, i, &eol);
		if (c == DKIM_CANON_RELAXED) {
			if (relaxed_line(body + i, n, &empty, sink, ctx))
				sink(ctx, "\r\n", 2), has_text = true;
			else
				empty++;
		} else if (n == 0) {
			empty++;
		} else {
			emit_lines(sink, ctx, empty);
			empty = 0;
			sink(ctx, body + i, n);
			sink(ctx, "\r\n", 2);
			has_text = true;
		}
		i += n + eol;
	}
	/* An empty simple body is one CRLF; an empty relaxed one nothing. */
	if (c == DKIM_CANON_SIMPLE && !has_text)
		sink(ctx, "\r\n", 2);
}

static void
sink_gstring(void *ctx, const char *p, size_t n)
{
	g_string_append_len(ctx, p, (gssize)n);
}

/* dkim_canon_body - append the canonical body */
void
dkim_canon_body(enum dkim_canon c, const char *body, size_t len, GString *out)
{
	canon_body(c, body, len, sink_gstring, out);
}

/* A digest of the canonical body, of its first limit bytes when has_limit. */
struct body_digest {
	EVP_MD_CTX *ctx;
	bool has_limit;
	size_t limit;
};

static void
sink_digest(void *ctx, const char *p, size_t n)
{
	struct body_digest *bd = ctx;

	if (bd->has_limit) {
		n = MIN(n, bd->limit);
		bd->limit -= n;
	}
	if (n > 0 && EVP_DigestUpdate(bd->ctx, p, n) != 1)
		g_error("SHA-256 failed"); /* no input can cause this */
}

/* body_hash - the base64 SHA-256 of the canonical body */
static void
body_hash(enum dkim_canon c, const char *body, size_t len, bool has_limit,
    size_t limit, char bh_out[DKIM_BH_SIZE])
{
	struct body_digest bd = {EVP_MD_CTX_new(), has_limit, limit};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	g_autofree char *b64 = NULL;

	if (bd.ctx == NULL ||
	    EVP_DigestInit_ex(bd.ctx, EVP_sha256(), NULL) != 1)
		g_error("SHA-256 failed"); /* only when out of memory */
	canon_body(c, body, len, sink_digest, &bd);
	if (EVP_DigestFinal_ex(bd.ctx, md, &md_len) != 1 || md_len != 32)
		g_error("SHA-256 failed");
	EVP_MD_CTX_free(bd.ctx);
	b64 = g_base64_encode(md, md_len);
	g_strlcpy(bh_out, b64, DKIM_BH_SIZE);
}

/* dkim_body_hash - the bh= value of a body */
void
dkim_body_hash(
    enum dkim_canon c, const char *body, size_t len, char bh_out[DKIM_BH_SIZE])
{
	body_hash(c, body, len, false, 0, bh_out);
}

/* dkim_names_parse - the names of an h= value; NULL when malformed */
GPtrArray *
dkim_names_parse(const char *v, size_t len)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	size_t i = 0;

	while (i <= len) {
		const char *colon = memchr(v + i, ':', len - i);
		size_t end = colon != NULL ? (size_t)(colon - v) : len;
		size_t a = skip_fws(v, end, i), b = end;

		while (b > a && is_fws(v[b - 1]))
			b--;
		g_ptr_array_add(names, g_strndup(v + a, b - a));
		if (!dkim_is_token(names->pdata[names->len - 1]) ||
		    names->len > DKIM_MAX_SIGNED) {
			g_ptr_array_unref(names);
			return NULL;
		}
		i = end + 1;
	}
	return names;
}

/* times_before - how often names[k] appears in names[0..k) */
static guint
times_before(const GPtrArray *names, guint k)
{
	guint n = 0;

	for (guint j = 0; j < k; j++)
		if (g_ascii_strcasecmp(names->pdata[j], names->pdata[k]) == 0)
			n++;
	return n;
}

/* dkim_select - append the fields names sign, bottom-up (RFC 6376 5.4.2) */
void
dkim_select(const struct dkim_msg *m, const GPtrArray *names, enum dkim_canon c,
    GString *data)
{
	for (guint k = 0; k < names->len; k++) {
		guint skip = times_before(names, k);

		for (guint i = m->hdrs->len; i-- > 0;) {
			const struct dkim_hdr *h =
			    &g_array_index(m->hdrs, struct dkim_hdr, i);

			if (!dkim_hdr_is(h, names->pdata[k]))
				continue;
			if (skip-- > 0)
				continue;
			dkim_canon_header(c, h->p, h->len, data);
			break;
		}
	}
}

/* dkim_sig_unsigned - append signature field h with its b= value removed,
 * canonicalized, without the final CRLF (RFC 6376 3.7) */
void
dkim_sig_unsigned(const struct dkim_hdr *h, const struct dkim_tags *t,
    enum dkim_canon c, GString *data)
{
	g_autoptr(GString) f = g_string_new_len(h->p, (gssize)h->len);
	size_t b_len;
	const char *b = dkim_tags_get(t, "b", &b_len);

	if (b != NULL && b >= h->p && b + b_len <= h->p + h->len)
		g_string_erase(f, b - h->p, (gssize)b_len);
	dkim_canon_header(c, f->str, f->len, data);
	g_string_truncate(data, data->len - 2);
}

/* dkim_alg_parse - the a= of t */
bool
dkim_alg_parse(const struct dkim_tags *t, enum dkim_alg *alg_out)
{
	if (dkim_tag_is(t, "a", "rsa-sha256"))
		*alg_out = DKIM_ALG_RSA_SHA256;
	else if (dkim_tag_is(t, "a", "ed25519-sha256"))
		*alg_out = DKIM_ALG_ED25519_SHA256;
	else
		return false;
	return true;
}

/* dkim_alg_name - the a= value of alg */
const char *
dkim_alg_name(enum dkim_alg alg)
{
	return alg == DKIM_ALG_ED25519_SHA256 ? "ed25519-sha256" : "rsa-sha256";
}

/* line_len - the length of f's last line */
static size_t
line_len(const GString *f)
{
	const char *nl = strrchr(f->str, '\n');

	return nl == NULL ? f->len : f->len - (size_t)(nl + 1 - f->str);
}

/* dkim_fold_start - a field of tags begins: "NAME:" */
GString *
dkim_fold_start(const char *name)
{
	return g_string_new(name);
}

/* dkim_fold_tag - append a tag, folding before it or at its colons */
void
dkim_fold_tag(GString *f, const char *eol, const char *tag)
{
	const char *p = tag;

	g_string_append(f, f->str[f->len - 1] == ':' ? "" : ";");
	while (*p != '\0') {
		const char *colon = strchr(p, ':');
		size_t n = colon != NULL ? (size_t)(colon + 1 - p) : strlen(p);

		if (p == tag || line_len(f) + n + 1 > FOLD_AT) {
			if (line_len(f) + n + 1 > FOLD_AT)
				g_string_append_printf(f, "%s\t", eol);
			else
				g_string_append_c(f, ' ');
		}
		g_string_append_len(f, p, (gssize)n);
		p += n;
	}
}

/* dkim_fold_tagf - dkim_fold_tag() of a formatted tag */
void
dkim_fold_tagf(GString *f, const char *eol, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *tag = NULL;

	va_start(ap, fmt);
	tag = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	dkim_fold_tag(f, eol, tag);
}

/* dkim_fold_finish - append a b= value in folded pieces and the line end */
char *
dkim_fold_finish(GString *f, const char *eol, const char *b64)
{
	size_t n = strlen(b64);

	for (size_t i = 0; i < n;) {
		size_t room = FOLD_AT > line_len(f) ? FOLD_AT - line_len(f) : 0;

		if (room < 8) {
			g_string_append_printf(f, "%s\t", eol);
			continue;
		}
		room = MIN(room, n - i);
		g_string_append_len(f, b64 + i, (gssize)room);
		i += room;
	}
	g_string_append(f, eol);
	return g_string_free(f, FALSE);
}

/* dkim_make_field - sign the fields names select and f (which ends in
 * "b="), and finish f with the signature */
char *
dkim_make_field(const struct dkim_key *k, const struct dkim_msg *m,
    const GPtrArray *names, GString *f, GError **err)
{
	g_autoptr(GString) data = g_string_new(NULL);
	g_autoptr(GString) b64 = g_string_new(NULL);

	dkim_select(m, names, DKIM_CANON_RELAXED, data);
	dkim_canon_header(DKIM_CANON_RELAXED, f->str, f->len, data);
	g_string_truncate(data, data->len - 2);
	if (!dkim_sign_bytes(k, data, b64, err)) {
		g_string_free(f, TRUE);
		return NULL;
	}
	return dkim_fold_finish(f, m->eol, b64->str);
}

/* dkim_names_of - the h= names a signer gives, checked; NULL when bad */
GPtrArray *
dkim_names_of(const char *const *headers, GError **err)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (!dkim_is_token(headers[i]) || i == DKIM_MAX_SIGNED) {
			moim_fail(err, MOIM_ERR_INPUT, "bad header name list");
			g_ptr_array_unref(names);
			return NULL;
		}
		g_ptr_array_add(names, g_strdup(headers[i]));
	}
	if (names->len == 0) {
		moim_fail(err, MOIM_ERR_INPUT, "no header names to sign");
		g_clear_pointer(&names, g_ptr_array_unref);
	}
	return names;
}

/* dkim_signer_ok - a signer's own arguments can go into a field, and a
 * field put on top of msg stays one field */
bool
dkim_signer_ok(const struct dkim_key *k, const char *domain,
    const char *selector, const char *bh, const char *msg, size_t len,
    GError **err)
{
	if (k == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "no key");
	if (!dkim_is_token(domain) || !dkim_is_token(selector))
		return moim_fail(err, MOIM_ERR_INPUT, "bad domain or selector");
	if (bh != NULL && strlen(bh) != DKIM_BH_SIZE - 1)
		return moim_fail(err, MOIM_ERR_INPUT, "bad body hash");
	if (len > MOIM_MAX_MESSAGE)
		return moim_fail(err, MOIM_ERR_INPUT, "message over %d bytes",
		    MOIM_MAX_MESSAGE);
	/* A first line that continues nothing would continue our field. */
	if (len > 0 && is_wsp(msg[0]))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "header section begins with a continuation line");
	return true;
}

/* dkim_names_tag - "h=" and the names joined by ':' */
char *
dkim_names_tag(const GPtrArray *names)
{
	GString *s = g_string_new("h=");

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(
		    s, "%s%s", i > 0 ? ":" : "", (char *)names->pdata[i]);
	return g_string_free(s, FALSE);
}

/* dkim_sign - a DKIM-Signature field for msg */
char *
dkim_sign(
    const struct dkim_sign_args *a, const char *msg, size_t len, GError **err)
{
	g_autoptr(GPtrArray) names = NULL;
	g_autofree char *h = NULL;
	struct dkim_msg m = {0};
	char bh[DKIM_BH_SIZE], *field;
	GString *f;

	if (!dkim_signer_ok(
		a->key, a->domain, a->selector, a->bh, msg, len, err) ||
	    (names = dkim_names_of(a->headers, err)) == NULL ||
	    !dkim_msg_split(msg, len, &m, err))
		return NULL;
	if (a->bh != NULL)
		g_strlcpy(bh, a->bh, sizeof bh);
	else
		dkim_body_hash(DKIM_CANON_RELAXED, m.body, m.body_len, bh);
	h = dkim_names_tag(names);
	f = dkim_fold_start("DKIM-Signature:");
	dkim_fold_tagf(f, m.eol, "v=1");
	dkim_fold_tagf(f, m.eol, "a=%s", dkim_alg_name(dkim_key_alg(a->key)));
	dkim_fold_tagf(f, m.eol, "c=relaxed/relaxed");
	dkim_fold_tagf(f, m.eol, "d=%s", a->domain);
	dkim_fold_tagf(f, m.eol, "s=%s", a->selector);
	if (a->t >= 0)
		dkim_fold_tagf(f, m.eol, "t=%" G_GINT64_FORMAT, a->t);
	dkim_fold_tagf(f, m.eol, "%s", h);
	dkim_fold_tagf(f, m.eol, "bh=%s", bh);
	dkim_fold_tagf(f, m.eol, "b=");
	field = dkim_make_field(a->key, &m, names, f, err);
	dkim_msg_clear(&m);
	return field;
}

/* canon_parse - the c= of t: header and body canonicalization */
static bool
canon_parse(
    const struct dkim_tags *t, enum dkim_canon *hc_out, enum dkim_canon *bc_out)
{
	size_t n;
	const char *v = dkim_tags_get(t, "c", &n);
	g_autofree char *c = NULL;
	char *slash;

	*hc_out = *bc_out = DKIM_CANON_SIMPLE;
	if (v == NULL)
		return true;
	c = g_ascii_strdown(v, (gssize)n);
	slash = strchr(c, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (strcmp(c, "relaxed") == 0)
		*hc_out = DKIM_CANON_RELAXED;
	else if (strcmp(c, "simple") != 0)
		return false;
	if (slash == NULL || strcmp(slash, "simple") == 0)
		return true;
	*bc_out = DKIM_CANON_RELAXED;
	return strcmp(slash, "relaxed") == 0;
}

/* limit_parse - the l= of t, when there is one */
static bool
limit_parse(const struct dkim_tags *t, bool *has_out, size_t *limit_out)
{
	g_autofree char *l = dkim_tag_dup(t, "l");
	guint64 v;

	*has_out = l != NULL;
	*limit_out = 0;
	if (l == NULL)
		return true;
	if (!g_ascii_string_to_unsigned(l, 10, 0, G_MAXSIZE, &v, NULL))
		return false;
	*limit_out = (size_t)v;
	return true;
}

/* body_matches - whether t's bh= is the hash of m's body */
static bool
body_matches(const struct dkim_msg *m, const struct dkim_tags *t,
    enum dkim_canon bc, bool has_limit, size_t limit)
{
	char bh[DKIM_BH_SIZE];
	size_t n, k = 0;
	const char *v = dkim_tags_get(t, "bh", &n);

	body_hash(bc, m->body, m->body_len, has_limit, limit, bh);
	for (size_t i = 0; i < n; i++) {
		if (is_fws(v[i]))
			continue;
		if (k == sizeof bh - 1 || v[i] != bh[k])
			return false;
		k++;
	}
	return k == sizeof bh - 1;
}

/* dkim_check_sig - verify signature field h (tags t) over m */
enum dkim_result
dkim_check_sig(const struct dkim_msg *m, const struct dkim_hdr *h,
    const struct dkim_tags *t, dns_txt_fn lookup, void *data, char **why_out)
{
	enum dkim_alg alg;
	enum dkim_canon hc, bc;
	bool has_limit;
	size_t limit, n;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GString) signed_data = NULL;
	EVP_PKEY *pub = NULL;
	enum dkim_result r;
	const char *hv = dkim_tags_get(t, "h", &n);

	if (!dkim_alg_parse(t, &alg) || !canon_parse(t, &hc, &bc) ||
	    hv == NULL || (names = dkim_names_parse(hv, n)) == NULL ||
	    dkim_tags_get(t, "bh", &n) == NULL ||
	    dkim_tags_get(t, "b", &n) == NULL ||
	    !limit_parse(t, &has_limit, &limit)) {
		*why_out = g_strdup("malformed signature");
		return DKIM_PERMERROR;
	}
	if (!body_matches(m, t, bc, has_limit, limit)) {
		*why_out = g_strdup("body hash does not match");
		return DKIM_FAIL;
	}
	r = dkim_key_fetch(t, alg, lookup, data, &pub, why_out);
	if (r != DKIM_PASS)
		return r;
	signed_data = g_string_new(NULL);
	dkim_select(m, names, hc, signed_data);
	dkim_sig_unsigned(h, t, hc, signed_data);
	r = dkim_verify_bytes(pub, alg, signed_data, t) ? DKIM_PASS : DKIM_FAIL;
	EVP_PKEY_free(pub);
	*why_out = g_strdup(r == DKIM_PASS ? "signature verifies"
					   : "signature does not verify");
	return r;
}

/* nth_field - the index-th field called name, or NULL */
static const struct dkim_hdr *
nth_field(const struct dkim_msg *m, const char *name, size_t index)
{
	for (guint i = 0; i < m->hdrs->len; i++) {
		const struct dkim_hdr *h =
		    &g_array_index(m->hdrs, struct dkim_hdr, i);

		if (dkim_hdr_is(h, name) && index-- == 0)
			return h;
	}
	return NULL;
}

/* signs_from - whether h= names From, as RFC 6376 5.4 requires */
static bool
signs_from(const struct dkim_tags *t)
{
	size_t n;
	const char *v = dkim_tags_get(t, "h", &n);
	g_autoptr(GPtrArray) names = v != NULL ? dkim_names_parse(v, n) : NULL;

	for (guint i = 0; names != NULL && i < names->len; i++)
		if (g_ascii_strcasecmp(names->pdata[i], "from") == 0)
			return true;
	return false;
}

/* identity_ok - whether i=, when present, is within d= (RFC 6376 3.5) */
static bool
identity_ok(const struct dkim_tags *t)
{
	size_t n;
	g_autofree char *i = NULL;
	g_autofree char *d = dkim_tag_dup(t, "d");
	const char *at, *dom;

	if (dkim_tags_get(t, "i", &n) == NULL)
		return true;
	i = dkim_tag_dup(t, "i");
	if (i == NULL || d == NULL || (at = strrchr(i, '@')) == NULL)
		return false;
	dom = at + 1;
	n = strlen(dom);
	if (g_ascii_strcasecmp(dom, d) == 0)
		return true;
	return n > strlen(d) + 1 && dom[n - strlen(d) - 1] == '.' &&
	    g_ascii_strcasecmp(dom + n - strlen(d), d) == 0;
}

/* verify_field - the verdict on one DKIM-Signature field */
static enum dkim_result
verify_field(const struct dkim_msg *m, const struct dkim_hdr *h,
    dns_txt_fn lookup, void *data, char **why)
{
	struct dkim_tags t;
	size_t n;
	const char *v = dkim_hdr_value(h, &n);
	g_autoptr(GError) e = NULL;

	if (!dkim_tags_parse(v, n, &t, &e)) {
		*why = g_strdup_printf("tag list: %s", e->message);
		return DKIM_PERMERROR;
	}
	if (!dkim_tag_is(&t, "v", "1") || !signs_from(&t) || !identity_ok(&t) ||
	    (dkim_tags_get(&t, "q", &n) != NULL &&
		!dkim_tag_is(&t, "q", "dns/txt"))) {
		*why = g_strdup("v=, q=, i= or h= without From not acceptable");
		return DKIM_PERMERROR;
	}
	return dkim_check_sig(m, h, &t, lookup, data, why);
}

/* dkim_verify - the verdict on msg's index-th DKIM-Signature */
enum dkim_result
dkim_verify(const char *msg, size_t len, size_t index, dns_txt_fn lookup,
    void *data, char **why_out)
{
	struct dkim_msg m = {0};
	const struct dkim_hdr *h;
	enum dkim_result r = DKIM_NONE;
	char *why = NULL;
	g_autoptr(GError) e = NULL;

	if (!dkim_msg_split(msg, len, &m, &e)) {
		why = g_strdup_printf("message: %s", e->message);
		r = DKIM_PERMERROR;
	} else if ((h = nth_field(&m, "DKIM-Signature", index)) == NULL) {
		why = g_strdup("no such signature");
	} else {
		r = verify_field(&m, h, lookup, data, &why);
	}
	dkim_msg_clear(&m);
	if (why_out != NULL)
		*why_out = why;
	else
		g_free(why);
	return r;
}

/* dkim_result_name - the name of r, for logs */
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
