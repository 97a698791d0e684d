/*
 * archive - what the archive keeps of a post: text, threads, search, mbox
 *
 * DESCRIPTION
 *	See archive.h. Extraction leans on lib/mime (charsets, HTML), the
 *	store does the SQL; this file decides threads and speaks mbox.
 */
#include <string.h>
#include <time.h>

#include "addr.h"
#include "archive.h"
#include "err.h"
#include "limits.h"
#include "mime.h"

/* ------------------------------------------------------------- document */

/* add_ref - append id to refs unless present, self or over the bound */
static void
add_ref(GPtrArray *refs, const char *id, const char *self)
{
	if (id == NULL || *id == '\0' || strlen(id) > MOIM_MAX_HEADER_FIELD)
		return;
	if (self != NULL && strcmp(id, self) == 0)
		return;
	for (guint i = 0; i < refs->len; i++)
		if (strcmp(g_ptr_array_index(refs, i), id) == 0)
			return;
	/* Keep the newest: the nearest ancestors matter most. */
	if (refs->len == MOIM_MAX_REFS)
		g_ptr_array_remove_index(refs, 0);
	g_ptr_array_add(refs, g_strdup(id));
}

/* add_refs_header - the message-ids of one header into refs */
static void
add_refs_header(
    GPtrArray *refs, GMimeMessage *m, const char *name, const char *self)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m), name);
	GMimeReferences *r;

	if (v == NULL)
		return;
	r = g_mime_references_parse(NULL, v);
	if (r == NULL)
		return;
	for (int i = 0; i < g_mime_references_length(r); i++)
		add_ref(refs, g_mime_references_get_message_id(r, i), self);
	g_mime_references_free(r);
}

/* doc_message_id - the Message-ID, or one made from the bytes */
static char *
doc_message_id(GMimeMessage *m, const char *raw, size_t len)
{
	const char *id = g_mime_message_get_message_id(m);
	g_autofree char *sum = NULL;

	if (id != NULL && *id != '\0' && strlen(id) <= MOIM_MAX_HEADER_FIELD &&
	    strpbrk(id, " \t\r\n") == NULL)
		return g_strdup(id);
	/* Stable, so that importing the same mbox twice skips it. */
	sum = g_compute_checksum_for_data(
	    G_CHECKSUM_SHA256, (const guchar *)raw, len);
	return g_strdup_printf("%.32s@archive.moim.invalid", sum);
}

/* doc_from - sender address and name through lib/addr */
static void
doc_from(struct archive_doc *d, GMimeMessage *m)
{
	g_autofree char *from = mime_header_raw(GMIME_OBJECT(m), "From");
	struct addr *a = NULL;

	if (from == NULL || !addr_parse(from, strlen(from), &a, NULL))
		return;
	d->from_addr = g_strdup(addr_canonical(a));
	d->from_name = g_strdup(addr_display_name(a));
	addr_free(a);
}

/* part_size - the decoded size of a leaf part */
static gint64
part_size(GMimePart *p)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	GMimeStream *null = g_mime_stream_null_new();
	gint64 n;

	if (w != NULL)
		(void)g_mime_data_wrapper_write_to_stream(w, null);
	n = (gint64)GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	return n;
}

struct att_walk {
	GString *out; /* the listing, or NULL */
	int count;
	int want; /* the attachment to take (from 1), or 0 */
	char *name; /* the one taken: its file name, or NULL */
	GBytes *data; /* its decoded bytes */
};

/* att_take - the decoded bytes of a leaf part */
static GBytes *
att_take(GMimePart *p)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	GBytes *b;

	if (w != NULL)
		(void)g_mime_data_wrapper_write_to_stream(w, mem);
	b = g_bytes_new(a->data, a->len);
	g_object_unref(mem);
	return b;
}

/* att_visit - list (or take) a part that has a file name or is an
 * attachment; both count them the same way */
