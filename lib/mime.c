/*
 * mime - GMime parsing with limits, header edits, footer insertion, notices
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "hdrtext.h"
#include "limits.h"
#include "mime.h"

/* Object data keys on a parsed message. */
#define MIME_KEY_CRIT "moim-mime-critical"
#define MIME_KEY_OPTIONS "moim-mime-options"
#define MIME_KEY_RAW "moim-mime-raw-body"

/* A notice's text lines longer than this need quoted-printable. */
#define MIME_NOTICE_LINE 76
/* A line may have 998 octets before its CRLF (RFC 5322 2.1.1, 2045 2.8). */
#define MIME_LINE_MAX 998

static bool is_7bit(const char *buf, size_t len);

struct parse_state {
	unsigned n_crit;
	bool is_nesting_overflow;
};

/*
 * The body of a parsed message as it arrived. GMime's parser drops what
 * follows a malformed header line inside a part (its warning
 * GMIME_CRIT_INVALID_HEADER_NAME: "the parser may skip the message or
 * parts of it"), so writing its tree back is not always faithful: an
 * attached message whose header is broken would reach the members empty.
 * A body nobody changed is therefore written from these bytes (STYLE
 * 7.10: keep the original bytes); the tree is only for reading.
 */
struct raw_body {
	GMimeObject *body; /* the body these bytes are (a reference) */
	GBytes *bytes; /* after the empty line that ends the header */
};

/* init_once - the g_once body of mime_init() */
static gpointer
init_once(gpointer unused)
{
	g_mime_init();
	return NULL;
}

/* mime_init - initialise GMime once, from any thread */
void
mime_init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, init_once, NULL);
}

/* parse_warning - count GMime's critical parser warnings */
static void
parse_warning(
    gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct parse_state *ps = data;

	switch (code) {
	case GMIME_CRIT_NESTING_OVERFLOW:
		ps->is_nesting_overflow = true;
		ps->n_crit++;
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		ps->n_crit++;
		break;
	default:
		break;
	}
}

/* raw_body_free - the destroy notify of MIME_KEY_RAW */
static void
raw_body_free(gpointer p)
{
	struct raw_body *rb = p;

	g_object_unref(rb->body);
	g_bytes_unref(rb->bytes);
	g_free(rb);
}

/* keep_raw_body - remember the bytes of m's body; end is the offset of
 * the empty line that ends the header (GMime's headers end), or -1 */
static void
keep_raw_body(GMimeMessage *m, const char *buf, size_t len, gint64 end)
{
	GMimeObject *body = g_mime_message_get_mime_part(m);
	struct raw_body *rb;
	size_t at;

	/* No empty line, or not where GMime says: keep GMime's writing. */
	if (body == NULL || end <= 0 || (guint64)end > len ||
	    buf[end - 1] != '\n')
		return;
	at = (size_t)end;
	if (at < len && buf[at] == '\r')
		at++;
	if (at >= len || buf[at] != '\n')
		return;
	rb = g_new0(struct raw_body, 1);
	rb->body = g_object_ref(body);
	rb->bytes = g_bytes_new(buf + at + 1, len - at - 1);
	g_object_set_data_full(G_OBJECT(m), MIME_KEY_RAW, rb, raw_body_free);
}

/* raw_body_of - the bytes of m's body as it arrived, if it is unchanged */
static GBytes *
raw_body_of(GMimeMessage *m)
{
	struct raw_body *rb = g_object_get_data(G_OBJECT(m), MIME_KEY_RAW);

	if (rb == NULL || rb->body != g_mime_message_get_mime_part(m))
		return NULL;
	return rb->bytes;
}

/* forget_raw_body - m's body is being changed: write it from the tree */
static void
forget_raw_body(GMimeMessage *m)
{
	g_object_set_data(G_OBJECT(m), MIME_KEY_RAW, NULL);
}

/* construct - run GMime's parser over buf; NULL if it makes no message */
static GMimeMessage *
construct(const char *buf, size_t len, struct parse_state *ps)
{
	static const char *fallback[] = {
	    "UTF-8", "CP949", "windows-1252", NULL};
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(buf, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeParserOptions *o = g_mime_parser_options_new();
	GMimeMessage *m;

	g_mime_parser_options_set_fallback_charsets(o, fallback);
	g_mime_parser_options_set_warning_callback(o, parse_warning, ps);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(p, o);
	if (m != NULL)
		keep_raw_body(m, buf, len, g_mime_parser_get_headers_end(p));
	g_object_unref(p);
	g_object_unref(s);
	/* Headers are decoded lazily with these options later, when ps is
	 * gone: drop the callback and keep the options with the message. */
	g_mime_parser_options_set_warning_callback(o, NULL, NULL);
	if (m == NULL) {
		g_mime_parser_options_free(o);
		return NULL;
	}
	g_object_set_data_full(G_OBJECT(m), MIME_KEY_OPTIONS, o,
	    (GDestroyNotify)g_mime_parser_options_free);
	return m;
}

/* check_headers - refuse a header block over the field count or size */
static bool
check_headers(GMimeObject *o, GError **err)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	if (n > MOIM_MAX_HEADER_FIELDS)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%d header fields, more than %d", n,
		    MOIM_MAX_HEADER_FIELDS);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *raw = g_mime_header_get_raw_value(h);
		size_t len = strlen(g_mime_header_get_name(h));

		len += raw != NULL ? strlen(raw) : 0;
		if (len > MOIM_MAX_HEADER_FIELD)
			return moim_fail(err, MOIM_ERR_INPUT,
			    "a header field of %zu bytes, more than %d", len,
			    MOIM_MAX_HEADER_FIELD);
	}
	return true;
}

/* walk_limits - refuse too deep nesting, too many parts, bad headers */
static bool
walk_limits(GMimeObject *o, int depth, unsigned *parts, GError **err)
{
	if (o == NULL)
		return true;
	if (depth > MOIM_MAX_MIME_DEPTH)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "MIME nesting deeper than %d", MOIM_MAX_MIME_DEPTH);
	if (++*parts > MOIM_MAX_MIME_PARTS)
		return moim_fail(err, MOIM_ERR_INPUT, "more than %d MIME parts",
		    MOIM_MAX_MIME_PARTS);
	if (!check_headers(o, err))
		return false;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++)
			if (!walk_limits(g_mime_multipart_get_part(mp, i),
				depth + 1, parts, err))
				return false;
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *in =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		if (in == NULL)
			return true;
		if (!check_headers(GMIME_OBJECT(in), err))
			return false;
		return walk_limits(
		    g_mime_message_get_mime_part(in), depth + 1, parts, err);
	}
	return true;
}

