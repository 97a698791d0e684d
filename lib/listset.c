/*
 * listset - the settings of one list: keys, defaults and validation
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "listset.h"
#include "topic.h"

enum ls_type {
	LS_TEXT,
	LS_ENUM,
	LS_BOOL,
	LS_SIZE,
	LS_COUNT,
	LS_DAYS,
	LS_TIME,
	LS_DOMAINS,
	LS_TOPICS
};

/* LS_COUNT: a whole number 0..LS_MAX_COUNT (rate_limit). */
#define LS_MAX_COUNT 100000
/* LS_DAYS: 1..LS_MAX_DAYS whole days (hold_days). */
#define LS_MAX_DAYS 365

struct ls_key {
	const char *key;
	enum ls_type type;
	size_t offset;
	const char *const *choices; /* LS_ENUM: index = enum value */
	const char *doc;
};

static const char *const policies[] = {
    "open", "members", "moderated", "announce", NULL};
static const char *const reply_tos[] = {"sender", "list", NULL};
static const char *const dmarcs[] = {"auto", "munge", "never", NULL};
static const char *const deliveries[] = {"personal", "batched", NULL};
static const char *const nonmembers[] = {"refuse", "hold", NULL};
static const char *const languages[] = {"ko", "en", NULL};
static const char *const crasher_policies[] = {
    "accept", "hold", "refuse", NULL};
static const char *const privileges[] = {"confirm", "from", NULL};
static const char *const archives[] = {"public", "members", "hidden", NULL};

#define OFF(f) offsetof(struct listset, f)

/* The one table of list settings; SPEC "List settings". */
static const struct ls_key ls_keys[] = {
    {"name", LS_TEXT, OFF(name), NULL, "display name"},
    {"policy", LS_ENUM, OFF(policy), policies, "who may post"},
    {"language", LS_TEXT, OFF(language), languages, "template language"},
    {"subject_prefix", LS_TEXT, OFF(subject_prefix), NULL,
	"subject prefix, default [name]"},
    {"reply_to", LS_ENUM, OFF(reply_to), reply_tos, "where replies go"},
    {"max_size", LS_SIZE, OFF(max_size), NULL, "largest post, bytes"},
    {"dmarc", LS_ENUM, OFF(dmarc), dmarcs, "From munging"},
    {"footer", LS_BOOL, OFF(footer), NULL, "append the footer"},
    {"rsvp_distribute", LS_BOOL, OFF(rsvp_distribute), NULL,
	"send RSVP-only replies to the list"},
    {"delivery", LS_ENUM, OFF(delivery), deliveries,
	"one copy per member or batched with XVERP"},
    {"nonmember", LS_ENUM, OFF(nonmember), nonmembers,
	"members policy: refuse or hold non-member posts"},
    {"description", LS_TEXT, OFF(description), NULL, "one-line description"},
    {"require_auth", LS_BOOL, OFF(require_auth), NULL,
	"hold posts whose From domain fails DMARC"},
    {"privileged_auth", LS_ENUM, OFF(privileged_auth), privileges,
	"announce posts and events: confirm (proof or a token) or from"},
    {"rate_limit", LS_COUNT, OFF(rate_limit), NULL,
	"posts per sender per hour, 0 = no limit"},
    {"reminder_hours", LS_COUNT, OFF(reminder_hours), NULL,
	"event reminder this many hours before, 0 = none"},
    {"hold_days", LS_DAYS, OFF(hold_days), NULL,
	"days a held post waits for a moderator before it expires"},
    {"digest_time", LS_TIME, OFF(digest_time), NULL,
	"daily digest time HH:MM in the [moim] time zone"},
    {"munge_domains", LS_DOMAINS, OFF(munge_domains), NULL,
	"author domains always munged in dmarc=auto"},
    {"unmodified", LS_BOOL, OFF(unmodified), NULL,
	"no subject prefix, no footer: authors' DKIM signatures survive"},
    {"crashers", LS_ENUM, OFF(crashers), crasher_policies,
	"new events: answers from the uninvited accepted, held or refused"},
    {"archive", LS_ENUM, OFF(archive), archives,
	"web archive: public, members (after signing in) or hidden"},
    {"topics", LS_TOPICS, OFF(topics), NULL,
	"the list's topics, words members tag Subjects with"},
    {"topic_required", LS_BOOL, OFF(topic_required), NULL,
	"hold posts without a known topic"},
    {"arc_trust", LS_BOOL, OFF(arc_trust), NULL,
	"dmarc=auto keeps From of a p=reject author when the ARC chain passes"},
};

