/*
 * archive - moimctl's archive verbs: thread, threads, export, import,
 * reindex (search is in search.c)
 *
 * DESCRIPTION
 *	archive thread MSGID prints the thread of a message as a tree; a
 *	referenced message that is not archived shows as "(missing)".
 *	archive export L [FILE] writes the list's archive as an mboxrd file
 *	(standard output without FILE). archive import L MBOX reads an mbox
 *	(or a directory of one-message files, as mlmmj keeps them): a
 *	Message-ID already archived is skipped, a message that cannot be
 *	parsed is reported with its number and skipped, every
 *	IMPORT_BATCH messages are one transaction, and when stderr is a
 *	terminal a progress line (lib/progress) shows the messages read,
 *	the rate and the time left (from the bytes read of the files'
 *	total). archive reindex [L]
 *	derives each archived message's subject, sender, text and
 *	attachment names from its stored bytes again, as the archive does
 *	now (for archives written before RFC 2047 text was decoded by
 *	lib/hdrtext), one transaction per list, every list without L.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "archive.h"
#include "ctl.h"
#include "err.h"
#include "progress.h"

/* Messages per transaction: one commit per batch, not per message. */
#define IMPORT_BATCH 1000

/* print_node - one node of a thread and, indented, its replies */
static void
print_node(
    GString *out, const struct archive_node *n, GHashTable *by_id, int depth)
{
	for (; n != NULL; n = n->next) {
		const struct store_archive_entry *e = n->msg
		    ? g_hash_table_lookup(by_id, n->msg->message_id)
		    : NULL;
		g_autofree char *id = ctl_printable(n->message_id);

		for (int i = 0; i < depth && i < 40; i++)
			g_string_append(out, "  ");
		if (e == NULL) {
			g_string_append_printf(out, "(missing) <%s>\n", id);
		} else {
			g_autofree char *date = ctl_time(e->date);
			g_autofree char *from = ctl_printable(
			    e->from_name ? e->from_name : e->from_addr);
			g_autofree char *subject = ctl_printable(e->subject);

			g_string_append_printf(
			    out, "%s  %s  %s  <%s>\n", date, from, subject, id);
		}
		print_node(out, n->child, by_id, depth + 1);
	}
}

/* print_thread - the entries of one thread as a JWZ tree */
static void
print_thread(GPtrArray *es)
{
	g_autofree struct archive_tmsg *t =
	    g_new0(struct archive_tmsg, es->len);
	g_autoptr(GPtrArray) refs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_autoptr(GHashTable) by_id = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GString) out = g_string_new(NULL);
	struct archive_forest *f;

	for (guint i = 0; i < es->len; i++) {
		struct store_archive_entry *e = g_ptr_array_index(es, i);
		char **r = g_strsplit(e->refs ? e->refs : "", " ", -1);

		g_ptr_array_add(refs, r);
		t[i].message_id = e->message_id;
		t[i].refs = (const char *const *)r;
		t[i].nrefs = g_strv_length(r);
		t[i].date = e->date;
		if (t[i].nrefs == 1 && *r[0] == '\0')
			t[i].nrefs = 0;
		g_hash_table_insert(by_id, e->message_id, e);
	}
	f = archive_thread(t, es->len);
	for (guint i = 0; i < f->roots->len; i++) {
		struct archive_node *root = g_ptr_array_index(f->roots, i);
		struct archive_node *next = root->next;

		root->next = NULL; /* roots are printed one by one */
		print_node(out, root, by_id, 0);
		root->next = next;
	}
	archive_forest_free(f);
	fputs(out->str, stdout);
}

/* ctl_archive_thread - archive thread MSGID */
int
ctl_archive_thread(struct ctl *c, struct ctl_args *a)
{
	g_autofree char *id = g_strdup(ctl_arg(a, 0));
	struct store_archive_entry *e = NULL;
	g_autoptr(GPtrArray) es = NULL;
	GError *err = NULL;
	size_t n = strlen(id);

	/* "<id>" and "id" both name the message. */
	if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
		memmove(id, id + 1, n - 2);
		id[n - 2] = '\0';
	}
	if (!store_archive_get(c->store, 0, id, &e, &err))
		return ctl_fail(c, err);
	if (e == NULL) {
		ctl_err("no such message: <%s>", id);
		return CTL_USER;
	}
	es = store_archive_thread_entries(c->store, e->thread_id, &err);
	store_archive_entry_free(e);
	if (es == NULL)
		return ctl_fail(c, err);
	print_thread(es);
	return CTL_OK;
}

