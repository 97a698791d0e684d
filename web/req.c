/*
 * req.c - moim-web's parsers of request input (see req.h)
 */
#include <string.h>

#include "err.h"
#include "req.h"

/* hexval - the value of one hex digit, or -1 */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* pct_decode - percent-decode buf[0..len) ("+" a space when plus is
 * set); NULL for an invalid %XX, a NUL, or text that is not UTF-8 */
static char *
pct_decode(const char *buf, size_t len, bool plus, GError **err)
{
	GString *out = g_string_sized_new(len + 1);
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '%') {
			if (len - i < 3)
				goto bad;
			hi = hexval(buf[i + 1]);
			lo = hexval(buf[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			ch = (char)(hi * 16 + lo);
			i += 2;
		} else if (ch == '+' && plus)
			ch = ' ';
		if (ch == '\0')
			goto bad;
		g_string_append_c(out, ch);
	}
	if (!g_utf8_validate(out->str, (gssize)out->len, NULL)) {
		g_string_free(out, TRUE);
		moim_fail(err, MOIM_ERR_INPUT, "not UTF-8 after decoding");
		return NULL;
	}
	return g_string_free(out, FALSE);
bad:
	g_string_free(out, TRUE);
	moim_fail(err, MOIM_ERR_INPUT, "invalid %%XX or NUL");
	return NULL;
}

