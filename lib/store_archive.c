/*
 * store_archive - the store's archive tables: messages and threads
 */
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
