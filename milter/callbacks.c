/*
 * callbacks - moim-milter's libmilter glue: gather facts, ask policy
 *
 * Lifetimes: a struct conn lives from the first MAIL of a session to its
 * close and holds a reference to the config it started with; a struct msg
 * lives from MAIL to end of message or abort. eom, abort and close all end
 * in msg_reset(), so nothing of one transaction reaches the next.
 *
 * What happens when: MAIL notes the sender, SIZE= and SASL login. RCPT
 * lets every address outside the list domains pass without touching the
 * database; a list-domain address is resolved (rcpt_resolve) and judged
 * by policy_decide() at once. There is no DATA step (SMFIP_NODATA: its
 * reply would cost every post a round trip); a transaction with no list
 * recipient is not our business: its headers and body are not looked at
 * and the end of message accepts it untouched. Headers are noted:
 * X-Moim-* (to remove), From, List-Id, Authentication-Results and the
 * auto-reply markers. Of the Authentication-Results fields with a trusted
 * authserv-id only the topmost is read (a local verifier such as
 * OpenDMARC, earlier in smtpd_milters, adds its field on top); every
 * other one came from outside and is removed (RFC 8601 5), so that
 * moim-listd and anyone after us never read a forged one. End of message judges
 * every list recipient again with what the headers told; one refusal refuses
 * the message (a client gets one answer to DATA), a hold marks the whole
 * message, what vouches for the author (a SASL login, a trusted DMARC pass) is
 * passed on as X-Moim-Auth for moim-listd's privileged acts, a discard of an
 * auto-reply to a command address removes that recipient (or the message, when
 * it has no other).
 *
 * Threads: libmilter runs each session on a thread of its own. Lookups
 * take a read-only SQLite connection, with what it remembers of lists and
 * members, from a shared pool (cache.c) and give it back before the
 * callback returns, so connections and what they remember outlive the
 * sessions; the pool and the rate table, behind their locks, are the only
 * shared mutable state. Any error -> 451 4.3.0, never a guess.
 */
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>
#include <string.h>

#include "addr.h"
#include "cache.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "milter.h"
#include "policy.h"
#include "rcpt.h"
#include "store.h"

/* One list-domain recipient of the transaction. */
struct mrcpt {
	char *given; /* as the MTA passed it, for smfi_delrcpt() */
	char *address; /* canonical */
	struct cache_target *ct; /* a reference */
	const struct rcpt_target *t; /* &ct->t */
	int envelope_role; /* -1: not a member */
	bool has_list_id; /* the message carries its List-Id */
};

/* One X-Moim-* field to remove: name as sent and its index by name. */
struct internal_hdr {
	char *name;
	int index;
};

struct msg {
	struct addr *sender; /* NULL: null path or unparsable */
	gint64 size_param; /* SIZE=, or -1 */
	bool is_authenticated;
	GPtrArray *rcpts; /* struct mrcpt * */
	guint nother; /* recipients outside the list domains */
	gint64 size; /* header and body bytes received */
	guint nheaders;
	char *from; /* first From value */
	guint nfrom;
	char *ar_top; /* the topmost trusted Authentication-Results value */
	int nar; /* Authentication-Results fields seen */
	GArray *ar_forged; /* int: indexes of other trusted ones */
	bool is_auto;
	GArray *internal; /* struct internal_hdr */
	GHashTable *counts; /* lower-cased field name -> occurrences, made
			       at the first X-Moim-* field */
};

struct conn {
	struct moim_config *cfg;
	struct msg *msg;
	bool nr_mail; /* the MTA takes no reply to MAIL */
	bool nr_hdr; /* nor to headers */
	bool nr_body; /* nor to body chunks */
};

/* Set once before smfi_main(), read-only after; rate behind rate_lock. */
static struct moim_config *g_cfg;
static GMutex rate_lock;
static struct policy_rate *rate;
static struct cache_pool *pool;

/* mrcpt_free - free one recipient */
static void
mrcpt_free(gpointer p)
{
	struct mrcpt *r = p;

	g_free(r->given);
	g_free(r->address);
	cache_target_unref(r->ct);
	g_free(r);
}

/* internal_clear - GArray clear function of struct internal_hdr */
static void
internal_clear(gpointer p)
{
	g_free(((struct internal_hdr *)p)->name);
}

