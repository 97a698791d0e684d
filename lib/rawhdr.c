/*
 * rawhdr - read the header block of a message as raw bytes
 *
 * Every read is bounded by the end pointer of the buffer: the raw bytes
 * come from a GBytes or an SQLite blob, which need not end in NUL, so no
 * function here may use a string function on them (a strncasecmp() of
 * "Received:" over the last 5 bytes of a buffer reads past it).
 */
#include "config.h"

#include <string.h>

#include "limits.h"
#include "rawhdr.h"

/* A field of the header block: its first line and continuation lines. */
struct field {
	const char *start; /* first byte of its first line */
	const char *end; /* just after its last line end, or the buffer's */
	const char *colon; /* the colon after the name; NULL: not a field */
	size_t name_len; /* the name's bytes at start, blanks dropped */
};

/* line_end - just after the LF that ends the line at p, or end */
static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl + 1 : end;
}

/* empty_line_len - the length of the empty line at p (1 for LF, 2 for
 * CRLF), or 0 when the line at p is not empty */
static size_t
empty_line_len(const char *p, const char *end)
{
	if (p < end && *p == '\n')
		return 1;
	if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/* is_blank - a space or a tab: what folds a line */
static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* name_len - the length of the field name on the line [p, colon), or 0
 * when it is no name: empty, a control character or a blank inside */
static size_t
name_len(const char *p, const char *colon)
{
	const char *q = colon;
	size_t i, n;

	while (q > p && is_blank(q[-1]))
		q--;
	n = (size_t)(q - p);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f || c == ' ')
			return 0;
	}
	return n;
}

/* next_field - read the field at *pp into f and move *pp after it; false
 * at the empty line that ends the header block or at end */
static bool
next_field(const char **pp, const char *end, struct field *f)
{
	const char *p = *pp, *first_end, *q;

	if (p >= end || empty_line_len(p, end) > 0)
		return false;
	first_end = line_end(p, end);
	for (q = first_end; q < end && is_blank(*q); q = line_end(q, end))
		;
	f->start = p;
	f->end = q;
	f->colon = NULL;
	f->name_len = 0;
	/* A continuation line with no field above it is no field. */
	if (!is_blank(*p))
		f->colon = memchr(p, ':', (size_t)(first_end - p));
	if (f->colon != NULL)
		f->name_len = name_len(p, f->colon);
	if (f->name_len == 0)
		f->colon = NULL;
	*pp = q;
	return true;
}

/* rawhdr_end - the offset of the body, or len when the header block has
 * no empty line */
size_t
rawhdr_end(const char *raw, size_t len)
{
	const char *p = raw, *end;
	struct field f;

	if (raw == NULL)
		return 0;
	end = raw + len;
	while (next_field(&p, end, &f))
		;
	return (size_t)(p - raw) + empty_line_len(p, end);
}

/* rawhdr_filter - the fields keep() accepts, then the empty line and the
 * body, appended to out */
void
rawhdr_filter(
    const char *raw, size_t len, rawhdr_keep_fn keep, void *data, GString *out)
{
	/* raw may be NULL when len is 0 (g_malloc(0), an empty blob). */
	const char *p = raw != NULL ? raw : "",
		   *end = p + (raw != NULL ? len : 0);
	GString *name = g_string_new(NULL);
	bool needs_eol = false;
	struct field f;

	while (next_field(&p, end, &f)) {
		g_string_truncate(name, 0);
		if (f.colon != NULL)
			g_string_append_len(name, f.start, f.name_len);
		if (!keep(name->str, data))
			continue;
		g_string_append_len(out, f.start, f.end - f.start);
		needs_eol = f.end[-1] != '\n';
	}
	g_string_free(name, TRUE);
	if (p < end) {
		g_string_append_len(out, p, end - p);
		return;
	}
	/* Only a field that stops at the end of raw lacks its line end. */
	if (needs_eol)
		g_string_append_c(out, '\n');
	g_string_append_c(out, '\n');
}

/* is_fold - a byte that unfolding makes a space */
static bool
is_fold(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* unfold - a copy of the value v[0..n): cut at a NUL, CR, LF and TAB as
 * spaces, without the spaces at either end */
static char *
unfold(const char *v, size_t n)
{
	const char *nul = memchr(v, '\0', n);
	size_t i;
	char *out;

	if (nul != NULL)
		n = (size_t)(nul - v);
	while (n > 0 && is_fold(v[n - 1]))
		n--;
	while (n > 0 && is_fold(*v)) {
		v++;
		n--;
	}
	out = g_strndup(v, n);
	for (i = 0; i < n; i++)
		if (is_fold(out[i]))
			out[i] = ' ';
	return out;
}

/* rawhdr_first - the first field name's value, unfolded, at most max
 * bytes of it; NULL when there is none */
char *
rawhdr_first(const char *raw, size_t len, const char *name, size_t max)
{
	const char *p = raw, *end;
	size_t want = name != NULL ? strlen(name) : 0;
	struct field f;

	if (raw == NULL || want == 0)
		return NULL;
	end = raw + len;
	while (next_field(&p, end, &f)) {
		if (f.colon != NULL && f.name_len == want &&
		    g_ascii_strncasecmp(f.start, name, want) == 0)
			return unfold(f.colon + 1,
			    MIN((size_t)(f.end - f.colon - 1), max));
	}
	return NULL;
}

/* queue_id_at - the queue ID that starts at s (NUL-terminated), or NULL
 * when s does not start with 1 to MOIM_MAX_QUEUE_ID letters or digits
 * followed by something else */
static char *
queue_id_at(const char *s)
{
	size_t n;

	for (n = 0; n <= MOIM_MAX_QUEUE_ID && g_ascii_isalnum(s[n]); n++)
		;
	if (n == 0 || n > MOIM_MAX_QUEUE_ID)
		return NULL;
	return g_strndup(s, n);
}

/* rawhdr_queue_id - Postfix's queue ID from the first Received field,
 * or "-" */
char *
rawhdr_queue_id(const char *raw, size_t len)
{
	g_autofree char *v = rawhdr_first(
	    raw, MIN(len, MOIM_QUEUE_ID_SCAN), "Received", MOIM_QUEUE_ID_FIELD);
	const char *s;
	char *id;

	if (v == NULL)
		return g_strdup("-");
	/* " id " anywhere, or "id " at the start, where the trimmed space
	 * was; the first one followed by an ID wins. */
	for (s = strstr(v, "id "); s != NULL; s = strstr(s + 1, "id ")) {
		if (s > v && s[-1] != ' ')
			continue;
		id = queue_id_at(s + 3);
		if (id != NULL)
			return id;
	}
	return g_strdup("-");
}
