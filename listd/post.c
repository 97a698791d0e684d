/*
 * post - a post to L@D: policy, preparation for fan-out, archive
 *
 * The policy of the list decides (open, members, moderated, announce);
 * a post that may go is prepared once (internal and foreign list headers
 * removed, subject prefix, footer, List-* headers, DMARC munging when the
 * list says so), sealed with one ARC set when [listd] arc_key is set
 * (sign.c), and queued as one outbound copy with a delivery per member
 * who gets normal mail; the senders personalise (and DKIM-sign) each
 * copy.
 */
#include <string.h>

#include "archive.h"
#include "err.h"
#include "job.h"
#include "links.h"
#include "log.h"
#include "mime.h"
#include "sign.h"
#include "tpl.h"

/* Why automatic mail from a member or a stranger waits for a moderator. */
#define AUTO_HOLD_WHY                                                          \
	"automatic mail (Auto-Submitted or Precedence: bulk/list/junk): a "    \
	"moderator decides whether the list passes it on"

/* Headers that we set, or that another list or moim itself set. */
static const char *const strip_headers[] = {"List-Id", "List-Post", "List-Help",
    "List-Subscribe", "List-Unsubscribe", "List-Unsubscribe-Post",
    "List-Archive", "Archived-At", "List-Owner", "Precedence", "Return-Path",
    "X-Moim-Verdict", "X-Moim-Hold", "X-Moim-List", "X-Moim-Auth", "X-Loop",
    "X-Moim-Topic", NULL};

/* Why an owner's or moderator's post waits for a confirmation. */
#define PRIVILEGED_WHY                                                         \
	"only the list's owners and moderators may do this, and nothing "      \
	"but the From line says the message is theirs"

/* sender_role - the poster's membership: -1 if not a member; *who_out
 * is the address that has it (From before the envelope), or NULL */
static bool
sender_role(
    struct job *j, int *role_out, const struct addr **who_out, GError **err)
{
	const struct addr *cand[] = {j->from, j->envelope};
	size_t i;

	*role_out = -1;
	*who_out = NULL;
	for (i = 0; i < G_N_ELEMENTS(cand); i++) {
		struct store_member *m = NULL;

		if (cand[i] == NULL)
			continue;
		if (!store_member_get(
			j->s, j->t.list->id, addr_canonical(cand[i]), &m, err))
			return false;
		if (m != NULL && (int)m->role > *role_out) {
			*role_out = (int)m->role;
			*who_out = cand[i];
		}
		store_member_free(m);
	}
	return true;
}

enum verdict { V_ACCEPT, V_HOLD, V_REFUSE };

/* decide - the list's policy for a poster with this role */
static enum verdict
decide(const struct listset *ls, int role, const char **why_out)
{
	bool privileged = role >= (int)STORE_ROLE_MODERATOR;

	*why_out = NULL;
	switch (ls->policy) {
	case LISTSET_POLICY_OPEN:
		return V_ACCEPT;
	case LISTSET_POLICY_MEMBERS:
		if (role >= 0)
			return V_ACCEPT;
		*why_out = "only members may post to this list";
		return ls->nonmember == LISTSET_NONMEMBER_HOLD ? V_HOLD
							       : V_REFUSE;
	case LISTSET_POLICY_MODERATED:
		*why_out = "every post to this list is moderated";
		return privileged ? V_ACCEPT : V_HOLD;
	case LISTSET_POLICY_ANNOUNCE:
		*why_out = "only the owners and moderators post to this list";
		return privileged ? V_ACCEPT : V_REFUSE;
	}
	return V_HOLD;
}

/* post_tell_author - a notice to the poster, never to an auto-reply */
bool
post_tell_author(struct job *j, const char *tpl, const char *why, GError **err)
{
	const struct addr *to = j->envelope ? j->envelope : j->from;
	GHashTable *v;
	bool ok;

	if (j->is_auto || to == NULL)
		return true;
	v = notice_vars(j, addr_canonical(to));
	g_hash_table_insert(v, "reason", g_strdup(why));
	ok = notice_queue(j, tpl, addr_canonical(to), v, NULL, err);
	g_hash_table_unref(v);
	return ok;
}

