/*
 * weblink - the links to moim-web's pages that mail carries, and their tokens
 *
 * SYNOPSIS
 *	char *weblink_path(const char *base_url, const char *path);
 *	char *weblink_segment(const char *s);
 *	char *weblink_list(const char *base_url, const char *list_addr);
 *	char *weblink_message(const char *base_url, const char *list_addr,
 *	    const char *message_id);
 *	char *weblink_event(const char *base_url, const char *list_addr,
 *	    gint64 event_id);
 *	char *weblink_unsub(const struct token_key *k, const char *base_url,
 *	    const char *list_addr, gint64 member_id, const char *address,
 *	    gint64 now);
 *	char *weblink_rsvp(const struct token_key *k, const char *base_url,
 *	    const char *list_addr, gint64 event_id, gint64 member_id,
 *	    const char *address, const char *answer, gint64 now);
 *	char *weblink_unsub_token(...), *weblink_rsvp_token(...);
 *	bool weblink_rsvp_decode(const char *tok, gint64 *event_id_out,
 *	    gint64 *member_id_out, GError **err);
 *	bool weblink_rsvp_verify(const struct token_key *k,
 *	    const char *list_addr, gint64 event_id, const char *address,
 *	    const char *tok, gint64 now, GError **err);
 * DESCRIPTION
 *	Every URL is base_url (SPEC "Web"; "[web] base_url") joined with a
 *	path relative to it; a base without a trailing "/" gets one. Each
 *	function returns NULL when base_url is NULL or "" (no web links).
 *
 *	weblink_segment() percent-encodes one path segment: ALPHA, DIGIT,
 *	"-", ".", "_", "~" and "@" stay, every other octet is %XX (upper
 *	case hex). A Message-ID's "<>" are the caller's to remove.
 *
 *	The page paths: the list page "L@D/", a message "L@D/m/MSGID/"
 *	(MSGID without "<>", encoded), an event "L@D/e/EVENT/".
 *
 *	Token links (SPEC "Web"). An unsubscribe link "u/TOKEN" is
 *	token_make(WEBLINK_UNSUB, list_addr, address, member_id,
 *	now + WEBLINK_LINK_DAYS days): it names list and member, and is
 *	checked against the member row it names (token_decode gives the
 *	id). An answer link "r/TOKEN?answer=A" names event and member:
 *	TOKEN is "EVENT-T" where EVENT is the event id in decimal and T is
 *	token_make(WEBLINK_RSVP, "L@D:EVENT", address, member_id,
 *	now + WEBLINK_LINK_DAYS days). answer NULL leaves out the query.
 *	Sign-in tokens (WEBLINK_SIGNIN, list "", id = the sign-in row,
 *	WEBLINK_SIGNIN_SECONDS) and session cookies (WEBLINK_SESSION,
 *	list "", id = the sign-in row, WEBLINK_SESSION_DAYS) are made and
 *	checked with token_make()/token_verify() directly.
 *
 *	weblink_rsvp_decode() splits an answer token into event and member
 *	ids without checking the MAC; weblink_rsvp_verify() checks the MAC
 *	and expiry against the list address and the member's address.
 * OWNERSHIP
 *	Results are new strings (g_free).
 * INPUT AND LIMITS
 *	Tokens from requests are untrusted: see token_decode(). Ids are
 *	positive.
 * THREADS
 *	No shared state.
 * ERRORS
 *	MOIM_ERR_INPUT for a malformed or forged token, MOIM_ERR_POLICY for
 *	an expired one (token_verify()).
 * SEE ALSO
 *	lib/token.h, web/web.h, SPEC "Web", RFC 8058.
 */
#ifndef MOIM_WEBLINK_H
#define MOIM_WEBLINK_H

#include <glib.h>
#include <stdbool.h>

#include "token.h"

#define WEBLINK_UNSUB "unsub"
#define WEBLINK_RSVP "rsvp"
#define WEBLINK_SIGNIN "signin"
#define WEBLINK_SESSION "session"

/* Answer and unsubscribe links outlive old mail (SPEC "Web"). */
#define WEBLINK_LINK_DAYS 180
/* A mailed sign-in link is good once, for half an hour. */
#define WEBLINK_SIGNIN_SECONDS (30 * 60)
/* A session cookie, after signing in. */
#define WEBLINK_SESSION_DAYS 30

char *weblink_path(const char *base_url, const char *path);
char *weblink_segment(const char *s);
char *weblink_list(const char *base_url, const char *list_addr);
char *weblink_message(
    const char *base_url, const char *list_addr, const char *message_id);
char *weblink_event(
    const char *base_url, const char *list_addr, gint64 event_id);

char *weblink_unsub_token(const struct token_key *k, const char *list_addr,
    gint64 member_id, const char *address, gint64 now);
char *weblink_unsub(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 member_id, const char *address, gint64 now);
char *weblink_rsvp_token(const struct token_key *k, const char *list_addr,
    gint64 event_id, gint64 member_id, const char *address, gint64 now);
char *weblink_rsvp(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 event_id, gint64 member_id,
    const char *address, const char *answer, gint64 now);
bool weblink_rsvp_decode(
    const char *tok, gint64 *event_id_out, gint64 *member_id_out, GError **err);
bool weblink_rsvp_verify(const struct token_key *k, const char *list_addr,
    gint64 event_id, const char *address, const char *tok, gint64 now,
    GError **err);

#endif
