/*
 * store_archive - the store's archive tables: messages, threads, search
 *
 * DESCRIPTION
 *	The archive half of lib/store.h (see there), and the FTS5 tokenizer
 *	"moim" that the messages_fts index uses (sq_archive_tokenizer()).
 */
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

/* -------------------------------------------------------------- archive */

/*
 * store_archive_add - keep a distributed post; a Message-ID already in the
 * list's archive is not added twice. Threading is by parent only here;
 * the archive module refines threads.
 */
bool
store_archive_add(struct store *s, const struct store_archived *a, gint64 now,
    bool *added_out, GError **err)
{
	/* No row comes back when the Message-ID is archived already. */
	gint64 id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO messages (list_id, message_id, parent_id,"
		" subject, from_addr, from_name, date, body_text, raw,"
		" received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (list_id, message_id) DO NOTHING RETURNING id",
		"itttttitbi", a->list_id, a->message_id, a->parent_id,
		a->subject, a->from_addr, a->from_name, a->date, a->body_text,
		a->raw, a->len, now),
	    0, err);

	if (id < 0 || (id > 0 && !s->ops->archive_index(s->db, id, err)))
		return false;
	if (added_out != NULL)
		*added_out = id > 0;
	return true;
}

/* store_archive_count - messages archived for a list, -1 on error */
gint64
store_archive_count(struct store *s, gint64 list_id, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM messages WHERE list_id = ?",
		"i", list_id),
	    0, err);
}

/* store_archive_has - whether the list's archive has this Message-ID */
bool
store_archive_has(struct store *s, gint64 list_id, const char *message_id,
    bool *has_out, GError **err)
{
	gint64 n = sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM messages WHERE list_id = ? AND"
		" message_id = ?",
		"it", list_id, message_id),
	    0, err);

	if (n < 0)
		return false;
	*has_out = n > 0;
	return true;
}

/* join_refs - the references as one space-separated string, or NULL */
static char *
join_refs(const char *const *refs, size_t n)
{
	GString *out;

	if (n == 0)
		return NULL;
	out = g_string_new(NULL);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(out, "%s%s", i ? " " : "", refs[i]);
	return g_string_free(out, FALSE);
}

/* store_archive_add2 - keep a post with its thread and references: the
 * driver's archive_add() is atomic, so inside a caller's transaction no
 * savepoint (on PostgreSQL two round trips) is needed around it */
bool
store_archive_add2(struct store *s, const struct store_archived2 *a, gint64 now,
    bool *added_out, GError **err)
{
	g_autofree char *refs = join_refs(a->refs, a->nrefs);
	const struct store_archived *b = &a->a;
	const struct db_archived m = {.list_id = b->list_id,
	    .message_id = b->message_id,
	    .parent_id = b->parent_id,
	    .subject = b->subject,
	    .from_addr = b->from_addr,
	    .from_name = b->from_name,
	    .date = b->date,
	    .body_text = b->body_text,
	    .raw = b->raw,
	    .len = b->len,
	    .received = now,
	    .thread_id = MAX(a->thread_id, 0),
	    .refs_joined = refs,
	    .refs = a->refs,
	    .nrefs = a->nrefs,
	    .attachments = a->attachments};
	bool own = !s->ops->in_transaction(s->db), ok;
	gint64 id = 0;

	/* Alone, the message and its index rows are one transaction. */
	if (own && !sq_begin(s, err))
		return false;
	ok = s->ops->archive_add(s->db, &m, &id, err) &&
	    (id == 0 || s->ops->archive_index(s->db, id, err));
	if (own ? !sq_end(s, ok, err) : !ok)
		return false;
	if (added_out != NULL)
		*added_out = id > 0;
	return true;
}

/* store_archive_thread_of - the thread of an archived message, or 0 */
bool
store_archive_thread_of(struct store *s, gint64 list_id, const char *message_id,
    gint64 *tid_out, GError **err)
{
	gint64 t = sq_int(s,
	    sq_stmt(s, err,
		"SELECT coalesce(thread_id, 0) FROM messages"
		" WHERE list_id = ? AND message_id = ?",
		"it", list_id, message_id),
	    0, err);

	if (t < 0)
		return false;
	*tid_out = t;
	return true;
}