/* count_headers - the number of header fields of o */
static int
count_headers(GMimeObject *o)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);

	return hl != NULL ? g_mime_header_list_get_count(hl) : 0;
}

/* check_message - apply every limit of mime_parse() to a built message */
static bool
check_message(GMimeMessage *m, const struct parse_state *ps, GError **err)
{
	GMimeObject *body = g_mime_message_get_mime_part(m);
	unsigned parts = 0;

	if (ps->is_nesting_overflow)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "MIME nesting over GMime's limit");
	/* GMime keeps Content-* fields with the body part, not the message. */
	if (count_headers(GMIME_OBJECT(m)) == 0 &&
	    (body == NULL || count_headers(body) == 0))
		return moim_fail(err, MOIM_ERR_INPUT, "no header fields");
	if (!check_headers(GMIME_OBJECT(m), err))
		return false;
	return walk_limits(body, 1, &parts, err);
}

/* mime_parse - build a message from untrusted bytes, within the limits */
GMimeMessage *
mime_parse(const char *buf, size_t len, GError **err)
{
	struct parse_state ps = {0, false};
	GMimeMessage *m;

	mime_init();
	if (buf == NULL || len == 0) {
		moim_fail(err, MOIM_ERR_INPUT, "empty message");
		return NULL;
	}
	if (len > MOIM_MAX_MESSAGE) {
		moim_fail(err, MOIM_ERR_INPUT, "message of %zu bytes, over %d",
		    len, MOIM_MAX_MESSAGE);
		return NULL;
	}
	m = construct(buf, len, &ps);
	if (m == NULL) {
		moim_fail(err, MOIM_ERR_INPUT, "not a MIME message");
		return NULL;
	}
	if (!check_message(m, &ps, err)) {
		g_object_unref(m);
		return NULL;
	}
	g_object_set_data(
	    G_OBJECT(m), MIME_KEY_CRIT, GUINT_TO_POINTER(ps.n_crit));
	return m;
}

/* mime_has_critical_warning - whether parsing m gave a GMIME_CRIT_* */
bool
mime_has_critical_warning(GMimeMessage *m)
{
	return GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(m), MIME_KEY_CRIT)) >
	    0;
}

/* first_header - the first header of that name, or NULL */
static GMimeHeader *
first_header(GMimeObject *o, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);

	return hl != NULL ? g_mime_header_list_get_header(hl, name) : NULL;
}

/* raw_value - the value of a header as received (or as last set) */
static const char *
raw_value(GMimeObject *o, const char *name)
{
	GMimeHeader *h;
	const char *v;

	if (o == NULL || name == NULL)
		return NULL;
	h = first_header(o, name);
	if (h == NULL)
		return NULL;
	v = g_mime_header_get_raw_value(h);
	return v != NULL ? v : g_mime_header_get_value(h);
}

/* mime_header_text - the first such header, decoded to UTF-8, on one
 * line, or NULL */
char *
mime_header_text(GMimeObject *o, const char *name)
{
	const char *v = raw_value(o, name);

	/* Not GMime's decoded value: GMime 3.2.13 loses the text after a
	 * padded B word (lib/hdrtext). An unfolded field is one line; CR
	 * or LF can only come from an encoded word ("=?utf-8?q?a=0D=0Ab?="),
	 * and would break every header or log line the value goes into (a
	 * held post's notice to the moderators failed on it, and the post
	 * was retried for ever), so the decoder makes them spaces. */
	return v != NULL ? hdrtext_decode(v, strlen(v)) : NULL;
}

/* mime_header_raw - the first such header as received, unfolded */
char *
mime_header_raw(GMimeObject *o, const char *name)
{
	const char *v = raw_value(o, name);
	char *s, *q;

	if (v == NULL)
		return NULL;
	s = g_strndup(v, MOIM_MAX_HEADER_FIELD);
	q = s;
	for (const char *p = s; *p != '\0'; p++)
		if (*p != '\r' && *p != '\n')
			*q++ = *p;
	*q = '\0';
	return g_strstrip(s);
}

/* MIME_HIDE_EQ stands in for the "=" of each "=?" while GMime parses a
 * parameter, so that GMime leaves encoded words to lib/hdrtext. */
#define MIME_HIDE_EQ '\x1a'

/* param_text - one parameter of a raw Content-Disposition (or, when
 * !is_disposition, Content-Type) value, decoded, or NULL */
static char *
param_text(const char *raw, const char *param, bool is_disposition)
{
	g_autofree char *s = g_strndup(raw, MOIM_MAX_HEADER_FIELD);
	GMimeContentDisposition *d = NULL;
	GMimeContentType *ct = NULL;
	g_autofree char *v = NULL;

	/* GMime still does the parameter syntax and RFC 2231 (which it
	 * gets right, continuations and charsets included); only RFC 2047
	 * words in a quoted value, which many mailers write, are ours. */
	for (char *p = s; *p != '\0'; p++)
		if (p[0] == '=' && p[1] == '?')
			p[0] = MIME_HIDE_EQ;
	if (is_disposition) {
		d = g_mime_content_disposition_parse(NULL, s);
		v = g_strdup(d != NULL
			? g_mime_content_disposition_get_parameter(d, param)
			: NULL);
	} else {
		ct = g_mime_content_type_parse(NULL, s);
		v = g_strdup(ct != NULL
			? g_mime_content_type_get_parameter(ct, param)
			: NULL);
	}
	g_clear_object(&d);
	g_clear_object(&ct);
	if (v == NULL)
		return NULL;
	g_strdelimit(v, (char[]){MIME_HIDE_EQ, '\0'}, '=');
	return hdrtext_decode(v, strlen(v));
}

/* mime_part_filename - a part's file name, decoded by lib/hdrtext */
char *
mime_part_filename(GMimeObject *part)
{
	const char *raw = raw_value(part, "Content-Disposition");
	char *name = raw != NULL ? param_text(raw, "filename", true) : NULL;

	if (name == NULL) {
		raw = raw_value(part, "Content-Type");
		name = raw != NULL ? param_text(raw, "name", false) : NULL;
	}
	return name;
}

/* header_word - a header's first word, lower case, without comments */
static char *
header_word(GMimeObject *o, const char *name)
{
	char *v = mime_header_text(o, name);
	char *end;

	if (v == NULL)
		return NULL;
	end = v + strcspn(v, ";(,");
	*end = '\0';
	g_strstrip(v);
	for (char *p = v; *p != '\0'; p++)
		*p = g_ascii_tolower(*p);
	return v;
}

