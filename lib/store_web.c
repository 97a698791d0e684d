/*
 * store_web - the store's web tables: acts for moim-listd, sign-in links
 *
 * DESCRIPTION
 *	The web half of lib/store.h ("web acts and sign-ins"). Tables of
 *	schema 10: web_acts holds what a person did on a page (unsubscribe,
 *	answer, join, sign in) until moim-listd has carried it out, and
 *	after, with its result; web_signins holds one row per mailed
 *	sign-in link, used at most once. moim-web and moim-listd are
 *	different processes: an act is a row, committed by one and taken by
 *	the other, so it survives a restart of either.
 */
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

static const char *const kind_names[] = {
    [STORE_WEB_UNSUB] = "unsub",
    [STORE_WEB_RSVP] = "rsvp",
    [STORE_WEB_JOIN] = "join",
    [STORE_WEB_SIGNIN] = "signin",
};

/* store_web_kind_name - the stored word of an act's kind */
const char *
store_web_kind_name(enum store_web_kind k)
{
	return (size_t)k < G_N_ELEMENTS(kind_names) ? kind_names[k] : "?";
}

/* kind_parse - the kind of a stored word; false for an unknown one */
static bool
kind_parse(const char *w, enum store_web_kind *k_out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kind_names); i++)
		if (w != NULL && strcmp(w, kind_names[i]) == 0) {
			*k_out = (enum store_web_kind)i;
			return true;
		}
	return false;
}

/* store_web_act_add - record an act for moim-listd */
bool
store_web_act_add(struct store *s, const struct store_web_act *a, gint64 now,
    gint64 *id_out, GError **err)
{
	gint64 id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO web_acts (kind, list_id, member_id,"
		" event_id, address, answer, guests, next, created)"
		" VALUES (?, nullif(?, 0), nullif(?, 0), nullif(?, 0),"
		" ?, ?, ?, ?, ?) RETURNING id",
		"tiiittiti", store_web_kind_name(a->kind), a->list_id,
		a->member_id, a->event_id, a->address, a->answer,
		(gint64)a->guests, a->next, now),
	    0, err);

	if (id_out != NULL && id >= 0)
		*id_out = id;
	return id >= 0;
}

/* act_from_row - a struct store_web_act from the columns of ACT_COLS */
static gpointer
act_from_row(struct db_stmt *st)
{
	struct store_web_act *a = g_new0(struct store_web_act, 1);
	g_autofree char *kind = sq_text(st, 1);

	a->id = sq_col_int(st, 0);
	/* An unknown word (a newer moim wrote it) reads as a join, which
	 * listd refuses without a list; it is never an unsubscription. */
	if (!kind_parse(kind, &a->kind))
		a->kind = STORE_WEB_JOIN;
	a->list_id = sq_col_int(st, 2);
	a->member_id = sq_col_int(st, 3);
	a->event_id = sq_col_int(st, 4);
	a->address = sq_text(st, 5);
	a->answer = sq_text(st, 6);
	a->guests = (int)sq_col_int(st, 7);
	a->next = sq_text(st, 8);
	a->created = sq_col_int(st, 9);
	a->done = (int)sq_col_int(st, 10) != 0;
	a->result = sq_text(st, 11);
	return a;
}

#define ACT_COLS                                                               \
	"id, kind, coalesce(list_id, 0), coalesce(member_id, 0),"              \
	" coalesce(event_id, 0), address, answer, guests, next, created,"      \
	" done, result"

/* store_web_act_undone - the oldest undone acts */
GPtrArray *
store_web_act_undone(struct store *s, int limit, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT " ACT_COLS " FROM web_acts WHERE done = 0"
		" ORDER BY id LIMIT ?",
		"i", (gint64)limit),
	    act_from_row, (GDestroyNotify)store_web_act_free, err);
}

/* store_web_act_done - mark an act done with its result */
bool
store_web_act_done(struct store *s, gint64 id, const char *result, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE web_acts SET done = 1, result = ? WHERE id = ?", "ti",
		result, id),
	    err);
}

