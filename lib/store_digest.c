/*
 * store_digest - the store's digest tables: queued posts and issue numbers
 *
 * DESCRIPTION
 *	The digest half of lib/store.h (see there). Tables of schema 4:
 *	digest_queue holds the posts a list's digest members have yet to
 *	get, as received; digests holds each list's last issue number and
 *	when it went out. Sending a digest and deleting its posts happen in
 *	the caller's transaction, so an issue goes out exactly once.
 */

#include "err.h"
#include "store.h"
#include "store_int.h"

/* store_digest_add - queue a post for the list's digest */
bool
store_digest_add(struct store *s, gint64 list_id, const void *raw, size_t len,
    gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO digest_queue (list_id, raw, queued)"
		" VALUES (?, ?, ?)",
		"ibi", list_id, raw, len, now),
	    err);
}

/* due_from_row - a struct store_digest_due from (list_id, oldest) */
static gpointer
due_from_row(struct db_stmt *st)
{
	struct store_digest_due *d = g_new0(struct store_digest_due, 1);

	d->list_id = sq_col_int(st, 0);
	d->oldest = sq_col_int(st, 1);
	return d;
}

/* store_digest_due - every list with queued posts, oldest queue first */
GPtrArray *
store_digest_due(struct store *s, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT list_id, min(queued) AS oldest FROM digest_queue"
		" GROUP BY list_id ORDER BY oldest",
		""),
	    due_from_row, g_free, err);
}

/* post_free - free a struct store_digest_post */
static void
post_free(gpointer p)
{
	struct store_digest_post *x = p;

	g_bytes_unref(x->raw);
	g_free(x);
}

/* store_digest_posts - the next posts of a digest, within the bounds */
GPtrArray *
store_digest_posts(struct store *s, gint64 list_id, size_t max_posts,
    size_t max_bytes, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, raw FROM digest_queue WHERE list_id = ? ORDER BY id"
	    " LIMIT ?",
	    "ii", list_id, (gint64)max_posts);
	GPtrArray *a = g_ptr_array_new_with_free_func(post_free);
	size_t bytes = 0;
	bool row = false;

	if (st == NULL) {
		g_ptr_array_unref(a);
		return NULL;
	}
	for (;;) {
		struct store_digest_post *x;
		size_t len;

		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			break;
		(void)st->ops->col_blob(st, 1, &len);
		if (a->len > 0 && bytes + len > max_bytes) {
			sq_reset(st);
			break;
		}
		x = g_new0(struct store_digest_post, 1);
		x->id = sq_col_int(st, 0);
		x->raw = sq_blob(st, 1);
		bytes += len;
		g_ptr_array_add(a, x);
	}
	return a;
}

/* store_digest_sent - clear the posts sent, count the issue */
bool
store_digest_sent(struct store *s, gint64 list_id, gint64 last_id, gint64 now,
    gint64 *issue_out, GError **err)
{
	bool ok = sq_begin(s, err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "DELETE FROM digest_queue WHERE list_id = ? AND id <= ?",
		    "ii", list_id, last_id),
		err);

	if (issue_out == NULL)
		return sq_end(s, ok, err);
	ok = ok &&
	    sq_done(s,
		sq_stmt(s, err,
		    "INSERT INTO digests (list_id, issue, last_sent)"
		    " VALUES (?, 1, ?) ON CONFLICT (list_id) DO UPDATE"
		    " SET issue = digests.issue + 1, last_sent = excluded.last_sent",
		    "ii", list_id, now),
		err) &&
	    (*issue_out = sq_int(s,
		 sq_stmt(s, err, "SELECT issue FROM digests WHERE list_id = ?",
		     "i", list_id),
		 0, err)) > 0;
	return sq_end(s, ok, err);
}

/* store_digest_queued - the number of posts waiting for a list's digest */
gint64
store_digest_queued(struct store *s, gint64 list_id, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM digest_queue WHERE list_id = ?", "i",
		list_id),
	    0, err);
}