/* has_token - whether a comma or space separated list holds word */
static bool
has_token(const char *list, const char *word)
{
	g_auto(GStrv) toks = g_strsplit_set(list, ", \t", -1);

	for (int i = 0; toks[i] != NULL; i++)
		if (g_ascii_strcasecmp(toks[i], word) == 0)
			return true;
	return false;
}

/* is_set_not_no - whether the header is present with a value but "no" */
static bool
is_set_not_no(GMimeObject *o, const char *name)
{
	g_autofree char *w = header_word(o, name);

	return w != NULL && strcmp(w, "no") != 0;
}

/* mime_is_auto_submitted - whether m is an automatic message (RFC 3834) */
bool
mime_is_auto_submitted(GMimeMessage *m)
{
	GMimeObject *o = GMIME_OBJECT(m);
	g_autofree char *prec = header_word(o, "Precedence");
	g_autofree char *sup = mime_header_text(o, "X-Auto-Response-Suppress");

	if (is_set_not_no(o, "Auto-Submitted"))
		return true;
	if (prec != NULL &&
	    (strcmp(prec, "bulk") == 0 || strcmp(prec, "junk") == 0 ||
		strcmp(prec, "list") == 0))
		return true;
	if (is_set_not_no(o, "X-Autoreply") ||
	    is_set_not_no(o, "X-Autorespond"))
		return true;
	return sup != NULL && has_token(sup, "all");
}

/* mime_is_auto_reply - whether m answers a message automatically (a
 * vacation or out-of-office reply: Auto-Submitted: auto-replied,
 * X-Autoreply, X-Autorespond), as opposed to other automatic mail
 * (notifications, newsletters, other lists) */
bool
mime_is_auto_reply(GMimeMessage *m)
{
	GMimeObject *o = GMIME_OBJECT(m);
	g_autofree char *as = header_word(o, "Auto-Submitted");

	return (as != NULL && strcmp(as, "auto-replied") == 0) ||
	    is_set_not_no(o, "X-Autoreply") ||
	    is_set_not_no(o, "X-Autorespond");
}

/* skip_spaces - p after spaces */
static const char *
skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* skip_counter - p after "[3]" or "(3)" as in "Re[3]:", else p */
static const char *
skip_counter(const char *p)
{
	const char *q = p + 1;
	char close = *p == '[' ? ']' : ')';

	if (*p != '[' && *p != '(')
		return p;
	while (g_ascii_isdigit(*q))
		q++;
	return q > p + 1 && *q == close ? q + 1 : p;
}

/* skip_marker - p after one reply/forward marker and its colon, or NULL */
static const char *
skip_marker(const char *p)
{
	static const char *const markers[] = {"re", "fwd", "fw", "aw", "sv",
	    "vs", "wg", "antw", "답장", "회신", "전달", "답변", NULL};

	for (int i = 0; markers[i] != NULL; i++) {
		size_t n = strlen(markers[i]);
		const char *q;

		if (g_ascii_strncasecmp(p, markers[i], n) != 0)
			continue;
		q = skip_spaces(skip_counter(p + n));
		if (*q == ':')
			return skip_spaces(q + 1);
		if (strncmp(q, "\xef\xbc\x9a", 3) == 0) /* fullwidth colon */
			return skip_spaces(q + 3);
	}
	return NULL;
}