static void
att_visit(GMimeObject *parent, GMimeObject *o, gpointer data)
{
	struct att_walk *w = data;
	g_autofree char *name = NULL;
	const char *disp;

	(void)parent;
	if (!GMIME_IS_PART(o))
		return;
	name = mime_part_filename(o);
	disp = g_mime_object_get_disposition(o);
	if (name == NULL &&
	    (disp == NULL || g_ascii_strcasecmp(disp, "attachment") != 0))
		return;
	if (++w->count > MOIM_MAX_ARCHIVE_ATTACHMENTS)
		return;
	g_autofree char *clean = g_utf8_make_valid(name ? name : "unnamed", -1);
	g_strdelimit(clean, "\r\n\t", ' ');
	if (w->out != NULL)
		g_string_append_printf(w->out,
		    "%s (%" G_GINT64_FORMAT " bytes)\n", clean,
		    part_size(GMIME_PART(o)));
	if (w->count == w->want) {
		w->name = g_steal_pointer(&clean);
		w->data = att_take(GMIME_PART(o));
	}
}

/* doc_attachments - one line per attachment, or NULL */
static char *
doc_attachments(GMimeMessage *m)
{
	struct att_walk w = {g_string_new(NULL), 0, 0, NULL, NULL};

	g_mime_message_foreach(m, att_visit, &w);
	if (w.count > MOIM_MAX_ARCHIVE_ATTACHMENTS)
		g_string_append_printf(w.out, "(%d more)\n",
		    w.count - MOIM_MAX_ARCHIVE_ATTACHMENTS);
	if (w.out->len == 0) {
		g_string_free(w.out, TRUE);
		return NULL;
	}
	return g_string_free(w.out, FALSE);
}

/* archive_attachment - the n-th attachment of a message, as listed */
bool
archive_attachment(const char *buf, size_t len, int n, char **name_out,
    GBytes **data_out, GError **err)
{
	struct att_walk w = {NULL, 0, n, NULL, NULL};
	GMimeMessage *m;

	*name_out = NULL;
	*data_out = NULL;
	if (len > MOIM_MAX_MESSAGE)
		return moim_fail(err, MOIM_ERR_INPUT, "message over %d bytes",
		    MOIM_MAX_MESSAGE);
	if (n < 1)
		return true;
	if ((m = mime_parse(buf, len, err)) == NULL)
		return false;
	g_mime_message_foreach(m, att_visit, &w);
	g_object_unref(m);
	*name_out = w.name;
	*data_out = w.data;
	return true;
}

/* skip_marker - after a reply/forward marker at p ("Re:", "RE[2]:",
 * "Fwd:", "답장:"), or NULL when there is none */
static const char *
skip_marker(const char *p)
{
	static const char *const words[] = {"re", "fwd", "fw", "aw", "sv", "vs",
	    "antw", "tr", "답장", "회신", "전달", "답변", NULL};

	for (int i = 0; words[i] != NULL; i++) {
		size_t n = strlen(words[i]);
		const char *q = p + n;

		if (g_ascii_strncasecmp(p, words[i], n) != 0)
			continue;
		if (*q == '[' || *q == '(') {
			q++;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q != ']' && *q != ')')
				continue;
			q++;
		}
		while (*q == ' ')
			q++;
		if (*q == ':')
			return q + 1;
		if (strncmp(q, "\xef\xbc\x9a", 3) == 0) /* fullwidth colon */
			return q + 3;
	}
	return NULL;
}

/* skip_tag - after a list tag "[name]" at p, or NULL */
static const char *
skip_tag(const char *p)
{
	const char *end = *p == '[' ? strchr(p, ']') : NULL;

	return end != NULL && end - p < 64 ? end + 1 : NULL;
}

/* strip_subject - the base subject, folded; *is_reply_out tells whether a
 * reply or forward marker was dropped */
static char *
strip_subject(const char *subject, bool *is_reply_out)
{
	const char *p = subject, *q;
	GString *out = g_string_new(NULL);
	bool space = false;

	*is_reply_out = false;
	for (int guard = 0; guard < 100; guard++) {
		while (g_ascii_isspace(*p))
			p++;
		if ((q = skip_marker(p)) != NULL)
			*is_reply_out = true;
		else if ((q = skip_tag(p)) == NULL)
			break;
		p = q;
	}
	for (; *p != '\0'; p++) {
		if (g_ascii_isspace(*p)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, g_ascii_tolower(*p));
	}
	return g_string_free(out, FALSE);
}

