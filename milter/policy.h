/*
 * policy - moim-milter's decisions, as pure functions of plain structs
 *
 * SYNOPSIS
 *	bool policy_decide(const struct policy_facts *f,
 *	    struct policy_verdict *v_out, GError **err);
 *	bool policy_size_param(const char *arg, gint64 *size_out);
 *	bool policy_header_is_auto(const char *name, const char *value);
 *	bool policy_list_id_is(const char *value, const char *local,
 *	    const char *domain);
 *	enum policy_dmarc policy_ar_dmarc(const char *value,
 *	    const char *const *trusted, const char *from_domain);
 *	bool policy_ar_is_trusted(const char *value,
 *	    const char *const *trusted);
 *	bool policy_ar_verified(const char *value,
 *	    const char *const *trusted, const char *from_domain);
 *	bool policy_is_internal_header(const char *name);
 *	const char *policy_hold_name(enum policy_hold h);
 *	const char *policy_auth_name(enum policy_auth a);
 *	struct policy_rate *policy_rate_new(void);
 *	int policy_rate_count(struct policy_rate *r, const char *key,
 *	    gint64 now);
 *	bool policy_rate_note(struct policy_rate *r, const char *key,
 *	    int limit, gint64 now);
 *	void policy_rate_free(struct policy_rate *r);
 * DESCRIPTION
 *	The milter callbacks gather facts about one recipient of one
 *	transaction (struct policy_facts) and policy_decide() says what to do
 *	with it, so every rule is unit-tested without libmilter or Postfix.
 *	It is called twice per list recipient:
 *
 *	At RCPT (POLICY_AT_RCPT): an unknown list or L-something address is
 *	refused (550 5.1.1); for a post, SIZE= over max_size is refused (552
 *	5.3.4), a sender at the list's rate_limit is deferred (450 4.7.1);
 *	a post to a members or announce list whose envelope sender does not
 *	have the role is NOT refused yet: the decision waits for the end of
 *	the message, where the From header is known, because a member may
 *	post through a forwarder or with an SRS envelope. (Refusing at RCPT
 *	would refuse members; accepting on From alone at RCPT is impossible.)
 *
 *	At end of message (POLICY_AT_EOM): a post that carries this list's
 *	List-Id is a loop (550 5.4.6); a message over max_size is refused
 *	(552 5.3.4) whether or not SIZE was given; posting rights are judged
 *	on the better role of envelope sender and From (as moim-listd does):
 *	an announce list refuses everyone but owners and moderators, a
 *	members list refuses non-members or, when its nonmember setting is
 *	hold, accepts the post marked POLICY_HOLD_NONMEMBER; a list with
 *	require_auth holds a post (POLICY_HOLD_DMARC) unless the client was
 *	SASL-authenticated or a trusted Authentication-Results field shows
 *	DMARC passing (or none published) for the From domain. A post that
 *	may pass carries in v_out->auth what vouches for its author beyond
 *	the From header: POLICY_AUTH_SASL when the client logged in,
 *	POLICY_AUTH_DOMAIN when the trusted Authentication-Results field
 *	shows DMARC or From-aligned DKIM passing (f->from_verified); the
 *	caller passes it to moim-listd as "X-Moim-Auth", which is what an
 *	owner's or moderator's privileged act (an announce post, an event)
 *	needs there without a confirmation by mail. An auto-reply
 *	(RFC 3834) to a command address (L-request, L-subscribe,
 *	L-unsubscribe, L-confirm+TOKEN) is discarded silently.
 *
 *	The reply texts are fixed (see policy.c); they name only the
 *	canonical form of addresses that parsed, never raw input.
 *
 *	policy_size_param() reads an ESMTP "SIZE=n" argument (RFC 1870).
 *	policy_header_is_auto() tells whether one header field marks an
 *	automatic message (the rules of mime_is_auto_submitted()).
 *	policy_list_id_is() tells whether a List-Id value names L.D.
 *	policy_ar_dmarc() reads one Authentication-Results value (RFC 8601):
 *	POLICY_DMARC_UNKNOWN unless its authserv-id is in trusted and it
 *	holds a dmarc result for from_domain (header.from, when given, must
 *	match). Only the topmost field with a trusted authserv-id is read: a
 *	local verifier (OpenDMARC) adds its field on top, and any further
 *	one claiming a trusted authserv-id came from outside (RFC 8601 5);
 *	policy_ar_is_trusted() tells the caller which fields to remove.
 *	policy_ar_verified() is true when such a value shows dmarc=pass, or
 *	dkim=pass with header.d equal to from_domain (aligned), and no
 *	dmarc failure. policy_auth_name() is the X-Moim-Auth value of an
 *	auth ("sasl", "domain"), NULL for none.
 *	policy_is_internal_header() is true for X-Moim-* fields.
 *	policy_hold_name() is the X-Moim-Hold value of a hold ("dmarc",
 *	"nonmember") that moim-listd reads, NULL for none.
 *
 *	policy_rate counts the posts of a key (list id and sender) in the
 *	last hour: policy_rate_count() gives the number, policy_rate_note()
 *	records one more (keeping at most limit times per key).
 * OWNERSHIP
 *	Facts are borrowed for the call; the verdict is the caller's storage.
 *	policy_rate_new() returns a table freed with policy_rate_free().
 * INPUT AND LIMITS
 *	Header values are untrusted; the parsers read at most
 *	MOIM_MAX_HEADER_FIELD bytes. The rate table keeps at most
 *	POLICY_RATE_MAX_KEYS keys: past that, expired keys are dropped, and if
 *	none expired the table starts over (logged by the caller), so a flood
 *	of senders costs bounded memory.
 * THREADS
 *	No shared state; a struct policy_rate is not locked: its owner locks.
 * ERRORS
 *	policy_decide() fails (MOIM_ERR_INTERNAL) only for facts that break
 *	its contract (a post recipient without a list); the caller answers
 *	451 4.3.0 then. The others cannot fail.
 * SEE ALSO
 *	RFC 1870, RFC 2919 (List-Id), RFC 3834, RFC 7489, RFC 8601;
 *	callbacks.c, listd/post.c (the same posting rules, after the fact).
 */
