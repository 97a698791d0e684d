/*
 * dmarc - find the DMARC policy an author's domain publishes
 *
 * Two parts: the record parser (pure, fuzzed) and the lookup, which asks
 * lib/dns (one deadline, its own sockets, a cache per name) for the TXT
 * records at _dmarc.DOMAIN and judges them in the order of RFC 7489
 * 6.6.3.
 */
#include "config.h"

#include <string.h>

#include <libpsl.h>

#include "dmarc.h"
#include "dns.h"
#include "err.h"
#include "limits.h"

/* What the records at one name said. */
enum name_state {
	NAME_FAIL, /* no usable answer: DMARC_DNS_FAIL */
	NAME_EMPTY, /* no DMARC record or no such name: look further */
	NAME_UNUSABLE, /* several records, or one without a policy */
	NAME_POLICY, /* p and sp below */
};

struct outcome {
	enum name_state state;
	enum dmarc_result p;
	enum dmarc_result sp;
};

struct dmarc {
	struct dns *dns; /* shared with DKIM and ARC key lookups */
	int timeout_ms;
};

/* A piece of a record, not NUL-terminated. */
struct slice {
	const char *p;
	size_t n;
};

/* What the tags of one record said before the record is judged. */
struct tag_state {
	bool is_p_ok; /* a valid p= was seen */
	bool has_bad_sp; /* an sp= was seen */
};