/* one_line - a valid UTF-8 copy of s with CR, LF and TAB as spaces */
static char *
one_line(const char *s)
{
	char *c = g_utf8_make_valid(s != NULL ? s : "", -1);

	for (char *p = c; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return c;
}

/* truncate_utf8 - cut s at most max bytes, on a character boundary */
static void
truncate_utf8(char *s, size_t max)
{
	size_t p = max;

	if (strlen(s) <= max)
		return;
	while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
		p--;
	s[p] = '\0';
}

/* prefixed - subject with the list prefix first, not doubled */
static char *
prefixed(const char *subject_utf8, const char *prefix_utf8)
{
	g_autofree char *subj = one_line(subject_utf8);
	g_autofree char *prefix = g_strstrip(one_line(prefix_utf8));
	g_autofree char *rest_lc = NULL;
	g_autofree char *prefix_lc = NULL;
	const char *s = skip_spaces(subj);
	const char *rest = s;
	const char *next;

	if (*prefix == '\0')
		return g_steal_pointer(&subj);
	g_strchomp(subj);
	if (*s == '\0')
		return g_steal_pointer(&prefix);
	while ((next = skip_marker(rest)) != NULL)
		rest = next;
	rest_lc = g_ascii_strdown(rest, -1);
	prefix_lc = g_ascii_strdown(prefix, -1);
	if (strstr(rest_lc, prefix_lc) != NULL)
		return g_strdup(s);
	return g_strdup_printf("%s %s", prefix, s);
}

/* mime_subject_prefixed - subject with the list prefix first, not doubled,
 * cut to MOIM_MAX_SUBJECT bytes */
char *
mime_subject_prefixed(const char *subject_utf8, const char *prefix_utf8)
{
	char *s = prefixed(subject_utf8, prefix_utf8);

	/* Raw 8-bit header bytes decode to up to three times as many bytes
	 * of UTF-8: a field within MOIM_MAX_HEADER_FIELD can come out over
	 * it, and a subject nobody reads to the end must not stop a post. */
	truncate_utf8(s, MOIM_MAX_SUBJECT);
	return s;
}

/* is_header_name - whether name is a valid field name (RFC 5322 3.6.8) */
static bool
is_header_name(const char *name)
{
	size_t n = 0;

	for (const char *p = name; *p != '\0'; p++, n++)
		if (*p < 33 || *p > 126 || *p == ':')
			return false;
	return n > 0 && n <= 76;
}

/* header_ok - refuse a bad name or a value that could break the header */
static bool
header_ok(const char *name, const char *value, GError **err)
{
	if (name == NULL || !is_header_name(name))
		return moim_fail(err, MOIM_ERR_INPUT, "bad header field name");
	if (value == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "no value for %s", name);
	if (strpbrk(value, "\r\n") != NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "CR or LF in %s", name);
	if (!g_utf8_validate(value, -1, NULL))
		return moim_fail(err, MOIM_ERR_INPUT, "%s is not UTF-8", name);
	if (strlen(value) > MOIM_MAX_HEADER_FIELD)
		return moim_fail(err, MOIM_ERR_INPUT, "%s too long", name);
	return true;
}

/* is_address_field - whether a field holds an address list */
static bool
is_address_field(const char *name)
{
	static const char *const names[] = {
	    "From", "To", "Cc", "Bcc", "Reply-To", "Sender", NULL};

	for (int i = 0; names[i] != NULL; i++)
		if (g_ascii_strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* fold_put - append s after a space, or a fold when the line would pass
 * 78 characters */
static void
fold_put(GString *out, size_t *col, const char *s)
{
	size_t n = strlen(s);

	if (*col + 1 + n > 78 && out->len > 0) {
		g_string_append(out, "\n ");
		*col = 1;
	} else {
		g_string_append_c(out, ' ');
		(*col)++;
	}
	g_string_append(out, s);
	*col += n;
}

/* folded - the raw value of a field: value folded at its spaces */
static char *
folded(const char *name, const char *value)
{
	g_auto(GStrv) words = g_strsplit(value, " ", -1);
	GString *out = g_string_new(NULL);
	size_t col = strlen(name) + 1;

	for (int i = 0; words[i] != NULL; i++)
		fold_put(out, &col, words[i]);
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* address_raw - the raw value of an address field whose names are
 * encoded by lib/hdrtext, or NULL when value is no address list */
static char *
address_raw(const char *name, const char *value)
{
	InternetAddressList *l = internet_address_list_parse(NULL, value);
	GString *out;
	size_t col = strlen(name) + 1;
	int n = l != NULL ? internet_address_list_length(l) : 0;

	if (n == 0) {
		g_clear_object(&l);
		return NULL;
	}
	out = g_string_new(NULL);
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *dn = internet_address_get_name(ia);
		g_autofree char *one = NULL, *phrase = NULL;

		if (i > 0) {
			g_string_append_c(out, ',');
			col++;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia) || dn == NULL ||
		    is_7bit(dn, strlen(dn))) {
			one = internet_address_to_string(ia, NULL, FALSE);
			fold_put(out, &col, one);
			continue;
		}
		if (col > 50) {
			g_string_append(out, "\n");
			col = 0;
		}
		g_string_append_c(out, ' ');
		col++;
		phrase = hdrtext_encode_phrase(dn, &col);
		g_string_append(out, phrase);
		one = g_strdup_printf("<%s>",
		    internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(ia)));
		fold_put(out, &col, one);
	}
	g_object_unref(l);
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* fits_a_line - whether every word of value fits on a header line of
 * its own (998 octets, RFC 5322 2.1.1), the first after "name: " */
static bool
fits_a_line(const char *name, const char *value)
{
	size_t col = strlen(name) + 2;

	for (const char *p = value; *p != '\0'; p++) {
		col = *p == ' ' ? 1 : col + 1;
		if (col > MIME_LINE_MAX)
			return false;
	}
	return true;
}

/* set_field - replace or add a header; non-ASCII text is written in
 * words every reader decodes, GMime 3.2.13 included, not in GMime's
 * (its B words trip its own decoder: lib/hdrtext) */
static void
set_field(GMimeObject *o, const char *name, const char *value)
{
	g_autofree char *raw = NULL;
	GMimeHeader *h;

	g_mime_object_set_header(o, name, value, "utf-8");
	/* An address field as given (addr_format() wrote its words) and
	 * folded; GMime would decode and encode it again, and cut it. */
	if (is_address_field(name))
		raw = is_7bit(value, strlen(value)) ? folded(name, value)
						    : address_raw(name, value);
	else if (!is_7bit(value, strlen(value)))
		raw = hdrtext_encode(name, value);
	else if (fits_a_line(name, value))
		/* ASCII as given, folded at its spaces: GMime writes a word
		 * too long for one line (a URL in Archived-At) as encoded
		 * words, which no reader takes for a URL (RFC 2047 5). */
		raw = folded(name, value);
	h = first_header(o, name);
	if (raw != NULL && h != NULL)
		g_mime_header_set_raw_value(h, raw);
}

/* mime_set_subject - replace Subject, RFC 2047 encoded when non-ASCII */
bool
mime_set_subject(GMimeMessage *m, const char *subject_utf8, GError **err)
{
	if (!header_ok("Subject", subject_utf8, err))
		return false;
	set_field(GMIME_OBJECT(m), "Subject", subject_utf8);
	return true;
}

/* touch_body - a Content-* field of a message belongs to its body: the
 * body is then written from the tree, not from the bytes it came as */
static void
touch_body(GMimeObject *o, const char *name)
{
	if (GMIME_IS_MESSAGE(o) &&
	    g_ascii_strncasecmp(name, "Content-", 8) == 0)
		forget_raw_body(GMIME_MESSAGE(o));
}

/* mime_set_header - replace or add a header, encoded by GMime as needed */
bool
mime_set_header(
    GMimeObject *o, const char *name, const char *value_utf8, GError **err)
{
	if (!header_ok(name, value_utf8, err))
		return false;
	touch_body(o, name);
	set_field(o, name, value_utf8);
	return true;
}

/* mime_remove_header - remove every header of that name */
void
mime_remove_header(GMimeObject *o, const char *name)
{
	touch_body(o, name);
	/* Each call removes one field, so this ends. */
	while (g_mime_object_remove_header(o, name))
		;
}

/* decode_charset_name - the iconv name to decode a declared charset with */
static const char *
decode_charset_name(const char *charset)
{
	/* Korean mail labels CP949 (UHC) as EUC-KR or ks_c_5601-1987; CP949
	 * is a superset of EUC-KR, as in the WHATWG Encoding Standard. */
	static const char *const korean[] = {"ks_c_5601-1987", "ks_c_5601",
	    "ksc5601", "ksc_5601", "euc-kr", "euckr", "x-euc-kr", "windows-949",
	    "x-windows-949", "cp949", "uhc", NULL};

	for (int i = 0; korean[i] != NULL; i++)
		if (g_ascii_strcasecmp(charset, korean[i]) == 0)
			return "CP949";
	return g_mime_charset_iconv_name(charset);
}

/* decode_strict - buf from charset to UTF-8, or NULL on any bad byte */
static char *
decode_strict(const char *buf, size_t len, const char *charset, gsize *n_out)
{
	char *out;

	if (len == 0) {
		*n_out = 0;
		return g_strdup("");
	}
	out = g_convert(
	    buf, len, "UTF-8", decode_charset_name(charset), NULL, n_out, NULL);
	if (out != NULL && !g_utf8_validate_len(out, *n_out, NULL))
		g_clear_pointer(&out, g_free);
	return out;
}

/* is_mostly_utf8 - whether buf has UTF-8 sequences and few bad bytes */
static bool
is_mostly_utf8(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t good = 0, bad = 0;

	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);

		if ((unsigned char)*p < 0x80) {
			p++;
		} else if (c == (gunichar)-1 || c == (gunichar)-2) {
			bad++;
			p++;
		} else {
			good++;
			p = g_utf8_next_char(p);
		}
	}
	return good > 0 && bad <= good;
}