#ifndef MOIM_POLICY_H
#define MOIM_POLICY_H

#include <glib.h>
#include <stdbool.h>

#include "rcpt.h"
#include "store.h"

/* Longest reply text we compose: fixed words plus two addresses. */
#define POLICY_MAX_TEXT (3 * MOIM_MAX_ADDR)

/* Keys of the rate table: senders seen within an hour. */
#define POLICY_RATE_MAX_KEYS 100000

/* The window of rate_limit, seconds. */
#define POLICY_RATE_WINDOW 3600

enum policy_stage { POLICY_AT_RCPT, POLICY_AT_EOM };

enum policy_action {
	POLICY_CONTINUE, /* no objection */
	POLICY_REJECT, /* permanent refusal: code, xcode, text */
	POLICY_TEMPFAIL, /* temporary refusal: code, xcode, text */
	POLICY_DISCARD, /* accept and drop silently */
	POLICY_HOLD, /* accept, marked for moderation (hold) */
};

enum policy_hold {
	POLICY_HOLD_NONE,
	POLICY_HOLD_DMARC,
	POLICY_HOLD_NONMEMBER,
};

enum policy_auth {
	POLICY_AUTH_NONE, /* From is only a claim */
	POLICY_AUTH_SASL, /* the client logged in ({auth_authen}) */
	POLICY_AUTH_DOMAIN, /* trusted DMARC or aligned DKIM pass */
};

enum policy_dmarc {
	POLICY_DMARC_UNKNOWN, /* no trusted result */
	POLICY_DMARC_PASS,
	POLICY_DMARC_NONE, /* the domain publishes no policy */
	POLICY_DMARC_FAIL,
};

struct policy_facts {
	enum policy_stage stage;
	const char *rcpt; /* canonical recipient */
	const struct store_list *list; /* NULL: no such list or address */
	enum rcpt_kind kind;
	int envelope_role; /* enum store_role, or -1: not a member */
	int from_role; /* at EOM: role of the From address, or -1 */
	gint64 size; /* at RCPT: SIZE= or -1; at EOM: bytes received */
	int recent_posts; /* the sender's posts to the list, last hour */
	bool is_auto_reply; /* at EOM: RFC 3834 and practice */
	bool has_list_id; /* at EOM: carries this list's List-Id */
	bool is_authenticated; /* the client logged in (SASL) */
	enum policy_dmarc dmarc; /* at EOM: trusted result for From */
	bool from_verified; /* at EOM: policy_ar_verified() of the top one */
};

struct policy_verdict {
	enum policy_action action;
	enum policy_hold hold;
	enum policy_auth auth; /* at EOM, a post that may pass */
	char code[4]; /* "550" */
	char xcode[8]; /* "5.1.1" */
	char text[POLICY_MAX_TEXT];
};

struct policy_rate;

bool policy_decide(
    const struct policy_facts *f, struct policy_verdict *v_out, GError **err);
bool policy_size_param(const char *arg, gint64 *size_out);
bool policy_header_is_auto(const char *name, const char *value);
bool policy_list_id_is(
    const char *value, const char *local, const char *domain);
enum policy_dmarc policy_ar_dmarc(
    const char *value, const char *const *trusted, const char *from_domain);
bool policy_ar_is_trusted(const char *value, const char *const *trusted);
bool policy_ar_verified(
    const char *value, const char *const *trusted, const char *from_domain);
bool policy_is_internal_header(const char *name);
const char *policy_hold_name(enum policy_hold h);
const char *policy_auth_name(enum policy_auth a);

struct policy_rate *policy_rate_new(void);
int policy_rate_count(struct policy_rate *r, const char *key, gint64 now);
bool policy_rate_note(
    struct policy_rate *r, const char *key, int limit, gint64 now);
void policy_rate_free(struct policy_rate *r);

#endif
