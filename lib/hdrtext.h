/*
 * hdrtext - decode and encode RFC 2047 header text
 *
 * SYNOPSIS
 *	char *hdrtext_decode(const char *raw, size_t len);
 *	char *hdrtext_encode(const char *field, const char *text_utf8);
 *	char *hdrtext_encode_phrase(const char *text_utf8, size_t *col);
 * DESCRIPTION
 *	GMime parses messages, but GMime 3.2.13 (Debian 12) decodes encoded
 *	words wrongly: it joins the base64 texts of adjacent B words of one
 *	charset before decoding, and stops at the first word's "=" padding,
 *	so "=?utf-8?b?...IA==?= =?utf-8?b?6rO17Jyg?=" loses its second word
 *	(upstream gmime#133). Its encoder writes exactly such words. Every
 *	header moim reads or writes as text goes through this module.
 *
 *	hdrtext_decode() turns a raw header value (as received, folded,
 *	with encoded words) into one line of UTF-8. Each encoded word is
 *	decoded on its own (B with or without padding, stray characters in
 *	base64 skipped; Q with "_" as space); the bytes of adjacent words of
 *	one charset are joined before they are converted, because mailers
 *	split a multibyte character across words; the white space between
 *	adjacent encoded words is dropped (RFC 2047 6.2) and kept between an
 *	encoded word and other text. An RFC 2231 language ("utf-8*ko") is
 *	ignored. EUC-KR and its aliases are read as CP949, its superset;
 *	any other charset iconv knows is converted by iconv. Undeclared
 *	8-bit text is UTF-8, else CP949, else windows-1252. Bytes that do
 *	not convert, and words in an unknown charset, become U+FFFD;
 *	nothing fails. Folding line ends are removed; CR and LF that a word
 *	decodes to become spaces, and no NUL is left; white space at both
 *	ends is removed.
 *
 *	hdrtext_encode() returns the raw value of an unstructured field
 *	called field (for g_mime_header_set_raw_value(): it begins with a
 *	space and ends with a line end) that every decoder, GMime 3.2.13's
 *	included, decodes back to text_utf8. Words that need no encoding
 *	stay as they are; each run of words that do (non-ASCII, controls,
 *	"=?"), with the blanks between them, becomes UTF-8 B words of whole
 *	characters whose byte length is a multiple of three (so none but
 *	the last has padding), or a Q word where no such cut exists. Words
 *	are at most 75 characters, and lines are folded to 78 where a
 *	space allows.
 *
 *	hdrtext_encode_phrase() returns text_utf8 as encoded words for the
 *	display name of an address, folded as hdrtext_encode() does with
 *	*col characters already on the line; *col is set to the column
 *	after the last word.
 * OWNERSHIP
 *	Returned strings are the caller's (g_free); arguments are borrowed.
 * INPUT AND LIMITS
 *	raw is untrusted, need not end in NUL, and is read up to len or
 *	MOIM_MAX_HEADER_FIELD bytes, whichever is less; the result is at
 *	most three times that. text_utf8 must be valid UTF-8 without CR or
 *	LF, at most MOIM_MAX_HEADER_FIELD bytes (lib/mime checks); the
 *	result is at most four times that.
 * THREADS
 *	No shared state.
 * ERRORS
 *	None: every input has an answer.
 * SEE ALSO
 *	RFC 2047, RFC 2231 5, RFC 5322 2.2.3; lib/mime, lib/addr.
 */
#ifndef MOIM_HDRTEXT_H
#define MOIM_HDRTEXT_H

#include <stddef.h>

char *hdrtext_decode(const char *raw, size_t len);
char *hdrtext_encode(const char *field, const char *text_utf8);
char *hdrtext_encode_phrase(const char *text_utf8, size_t *col);

#endif