/* decode_fallback - UTF-8 (bad bytes replaced) if it looks so, else Latin-1 */
static char *
decode_fallback(const char *buf, size_t len, gsize *n_out)
{
	char *out;

	if (g_utf8_validate_len(buf, len, NULL)) {
		*n_out = len;
		return g_strndup(buf, len);
	}
	if (is_mostly_utf8(buf, len)) {
		out = g_utf8_make_valid(buf, len);
		*n_out = strlen(out);
		return out;
	}
	/* Every byte is a Latin-1 character: this cannot fail. */
	out = g_convert(buf, len, "UTF-8", "ISO-8859-1", NULL, n_out, NULL);
	g_assert(out != NULL);
	return out;
}

/* scrub_text - NUL to space, CRLF and lone CR to LF; returns s */
static char *
scrub_text(char *s, size_t len)
{
	size_t w = 0;

	for (size_t r = 0; r < len; r++) {
		if (s[r] == '\r' && r + 1 < len && s[r + 1] == '\n')
			continue;
		s[w++] = s[r] == '\0' ? ' ' : s[r] == '\r' ? '\n' : s[r];
	}
	s[w] = '\0';
	return s;
}

/* text_to_utf8 - decoded bytes of a text part as UTF-8; never NULL */
static char *
text_to_utf8(const char *buf, size_t len, const char *charset)
{
	gsize n = 0;
	char *s = NULL;

	if (len == 0)
		return g_strdup("");
	if (charset != NULL)
		s = decode_strict(buf, len, charset, &n);
	if (s == NULL)
		s = decode_fallback(buf, len, &n);
	return scrub_text(s, n);
}

/* part_bytes - the content of part with its transfer encoding undone */
static GByteArray *
part_bytes(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;

	/* A decoding error leaves what was decoded so far: for display. */
	if (w != NULL)
		(void)g_mime_data_wrapper_write_to_stream(w, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* The array is ours now; the stream would free its data. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return ba;
}

/* part_charset - the charset parameter of a part, or NULL */
static const char *
part_charset(GMimePart *part)
{
	return g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "charset");
}

/* part_text - a text part's content as UTF-8 with LF line ends */
static char *
part_text(GMimePart *part)
{
	GByteArray *ba = part_bytes(part);
	char *s =
	    text_to_utf8((const char *)ba->data, ba->len, part_charset(part));

	g_byte_array_unref(ba);
	return s;
}

/* is_attachment - whether o says Content-Disposition: attachment */
static bool
is_attachment(GMimeObject *o)
{
	const char *d = g_mime_object_get_disposition(o);

	return d != NULL && g_ascii_strcasecmp(d, "attachment") == 0;
}

/* find_text - the first inline text/SUBTYPE part under o, or NULL */
static GMimePart *
find_text(GMimeObject *o, const char *subtype, int depth)
{
	if (o == NULL || depth > MOIM_MAX_MIME_DEPTH)
		return NULL;
	if (GMIME_IS_MULTIPART_ENCRYPTED(o))
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++) {
			GMimePart *p =
			    find_text(g_mime_multipart_get_part(mp, i), subtype,
				depth + 1);

			if (p != NULL)
				return p;
		}
		return NULL;
	}
	if (!GMIME_IS_PART(o) || is_attachment(o))
		return NULL;
	if (!g_mime_content_type_is_type(
		g_mime_object_get_content_type(o), "text", subtype))
		return NULL;
	return GMIME_PART(o);
}

/* html_skip_block - after "</name>" (for script and style), or the end */
static const char *
html_skip_block(const char *p, const char *name)
{
	g_autofree char *close = g_strdup_printf("</%s", name);
	size_t n = strlen(close);

	const char *end;

	for (; *p != '\0'; p++)
		if (g_ascii_strncasecmp(p, close, n) == 0)
			break;
	end = strchr(p, '>');
	return end != NULL ? end + 1 : p + strlen(p);
}

/* html_is_tag - whether the tag at p (after '<') is name, or /name */
static bool
html_is_tag(const char *p, const char *name)
{
	size_t n = strlen(name);

	if (*p == '/')
		p++;
	return g_ascii_strncasecmp(p, name, n) == 0 && !g_ascii_isalnum(p[n]);
}

/* html_tag - skip the tag at p ('<'), writing a newline for block tags */
static const char *
html_tag(const char *p, GString *out)
{
	static const char *const breaks[] = {
	    "br", "p", "div", "tr", "li", "h1", "h2", "h3", "blockquote", NULL};
	const char *end;

	if (strncmp(p, "<!--", 4) == 0) {
		end = strstr(p + 4, "-->");
		return end != NULL ? end + 3 : p + strlen(p);
	}
	if (html_is_tag(p + 1, "script") || html_is_tag(p + 1, "style"))
		return html_skip_block(
		    p + 1, html_is_tag(p + 1, "script") ? "script" : "style");
	for (int i = 0; breaks[i] != NULL; i++)
		if (html_is_tag(p + 1, breaks[i]))
			g_string_append_c(out, '\n');
	end = strchr(p, '>');
	return end != NULL ? end + 1 : p + strlen(p);
}

/* html_entity - decode the entity at p ('&'), or copy the '&' */
static const char *
html_entity(const char *p, GString *out)
{
	static const char *const names[][2] = {{"amp", "&"}, {"lt", "<"},
	    {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
	const char *semi = strchr(p, ';');
	size_t n = semi != NULL ? (size_t)(semi - p - 1) : 0;

	if (n == 0 || n > 10)
		goto literal;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (strlen(names[i][0]) == n &&
		    strncmp(p + 1, names[i][0], n) == 0) {
			g_string_append(out, names[i][1]);
			return semi + 1;
		}
	if (p[1] == '#') {
		bool is_hex = p[2] == 'x' || p[2] == 'X';
		guint64 c = g_ascii_strtoull(
		    p + (is_hex ? 3 : 2), NULL, is_hex ? 16 : 10);

		if (c > 0 && c <= 0x10FFFF && g_unichar_validate((gunichar)c)) {
			g_string_append_unichar(out, (gunichar)c);
			return semi + 1;
		}
	}
literal:
	g_string_append_c(out, '&');
	return p + 1;
}

/* html_to_text - text/html roughly as text: tags dropped, entities decoded */
static char *
html_to_text(const char *h)
{
	GString *out = g_string_new(NULL);

	while (*h != '\0') {
		if (*h == '<')
			h = html_tag(h, out);
		else if (*h == '&')
			h = html_entity(h, out);
		else
			g_string_append_c(out, *h++);
	}
	return g_string_free(out, FALSE);
}

/* mime_body_text - the text a person wrote, as UTF-8; never NULL */
char *
mime_body_text(GMimeMessage *m, size_t max_bytes)
{
	GMimeObject *body = m != NULL ? g_mime_message_get_mime_part(m) : NULL;
	GMimePart *part;
	char *s;

	if ((part = find_text(body, "plain", 0)) != NULL) {
		s = part_text(part);
	} else if ((part = find_text(body, "html", 0)) != NULL) {
		g_autofree char *h = part_text(part);

		s = html_to_text(h);
	} else {
		s = g_strdup("");
	}
	truncate_utf8(s, max_bytes);
	return s;
}

/* is_7bit - whether buf is 7-bit text (no NUL, no byte over 127) */
static bool
is_7bit(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0' || (unsigned char)buf[i] > 127)
			return false;
	return true;
}

/* is_8bit_text - whether buf may go as 8bit (RFC 2045 2.8): no NUL, no
 * CR (lines end in LF here), no line over 998 bytes */
static bool
is_8bit_text(const char *buf, size_t len)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\0' || buf[i] == '\r')
			return false;
		col = buf[i] == '\n' ? 0 : col + 1;
		if (col > MIME_LINE_MAX)
			return false;
	}
	return true;
}