/* archive_base_subject - subject without markers and list tags, folded */
char *
archive_base_subject(const char *subject)
{
	bool is_reply;

	return strip_subject(subject != NULL ? subject : "", &is_reply);
}

/* archive_doc_new - what the archive keeps of a parsed message */
struct archive_doc *
archive_doc_new(GMimeMessage *m, const char *raw, size_t len)
{
	struct archive_doc *d = g_new0(struct archive_doc, 1);
	GDateTime *dt = g_mime_message_get_date(m);
	const char *subject;

	d->message_id = doc_message_id(m, raw, len);
	d->refs = g_ptr_array_new_with_free_func(g_free);
	add_refs_header(d->refs, m, "References", d->message_id);
	add_refs_header(d->refs, m, "In-Reply-To", d->message_id);
	d->subject = mime_header_text(GMIME_OBJECT(m), "Subject");
	subject = d->subject != NULL ? d->subject : "";
	d->base_subject = strip_subject(subject, &d->is_reply);
	doc_from(d, m);
	d->date = dt != NULL ? g_date_time_to_unix(dt) : 0;
	d->text = mime_body_text(m, MOIM_MAX_ARCHIVE_TEXT);
	d->attachments = doc_attachments(m);
	return d;
}

/* archive_doc_parse - parse untrusted bytes and extract the document */
bool
archive_doc_parse(
    const char *buf, size_t len, struct archive_doc **d_out, GError **err)
{
	GMimeMessage *m;

	*d_out = NULL;
	if (len > MOIM_MAX_MESSAGE)
		return moim_fail(err, MOIM_ERR_INPUT, "message over %d bytes",
		    MOIM_MAX_MESSAGE);
	if ((m = mime_parse(buf, len, err)) == NULL)
		return false;
	*d_out = archive_doc_new(m, buf, len);
	g_object_unref(m);
	return true;
}

/* archive_doc_free - free a document; NULL is fine */
void
archive_doc_free(struct archive_doc *d)
{
	if (d == NULL)
		return;
	g_free(d->message_id);
	g_ptr_array_unref(d->refs);
	g_free(d->subject);
	g_free(d->base_subject);
	g_free(d->from_addr);
	g_free(d->from_name);
	g_free(d->text);
	g_free(d->attachments);
	g_free(d);
}

/* -------------------------------------------------------------- storing */

/* thread_by_refs - the thread of the nearest archived ancestor, or 0;
 * the parent's (the last reference's) is known from the lookup */
static bool
thread_by_refs(struct store *s, gint64 list_id, const struct archive_doc *d,
    const struct store_archive_facts *f, gint64 *tid_out, GError **err)
{
	*tid_out = f->parent_tid;
	for (guint i = d->refs->len; i > 1 && *tid_out == 0; i--)
		if (!store_archive_thread_of(s, list_id,
			g_ptr_array_index(d->refs, i - 2), tid_out, err))
			return false;
	return true;
}

/* adopt_citing - join the threads of replies that arrived before d */
static bool
adopt_citing(struct store *s, const struct store_archive_facts *f, gint64 *tid,
    GError **err)
{
	bool ok = true;

	for (guint i = 0; ok && i < f->citing->len; i++) {
		gint64 other = g_array_index(f->citing, gint64, i);

		if (*tid == 0)
			*tid = other;
		else
			ok = store_archive_thread_merge(s, other, *tid, err);
	}
	return ok;
}

