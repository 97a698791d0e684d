/* imipcopy - one invitation for many attendees (see imipcopy.h) */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "imipcopy.h"
#include "limits.h"
#include "mime.h"

#define IMIPCOPY_MAGIC "imipcopy1\n"
/* Markers that stand for what differs while the shared part is made. */
#define IMIPCOPY_ATTENDEE "attendee@imipcopy.invalid"
#define IMIPCOPY_TEXT "imipcopy text slot"
#define IMIPCOPY_ICS "imipcopy calendar slot"
/* head, text..calendar, calendar..calendar, tail, ref_text */
#define IMIPCOPY_FIXED 5
#define IMIPCOPY_MAX_FIELDS (IMIPCOPY_FIXED + IMIP_MAX_COMPONENTS + 2)
/* The pieces g_mime_stream_write_to_stream() (its buffer) hands a part's
 * content to the filter that picks the part's encoding in. */
#define IMIPCOPY_BLOCK 4096

struct field {
	const char *p;
	size_t len;
};

/* A member's text part, by the head GMime writes for it: the charset
 * g_mime_text_part_set_text() names and the encoding the part gets. */
enum text_kind {
	TEXT_ASCII, /* us-ascii, no Content-Transfer-Encoding */
	TEXT_ASCII_QP, /* us-ascii, quoted-printable */
	TEXT_UTF8_QP, /* utf-8, quoted-printable */
	TEXT_UTF8_BASE64, /* utf-8, base64 */
	TEXT_OTHER /* what only GMime writes (iso-8859-1: converted) */
};

/* One text of each kind, to learn its head from GMime. */
static const char *const samples[TEXT_OTHER] = {
    "a\n",
    "From a\n",
    "\xe2\x82\xac abcdefghijklmnopqrstuvwxyz\n",
    "\xed\x95\x9c\n",
};

struct imipcopy {
	char *buf; /* owns what the fields point into */
	struct field f[IMIPCOPY_MAX_FIELDS];
	size_t n;
	char *head[TEXT_OTHER]; /* NULL: texts of that kind take GMime's way */
};

/* put_field - append one field to s */
static void
put_field(GString *s, const char *p, size_t len)
{
	g_string_append_printf(s, "%zu:", len);
	g_string_append_len(s, p, (gssize)len);
}

/* read_fields - split buf into at most max fields; how many, -1 when buf
 * is not a sequence of fields */
static ssize_t
read_fields(const char *buf, size_t len, struct field *f, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len) {
		size_t flen = 0, digits = 0;

		while (
		    i < len && buf[i] >= '0' && buf[i] <= '9' && digits < 9) {
			flen = flen * 10 + (size_t)(buf[i++] - '0');
			digits++;
		}
		if (digits == 0 || i >= len || buf[i++] != ':' || n >= max ||
		    flen > len - i)
			return -1;
		f[n].p = buf + i;
		f[n++].len = flen;
		i += flen;
	}
	return (ssize_t)n;
}

/* encode - p as GMime writes a part's content in encoding e (base64 or
 * quoted-printable), appended to out */
static void
encode(GString *out, GMimeContentEncoding e, const char *p, size_t len)
{
	GMimeEncoding enc;
	size_t at = out->len, n;

	g_mime_encoding_init_encode(&enc, e);
	g_string_set_size(out, at + g_mime_encoding_outlen(&enc, len));
	n = g_mime_encoding_flush(&enc, p, len, out->str + at);
	g_string_set_size(out, at + n);
}

/* base64 - ics as GMime writes a base64 part's content */
static void
base64(GString *out, const char *ics, size_t len)
{
	encode(out, GMIME_CONTENT_ENCODING_BASE64, ics, len);
}

/* gmime_text - the text part as GMime makes and mime_to_bytes() writes
 * it, appended to out: the way every text can take */
