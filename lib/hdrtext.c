/*
 * hdrtext - decode and encode RFC 2047 header text
 *
 * One decoder and one encoder for every header moim reads or writes as
 * text, written here because GMime 3.2.13 gets adjacent B words wrong
 * both ways (see hdrtext.h). GMime still parses the message; callers
 * hand this module the raw value.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "hdrtext.h"
#include "limits.h"

/* A charset name longer than this is not one (the longest IANA name is
 * 45 characters). */
#define HDRTEXT_MAX_CHARSET 64
/* RFC 2047 2: an encoded word is at most 75 characters; "=?UTF-8?B?"
 * and "?=" take 12, which leaves 63 for the text: 15 base64 quads. */
#define HDRTEXT_WORD 75
#define HDRTEXT_LINE 78

static const char hdrtext_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct word {
	const char *charset; /* without the RFC 2231 language */
	size_t charset_len;
	char enc; /* 'B' or 'Q' */
	const char *text;
	size_t text_len;
	size_t end; /* offset just after "?=" */
};

/* is_lwsp - folding white space, line ends included */
static bool
is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* parse_word - whether an encoded word starts at s[at], and its parts */
static bool
parse_word(const char *s, size_t len, size_t at, struct word *w)
{
	size_t i = at + 2, cs = at + 2, star;

	if (at + 2 > len || s[at] != '=' || s[at + 1] != '?')
		return false;
	/* Only what charset names and RFC 2231 languages are made of: the
	 * name goes to iconv_open(). */
	while (i < len && i - cs <= HDRTEXT_MAX_CHARSET &&
	    (g_ascii_isalnum(s[i]) || strchr("-_.:*", s[i]) != NULL))
		i++;
	if (i == cs || i >= len || s[i] != '?')
		return false;
	for (star = cs; star < i && s[star] != '*'; star++)
		;
	w->charset = s + cs;
	w->charset_len = star - cs;
	if (w->charset_len == 0 || i + 2 >= len || s[i + 2] != '?')
		return false;
	w->enc = g_ascii_toupper(s[i + 1]);
	if (w->enc != 'B' && w->enc != 'Q')
		return false;
	i += 3;
	w->text = s + i;
	while (i < len && s[i] != '?' && !is_lwsp(s[i]))
		i++;
	if (i + 1 >= len || s[i] != '?' || s[i + 1] != '=')
		return false;
	w->text_len = (size_t)(s + i - w->text);
	w->end = i + 2;
	return true;
}

/* b64_value - the value of a base64 digit, or -1 */
static int
b64_value(char c)
{
	const char *p = c != '\0' ? strchr(hdrtext_b64, c) : NULL;

	return p != NULL ? (int)(p - hdrtext_b64) : -1;
}

/* word_bytes - append the bytes an encoded word stands for */
static void
word_bytes(const struct word *w, GByteArray *bytes)
{
	guint32 acc = 0;
	int bits = 0;

	for (size_t i = 0; i < w->text_len; i++) {
		char c = w->text[i];
		guint8 b;

		if (w->enc == 'B') {
			/* Padding, white space and junk are skipped: each
			 * word is decoded on its own, so "=" ends nothing. */
			int v = b64_value(c);

			if (v < 0)
				continue;
			acc = (acc << 6) | (guint32)v;
			bits += 6;
			if (bits < 8)
				continue;
			bits -= 8;
			b = (guint8)(acc >> bits);
			acc &= (1u << bits) - 1;
		} else if (c == '_') {
			b = ' ';
		} else if (c == '=' && i + 2 < w->text_len &&
		    g_ascii_isxdigit(w->text[i + 1]) &&
		    g_ascii_isxdigit(w->text[i + 2])) {
			b = (guint8)(g_ascii_xdigit_value(w->text[i + 1]) * 16 +
			    g_ascii_xdigit_value(w->text[i + 2]));
			i += 2;
		} else {
			b = (guint8)c;
		}
		g_byte_array_append(bytes, &b, 1);
	}
}

