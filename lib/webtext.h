/*
 * webtext - how the web archive shows mail text: names, quotes, months
 *
 * SYNOPSIS
 *	char *webtext_name(const char *display_name, const char *address);
 *	char *webtext_hide_addrs(const char *text);
 *	GPtrArray *webtext_fold(const char *text);
 *	bool webtext_month_parse(const char *s, int *year_out, int *month_out);
bool webtext_snippet_hit(
    const char *snippet, const char *query, size_t *at_out, size_t *len_out);
 *	bool webtext_snippet_hit(const char *snippet, const char *query,
 *	    size_t *at_out, size_t *len_out);
 * DESCRIPTION
 *	The pure decisions of moim-web's archive pages (web/page_archive.c),
 *	which do the escaping and the HTML.
 *
 *	webtext_name() is how a sender is shown: the display name, else the
 *	local part of the address; never an address (a display name that
 *	holds one keeps only what comes before its "@"); "?" when there is
 *	nothing to show.
 *
 *	webtext_hide_addrs() replaces the domain of every address-like word
 *	("local@domain.tld") with "…", so a page gives no address to
 *	harvest; the local part stays so that a reader can still tell who.
 *
 *	webtext_fold() splits a message's text into blocks of plain text and
 *	of quoted text, in order. A quote is a run of lines that start with
 *	">" (empty lines inside the run belong to it), together with the
 *	attribution line just before it (a short line ending in ":", as
 *	"On ..., X wrote:" or "... 님이 작성:"); and everything from a
 *	forwarded or Outlook-style original ("-----Original Message-----",
 *	"-----원본 메시지-----") to the end. Each block's text is its lines
 *	joined with "\n" (a CR before a line break is dropped).
 *
 *	webtext_month_parse() reads "YYYY-MM" (years 1000-9998, months
 *	01-12, digits only).
 *
 *	webtext_snippet_hit() finds the hit that archive_snippet() marked
 *	in a snippet: the first "[WORD]" whose WORD is a word of the query
 *	(ASCII case ignored). *at_out is the offset of "[", *len_out the
 *	length of WORD; false when there is none (a bracket in the text
 *	itself is then just text).
 * OWNERSHIP
 *	Strings and the array (of struct webtext_block, freed with it) are
 *	the caller's.
 * INPUT AND LIMITS
 *	Text is untrusted UTF-8, at most MOIM_MAX_ARCHIVE_TEXT bytes as the
 *	archive keeps it; NULL is taken as "". An attribution line is at
 *	most WEBTEXT_ATTRIBUTION bytes.
 * THREADS
 *	No shared state but a compiled regular expression, made once.
 * ERRORS
 *	None; webtext_month_parse() answers false for anything else.
 * SEE ALSO
 *	web/page_archive.c, SPEC "Web".
 */
#ifndef MOIM_WEBTEXT_H
#define MOIM_WEBTEXT_H

#include <glib.h>
#include <stdbool.h>

/* An attribution line longer than this is taken as text. */
#define WEBTEXT_ATTRIBUTION 300

struct webtext_block {
	bool is_quote;
	int nlines;
	char *text;
};

char *webtext_name(const char *display_name, const char *address);
char *webtext_hide_addrs(const char *text);
GPtrArray *webtext_fold(const char *text);
bool webtext_month_parse(const char *s, int *year_out, int *month_out);
bool webtext_snippet_hit(
    const char *snippet, const char *query, size_t *at_out, size_t *len_out);

#endif
