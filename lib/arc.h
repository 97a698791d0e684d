/*
 * arc - validate an ARC chain and seal the next ARC set (RFC 8617)
 *
 * SYNOPSIS
 *	enum arc_cv arc_validate(const char *msg, size_t len,
 *	    dns_txt_fn lookup, void *data, int *count_out, char **why_out);
 *	char *arc_seal(const struct arc_seal_args *a, const char *msg,
 *	    size_t len, GError **err);
 *	const char *arc_cv_name(enum arc_cv cv);
 *	GPtrArray *arc_key_names(const char *msg, size_t len);
 * DESCRIPTION
 *	A list changes the posts it forwards (subject prefix, footer), which
 *	breaks the authors' DKIM signatures. moim-listd adds one ARC set to
 *	each post: what the receiving MTA found before the change (the
 *	ARC-Authentication-Results), a signature over the post as the list
 *	sends it (ARC-Message-Signature) and a seal over the chain
 *	(ARC-Seal), so that a receiver that trusts the list can see the
 *	author's results. Keys, canonicalization and signatures are
 *	lib/dkim's; messages and line ends are as lib/dkim describes.
 *
 *	arc_validate() validates the chain msg carries (RFC 8617 5.2) and
 *	gives the cv the next seal carries:
 *	  ARC_CV_NONE  msg has no ARC field at all
 *	  ARC_CV_PASS  sets 1..N all present, exactly one of each field per
 *	               instance, N <= ARC_MAX_INSTANCES, AS 1 says cv=none
 *	               and every later one cv=pass, the latest AMS verifies
 *	               and every AS verifies
 *	  ARC_CV_FAIL  anything else: a missing, doubled or malformed field,
 *	               a gap, an AS with cv=fail, a signature that does not
 *	               verify, a key that cannot be found or fetched
 *	*count_out gets N, the highest instance present (0 with none; the
 *	number of ARC fields' highest i= even when the chain fails, capped
 *	at ARC_MAX_INSTANCES + 1), so the next instance is N + 1. *why_out,
 *	when why_out is not NULL, gets a short reason for logs. Keys come
 *	through lookup as in dkim_verify(); a DNS failure counts as fail
 *	(the post is still sealed and sent, never held for it).
 *
 *	arc_key_names() gives the names of the keys (s._domainkey.d)
 *	arc_validate() of msg may fetch: the latest ARC-Message-Signature's
 *	and every ARC-Seal's, each once; none when msg has no chain or one
 *	whose shape already fails it. Asked ahead (lib/dns dns_ready()),
 *	they make the validation find its keys in the cache.
 *
 *	arc_seal() makes the three fields of instance a->instance (the
 *	count from arc_validate() + 1), in the order they go at the top of
 *	the header: ARC-Seal, ARC-Message-Signature,
 *	ARC-Authentication-Results, each ending with msg's line end.
 *	  ARC-Authentication-Results: i=N; AUTHSERV-ID; RESULTS
 *	with RESULTS = a->results (the text after the authserv-id and ';'
 *	of the trusted Authentication-Results field, e.g. "dkim=pass
 *	header.d=example.org; spf=pass ..."), or "none" when NULL or empty.
 *	  ARC-Message-Signature: i=N; a=; c=relaxed/relaxed; d; s; t; h; bh; b
 *	over a->headers as dkim_sign() reads h= (give only fields that
 *	are the same in every copy: no per-recipient Return-Path or
 *	List-Unsubscribe, so one seal serves all copies), a->bh as in
 *	dkim_sign().
 *	  ARC-Seal: i=N; a=; cv=CV; d; s; t; b
 *	over the ARC sets 1..N-1 of msg and the new one (RFC 8617 5.1.1), or
 *	over the new set alone when a->cv is ARC_CV_FAIL (5.1.2).
 *	The key must be RSA: RFC 8617 names rsa-sha256 only, and receivers
 *	that check ARC know no other (validation takes ed25519-sha256 too).
 *	arc_cv_name() gives "none", "pass" or "fail".
 * OWNERSHIP
 *	The returned string and *why_out are the caller's (g_free), the
 *	array of arc_key_names() too (g_ptr_array_unref). msg and a's
 *	strings are borrowed.
 * INPUT AND LIMITS
 *	msg and TXT records are untrusted: the bounds of lib/dkim apply.
 *	More than ARC_MAX_INSTANCES sets is a failed chain (RFC 8617 5.2).
 * THREADS
 *	No shared state.
 * ERRORS
 *	arc_seal(): MOIM_ERR_INPUT for bad arguments (not an RSA key,
 *	a->cv not ARC_CV_FAIL while msg's chain is broken or does not end
 *	at a->instance - 1, a->instance outside
 *	1..ARC_MAX_INSTANCES: the caller sends the post unsealed; CR, LF or
 *	NUL in authserv_id or results), MOIM_ERR_INTERNAL when libcrypto
 *	fails. arc_validate() does not fail: a broken chain is ARC_CV_FAIL.
 * SEE ALSO
 *	RFC 8617 (ARC) 4, 5.1, 5.2; RFC 8601 (Authentication-Results);
 *	lib/dkim, lib/dns.
 */
#ifndef MOIM_ARC_H
#define MOIM_ARC_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dkim.h"
#include "dns.h"
#include "limits.h"

enum arc_cv {
	ARC_CV_NONE,
	ARC_CV_PASS,
	ARC_CV_FAIL,
};

struct arc_seal_args {
	const struct dkim_key *key;
	const char *domain; /* d= of AMS and AS */
	const char *selector; /* s= of AMS and AS */
	const char *authserv_id; /* of the A-R carried in the AAR */
	const char *results; /* that A-R's results, or NULL for "none" */
	const char *const *headers; /* the AMS h=, NULL-terminated */
	gint64 t; /* t= in Unix seconds; < 0 for none */
	int instance; /* 1..ARC_MAX_INSTANCES */
	enum arc_cv cv; /* from arc_validate() */
	const char *bh; /* dkim_body_hash(RELAXED) of msg's body, or NULL */
};

enum arc_cv arc_validate(const char *msg, size_t len, dns_txt_fn lookup,
    void *data, int *count_out, char **why_out);
char *arc_seal(
    const struct arc_seal_args *a, const char *msg, size_t len, GError **err);
const char *arc_cv_name(enum arc_cv cv);
GPtrArray *arc_key_names(const char *msg, size_t len);

#endif