/* choose_thread - the thread d belongs to, made if needed */
static bool
choose_thread(struct store *s, gint64 list_id, const struct archive_doc *d,
    const struct store_archive_facts *f, gint64 *tid, GError **err)
{
	if (!thread_by_refs(s, list_id, d, f, tid, err) ||
	    !adopt_citing(s, f, tid, err))
		return false;
	if (*tid == 0 && d->is_reply && *d->base_subject != '\0' &&
	    !store_archive_thread_by_subject(
		s, list_id, d->base_subject, tid, err))
		return false;
	if (*tid != 0)
		return true;
	return store_archive_thread_new(
	    s, list_id, d->message_id, d->base_subject, d->date, tid, err);
}

/* archive_add - keep a post: raw bytes, text, thread */
bool
archive_add(struct store *s, gint64 list_id, GMimeMessage *m, const char *raw,
    size_t len, gint64 now, bool *added_out, GError **err)
{
	struct archive_doc *d = NULL;
	struct store_archive_facts f = {false, 0, NULL};
	const char *parent;
	bool ok;
	gint64 tid = 0;

	if (added_out != NULL)
		*added_out = false;
	if (m != NULL)
		d = archive_doc_new(m, raw, len);
	else if (!archive_doc_parse(raw, len, &d, err))
		return false;
	parent =
	    d->refs->len ? g_ptr_array_index(d->refs, d->refs->len - 1) : NULL;
	ok = store_archive_lookup(s, list_id, d->message_id, parent, &f, err);
	if (ok && !f.is_archived &&
	    choose_thread(s, list_id, d, &f, &tid, err)) {
		struct store_archived2 a = {
		    .a = {list_id, d->message_id, parent, d->subject,
			d->from_addr, d->from_name, d->date, d->text, raw, len},
		    .thread_id = tid,
		    .refs = (const char *const *)d->refs->pdata,
		    .nrefs = d->refs->len,
		    .attachments = d->attachments,
		};

		ok = store_archive_add2(s, &a, now, added_out, err);
	} else if (ok && !f.is_archived) {
		ok = false;
	}
	if (f.citing != NULL)
		g_array_unref(f.citing);
	archive_doc_free(d);
	return ok;
}

/* ------------------------------------------------------------ threading */

/* node_get - the node for id, made (as a ghost) if new */
static struct archive_node *
node_get(struct archive_forest *f, const char *id)
{
	struct archive_node *n = g_hash_table_lookup(f->nodes, id);

	if (n == NULL) {
		n = g_new0(struct archive_node, 1);
		n->message_id = id;
		g_hash_table_insert(f->nodes, (gpointer)id, n);
	}
	return n;
}

/* is_ancestor - whether a is b or above b */
static bool
is_ancestor(const struct archive_node *a, const struct archive_node *b)
{
	for (; b != NULL; b = b->parent)
		if (a == b)
			return true;
	return false;
}

/* unlink_node - take n out of its parent's children */
static void
unlink_node(struct archive_node *n)
{
	struct archive_node **pp;

	if (n->parent == NULL)
		return;
	for (pp = &n->parent->child; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	n->parent = NULL;
	n->next = NULL;
}

/* link_node - make p the parent of c unless that makes a loop */
static void
link_node(struct archive_node *p, struct archive_node *c)
{
	if (is_ancestor(c, p))
		return;
	unlink_node(c);
	c->parent = p;
	c->next = p->child;
	p->child = c;
}

/* node_date - a node's date; a ghost takes its first child's */
static gint64
node_date(const struct archive_node *n)
{
	for (int guard = 0; n != NULL && guard < 1000; guard++) {
		if (n->msg != NULL)
			return n->msg->date;
		n = n->child;
	}
	return 0;
}

/* by_date - qsort order of nodes */
static gint
by_date(gconstpointer a, gconstpointer b)
{
	gint64 x = node_date(*(struct archive_node *const *)a);
	gint64 y = node_date(*(struct archive_node *const *)b);

	return x < y ? -1 : x > y;
}

/* sort_children - put each child list in date order */
static void
sort_children(struct archive_node *n)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	struct archive_node **pp = &n->child;

	for (struct archive_node *c = n->child; c != NULL; c = c->next)
		g_ptr_array_add(a, c);
	g_ptr_array_sort(a, by_date);
	for (guint i = 0; i < a->len; i++) {
		*pp = g_ptr_array_index(a, i);
		pp = &(*pp)->next;
	}
	*pp = NULL;
}