/* listset_defaults - fill ls with the defaults for a list called name */
void
listset_defaults(struct listset *ls, const char *name)
{
	memset(ls, 0, sizeof(*ls));
	ls->name = g_strdup(name);
	ls->policy = LISTSET_POLICY_MEMBERS;
	ls->language = g_strdup("ko");
	ls->subject_prefix = NULL;
	ls->reply_to = LISTSET_REPLY_SENDER;
	ls->max_size = 10 * 1024 * 1024;
	ls->dmarc = LISTSET_DMARC_AUTO;
	ls->footer = true;
	ls->rsvp_distribute = false;
	ls->delivery = LISTSET_DELIVERY_PERSONAL;
	ls->nonmember = LISTSET_NONMEMBER_REFUSE;
	ls->description = g_strdup("");
	ls->require_auth = false;
	ls->privileged_auth = LISTSET_PRIVILEGED_CONFIRM;
	ls->rate_limit = 30;
	ls->reminder_hours = 24;
	ls->hold_days = 14;
	ls->digest_time = 7 * 3600;
	/* Gmail refuses its own users' mail resent by lists although
	 * gmail.com publishes p=none. */
	ls->munge_domains = g_strdup("gmail.com googlemail.com");
	ls->unmodified = false;
	/* A stranger's answer takes no seat until the organizer agrees:
	 * event ids are sequential, so with "accept" anyone could fill an
	 * event by writing to L-rsvp+N. */
	ls->crashers = LISTSET_CRASHERS_HOLD;
	ls->archive = LISTSET_ARCHIVE_MEMBERS;
	ls->topics = g_strdup("");
	ls->topic_required = false;
	/* Receivers differ in whether they honour a list's ARC seal. */
	ls->arc_trust = false;
}

static const struct ls_key *
ls_find(const char *key)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(ls_keys); i++)
		if (strcmp(ls_keys[i].key, key) == 0)
			return &ls_keys[i];
	return NULL;
}

static int
ls_choice(const char *const *choices, const char *value)
{
	int i;

	for (i = 0; choices[i] != NULL; i++)
		if (g_ascii_strcasecmp(choices[i], value) == 0)
			return i;
	return -1;
}

static bool
ls_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "on", "true", "1", NULL};
	static const char *const no[] = {"no", "off", "false", "0", NULL};

	if (ls_choice(yes, v) >= 0)
		*out = true;
	else if (ls_choice(no, v) >= 0)
		*out = false;
	else
		return false;
	return true;
}

static bool
ls_parse_size(const char *v, gint64 *out)
{
	char *end;
	guint64 n;

	if (!g_ascii_isdigit(*v))
		return false;
	n = g_ascii_strtoull(v, &end, 10);
	if (g_ascii_strcasecmp(end, "k") == 0 ||
	    g_ascii_strcasecmp(end, "kb") == 0)
		n *= 1024;
	else if (g_ascii_strcasecmp(end, "m") == 0 ||
	    g_ascii_strcasecmp(end, "mb") == 0)
		n *= 1024 * 1024;
	else if (*end != '\0')
		return false;
	if (n < 1024 || n > 100 * 1024 * 1024)
		return false;
	*out = (gint64)n;
	return true;
}

/* ls_parse_number - a whole number min..max, digits only */
static bool
ls_parse_number(const char *v, guint64 min, guint64 max, int *out)
{
	guint64 n;

	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL))
		return false;
	*out = (int)n;
	return true;
}

