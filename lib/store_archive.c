/*
 * store_archive - the store's archive tables: messages, threads, search
 *
 * DESCRIPTION
 *	The archive half of lib/store.h (see there), and the FTS5 tokenizer
 *	"moim" that the messages_fts index uses (sq_archive_tokenizer()).
 */
#include <sqlite3.h>
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
	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO messages (list_id, message_id, parent_id,"
		    " subject, from_addr, from_name, date, body_text, raw,"
		    " received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (list_id, message_id) DO NOTHING",
		    "itttttitbi", a->list_id, a->message_id, a->parent_id,
		    a->subject, a->from_addr, a->from_name, a->date,
		    a->body_text, a->raw, a->len, now),
		err))
		return false;
	if (added_out != NULL)
		*added_out = sqlite3_changes(s->db) > 0;
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

/* add_refs - record the references of message row id */
static bool
add_refs(struct store *s, gint64 list_id, gint64 id,
    const struct store_archived2 *a, GError **err)
{
	for (size_t i = 0; i < a->nrefs; i++)
		if (!sq_done(s,
			sq_stmt(s, err,
			    "INSERT INTO message_refs (list_id, ref_id, message)"
			    " VALUES (?, ?, ?)",
			    "iti", list_id, a->refs[i], id),
			err))
			return false;
	return true;
}

/* thread_touch - count a new message of date in thread tid */
static bool
thread_touch(struct store *s, gint64 tid, gint64 date, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE threads SET count = count + 1,"
		" first_date = min(coalesce(first_date, ?1), ?1),"
		" last_date = max(coalesce(last_date, ?1), ?1) WHERE id = ?2",
		"ii", date, tid),
	    err);
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

/* store_archive_add2 - keep a post with its thread and references */
bool
store_archive_add2(struct store *s, const struct store_archived2 *a, gint64 now,
    bool *added_out, GError **err)
{
	g_autofree char *refs = join_refs(a->refs, a->nrefs);
	const struct store_archived *b = &a->a;
	bool added, ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO messages (list_id, message_id, parent_id,"
		" subject, from_addr, from_name, date, body_text, raw,"
		" received, thread_id, refs, attachments)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?)"
		" ON CONFLICT (list_id, message_id) DO NOTHING",
		"itttttitbiitt", b->list_id, b->message_id, b->parent_id,
		b->subject, b->from_addr, b->from_name, b->date, b->body_text,
		b->raw, b->len, now, a->thread_id > 0 ? a->thread_id : 0, refs,
		a->attachments),
	    err);
	added = ok && sqlite3_changes(s->db) > 0;
	if (added)
		ok = add_refs(s, b->list_id, sqlite3_last_insert_rowid(s->db),
			 a, err) &&
		    (a->thread_id <= 0 ||
			thread_touch(s, a->thread_id, b->date, err));
	if (!sq_end(s, ok, err))
		return false;
	if (added_out != NULL)
		*added_out = added;
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

/* store_archive_threads_citing - threads of messages citing message_id */
GArray *
store_archive_threads_citing(
    struct store *s, gint64 list_id, const char *message_id, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT DISTINCT m.thread_id FROM message_refs r"
	    " JOIN messages m ON m.id = r.message"
	    " WHERE r.list_id = ? AND r.ref_id = ? AND m.thread_id > 0",
	    "it", list_id, message_id);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
	bool row = true;

	while (row) {
		if (!sq_row(s, st, &row, err)) {
			g_array_unref(out);
			return NULL;
		}
		if (row) {
			gint64 t = sqlite3_column_int64(st, 0);

			g_array_append_val(out, t);
		}
	}
	return out;
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
	if (!sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO threads (list_id, root_message_id, subject,"
		    " first_date, last_date, count) VALUES (?, ?, ?, ?, ?, 0)",
		    "ittii", list_id, root_message_id, base_subject, date,
		    date),
		err))
		return false;
	*tid_out = sqlite3_last_insert_rowid(s->db);
	return true;
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
		     " (SELECT t.count + f.count, min(t.first_date,"
		     " f.first_date), max(t.last_date, f.last_date)"
		     " FROM threads t, threads f WHERE t.id = ?1 AND f.id = ?2)"
		     " WHERE id = ?1",
		     "ii", into_tid, from_tid),
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
entry_read(sqlite3_stmt *st, int extra)
{
	struct store_archive_entry *e = g_new0(struct store_archive_entry, 1);

	e->id = sqlite3_column_int64(st, 0);
	e->list_id = sqlite3_column_int64(st, 1);
	e->message_id = sq_text(st, 2);
	e->parent_id = sq_text(st, 3);
	e->refs = sq_text(st, 4);
	e->thread_id = sqlite3_column_int64(st, 5);
	e->subject = sq_text(st, 6);
	e->from_addr = sq_text(st, 7);
	e->from_name = sq_text(st, 8);
	e->date = sqlite3_column_int64(st, 9);
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
read_entries(struct store *s, sqlite3_stmt *st, int extra, GError **err)
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
		" AND (?2 = 0 OR m.list_id = ?2) ORDER BY m.id DESC LIMIT 1",
		"ti", message_id, list_id),
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