/* set_content - make bytes (not transfer-encoded) the content of part */
static void
set_content(GMimePart *part, const char *bytes, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(bytes, len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(
	    s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(s);
}

/* flowed_line - append a format=flowed fixed line: stuffed, no end space */
static void
flowed_line(GString *out, const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && line[n - 1] == ' ')
		n--;
	if (line[0] == ' ' || line[0] == '>' || strncmp(line, "From ", 5) == 0)
		g_string_append_c(out, ' ');
	g_string_append_len(out, line, n);
	g_string_append_c(out, '\n');
}

/* join_footer - text, a blank line and the footer, all lines LF-ended */
static char *
join_footer(const char *text, const char *footer, bool is_flowed)
{
	GString *out = g_string_new(text);
	g_auto(GStrv) lines = NULL;

	/* A flowed line ending in a space would join the footer to it. */
	while (is_flowed && out->len > 0 &&
	    (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\n'))
		g_string_truncate(out, out->len - 1);
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_string_append_c(out, '\n');
	lines = g_strsplit(footer, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		if (lines[i + 1] == NULL && lines[i][0] == '\0')
			break;
		g_strdelimit(lines[i], "\r", ' ');
		if (is_flowed)
			flowed_line(out, lines[i]);
		else
			g_string_append_printf(out, "%s\n", lines[i]);
	}
	return g_string_free(out, FALSE);
}

/* set_part_text - encode text in charset (else UTF-8) as part's content */
static void
set_part_text(GMimePart *part, const char *text, const char *charset)
{
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);
	const char *cs = charset != NULL ? charset : "us-ascii";
	gsize n = 0;
	char *bytes = g_convert(
	    text, -1, g_mime_charset_iconv_name(cs), "UTF-8", NULL, &n, NULL);

	if (bytes == NULL) {
		bytes = g_strdup(text);
		n = strlen(text);
		g_mime_object_set_content_type_parameter(
		    GMIME_OBJECT(part), "charset", "utf-8");
	}
	/* Text that was 7-bit and is not now goes as it is when it can
	 * (the relay is told BODY=8BITMIME, and Postfix converts for a
	 * next hop without it), as mlmmj's footer does; quoted-printable
	 * only for what 8bit cannot carry. */
	if (!is_7bit(bytes, n) &&
	    (enc == GMIME_CONTENT_ENCODING_DEFAULT ||
		enc == GMIME_CONTENT_ENCODING_7BIT))
		enc = is_8bit_text(bytes, n)
		    ? GMIME_CONTENT_ENCODING_8BIT
		    : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	set_content(part, bytes, n);
	g_mime_part_set_content_encoding(part, enc);
	g_free(bytes);
}

/* is_clean_base64 - whether n bytes are base64 that decodes exactly:
 * the alphabet, white space, and '=' padding only at the end */
static bool
is_clean_base64(const guint8 *p, size_t n)
{
	size_t chars = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		if (p[i] == '=' && pad < 2) {
			pad++;
			continue;
		}
		if (pad > 0 ||
		    (!g_ascii_isalnum(p[i]) && p[i] != '+' && p[i] != '/'))
			return false;
		chars++;
	}
	return (chars + pad) % 4 == 0;
}

/* is_exact_content - whether part's content decodes without loss; GMime
 * decodes broken base64 leniently, dropping what it cannot read */
static bool
is_exact_content(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *src, *mem;
	GByteArray *ba;
	bool ok;

	if (w == NULL ||
	    g_mime_data_wrapper_get_encoding(w) !=
		GMIME_CONTENT_ENCODING_BASE64)
		return true;
	src = g_mime_data_wrapper_get_stream(w);
	mem = g_mime_stream_mem_new();
	(void)g_mime_stream_reset(src);
	(void)g_mime_stream_write_to_stream(src, mem);
	(void)g_mime_stream_reset(src);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	ok = is_clean_base64(ba->data, ba->len);
	g_object_unref(mem);
	return ok;
}

/* append_footer - footer into a text/plain part; false if undecodable */
static bool
append_footer(GMimePart *part, const char *footer)
{
	const char *charset = part_charset(part);
	const char *format = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "format");
	bool is_flowed =
	    format != NULL && g_ascii_strcasecmp(format, "flowed") == 0;
	GByteArray *ba = part_bytes(part);
	gsize n = 0;
	g_autofree char *text = decode_strict((const char *)ba->data, ba->len,
	    charset != NULL ? charset : "us-ascii", &n);
	g_autofree char *joined = NULL;

	g_byte_array_unref(ba);
	/* Text we cannot read exactly is left alone and wrapped instead. */
	if (text == NULL || strlen(text) != n || !is_exact_content(part))
		return false;
	joined = join_footer(scrub_text(text, n), footer, is_flowed);
	set_part_text(part, joined, charset);
	return true;
}

/* footer_part - a new inline text/plain; charset=UTF-8 part of footer */
static GMimeObject *
footer_part(const char *footer)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	GMimePart *p = GMIME_PART(tp);
	g_autofree char *text = join_footer("", footer, false);
	const char *body = text + 1; /* join_footer began with a blank line */

	set_content(p, body, strlen(body));
	g_mime_text_part_set_charset(tp, "utf-8");
	g_mime_part_set_content_encoding(p,
	    is_7bit(body, strlen(body))
		? GMIME_CONTENT_ENCODING_7BIT
		: GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_object_set_disposition(GMIME_OBJECT(tp), "inline");
	return GMIME_OBJECT(tp);
}