/* thread_msg - link one message and its references */
static void
thread_msg(struct archive_forest *f, const struct archive_tmsg *m)
{
	struct archive_node *node = node_get(f, m->message_id), *prev = NULL;

	if (node->msg != NULL)
		return; /* a duplicate Message-ID: the first one stays */
	node->msg = m;
	for (size_t i = 0; i < m->nrefs && m->refs[i] != NULL; i++) {
		struct archive_node *c = node_get(f, m->refs[i]);

		if (prev != NULL && c->parent == NULL && c != node)
			link_node(prev, c);
		prev = c;
	}
	/* The message's own references say who its parent is. */
	if (prev != NULL && prev != node && prev != node->parent) {
		unlink_node(node);
		link_node(prev, node);
	}
}

/* archive_thread - JWZ threading of msgs */
struct archive_forest *
archive_thread(const struct archive_tmsg *msgs, size_t n)
{
	struct archive_forest *f = g_new0(struct archive_forest, 1);
	GHashTableIter it;
	gpointer v;

	f->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	f->roots = g_ptr_array_new();
	for (size_t i = 0; i < n; i++)
		thread_msg(f, &msgs[i]);
	g_hash_table_iter_init(&it, f->nodes);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct archive_node *node = v;

		sort_children(node);
		if (node->parent == NULL &&
		    (node->msg != NULL || node->child != NULL))
			g_ptr_array_add(f->roots, node);
	}
	g_ptr_array_sort(f->roots, by_date);
	return f;
}

/* archive_forest_free - free a forest; NULL is fine */
void
archive_forest_free(struct archive_forest *f)
{
	if (f == NULL)
		return;
	g_ptr_array_unref(f->roots);
	g_hash_table_destroy(f->nodes);
	g_free(f);
}

/* ----------------------------------------------------------------- mbox */

/* Lines are read in pieces of this size, so a long line costs no more. */
#define MBOX_PIECE 8192

struct archive_mbox {
	FILE *f;
	char piece[MBOX_PIECE + 1];
	size_t n; /* bytes in piece (it may hold NUL bytes) */
	bool has_piece; /* piece holds a From_ line read ahead */
	bool at_start; /* the next piece starts a line */
	bool prev_blank; /* the last complete line was empty */
	bool first; /* nothing read yet */
	bool plain; /* the file is one message, not an mbox */
};

/* archive_mbox_new - a reader of f (borrowed) */
struct archive_mbox *
archive_mbox_new(FILE *f)
{
	struct archive_mbox *mb = g_new0(struct archive_mbox, 1);

	mb->f = f;
	mb->at_start = true;
	mb->first = true;
	return mb;
}

/* archive_mbox_free - free a reader (the FILE stays open) */
void
archive_mbox_free(struct archive_mbox *mb)
{
	g_free(mb);
}

/* is_from_line - whether a piece at a line start is a From_ line */
static bool
is_from_line(const struct archive_mbox *mb, const char *p)
{
	return strncmp(p, "From ", 5) == 0 && (mb->first || mb->prev_blank);
}

/* is_escaped_from - whether the n bytes at p start ">From ", ">>From "... */
static bool
is_escaped_from(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '>')
		i++;
	return i > 0 && n - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

/* needs_escape - whether a line must get one more '>' (mboxrd) */
static bool
needs_escape(const char *p, size_t n)
{
	return (n >= 5 && memcmp(p, "From ", 5) == 0) || is_escaped_from(p, n);
}

/* finish - drop the separator line; the message is over the limit or
 * empty: an error, else *msg_out */
