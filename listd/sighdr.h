/*
 * sighdr - which header fields moim-listd signs, and the results it seals
 *
 * SYNOPSIS
 *	bool sighdr_ar_split(const char *value, const char *const *trusted,
 *	    char **id_out, char **results_out);
 *	char *sighdr_aar_results(const char *results, const char *arc);
 *	const char **sighdr_list(const char *msg, size_t len,
 *	    const char *const *names, const char *const *oversign);
 *	extern const char *const sighdr_dkim_names[], sighdr_dkim_over[];
 *	extern const char *const sighdr_ams_names[], sighdr_ams_over[];
 * DESCRIPTION
 *	The pure parts of listd/sign.c.
 *
 *	sighdr_ar_split() reads one Authentication-Results value (RFC 8601
 *	2.2: "authserv-id [version] ; resinfo ; ..."), unfolded or not: when
 *	its authserv-id is one of trusted (lower case, as [milter]
 *	trusted_authserv_ids holds them; compared without regard to case),
 *	*id_out gets the authserv-id and *results_out the text after the
 *	first ';' with every run of blanks, CR and LF made one space, or
 *	NULL when that is empty or "none"; it returns true. Otherwise it
 *	returns false and sets neither.
 *
 *	sighdr_aar_results() is what the ARC-Authentication-Results of the
 *	list's set says: results (or nothing when NULL) with "arc=ARC" (the
 *	verdict on the chain the post came with) after it, unless results
 *	already holds an arc= result.
 *
 *	sighdr_list() is an h= list for msg (header and body, LF or CRLF):
 *	each name of names as many times as msg's header has fields of that
 *	name (ASCII case ignored), and once more when it is in oversign too
 *	(signing the absence of one more: nobody can add one, RFC 6376
 *	8.15). A name with no field and not in oversign is left out, so that
 *	a field the relay adds (Postfix adds a missing Date or Message-ID)
 *	does not break the signature.
 *	sighdr_dkim_names are the fields of a copy's DKIM-Signature (From,
 *	Subject, Date, Message-ID, List-Id, List-Unsubscribe,
 *	List-Unsubscribe-Post and the other fields that say what the
 *	message is), sighdr_ams_names those of the ARC-Message-Signature:
 *	the same but for the per-member List-Unsubscribe and
 *	List-Unsubscribe-Post.
 * OWNERSHIP
 *	Results are the caller's (g_free); sighdr_list()'s array is the
 *	caller's (g_free), its strings the static names.
 * INPUT AND LIMITS
 *	value and msg are untrusted. value is read up to
 *	MOIM_MAX_HEADER_FIELD bytes; an authserv-id over MOIM_MAX_DOMAIN
 *	bytes is not trusted. msg's header is read by lib/rawhdr; the list
 *	holds at most DKIM_MAX_SIGNED names (further fields are not signed).
 * THREADS
 *	No shared state.
 * ERRORS
 *	None.
 * SEE ALSO
 *	RFC 6376 5.4, 8.15; RFC 8617 4.1.1; RFC 8601 2.2; listd/sign.c
 */
#ifndef MOIM_SIGHDR_H
#define MOIM_SIGHDR_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

extern const char *const sighdr_dkim_names[];
extern const char *const sighdr_dkim_over[];
extern const char *const sighdr_ams_names[];
extern const char *const sighdr_ams_over[];

bool sighdr_ar_split(const char *value, const char *const *trusted,
    char **id_out, char **results_out);
char *sighdr_aar_results(const char *results, const char *arc);
const char **sighdr_list(const char *msg, size_t len, const char *const *names,
    const char *const *oversign);

#endif