/* trim - s without blanks (RFC 5234 WSP) at either end */
static struct slice
trim(struct slice s)
{
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

/* is_word - whether s is lit, without regard to ASCII case */
static bool
is_word(struct slice s, const char *lit)
{
	return s.n == strlen(lit) && g_ascii_strncasecmp(s.p, lit, s.n) == 0;
}

/* next_part - cut the text up to the next ';' (or the end) off *rest;
 * rest->p becomes NULL after the last part */
static struct slice
next_part(struct slice *rest)
{
	struct slice part = *rest;
	const char *semi = memchr(rest->p, ';', rest->n);

	if (semi == NULL) {
		rest->p = NULL;
		rest->n = 0;
		return part;
	}
	part.n = (size_t)(semi - rest->p);
	rest->n -= part.n + 1;
	rest->p = semi + 1;
	return part;
}

/* split_tag - "name = value" into its trimmed halves; false without '=' */
static bool
split_tag(struct slice part, struct slice *name_out, struct slice *value_out)
{
	const char *eq = memchr(part.p, '=', part.n);

	if (eq == NULL)
		return false;
	*name_out = trim((struct slice){part.p, (size_t)(eq - part.p)});
	*value_out =
	    trim((struct slice){eq + 1, part.n - (size_t)(eq - part.p) - 1});
	return true;
}

/* policy_value - none, quarantine or reject (any case) */
static bool
policy_value(struct slice v, enum dmarc_result *out)
{
	if (is_word(v, "none"))
		*out = DMARC_NONE;
	else if (is_word(v, "quarantine"))
		*out = DMARC_QUARANTINE;
	else if (is_word(v, "reject"))
		*out = DMARC_REJECT;
	else
		return false;
	return true;
}

/* is_uri - whether s looks like a URI of RFC 3986: a scheme, ':', and
 * something after it, without blanks (a "!size" suffix is allowed) */
static bool
is_uri(struct slice s)
{
	size_t i = 0;

	if (s.n == 0 || !g_ascii_isalpha(s.p[0]))
		return false;
	while (i < s.n &&
	    (g_ascii_isalnum(s.p[i]) || s.p[i] == '+' || s.p[i] == '-' ||
		s.p[i] == '.'))
		i++;
	if (i == s.n || s.p[i] != ':' || i + 1 == s.n)
		return false;
	for (; i < s.n; i++)
		if (!g_ascii_isgraph(s.p[i]))
			return false;
	return true;
}

/* has_uri - whether a comma-separated rua value holds at least one URI */
static bool
has_uri(struct slice v)
{
	struct slice item;
	const char *comma;

	while (v.p != NULL) {
		item = v;
		if ((comma = memchr(v.p, ',', v.n)) != NULL) {
			item.n = (size_t)(comma - v.p);
			v.n -= item.n + 1;
			v.p = comma + 1;
		} else {
			v.p = NULL;
		}
		if (is_uri(trim(item)))
			return true;
	}
	return false;
}

/* pct_value - a whole number 0..100 of at most three digits */
static bool
pct_value(struct slice v, int *out)
{
	int n = 0;

	if (v.n == 0 || v.n > 3)
		return false;
	for (size_t i = 0; i < v.n; i++) {
		if (!g_ascii_isdigit(v.p[i]))
			return false;
		n = n * 10 + (v.p[i] - '0');
	}
	if (n > 100)
		return false;
	*out = n;
	return true;
}

/* mode_value - adkim or aspf: r or s (any case); else *out stays */
static void
mode_value(struct slice v, char *out)
{
	if (is_word(v, "r"))
		*out = 'r';
	else if (is_word(v, "s"))
		*out = 's';
}

/* note_policy - note the p= or sp= value v in *p (seen: one was noted
 * before); of several, the strictest counts, since a receiver may read
 * any of them and a munged copy is the one that surely arrives */
static bool
note_policy(struct slice v, bool seen, enum dmarc_result *p)
{
	enum dmarc_result r;

	if (!policy_value(v, &r))
		return false;
	if (!seen || r > *p)
		*p = r;
	return true;
}

/* apply_tag - note one tag of a record in rec and ts; unknown tags are
 * ignored (RFC 7489 6.3), and so is a malformed pct, adkim or aspf */
static void
apply_tag(struct dmarc_record *rec, struct tag_state *ts, struct slice name,
    struct slice value)
{
	int pct;

	if (is_word(name, "p")) {
		if (note_policy(value, ts->is_p_ok, &rec->p))
			ts->is_p_ok = true;
	} else if (is_word(name, "sp")) {
		ts->has_bad_sp = true; /* until judge() sees has_sp */
		if (note_policy(value, rec->has_sp, &rec->sp))
			rec->has_sp = true;
	} else if (is_word(name, "pct")) {
		if (pct_value(value, &pct))
			rec->pct = pct;
	} else if (is_word(name, "adkim")) {
		mode_value(value, &rec->adkim);
	} else if (is_word(name, "aspf")) {
		mode_value(value, &rec->aspf);
	} else if (is_word(name, "rua")) {
		rec->has_rua = rec->has_rua || has_uri(value);
	}
}

/* judge - whether the tags give a usable policy (RFC 7489 6.6.3) */
static void
judge(struct dmarc_record *rec, const struct tag_state *ts)
{
	if (ts->is_p_ok && (rec->has_sp || !ts->has_bad_sp)) {
		if (!rec->has_sp)
			rec->sp = rec->p;
		rec->is_valid = true;
		return;
	}
	/* A bad or missing p (or a bad sp) with a report address: p=none. */
	rec->p = rec->sp = DMARC_NONE;
	rec->has_sp = false;
	rec->is_valid = rec->has_rua;
}

/* dmarc_record_parse - read the text of one TXT record */
void
dmarc_record_parse(const char *buf, size_t len, struct dmarc_record *rec_out)
{
	struct slice rest = {buf, len}, part, name, value;
	struct tag_state ts = {false, false};

	memset(rec_out, 0, sizeof(*rec_out));
	rec_out->p = rec_out->sp = DMARC_NONE;
	rec_out->pct = 100;
	rec_out->adkim = rec_out->aspf = 'r';
	if (buf == NULL)
		return;
	part = next_part(&rest);
	if (!split_tag(part, &name, &value) || !is_word(name, "v") ||
	    !is_word(value, "DMARC1"))
		return; /* not a DMARC record: ignored */
	rec_out->is_dmarc = true;
	if (len > DMARC_MAX_RECORD)
		return;
	while (rest.p != NULL) {
		part = next_part(&rest);
		if (split_tag(part, &name, &value))
			apply_tag(rec_out, &ts, name, value);
	}
	judge(rec_out, &ts);
}

/* psl - the Public Suffix List, loaded once: the newer of the file the
 * publicsuffix package installs and libpsl's built-in copy */
static const psl_ctx_t *
psl(void)
{
	static gsize once = 0;
	static const psl_ctx_t *ctx = NULL;
	const psl_ctx_t *latest;

	if (g_once_init_enter(&once)) {
		/* Kept for the life of the process; it is never changed. */
		latest = psl_latest(NULL);
		ctx = latest != NULL ? latest : psl_builtin();
		g_once_init_leave(&once, 1);
	}
	return ctx;
}

/* org_of - the organizational domain of a normalised name, or NULL */
static char *
org_of(const char *name)
{
	const psl_ctx_t *ctx = psl();
	const char *reg;

	if (ctx == NULL || (reg = psl_registrable_domain(ctx, name)) == NULL)
		return NULL;
	return g_strdup(reg);
}

/* dmarc_org_domain - the organizational domain of domain, or NULL */
char *
dmarc_org_domain(const char *domain)
{
	g_autofree char *name = dns_name_normalise(domain);

	return name != NULL ? org_of(name) : NULL;
}

/* outcome_of_records - what the TXT records at _dmarc.NAME say (RFC
 * 7489 6.6.3 step 5: exactly one DMARC record, or none) */
static struct outcome
outcome_of_records(const GPtrArray *txt)
{
	struct outcome o = {NAME_EMPTY, DMARC_NONE, DMARC_NONE};
	struct dmarc_record rec, found = {0};
	int dmarcs = 0;

	for (guint i = 0; txt != NULL && i < txt->len; i++) {
		dmarc_record_parse(txt->pdata[i], strlen(txt->pdata[i]), &rec);
		if (rec.is_dmarc && dmarcs++ == 0)
			found = rec;
	}
	if (dmarcs > 1 || (dmarcs == 1 && !found.is_valid))
		o.state = NAME_UNUSABLE;
	else if (dmarcs == 1)
		o = (struct outcome){NAME_POLICY, found.p, found.sp};
	return o;
}

/* outcome_of - what _dmarc.NAME holds, from the resolver's cache or its
 * servers */
static struct outcome
outcome_of(struct dmarc *d, const char *name, gint64 now, gint64 deadline)
{
	g_autofree char *qname = g_strconcat("_dmarc.", name, NULL);
	g_autoptr(GPtrArray) txt = NULL;

	switch (dns_txt(d->dns, qname, now, deadline, &txt)) {
	case DNS_FAIL:
		return (struct outcome){NAME_FAIL, DMARC_NONE, DMARC_NONE};
	case DNS_NONE:
		break;
	case DNS_FOUND:
		return outcome_of_records(txt);
	}
	return (struct outcome){NAME_EMPTY, DMARC_NONE, DMARC_NONE};
}

/* dmarc_lookup - the policy domain publishes, by RFC 7489 6.6.3 */
enum dmarc_result
dmarc_lookup(struct dmarc *d, const char *domain, gint64 now)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)d->timeout_ms * 1000;
	g_autofree char *name = dns_name_normalise(domain), *org = NULL;
	struct outcome o;

	if (name == NULL)
		return DMARC_NO_POLICY;
	o = outcome_of(d, name, now, deadline);
	if (o.state == NAME_FAIL)
		return DMARC_DNS_FAIL;
	if (o.state == NAME_POLICY)
		return o.p;
	if (o.state == NAME_UNUSABLE)
		return DMARC_NO_POLICY;
	/* No record at the author's domain: the organization's sp= rules. */
	if ((org = org_of(name)) == NULL || strcmp(org, name) == 0)
		return DMARC_NO_POLICY;
	o = outcome_of(d, org, now, deadline);
	if (o.state == NAME_FAIL)
		return DMARC_DNS_FAIL;
	return o.state == NAME_POLICY ? o.sp : DMARC_NO_POLICY;
}