static bool
gmime_text(GString *out, const char *text, GError **err)
{
	GMimeObject *t = imip_text_part_new(text, err);
	GBytes *b;
	gsize len;
	const char *p;

	if (t == NULL)
		return false;
	b = mime_to_bytes(t);
	g_object_unref(t);
	p = g_bytes_get_data(b, &len);
	g_string_append_len(out, p, (gssize)len);
	g_bytes_unref(b);
	return true;
}

/* best_encoding - what g_mime_part_get_best_content_encoding() picks for
 * text under the 7-bit constraint: GMime's own filter, fed the pieces
 * the part's content reaches it in (its From-line and line-length counts
 * depend on where they are cut) */
static GMimeContentEncoding
best_encoding(const char *text, size_t len)
{
	GMimeFilter *f = g_mime_filter_best_new(GMIME_FILTER_BEST_ENCODING);
	GMimeContentEncoding e;
	char *o;
	size_t olen, opre;

	/* The filter only reads its input: the casts drop no promise. */
	for (size_t at = 0; at < len; at += IMIPCOPY_BLOCK)
		g_mime_filter_filter(f, (char *)text + at,
		    MIN(len - at, IMIPCOPY_BLOCK), 0, &o, &olen, &opre);
	g_mime_filter_complete(f, (char *)text + len, 0, 0, &o, &olen, &opre);
	e = g_mime_filter_best_encoding(
	    GMIME_FILTER_BEST(f), GMIME_ENCODING_CONSTRAINT_7BIT);
	g_object_unref(f);
	return e;
}

/* text_kind - the kind of head imip_text_part_new() gives text: the
 * charset level g_mime_text_part_set_text() names it by (0 us-ascii, 1
 * iso-8859-1, more utf-8) and its best encoding */