/* store_web_act_get - one act by id, or NULL */
bool
store_web_act_get(
    struct store *s, gint64 id, struct store_web_act **a_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err, "SELECT " ACT_COLS " FROM web_acts WHERE id = ?",
		"i", id),
	    act_from_row, (gpointer *)a_out, err);
}

/* store_web_act_unsub_of - a member's newest unsubscribe act, or the
 * row store_member_remove() left (kind "left"), or NULL */
bool
store_web_act_unsub_of(struct store *s, gint64 member_id,
    struct store_web_act **a_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err,
		"SELECT " ACT_COLS " FROM web_acts WHERE member_id = ?"
		" AND kind IN ('unsub', 'left') ORDER BY id DESC LIMIT 1",
		"i", member_id),
	    act_from_row, (gpointer *)a_out, err);
}

/* store_web_act_free - free an act; NULL is fine */
void
store_web_act_free(struct store_web_act *a)
{
	if (a == NULL)
		return;
	g_free(a->address);
	g_free(a->answer);
	g_free(a->next);
	g_free(a->result);
	g_free(a);
}

/* store_web_signin_add - a new sign-in row for address */
bool
store_web_signin_add(struct store *s, const char *address, const char *next,
    gint64 now, gint64 *id_out, GError **err)
{
	*id_out = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO web_signins (address, next, created)"
		" VALUES (?, ?, ?) RETURNING id",
		"tti", address, next, now),
	    0, err);
	return *id_out >= 0;
}

/* signin_from_row - a struct store_web_signin from its columns */
static gpointer
signin_from_row(struct db_stmt *st)
{
	struct store_web_signin *si = g_new0(struct store_web_signin, 1);

	si->id = sq_col_int(st, 0);
	si->address = sq_text(st, 1);
	si->next = sq_text(st, 2);
	si->created = sq_col_int(st, 3);
	si->used = (int)sq_col_int(st, 4) != 0;
	return si;
}

/* store_web_signin_get - one sign-in row, or NULL */
bool
store_web_signin_get(
    struct store *s, gint64 id, struct store_web_signin **si_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err,
		"SELECT id, address, next, created, used FROM web_signins"
		" WHERE id = ?",
		"i", id),
	    signin_from_row, (gpointer *)si_out, err);
}

/* store_web_signin_use - mark a sign-in row used, once: the UPDATE
 * itself decides, so two requests at once cannot both sign in */
bool
store_web_signin_use(struct store *s, gint64 id, bool *used_out, GError **err)
{
	*used_out = false;
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE web_signins SET used = 1 WHERE id = ?"
		    " AND used = 0",
		    "i", id),
		err))
		return false;
	*used_out = sq_changes(s) == 1;
	return true;
}

/* store_web_signin_free - free a sign-in row; NULL is fine */
void
store_web_signin_free(struct store_web_signin *si)
{
	if (si == NULL)
		return;
	g_free(si->address);
	g_free(si->next);
	g_free(si);
}

/* store_web_first_list_of - the first list address is a member of */
bool
store_web_first_list_of(
    struct store *s, const char *address, gint64 *list_id_out, GError **err)
{
	gint64 id = sq_int(s,
	    sq_stmt(s, err,
		"SELECT min(list_id) FROM members WHERE address = ?", "t",
		address),
	    0, err);

	*list_id_out = id > 0 ? id : 0;
	return id >= 0;
}

/* store_web_purge - forget old done acts and old sign-in rows */
bool
store_web_purge(
    struct store *s, gint64 now, gint64 keep, gint64 keep_unsub, GError **err)
{
	return sq_done(s,
		   sq_stmt(s, err,
		       "DELETE FROM web_acts WHERE done = 1 AND created < ?"
		       " AND (kind NOT IN ('unsub', 'left') OR created < ?)",
		       "ii", now - keep, now - keep_unsub),
		   err) &&
	    sq_done(s,
		sq_stmt(s, err, "DELETE FROM web_signins WHERE created < ?",
		    "i", now - keep),
		err);
}