/* export_one - write one message to the mbox */
static bool
export_one(const struct store_archive_entry *e, void *data, GError **err)
{
	FILE *f = data;
	g_autoptr(GString) out = g_string_new(NULL);
	gsize len;
	const char *raw = g_bytes_get_data(e->raw, &len);

	archive_mbox_append(out, e->from_addr, e->date, raw, len);
	if (fwrite(out->str, 1, out->len, f) != out->len)
		return moim_fail(
		    err, MOIM_ERR_TEMP, "write: %s", g_strerror(errno));
	return true;
}

/* ctl_archive_export - archive export L [FILE] */
int
ctl_archive_export(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	const char *path = a->pos->len > 1 ? ctl_arg(a, 1) : NULL;
	FILE *f = stdout;
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	if (path != NULL && (f = fopen(path, "w")) == NULL) {
		ctl_err("%s: %s: %s", c->verb, path, g_strerror(errno));
		store_list_free(l);
		return CTL_USER;
	}
	ok = store_archive_each(c->store, l->id, export_one, f, &e);
	store_list_free(l);
	if (path == NULL) {
		if (ok && fflush(f) != 0)
			ok = moim_fail(
			    &e, MOIM_ERR_TEMP, "stdout: %s", g_strerror(errno));
	} else if (fclose(f) != 0 && ok) {
		ok = moim_fail(
		    &e, MOIM_ERR_TEMP, "%s: %s", path, g_strerror(errno));
	}
	return ok ? CTL_OK : ctl_fail(c, e);
}

struct reindex {
	struct ctl *c;
	gint64 seen, changed, broken;
};

/* reindex_one - derive one message's fields from its bytes again */
static bool
reindex_one(const struct store_archive_entry *e, void *data, GError **err)
{
	struct reindex *r = data;
	gsize len;
	const char *raw = g_bytes_get_data(e->raw, &len);
	struct archive_doc *d = NULL;
	GError *pe = NULL;
	bool changed = false, ok;

	r->seen++;
	if (!archive_doc_parse(raw, len, &d, &pe)) {
		ctl_err("%s: %s: left as it is: %s", r->c->verb, e->message_id,
		    pe->message);
		g_clear_error(&pe);
		r->broken++;
		return true;
	}
	ok = store_archive_redo(r->c->store, e->id,
	    &(struct store_archived2){.a = {.subject = d->subject,
					  .from_addr = d->from_addr,
					  .from_name = d->from_name,
					  .body_text = d->text},
		.attachments = d->attachments},
	    &changed, err);
	archive_doc_free(d);
	r->changed += changed;
	return ok;
}

/* reindex_list - one list's archive in one transaction */
static bool
reindex_list(struct ctl *c, const struct store_list *l, GError **err)
{
	struct reindex r = {c, 0, 0, 0};

	if (!store_begin(c->store, err))
		return false;
	if (!store_archive_each(c->store, l->id, reindex_one, &r, err) ||
	    !store_commit(c->store, err)) {
		store_rollback(c->store);
		return false;
	}
	printf("%s: %" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT
	       " changed, %" G_GINT64_FORMAT " unreadable\n",
	    l->address, r.seen, r.changed, r.broken);
	return true;
}

/* ctl_archive_reindex - archive reindex [L] */
int
ctl_archive_reindex(struct ctl *c, struct ctl_args *a)
{
	GPtrArray *lists = NULL;
	struct store_list *l = NULL;
	GError *e = NULL;
	bool ok = true;

	if (a->pos->len > 0) {
		if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
			return ctl_fail_list(c, ctl_arg(a, 0), e);
		ok = reindex_list(c, l, &e);
		store_list_free(l);
		return ok ? CTL_OK : ctl_fail(c, e);
	}
	lists = store_list_all(c->store, &e);
	if (lists == NULL)
		return ctl_fail(c, e);
	for (guint i = 0; ok && i < lists->len; i++)
		ok = reindex_list(c, lists->pdata[i], &e);
	g_ptr_array_unref(lists);
	return ok ? CTL_OK : ctl_fail(c, e);
}

struct import {
	struct ctl *c;
	gint64 list_id;
	gint64 seen, added, dups, broken;
	struct progress *progress;
	gint64 bytes_before; /* of the files read before this one */
	FILE *f; /* the file being read */
};