/* iconv_name - the name to give iconv for a declared charset */
static const char *
iconv_name(const char *cs)
{
	static const char *const korean[] = {"euc-kr", "euckr", "ks_c_5601",
	    "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "cp949",
	    "uhc", "windows-949", "x-windows-949", "ms949", NULL};
	static const char *const utf8[] = {
	    "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8", NULL};

	for (int i = 0; korean[i] != NULL; i++)
		if (g_ascii_strcasecmp(cs, korean[i]) == 0)
			return "CP949";
	/* Mislabelled 8-bit text in a us-ascii word is UTF-8 in practice. */
	for (int i = 0; utf8[i] != NULL; i++)
		if (g_ascii_strcasecmp(cs, utf8[i]) == 0)
			return "UTF-8";
	return cs;
}

/* append_replacement - U+FFFD */
static void
append_replacement(GString *out)
{
	g_string_append(out, "\xef\xbf\xbd");
}

/* convert_iconv - append bytes converted by cd, U+FFFD for what fails */
static void
convert_iconv(GIConv cd, const guint8 *bytes, size_t n, GString *out)
{
	gchar *in = (gchar *)bytes;
	gsize in_left = n;

	for (;;) {
		char buf[256];
		gchar *o = buf;
		gsize o_left = sizeof buf, r;
		int e;

		if (in_left == 0) {
			/* A stateful charset (ISO-2022-KR) returns to its
			 * initial state. */
			(void)g_iconv(cd, NULL, NULL, &o, &o_left);
			g_string_append_len(out, buf, (gssize)(o - buf));
			return;
		}
		r = g_iconv(cd, &in, &in_left, &o, &o_left);
		e = errno;
		g_string_append_len(out, buf, (gssize)(o - buf));
		if (r != (gsize)-1 || e == E2BIG)
			continue;
		append_replacement(out);
		/* EINVAL: a sequence cut at the end; anything else is one
		 * bad byte, skipped. */
		if (e == EINVAL)
			return;
		in++;
		in_left--;
	}
}

/* convert - append bytes in charset cs as UTF-8; never fails */
static void
convert(const char *cs, const guint8 *bytes, size_t n, GString *out)
{
	const char *name = iconv_name(cs);
	GIConv cd;

	if (n == 0)
		return;
	if (g_ascii_strcasecmp(name, "UTF-8") == 0) {
		g_autofree char *v = g_utf8_make_valid((const char *)bytes, n);

		g_string_append(out, v);
		return;
	}
	cd = g_iconv_open("UTF-8", name);
	if (cd == (GIConv)-1) {
		/* Unknown: keep ASCII, replace the rest. */
		for (size_t i = 0; i < n; i++)
			if (bytes[i] < 0x80)
				g_string_append_c(out, (char)bytes[i]);
			else
				append_replacement(out);
		return;
	}
	convert_iconv(cd, bytes, n, out);
	g_iconv_close(cd);
}

/* append_plain - text that is no encoded word: unfolded; 8-bit bytes
 * are UTF-8, else CP949, else windows-1252 (Latin-1's superset) */
static void
append_plain(const char *s, size_t n, GString *out)
{
	GByteArray *b = g_byte_array_new();
	g_autofree char *cp = NULL;

	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			g_byte_array_append(b, (const guint8 *)s + i, 1);
	if (b->len == 0 ||
	    g_utf8_validate_len((const char *)b->data, b->len, NULL)) {
		g_string_append_len(out, (const char *)b->data, b->len);
		g_byte_array_free(b, TRUE);
		return;
	}
	cp = g_convert(
	    (const char *)b->data, b->len, "UTF-8", "CP949", NULL, NULL, NULL);
	if (cp != NULL)
		g_string_append(out, cp);
	else
		convert("WINDOWS-1252", b->data, b->len, out);
	g_byte_array_free(b, TRUE);
}

/* is_blank - whether s[0..n) is only folding white space */
static bool
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_lwsp(s[i]))
			return false;
	return true;
}

struct run {
	char charset[HDRTEXT_MAX_CHARSET + 1];
	GByteArray *bytes;
	bool is_open;
};

/* run_flush - convert the joined bytes of the words of one run */
static void
run_flush(struct run *r, GString *out)
{
	if (r->is_open)
		convert(r->charset, r->bytes->data, r->bytes->len, out);
	g_byte_array_set_size(r->bytes, 0);
	r->is_open = false;
}