/* has_control - whether s has a C0 control character or DEL */
static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* req_path_split - split and decode an absolute request path */
bool
req_path_split(
    const char *path, char ***seg_out, size_t *nseg_out, GError **err)
{
	GPtrArray *segs;
	const char *p, *end;
	size_t len;

	if (path == NULL || path[0] != '/')
		return moim_fail(err, MOIM_ERR_INPUT, "path not absolute");
	len = strlen(path);
	if (len > REQ_MAX_PATH)
		return moim_fail(err, MOIM_ERR_INPUT, "path too long");
	segs = g_ptr_array_new_with_free_func(g_free);
	p = path + 1;
	for (;;) {
		char *seg;

		end = strchr(p, '/');
		if (end == NULL)
			end = path + len;
		if (end == p && *end == '/') {
			moim_fail(err, MOIM_ERR_INPUT, "empty path segment");
			goto fail;
		}
		if (segs->len >= REQ_MAX_SEGS) {
			moim_fail(err, MOIM_ERR_INPUT, "too many segments");
			goto fail;
		}
		seg = pct_decode(p, (size_t)(end - p), false, err);
		if (seg == NULL)
			goto fail;
		g_ptr_array_add(segs, seg);
		if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
			moim_fail(err, MOIM_ERR_INPUT, "dot segment");
			goto fail;
		}
		if (has_control(seg)) {
			moim_fail(err, MOIM_ERR_INPUT, "control character");
			goto fail;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*nseg_out = segs->len;
	g_ptr_array_add(segs, NULL);
	g_ptr_array_set_free_func(segs, NULL);
	*seg_out = (char **)g_ptr_array_free(segs, FALSE);
	return true;
fail:
	g_ptr_array_unref(segs);
	return false;
}

/* form_new - an empty form table */
static GHashTable *
form_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* form_add - add name=value unless name is there (the first wins);
 * false when the form is full or the name too long */
static bool
form_add(GHashTable *form, char *name, char *value, GError **err)
{
	if (strlen(name) > REQ_MAX_NAME) {
		g_free(name);
		g_free(value);
		return moim_fail(err, MOIM_ERR_INPUT, "field name too long");
	}
	if (g_hash_table_contains(form, name)) {
		g_free(name);
		g_free(value);
		return true;
	}
	if (g_hash_table_size(form) >= REQ_MAX_FIELDS) {
		g_free(name);
		g_free(value);
		return moim_fail(err, MOIM_ERR_INPUT, "too many fields");
	}
	g_hash_table_insert(form, name, value);
	return true;
}

/* req_form_urlencoded - decode name=value&... */
GHashTable *
req_form_urlencoded(const char *buf, size_t len, GError **err)
{
	GHashTable *form = form_new();
	size_t i = 0, n = 0;

	while (i < len) {
		const char *f = buf + i, *amp, *eq;
		size_t flen;
		char *name, *value;

		amp = memchr(f, '&', len - i);
		flen = amp != NULL ? (size_t)(amp - f) : len - i;
		i += flen + 1;
		if (flen == 0)
			continue;
		if (++n > REQ_MAX_FIELDS * 4) {
			moim_fail(err, MOIM_ERR_INPUT, "too many fields");
			goto fail;
		}
		eq = memchr(f, '=', flen);
		name = pct_decode(
		    f, eq != NULL ? (size_t)(eq - f) : flen, true, err);
		if (name == NULL)
			goto fail;
		value = eq != NULL
		    ? pct_decode(eq + 1, flen - (size_t)(eq + 1 - f), true, err)
		    : g_strdup("");
		if (value == NULL) {
			g_free(name);
			goto fail;
		}
		if (!form_add(form, name, value, err))
			goto fail;
	}
	return form;
fail:
	g_hash_table_unref(form);
	return NULL;
}

/* param_get - the value of parameter name in a header value like
 * 'form-data; name="x"' or 'multipart/form-data; boundary=y': a token
 * or a quoted string (backslash escapes); NULL if absent or malformed */
static char *
param_get(const char *v, size_t len, const char *name)
{
	size_t nlen = strlen(name), i = 0;

	/* Skip the first item (the type or "form-data"). */
	while (i < len && v[i] != ';')
		i++;
	while (i < len) {
		size_t start;

		i++; /* the ';' */
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < len && v[i] != '=' && v[i] != ';')
			i++;
		if (i >= len || v[i] != '=')
			continue;
		bool match = i - start == nlen &&
		    g_ascii_strncasecmp(v + start, name, nlen) == 0;
		GString *out = g_string_new(NULL);
		i++; /* the '=' */
		if (i < len && v[i] == '"') {
			for (i++; i < len && v[i] != '"'; i++) {
				if (v[i] == '\\' && i + 1 < len)
					i++;
				g_string_append_c(out, v[i]);
			}
			if (i >= len) {
				g_string_free(out, TRUE);
				return NULL; /* unterminated quote */
			}
			i++;
		} else {
			while (i < len && v[i] != ';' && v[i] != ' ' &&
			    v[i] != '\t')
				g_string_append_c(out, v[i++]);
		}
		if (match)
			return g_string_free(out, FALSE);
		g_string_free(out, TRUE);
		while (i < len && v[i] != ';')
			i++;
	}
	return NULL;
}

/* part_head - from a part's headers, the form-data field name and
 * whether it is a file; false when there is no usable disposition */
