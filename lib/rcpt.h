/*
 * rcpt - map a list-domain recipient to a list and what it is for
 *
 * SYNOPSIS
 *	bool rcpt_split(const char *local, struct rcpt_parts *p_out);
 *	const char *rcpt_kind_suffix(enum rcpt_kind k);
 *	bool rcpt_is_reserved_local(const char *local);
size_t rcpt_list_local_max(enum rcpt_kind *longest_out);
 *	size_t rcpt_list_local_max(enum rcpt_kind *longest_out);
 * DESCRIPTION
 *	SPEC "Addresses of a list L@D": L, L-request, L-subscribe,
 *	L-unsubscribe, L-confirm+TOKEN, L-owner, L-bounces+TOKEN,
 *	L-rsvp+EVENT. rcpt_split() takes the local part (already lower-cased)
 *	and proposes the list name and kind; the caller checks that the list
 *	exists. A local part can be read two ways ("a-owner" is list "a"'s
 *	owner, or a list called "a-owner"): the caller tries the post reading
 *	(p_out->as_list) first; rcpt_resolve() does that against the
 *	store and leaves t_out->list NULL when neither reading names a list.
 *	An extension ("+...") is allowed only where
 *	SPEC puts one (confirm, bounces, rsvp, unsubscribe).
 *
 *	rcpt_list_local_max() is the longest list name L for which every
 *	address moim makes from it (L-unsubscribe+TOKEN, L-confirm+TOKEN,
 *	L-bounces+TOKEN, L-rsvp+EVENT, ...) stays within MOIM_MAX_LOCALPART,
 *	with tokens as long as TOKEN_ADDR_MAX; *longest_out (if not NULL)
 *	names the kind of the longest address. Postfix's XVERP form
 *	L-bounces+user=domain carries a member's address and is not bounded
 *	by it.
 * INPUT AND LIMITS
 *	local is untrusted: at most MOIM_MAX_LOCALPART bytes.
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_RCPT_H
#define MOIM_RCPT_H

#include <stdbool.h>
#include <stddef.h>

#include "limits.h"
#include "store.h"

enum rcpt_kind {
	RCPT_POST,
	RCPT_REQUEST,
	RCPT_SUBSCRIBE,
	RCPT_UNSUBSCRIBE,
	RCPT_CONFIRM,
	RCPT_OWNER,
	RCPT_BOUNCES,
	RCPT_RSVP,
};

struct rcpt_parts {
	char as_list[MOIM_MAX_LOCALPART + 1]; /* whole local part (no ext) */
	bool as_list_ok; /* no extension: could be L */
	char list[MOIM_MAX_LOCALPART + 1]; /* L for the suffixed reading */
	enum rcpt_kind kind; /* of the suffixed reading */
	bool suffixed_ok; /* a suffix reading exists */
	char ext[MOIM_MAX_LOCALPART + 1]; /* after '+', or "" */
};

bool rcpt_split(const char *local, struct rcpt_parts *p_out);
const char *rcpt_kind_suffix(enum rcpt_kind k);
const char *rcpt_kind_name(enum rcpt_kind k);
bool rcpt_is_reserved_local(const char *local);
size_t rcpt_list_local_max(enum rcpt_kind *longest_out);

/* What a recipient resolves to: the list (owned) and the reading. */
struct rcpt_target {
	struct store_list *list; /* NULL: no such list or address */
	enum rcpt_kind kind;
	char ext[MOIM_MAX_LOCALPART + 1];
};
bool rcpt_resolve(struct store *s, const char *local, const char *domain,
    struct rcpt_target *t_out, GError **err);
void rcpt_target_clear(struct rcpt_target *t);

#endif
