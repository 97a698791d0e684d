/*
 * store_web_archive - the store's lookups for moim-web's archive pages
 *
 * DESCRIPTION
 *	The "web archive pages" block of lib/store.h (see there): threads
 *	by start and by last message, counts for the monthly activity strip,
 *	one message of a list by Message-ID and the messages of a thread
 *	with their text. Every query reads through an index (threads_started,
 *	threads_active, messages_list_date, messages_thread and the unique
 *	(list_id, message_id)), so a page costs the same in a large archive.
 */

#include "err.h"
#include "store.h"
#include "store_int.h"

/* thread_read - a struct store_web_thread from a row of THREAD_SQL */
static gpointer
thread_read(struct db_stmt *st)
{
	struct store_web_thread *t = g_new0(struct store_web_thread, 1);

	t->id = sq_col_int(st, 0);
	t->first_date = sq_col_int(st, 1);
	t->last_date = sq_col_int(st, 2);
	t->count = sq_col_int(st, 3);
	t->message_id = sq_text(st, 4);
	t->subject = sq_text(st, 5);
	t->from_addr = sq_text(st, 6);
	t->from_name = sq_text(st, 7);
	return t;
}

/* A thread with its first message; "t" is the thread. The first message
 * is found through messages_thread (thread_id, date). */
#define THREAD_SQL                                                             \
	"SELECT t.id, coalesce(t.first_date, 0), coalesce(t.last_date, 0),"    \
	" t.count, m.message_id, m.subject, m.from_addr, m.from_name"          \
	" FROM threads t LEFT JOIN messages m ON m.id = (SELECT f.id FROM"     \
	" messages f WHERE f.thread_id = t.id ORDER BY f.date, f.id LIMIT 1)"

/* store_web_threads_started - threads started in [from, to), newest first */
GPtrArray *
store_web_threads_started(struct store *s, gint64 list_id, gint64 from,
    gint64 to, int limit, int offset, gint64 *total_out, GError **err)
{
	GPtrArray *a = sq_collect(s,
	    sq_stmt(s, err,
		THREAD_SQL " WHERE t.list_id = ? AND t.first_date >= ?"
			   " AND t.first_date < ? AND t.count > 0"
			   " ORDER BY t.first_date DESC, t.id DESC"
			   " LIMIT ? OFFSET ?",
		"iiiii", list_id, from, to, (gint64)limit, (gint64)offset),
	    thread_read, (GDestroyNotify)store_web_thread_free, err);

	if (a == NULL || total_out == NULL)
		return a;
	*total_out = sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM threads WHERE list_id = ?"
		" AND first_date >= ? AND first_date < ? AND count > 0",
		"iii", list_id, from, to),
	    0, err);
	if (*total_out < 0)
		g_clear_pointer(&a, g_ptr_array_unref);
	return a;
}

/* store_web_threads_active - the threads with the latest messages */
GPtrArray *
store_web_threads_active(
    struct store *s, gint64 list_id, int limit, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		THREAD_SQL " WHERE t.list_id = ? AND t.count > 0"
			   " ORDER BY t.last_date DESC, t.id DESC LIMIT ?",
		"ii", list_id, (gint64)limit),
	    thread_read, (GDestroyNotify)store_web_thread_free, err);
}

/* store_web_threads_topic - a topic's threads, latest message first */
GPtrArray *
store_web_threads_topic(
    struct store *s, gint64 list_id, const char *topic, int limit, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		THREAD_SQL
		" WHERE t.list_id = ? AND t.topic = ? AND t.count > 0"
		" ORDER BY t.last_date DESC, t.id DESC LIMIT ?",
		"iti", list_id, topic, (gint64)limit),
	    thread_read, (GDestroyNotify)store_web_thread_free, err);
}