/* Matches ranked by relevance when a search asks for the best few. */
#define STORE_ARCHIVE_RANKED 2000

/* ids_of - the first column of every row of st, or NULL */
static GArray *
ids_of(struct store *s, sqlite3_stmt *st, GError **err)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	bool row = true;

	while (row) {
		if (!sq_row(s, st, &row, err)) {
			g_array_unref(ids);
			return NULL;
		}
		if (row) {
			gint64 id = sqlite3_column_int64(st, 0);

			g_array_append_val(ids, id);
		}
	}
	return ids;
}

/* rank_ids - the best limit matches (rowids), best first */
static GArray *
rank_ids(struct store *s, const char *match, int limit, GError **err)
{
	/* Ranking costs a few microseconds a match: a word in every third
	 * post of a big archive would cost tens of milliseconds, so only the
	 * newest STORE_ARCHIVE_RANKED matches are ranked (FTS5 reads them
	 * newest first and stops there). */
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT id FROM (SELECT rowid AS id, bm25(messages_fts, 4.0, 2.0,"
	    " 1.0, 1.0, 0.0) AS score FROM messages_fts"
	    " WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
	    " ORDER BY score, id DESC LIMIT ?",
	    "tii", match, (gint64)(limit > 0 ? STORE_ARCHIVE_RANKED : -1),
	    (gint64)(limit > 0 ? limit : -1));

	return ids_of(s, st, err);
}

/* entry_text - the entry of message id with its body text, or NULL */
static struct store_archive_entry *
entry_text(struct store *s, gint64 id, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT " ENTRY_COLS ", m.body_text FROM messages m WHERE m.id = ?",
	    "i", id);
	struct store_archive_entry *e;
	bool row;

	if (!sq_row(s, st, &row, err) || !row)
		return NULL;
	e = entry_read(st, 1);
	sqlite3_reset(st);
	return e;
}

/* entries_counted - the entries of ids (taken), and in *total_out (may
 * be NULL) the number of matches of m, counting at most cap (-1: all) */
static GPtrArray *
entries_counted(struct store *s, GArray *ids, const char *m, gint64 cap,
    gint64 *total_out, GError **err)
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
	*total_out = sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM (SELECT 1 FROM messages_fts"
		" WHERE messages_fts MATCH ? LIMIT ?)",
		"ti", m, cap),
	    0, err);
	if (*total_out < 0)
		g_clear_pointer(&a, g_ptr_array_unref);
	return a;
}

/* list_match - match (from archive_fts_query()) within one list: the
 * list is a token of the index, so this is one intersection and reads
 * no message rows; a query of exclusions only excludes from the list */
static char *
list_match(gint64 list_id, const char *match)
{
	return g_strdup_printf("list_tag : \"l%" G_GINT64_FORMAT "\" %s%s",
	    list_id, g_str_has_prefix(match, "NOT ") ? "" : "AND ", match);
}