/* store_archive_lookup - what threading a new message needs, in one
 * query (on PostgreSQL one round trip, not three): whether message_id
 * is archived, the thread of parent_id, the threads citing message_id */
bool
store_archive_lookup(struct store *s, gint64 list_id, const char *message_id,
    const char *parent_id, struct store_archive_facts *f, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT 0, m.thread_id FROM message_refs r"
	    " JOIN messages m ON m.id = r.message"
	    " WHERE r.list_id = ? AND r.ref_id = ? AND m.thread_id > 0"
	    " UNION SELECT 1, 0 FROM messages"
	    " WHERE list_id = ? AND message_id = ?"
	    " UNION SELECT 2, coalesce(thread_id, 0) FROM messages"
	    " WHERE list_id = ? AND message_id = ? ORDER BY 1, 2",
	    "ititit", list_id, message_id, list_id, message_id, list_id,
	    parent_id);
	bool row = true;

	f->is_archived = false;
	f->parent_tid = 0;
	f->citing = g_array_new(FALSE, FALSE, sizeof(gint64));
	while (row) {
		if (!sq_row(s, st, &row, err)) {
			g_clear_pointer(&f->citing, g_array_unref);
			return false;
		}
		if (!row)
			break;
		gint64 kind = sq_col_int(st, 0), t = sq_col_int(st, 1);

		if (kind == 0)
			g_array_append_val(f->citing, t);
		else if (kind == 1)
			f->is_archived = true;
		else
			f->parent_tid = t;
	}
	return true;
}

/* store_archive_thread_by_subject - newest thread with this base subject */
bool
store_archive_thread_by_subject(struct store *s, gint64 list_id,
    const char *base_subject, gint64 *tid_out, GError **err)
{
	gint64 t = sq_int(s,
	    sq_stmt(s, err,
		"SELECT id FROM threads WHERE list_id = ? AND subject = ?"
		" ORDER BY last_date DESC, id DESC LIMIT 1",
		"it", list_id, base_subject),
	    0, err);

	if (t < 0)
		return false;
	*tid_out = t;
	return true;
}

/* store_archive_thread_new - a thread with no messages yet */
bool
store_archive_thread_new(struct store *s, gint64 list_id,
    const char *root_message_id, const char *base_subject, gint64 date,
    gint64 *tid_out, GError **err)
{
	*tid_out = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO threads (list_id, root_message_id, subject,"
		" first_date, last_date, count) VALUES (?, ?, ?, ?, ?, 0)"
		" RETURNING id",
		"ittii", list_id, root_message_id, base_subject, date, date),
	    0, err);
	return *tid_out >= 0;
}

/* store_archive_thread_merge - move every message of from into into */
bool
store_archive_thread_merge(
    struct store *s, gint64 from_tid, gint64 into_tid, GError **err)
{
	bool ok;

	if (from_tid == into_tid)
		return true;
	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
		 sq_stmt(s, err,
		     "UPDATE threads SET (count, first_date, last_date) ="
		     " (SELECT t.count + f.count, CASE WHEN t.first_date"
		     " IS NULL OR f.first_date IS NULL THEN NULL"
		     " WHEN t.first_date < f.first_date THEN t.first_date"
		     " ELSE f.first_date END, CASE WHEN t.last_date IS NULL"
		     " OR f.last_date IS NULL THEN NULL"
		     " WHEN t.last_date > f.last_date THEN t.last_date"
		     " ELSE f.last_date END"
		     " FROM threads t, threads f WHERE t.id = ? AND f.id = ?)"
		     " WHERE id = ?",
		     "iii", into_tid, from_tid, into_tid),
		 err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "UPDATE messages SET thread_id = ? WHERE thread_id = ?",
		    "ii", into_tid, from_tid),
		err) &&
	    sq_done(s,
		sq_stmt(
		    s, err, "DELETE FROM threads WHERE id = ?", "i", from_tid),
		err);
	return sq_end(s, ok, err);
}