/* ls_two - two digits at p as a number, or -1 */
static int
ls_two(const char *p)
{
	if (!g_ascii_isdigit(p[0]) || !g_ascii_isdigit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* ls_parse_time - "HH:MM" or "HH:MM:SS" (H also alone) to seconds after
 * midnight */
static bool
ls_parse_time(const char *v, int *out)
{
	int h, m, sec = 0;

	if (g_ascii_isdigit(v[0]) && v[1] == ':') {
		h = v[0] - '0';
		v += 2;
	} else if ((h = ls_two(v)) >= 0 && v[2] == ':') {
		v += 3;
	} else {
		return false;
	}
	if ((m = ls_two(v)) < 0)
		return false;
	v += 2;
	if (*v == ':') {
		if ((sec = ls_two(v + 1)) < 0)
			return false;
		v += 3;
	}
	if (*v != '\0' || h > 23 || m > 59 || sec > 59)
		return false;
	*out = h * 3600 + m * 60 + sec;
	return true;
}

/* ls_parse_domains - domain names separated by blanks or commas, lower-
 * cased and joined by one space ("" for none) */
static char *
ls_parse_domains(const char *v)
{
	g_auto(GStrv) words = g_strsplit_set(v, " \t,", -1);
	GString *out = g_string_new(NULL);

	if (strlen(v) > 1000) {
		g_string_free(out, TRUE);
		return NULL;
	}
	for (char **w = words; *w != NULL; w++) {
		const char *p;

		if (**w == '\0')
			continue;
		for (p = *w; *p != '\0'; p++)
			if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
				break;
		if (*p != '\0' || **w == '.' || **w == '-' ||
		    strstr(*w, "..") != NULL) {
			g_string_free(out, TRUE);
			return NULL;
		}
		if (out->len > 0)
			g_string_append_c(out, ' ');
		for (p = *w; *p != '\0'; p++)
			g_string_append_c(out, g_ascii_tolower(*p));
	}
	return g_string_free(out, FALSE);
}

/* ls_text_ok - refuse control characters in a text setting */
static bool
ls_text_ok(const char *v)
{
	const char *p;

	if (!g_utf8_validate(v, -1, NULL) || strlen(v) > 200)
		return false;
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* ls_set_topics - the topics setting, one space apart once validated */
static bool
ls_set_topics(struct listset *ls, const char *value, GError **err)
{
	GError *e = NULL;
	char **v = strlen(value) > 4096 ? NULL : topic_list_parse(value, &e);

	if (v == NULL) {
		moim_fail(err, MOIM_ERR_INPUT, "topics: bad value \"%s\": %s",
		    value, e ? e->message : "too long");
		g_clear_error(&e);
		return false;
	}
	g_free(ls->topics);
	ls->topics = g_strjoinv(" ", v);
	g_strfreev(v);
	return true;
}

/* listset_topics - the list's topics as a new vector */
char **
listset_topics(const struct listset *ls)
{
	char **v = topic_list_parse(ls->topics ? ls->topics : "", NULL);

	return v != NULL ? v : g_new0(char *, 1);
}

/* listset_apply - validate value and set key in ls */
bool
listset_apply(
    struct listset *ls, const char *key, const char *value, GError **err)
{
	const struct ls_key *k = ls_find(key);
	char *base = (char *)ls;
	int c;

	if (k == NULL)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "%s: unknown setting", key);
	if (k->type == LS_TEXT) {
		char **slot = (char **)(void *)(base + k->offset);

		if (!ls_text_ok(value) ||
		    (k->choices != NULL && ls_choice(k->choices, value) < 0) ||
		    (strcmp(key, "name") == 0 && *value == '\0'))
			goto bad;
		g_free(*slot);
		*slot = g_strdup(value);
		return true;
	}
	if (k->type == LS_ENUM) {
		c = ls_choice(k->choices, value);
		if (c < 0)
			goto bad;
		*(int *)(void *)(base + k->offset) = c;
		return true;
	}
	if (k->type == LS_BOOL) {
		if (!ls_parse_bool(value, (bool *)(void *)(base + k->offset)))
			goto bad;
		return true;
	}
	if (k->type == LS_COUNT) {
		if (!ls_parse_number(value, 0, LS_MAX_COUNT,
			(int *)(void *)(base + k->offset)))
			goto bad;
		return true;
	}
	if (k->type == LS_DAYS) {
		if (!ls_parse_number(value, 1, LS_MAX_DAYS,
			(int *)(void *)(base + k->offset)))
			goto bad;
		return true;
	}
	if (k->type == LS_TIME) {
		if (!ls_parse_time(value, (int *)(void *)(base + k->offset)))
			goto bad;
		return true;
	}
	if (k->type == LS_DOMAINS) {
		char **slot = (char **)(void *)(base + k->offset);
		char *d = ls_parse_domains(value);

		if (d == NULL)
			goto bad;
		g_free(*slot);
		*slot = d;
		return true;
	}
	if (k->type == LS_TOPICS)
		return ls_set_topics(ls, value, err);
	if (!ls_parse_size(value, (gint64 *)(void *)(base + k->offset)))
		goto bad;
	return true;
bad:
	return moim_fail(
	    err, MOIM_ERR_INPUT, "%s: bad value \"%s\"", key, value);
}

/* listset_value - the value of key as "list set" would take it */
char *
listset_value(const struct listset *ls, const char *key)
{
	const struct ls_key *k = ls_find(key);
	const char *base = (const char *)ls;

	if (k == NULL)
		return NULL;
	switch (k->type) {
	case LS_TEXT: {
		const char *v =
		    *(char *const *)(const void *)(base + k->offset);

		if (v == NULL && strcmp(key, "subject_prefix") == 0)
			return listset_prefix(ls);
		return g_strdup(v ? v : "");
	}
	case LS_ENUM:
		return g_strdup(
		    k->choices[*(const int *)(const void *)(base + k->offset)]);
	case LS_BOOL:
		return g_strdup(*(const bool *)(const void *)(base + k->offset)
			? "yes"
			: "no");
	case LS_SIZE:
		return g_strdup_printf("%" G_GINT64_FORMAT,
		    *(const gint64 *)(const void *)(base + k->offset));
	case LS_COUNT:
	case LS_DAYS:
		return g_strdup_printf(
		    "%d", *(const int *)(const void *)(base + k->offset));
	case LS_TIME: {
		int t = *(const int *)(const void *)(base + k->offset);

		if (t % 60 != 0)
			return g_strdup_printf(
			    "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
		return g_strdup_printf("%02d:%02d", t / 3600, t / 60 % 60);
	}
	case LS_DOMAINS:
	case LS_TOPICS:
		return g_strdup(
		    *(char *const *)(const void *)(base + k->offset));
	}
	return NULL;
}

/* listset_keys - the NULL-terminated list of setting names */
const char *const *
listset_keys(void)
{
	static const char *names[G_N_ELEMENTS(ls_keys) + 1];
	static gsize once;
	size_t i;

	if (g_once_init_enter(&once)) {
		for (i = 0; i < G_N_ELEMENTS(ls_keys); i++)
			names[i] = ls_keys[i].key;
		g_once_init_leave(&once, 1);
	}
	return names;
}

/* listset_prefix - the subject prefix in force: "[name]" unless set */
char *
listset_prefix(const struct listset *ls)
{
	if (ls->subject_prefix != NULL)
		return g_strdup(ls->subject_prefix);
	return g_strdup_printf("[%s]", ls->name);
}

/* listset_policy_name - the SPEC name of a policy */
const char *
listset_policy_name(enum listset_policy p)
{
	return policies[p];
}

/* listset_clear - free the strings of ls */
void
listset_clear(struct listset *ls)
{
	g_clear_pointer(&ls->name, g_free);
	g_clear_pointer(&ls->language, g_free);
	g_clear_pointer(&ls->subject_prefix, g_free);
	g_clear_pointer(&ls->description, g_free);
	g_clear_pointer(&ls->munge_domains, g_free);
	g_clear_pointer(&ls->topics, g_free);
}

/* listset_crashers_name - the stored name of a crashers policy */
const char *
listset_crashers_name(enum listset_crashers c)
{
	return crasher_policies[c];
}
