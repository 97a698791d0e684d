/*
 * links - the web links that list mail carries, as header values and
 * template variables
 *
 * SYNOPSIS
 *	char *links_unsubscribe(const struct token_key *k,
 *	    const char *base_url, const char *list_addr, gint64 member_id,
 *	    const char *address, const char *mailto, gint64 now);
 *	char *links_list_page(const char *base_url, const char *list_addr,
 *	    enum listset_archive archive);
 *	char *links_list_archive(const char *base_url,
 *	    const char *archive_url, const char *list_local,
 *	    const char *list_addr, enum listset_archive archive);
 *	char *links_archived_at(const char *base_url, const char *list_addr,
 *	    enum listset_archive archive, const char *message_id);
 *	bool links_event_vars(GHashTable *vars, const struct token_key *k,
 *	    const char *base_url, const char *list_addr,
 *	    enum listset_archive archive, gint64 event_id, gint64 member_id,
 *	    const char *address, gint64 now);
 * DESCRIPTION
 *	links_unsubscribe() is the List-Unsubscribe field (and, with a web
 *	base, List-Unsubscribe-Post) of one member's personal copy, as
 *	header lines ending in LF, ready to go before the copy's bytes:
 *	without base_url ("" or NULL) only "<mailto>"; with it the
 *	member's one-click URL first (weblink_unsub()) and the mailto
 *	second (RFC 8058 3.1: receivers POST to the first https URI),
 *	then "List-Unsubscribe-Post: List-Unsubscribe=One-Click".
 *	mailto is the whole "mailto:..." URI.
 *
 *	links_list_page() is the list's web page, or NULL without a base or
 *	for a list whose archive is hidden (its pages answer 404).
 *	links_list_archive() is the List-Archive value (RFC 2369 3.6):
 *	"<list page>" when there is one, else "<archive_url/local>" when
 *	[moim] archive_url is set (as before moim-web), else NULL.
 *	links_archived_at() is the Archived-At value (RFC 5064) of the post
 *	with message_id (with or without "<>"), or NULL without a list page
 *	or a Message-ID.
 *
 *	links_event_vars() sets rsvp_yes, rsvp_no, rsvp_maybe (the
 *	member's answer links, weblink_rsvp()) and event_url in vars and
 *	returns true; without a base it sets nothing and returns false.
 *	event_url is the event's page, or, on a hidden list, the member's
 *	answer page (which shows the event and the current answer).
 * OWNERSHIP
 *	Results are new strings (g_free); vars gets new values (its value
 *	destructor must be g_free) under static keys.
 * INPUT AND LIMITS
 *	Addresses and list addresses are ours (from the store); message_id
 *	comes from a post and is percent-encoded into the path, so no
 *	character of it reaches the header as it came.
 * THREADS
 *	No shared state.
 * ERRORS
 *	None: each result is a string or NULL.
 * SEE ALSO
 *	lib/weblink.h, RFC 2369, RFC 5064, RFC 8058, SPEC "Web".
 */
#ifndef MOIM_LINKS_H
#define MOIM_LINKS_H

#include <glib.h>
#include <stdbool.h>

#include "listset.h"
#include "token.h"

char *links_unsubscribe(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 member_id, const char *address,
    const char *mailto, gint64 now);
char *links_list_page(
    const char *base_url, const char *list_addr, enum listset_archive archive);
char *links_list_archive(const char *base_url, const char *archive_url,
    const char *list_local, const char *list_addr,
    enum listset_archive archive);
char *links_archived_at(const char *base_url, const char *list_addr,
    enum listset_archive archive, const char *message_id);
bool links_event_vars(GHashTable *vars, const struct token_key *k,
    const char *base_url, const char *list_addr, enum listset_archive archive,
    gint64 event_id, gint64 member_id, const char *address, gint64 now);

#endif