static bool
part_head(const char *h, size_t len, char **name_out, bool *is_file_out)
{
	static const char cd[] = "content-disposition:";
	size_t i = 0;

	*name_out = NULL;
	*is_file_out = false;
	while (i < len) {
		const char *line = h + i, *eol;
		size_t llen;

		eol = g_strstr_len(line, (gssize)(len - i), "\r\n");
		llen = eol != NULL ? (size_t)(eol - line) : len - i;
		i += llen + 2;
		if (llen < sizeof cd - 1 ||
		    g_ascii_strncasecmp(line, cd, sizeof cd - 1) != 0)
			continue;
		const char *v = line + sizeof cd - 1;
		size_t vlen = llen - (sizeof cd - 1);
		while (vlen > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		if (vlen < 9 || g_ascii_strncasecmp(v, "form-data", 9) != 0 ||
		    (vlen > 9 && v[9] != ';' && v[9] != ' '))
			return false;
		g_free(*name_out);
		*name_out = param_get(v, vlen, "name");
		char *fn = param_get(v, vlen, "filename");
		*is_file_out = fn != NULL;
		g_free(fn);
	}
	return *name_out != NULL;
}

/* req_form_multipart - decode a multipart/form-data body */
GHashTable *
req_form_multipart(
    const char *content_type, const char *buf, size_t len, GError **err)
{
	g_autofree char *boundary = NULL, *delim = NULL;
	GHashTable *form;
	const char *p, *end;
	size_t dlen, nparts = 0;

	if (content_type == NULL ||
	    g_ascii_strncasecmp(content_type, "multipart/form-data", 19) != 0) {
		moim_fail(err, MOIM_ERR_INPUT, "not multipart/form-data");
		return NULL;
	}
	boundary = param_get(content_type, strlen(content_type), "boundary");
	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > 70 ||
	    has_control(boundary)) {
		moim_fail(err, MOIM_ERR_INPUT, "no or bad boundary");
		return NULL;
	}
	if (buf == NULL || len == 0) {
		moim_fail(err, MOIM_ERR_INPUT, "empty body");
		return NULL;
	}
	end = buf + len;
	/* Every delimiter but a first one at the very start follows CRLF. */
	delim = g_strconcat("\r\n--", boundary, NULL);
	dlen = strlen(delim);
	if (len >= dlen - 2 && memcmp(buf, delim + 2, dlen - 2) == 0)
		p = buf + dlen - 2;
	else {
		p = memmem(buf, len, delim, dlen);
		if (p == NULL) {
			moim_fail(err, MOIM_ERR_INPUT, "no delimiter");
			return NULL;
		}
		p += dlen;
	}
	form = form_new();
	for (;;) {
		const char *head, *hend, *body, *next;
		char *name = NULL;
		bool is_file;

		/* p is just after a delimiter: "--" ends, else padding+CRLF */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return form;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			moim_fail(err, MOIM_ERR_INPUT, "bad delimiter line");
			goto fail;
		}
		head = p + 2;
		if (end - head >= 2 && head[0] == '\r' && head[1] == '\n')
			hend = head; /* no headers */
		else {
			size_t hmax = MIN((size_t)(end - head),
			    (size_t)REQ_MAX_PART_HEAD + 4);
			hend = memmem(head, hmax, "\r\n\r\n", 4);
			if (hend == NULL) {
				moim_fail(err, MOIM_ERR_INPUT, "part headers");
				goto fail;
			}
			hend += 2;
		}
		body = hend + 2;
		next = memmem(body, (size_t)(end - body), delim, dlen);
		if (next == NULL) {
			moim_fail(err, MOIM_ERR_INPUT, "unterminated part");
			goto fail;
		}
		if (++nparts > REQ_MAX_FIELDS * 4) {
			moim_fail(err, MOIM_ERR_INPUT, "too many parts");
			goto fail;
		}
		if (!part_head(head, (size_t)(hend - head), &name, &is_file)) {
			g_free(name);
			moim_fail(err, MOIM_ERR_INPUT, "part without a name");
			goto fail;
		}
		if (!is_file) {
			size_t vlen = (size_t)(next - body);

			if (memchr(body, '\0', vlen) != NULL ||
			    !g_utf8_validate(body, (gssize)vlen, NULL) ||
			    !g_utf8_validate(name, -1, NULL) ||
			    name[0] == '\0') {
				g_free(name);
				moim_fail(err, MOIM_ERR_INPUT, "bad field");
				goto fail;
			}
			if (!form_add(form, name, g_strndup(body, vlen), err))
				goto fail;
		} else
			g_free(name);
		p = next + dlen;
	}
fail:
	g_hash_table_unref(form);
	return NULL;
}

/* req_cookie_get - the value of cookie name in a Cookie header */
char *
req_cookie_get(const char *header, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (header == NULL)
		return NULL;
	while (*p) {
		const char *end, *v;
		size_t vlen;

		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			v = p + nlen + 1;
			vlen = (size_t)(end - v);
			while (vlen > 0 &&
			    (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (vlen > REQ_MAX_COOKIE)
				return NULL;
			return g_strndup(v, vlen);
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return NULL;
}
