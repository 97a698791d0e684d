/*
 * sign - moim-listd's ARC set per post and DKIM signatures per copy
 */
#include <string.h>

#include "err.h"
#include "job.h"
#include "listd.h"
#include "log.h"
#include "privs.h"
#include "rawhdr.h"
#include "sighdr.h"
#include "sign.h"
#include "signkey.h"

/* sign_init - load the keys moim.conf names */
bool
sign_init(struct listd *d, GError **err)
{
	struct signkey_spec s[SIGNKEY_MAX];
	size_t n = signkey_specs(d->cfg, s);
	struct dkim_key *k;

	for (size_t i = 0; i < n; i++) {
		if ((k = signkey_load(&s[i], err)) == NULL) {
			(void)privs_blame(
			    err, s[i].what, s[i].path, PRIVS_READ);
			return false;
		}
		if (s[i].use == SIGNKEY_ARC)
			d->arc_key = k;
		else if (s[i].use == SIGNKEY_DKIM)
			d->dkim_key = k;
		else
			d->ed25519_key = k;
	}
	return true;
}

/* sign_free - release what sign_init() made */
void
sign_free(struct listd *d)
{
	g_clear_pointer(&d->arc_key, dkim_key_free);
	g_clear_pointer(&d->dkim_key, dkim_key_free);
	g_clear_pointer(&d->ed25519_key, dkim_key_free);
}

/* msgid - the job's Message-ID for log lines */
static const char *
msgid(const struct job *j)
{
	return j->message_id ? j->message_id : "-";
}

/* sign_arc_check - validate the chain the post arrived with, once */
enum arc_cv
sign_arc_check(struct job *j)
{
	g_autofree char *why = NULL;
	gsize len;
	const char *raw;

	if (j->arc_checked)
		return j->arc_cv;
	raw = g_bytes_get_data(j->raw, &len);
	j->arc_cv = arc_validate(raw, len, dns_txt_lookup,
	    dmarc_dns(j->d->dmarc), &j->arc_count, &why);
	j->arc_checked = true;
	if (j->arc_cv != ARC_CV_NONE)
		log_info("post: list=%s message-id=%s arc chain of %d: %s (%s)",
		    j->t.list->address, msgid(j), j->arc_count,
		    arc_cv_name(j->arc_cv), why ? why : "-");
	return j->arc_cv;
}

/* pick_ar - the first Authentication-Results field of the post whose
 * authserv-id is trusted, split; false when there is none */
static bool
pick_ar(struct job *j, const char *const *trusted, char **id_out,
    char **results_out)
{
	GMimeHeaderList *hl =
	    g_mime_object_get_header_list(GMIME_OBJECT(j->msg));
	int n = g_mime_header_list_get_count(hl);

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v = g_mime_header_get_raw_value(h);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h),
			"Authentication-Results") == 0 &&
		    v != NULL &&
		    sighdr_ar_split(v, trusted, id_out, results_out))
			return true;
	}
	return false;
}

/* with_fields - fields (ending in a line end) on top of post */
static GBytes *
with_fields(const char *fields, GBytes *post)
{
	gsize len;
	const char *data = g_bytes_get_data(post, &len);
	size_t n = strlen(fields);
	char *buf = g_malloc(n + len);

	memcpy(buf, fields, n);
	memcpy(buf + n, data, len);
	return g_bytes_new_take(buf, n + len);
}

/* sign_arc_seal - post with the list's ARC set on top */
GBytes *
sign_arc_seal(struct job *j, GBytes *post)
{
	const struct moim_config *cfg = listd_cfg(j->d);
	g_autofree char *id = NULL, *results = NULL, *aar = NULL, *set = NULL;
	g_autofree const char **h = NULL;
	char bh[DKIM_BH_SIZE];
	struct arc_seal_args a = {0};
	GError *e = NULL;
	gsize len;
	const char *data = g_bytes_get_data(post, &len);

	if (j->d->arc_key == NULL)
		return g_bytes_ref(post);
	a.cv = sign_arc_check(j);
	if (j->arc_count >= ARC_MAX_INSTANCES) {
		log_warn("post: list=%s message-id=%s arc chain of %d sets:"
			 " sent unsealed",
		    j->t.list->address, msgid(j), j->arc_count);
		return g_bytes_ref(post);
	}
	if (!pick_ar(j, (const char *const *)cfg->trusted_authserv_ids, &id,
		&results))
		id = g_strdup(cfg->hostname);
	aar = sighdr_aar_results(results, arc_cv_name(a.cv));
	sign_body_hash(data, len, bh);
	h = sighdr_list(data, len, sighdr_ams_names, sighdr_ams_over);
	a.key = j->d->arc_key;
	a.domain = j->t.list->domain;
	a.selector = cfg->arc_selector;
	a.authserv_id = id;
	a.results = aar;
	a.headers = h;
	a.t = j->now;
	a.instance = j->arc_count + 1;
	a.bh = bh;
	if ((set = arc_seal(&a, data, len, &e)) == NULL) {
		log_error("post: list=%s message-id=%s arc seal: %s; sent "
			  "unsealed",
		    j->t.list->address, msgid(j), e->message);
		g_error_free(e);
		return g_bytes_ref(post);
	}
	log_info("post: list=%s message-id=%s arc sealed i=%d cv=%s",
	    j->t.list->address, msgid(j), a.instance, arc_cv_name(a.cv));
	return with_fields(set, post);
}

/* sign_body_hash - the relaxed body hash of msg's body */
void
sign_body_hash(const char *msg, size_t len, char bh_out[DKIM_BH_SIZE])
{
	size_t end = rawhdr_end(msg, len);

	dkim_body_hash(DKIM_CANON_RELAXED, msg + end, len - end, bh_out);
}

/* sign_copy - DKIM-Signature fields for domain on top of msg */
bool
sign_copy(struct listd *d, const char *domain, const char *bh, GString *msg)
{
	const struct moim_config *cfg = listd_cfg(d);
	g_autofree const char **h = NULL;
	g_autofree char *rsa = NULL, *ed = NULL;
	struct dkim_sign_args a = {0};
	GError *e = NULL;

	if (d->dkim_key == NULL)
		return true;
	h = sighdr_list(
	    msg->str, msg->len, sighdr_dkim_names, sighdr_dkim_over);
	a.key = d->dkim_key;
	a.domain = domain;
	a.selector = cfg->dkim_selector;
	a.headers = h;
	a.t = g_get_real_time() / G_USEC_PER_SEC;
	a.bh = bh;
	rsa = dkim_sign(&a, msg->str, msg->len, &e);
	if (rsa != NULL && d->ed25519_key != NULL) {
		a.key = d->ed25519_key;
		a.selector = cfg->dkim_ed25519_selector;
		ed = dkim_sign(&a, msg->str, msg->len, &e);
	}
	if (rsa == NULL || (d->ed25519_key != NULL && ed == NULL)) {
		log_warn("fanout: dkim d=%s: %s; copy sent unsigned", domain,
		    e->message);
		g_error_free(e);
		return false;
	}
	g_string_prepend(msg, rsa);
	if (ed != NULL)
		g_string_prepend(msg, ed);
	return true;
}
