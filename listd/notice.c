/*
 * notice - mails moim-listd writes itself: confirmations, welcome, replies
 *
 * A notice is a template (templates/LANG/NAME.txt, in the list's
 * language) rendered with the job's variables, built into a complete
 * text/plain message by lib/mime, and queued as one outbound copy whose
 * return path is L-bounces@D. It is queued in the job's transaction, so it
 * goes out exactly when the job's other effects are committed.
 */
#include <string.h>

#include "err.h"
#include "imip.h"
#include "job.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "tpl.h"

/* notice_list_id - the List-Id of a list: Name <local.domain> (RFC 2919).
 * An ASCII name is a quoted string; a name with other characters is left
 * unquoted, so that the header encoder makes encoded words of it, which
 * RFC 2047 5 forbids inside quotes; the characters that would end the
 * phrase are dropped from it. */
char *
notice_list_id(const struct store_list *l)
{
	g_autofree char *id = g_strdup_printf("%s.%s", l->local, l->domain);
	bool ascii = g_str_is_ascii(l->set.name);
	GString *q = g_string_new(ascii ? "\"" : "");
	const char *p;

	for (p = l->set.name; *p != '\0'; p++) {
		if (!ascii && strchr("\"\\<>", *p) != NULL)
			continue;
		if (ascii && (*p == '"' || *p == '\\'))
			g_string_append_c(q, '\\');
		g_string_append_c(q, *p);
	}
	g_string_append_printf(q, "%s <%s>", ascii ? "\"" : "", id);
	return g_string_free(q, FALSE);
}

/* list_addr - "local-suffix@domain" of the job's list */
static char *
list_addr(const struct store_list *l, const char *suffix)
{
	return g_strdup_printf("%s%s@%s", l->local, suffix, l->domain);
}

/* notice_vars - the variables every template may use */
GHashTable *
notice_vars(struct job *j, const char *to)
{
	const struct store_list *l = j->t.list;
	GHashTable *v =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

	g_hash_table_insert(v, "list_name", g_strdup(l->set.name));
	g_hash_table_insert(v, "list_address", g_strdup(l->address));
	g_hash_table_insert(v, "request_address", list_addr(l, "-request"));
	g_hash_table_insert(v, "owner_address", list_addr(l, "-owner"));
	g_hash_table_insert(v, "address", g_strdup(to));
	return v;
}

/* notice_from - "List Name" <L-request@D>, formatted for a header */
char *
notice_from(const struct store_list *l)
{
	g_autofree char *req = list_addr(l, "-request");
	struct addr *a = addr_new(l->set.name, req, NULL);
	char *s;

	if (a == NULL)
		return g_steal_pointer(&req);
	s = addr_format(a);
	addr_free(a);
	return s;
}

/* notice_queue - render tpl for to and queue it in the job's transaction */
bool
notice_queue(struct job *j, const char *tpl, const char *to, GHashTable *vars,
    const char *reply_to, GError **err)
{
	return notice_queue_attach(j, tpl, to, vars, reply_to, NULL, err);
}

/* notice_queue_attach - the same, with a message attached (or NULL) */
bool
notice_queue_attach(struct job *j, const char *tpl, const char *to,
    GHashTable *vars, const char *reply_to, GMimeMessage *attach, GError **err)
{
	const struct store_list *l = j->t.list;
	g_autofree char *subject = NULL, *body = NULL, *from = NULL,
			*raw = NULL, *list_id = notice_list_id(l),
			*bounces = list_addr(l, "-bounces");
	const char *extra[] = {
	    "List-Id", list_id, reply_to ? "Reply-To" : NULL, reply_to, NULL};
	struct mime_notice n = {0};
	struct store_rcpt r = {to, 0};

	if (!tpl_render(listd_cfg(j->d)->templates, l->set.language, tpl, vars,
		&subject, &body, err))
		return false;
	from = notice_from(l);
	n.from = from;
	n.to = to;
	n.subject = subject;
	n.body = body;
	n.message_id_domain = l->domain;
	n.in_reply_to = j->message_id;
	n.extra_headers = extra;
	n.attach = attach;
	raw = mime_build_notice(&n, err);
	if (raw == NULL)
		return false;
	log_info("notice: list=%s template=%s to=%s", l->address, tpl, to);
	return store_outbound_add(j->s, l->id, STORE_OUT_NOTICE, bounces, NULL,
	    raw, strlen(raw), &r, 1, j->now, NULL, err);
}

/* notice_owners - a notice to every owner of the list, each with the
 * message attach attached (or NULL); vars' "address" is set to each */
bool
notice_owners(struct job *j, const char *tpl, GHashTable *vars,
    GMimeMessage *attach, GError **err)
{
	GPtrArray *owners =
	    store_member_list(j->s, j->t.list->id, STORE_ROLE_OWNER, err);
	bool ok = owners != NULL;
	guint i;

	for (i = 0; ok && i < owners->len; i++) {
		const struct store_member *o = owners->pdata[i];

		g_hash_table_replace(vars, "address", g_strdup(o->address));
		ok = notice_queue_attach(
		    j, tpl, o->address, vars, NULL, attach, err);
	}
	if (owners != NULL)
		g_ptr_array_unref(owners);
	return ok;
}

/* notice_author - a notice to the poster, never to an auto-reply */
bool
notice_author(struct job *j, const char *tpl, const char *why, GError **err)
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

/* imip_copy - the notice n with its body replaced by an iMIP part */
static char *
imip_copy(const struct mime_notice *n, const char *ics, enum imip_method method,
    GError **err)
{
	g_autofree char *raw = mime_build_notice(n, err);
	GMimeMessage *m;
	GMimeObject *part;
	GBytes *b;
	char *out;

	if (raw == NULL)
		return NULL;
	m = mime_parse(raw, strlen(raw), err);
	if (m == NULL)
		return NULL;
	part = imip_mime_new(ics, method, n->body, err);
	if (part == NULL) {
		g_object_unref(m);
		return NULL;
	}
	g_mime_message_set_mime_part(m, part);
	g_object_unref(part);
	b = mime_to_bytes(GMIME_OBJECT(m));
	out = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
	g_bytes_unref(b);
	g_object_unref(m);
	return out;
}

/* notice_queue_imip - a template as the text of an iMIP message (ics,
 * method) for one member, queued as that member's own copy */
bool
notice_queue_imip(struct job *j, const char *tpl, const struct store_rcpt *to,
    GHashTable *vars, const char *ics, enum imip_method method, GError **err)
{
	const struct store_list *l = j->t.list;
	g_autofree char *subject = NULL, *body = NULL, *from = NULL,
			*raw = NULL, *list_id = notice_list_id(l);
	const char *extra[] = {"List-Id", list_id, NULL};
	struct mime_notice n = {0};

	if (!tpl_render(listd_cfg(j->d)->templates, l->set.language, tpl, vars,
		&subject, &body, err))
		return false;
	from = notice_from(l);
	n.from = from;
	n.to = to->address;
	n.subject = subject;
	n.body = body;
	n.message_id_domain = l->domain;
	n.extra_headers = extra;
	raw = imip_copy(&n, ics, method, err);
	if (raw == NULL)
		return false;
	log_info("notice: list=%s template=%s to=%s method=%s", l->address, tpl,
	    to->address, imip_method_name(method));
	return store_outbound_add(j->s, l->id, STORE_OUT_EVENT, NULL, NULL, raw,
	    strlen(raw), to, 1, j->now, NULL, err);
}
