/*
 * copy - the list's copy of a mail: prepared, archived, queued for members
 *
 * What every copy a list sends needs, whoever decided to send it (a
 * post's policy in post.c, a moderator's approval in moderate.c, an event
 * announcement in event.c, the digest timer in digest.c): the incoming
 * list and internal headers removed, the subject prefix, the footer, the
 * List-* headers (RFC 2369, RFC 2919) and Archived-At (RFC 5064), DMARC
 * munging of From when the list says so, the archive, and one outbound
 * copy with a delivery per member who gets normal mail (and the digest
 * queue for digest members), sealed with one ARC set when [listd] arc_key
 * is set (sign.c). The senders (fanout.c) personalise and DKIM-sign each
 * copy.
 *
 * This module serves: it decides nothing about whether a mail goes to
 * the list, and calls no feature above it (STYLE 1: dependencies point
 * down; tests/layers_test.sh checks it).
 */
#include <string.h>

#include "archive.h"
#include "copy.h"
#include "err.h"
#include "job.h"
#include "links.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "sign.h"
#include "topics.h"
#include "tpl.h"

/* Headers that we set, or that another list or moim itself set. */
static const char *const strip_headers[] = {"List-Id", "List-Post", "List-Help",
    "List-Subscribe", "List-Unsubscribe", "List-Unsubscribe-Post",
    "List-Archive", "Archived-At", "List-Owner", "Precedence", "Return-Path",
    "X-Moim-Verdict", "X-Moim-Hold", "X-Moim-List", "X-Moim-Auth", "X-Loop",
    "X-Moim-Topic", NULL};

/* munge_from - From becomes "Author via List" <L@D>, author in Reply-To */
static bool
munge_from(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	const char *name = addr_display_name(j->from);
	g_autofree char *disp = g_strdup_printf("%s via %s",
	    name && *name ? name : addr_canonical(j->from), l->set.name);
	g_autofree char *author = addr_format(j->from), *nf = NULL;
	struct addr *a = addr_new(disp, l->address, err);

	if (a == NULL)
		return false;
	nf = addr_format(a);
	addr_free(a);
	return mime_set_header(GMIME_OBJECT(j->msg), "From", nf, err) &&
	    mime_set_header(GMIME_OBJECT(j->msg), "Reply-To", author, err);
}

/* copy_list_headers - the RFC 2369/2919 headers every copy carries */
bool
copy_list_headers(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	GMimeObject *o = GMIME_OBJECT(j->msg);
	g_autofree char *id = notice_list_id(l),
			*post = g_strdup_printf("<mailto:%s>", l->address),
			*help = g_strdup_printf(
			    "<mailto:%s-request@%s?subject=help>", l->local,
			    l->domain),
			*sub = g_strdup_printf(
			    "<mailto:%s-subscribe@%s>", l->local, l->domain),
			*arch = links_list_archive(listd_cfg(j->d)->base_url,
			    listd_cfg(j->d)->archive_url, l->local, l->address,
			    l->set.archive);
	bool ok = mime_set_header(o, "List-Id", id, err) &&
	    mime_set_header(o, "List-Post", post, err) &&
	    mime_set_header(o, "List-Help", help, err) &&
	    mime_set_header(o, "List-Subscribe", sub, err) &&
	    mime_set_header(o, "Precedence", "list", err);

	/* The list's web page with [web] base_url, else [moim] archive_url. */
	if (ok && arch != NULL)
		ok = mime_set_header(o, "List-Archive", arch, err);
	/* Personal copies get a per-member List-Unsubscribe as they go out;
	 * a batched copy serves many members and names the list's address. */
	if (ok && l->set.delivery == LISTSET_DELIVERY_BATCHED) {
		g_autofree char *unsub = g_strdup_printf(
		    "<mailto:%s-unsubscribe@%s>", l->local, l->domain);

		ok = mime_set_header(o, "List-Unsubscribe", unsub, err);
	}
	if (ok && l->set.reply_to == LISTSET_REPLY_LIST)
		ok = mime_set_header(o, "Reply-To", l->address, err);
	return ok;
}

/* copy_archived_at - Archived-At (RFC 5064): the post's page in the web
 * archive, keyed by the Message-ID the archive keeps it under; nothing
 * without [web] base_url or on a list whose archive is hidden */