/* msg_new - an empty transaction */
static struct msg *
msg_new(void)
{
	struct msg *m = g_new0(struct msg, 1);

	m->size_param = -1;
	m->rcpts = g_ptr_array_new_with_free_func(mrcpt_free);
	m->ar_forged = g_array_new(false, false, sizeof(int));
	m->internal = g_array_new(false, false, sizeof(struct internal_hdr));
	g_array_set_clear_func(m->internal, internal_clear);
	return m;
}

/* msg_reset - end the transaction of c: nothing survives into the next */
static void
msg_reset(struct conn *c)
{
	struct msg *m = c->msg;

	if (m == NULL)
		return;
	addr_free(m->sender);
	g_ptr_array_unref(m->rcpts);
	g_free(m->from);
	g_free(m->ar_top);
	g_array_unref(m->ar_forged);
	g_array_unref(m->internal);
	if (m->counts != NULL)
		g_hash_table_destroy(m->counts);
	g_free(m);
	c->msg = NULL;
}

/* conn_get - the session of ctx, created at its first use */
static struct conn *
conn_get(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL) {
		c = g_new0(struct conn, 1);
		c->cfg = config_ref(g_cfg);
		(void)smfi_setpriv(ctx, c); /* fails only without a ctx */
	}
	return c;
}

/* queue_id - Postfix's queue ID of the message, as its own log shows it:
 * known from the first accepted recipient on ({i}), "NOQUEUE" before */
static const char *
queue_id(SMFICTX *ctx)
{
	const char *i = smfi_getsymval(ctx, "i");

	return i != NULL && *i != '\0' ? i : "NOQUEUE";
}

/* tempfail - answer 451 4.3.0 and log why */
static sfsistat
tempfail(SMFICTX *ctx, const char *stage, const GError *e)
{
	log_error("%s: %s: temporary failure: %s; reply=\"451 4.3.0 "
		  "Temporary failure, try again later\"",
	    queue_id(ctx), stage, e != NULL ? e->message : "unknown");
	(void)smfi_setreply(
	    ctx, "451", "4.3.0", "Temporary failure, try again later");
	return SMFIS_TEMPFAIL;
}

/* answer - set the reply of a refusal and return its status */
static sfsistat
answer(SMFICTX *ctx, const char *stage, const struct policy_verdict *v)
{
	log_info("%s: %s: reply=\"%s %s %s\"", queue_id(ctx), stage, v->code,
	    v->xcode, v->text);
	if (smfi_setreply(ctx, (char *)v->code, (char *)v->xcode,
		(char *)v->text) != MI_SUCCESS)
		return tempfail(ctx, stage, NULL);
	return v->action == POLICY_TEMPFAIL ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* xxfi_negotiate - ask only for the steps, actions and macros we use: no
 * connect, HELO, DATA, unknown command or end-of-header callbacks, and no
 * replies to MAIL, headers and body chunks, which always continue; of the
 * macros only {auth_authen} at MAIL and the queue ID (i) for the log. The
 * body is still sent (its size is a fact of policy: max_size); skipping
 * it (SMFIS_SKIP) would need a reply to each chunk, which no reply saves
 * for the usual message of one chunk. */
static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1,
    unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long want0 =
	    SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT;
	const unsigned long want1 = SMFIP_NOCONNECT | SMFIP_NOHELO |
	    SMFIP_NODATA | SMFIP_NOUNKNOWN | SMFIP_NOEOH | SMFIP_NR_MAIL |
	    SMFIP_NR_HDR | SMFIP_NR_BODY;
	struct conn *c = conn_get(ctx);

	(void)f2;
	(void)f3;
	if ((f0 & want0) != want0) {
		log_error("negotiate: the MTA does not allow header edits");
		return SMFIS_REJECT;
	}
	*pf0 = want0;
	/* Fewer macros: less for the MTA to send and libmilter to copy.
	 * Without SMFIF_SETSYMLIST the MTA sends its own lists. */
	if ((f0 & SMFIF_SETSYMLIST) != 0 &&
	    smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen}") ==
		MI_SUCCESS &&
	    smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i") == MI_SUCCESS &&
	    smfi_setsymlist(ctx, SMFIM_EOM, "i") == MI_SUCCESS)
		*pf0 |= SMFIF_SETSYMLIST;
	*pf1 = f1 & want1;
	*pf2 = 0;
	*pf3 = 0;
	c->nr_mail = (*pf1 & SMFIP_NR_MAIL) != 0;
	c->nr_hdr = (*pf1 & SMFIP_NR_HDR) != 0;
	c->nr_body = (*pf1 & SMFIP_NR_BODY) != 0;
	return SMFIS_CONTINUE;
}