/* store_archive_search - ranked full-text matches in a list */
GPtrArray *
store_archive_search(struct store *s, gint64 list_id, const char *match,
    int limit, gint64 *total_out, GError **err)
{
	g_autofree char *m = list_match(list_id, match);
	GArray *ids = rank_ids(s, m, limit, err);

	return entries_counted(s, ids, m, -1, total_out, err);
}

/* store_archive_search_newest - matches in a list, newest first, paged */
GPtrArray *
store_archive_search_newest(struct store *s, gint64 list_id, const char *match,
    int limit, int offset, gint64 *total_out, GError **err)
{
	g_autofree char *m = list_match(list_id, match);
	sqlite3_stmt *st = sq_stmt(s, err,
	    "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
	    " ORDER BY rowid DESC LIMIT ? OFFSET ?",
	    "tii", m, (gint64)limit, (gint64)offset);

	return entries_counted(s, ids_of(s, st, err), m,
	    STORE_SEARCH_COUNT_MAX + 1, total_out, err);
}

/* store_archive_each - every message of a list, raw included, by id */
bool
store_archive_each(struct store *s, gint64 list_id,
    bool (*fn)(const struct store_archive_entry *e, void *data, GError **err),
    void *data, GError **err)
{
	sqlite3_stmt *st = sq_stmt(s, err,
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
		sqlite3_reset(st);
	return ok;
}

/* store_archive_redo - new derived fields for one archived message */
bool
store_archive_redo(struct store *s, gint64 id, const struct store_archived2 *a,
    bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE messages SET subject = ?1, from_addr = ?2,"
		    " from_name = ?3, body_text = ?4, attachments = ?5"
		    " WHERE id = ?6 AND (subject IS NOT ?1 OR from_addr IS NOT"
		    " ?2 OR from_name IS NOT ?3 OR body_text IS NOT ?4 OR"
		    " attachments IS NOT ?5)",
		    "ttttti", a->a.subject, a->a.from_addr, a->a.from_name,
		    a->a.body_text, a->attachments, id),
		err))
		return false;
	*changed_out = sqlite3_changes(s->db) > 0;
	return true;
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

/* ------------------------------------------------------------ tokenizer */

/*
 * The archive's FTS5 tokenizer "moim". Latin (and any other alphabetic)
 * words are emitted case-folded. Runs of Hangul and other CJK characters
 * are emitted as overlapping bigrams, with the last character of each run
 * also emitted alone at the position of the last bigram (colocated): a
 * phrase of bigrams then matches exactly the substrings a person types
 * (모임 finds 모임을, 모임에서), and a prefix query on one syllable finds
 * it anywhere, because every occurrence starts a bigram or ends a run.
 */
#define TOK_MAX_WORD 64

enum tok_class { TOK_SPACE, TOK_WORD, TOK_CJK };

/* tok_class_of - which kind of character u is */
static enum tok_class
tok_class_of(gunichar u)
{
	if ((u >= 0xac00 && u <= 0xd7a3) || (u >= 0x1100 && u <= 0x11ff) ||
	    (u >= 0x3130 && u <= 0x318f) || (u >= 0x3040 && u <= 0x30ff) ||
	    (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) ||
	    (u >= 0xf900 && u <= 0xfaff))
		return TOK_CJK;
	if (u < 0x80)
		return g_ascii_isalnum(u) ? TOK_WORD : TOK_SPACE;
	return g_unichar_isalnum(u) || g_unichar_ismark(u) ? TOK_WORD
							   : TOK_SPACE;
}

struct tok_char {
	int start, end;
	gunichar u;
	enum tok_class cls;
};

/* tok_next - the character at *pos in text (invalid bytes are spaces) */
static void
tok_next(const char *text, int len, int *pos, struct tok_char *c)
{
	const unsigned char *p = (const unsigned char *)text + *pos;

	c->start = *pos;
	if (*p < 0x80) {
		c->u = *p;
		*pos += 1;
	} else {
		c->u = g_utf8_get_char_validated((const char *)p, len - *pos);
		if (c->u == (gunichar)-1 || c->u == (gunichar)-2) {
			c->u = ' ';
			*pos += 1;
		} else {
			*pos += g_utf8_skip[*p];
		}
	}
	c->end = *pos;
	c->cls = tok_class_of(c->u);
}