/* store_web_count - threads started and messages dated in [from, to) */
bool
store_web_count(struct store *s, gint64 list_id, gint64 from, gint64 to,
    gint64 *threads_out, gint64 *posts_out, GError **err)
{
	*threads_out = sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM threads WHERE list_id = ?"
		" AND first_date >= ? AND first_date < ? AND count > 0",
		"iii", list_id, from, to),
	    0, err);
	if (*threads_out < 0)
		return false;
	if (posts_out == NULL)
		return true;
	*posts_out = sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM messages WHERE list_id = ?"
		" AND date >= ? AND date < ?",
		"iii", list_id, from, to),
	    0, err);
	return *posts_out >= 0;
}

/* store_web_next_start - the earliest thread start at or after from */
bool
store_web_next_start(struct store *s, gint64 list_id, gint64 from,
    gint64 *start_out, bool *found_out, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT first_date FROM threads WHERE list_id = ?"
	    " AND first_date >= ? AND count > 0 ORDER BY first_date LIMIT 1",
	    "ii", list_id, from);

	*found_out = false;
	*start_out = 0;
	if (!sq_row(s, st, found_out, err))
		return false;
	if (*found_out) {
		*start_out = sq_col_int(st, 0);
		sq_reset(st);
	}
	return true;
}

/* store_web_thread_free - free a thread; NULL is fine */
void
store_web_thread_free(struct store_web_thread *t)
{
	if (t == NULL)
		return;
	g_free(t->message_id);
	g_free(t->subject);
	g_free(t->from_addr);
	g_free(t->from_name);
	g_free(t);
}

/* msg_read - a struct store_web_msg from a row of MSG_COLS */
static gpointer
msg_read(struct db_stmt *st)
{
	struct store_web_msg *m = g_new0(struct store_web_msg, 1);

	m->id = sq_col_int(st, 0);
	m->thread_id = sq_col_int(st, 1);
	m->message_id = sq_text(st, 2);
	m->refs = sq_text(st, 3);
	m->subject = sq_text(st, 4);
	m->from_addr = sq_text(st, 5);
	m->from_name = sq_text(st, 6);
	m->date = sq_col_int(st, 7);
	m->text = sq_text(st, 8);
	m->attachments = sq_text(st, 9);
	if (!sq_col_null(st, 10))
		m->raw = sq_blob(st, 10);
	return m;
}

/* The raw bytes are read only when the last parameter asks for them. */
#define MSG_COLS                                                               \
	"SELECT id, coalesce(thread_id, 0), message_id, refs, subject,"        \
	" from_addr, from_name, coalesce(date, 0), body_text, attachments,"    \
	" CASE WHEN ? <> 0 THEN raw END FROM messages"

/* store_web_message - the list's message with this Message-ID, or NULL */
bool
store_web_message(struct store *s, gint64 list_id, const char *message_id,
    bool with_raw, struct store_web_msg **m_out, GError **err)
{
	gpointer m = NULL;
	bool ok = sq_one(s,
	    sq_stmt(s, err, MSG_COLS " WHERE list_id = ? AND message_id = ?",
		"iit", (gint64)with_raw, list_id, message_id),
	    msg_read, &m, err);

	*m_out = m;
	return ok;
}

/* store_web_thread_msgs - the first limit messages of a thread by date */
GPtrArray *
store_web_thread_msgs(
    struct store *s, gint64 thread_id, bool with_raw, int limit, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		MSG_COLS " WHERE thread_id = ? ORDER BY date, id LIMIT ?",
		"iii", (gint64)with_raw, thread_id,
		(gint64)(limit > 0 ? limit : G_MAXINT64)),
	    msg_read, (GDestroyNotify)store_web_msg_free, err);
}

/* store_web_msg_free - free a message; NULL is fine */
void
store_web_msg_free(struct store_web_msg *m)
{
	if (m == NULL)
		return;
	g_free(m->message_id);
	g_free(m->refs);
	g_free(m->subject);
	g_free(m->from_addr);
	g_free(m->from_name);
	g_free(m->text);
	g_free(m->attachments);
	if (m->raw != NULL)
		g_bytes_unref(m->raw);
	g_free(m);
}