/* import_msg - archive one message; false only for errors that stop */
static bool
import_msg(struct import *im, GBytes *msg, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(msg, &len);
	GError *e = NULL;
	bool added = false;

	if (archive_add(im->c->store, im->list_id, NULL, raw, len, ctl_now(),
		&added, &e)) {
		im->added += added;
		im->dups += !added;
		return true;
	}
	if (!g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT)) {
		g_propagate_error(err, e);
		return false;
	}
	g_autofree char *why = ctl_printable(e->message);
	ctl_err("%s: message %" G_GINT64_FORMAT " skipped: %s", im->c->verb,
	    im->seen, why);
	im->broken++;
	g_error_free(e);
	return true;
}

/* batch - show how far the import is; commit every IMPORT_BATCH */
static bool
batch(struct import *im, GError **err)
{
	long at = ftell(im->f);

	progress_update(
	    im->progress, im->seen, im->bytes_before + (at > 0 ? at : 0));
	if (im->seen % IMPORT_BATCH != 0)
		return true;
	return store_commit(im->c->store, err) &&
	    store_begin(im->c->store, err);
}

/* import_file - every message of one mbox (or one-message file) */
static bool
import_file(struct import *im, FILE *f, GError **err)
{
	struct archive_mbox *mb = archive_mbox_new(f);
	bool ok = true;

	while (ok) {
		GBytes *msg = NULL;
		GError *e = NULL;

		if (!archive_mbox_next(mb, &msg, &e)) {
			im->seen++;
			if (!g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT)) {
				g_propagate_error(err, e);
				ok = false;
				break;
			}
			ctl_err("%s: message %" G_GINT64_FORMAT " skipped: %s",
			    im->c->verb, im->seen, e->message);
			im->broken++;
			g_error_free(e);
			continue;
		}
		if (msg == NULL)
			break;
		im->seen++;
		ok = import_msg(im, msg, err) && batch(im, err);
		g_bytes_unref(msg);
	}
	archive_mbox_free(mb);
	return ok;
}

/* cmp_names - file names in numeric order when both are numbers */
static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx, ny;

	x = strrchr(x, '/') ? strrchr(x, '/') + 1 : x;
	y = strrchr(y, '/') ? strrchr(y, '/') + 1 : y;
	nx = strlen(x);
	ny = strlen(y);
	if (nx != ny && strspn(x, "0123456789") == nx &&
	    strspn(y, "0123456789") == ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

/* total_size - the bytes of every file in files */
static gint64
total_size(GPtrArray *files)
{
	gint64 total = 0;

	for (guint i = 0; i < files->len; i++) {
		GStatBuf sb;

		if (g_stat(g_ptr_array_index(files, i), &sb) == 0)
			total += sb.st_size;
	}
	return total;
}

/* import_path - an mbox file, or a directory of one-message files */
static bool
import_path(struct import *im, const char *path, GError **err)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;
	bool ok = true;
	GStatBuf sb;

	if (d == NULL)
		g_ptr_array_add(files, g_strdup(path));
	while (d != NULL && (name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(files, g_build_filename(path, name, NULL));
	if (d != NULL)
		g_dir_close(d);
	/* mlmmj numbers its files: 2 before 10. */
	g_ptr_array_sort(files, cmp_names);
	im->progress = progress_new(STDERR_FILENO, "moimctl: archive import",
	    "messages", total_size(files));
	for (guint i = 0; ok && i < files->len; i++) {
		const char *p = g_ptr_array_index(files, i);

		im->f = fopen(p, "r");
		if (im->f == NULL)
			return moim_fail(err, MOIM_ERR_INPUT, "%s: %s", p,
			    g_strerror(errno));
		ok = import_file(im, im->f, err);
		(void)fclose(im->f); /* read only: nothing to lose */
		if (g_stat(p, &sb) == 0)
			im->bytes_before += sb.st_size;
	}
	return ok;
}

/* ctl_archive_import - archive import L MBOX */
int
ctl_archive_import(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	struct import im = {c, 0, 0, 0, 0, 0, NULL, 0, NULL};
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	im.list_id = l->id;
	store_list_free(l);
	ok = store_begin(c->store, &e) && import_path(&im, ctl_arg(a, 1), &e);
	progress_done(im.progress);
	if (ok)
		ok = store_commit(c->store, &e);
	else
		store_rollback(c->store);
	if (!ok)
		return ctl_fail(c, e);
	printf("%" G_GINT64_FORMAT " messages read, %" G_GINT64_FORMAT
	       " added, %" G_GINT64_FORMAT
	       " duplicates skipped, %" G_GINT64_FORMAT " broken skipped\n",
	    im.seen, im.added, im.dups, im.broken);
	return CTL_OK;
}