/* entry_read - a struct store_archive_entry from the columns of st:
 * id, list_id, message_id, parent_id, refs, thread_id, subject,
 * from_addr, from_name, date, then extra (text or raw) */
static struct store_archive_entry *
entry_read(struct db_stmt *st, int extra)
{
	struct store_archive_entry *e = g_new0(struct store_archive_entry, 1);

	e->id = sq_col_int(st, 0);
	e->list_id = sq_col_int(st, 1);
	e->message_id = sq_text(st, 2);
	e->parent_id = sq_text(st, 3);
	e->refs = sq_text(st, 4);
	e->thread_id = sq_col_int(st, 5);
	e->subject = sq_text(st, 6);
	e->from_addr = sq_text(st, 7);
	e->from_name = sq_text(st, 8);
	e->date = sq_col_int(st, 9);
	if (extra == 1)
		e->text = sq_text(st, 10);
	else if (extra == 2)
		e->raw = sq_blob(st, 10);
	return e;
}

#define ENTRY_COLS                                                             \
	"m.id, m.list_id, m.message_id, m.parent_id, m.refs,"                  \
	" coalesce(m.thread_id, 0), m.subject, m.from_addr, m.from_name,"      \
	" coalesce(m.date, 0)"

/* read_entries - every row of st as entries; NULL on error */
static GPtrArray *
read_entries(struct store *s, struct db_stmt *st, int extra, GError **err)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_archive_entry_free);
	bool row = true;

	while (row) {
		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(out);
			return NULL;
		}
		if (row)
			g_ptr_array_add(out, entry_read(st, extra));
	}
	return out;
}

/* store_archive_get - the newest message with this Message-ID, or NULL */
bool
store_archive_get(struct store *s, gint64 list_id, const char *message_id,
    struct store_archive_entry **e_out, GError **err)
{
	GPtrArray *a = read_entries(s,
	    sq_stmt(s, err,
		"SELECT " ENTRY_COLS " FROM messages m WHERE m.message_id = ?"
		" AND (? = 0 OR m.list_id = ?) ORDER BY m.id DESC LIMIT 1",
		"tii", message_id, list_id, list_id),
	    0, err);

	*e_out = NULL;
	if (a == NULL)
		return false;
	if (a->len > 0)
		*e_out = g_ptr_array_steal_index(a, 0);
	g_ptr_array_unref(a);
	return true;
}

/* store_archive_thread_entries - the messages of a thread, by date */
GPtrArray *
store_archive_thread_entries(struct store *s, gint64 thread_id, GError **err)
{
	return read_entries(s,
	    sq_stmt(s, err,
		"SELECT " ENTRY_COLS " FROM messages m WHERE m.thread_id = ?"
		" ORDER BY m.date, m.id",
		"i", thread_id),
	    0, err);
}

/* entry_text - the entry of message id with its body text, or NULL */
static struct store_archive_entry *
entry_text(struct store *s, gint64 id, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT " ENTRY_COLS ", m.body_text FROM messages m WHERE m.id = ?",
	    "i", id);
	struct store_archive_entry *e;
	bool row;

	if (!sq_row(s, st, &row, err) || !row)
		return NULL;
	e = entry_read(st, 1);
	sq_reset(st);
	return e;
}

/* entries_counted - the entries of ids (taken), and in *total_out (may
 * be NULL) the number of matches of m, counting at most cap (-1: all) */