/* hold - keep the post for the moderators */
static bool
hold(struct job *j, const char *why, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	const struct addr *who = j->from ? j->from : j->envelope;
	gint64 id;

	j->result = "held";
	log_info("post: list=%s message-id=%s held: %s", j->t.list->address,
	    j->message_id ? j->message_id : "-", why);
	return store_held_add(j->s, j->t.list->id,
		   who ? addr_canonical(who) : "", j->subject, why, raw, len,
		   j->now, j->now + (gint64)j->t.list->set.hold_days * 86400,
		   &id, err) &&
	    moderate_notify(j, id, why, err) &&
	    post_tell_author(j, "post-held", why, err);
}

/* post_hold - hold a post that moim-listd could not process (a permanent
 * failure of its handler), so that it is neither retried for ever nor
 * lost; the moderators and the author are told */
bool
post_hold(struct job *j, const char *why, GError **err)
{
	return hold(j, why, err);
}

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

/* post_list_headers - the RFC 2369/2919 headers every copy carries */
bool
post_list_headers(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	GMimeObject *o = GMIME_OBJECT(j->msg);
	g_autofree char *id = list_id_value(l),
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

/* post_archived_at - Archived-At (RFC 5064): the post's page in the web
 * archive, keyed by the Message-ID the archive keeps it under; nothing
 * without [web] base_url or on a list whose archive is hidden */
bool
post_archived_at(struct job *j, GError **err)
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

/* post_footer_text - the list's footer from its template */
char *
post_footer_text(struct job *j, GError **err)
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

/* post_prepare - turn the post into the copy every member gets */
bool
post_prepare(struct job *j, GError **err)
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
		foot = post_footer_text(j, err);
		if (foot == NULL || !mime_add_footer(j->msg, foot, err))
			return false;
	}
	if (j->from != NULL && wants_munge(j) && !munge_from(j, err))
		return false;
	return post_list_headers(j, err);
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

/* post_archive - keep the post as received, threaded and indexed; the raw
 * bytes are parsed again so the index holds what the author wrote, not
 * the prepared copy */
bool
post_archive(struct job *j, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);

	return archive_add(
	    j->s, j->t.list->id, NULL, raw, len, j->now, NULL, err);
}

/* post_distribute - queue the prepared post for every member */
bool
post_distribute(struct job *j, GError **err)
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

	if (!post_prepare(j, err) || !post_archived_at(j, err) ||
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
	    post_archive(j, err) && topics_archived(j, topic, err) &&
	    digest_queue_post(j, err);
	log_info("post: list=%s message-id=%s recipients=%zu",
	    j->t.list->address, j->message_id ? j->message_id : "-", n);
	j->result = "distributed";
	g_bytes_unref(b);
	g_free(r);
	g_ptr_array_unref(members);
	return ok;
}

/* hold_reason - a known reason for a milter hold, never the raw text */
static const char *
hold_reason(const char *h)
{
	if (g_str_has_prefix(h, "dmarc"))
		return "the author's domain failed DMARC authentication";
	if (g_str_has_prefix(h, "nonmember"))
		return "only members may post without moderation";
	return "held by the SMTP-time filter";
}

/* needs_consent - whether an owner's or moderator's accepted post is a
 * privileged act that nothing vouches for: a post to an announce list,
 * one that skips a moderated list's moderation, or an event, with neither
 * moim-milter's X-Moim-Auth nor a confirmation, on a list with
 * privileged_auth = confirm */
static bool
needs_consent(struct job *j, bool *needs_out, GError **err)
{
	const struct listset *ls = &j->t.list->set;

	*needs_out = false;
	if (j->is_verified || ls->privileged_auth != LISTSET_PRIVILEGED_CONFIRM)
		return true;
	if (ls->policy == LISTSET_POLICY_ANNOUNCE ||
	    ls->policy == LISTSET_POLICY_MODERATED) {
		*needs_out = true;
		return true;
	}
	return event_wanted(j, needs_out, err);
}