/* dmarc_names - the names dmarc_lookup() of domain may ask for */
GPtrArray *
dmarc_names(const char *domain)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *name = dns_name_normalise(domain), *org = NULL;

	if (name == NULL)
		return a;
	g_ptr_array_add(a, g_strconcat("_dmarc.", name, NULL));
	if ((org = org_of(name)) != NULL && strcmp(org, name) != 0)
		g_ptr_array_add(a, g_strconcat("_dmarc.", org, NULL));
	return a;
}

/* dmarc_new - a resolver with an empty cache */
struct dmarc *
dmarc_new(const char *server, int timeout_ms, GError **err)
{
	struct dns *dns = dns_new(server, timeout_ms, err);
	struct dmarc *d;

	if (dns == NULL)
		return NULL;
	d = g_new0(struct dmarc, 1);
	d->dns = dns;
	d->timeout_ms = timeout_ms;
	return d;
}

/* dmarc_free - free d and its resolver; NULL is fine */
void
dmarc_free(struct dmarc *d)
{
	if (d == NULL)
		return;
	dns_free(d->dns);
	g_free(d);
}

/* dmarc_dns - the resolver d uses, for DKIM and ARC key lookups */
struct dns *
dmarc_dns(struct dmarc *d)
{
	return d->dns;
}

/* dmarc_wants_munge - whether a result calls for rewriting From */
bool
dmarc_wants_munge(enum dmarc_result r)
{
	return r == DMARC_QUARANTINE || r == DMARC_REJECT ||
	    r == DMARC_DNS_FAIL;
}

/* dmarc_result_name - a result as one word, for logs */
const char *
dmarc_result_name(enum dmarc_result r)
{
	switch (r) {
	case DMARC_NO_POLICY:
		return "no_policy";
	case DMARC_NONE:
		return "none";
	case DMARC_QUARANTINE:
		return "quarantine";
	case DMARC_REJECT:
		return "reject";
	case DMARC_DNS_FAIL:
		return "dns_fail";
	}
	return "unknown";
}