static bool
finish(GString *msg, bool over, GBytes **msg_out, GError **err)
{
	if (msg->len >= 2 && strcmp(msg->str + msg->len - 2, "\n\n") == 0)
		g_string_truncate(msg, msg->len - 1);
	else if (msg->len >= 4 &&
	    strcmp(msg->str + msg->len - 4, "\r\n\r\n") == 0)
		g_string_truncate(msg, msg->len - 2);
	if (over) {
		g_string_free(msg, TRUE);
		return moim_fail(err, MOIM_ERR_INPUT, "message over %d bytes",
		    MOIM_MAX_MESSAGE);
	}
	*msg_out = g_string_free_to_bytes(msg);
	return true;
}

/* read_piece - the next piece (a line, or MBOX_PIECE bytes of one) into
 * mb->piece; false at the end */
static bool
read_piece(struct archive_mbox *mb, bool *line_start_out)
{
	int c = 0;

	*line_start_out = mb->at_start;
	if (mb->has_piece) {
		mb->has_piece = false;
	} else {
		mb->n = 0;
		while (mb->n < MBOX_PIECE && (c = getc(mb->f)) != EOF) {
			mb->piece[mb->n++] = (char)c;
			if (c == '\n')
				break;
		}
		mb->piece[mb->n] = '\0';
		if (mb->n == 0)
			return false;
	}
	mb->at_start = mb->piece[mb->n - 1] == '\n';
	return true;
}

/* archive_mbox_next - the next message, or *msg_out NULL at the end */
bool
archive_mbox_next(struct archive_mbox *mb, GBytes **msg_out, GError **err)
{
	GString *msg = NULL;
	bool start, over = false;

	*msg_out = NULL;
	while (read_piece(mb, &start)) {
		const char *p = mb->piece;
		size_t n = mb->n;

		if (start && msg == NULL && !mb->plain && is_from_line(mb, p)) {
			msg = g_string_new(NULL); /* its From_ line: skip */
		} else if (start && msg != NULL && !mb->plain &&
		    is_from_line(mb, p)) {
			mb->has_piece = true; /* the next message's From_ */
			mb->at_start = true;
			mb->prev_blank = true; /* accepted as From_ already */
			return finish(msg, over, msg_out, err);
		} else {
			if (msg == NULL) {
				/* No From_ first: one message (mlmmj). */
				mb->plain = true;
				msg = g_string_new(NULL);
			}
			if (start && !mb->plain && is_escaped_from(p, n))
				p++, n--;
			if (!over && msg->len + n > MOIM_MAX_MESSAGE)
				over = true;
			if (!over)
				g_string_append_len(msg, p, n);
		}
		mb->first = false;
		if (start)
			mb->prev_blank = strcmp(mb->piece, "\n") == 0 ||
			    strcmp(mb->piece, "\r\n") == 0;
	}
	if (ferror(mb->f)) {
		if (msg != NULL)
			g_string_free(msg, TRUE);
		return moim_fail(err, MOIM_ERR_TEMP, "mbox: read error");
	}
	if (msg == NULL)
		return true;
	return finish(msg, over, msg_out, err);
}

/* from_line - "From ADDR DATE\n" with a safe address */
static void
from_line(GString *out, const char *from_addr, gint64 date)
{
	static const char *const days[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)date;
	struct tm tm;
	bool ok = from_addr != NULL && *from_addr != '\0' &&
	    strlen(from_addr) <= MOIM_MAX_ADDR;

	for (const char *p = from_addr; ok && *p != '\0'; p++)
		ok = (unsigned char)*p > ' ' && (unsigned char)*p < 0x7f;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	g_string_append_printf(out, "From %s %s %s %2d %02d:%02d:%02d %d\n",
	    ok ? from_addr : "MAILER-DAEMON", days[tm.tm_wday % 7],
	    months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, tm.tm_year + 1900);
}

/* archive_mbox_append - one mboxrd message: From_, escaped bytes, blank */
void
archive_mbox_append(GString *out, const char *from_addr, gint64 date,
    const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len;

	from_line(out, from_addr, date);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl != NULL ? nl + 1 : end;
		size_t n = (size_t)(next - p);

		if (needs_escape(p, n))
			g_string_append_c(out, '>');
		g_string_append_len(out, p, n);
		p = next;
	}
	if (len == 0 || raw[len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_string_append_c(out, '\n');
}
