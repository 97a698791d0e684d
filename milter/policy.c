/*
 * policy - moim-milter's decisions, as pure functions of plain structs
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "limits.h"

/* verdict - fill v with an answer; text is composed by us */
static void verdict(struct policy_verdict *v, enum policy_action a,
    const char *code, const char *xcode, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

static void
verdict(struct policy_verdict *v, enum policy_action a, const char *code,
    const char *xcode, const char *fmt, ...)
{
	va_list ap;

	v->action = a;
	g_strlcpy(v->code, code, sizeof(v->code));
	g_strlcpy(v->xcode, xcode, sizeof(v->xcode));
	va_start(ap, fmt);
	(void)g_vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

/* hold - accept v's recipient, marked for moderation with reason h */
static void
hold(struct policy_verdict *v, enum policy_hold h)
{
	v->action = POLICY_HOLD;
	v->hold = h;
}

/* is_command - whether kind is an address that takes commands */
static bool
is_command(enum rcpt_kind kind)
{
	return kind == RCPT_REQUEST || kind == RCPT_SUBSCRIBE ||
	    kind == RCPT_UNSUBSCRIBE || kind == RCPT_CONFIRM;
}

/* too_big - whether size is over the list's max_size */
static bool
too_big(const struct policy_facts *f)
{
	return f->size >= 0 && f->size > f->list->set.max_size;
}

/* decide_rcpt - the checks of RCPT time for a post recipient */
static void
decide_rcpt(const struct policy_facts *f, struct policy_verdict *v)
{
	const struct listset *ls = &f->list->set;

	if (too_big(f)) {
		verdict(v, POLICY_REJECT, "552", "5.3.4",
		    "Message too big for <%s> (max %" G_GINT64_FORMAT " bytes)",
		    f->list->address, ls->max_size);
		return;
	}
	if (ls->rate_limit > 0 && f->recent_posts >= ls->rate_limit) {
		verdict(v, POLICY_TEMPFAIL, "450", "4.7.1",
		    "Too many posts to <%s>; try again later",
		    f->list->address);
		return;
	}
	/* Posting rights wait for From at the end of the message. */
}

/* may_post - posting rights on the better role of envelope and From;
 * false with v set when the post is refused or held */
static bool
may_post(const struct policy_facts *f, struct policy_verdict *v)
{
	const struct store_list *l = f->list;
	int role = MAX(f->envelope_role, f->from_role);

	if (l->set.policy == LISTSET_POLICY_ANNOUNCE &&
	    role < (int)STORE_ROLE_MODERATOR) {
		verdict(v, POLICY_REJECT, "550", "5.7.1",
		    "Only the list owners and moderators may post to <%s>",
		    l->address);
		return false;
	}
	if (l->set.policy != LISTSET_POLICY_MEMBERS || role >= 0)
		return true;
	if (l->set.nonmember == LISTSET_NONMEMBER_HOLD) {
		hold(v, POLICY_HOLD_NONMEMBER);
		return false;
	}
	verdict(v, POLICY_REJECT, "550", "5.7.1",
	    "Only members may post to <%s>; to join, write to <%s-request@%s>",
	    l->address, l->local, l->domain);
	return false;
}

/* decide_eom - the checks at the end of the message for a post */
static void
decide_eom(const struct policy_facts *f, struct policy_verdict *v)
{
	if (f->has_list_id) {
		verdict(v, POLICY_REJECT, "550", "5.4.6",
		    "Mail loop: message already carries this list's List-Id");
		return;
	}
	if (too_big(f)) {
		verdict(v, POLICY_REJECT, "552", "5.3.4",
		    "Message too big for <%s> (max %" G_GINT64_FORMAT " bytes)",
		    f->list->address, f->list->set.max_size);
		return;
	}
	if (!may_post(f, v))
		return;
	if (f->is_authenticated)
		v->auth = POLICY_AUTH_SASL;
	else if (f->from_verified)
		v->auth = POLICY_AUTH_DOMAIN;
	if (f->list->set.require_auth && !f->is_authenticated &&
	    f->dmarc != POLICY_DMARC_PASS && f->dmarc != POLICY_DMARC_NONE)
		hold(v, POLICY_HOLD_DMARC);
}

/* policy_decide - what to do with one list-domain recipient */
bool
policy_decide(
    const struct policy_facts *f, struct policy_verdict *v_out, GError **err)
{
	memset(v_out, 0, sizeof(*v_out));
	v_out->action = POLICY_CONTINUE;
	if (f->rcpt == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL, "no recipient");
	if (f->list == NULL) {
		if (f->stage == POLICY_AT_EOM)
			return moim_fail(err, MOIM_ERR_INTERNAL,
			    "unknown recipient at end of message");
		verdict(v_out, POLICY_REJECT, "550", "5.1.1",
		    "<%s>: no such list address", f->rcpt);
		return true;
	}
	if (f->stage == POLICY_AT_EOM && is_command(f->kind) &&
	    f->is_auto_reply) {
		v_out->action = POLICY_DISCARD;
		return true;
	}
	if (f->kind != RCPT_POST)
		return true;
	if (f->stage == POLICY_AT_RCPT)
		decide_rcpt(f, v_out);
	else
		decide_eom(f, v_out);
	return true;
}

/* policy_hold_name - the X-Moim-Hold value moim-listd reads */
const char *
policy_hold_name(enum policy_hold h)
{
	switch (h) {
	case POLICY_HOLD_DMARC:
		return "dmarc";
	case POLICY_HOLD_NONMEMBER:
		return "nonmember";
	default:
		return NULL;
	}
}

/* policy_auth_name - the X-Moim-Auth value moim-listd reads */
const char *
policy_auth_name(enum policy_auth a)
{
	switch (a) {
	case POLICY_AUTH_SASL:
		return "sasl";
	case POLICY_AUTH_DOMAIN:
		return "domain";
	default:
		return NULL;
	}
}

/* policy_size_param - the value of an ESMTP SIZE=n argument */
bool
policy_size_param(const char *arg, gint64 *size_out)
{
	guint64 n;

	if (arg == NULL || g_ascii_strncasecmp(arg, "SIZE=", 5) != 0)
		return false;
	/* 20 digits cover any 64-bit number; more is garbage */
	if (strlen(arg + 5) > 20 ||
	    !g_ascii_string_to_unsigned(arg + 5, 10, 0, G_MAXINT64, &n, NULL))
		return false;
	*size_out = (gint64)n;
	return true;
}

/* first_word - the first token of value (after blanks, before blanks,
 * ';' or '('), lower-cased, into buf of size n; "" if too long */
static void
first_word(const char *value, char *buf, size_t n)
{
	size_t len;

	value += strspn(value, " \t\r\n");
	len = strcspn(value, " \t\r\n;(");
	if (len >= n)
		len = 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = g_ascii_tolower(value[i]);
	buf[len] = '\0';
}

/* has_word - whether value holds word as a whole token, ignoring case */
static bool
has_word(const char *value, const char *word)
{
	size_t n = strlen(word);
	const char *p = value;

	while ((p = strcasestr(p, word)) != NULL) {
		bool left = p == value || !g_ascii_isalnum(p[-1]);
		bool right = !g_ascii_isalnum(p[n]);

		if (left && right)
			return true;
		p += n;
	}
	return false;
}

/* policy_header_is_auto - whether one field marks an automatic message:
 * Auto-Submitted not "no", Precedence bulk/junk/list, X-Autoreply,
 * X-Autorespond, X-Auto-Response-Suppress with "All" */
bool
policy_header_is_auto(const char *name, const char *value)
{
	char w[16];

	if (strnlen(value, MOIM_MAX_HEADER_FIELD + 1) > MOIM_MAX_HEADER_FIELD)
		return false;
	if (g_ascii_strcasecmp(name, "Auto-Submitted") == 0) {
		first_word(value, w, sizeof(w));
		return strcmp(w, "no") != 0;
	}
	if (g_ascii_strcasecmp(name, "Precedence") == 0) {
		first_word(value, w, sizeof(w));
		return strcmp(w, "bulk") == 0 || strcmp(w, "junk") == 0 ||
		    strcmp(w, "list") == 0;
	}
	if (g_ascii_strcasecmp(name, "X-Autoreply") == 0 ||
	    g_ascii_strcasecmp(name, "X-Autorespond") == 0)
		return true;
	if (g_ascii_strcasecmp(name, "X-Auto-Response-Suppress") == 0)
		return has_word(value, "all");
	return false;
}

/* policy_list_id_is - whether a List-Id value names <local.domain> */
bool
policy_list_id_is(const char *value, const char *local, const char *domain)
{
	g_autofree char *ours = NULL;

	if (strnlen(value, MOIM_MAX_HEADER_FIELD + 1) > MOIM_MAX_HEADER_FIELD)
		return false;
	ours = g_strdup_printf("<%s.%s>", local, domain);
	return strcasestr(value, ours) != NULL;
}

/* policy_is_internal_header - X-Moim-*: verdicts moim passes to itself */
bool
policy_is_internal_header(const char *name)
{
	return g_ascii_strncasecmp(name, "X-Moim-", 7) == 0;
}

/* ar_clean - value without RFC 5322 comments, with blanks for folding
 * and for ';' inside quoted strings, so that ';' separates resinfos */
static char *
ar_clean(const char *value)
{
	GString *out = g_string_sized_new(strlen(value));
	int depth = 0;
	bool quoted = false;

	for (const char *p = value; *p != '\0'; p++) {
		char c = *p;

		if (c == '\\' && p[1] != '\0' && (quoted || depth > 0)) {
			if (depth == 0)
				g_string_append_c(
				    out, p[1] == ';' ? ' ' : p[1]);
			p++;
			continue;
		}
		if (!quoted && c == '(')
			depth++;
		else if (!quoted && c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && c == '"')
			quoted = !quoted;
		else if (depth == 0)
			g_string_append_c(out,
			    (quoted && c == ';') || g_ascii_iscntrl(c) ? ' '
								       : c);
	}
	return g_string_free(out, false);
}

/* ar_result - the dmarc result of one resinfo, or UNKNOWN when it is not
 * a dmarc result for from_domain */
static enum policy_dmarc
ar_result(const char *resinfo, const char *from_domain)
{
	g_auto(GStrv) tok = g_strsplit_set(resinfo, " \t", -1);
	const char *result = NULL, *eq;
	size_t i;

	for (i = 0; tok[i] != NULL && tok[i][0] == '\0'; i++)
		;
	if (tok[i] == NULL || (eq = strchr(tok[i], '=')) == NULL ||
	    !(g_ascii_strncasecmp(tok[i], "dmarc=", 6) == 0 ||
		g_ascii_strncasecmp(tok[i], "dmarc/", 6) == 0))
		return POLICY_DMARC_UNKNOWN;
	result = eq + 1;
	for (i++; tok[i] != NULL; i++)
		if (g_ascii_strncasecmp(tok[i], "header.from=", 12) == 0 &&
		    g_ascii_strcasecmp(tok[i] + 12, from_domain) != 0)
			return POLICY_DMARC_UNKNOWN;
	if (g_ascii_strcasecmp(result, "pass") == 0)
		return POLICY_DMARC_PASS;
	if (g_ascii_strcasecmp(result, "none") == 0)
		return POLICY_DMARC_NONE;
	if (g_ascii_strcasecmp(result, "fail") == 0)
		return POLICY_DMARC_FAIL;
	return POLICY_DMARC_UNKNOWN; /* temperror, permerror: not judged */
}

/* ar_split - the resinfos of a value (RFC 8601 2.2) whose authserv-id is
 * trusted, parts[0] being the authserv-id; NULL when it is not trusted */
static char **
ar_split(const char *value, const char *const *trusted)
{
	g_autofree char *clean = NULL;
	char **parts;
	char id[MOIM_MAX_DOMAIN + 1] = "";

	if (value == NULL || trusted == NULL ||
	    strnlen(value, MOIM_MAX_HEADER_FIELD + 1) > MOIM_MAX_HEADER_FIELD)
		return NULL;
	clean = ar_clean(value);
	parts = g_strsplit(clean, ";", 256);
	if (parts[0] != NULL)
		first_word(parts[0], id, sizeof(id));
	if (parts[0] == NULL || id[0] == '\0' ||
	    !g_strv_contains(trusted, id)) {
		g_strfreev(parts);
		return NULL;
	}
	return parts;
}

/* policy_ar_dmarc - the dmarc result for from_domain in one trusted
 * Authentication-Results value (RFC 8601 2.2) */
enum policy_dmarc
policy_ar_dmarc(
    const char *value, const char *const *trusted, const char *from_domain)
{
	g_auto(GStrv) parts = NULL;
	enum policy_dmarc d = POLICY_DMARC_UNKNOWN;

	if (from_domain == NULL || (parts = ar_split(value, trusted)) == NULL)
		return POLICY_DMARC_UNKNOWN;
	for (size_t i = 1; parts[i] != NULL && d == POLICY_DMARC_UNKNOWN; i++)
		d = ar_result(parts[i], from_domain);
	return d;
}

/* policy_ar_is_trusted - whether a value names a trusted authserv-id;
 * a field too long to read is judged by its first word all the same, so
 * that an oversized forgery is removed too */
bool
policy_ar_is_trusted(const char *value, const char *const *trusted)
{
	char id[MOIM_MAX_DOMAIN + 1];
	g_autofree char *head = NULL, *clean = NULL;

	if (value == NULL || trusted == NULL)
		return false;
	/* read as ar_split() reads it: comments out, controls blank */
	head = g_strndup(value, MOIM_MAX_HEADER_FIELD);
	clean = ar_clean(head);
	first_word(clean, id, sizeof(id));
	return id[0] != '\0' && g_strv_contains(trusted, id);
}

/* dkim_aligned - whether one resinfo is dkim=pass with header.d equal to
 * from_domain (strict alignment) */
static bool
dkim_aligned(const char *resinfo, const char *from_domain)
{
	g_auto(GStrv) tok = g_strsplit_set(resinfo, " \t", -1);
	bool pass = false, aligned = false;
	size_t i;

	for (i = 0; tok[i] != NULL && tok[i][0] == '\0'; i++)
		;
	if (tok[i] == NULL || g_ascii_strcasecmp(tok[i], "dkim=pass") != 0)
		return false;
	pass = true;
	for (i++; tok[i] != NULL; i++)
		if (g_ascii_strncasecmp(tok[i], "header.d=", 9) == 0)
			aligned =
			    g_ascii_strcasecmp(tok[i] + 9, from_domain) == 0;
	return pass && aligned;
}

/* policy_ar_verified - whether a trusted value vouches for from_domain:
 * dmarc=pass, or no dmarc result and a From-aligned dkim=pass */
bool
policy_ar_verified(
    const char *value, const char *const *trusted, const char *from_domain)
{
	g_auto(GStrv) parts = NULL;
	bool aligned = false;

	if (from_domain == NULL || *from_domain == '\0' ||
	    (parts = ar_split(value, trusted)) == NULL)
		return false;
	for (size_t i = 1; parts[i] != NULL; i++) {
		enum policy_dmarc d = ar_result(parts[i], from_domain);

		if (d != POLICY_DMARC_UNKNOWN)
			return d == POLICY_DMARC_PASS;
		aligned = aligned || dkim_aligned(parts[i], from_domain);
	}
	return aligned;
}

/* The rate table: key -> times (gint64, oldest first) within the hour. */
struct policy_rate {
	GHashTable *keys; /* char * -> GArray of gint64 */
};

/* policy_rate_new - an empty rate table */
struct policy_rate *
policy_rate_new(void)
{
	struct policy_rate *r = g_new0(struct policy_rate, 1);

	r->keys = g_hash_table_new_full(
	    g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
	return r;
}

/* rate_expire - drop the times of a before now - POLICY_RATE_WINDOW */
static void
rate_expire(GArray *a, gint64 now)
{
	guint n = 0;

	while (n < a->len &&
	    g_array_index(a, gint64, n) <= now - POLICY_RATE_WINDOW)
		n++;
	if (n > 0)
		g_array_remove_range(a, 0, n);
}

/* rate_empty - GHRFunc: whether a key has no time left in the window */
static gboolean
rate_empty(gpointer key, gpointer value, gpointer now)
{
	(void)key;
	rate_expire(value, *(gint64 *)now);
	return ((GArray *)value)->len == 0;
}

/* policy_rate_count - posts of key within the last hour */
int
policy_rate_count(struct policy_rate *r, const char *key, gint64 now)
{
	GArray *a = g_hash_table_lookup(r->keys, key);

	if (a == NULL)
		return 0;
	rate_expire(a, now);
	return (int)a->len;
}

/* policy_rate_note - record one post of key at now, keeping the newest
 * limit times; false when the table was full and started over */
bool
policy_rate_note(struct policy_rate *r, const char *key, int limit, gint64 now)
{
	GArray *a = g_hash_table_lookup(r->keys, key);
	bool kept = true;

	if (limit <= 0)
		return true;
	if (a == NULL) {
		if (g_hash_table_size(r->keys) >= POLICY_RATE_MAX_KEYS)
			g_hash_table_foreach_remove(r->keys, rate_empty, &now);
		if (g_hash_table_size(r->keys) >= POLICY_RATE_MAX_KEYS) {
			g_hash_table_remove_all(r->keys);
			kept = false;
		}
		a = g_array_new(false, false, sizeof(gint64));
		g_hash_table_insert(r->keys, g_strdup(key), a);
	}
	rate_expire(a, now);
	g_array_append_val(a, now);
	if (a->len > (guint)limit)
		g_array_remove_range(a, 0, a->len - (guint)limit);
	return kept;
}

/* policy_rate_free - free r */
void
policy_rate_free(struct policy_rate *r)
{
	if (r == NULL)
		return;
	g_hash_table_destroy(r->keys);
	g_free(r);
}