/* run_add - add a word to the run, first ending a run of another
 * charset */
static void
run_add(struct run *r, const struct word *w, GString *out)
{
	if (r->is_open &&
	    (strlen(r->charset) != w->charset_len ||
		g_ascii_strncasecmp(r->charset, w->charset, w->charset_len) !=
		    0))
		run_flush(r, out);
	if (!r->is_open) {
		memcpy(r->charset, w->charset, w->charset_len);
		r->charset[w->charset_len] = '\0';
		r->is_open = true;
	}
	word_bytes(w, r->bytes);
}

/* finish - one line: CR, LF and NUL to spaces, ends trimmed */
static char *
finish(GString *out)
{
	char *s;

	for (gsize i = 0; i < out->len; i++)
		if (out->str[i] == '\r' || out->str[i] == '\n' ||
		    out->str[i] == '\0')
			out->str[i] = ' ';
	s = g_utf8_make_valid(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	return g_strstrip(s);
}

/* hdrtext_decode - a raw header value as one line of UTF-8 */
char *
hdrtext_decode(const char *raw, size_t len)
{
	GString *out = g_string_new(NULL);
	struct run r = {{0}, g_byte_array_new(), false};
	size_t gap = 0, i = 0;
	bool after_word = false;

	if (raw == NULL) {
		raw = "";
		len = 0;
	}
	if (len > MOIM_MAX_HEADER_FIELD)
		len = MOIM_MAX_HEADER_FIELD;
	while (i < len) {
		struct word w;

		if (raw[i] != '=' || !parse_word(raw, len, i, &w)) {
			i++;
			continue;
		}
		/* RFC 2047 6.2: only white space between two encoded
		 * words is dropped; other text ends the run. */
		if (!after_word || !is_blank(raw + gap, i - gap)) {
			run_flush(&r, out);
			append_plain(raw + gap, i - gap, out);
		}
		run_add(&r, &w, out);
		i = gap = w.end;
		after_word = true;
	}
	run_flush(&r, out);
	append_plain(raw + gap, len - gap, out);
	g_byte_array_free(r.bytes, TRUE);
	return finish(out);
}

/* needs_encoding - whether a plain word would not survive as it is */
static bool
needs_encoding(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c < 0x20 || c == 0x7f)
			return true;
		if (c == '=' && i + 1 < n && s[i + 1] == '?')
			return true;
	}
	return false;
}

/* b64_append - base64 of bytes, with padding */
static void
b64_append(GString *out, const guint8 *b, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		guint32 v = (guint32)b[i] << 16;

		v |= i + 1 < n ? (guint32)b[i + 1] << 8 : 0;
		v |= i + 2 < n ? b[i + 2] : 0;
		g_string_append_c(out, hdrtext_b64[(v >> 18) & 63]);
		g_string_append_c(out, hdrtext_b64[(v >> 12) & 63]);
		g_string_append_c(
		    out, i + 1 < n ? hdrtext_b64[(v >> 6) & 63] : '=');
		g_string_append_c(out, i + 2 < n ? hdrtext_b64[v & 63] : '=');
	}
}

/* q_len - the Q-encoded length of one byte */
static size_t
q_len(guint8 c)
{
	return g_ascii_isalnum(c) || strchr("!*+-/ ", c) != NULL ? 1 : 3;
}

/* q_append - Q encoding of bytes, safe in a phrase too (RFC 2047 5) */
static void
q_append(GString *out, const guint8 *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] == ' ')
			g_string_append_c(out, '_');
		else if (q_len(b[i]) == 1)
			g_string_append_c(out, (char)b[i]);
		else
			g_string_append_printf(out, "=%02X", b[i]);
	}
}

/* b_cut - the end of a B word of room characters of base64 that starts
 * at s[at]: the whole rest when it fits, else the furthest character
 * boundary whose length is a multiple of three; 0 when none */
static size_t
b_cut(const char *s, size_t n, size_t at, size_t room)
{
	size_t best = 0, max = room / 4 * 3;

	if (n - at <= max)
		return n;
	for (const char *p = s + at; p < s + n && (size_t)(p - (s + at)) <= max;
	     p = g_utf8_next_char(p))
		if (p > s + at && (p - (s + at)) % 3 == 0)
			best = (size_t)(p - s);
	return best;
}