/* on_envfrom - a new transaction: sender, SIZE= and SASL login */
static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_get(ctx);
	struct msg *m;

	msg_reset(c);
	m = c->msg = msg_new();
	if (argv[0] != NULL)
		/* an unparsable path counts as no member, like "<>" */
		(void)addr_parse_path(
		    argv[0], strlen(argv[0]), &m->sender, NULL);
	for (size_t i = 1; argv[0] != NULL && argv[i] != NULL; i++)
		(void)policy_size_param(argv[i], &m->size_param);
	m->is_authenticated = smfi_getsymval(ctx, "{auth_authen}") != NULL;
	return c->nr_mail ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* sender_key - the rate table's key of a sender's posts to a list */
static char *
sender_key(const struct msg *m, const struct store_list *l)
{
	return g_strdup_printf("%" G_GINT64_FORMAT " %s", l->id,
	    m->sender != NULL ? addr_canonical(m->sender) : "<>");
}

/* resolve - look a list-domain recipient up: list, kind, sender's role */
static bool
resolve(
    const struct conn *c, struct mrcpt *r, const struct addr *a, GError **err)
{
	struct cache *k = cache_pool_take(pool, err);
	bool ok = k != NULL &&
	    cache_target(k, addr_local(a), addr_domain(a), &r->ct, err);

	if (ok) {
		r->t = &r->ct->t;
		if (r->t->list != NULL && r->t->kind == RCPT_POST)
			ok = cache_role(k, r->t->list, c->msg->sender,
			    &r->envelope_role, err);
	}
	cache_pool_give(pool, k);
	return ok;
}

/* rcpt_facts - the facts of r at RCPT time */
static void
rcpt_facts(const struct msg *m, const struct mrcpt *r, struct policy_facts *f)
{
	g_autofree char *key = NULL;

	memset(f, 0, sizeof(*f));
	f->stage = POLICY_AT_RCPT;
	f->rcpt = r->address;
	f->list = r->t->list;
	f->kind = r->t->kind;
	f->envelope_role = r->envelope_role;
	f->from_role = -1;
	f->size = m->size_param;
	f->is_authenticated = m->is_authenticated;
	if (r->t->list == NULL || r->t->kind != RCPT_POST)
		return;
	key = sender_key(m, r->t->list);
	g_mutex_lock(&rate_lock);
	f->recent_posts =
	    policy_rate_count(rate, key, g_get_real_time() / G_USEC_PER_SEC);
	g_mutex_unlock(&rate_lock);
}

/* judge_rcpt - resolve and judge one list-domain recipient; r is kept
 * by the transaction when it may pass */
static sfsistat
judge_rcpt(SMFICTX *ctx, struct conn *c, struct mrcpt *r, struct addr *a)
{
	struct policy_facts f;
	struct policy_verdict v;
	GError *e = NULL;
	sfsistat st;

	if (!resolve(c, r, a, &e)) {
		mrcpt_free(r);
		st = tempfail(ctx, "rcpt", e);
		g_clear_error(&e);
		return st;
	}
	rcpt_facts(c->msg, r, &f);
	if (!policy_decide(&f, &v, &e)) {
		mrcpt_free(r);
		st = tempfail(ctx, "rcpt", e);
		g_clear_error(&e);
		return st;
	}
	if (v.action == POLICY_REJECT || v.action == POLICY_TEMPFAIL) {
		st = answer(ctx, "rcpt", &v);
		mrcpt_free(r);
		return st;
	}
	g_ptr_array_add(c->msg->rcpts, r);
	return SMFIS_CONTINUE;
}