bool
copy_archived_at(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	const char *base = listd_cfg(j->d)->base_url;
	struct archive_doc *d = NULL;
	g_autofree char *v = NULL;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);

	if (*base == '\0' || l->set.archive == LISTSET_ARCHIVE_HIDDEN)
		return true;
	if (!archive_doc_parse(raw, len, &d, err))
		return false;
	v = links_archived_at(base, l->address, l->set.archive, d->message_id);
	archive_doc_free(d);
	return v == NULL ||
	    mime_set_header(GMIME_OBJECT(j->msg), "Archived-At", v, err);
}

/* footer_web - the footer's web line ("" without one): the list's page,
 * since one footer serves every member of a post (a member's own
 * unsubscribe link is in List-Unsubscribe) */
static char *
footer_web(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	g_autofree char *page = links_list_page(
	    listd_cfg(j->d)->base_url, l->address, l->set.archive);
	g_autofree char *subject = NULL, *body = NULL;
	GHashTable *v;
	bool ok;

	if (page == NULL)
		return g_strdup("");
	v = notice_vars(j, "");
	g_hash_table_insert(v, "list_url", g_steal_pointer(&page));
	ok = tpl_render(listd_cfg(j->d)->templates, l->set.language,
	    "footer-web", v, &subject, &body, err);
	g_hash_table_unref(v);
	return ok ? g_strconcat("\n", g_strchomp(body), NULL) : NULL;
}

/* copy_footer_text - the list's footer from its template */
char *
copy_footer_text(struct job *j, GError **err)
{
	GHashTable *v = notice_vars(j, "");
	char *subject = NULL, *body = NULL, *web = footer_web(j, err);

	if (web != NULL)
		g_hash_table_insert(v, "web_footer", web);
	if (web == NULL ||
	    !tpl_render(listd_cfg(j->d)->templates, j->t.list->set.language,
		"footer", v, &subject, &body, err))
		body = NULL;
	g_free(subject);
	g_hash_table_unref(v);
	return body;
}

