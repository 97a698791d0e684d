/*
 * digest - daily MIME digests for members in digest mode
 *
 * A post distributed while a list has digest members is also queued for
 * the list's digest, as received. Once a day, at the list's digest_time
 * in the [moim] time zone, the timer turns the queued posts into one
 * issue (RFC 2046 5.1.5): a multipart/mixed whose first part is a table
 * of contents from the "digest" template, then a multipart/digest with
 * each post as message/rfc822 (only the headers a reader needs, and the
 * body as received), then
 * the footer. The issue goes to every digest member as a personal copy
 * (VERP, List-Unsubscribe) and its posts leave the queue in the same
 * transaction, so an issue goes out once, also across a restart. A day
 * without posts sends nothing. A large day is split into several issues
 * sent one after the other, each within the bounds in lib/limits.h.
 */
#include <string.h>

#include "copy.h"
#include "digest.h"
#include "err.h"
#include "job.h"
#include "limits.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "rawhdr.h"
#include "topic.h"
#include "tpl.h"

/* Headers a digest keeps of each post (Content-* are kept too): what a
 * reader needs to see and to reply in the thread (RFC 1153 and Mailman
 * keep about the same). */
static const char *const keep_headers[] = {"Date", "From", "To", "Cc",
    "Subject", "Message-ID", "In-Reply-To", "References", "Reply-To",
    "Keywords", "MIME-Version", NULL};

/* digest_due_at - when the digest of posts queued since oldest goes out:
 * the first time of day secs (in tz) at or after oldest */
gint64
digest_due_at(GTimeZone *tz, int secs, gint64 oldest)
{
	GDateTime *t = g_date_time_new_from_unix_utc(oldest), *local, *due,
		  *next;
	gint64 at;

	local = g_date_time_to_timezone(t, tz);
	due = g_date_time_new(tz, g_date_time_get_year(local),
	    g_date_time_get_month(local), g_date_time_get_day_of_month(local),
	    secs / 3600, secs / 60 % 60, secs % 60);
	if (due != NULL && g_date_time_to_unix(due) < oldest) {
		next = g_date_time_add_days(due, 1);
		g_date_time_unref(due);
		due = next;
	}
	at = due != NULL ? g_date_time_to_unix(due) : oldest;
	if (due != NULL)
		g_date_time_unref(due);
	g_date_time_unref(local);
	g_date_time_unref(t);
	return at;
}

/* keep_header - whether a digest keeps a post's header field name (a
 * rawhdr_keep_fn) */