static enum text_kind
text_kind(const char *text, size_t len)
{
	GMimeCharset cs;
	GMimeContentEncoding e;

	g_mime_charset_init(&cs);
	g_mime_charset_step(&cs, text, len);
	/* iso-8859-1 text is converted before it is encoded. */
	if (cs.level == 1)
		return TEXT_OTHER;
	e = best_encoding(text, len);
	if (e == GMIME_CONTENT_ENCODING_DEFAULT && cs.level == 0)
		return TEXT_ASCII;
	if (e == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
		return cs.level == 0 ? TEXT_ASCII_QP : TEXT_UTF8_QP;
	if (e == GMIME_CONTENT_ENCODING_BASE64 && cs.level > 1)
		return TEXT_UTF8_BASE64;
	return TEXT_OTHER;
}

/* dos2unix - out from at as GMime's dos2unix filter leaves it: CR LF
 * becomes LF, a CR that ends the stream goes */
static void
dos2unix(GString *out, size_t at)
{
	GMimeFilter *f = g_mime_filter_dos2unix_new(FALSE);
	char *o;
	size_t olen, opre;

	g_mime_filter_complete(
	    f, out->str + at, out->len - at, 0, &o, &olen, &opre);
	g_string_truncate(out, at);
	g_string_append_len(out, o, (gssize)olen);
	g_object_unref(f);
}

/* text_body - what follows the head of a text part of kind k (not
 * TEXT_OTHER), appended to out: the text encoded, then through the
 * part's newline filter and mime_to_bytes()'s, both dos2unix */
static void
text_body(GString *out, enum text_kind k, const char *text, size_t len)
{
	size_t at = out->len;

	if (k == TEXT_ASCII)
		g_string_append_len(out, text, (gssize)len);
	else
		encode(out,
		    k == TEXT_UTF8_BASE64
			? GMIME_CONTENT_ENCODING_BASE64
			: GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
		    text, len);
	/* Without a CR both filters pass the bytes unchanged. */
	if (memchr(out->str + at, '\r', out->len - at) != NULL) {
		dos2unix(out, at);
		dos2unix(out, at);
	}
}

/* learn_heads - the head GMime writes for each kind of text part, from
 * its sample; a kind whose sample GMime does not write as that head and
 * text_body() keeps no head, and its texts take GMime's way */
static void
learn_heads(struct imipcopy *c)
{
	GString *want = g_string_new(NULL), *body = g_string_new(NULL);

	for (size_t k = 0; k < TEXT_OTHER; k++) {
		size_t len = strlen(samples[k]), h;

		g_string_truncate(want, 0);
		g_string_truncate(body, 0);
		if ((size_t)text_kind(samples[k], len) != k ||
		    !gmime_text(want, samples[k], NULL))
			continue;
		text_body(body, k, samples[k], len);
		if (want->len < body->len + 2)
			continue;
		h = want->len - body->len;
		if (memcmp(want->str + h, body->str, body->len) == 0 &&
		    memcmp(want->str + h - 2, "\n\n", 2) == 0)
			c->head[k] = g_strndup(want->str, h);
	}
	g_string_free(want, true);
	g_string_free(body, true);
}

/* imipcopy_heads_known - how many kinds of text part c writes without
 * a GMime part (all four unless GMime wrote a sample otherwise) */
size_t
imipcopy_heads_known(const struct imipcopy *c)
{
	size_t n = 0;

	for (size_t k = 0; k < TEXT_OTHER; k++)
		n += c->head[k] != NULL;
	return n;
}

/* imipcopy_put_text - a member's text part as GMime writes it, appended
 * to out, made without GMime's part where c knows its head */
bool
imipcopy_put_text(
    const struct imipcopy *c, const char *text_utf8, GString *out, GError **err)
{
	size_t len = strlen(text_utf8);
	enum text_kind k;

	/* GMime's way refuses what is not UTF-8, in its words. */
	if (!g_utf8_validate(text_utf8, (gssize)len, NULL))
		return gmime_text(out, text_utf8, err);
	k = text_kind(text_utf8, len);
	if (k == TEXT_OTHER || c->head[k] == NULL)
		return gmime_text(out, text_utf8, err);
	g_string_append(out, c->head[k]);
	text_body(out, k, text_utf8, len);
	return true;
}

/* cut - find needle in h from *at; the bytes from *at to it become
 * field f and *at moves past it */
static bool
cut(const char *h, size_t len, size_t *at, const char *needle, size_t nlen,
    struct field *f)
{
	const char *p =
	    nlen <= len - *at ? memmem(h + *at, len - *at, needle, nlen) : NULL;

	if (p == NULL)
		return false;
	f->p = h + *at;
	f->len = (size_t)(p - f->p);
	*at = (size_t)(p - h) + nlen;
	return true;
}

/* cut_message - the message with the markers as four fields around its
 * text part and the two calendar contents; they point into raw */
static bool
cut_message(GBytes *raw, struct field f[4], GError **err)
{
	GString *leaf = g_string_new(NULL), *cal;
	gsize len;
	const char *h = g_bytes_get_data(raw, &len);
	size_t at = 0;
	bool ok;

	if (!gmime_text(leaf, IMIPCOPY_TEXT, err)) {
		g_string_free(leaf, true);
		return false;
	}
	cal = g_string_new(NULL);
	base64(cal, IMIPCOPY_ICS, strlen(IMIPCOPY_ICS));
	ok = cut(h, len, &at, leaf->str, leaf->len, &f[0]) &&
	    cut(h, len, &at, cal->str, cal->len, &f[1]) &&
	    cut(h, len, &at, cal->str, cal->len, &f[2]);
	f[3].p = h + at;
	f[3].len = len - at;
	g_string_free(leaf, true);
	g_string_free(cal, true);
	if (!ok)
		return moim_fail(err, MOIM_ERR_INTERNAL,
		    "invitation: GMime wrote parts where none were expected");
	return true;
}

/* put_pieces - the calendar for the marker attendee, cut around its
 * ATTENDEE lines, as fields of s */
static bool
put_pieces(GString *s, const struct imip_event *ev, GError **err)
{
	g_autofree char *ics = imip_request(ev, IMIPCOPY_ATTENDEE, NULL, err);
	g_autofree char *att = ics != NULL
	    ? imip_attendee_line(
		  IMIP_METHOD_REQUEST, IMIPCOPY_ATTENDEE, NULL, err)
	    : NULL;
	const char *p, *q;
	size_t n = 0;

	if (att == NULL)
		return false;
	for (p = ics; (q = strstr(p, att)) != NULL; p = q + strlen(att)) {
		put_field(s, p, (size_t)(q - p));
		n++;
	}
	put_field(s, p, strlen(p));
	if (n == 0 || n > IMIP_MAX_COMPONENTS + 1)
		return moim_fail(err, MOIM_ERR_INTERNAL,
		    "invitation: %zu ATTENDEE lines", n);
	return true;
}

/* imipcopy_shared_new - what every member's invitation shares */
GBytes *
imipcopy_shared_new(GMimeMessage *msg, const struct imip_event *ev,
    const char *ref_text, GError **err)
{
	GMimeObject *body = imip_mime_new(
	    IMIPCOPY_ICS, IMIP_METHOD_REQUEST, IMIPCOPY_TEXT, err);
	GString *s;
	GBytes *raw;
	struct field f[4];
	bool ok;

	if (body == NULL)
		return NULL;
	g_mime_message_set_mime_part(msg, body);
	g_object_unref(body);
	raw = mime_to_bytes(GMIME_OBJECT(msg));
	s = g_string_new(IMIPCOPY_MAGIC);
	ok = cut_message(raw, f, err);
	for (size_t i = 0; ok && i < 4; i++)
		put_field(s, f[i].p, f[i].len);
	if (ok)
		put_field(s, ref_text, strlen(ref_text));
	ok = ok && put_pieces(s, ev, err);
	g_bytes_unref(raw);
	if (!ok) {
		g_string_free(s, true);
		return NULL;
	}
	return g_string_free_to_bytes(s);
}

/* imipcopy_open - read a shared part */
struct imipcopy *
imipcopy_open(const char *buf, size_t len, GError **err)
{
	size_t m = strlen(IMIPCOPY_MAGIC);
	struct imipcopy *c;
	ssize_t n;

	if (len > MOIM_MAX_MESSAGE || len < m || memcmp(buf, IMIPCOPY_MAGIC, m))
		return moim_fail(err, MOIM_ERR_INPUT, "not an invitation"),
		       NULL;
	c = g_new0(struct imipcopy, 1);
	c->buf = g_memdup2(buf, len);
	n = read_fields(c->buf + m, len - m, c->f, IMIPCOPY_MAX_FIELDS);
	if (n < IMIPCOPY_FIXED + 2) {
		imipcopy_free(c);
		return moim_fail(err, MOIM_ERR_INPUT, "bad invitation fields"),
		       NULL;
	}
	c->n = (size_t)n;
	learn_heads(c);
	return c;
}

/* common_ends - the lengths of what a and b share at their start and,
 * without overlapping it, at their end */
static void
common_ends(const char *a, size_t alen, const char *b, size_t blen,
    size_t *pre_out, size_t *suf_out)
{
	size_t p = 0, s = 0, max = MIN(alen, blen);

	while (p < max && a[p] == b[p])
		p++;
	while (s < max - p && a[alen - 1 - s] == b[blen - 1 - s])
		s++;
	*pre_out = p;
	*suf_out = s;
}

/* imipcopy_member_new - one member's part of the invitation */
GBytes *
imipcopy_member_new(const struct imipcopy *c, const char *attendee_addr,
    const char *attendee_name, const char *text_utf8, GError **err)
{
	const struct field *ref = &c->f[4];
	g_autofree char *att = imip_attendee_line(
	    IMIP_METHOD_REQUEST, attendee_addr, attendee_name, err);
	char num[2][24];
	size_t len = strlen(text_utf8), pre, suf;
	GString *s;

	if (att == NULL)
		return NULL;
	common_ends(ref->p, ref->len, text_utf8, len, &pre, &suf);
	g_snprintf(num[0], sizeof num[0], "%zu", pre);
	g_snprintf(num[1], sizeof num[1], "%zu", suf);
	s = g_string_new(NULL);
	put_field(s, att, strlen(att));
	put_field(s, num[0], strlen(num[0]));
	put_field(s, num[1], strlen(num[1]));
	put_field(s, text_utf8 + pre, len - pre - suf);
	return g_string_free_to_bytes(s);
}

/* field_size - a decimal field as a size, or SIZE_MAX */
static size_t
field_size(const struct field *f)
{
	size_t v = 0;

	if (f->len == 0 || f->len > 9)
		return SIZE_MAX;
	for (size_t i = 0; i < f->len; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return SIZE_MAX;
		v = v * 10 + (size_t)(f->p[i] - '0');
	}
	return v;
}

/* is_attendee_line - whether f is one folded ATTENDEE property */
static bool
is_attendee_line(const struct field *f)
{
	return f->len > 10 && f->len < IMIP_MAX_ICAL &&
	    memcmp(f->p, "ATTENDEE", 8) == 0 &&
	    memcmp(f->p + f->len - 2, "\r\n", 2) == 0 &&
	    memchr(f->p, '\0', f->len) == NULL;
}

/* member_text - the member's text from ref_text and its part */
static char *
member_text(const struct imipcopy *c, const struct field m[4], GError **err)
{
	const struct field *ref = &c->f[4];
	size_t pre = field_size(&m[1]), suf = field_size(&m[2]);
	GString *t;

	if (pre > ref->len || suf > ref->len - pre || !is_attendee_line(&m[0]))
		return moim_fail(err, MOIM_ERR_INPUT, "bad invitation part"),
		       NULL;
	t = g_string_sized_new(pre + m[3].len + suf);
	g_string_append_len(t, ref->p, (gssize)pre);
	g_string_append_len(t, m[3].p, (gssize)m[3].len);
	g_string_append_len(t, ref->p + ref->len - suf, (gssize)suf);
	if (memchr(t->str, '\0', t->len) != NULL) {
		g_string_free(t, true);
		return moim_fail(err, MOIM_ERR_INPUT, "NUL in invitation"),
		       NULL;
	}
	return g_string_free(t, false);
}

/* imipcopy_expand - one member's invitation, into out */
bool
imipcopy_expand(const struct imipcopy *c, const char *part, size_t len,
    GString *out, GError **err)
{
	struct field m[4];
	g_autofree char *text = NULL;
	GString *ics;

	g_string_truncate(out, 0);
	if (read_fields(part, len, m, 4) != 4)
		return moim_fail(err, MOIM_ERR_INPUT, "bad invitation part");
	if ((text = member_text(c, m, err)) == NULL)
		return false;
	ics = g_string_new(NULL);
	for (size_t i = IMIPCOPY_FIXED; i < c->n; i++) {
		if (i > IMIPCOPY_FIXED)
			g_string_append_len(ics, m[0].p, (gssize)m[0].len);
		g_string_append_len(ics, c->f[i].p, (gssize)c->f[i].len);
	}
	g_string_append_len(out, c->f[0].p, (gssize)c->f[0].len);
	if (!imipcopy_put_text(c, text, out, err)) {
		g_string_free(ics, true);
		return false;
	}
	g_string_append_len(out, c->f[1].p, (gssize)c->f[1].len);
	base64(out, ics->str, ics->len);
	g_string_append_len(out, c->f[2].p, (gssize)c->f[2].len);
	base64(out, ics->str, ics->len);
	g_string_append_len(out, c->f[3].p, (gssize)c->f[3].len);
	g_string_free(ics, true);
	return true;
}

void
imipcopy_free(struct imipcopy *c)
{
	if (c == NULL)
		return;
	for (size_t k = 0; k < TEXT_OTHER; k++)
		g_free(c->head[k]);
	g_free(c->buf);
	g_free(c);
}
