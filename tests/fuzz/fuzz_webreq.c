/*
 * fuzz_webreq - libFuzzer target for web/req.c: any request path,
 * query, form body (urlencoded or multipart) and Cookie header is
 * refused or decoded into bounded, valid UTF-8 without NUL; path
 * segments are never "." or ".." and hold no control character
 *
 * Build: see tests/fuzz/run.sh; seeded with the written cases there.
 * The input is one line of Content-Type for the multipart parser, then
 * the rest, which every parser reads: as a path and a cookie header (a
 * NUL-terminated copy, as libmicrohttpd hands them over) and as a form
 * body (a heap buffer of exactly its size with no NUL after it, so that
 * a read past the end is an AddressSanitizer error).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_form - a decoded form within the bounds */
static void
check_form(GHashTable *f, size_t in_len)
{
	GHashTableIter it;
	gpointer k, v;

	if (f == NULL)
		return;
	if (g_hash_table_size(f) > REQ_MAX_FIELDS)
		__builtin_trap();
	g_hash_table_iter_init(&it, f);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		if (strlen(k) > REQ_MAX_NAME || strlen(v) > in_len ||
		    !g_utf8_validate(k, -1, NULL) ||
		    !g_utf8_validate(v, -1, NULL))
			__builtin_trap();
	}
	g_hash_table_unref(f);
}

/* check_path - the segments of an accepted path */
static void
check_path(const char *path)
{
	char **seg = NULL;
	size_t n = 0;

	if (!req_path_split(path, &seg, &n, NULL))
		return;
	if (n == 0 || n > REQ_MAX_SEGS || g_strv_length(seg) != n)
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		if (strcmp(seg[i], ".") == 0 || strcmp(seg[i], "..") == 0 ||
		    !g_utf8_validate(seg[i], -1, NULL) ||
		    strlen(seg[i]) > strlen(path))
			__builtin_trap();
		for (const char *p = seg[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				__builtin_trap();
		/* only the last segment may be empty */
		if (seg[i][0] == '\0' && i + 1 != n)
			__builtin_trap();
	}
	g_strfreev(seg);
}

/* LLVMFuzzerTestOneInput - every parser of req.c on one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ctlen = nl != NULL ? (size_t)(nl - data) : 0;
	size_t blen = nl != NULL ? size - ctlen - 1 : size;
	char *ct = g_strndup((const char *)data, ctlen);
	char *body = blen > 0 ? g_memdup2(data + size - blen, blen) : NULL;
	char *text = g_strndup((const char *)data + size - blen, blen);
	char *cookie;

	check_path(text);
	check_form(req_form_urlencoded(body, blen, NULL), blen);
	check_form(req_form_multipart(ct, body, blen, NULL), blen);
	cookie = req_cookie_get(text, "moim_session");
	if (cookie != NULL &&
	    (strlen(cookie) > REQ_MAX_COOKIE || strlen(cookie) > blen))
		__builtin_trap();
	g_free(cookie);
	g_free(text);
	g_free(body);
	g_free(ct);
	return 0;
}
