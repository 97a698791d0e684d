/*
 * listset - the settings of one list: keys, defaults and validation
 *
 * SYNOPSIS
 *	void listset_defaults(struct listset *ls, const char *name);
 *	bool listset_apply(struct listset *ls, const char *key,
 *	    const char *value, GError **err);
 *	char *listset_value(const struct listset *ls, const char *key);
 *	const char *const *listset_keys(void);
 *	void listset_clear(struct listset *ls);
 *	const char *listset_crashers_name(enum listset_crashers c);
char **listset_topics(const struct listset *ls);
 *	char **listset_topics(const struct listset *ls);
 * DESCRIPTION
 *	One table holds every key of "moimctl list set" (SPEC "List
 *	settings"): its type, allowed values and default. The store keeps
 *	settings as key=value strings and builds a struct listset from them,
 *	so adding a setting needs no schema change.
 *
 *	listset_apply() validates and sets one key; listset_value() gives the
 *	value of a key as the text "list set" would take.
 *
 *	listset_topics() is the list's topics (lib/topic) as a new vector,
 *	empty when the list has none.
 * OWNERSHIP
 *	struct listset owns its strings; listset_clear() frees them.
 * INPUT AND LIMITS
 *	key and value come from an administrator (trusted, but validated):
 *	an unknown key or a bad value is MOIM_ERR_INPUT naming both.
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_LISTSET_H
#define MOIM_LISTSET_H

#include <glib.h>
#include <stdbool.h>

enum listset_policy {
	LISTSET_POLICY_OPEN,
	LISTSET_POLICY_MEMBERS,
	LISTSET_POLICY_MODERATED,
	LISTSET_POLICY_ANNOUNCE,
};

enum listset_reply_to { LISTSET_REPLY_SENDER, LISTSET_REPLY_LIST };
enum listset_dmarc {
	LISTSET_DMARC_AUTO,
	LISTSET_DMARC_MUNGE,
	LISTSET_DMARC_NEVER
};
enum listset_delivery { LISTSET_DELIVERY_PERSONAL, LISTSET_DELIVERY_BATCHED };
enum listset_nonmember { LISTSET_NONMEMBER_REFUSE, LISTSET_NONMEMBER_HOLD };
enum listset_crashers {
	LISTSET_CRASHERS_ACCEPT,
	LISTSET_CRASHERS_HOLD,
	LISTSET_CRASHERS_REFUSE
};
/* What an owner's or moderator's privileged act needs besides From. */
enum listset_archive {
	LISTSET_ARCHIVE_PUBLIC, /* anyone may read the web archive */
	LISTSET_ARCHIVE_MEMBERS, /* members, after signing in by mail */
	LISTSET_ARCHIVE_HIDDEN, /* no web pages at all (404) */
};
enum listset_privileged {
	LISTSET_PRIVILEGED_CONFIRM, /* proof (milter) or a mailed token */
	LISTSET_PRIVILEGED_FROM, /* From alone (before issue 13) */
};

struct listset {
	char *name; /* display name, UTF-8 */
	enum listset_policy policy;
	char *language; /* ko | en */
	char *subject_prefix; /* "" = none; NULL = "[name]" */
	enum listset_reply_to reply_to;
	gint64 max_size; /* bytes */
	enum listset_dmarc dmarc;
	bool footer;
	bool rsvp_distribute;
	enum listset_delivery delivery;
	enum listset_nonmember nonmember; /* members policy: refuse or hold */
	bool require_auth; /* hold posts whose From fails DMARC (milter) */
	enum listset_privileged privileged_auth; /* announce, events */
	int rate_limit; /* posts per sender per hour; 0 = no limit */
	int reminder_hours; /* event reminder this long before; 0 = none */
	int hold_days; /* a held post expires after this many days (1..365) */
	int digest_time; /* seconds after midnight, [moim] time zone */
	char *munge_domains; /* lower-case, one space apart; "" = none */
	bool unmodified; /* no prefix, no footer: DKIM signatures survive */
	char *description;
	/* answers from the uninvited to the list's new events */
	enum listset_crashers crashers;
	enum listset_archive archive; /* web archive visibility */
	char *topics; /* topic words one space apart; "" = none */
	bool topic_required; /* hold posts without a known topic */
	/* dmarc=auto leaves From alone for a post whose ARC chain passed
	 * and whose author's domain publishes p=reject */
	bool arc_trust;
};

void listset_defaults(struct listset *ls, const char *name);
bool listset_apply(
    struct listset *ls, const char *key, const char *value, GError **err);
char *listset_value(const struct listset *ls, const char *key);
const char *const *listset_keys(void);
char *listset_prefix(const struct listset *ls);
void listset_clear(struct listset *ls);
const char *listset_policy_name(enum listset_policy p);
const char *listset_crashers_name(enum listset_crashers c);
char **listset_topics(const struct listset *ls);

#endif