/* on_envrcpt - outside the list domains: pass; inside: judge now */
static sfsistat
on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_get(ctx);
	struct addr *a = NULL;
	struct mrcpt *r;
	sfsistat st;

	if (c->msg == NULL)
		return tempfail(ctx, "rcpt", NULL); /* RCPT before MAIL */
	if (argv[0] == NULL ||
	    !addr_parse_path(argv[0], strlen(argv[0]), &a, NULL) || a == NULL ||
	    !config_is_list_domain(c->cfg, addr_domain(a))) {
		c->msg->nother++;
		addr_free(a);
		return SMFIS_CONTINUE;
	}
	if (c->msg->rcpts->len >= MOIM_MAX_RCPTS) {
		addr_free(a);
		(void)smfi_setreply(ctx, "452", "4.5.3", "Too many recipients");
		return SMFIS_TEMPFAIL;
	}
	r = g_new0(struct mrcpt, 1);
	r->given = g_strdup(argv[0]);
	r->address = g_strdup(addr_canonical(a));
	r->envelope_role = -1;
	st = judge_rcpt(ctx, c, r, a);
	addr_free(a);
	return st;
}

/* note_internal - remember an X-Moim-* field and its index by name */
static void
note_internal(struct msg *m, const char *name)
{
	char *lower = g_ascii_strdown(name, -1);

	if (m->counts == NULL)
		m->counts = g_hash_table_new_full(
		    g_str_hash, g_str_equal, g_free, NULL);
	int n = GPOINTER_TO_INT(g_hash_table_lookup(m->counts, lower)) + 1;
	struct internal_hdr h = {g_strdup(name), n};

	g_hash_table_insert(m->counts, lower, GINT_TO_POINTER(n));
	g_array_append_val(m->internal, h);
}

/* note_header - the facts one header field gives */
static void
note_header(struct msg *m, const char *name, const char *value)
{
	if (g_ascii_strcasecmp(name, "From") == 0 && m->nfrom++ == 0)
		m->from = g_strdup(value);
	else if (g_ascii_strcasecmp(name, "List-Id") == 0)
		for (guint i = 0; i < m->rcpts->len; i++) {
			struct mrcpt *r = m->rcpts->pdata[i];

			if (r->t->list != NULL &&
			    policy_list_id_is(
				value, r->t->list->local, r->t->list->domain))
				r->has_list_id = true;
		}
	if (policy_header_is_auto(name, value))
		m->is_auto = true;
}

/* note_ar - keep the topmost trusted Authentication-Results value and
 * the index (among the fields of that name) of every other trusted one */
static void
note_ar(const struct conn *c, struct msg *m, const char *value)
{
	const char *const *trusted =
	    (const char *const *)c->cfg->trusted_authserv_ids;
	int n = ++m->nar;

	if (!policy_ar_is_trusted(value, trusted))
		return;
	if (m->ar_top == NULL && strlen(value) <= MOIM_MAX_HEADER_FIELD)
		m->ar_top = g_strdup(value);
	else
		g_array_append_val(m->ar_forged, n);
}

/* on_header - count and note one header field of a transaction with a
 * list recipient */
static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = conn_get(ctx);
	struct msg *m = c->msg;

	if (m == NULL)
		return tempfail(ctx, "header", NULL);
	if (m->rcpts->len == 0)
		return c->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	m->size += (gint64)strlen(name) + 2 + (gint64)strlen(value) + 2;
	if (g_ascii_strcasecmp(name, "Authentication-Results") == 0)
		note_ar(c, m, value);
	/* Past the bound a field is counted, never stored, and the message
	 * is refused at the end, so no X-Moim-* field slips through. An
	 * X-Moim-* field of any size is noted: it must go. */
	if (++m->nheaders > MOIM_MAX_HEADER_FIELDS)
		;
	else if (policy_is_internal_header(name))
		note_internal(m, name);
	else if (strlen(value) <= MOIM_MAX_HEADER_FIELD)
		note_header(m, name, value);
	return c->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* on_body - count the body's bytes */
static sfsistat
on_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = conn_get(ctx);

	(void)chunk;
	if (c->msg != NULL)
		c->msg->size += (gint64)len;
	return c->nr_body ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* eom_facts - the facts of r at the end of the message */
static bool
eom_facts(const struct conn *c, const struct mrcpt *r, const struct addr *from,
    struct policy_facts *f, GError **err)
{
	const struct msg *m = c->msg;
	const char *const *trusted =
	    (const char *const *)c->cfg->trusted_authserv_ids;
	struct cache *k;
	bool ok;