/* copy_header - append src's field to o with src's raw value */
static void
copy_header(GMimeObject *o, GMimeHeader *src)
{
	const char *name = g_mime_header_get_name(src);
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	GMimeHeader *h;

	/* A new part has a Content-Type already: replace that one. */
	if (g_ascii_strcasecmp(name, "Content-Type") == 0) {
		g_mime_object_set_header(
		    o, name, g_mime_header_get_value(src), NULL);
		h = g_mime_header_list_get_header(hl, name);
	} else {
		g_mime_object_append_header(
		    o, name, g_mime_header_get_value(src), NULL);
		h = g_mime_header_list_get_header_at(
		    hl, g_mime_header_list_get_count(hl) - 1);
	}
	if (h != NULL && g_mime_header_get_raw_value(src) != NULL)
		g_mime_header_set_raw_value(
		    h, g_mime_header_get_raw_value(src));
}

/* raw_part - a leaf part with the Content-* fields of body and bytes as
 * its content, which GMime writes back unchanged */
static GMimeObject *
raw_part(GMimeObject *body, GBytes *bytes)
{
	GMimePart *p = g_mime_part_new();
	GMimeHeaderList *hl = g_mime_object_get_header_list(body);
	int n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;
	gsize len = 0;
	const char *data = g_bytes_get_data(bytes, &len);
	GMimeStream *s =
	    g_mime_stream_mem_new_with_buffer(data != NULL ? data : "", len);
	GMimeDataWrapper *w;

	for (int i = 0; i < n; i++)
		copy_header(
		    GMIME_OBJECT(p), g_mime_header_list_get_header_at(hl, i));
	/* No Content-Type means text/plain (RFC 2045 5.2), not the
	 * application/octet-stream a new part starts with. */
	if (hl == NULL || !g_mime_header_list_contains(hl, "Content-Type"))
		(void)g_mime_header_list_remove(
		    g_mime_object_get_header_list(GMIME_OBJECT(p)),
		    "Content-Type");
	/* The same encoding on both sides: GMime copies, never recodes. */
	w = g_mime_data_wrapper_new_with_stream(
	    s, g_mime_part_get_content_encoding(p));
	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	return GMIME_OBJECT(p);
}

/* wrap_footer - body and a footer part in a new multipart/mixed; a body
 * that arrived unchanged goes in as the bytes it arrived as */
static void
wrap_footer(GMimeMessage *m, GMimeObject *body, const char *footer)
{
	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
	GMimeObject *fp = footer_part(footer);
	GBytes *raw = raw_body_of(m);
	GMimeObject *first =
	    raw != NULL ? raw_part(body, raw) : g_object_ref(body);

	g_mime_multipart_add(mixed, first);
	g_mime_multipart_add(mixed, fp);
	g_object_unref(first);
	g_object_unref(fp);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(mixed));
	g_object_unref(mixed);
	forget_raw_body(m);
}

/* mime_add_footer - append footer to a plain body, or wrap the body */
bool
mime_add_footer(GMimeMessage *m, const char *footer_utf8, GError **err)
{
	GMimeObject *body;

	if (footer_utf8 == NULL || !g_utf8_validate(footer_utf8, -1, NULL))
		return moim_fail(err, MOIM_ERR_INPUT, "footer is not UTF-8");
	body = g_mime_message_get_mime_part(m);
	if (body == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "message has no body");
	if (GMIME_IS_PART(body) && !is_attachment(body) &&
	    g_mime_content_type_is_type(
		g_mime_object_get_content_type(body), "text", "plain") &&
	    append_footer(GMIME_PART(body), footer_utf8)) {
		forget_raw_body(m);
		return true;
	}
	wrap_footer(m, body, footer_utf8);
	return true;
}

/* written - o, or the content of o, as GMime writes it */
static GByteArray *
written(GMimeObject *o, bool content_only)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;

	/* Writes to a memory stream do not fail (allocation aborts). */
	if (content_only)
		(void)g_mime_object_write_content_to_stream(o, NULL, mem);
	else
		(void)g_mime_object_write_to_stream(o, NULL, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* The array is ours now; the stream would free its data. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return ba;
}

/* write_message - m to out: its header as GMime writes it, then its body
 * as it arrived when unchanged, else as GMime writes it */
static void
write_message(GMimeMessage *m, GMimeStream *out)
{
	GBytes *raw = raw_body_of(m);
	GByteArray *all = written(GMIME_OBJECT(m), false), *body = NULL;
	size_t head = all->len;
	gsize n = 0;
	const char *data;

	/* GMime writes a message as header, empty line, body content. */
	if (raw != NULL) {
		body = written(g_mime_message_get_mime_part(m), true);
		if (body->len <= all->len &&
		    (body->len == 0 ||
			memcmp(all->data + all->len - body->len, body->data,
			    body->len) == 0))
			head = all->len - body->len;
		else
			raw = NULL;
	}
	if (head > 0)
		(void)g_mime_stream_write(out, (const char *)all->data, head);
	if (raw != NULL && (data = g_bytes_get_data(raw, &n)) != NULL && n > 0)
		(void)g_mime_stream_write(out, data, n);
	g_byte_array_unref(all);
	if (body != NULL)
		g_byte_array_unref(body);
}

/* mime_to_bytes - o serialised, with LF line ends */
GBytes *
mime_to_bytes(GMimeObject *o)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *fs = g_mime_stream_filter_new(mem);
	GMimeFilter *f = g_mime_filter_dos2unix_new(FALSE);
	GByteArray *ba;
	GBytes *b;

	g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
	g_object_unref(f);
	/* Writes to a memory stream do not fail (allocation aborts). */
	if (GMIME_IS_MESSAGE(o))
		write_message(GMIME_MESSAGE(o), fs);
	else
		(void)g_mime_object_write_to_stream(o, NULL, fs);
	(void)g_mime_stream_flush(fs);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	b = g_bytes_new(ba->data, ba->len);
	g_object_unref(fs);
	g_object_unref(mem);
	return b;
}

/* is_msgid - whether s looks like "<left@right>", one token, bounded */
static bool
is_msgid(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 998 || s[0] != '<' || s[n - 1] != '>')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == 127)
			return false;
	return strchr(s + 1, '<') == NULL && strchr(s, '>') == s + n - 1;
}