/* q_cut - the end of a Q word of room characters that starts at s[at]:
 * whole characters, at least one */
static size_t
q_cut(const char *s, size_t n, size_t at, size_t room)
{
	size_t used = 0;
	const char *p = s + at;

	do {
		const char *next = g_utf8_next_char(p);

		for (const char *c = p; c < next; c++)
			used += q_len((guint8)*c);
		p = next;
	} while (
	    p < s + n && used + 3 * (size_t)(g_utf8_next_char(p) - p) <= room);
	return (size_t)(p - s);
}

/* put - append a token, after a space or, when the line would pass
 * HDRTEXT_LINE, a fold; nothing before the first token of out */
static void
put(GString *out, size_t *col, const char *tok, size_t n)
{
	if (out->len > 0 && *col + 1 + n > HDRTEXT_LINE) {
		g_string_append(out, "\n ");
		*col = 1;
	} else if (out->len > 0) {
		g_string_append_c(out, ' ');
		(*col)++;
	}
	g_string_append_len(out, tok, (gssize)n);
	*col += n;
}

/* word_room - the encoded text the next word may hold: what is left of
 * the line when that is enough for a useful word, else a whole word's
 * worth, which put() then folds onto a line of its own */
static size_t
word_room(const GString *out, size_t col)
{
	size_t room = HDRTEXT_WORD - 12;
	size_t used = col + (out->len > 0 ? 1 : 0) + 12;

	if (used + 16 <= HDRTEXT_LINE && HDRTEXT_LINE - used < room)
		room = HDRTEXT_LINE - used;
	return room;
}

/* encode_words - text s[0..n) as UTF-8 encoded words onto out */
static void
encode_words(GString *out, size_t *col, const char *s, size_t n)
{
	GString *w = g_string_new(NULL);
	size_t at = 0;

	while (at < n) {
		size_t room = word_room(out, *col);
		size_t end = b_cut(s, n, at, room);

		g_string_truncate(w, 0);
		if (end > at) {
			g_string_append(w, "=?UTF-8?B?");
			b64_append(w, (const guint8 *)s + at, end - at);
		} else {
			end = q_cut(s, n, at, room);
			g_string_append(w, "=?UTF-8?Q?");
			q_append(w, (const guint8 *)s + at, end - at);
		}
		g_string_append(w, "?=");
		put(out, col, w->str, w->len);
		at = end;
	}
	g_string_free(w, TRUE);
}

/* run_end - the end of the run of words that need encoding from the one
 * at t[at] on: every blank up to the next plain word is in it */
static size_t
run_end(const char *t, size_t n, size_t at)
{
	size_t end = at + strcspn(t + at, " ");

	while (end < n) {
		size_t next = strcspn(t + end + 1, " ");

		if (next > 0 && !needs_encoding(t + end + 1, next))
			break;
		end += 1 + next;
	}
	return end;
}

/* hdrtext_encode - the raw value of an unstructured field */
char *
hdrtext_encode(const char *field, const char *text_utf8)
{
	GString *out = g_string_new(NULL);
	const char *t = text_utf8;
	size_t col = strlen(field) + 2, n = strlen(t), at = 0;

	/* Plain words stay as they are and each run of words that need
	 * encoding becomes adjacent encoded words, its blanks inside them;
	 * the one space between a run and a plain word is where a line may
	 * fold, and decoders keep it. */
	while (at < n) {
		size_t end = at + strcspn(t + at, " ");

		if (needs_encoding(t + at, end - at)) {
			end = run_end(t, n, at);
			encode_words(out, &col, t + at, end - at);
		} else {
			put(out, &col, t + at, end - at);
		}
		at = end < n ? end + 1 : end;
	}
	g_string_prepend_c(out, ' ');
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* hdrtext_encode_phrase - a display name as encoded words */
char *
hdrtext_encode_phrase(const char *text_utf8, size_t *col)
{
	GString *out = g_string_new(NULL);

	encode_words(out, col, text_utf8, strlen(text_utf8));
	return g_string_free(out, FALSE);
}
