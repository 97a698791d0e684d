/*
 * rawhdr - read the header block of a message as raw bytes
 *
 * SYNOPSIS
 *	size_t rawhdr_end(const char *raw, size_t len);
 *	typedef bool (*rawhdr_keep_fn)(const char *name, void *data);
 *	void rawhdr_filter(const char *raw, size_t len, rawhdr_keep_fn keep,
 *	    void *data, GString *out);
 *	char *rawhdr_first(const char *raw, size_t len, const char *name,
 *	    size_t max);
 *	char *rawhdr_queue_id(const char *raw, size_t len);
 * DESCRIPTION
 *	For the few places that need a message's bytes exactly as received,
 *	not as GMime would write them again (lib/mime parses everything
 *	else). The header block is read as GMime's parser reads it: lines
 *	end with LF (CRLF is LF with a CR before it), a line that begins
 *	with a space or a tab continues the field above, and the block ends
 *	at the first empty line ("\n" or "\r\n"; a lone CR is not one). A
 *	field's name is what precedes the first colon of its first line,
 *	blanks before the colon dropped; a first line without a colon, or
 *	whose name is empty or holds a control character or an inner
 *	blank, is not a field (GMime warns GMIME_CRIT_INVALID_HEADER_NAME
 *	and skips it); nor are continuation lines before the first field.
 *
 *	rawhdr_end() returns the offset of the body: just after the empty
 *	line that ends the header block, or len when there is none.
 *
 *	rawhdr_filter() appends to out the fields for whose name keep()
 *	returns true, each with its continuation lines and bytes unchanged,
 *	then the empty line and the body unchanged. keep() is called once
 *	per field in order, with "" for lines that are not a field, so a
 *	keep() that accepts everything reproduces raw. A message without an
 *	empty line gets one ("\n") after its fields, and a line end before
 *	it when the last kept field stops at the end of raw.
 *
 *	rawhdr_first() returns the value of the first field called name
 *	(ASCII case ignored): the bytes after the colon without the white
 *	space around them, CR, LF and TAB each turned into a space (so
 *	unfolded), cut at a NUL byte; NULL when there is no such field.
 *
 *	rawhdr_queue_id() returns Postfix's queue ID from the first Received
 *	field (the one Postfix adds before handing a message over: "... by
 *	host (Postfix) with ESMTP id 4XyZabc123 for <...>"), that is the
 *	first " id " followed by 1 to MOIM_MAX_QUEUE_ID letters or digits
 *	and then a character that is neither; "-" when there is none, so
 *	that a log line always has a field there.
 * OWNERSHIP
 *	raw is borrowed and need not end in NUL. Returned strings are the
 *	caller's (g_free). keep() gets a name valid only during the call.
 * INPUT AND LIMITS
 *	raw is untrusted; every read stays within raw[0..len). rawhdr_first()
 *	reads at most max bytes of the value. rawhdr_queue_id() looks at
 *	the first MOIM_QUEUE_ID_SCAN bytes of raw and the first
 *	MOIM_QUEUE_ID_FIELD bytes of the field. Memory used is bounded by
 *	len (by max for rawhdr_first).
 * THREADS
 *	No shared state.
 * ERRORS
 *	None: every input has an answer.
 * SEE ALSO
 *	RFC 5322 2.2 (header fields, folding), 3.6.7 (Received); lib/mime,
 *	lib/limits.h.
 */
#ifndef MOIM_RAWHDR_H
#define MOIM_RAWHDR_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

typedef bool (*rawhdr_keep_fn)(const char *name, void *data);

size_t rawhdr_end(const char *raw, size_t len);
void rawhdr_filter(
    const char *raw, size_t len, rawhdr_keep_fn keep, void *data, GString *out);
char *rawhdr_first(const char *raw, size_t len, const char *name, size_t max);
char *rawhdr_queue_id(const char *raw, size_t len);

#endif