/* in_domains - whether domain is one of the space-separated domains */
static bool
in_domains(const char *domains, const char *domain)
{
	size_t n = strlen(domain);
	const char *p = domains;

	while ((p = strstr(p, domain)) != NULL) {
		if ((p == domains || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
		p += n;
	}
	return false;
}

/* wants_munge - whether the author's From must be replaced by the list's:
 * dmarc = munge; or auto, and the author's domain is one the list always
 * munges (unless the list changes nothing, so DKIM signatures survive)
 * or publishes p=quarantine or p=reject (or its policy cannot be found:
 * the munged copy is the one that surely arrives); but p=reject with a
 * passing ARC chain keeps From on a list with arc_trust = yes */
static bool
wants_munge(struct job *j)
{
	const struct listset *ls = &j->t.list->set;
	g_autofree char *domain = NULL;
	enum dmarc_result r;

	if (ls->dmarc != LISTSET_DMARC_AUTO)
		return ls->dmarc == LISTSET_DMARC_MUNGE;
	domain = g_ascii_strdown(addr_domain(j->from), -1);
	if (*domain == '\0')
		return false;
	if (!ls->unmodified && in_domains(ls->munge_domains, domain))
		return true;
	r = dmarc_lookup(
	    j->d->dmarc, domain, g_get_monotonic_time() / G_USEC_PER_SEC);
	/* arc_trust: receivers that honour the chain see the author's
	 * DMARC pass in it, and the list's seal vouches for the chain. */
	if (r == DMARC_REJECT && ls->arc_trust &&
	    sign_arc_check(j) == ARC_CV_PASS) {
		log_info("post: list=%s author domain %s: dmarc reject, arc "
			 "chain passes, arc_trust: From kept",
		    j->t.list->address, domain);
		return false;
	}
	if (dmarc_wants_munge(r))
		log_info(
		    "post: list=%s author domain %s: dmarc %s, From munged",
		    j->t.list->address, domain, dmarc_result_name(r));
	return dmarc_wants_munge(r);
}

/* copy_prepare - turn the post into the copy every member gets */
bool
copy_prepare(struct job *j, GError **err)
{
	const struct listset *ls = &j->t.list->set;
	g_autofree char *prefix = listset_prefix(ls), *subj = NULL,
			*foot = NULL;
	size_t i;

	for (i = 0; strip_headers[i] != NULL; i++)
		mime_remove_header(GMIME_OBJECT(j->msg), strip_headers[i]);
	if (*prefix != '\0' && !ls->unmodified) {
		subj = mime_subject_prefixed(j->subject, prefix);
		if (!mime_set_subject(j->msg, subj, err))
			return false;
	}
	if (ls->footer && !ls->unmodified) {
		foot = copy_footer_text(j, err);
		if (foot == NULL || !mime_add_footer(j->msg, foot, err))
			return false;
	}
	if (j->from != NULL && wants_munge(j) && !munge_from(j, err))
		return false;
	return copy_list_headers(j, err);
}

/* recipients - the members who get this post (of topic, or NULL) now */
static struct store_rcpt *
recipients(struct job *j, const char *topic, GPtrArray **members_out,
    size_t *n_out, GError **err)
{
	GPtrArray *m = store_member_recipients(
	    j->s, j->t.list->id, STORE_MODE_REGULAR, err);
	struct store_rcpt *r;
	guint i;

	if (m == NULL)
		return NULL;
	if (!topics_keep(j, topic, m, err)) {
		g_ptr_array_unref(m);
		return NULL;
	}
	r = g_new0(struct store_rcpt, m->len + 1);
	for (i = 0; i < m->len; i++) {
		struct store_member *x = m->pdata[i];

		r[i].address = x->address;
		r[i].member_id = x->id;
	}
	*members_out = m;
	*n_out = m->len;
	return r;
}

/* copy_archive - keep the post as received, threaded and indexed; the raw
 * bytes are parsed again so the index holds what the author wrote, not
 * the prepared copy */
bool
copy_archive(struct job *j, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);

	return archive_add(
	    j->s, j->t.list->id, NULL, raw, len, j->now, NULL, err);
}

/* queue_for_digest - keep the job's post for the list's digest members,
 * if it has any */
static bool
queue_for_digest(struct job *j, GError **err)
{
	bool has;

	if (!store_member_has_mode(
		j->s, j->t.list->id, STORE_MODE_DIGEST, &has, err))
		return false;
	if (!has)
		return true;
	/* The timer looks again: this post may be due before any other. */
	j->d->digest_next = 0;
	return store_digest_add(j->s, j->t.list->id,
	    g_bytes_get_data(j->raw, NULL), g_bytes_get_size(j->raw), j->now,
	    err);
}

/* copy_distribute - queue the prepared post for every member */
bool
copy_distribute(struct job *j, GError **err)
{
	GPtrArray *members = NULL;
	GBytes *b, *plain;
	size_t n = 0;
	struct store_rcpt *r;
	g_autofree char *topic = NULL;
	bool ok;
	enum store_out_kind kind =
	    j->t.list->set.delivery == LISTSET_DELIVERY_BATCHED
	    ? STORE_OUT_BATCH
	    : STORE_OUT_POST;

	if (!copy_prepare(j, err) || !copy_archived_at(j, err) ||
	    !topics_of_post(j, &topic, err) || !topics_mark_copy(j, topic, err))
		return false;
	r = recipients(j, topic, &members, &n, err);
	if (r == NULL)
		return false;
	plain = mime_to_bytes(GMIME_OBJECT(j->msg));
	/* One ARC set for every copy: the senders add per-member fields
	 * above it, outside what it signs. */
	b = sign_arc_seal(j, plain);
	g_bytes_unref(plain);
	ok = store_outbound_add(j->s, j->t.list->id, kind, NULL, j->message_id,
		 g_bytes_get_data(b, NULL), g_bytes_get_size(b), r, n, j->now,
		 NULL, err) &&
	    copy_archive(j, err) && topics_archived(j, topic, err) &&
	    queue_for_digest(j, err);
	log_info("post: list=%s message-id=%s recipients=%zu",
	    j->t.list->address, j->message_id ? j->message_id : "-", n);
	j->result = "distributed";
	g_bytes_unref(b);
	g_free(r);
	g_ptr_array_unref(members);
	return ok;
}