struct tok_ctx {
	void *ctx;
	bool is_query; /* a query needs no run-end unigrams: they would be
			* synonyms of the bigram at that position */
	int (*emit)(void *, int, const char *, int, int, int);
};

/* tok_word - emit the case-folded word text[start, end) */
static int
tok_word(struct tok_ctx *t, const char *text, int start, int end)
{
	char buf[TOK_MAX_WORD + 8];
	int n = 0, pos = start;

	while (pos < end && n < TOK_MAX_WORD) {
		struct tok_char c;

		tok_next(text, end, &pos, &c);
		if (c.u < 0x80)
			buf[n++] = g_ascii_tolower((char)c.u);
		else
			n += g_unichar_to_utf8(g_unichar_tolower(c.u), buf + n);
	}
	return t->emit(t->ctx, 0, buf, n, start, end);
}

/* tok_cjk - emit the bigrams of a CJK run and its last character */
static int
tok_cjk(struct tok_ctx *t, const char *text, const struct tok_char *run, int n)
{
	int rc = SQLITE_OK;

	for (int i = 0; i + 1 < n && rc == SQLITE_OK; i++)
		rc = t->emit(t->ctx, 0, text + run[i].start,
		    run[i + 1].end - run[i].start, run[i].start,
		    run[i + 1].end);
	if (rc == SQLITE_OK && (n == 1 || !t->is_query))
		rc = t->emit(t->ctx, n > 1 ? FTS5_TOKEN_COLOCATED : 0,
		    text + run[n - 1].start, run[n - 1].end - run[n - 1].start,
		    run[n - 1].start, run[n - 1].end);
	return rc;
}

/* tok_run - the run of class cls from *pos; emits it */
static int
tok_run(struct tok_ctx *t, const char *text, int len, int *pos,
    const struct tok_char *first)
{
	struct tok_char run[TOK_MAX_WORD];
	int n = 0, start = first->start, end = first->end;

	run[n++] = *first;
	while (*pos < len) {
		struct tok_char c;
		int save = *pos;

		tok_next(text, len, pos, &c);
		if (c.cls != first->cls) {
			*pos = save;
			break;
		}
		end = c.end;
		if (first->cls == TOK_CJK && n == TOK_MAX_WORD) {
			/* Long runs go in chunks that overlap by one. */
			int rc = tok_cjk(t, text, run, n);

			if (rc != SQLITE_OK)
				return rc;
			run[0] = run[n - 1];
			n = 1;
		}
		if (first->cls == TOK_CJK)
			run[n++] = c;
	}
	if (first->cls == TOK_CJK)
		return tok_cjk(t, text, run, n);
	return tok_word(t, text, start, end);
}

/* tok_create - FTS5 xCreate: the tokenizer has no state */
static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	(void)argc;
	*out = (Fts5Tokenizer *)&tok_create;
	return SQLITE_OK;
}

/* tok_delete - FTS5 xDelete */
static void
tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* tok_tokenize - FTS5 xTokenize */
static int
tok_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int len,
    int (*emit)(void *, int, const char *, int, int, int))
{
	struct tok_ctx t = {ctx, (flags & FTS5_TOKENIZE_QUERY) != 0, emit};
	int pos = 0, rc = SQLITE_OK;

	(void)tk;
	while (pos < len && rc == SQLITE_OK) {
		struct tok_char c;

		tok_next(text, len, &pos, &c);
		if (c.cls != TOK_SPACE)
			rc = tok_run(&t, text, len, &pos, &c);
	}
	return rc;
}

/* sq_archive_tokenizer - register tokenizer "moim" on the connection */
bool
sq_archive_tokenizer(struct store *s, GError **err)
{
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return sq_err(s, err, "fts5");
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	(void)sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL, "SQLite without FTS5");
	if (api->xCreateTokenizer(api, "moim", NULL, &tok, NULL) != SQLITE_OK)
		return sq_err(s, err, "fts5 tokenizer");
	return true;
}