	memset(f, 0, sizeof(*f));
	f->stage = POLICY_AT_EOM;
	f->rcpt = r->address;
	f->list = r->t->list;
	f->kind = r->t->kind;
	f->envelope_role = r->envelope_role;
	f->from_role = -1;
	f->size = m->size;
	f->is_auto_reply = m->is_auto || m->sender == NULL;
	f->has_list_id = r->has_list_id;
	f->is_authenticated = m->is_authenticated;
	f->dmarc = POLICY_DMARC_UNKNOWN;
	if (from != NULL && m->ar_top != NULL) {
		f->dmarc =
		    policy_ar_dmarc(m->ar_top, trusted, addr_domain(from));
		f->from_verified =
		    policy_ar_verified(m->ar_top, trusted, addr_domain(from));
	}
	if (r->t->kind != RCPT_POST || from == NULL)
		return true;
	if (m->sender != NULL &&
	    strcmp(addr_canonical(from), addr_canonical(m->sender)) == 0) {
		f->from_role = r->envelope_role; /* looked up at RCPT */
		return true;
	}
	if ((k = cache_pool_take(pool, err)) == NULL)
		return false;
	ok = cache_role(k, r->t->list, from, &f->from_role, err);
	cache_pool_give(pool, k);
	return ok;
}

/* The outcome of the end of message over all list recipients. */
struct outcome {
	struct policy_verdict refusal; /* the first refusal, if any */
	bool refused;
	enum policy_hold hold; /* the first hold, if any */
	enum policy_auth auth; /* what vouches for the author of a post */
	GPtrArray *discard; /* struct mrcpt * (borrowed) */
};

/* judge_all - policy_decide() for every list recipient at the end */
static bool
judge_all(const struct conn *c, struct outcome *o, GError **err)
{
	struct msg *m = c->msg;
	struct addr *from = NULL;
	struct policy_facts f;
	struct policy_verdict v;
	bool ok = true;

	if (m->from != NULL && m->nfrom == 1)
		(void)addr_parse(m->from, strlen(m->from), &from, NULL);
	for (guint i = 0; ok && i < m->rcpts->len && !o->refused; i++) {
		struct mrcpt *r = m->rcpts->pdata[i];

		ok = eom_facts(c, r, from, &f, err) &&
		    policy_decide(&f, &v, err);
		if (!ok)
			break;
		if (v.action == POLICY_REJECT || v.action == POLICY_TEMPFAIL) {
			o->refusal = v;
			o->refused = true;
		} else if (v.action == POLICY_DISCARD)
			g_ptr_array_add(o->discard, r);
		else if (v.action == POLICY_HOLD && o->hold == POLICY_HOLD_NONE)
			o->hold = v.hold;
		if (v.auth != POLICY_AUTH_NONE)
			o->auth = v.auth;
	}
	addr_free(from);
	return ok;
}

/* note_posts - count the accepted posts for the rate limit */
static void
note_posts(const struct msg *m)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct mrcpt *r = m->rcpts->pdata[i];
		g_autofree char *key = NULL;
		bool kept;

		if (r->t->kind != RCPT_POST || r->t->list->set.rate_limit <= 0)
			continue;
		key = sender_key(m, r->t->list);
		g_mutex_lock(&rate_lock);
		kept = policy_rate_note(
		    rate, key, r->t->list->set.rate_limit, now);
		g_mutex_unlock(&rate_lock);
		if (!kept)
			log_warn("rate: table full, started over");
	}
}

/* edit - remove X-Moim-* fields and forged Authentication-Results (last
 * first, so that indexes hold), drop discarded recipients, add the hold
 * and auth marks */