/* is_domain - whether s is a plausible domain for a Message-ID */
static bool
is_domain(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MOIM_MAX_DOMAIN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* notice_ok - refuse a notice with a missing or unsafe field */
static bool
notice_ok(const struct mime_notice *n, GError **err)
{
	if (n == NULL || n->from == NULL || n->to == NULL || n->body == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "notice incomplete");
	if (!header_ok("Subject", n->subject, err) ||
	    !header_ok("From", n->from, err) || !header_ok("To", n->to, err))
		return false;
	if (n->message_id_domain == NULL || !is_domain(n->message_id_domain))
		return moim_fail(err, MOIM_ERR_INPUT, "bad Message-ID domain");
	if (!g_utf8_validate(n->body, -1, NULL))
		return moim_fail(err, MOIM_ERR_INPUT, "body is not UTF-8");
	if (strlen(n->body) > MOIM_MAX_MESSAGE)
		return moim_fail(err, MOIM_ERR_INPUT, "body too long");
	return true;
}

/* add_addresses - parse s (a formatted mailbox) into dst */
static bool
add_addresses(
    InternetAddressList *dst, const char *s, const char *what, GError **err)
{
	InternetAddressList *l = internet_address_list_parse(NULL, s);
	bool ok = l != NULL && internet_address_list_length(l) > 0;

	if (ok)
		internet_address_list_append(dst, l);
	g_clear_object(&l);
	return ok ? true
		  : moim_fail(err, MOIM_ERR_INPUT, "bad %s address", what);
}

/* notice_headers - every header of a notice but the Content-* ones */
static bool
notice_headers(GMimeMessage *m, const struct mime_notice *n, GError **err)
{
	GMimeObject *o = GMIME_OBJECT(m);
	g_autofree char *uuid = g_uuid_string_random();
	g_autofree char *id =
	    g_strdup_printf("%s@%s", uuid, n->message_id_domain);
	GDateTime *now = g_date_time_new_now_local();

	g_mime_message_set_date(m, now);
	g_date_time_unref(now);
	if (!add_addresses(g_mime_message_get_from(m), n->from, "From", err) ||
	    !add_addresses(
		g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO), n->to,
		"To", err))
		return false;
	/* The names as every reader decodes them (set_field). */
	set_field(o, "From", n->from);
	set_field(o, "To", n->to);
	set_field(o, "Subject", n->subject);
	g_mime_message_set_message_id(m, id);
	if (n->in_reply_to != NULL) {
		g_mime_object_set_header(
		    o, "In-Reply-To", n->in_reply_to, NULL);
		g_mime_object_set_header(o, "References", n->in_reply_to, NULL);
	}
	g_mime_object_set_header(o, "MIME-Version", "1.0", NULL);
	g_mime_object_set_header(o, "Auto-Submitted", "auto-replied", NULL);
	for (int i = 0; n->extra_headers != NULL && n->extra_headers[i] != NULL;
	     i += 2)
		if (!mime_set_header(
			o, n->extra_headers[i], n->extra_headers[i + 1], err))
			return false;
	return true;
}

/* has_long_line - whether a line of text is over MIME_NOTICE_LINE bytes */
static bool
has_long_line(const char *text)
{
	size_t run = 0;

	for (const char *p = text; *p != '\0'; p++) {
		run = *p == '\n' ? 0 : run + 1;
		if (run > MIME_NOTICE_LINE)
			return true;
	}
	return false;
}

/* notice_body - the text/plain; charset=UTF-8 body of a notice */
static void
notice_body(GMimeMessage *m, const char *body)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	GMimePart *p = GMIME_PART(tp);
	char *text = scrub_text(g_strdup(body), strlen(body));
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_7BIT;

	set_content(p, text, strlen(text));
	g_mime_text_part_set_charset(tp, "utf-8");
	if (!is_7bit(text, strlen(text)) || has_long_line(text))
		enc = g_mime_part_get_best_content_encoding(
		    p, GMIME_ENCODING_CONSTRAINT_7BIT);
	if (enc == GMIME_CONTENT_ENCODING_7BIT && has_long_line(text))
		enc = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	g_mime_part_set_content_encoding(p, enc);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(tp));
	g_object_unref(tp);
	g_free(text);
}

/* rfc822_part - a message/rfc822 part holding orig as mime_to_bytes()
 * writes it, so that what arrived is what is attached */
static GMimeObject *
rfc822_part(GMimeMessage *orig)
{
	GMimePart *p = g_mime_part_new_with_type("message", "rfc822");
	GBytes *b = mime_to_bytes(GMIME_OBJECT(orig));
	gsize n = 0;
	const char *data = g_bytes_get_data(b, &n);
	GMimeStream *s =
	    g_mime_stream_mem_new_with_buffer(data != NULL ? data : "", n);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(
	    s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	g_bytes_unref(b);
	return GMIME_OBJECT(p);
}

/* notice_attach - make the body multipart/mixed [text, message/rfc822] */
static void
notice_attach(GMimeMessage *m, GMimeMessage *orig)
{
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
	GMimeObject *mpart = rfc822_part(orig);

	g_mime_multipart_add(mp, g_mime_message_get_mime_part(m));
	g_mime_multipart_add(mp, mpart);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(mp));
	g_object_unref(mpart);
	g_object_unref(mp);
}

/* mime_build_notice - a complete text/plain message from moim, LF ends */
char *
mime_build_notice(const struct mime_notice *n, GError **err)
{
	struct mime_notice c;
	g_autofree char *subject = NULL;
	GMimeMessage *m;
	GBytes *b;
	gsize len = 0;
	char *data;

	mime_init();
	if (n == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "notice incomplete"),
		       NULL;
	/* A subject that quotes a post's (up to three times the field bound
	 * once decoded) is cut, not refused: a notice must not fail on it. */
	c = *n;
	if (c.subject != NULL && strlen(c.subject) > MOIM_MAX_SUBJECT) {
		c.subject = subject = g_strdup(n->subject);
		truncate_utf8(subject, MOIM_MAX_SUBJECT);
	}
	/* A reference moim cannot write ("<a b@x>" came as a Message-ID) is
	 * left out: the notice matters more than its threading, and
	 * refusing it failed the job for ever. */
	if (c.in_reply_to != NULL && !is_msgid(c.in_reply_to))
		c.in_reply_to = NULL;
	if (!notice_ok(&c, err))
		return NULL;
	m = g_mime_message_new(TRUE);
	if (!notice_headers(m, &c, err)) {
		g_object_unref(m);
		return NULL;
	}
	notice_body(m, c.body);
	if (c.attach != NULL)
		notice_attach(m, c.attach);
	b = mime_to_bytes(GMIME_OBJECT(m));
	g_object_unref(m);
	data = g_bytes_unref_to_data(b, &len);
	data = g_realloc(data, len + 1);
	data[len] = '\0';
	return data;
}
