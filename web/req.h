/*
 * req - moim-web's parsers of request input: path, query, forms, cookie
 *
 * SYNOPSIS
 *	bool req_path_split(const char *path, char ***seg_out,
 *	    size_t *nseg_out, GError **err);
 *	GHashTable *req_form_urlencoded(const char *buf, size_t len,
 *	    GError **err);
 *	GHashTable *req_form_multipart(const char *content_type,
 *	    const char *buf, size_t len, GError **err);
 *	char *req_cookie_get(const char *header, const char *name);
 * DESCRIPTION
 *	req_path_split() splits an absolute request path ("/a/b%2Fc/") at
 *	"/" and percent-decodes each segment on its own, so an encoded "/"
 *	stays inside its segment. A path that ends in "/" gets an empty last
 *	segment ("/" is one empty segment), which is how the router knows a
 *	trailing "/" was there. Refused: a path not starting with "/", an
 *	empty segment other than the last ("//"), a "." or ".." segment
 *	(also when encoded), an invalid %XX, a decoded NUL or other control
 *	character, invalid UTF-8, more than REQ_MAX_SEGS segments or more
 *	than REQ_MAX_PATH bytes.
 *
 *	req_form_urlencoded() decodes application/x-www-form-urlencoded
 *	text, which is also the form of a query string: fields split at "&",
 *	name and value at the first "=" (a field without "=" has the value
 *	""), "+" is a space, %XX an octet. Of repeated names the first wins.
 *	Empty fields ("a=1&&b=2") are skipped.
 *
 *	req_form_multipart() decodes a multipart/form-data body (RFC 7578)
 *	whose boundary parameter comes from content_type. Each part needs a
 *	Content-Disposition: form-data with a name; parts with a filename
 *	(file uploads) are skipped. Parts are read as text: no
 *	Content-Transfer-Encoding is applied.
 *
 *	req_cookie_get() finds the value of cookie name in a Cookie header
 *	("a=1; b=2"), without surrounding quotes.
 * OWNERSHIP
 *	*seg_out is a NULL-ended vector (g_strfreev). Forms are tables of
 *	new strings (g_hash_table_unref). req_cookie_get() returns a new
 *	string or NULL.
 * INPUT AND LIMITS
 *	Everything is untrusted. Over REQ_MAX_FIELDS fields, a name over
 *	REQ_MAX_NAME bytes, a value that is not UTF-8 or holds a NUL is
 *	refused; so is a multipart body without its closing delimiter, a
 *	boundary over 70 bytes or a part's headers over REQ_MAX_PART_HEAD
 *	bytes. Cookie values over REQ_MAX_COOKIE bytes are not found.
 *	Nothing allocates more than a small multiple of its input.
 * THREADS
 *	No shared state.
 * ERRORS
 *	MOIM_ERR_INPUT only (the router answers 400).
 * SEE ALSO
 *	RFC 3986, RFC 7578, RFC 6265, WHATWG URL "application/x-www-form-
 *	urlencoded", web/web.h.
 */
#ifndef MOIM_WEB_REQ_H
#define MOIM_WEB_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Longer paths are no page of ours (the longest is a Message-ID page). */
#define REQ_MAX_PATH 2048
#define REQ_MAX_SEGS 16
/* Forms and queries are small: a handful of fields. */
#define REQ_MAX_FIELDS 64
#define REQ_MAX_NAME 64
#define REQ_MAX_PART_HEAD 1024
#define REQ_MAX_COOKIE 4096

bool req_path_split(
    const char *path, char ***seg_out, size_t *nseg_out, GError **err);
GHashTable *req_form_urlencoded(const char *buf, size_t len, GError **err);
GHashTable *req_form_multipart(
    const char *content_type, const char *buf, size_t len, GError **err);
char *req_cookie_get(const char *header, const char *name);

#endif