static bool
edit(SMFICTX *ctx, const struct msg *m, const struct outcome *o)
{
	for (guint i = m->ar_forged->len; i > 0; i--)
		if (smfi_chgheader(ctx, "Authentication-Results",
			g_array_index(m->ar_forged, int, i - 1),
			NULL) != MI_SUCCESS)
			return false;
	for (guint i = m->internal->len; i > 0; i--) {
		struct internal_hdr *h =
		    &g_array_index(m->internal, struct internal_hdr, i - 1);

		if (smfi_chgheader(ctx, h->name, h->index, NULL) != MI_SUCCESS)
			return false;
	}
	for (guint i = 0; i < o->discard->len; i++)
		if (smfi_delrcpt(
			ctx, ((struct mrcpt *)o->discard->pdata[i])->given) !=
		    MI_SUCCESS)
			return false;
	if (o->hold != POLICY_HOLD_NONE &&
	    smfi_addheader(ctx, "X-Moim-Hold",
		(char *)policy_hold_name(o->hold)) != MI_SUCCESS)
		return false;
	if (o->auth != POLICY_AUTH_NONE &&
	    smfi_addheader(ctx, "X-Moim-Auth",
		(char *)policy_auth_name(o->auth)) != MI_SUCCESS)
		return false;
	return true;
}

/* finish - act on the outcome of the end of message */
static sfsistat
finish(SMFICTX *ctx, struct conn *c, const struct outcome *o)
{
	struct msg *m = c->msg;

	if (o->refused)
		return answer(ctx, "eom", &o->refusal);
	if (m->nheaders > MOIM_MAX_HEADER_FIELDS) {
		struct policy_verdict v = {
		    .action = POLICY_REJECT, .code = "552", .xcode = "5.3.4"};

		g_snprintf(v.text, sizeof(v.text),
		    "Message header too big (max %d fields)",
		    MOIM_MAX_HEADER_FIELDS);
		return answer(ctx, "eom", &v);
	}
	if (o->discard->len == m->rcpts->len && m->nother == 0) {
		log_info("%s: eom: auto-reply to a command address discarded",
		    queue_id(ctx));
		return SMFIS_DISCARD;
	}
	if (!edit(ctx, m, o))
		return tempfail(ctx, "eom", NULL);
	if (o->hold != POLICY_HOLD_NONE)
		log_info("%s: eom: held: %s", queue_id(ctx),
		    policy_hold_name(o->hold));
	if (m->ar_forged->len > 0)
		log_info("%s: eom: %u forged Authentication-Results removed",
		    queue_id(ctx), m->ar_forged->len);
	note_posts(m);
	return SMFIS_ACCEPT;
}

/* on_eom - judge the message as a whole, then forget it; a message
 * without list recipients passes as it came */
static sfsistat
on_eom(SMFICTX *ctx)
{
	struct conn *c = conn_get(ctx);
	struct outcome o = {0};
	GError *e = NULL;
	sfsistat st;

	if (c->msg == NULL)
		return tempfail(ctx, "eom", NULL);
	if (c->msg->rcpts->len == 0) {
		msg_reset(c);
		return SMFIS_ACCEPT;
	}
	o.discard = g_ptr_array_new();
	if (!judge_all(c, &o, &e))
		st = tempfail(ctx, "eom", e);
	else
		st = finish(ctx, c, &o);
	g_clear_error(&e);
	g_ptr_array_unref(o.discard);
	msg_reset(c);
	return st;
}

/* on_abort - the client gave up on the transaction */
static sfsistat
on_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		msg_reset(c);
	return SMFIS_CONTINUE;
}

/* on_close - the session ended */
static sfsistat
on_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	msg_reset(c);
	config_unref(c->cfg);
	g_free(c);
	(void)smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
    .xxfi_name = "moim-milter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT,
    .xxfi_envfrom = on_envfrom,
    .xxfi_envrcpt = on_envrcpt,
    .xxfi_header = on_header,
    .xxfi_body = on_body,
    .xxfi_eom = on_eom,
    .xxfi_abort = on_abort,
    .xxfi_close = on_close,
    .xxfi_negotiate = on_negotiate,
};

/* milter_desc - the filter description for smfi_register() */
struct smfiDesc *
milter_desc(void)
{
	return &desc;
}

/* milter_init - keep cfg and make the rate table, before smfi_main() */
bool
milter_init(struct moim_config *cfg, GError **err)
{
	(void)err;
	g_cfg = config_ref(cfg);
	rate = policy_rate_new();
	pool = cache_pool_new(cfg->database, cfg->milter_cache_ms);
	return true;
}

/* milter_shutdown - drop what milter_init() made */
void
milter_shutdown(void)
{
	g_clear_pointer(&rate, policy_rate_free);
	g_clear_pointer(&pool, cache_pool_free);
	g_clear_pointer(&g_cfg, config_unref);
}