/* organizer_post - an owner's or moderator's accepted post: an event, an
 * announcement, or one that waits for its author's consent first */
static bool
organizer_post(struct job *j, const struct addr *who, GError **err)
{
	bool needs, handled = false;

	if (!needs_consent(j, &needs, err))
		return false;
	/* Automatic mail is never answered: a moderator decides. */
	if (needs && j->is_auto)
		return hold(j, PRIVILEGED_WHY, err);
	if (needs)
		return privileged_hold(j, who, PRIVILEGED_WHY, err);
	if (!event_post(j, &handled, err))
		return false;
	return handled || post_distribute(j, err);
}

/* member_post - a member's accepted post: distributed, unless the list
 * requires a topic and it has none */
static bool
member_post(struct job *j, GError **err)
{
	g_autofree char *why = NULL;

	if (!topics_required_why(j, &why, err))
		return false;
	if (why != NULL)
		return hold(j, why, err);
	return post_distribute(j, err);
}

/* post_handle - apply the list's policy to a post and act on it */
bool
post_handle(struct job *j, GError **err)
{
	g_autofree char *hold_why = NULL;
	const struct addr *who;
	const char *why;
	int role;
	bool handled = false;

	if (j->is_loop) {
		j->result = "loop dropped";
		log_warn("post: list=%s message-id=%s carries our List-Id:"
			 " dropped",
		    j->t.list->address, j->message_id ? j->message_id : "-");
		return true;
	}
	if (j->msg == NULL)
		return hold(j, "the message could not be read as MIME", err);
	/* A vacation reply to a post, or a null sender's mail, is never
	 * passed on (RFC 3834); other automatic mail (a newsletter, another
	 * list, a notification) may be what the list is for: below. */
	if (j->is_auto_reply) {
		j->result = "auto-reply dropped";
		return true;
	}
	/* moim-milter refuses these at SMTP time; without it in front (or
	 * past a client that lied about SIZE=) the list's limit still holds. */
	if ((gint64)g_bytes_get_size(j->raw) > j->t.list->set.max_size) {
		g_autofree char *big = g_strdup_printf(
		    "the message is larger than this list accepts (%" G_GINT64_FORMAT
		    " bytes at most)",
		    j->t.list->set.max_size);

		j->result = "refused: too big";
		log_info("post: list=%s message-id=%s refused: %" G_GSIZE_FORMAT
			 " bytes over max_size",
		    j->t.list->address, j->message_id ? j->message_id : "-",
		    g_bytes_get_size(j->raw));
		return post_tell_author(j, "post-refused", big, err);
	}
	/* The milter asks for a hold; a forged one can only hold, never
	 * let a post through, so it is safe to honour. */
	hold_why = mime_header_text(GMIME_OBJECT(j->msg), "X-Moim-Hold");
	if (hold_why != NULL)
		return hold(j, hold_reason(hold_why), err);
	if (!rsvp_reply(j, &handled, err))
		return false;
	if (handled)
		return true;
	if (!sender_role(j, &role, &who, err))
		return false;
	switch (decide(&j->t.list->set, role, &why)) {
	case V_ACCEPT:
		/* Automatic mail is not dropped unseen, nor passed on unseen
		 * (a loop through a notifier or another list): a moderator
		 * decides, unless an owner or moderator sent it. Its sender is
		 * not told (RFC 3834). */
		if (j->is_auto && role < (int)STORE_ROLE_MODERATOR)
			return hold(j, AUTO_HOLD_WHY, err);
		/* An organizer's announcement, perhaps with an event. */
		if (role >= (int)STORE_ROLE_MODERATOR)
			return organizer_post(j, who, err);
		return member_post(j, err);
	case V_HOLD:
		return hold(j, why, err);
	case V_REFUSE:
		j->result = "refused";
		log_info("post: list=%s message-id=%s refused: %s",
		    j->t.list->address, j->message_id ? j->message_id : "-",
		    why);
		return post_tell_author(j, "post-refused", why, err);
	}
	return true;
}