static GPtrArray *
entries_counted(struct store *s, gint64 list_id, GArray *ids, const char *m,
    gint64 cap, gint64 *total_out, GError **err)
{
	GPtrArray *a = NULL;

	if (ids == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_archive_entry_free);
	for (guint i = 0; i < ids->len && a != NULL; i++) {
		GError *e = NULL;
		struct store_archive_entry *x =
		    entry_text(s, g_array_index(ids, gint64, i), &e);

		if (x != NULL)
			g_ptr_array_add(a, x);
		else if (e != NULL) {
			g_propagate_error(err, e);
			g_clear_pointer(&a, g_ptr_array_unref);
		}
	}
	g_array_unref(ids);
	if (a == NULL || total_out == NULL)
		return a;
	*total_out = s->ops->archive_count(s->db, list_id, m, cap, err);
	if (*total_out < 0)
		g_clear_pointer(&a, g_ptr_array_unref);
	return a;
}

/* store_archive_search - ranked full-text matches in a list */
GPtrArray *
store_archive_search(struct store *s, gint64 list_id, const char *match,
    int limit, gint64 *total_out, GError **err)
{
	GArray *ids;

	if (total_out != NULL && s->ops->archive_search_counted != NULL) {
		ids = s->ops->archive_search_counted(
		    s->db, list_id, match, limit, total_out, err);
		return entries_counted(s, list_id, ids, match, -1, NULL, err);
	}
	ids = s->ops->archive_search(
	    s->db, list_id, match, DB_SEARCH_RANKED, limit, 0, err);
	return entries_counted(s, list_id, ids, match, -1, total_out, err);
}

/* store_archive_search_newest - matches in a list, newest first, paged */
GPtrArray *
store_archive_search_newest(struct store *s, gint64 list_id, const char *match,
    int limit, int offset, gint64 *total_out, GError **err)
{
	GArray *ids = s->ops->archive_search(
	    s->db, list_id, match, DB_SEARCH_NEWEST, limit, offset, err);

	return entries_counted(
	    s, list_id, ids, match, STORE_SEARCH_COUNT_MAX + 1, total_out, err);
}

/* store_archive_each - every message of a list, raw included, by id */
bool
store_archive_each(struct store *s, gint64 list_id,
    bool (*fn)(const struct store_archive_entry *e, void *data, GError **err),
    void *data, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT " ENTRY_COLS ", m.raw FROM messages m WHERE m.list_id = ?"
	    " ORDER BY m.id",
	    "i", list_id);
	bool row = true, ok = true;

	while (row && ok) {
		struct store_archive_entry *e;

		if (!sq_row(s, st, &row, err))
			return false;
		if (!row)
			break;
		e = entry_read(st, 2);
		ok = fn(e, data, err);
		store_archive_entry_free(e);
	}
	if (st != NULL)
		sq_reset(st);
	return ok;
}

/* store_archive_redo - new derived fields for one archived message */
bool
store_archive_redo(struct store *s, gint64 id, const struct store_archived2 *a,
    bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE messages SET subject = ?, from_addr = ?,"
		    " from_name = ?, body_text = ?, attachments = ?"
		    " WHERE id = ? AND (subject IS DISTINCT FROM ?"
		    " OR from_addr IS DISTINCT FROM ?"
		    " OR from_name IS DISTINCT FROM ?"
		    " OR body_text IS DISTINCT FROM ?"
		    " OR attachments IS DISTINCT FROM ?)",
		    "tttttittttt", a->a.subject, a->a.from_addr, a->a.from_name,
		    a->a.body_text, a->attachments, id, a->a.subject,
		    a->a.from_addr, a->a.from_name, a->a.body_text,
		    a->attachments),
		err))
		return false;
	*changed_out = sq_changes(s) > 0;
	return !*changed_out || s->ops->archive_index(s->db, id, err);
}

/* store_archive_entry_free - free an entry; NULL is fine */
void
store_archive_entry_free(struct store_archive_entry *e)
{
	if (e == NULL)
		return;
	g_free(e->message_id);
	g_free(e->parent_id);
	g_free(e->refs);
	g_free(e->subject);
	g_free(e->from_addr);
	g_free(e->from_name);
	g_free(e->text);
	g_free(e->snippet);
	if (e->raw != NULL)
		g_bytes_unref(e->raw);
	g_free(e);
}