static bool
keep_header(const char *name, void *unused)
{
	size_t i;

	(void)unused;
	if (g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return true;
	for (i = 0; keep_headers[i] != NULL; i++)
		if (g_ascii_strcasecmp(name, keep_headers[i]) == 0)
			return true;
	return false;
}

/* post_part - a post as a message/rfc822 part: its header fields that a
 * reader needs, then its body as received (not as GMime would write it
 * again, which loses what follows a bad header line inside a part) */
static GMimeObject *
post_part(const char *raw, size_t len)
{
	GString *out = g_string_sized_new(len + 2);
	GMimeStream *st;
	GMimeDataWrapper *w;
	GMimePart *part;

	rawhdr_filter(raw, len, keep_header, NULL, out);
	st = g_mime_stream_mem_new_with_buffer(out->str, out->len);
	g_string_free(out, TRUE);
	w = g_mime_data_wrapper_new_with_stream(
	    st, GMIME_CONTENT_ENCODING_DEFAULT);
	part = g_mime_part_new_with_type("message", "rfc822");
	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(st);
	return GMIME_OBJECT(part);
}

/* one_line - s with control characters (line breaks too) as spaces */
static char *
one_line(const char *s)
{
	char *out = g_strdup(s != NULL ? s : ""), *p;

	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* toc_line - one line of the table of contents: "  3. Subject (Author)" */
static void
toc_line(GString *toc, guint n, GMimeMessage *m)
{
	g_autofree char *subject = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_autofree char *from = mime_header_raw(GMIME_OBJECT(m), "From");
	g_autofree char *text = mime_header_text(GMIME_OBJECT(m), "From");
	g_autofree char *s1 = NULL, *w1 = NULL;
	struct addr *a = NULL;
	const char *who = text;

	if (from != NULL && addr_parse(from, strlen(from), &a, NULL))
		who = addr_display_name(a) != NULL &&
			*addr_display_name(a) != '\0'
		    ? addr_display_name(a)
		    : addr_canonical(a);
	s1 = one_line(subject != NULL && *subject != '\0' ? subject : "-");
	w1 = one_line(who);
	g_string_append_printf(toc, "%3u. %s (%s)\n", n, s1, w1);
	addr_free(a);
}

/* A post of the digest with its topic group (SPEC "Topics"). */
struct dig_item {
	gpointer post;
	guint rank; /* the topic's place in the list's topics; last: none */
	const char *topic; /* points into the list's topics, or NULL */
};

/* post_topic - the topic the archive keeps for a queued post, as the
 * list spells it, with its place among topics; NULL for none */
static const char *
post_topic(struct job *j, const struct store_digest_post *p,
    const char *const *topics, guint *rank_out)
{
	gsize len;
	const char *raw = g_bytes_get_data(p->raw, &len), *id, *t = NULL;
	GMimeMessage *m = mime_parse(raw, len, NULL);
	g_autofree char *stored = NULL;
	GError *e = NULL;

	id = m != NULL ? g_mime_message_get_message_id(m) : NULL;
	if (id != NULL &&
	    !store_topic_of_message(j->s, j->t.list->id, id, &stored, &e)) {
		log_warn("digest: list=%s post %" G_GINT64_FORMAT ": %s",
		    j->t.list->address, p->id, e->message);
		g_clear_error(&e);
	}
	if (stored != NULL)
		t = topic_find(topics, stored, strlen(stored));
	for (*rank_out = 0; t != NULL && topics[*rank_out] != t; (*rank_out)++)
		;
	if (m != NULL)
		g_object_unref(m);
	return t;
}

static gint
by_rank(gconstpointer a, gconstpointer b)
{
	const struct dig_item *x = a, *y = b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* digest_by_topic - the posts grouped by topic, in the order of the
 * list's topics, posts without one last, in arrival order inside each
 * group (a stable sort); *heads_out is each post's group name, or NULL
 * when no post has a topic (no groups then) */
static GPtrArray *
digest_by_topic(struct job *j, GPtrArray *posts, GPtrArray **heads_out)
{
	g_auto(GStrv) topics = listset_topics(&j->t.list->set);
	guint n = g_strv_length(topics);
	g_autoptr(GArray) items =
	    g_array_new(FALSE, TRUE, sizeof(struct dig_item));
	GPtrArray *order = g_ptr_array_new();
	const char *other;
	bool any = false;
	guint i;

	*heads_out = NULL;
	for (i = 0; i < posts->len; i++) {
		struct dig_item it = {posts->pdata[i], n, NULL};
		const char *t = n > 0
		    ? post_topic(
			  j, it.post, (const char *const *)topics, &it.rank)
		    : NULL;

		it.rank = t != NULL ? it.rank : n;
		it.topic = t;
		any = any || t != NULL;
		g_array_append_val(items, it);
	}
	g_array_sort(items, by_rank);
	if (any)
		*heads_out = g_ptr_array_new_with_free_func(g_free);
	other =
	    g_strcmp0(j->t.list->set.language, "ko") == 0 ? "기타" : "other";
	for (i = 0; i < items->len; i++) {
		const struct dig_item *it =
		    &g_array_index(items, struct dig_item, i);

		g_ptr_array_add(order, it->post);
		if (any)
			g_ptr_array_add(*heads_out,
			    g_strdup(it->topic != NULL ? it->topic : other));
	}
	return order;
}

/* toc_head - the group heading before post i where its group begins;
 * *last is the heading written last (posts that do not parse are left
 * out, so the previous post is not always the previous line) */
static void
toc_head(GString *toc, GPtrArray *heads, guint i, const char **last)
{
	const char *h = heads != NULL ? heads->pdata[i] : NULL;

	if (h == NULL || g_strcmp0(*last, h) == 0)
		return;
	g_string_append_printf(toc, "%s[%s]\n", *last != NULL ? "\n" : "", h);
	*last = h;
}

/* digest_parts - the multipart/digest of posts and the table of contents;
 * posts that no longer parse are left out and logged; heads (or NULL)
 * names each post's topic group, written in the table where it begins */
static GMimeMultipart *
digest_parts(const struct store_list *l, GPtrArray *posts, GPtrArray *heads,
    GString *toc, guint *n_out)
{
	GMimeMultipart *dig = g_mime_multipart_new_with_subtype("digest");
	const char *last = NULL;
	guint i, n = 0;

	for (i = 0; i < posts->len; i++) {
		const struct store_digest_post *p = posts->pdata[i];
		gsize len;
		const char *raw = g_bytes_get_data(p->raw, &len);
		GError *e = NULL;
		GMimeMessage *m = mime_parse(raw, len, &e);
		GMimeObject *mp;

		if (m == NULL) {
			log_warn("digest: list=%s post %" G_GINT64_FORMAT
				 " left out: %s",
			    l->address, p->id, e->message);
			g_clear_error(&e);
			continue;
		}
		toc_head(toc, heads, i, &last);
		toc_line(toc, ++n, m);
		mp = post_part(raw, len);
		g_mime_multipart_add(dig, mp);
		g_object_unref(mp);
		g_object_unref(m);
	}
	*n_out = n;
	return dig;
}

/* text_part - a text/plain; charset=UTF-8 part holding text */
static GMimeObject *
text_part(const char *text)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");

	g_mime_text_part_set_text(t, text);
	g_mime_text_part_set_charset(t, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(t),
	    g_mime_part_get_best_content_encoding(
		GMIME_PART(t), GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT(t);
}

/* digest_vars - the template variables of an issue */
static GHashTable *
digest_vars(struct job *j, gint64 issue, guint count, const char *toc)
{
	GHashTable *v = notice_vars(j, "");
	GTimeZone *tz = g_time_zone_new_identifier(listd_cfg(j->d)->timezone);
	GDateTime *now = g_date_time_new_from_unix_utc(j->now), *local;

	if (tz == NULL)
		tz = g_time_zone_new_utc();
	local = g_date_time_to_timezone(now, tz);
	g_hash_table_insert(
	    v, "issue", g_strdup_printf("%" G_GINT64_FORMAT, issue));
	g_hash_table_insert(v, "count", g_strdup_printf("%u", count));
	g_hash_table_insert(v, "date", g_date_time_format(local, "%Y-%m-%d"));
	g_hash_table_insert(v, "toc", g_strdup(toc));
	g_date_time_unref(local);
	g_date_time_unref(now);
	g_time_zone_unref(tz);
	return v;
}

/* digest_build - the issue as bytes, or NULL */
static GBytes *
digest_build(
    struct job *j, gint64 issue, GPtrArray *posts, guint *n_out, GError **err)
{
	const struct store_list *l = j->t.list;
	g_autoptr(GString) toc = g_string_new(NULL);
	g_autofree char *subject = NULL, *body = NULL, *raw = NULL,
			*from = notice_from(l), *foot = NULL;
	GPtrArray *heads = NULL;
	g_autoptr(GPtrArray) order = digest_by_topic(j, posts, &heads);
	GMimeMultipart *dig = digest_parts(l, order, heads, toc, n_out);
	GMimeMultipart *mixed = NULL;
	GHashTable *v = digest_vars(j, issue, *n_out, toc->str);
	struct mime_notice n = {0};
	GMimeObject *t;
	GBytes *out = NULL;
	bool ok;

	ok = tpl_render(listd_cfg(j->d)->templates, l->set.language, "digest",
	    v, &subject, &body, err);
	g_hash_table_unref(v);
	if (ok && l->set.footer && !l->set.unmodified)
		ok = (foot = copy_footer_text(j, err)) != NULL;
	if (ok) {
		n.from = from;
		n.to = l->address;
		n.subject = subject;
		n.body = "";
		n.message_id_domain = l->domain;
		raw = mime_build_notice(&n, err);
	}
	if (raw != NULL) {
		j->msg = mime_parse(raw, strlen(raw), err);
		ok = j->msg != NULL;
	} else {
		ok = false;
	}
	if (ok) {
		/* An issue is list traffic, not an automatic reply. */
		mime_remove_header(GMIME_OBJECT(j->msg), "Auto-Submitted");
		mixed = g_mime_multipart_new_with_subtype("mixed");
		t = text_part(body);
		g_mime_multipart_add(mixed, t);
		g_object_unref(t);
		g_mime_multipart_add(mixed, GMIME_OBJECT(dig));
		if (foot != NULL) {
			t = text_part(foot);
			g_mime_multipart_add(mixed, t);
			g_object_unref(t);
		}
		g_mime_message_set_mime_part(j->msg, GMIME_OBJECT(mixed));
		ok = copy_list_headers(j, err);
		/* Every issue is a personal copy, which the sender gives the
		 * member's own List-Unsubscribe, also on a batched list. */
		mime_remove_header(GMIME_OBJECT(j->msg), "List-Unsubscribe");
	}
	if (ok)
		out = mime_to_bytes(GMIME_OBJECT(j->msg));
	if (mixed != NULL)
		g_object_unref(mixed);
	g_object_unref(dig);
	if (heads != NULL)
		g_ptr_array_unref(heads);
	return out;
}

/* digest_send - one issue of a list's digest, in one transaction */
static bool
digest_send(struct job *j, GError **err)
{
	const struct store_list *l = j->t.list;
	GPtrArray *posts = NULL, *members = NULL;
	struct store_rcpt *r = NULL;
	struct store_digest_post *last;
	GBytes *b = NULL;
	gint64 issue = 0;
	guint i, n = 0;
	bool ok;

	if (!store_begin(j->s, err))
		return false;
	posts = store_digest_posts(
	    j->s, l->id, MOIM_MAX_DIGEST_POSTS, MOIM_MAX_DIGEST_BYTES, err);
	members = posts != NULL
	    ? store_member_recipients(j->s, l->id, STORE_MODE_DIGEST, err)
	    : NULL;
	ok = members != NULL && posts->len > 0;
	if (ok) {
		/* Without digest members the posts just leave the queue. */
		last = posts->pdata[posts->len - 1];
		ok = store_digest_sent(j->s, l->id, last->id, j->now,
		    members->len > 0 ? &issue : NULL, err);
	}
	if (ok && members->len > 0) {
		b = digest_build(j, issue, posts, &n, err);
		ok = b != NULL;
	}
	if (ok && b != NULL && n > 0) {
		r = g_new0(struct store_rcpt, members->len + 1);
		for (i = 0; i < members->len; i++) {
			const struct store_member *m = members->pdata[i];

			r[i].address = m->address;
			r[i].member_id = m->id;
		}
		ok = store_outbound_add(j->s, l->id, STORE_OUT_POST, NULL, NULL,
		    g_bytes_get_data(b, NULL), g_bytes_get_size(b), r,
		    members->len, j->now, NULL, err);
	}
	ok = ok && store_commit(j->s, err);
	if (!ok)
		store_rollback(j->s);
	else
		log_info("digest: list=%s issue=%" G_GINT64_FORMAT
			 " posts=%u recipients=%u",
		    l->address, issue, n, b != NULL ? members->len : 0);
	if (b != NULL)
		g_bytes_unref(b);
	g_free(r);
	if (members != NULL)
		g_ptr_array_unref(members);
	if (posts != NULL)
		g_ptr_array_unref(posts);
	return ok;
}

/* digest_run - send every digest that is due; the time the next one
 * is due (G_MAXINT64: none is queued; 0: look again at the next tick,
 * after an issue went out, whose size is bounded, or a list failed) */
static gint64
digest_run(struct listd *d, struct store *s, gint64 now)
{
	GError *e = NULL;
	GPtrArray *due = store_digest_due(s, &e);
	gint64 next = G_MAXINT64, at;
	GTimeZone *tz;
	guint i;

	if (due == NULL) {
		log_error("digest: %s", e->message);
		g_clear_error(&e);
		return 0; /* look again at the next tick */
	}
	tz = g_time_zone_new_identifier(listd_cfg(d)->timezone);
	if (tz == NULL)
		tz = g_time_zone_new_utc();
	for (i = 0; i < due->len; i++) {
		const struct store_digest_due *x = due->pdata[i];
		struct job j = {.d = d, .s = s, .now = now, .result = "digest"};

		if (!store_list_get_id(s, x->list_id, &j.t.list, &e) ||
		    j.t.list == NULL)
			goto next;
		at = digest_due_at(tz, j.t.list->set.digest_time, x->oldest);
		if (now < at) {
			next = MIN(next, at);
		} else if (digest_send(&j, &e)) {
			listd_kick(d);
			next = 0; /* an issue holds at most so many posts */
		}
	next:
		if (e != NULL) {
			log_warn("digest: list=%" G_GINT64_FORMAT ": %s",
			    x->list_id, e->message);
			next = 0;
		}
		g_clear_error(&e);
		job_clear(&j);
	}
	g_time_zone_unref(tz);
	g_ptr_array_unref(due);
	return next;
}

/*
 * digest_timer - send every digest that is due. The lists with queued
 * posts are read only when the next due time has come, a post was
 * queued (copy_distribute()), the configuration was reloaded or
 * another connection committed (moimctl changed a digest_time, moim-web
 * a member's mode: PRAGMA data_version); else a tick costs one PRAGMA.
 */
void
digest_timer(struct listd *d, struct store *s, gint64 now)
{
	GError *e = NULL;
	gint64 v = store_data_version(s, &e);

	if (v < 0) {
		log_error("digest: %s", e->message);
		g_clear_error(&e);
		return;
	}
	if (d->digest_next != 0 && now < d->digest_next &&
	    v == d->digest_version && d->digest_cfg == listd_cfg(d))
		return;
	d->digest_version = v;
	d->digest_cfg = listd_cfg(d);
	d->digest_next = digest_run(d, s, now);
}
