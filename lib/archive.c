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
add_refs_header(GPtrArray *refs, GMimeMessage *m, const char *name,
    const char *self)
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
	g_autofree char *from = mime_header_text(GMIME_OBJECT(m), "From");
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
	GString *out;
	int count;
};

/* att_visit - list a part that has a file name or is an attachment */
static void
att_visit(GMimeObject *parent, GMimeObject *o, gpointer data)
{
	struct att_walk *w = data;
	const char *name, *disp;

	(void)parent;
	if (!GMIME_IS_PART(o))
		return;
	name = g_mime_part_get_filename(GMIME_PART(o));
	disp = g_mime_object_get_disposition(o);
	if (name == NULL &&
	    (disp == NULL || g_ascii_strcasecmp(disp, "attachment") != 0))
		return;
	if (++w->count > MOIM_MAX_ARCHIVE_ATTACHMENTS)
		return;
	g_autofree char *clean = g_utf8_make_valid(name ? name : "unnamed", -1);
	g_strdelimit(clean, "\r\n\t", ' ');
	g_string_append_printf(w->out, "%s (%" G_GINT64_FORMAT " bytes)\n",
	    clean, part_size(GMIME_PART(o)));
}

/* doc_attachments - one line per attachment, or NULL */
static char *
doc_attachments(GMimeMessage *m)
{
	struct att_walk w = {g_string_new(NULL), 0};

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
	d->base_subject = archive_base_subject(subject);
	d->is_reply = strcmp(g_strstrip(g_strdup(subject)) ? subject : "",
			  "") != 0 &&
	    !g_str_equal(d->base_subject, "") &&
	    g_utf8_strlen(subject, -1) > 0;
	doc_from(d, m);
	d->date = dt != NULL ? g_date_time_to_unix(dt) : 0;
	d->text = mime_body_text(m, MOIM_MAX_ARCHIVE_TEXT);
	d->attachments = doc_attachments(m);
	return d;
}
