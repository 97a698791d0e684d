/*
 * json - just enough JSON output for moimctl's --json
 *
 * SYNOPSIS
 *	void json_string(GString *out, const char *s);
 *	void json_key(GString *out, bool *first, const char *key);
 *	void json_str_member(GString *out, bool *first, const char *key,
 *	    const char *value);
 *	void json_int_member(GString *out, bool *first, const char *key,
 *	    gint64 value);
 *	void json_bool_member(GString *out, bool *first, const char *key,
 *	    bool value);
 * DESCRIPTION
 *	json_string() appends s as a JSON string (RFC 8259 7): quote,
 *	backslash and control characters escaped (\n, \t, ... or \u00XX),
 *	DEL as \u007f, other UTF-8 as is; a byte that is not valid UTF-8
 *	becomes U+FFFD, so the output is always valid JSON. NULL is null.
 *	The _member functions append ",\"key\":value" (no comma for the
 *	first member of an object: *first tracks it).
 * OWNERSHIP
 *	The caller owns out.
 * INPUT AND LIMITS
 *	s may be anything, including text from mail (display names).
 * THREADS
 *	No shared state.
 * ERRORS
 *	None.
 */
#ifndef MOIM_CTL_JSON_H
#define MOIM_CTL_JSON_H

#include <glib.h>
#include <stdbool.h>

void json_string(GString *out, const char *s);
void json_key(GString *out, bool *first, const char *key);
void json_str_member(
    GString *out, bool *first, const char *key, const char *value);
void json_int_member(GString *out, bool *first, const char *key, gint64 value);
void json_bool_member(GString *out, bool *first, const char *key, bool value);

#endif
