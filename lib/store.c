/*
 * store - the database: lists, members, queues, archive, events
 *
 * DESCRIPTION
 *	lib/store.h's connection, lists, members and queues. Every statement
 *	goes through the helpers of store_int.h to the driver of lib/db.h;
 *	the SQL here is the dialect both engines accept.
 */
#include <stdarg.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

/* sq_stmt - the driver's cached statement for sql, reset and bound from
 * fmt; sql must be a string literal: its address is the cache key */
struct db_stmt *
sq_stmt(struct store *s, GError **err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = s->ops->prepare(s->db, sql, fmt, ap, err);
	va_end(ap);
	return st;
}

/* sq_done - step a statement whose rows are not needed */
bool
sq_done(struct store *s, struct db_stmt *st, GError **err)
{
	bool row;

	if (st == NULL)
		return false;
	if (!s->ops->step(st, &row, err))
		return false;
	if (row)
		s->ops->reset(st);
	return true;
}

/* sq_row - step once; *has_row_out tells whether a row came */
bool
sq_row(struct store *s, struct db_stmt *st, bool *has_row_out, GError **err)
{
	*has_row_out = false;
	if (st == NULL)
		return false;
	return s->ops->step(st, has_row_out, err);
}

/* sq_text - a copy of column i's text, NULL for NULL */
char *
sq_text(struct db_stmt *st, int i)
{
	return g_strdup(sq_col_str(st, i));
}

/* sq_blob - a copy of column i's bytes */
GBytes *
sq_blob(struct db_stmt *st, int i)
{
	size_t n = 0;
	const void *p = st->ops->col_blob(st, i, &n);

	return g_bytes_new(p, n);
}

/* sq_int - a single integer result, or dflt when there is no row */
gint64
sq_int(struct store *s, struct db_stmt *st, gint64 dflt, GError **err)
{
	bool row;
	gint64 v = dflt;

	if (!sq_row(s, st, &row, err))
		return -1;
	if (row) {
		v = sq_col_int(st, 0);
		sq_reset(st);
	}
	return v;
}

/* sq_exists - whether st's one number is above 0; false on error */
bool
sq_exists(struct store *s, struct db_stmt *st, bool *yes_out, GError **err)
{
	gint64 n = sq_int(s, st, 0, err);

	*yes_out = n > 0;
	return n >= 0;
}

/* sq_one - the first row of st, made by row(); *out NULL without one */
bool
sq_one(struct store *s, struct db_stmt *st, sq_row_fn row, gpointer *out,
    GError **err)
{
	bool has;

	*out = NULL;
	if (!sq_row(s, st, &has, err))
		return false;
	if (has) {
		*out = row(st);
		sq_reset(st);
	}
	return true;
}

/* sq_collect - every row of st, made by row(); NULL on error */
GPtrArray *
sq_collect(struct store *s, struct db_stmt *st, sq_row_fn row,
    GDestroyNotify free_fn, GError **err)
{
	GPtrArray *a;
	bool has_row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func(free_fn);
	for (;;) {
		if (!sq_row(s, st, &has_row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!has_row)
			return a;
		g_ptr_array_add(a, row(st));
	}
}

/* Savepoints let multi-row writes nest inside a caller's transaction. */
bool
sq_begin(struct store *s, GError **err)
{
	return s->ops->savepoint(s->db, err);
}

bool
sq_end(struct store *s, bool ok, GError **err)
{
	return s->ops->release(s->db, ok, err);
}

/* store_migrate_to - apply the engine's migrations up to version */
bool
store_migrate_to(struct store *s, int version, GError **err)
{
	return s->ops->migrate(s->db, version, err);
}

/* store_open - open (and in RW modes create and migrate) the database:
 * spec is a SQLite path or a PostgreSQL connection string */
struct store *
store_open(const char *spec, enum store_access acc, GError **err)
{
	const struct db_ops *ops = db_engine(spec);
	struct store *s;
	int v;

	if (ops == NULL) {
		g_autofree char *shown = db_spec_shown(spec);

		moim_fail(err, MOIM_ERR_CONFIG,
		    "database %s: this moim was built without its engine",
		    shown);
		return NULL;
	}
	s = g_new0(struct store, 1);
	s->ops = ops;
	s->db = ops->open(spec,
	    acc == STORE_RO		? DB_RO
		: acc == STORE_RO_BRIEF ? DB_RO_BRIEF
		: acc == STORE_RW_SYNC	? DB_RW_SYNC
					: DB_RW,
	    err);
	if (s->db == NULL)
		goto fail;
	if (acc != STORE_RO && acc != STORE_RO_BRIEF) {
		if (!store_migrate_to(s, STORE_SCHEMA_VERSION, err))
			goto fail;
		return s;
	}
	v = store_schema_version(s);
	if (v != STORE_SCHEMA_VERSION) {
		g_autofree char *shown = db_spec_shown(spec);

		moim_fail(err, MOIM_ERR_CONFIG,
		    "database %s: schema %d, want %d (run moimctl check)",
		    shown, v, STORE_SCHEMA_VERSION);
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

/* store_close - finalize every statement and close; NULL is fine */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		s->ops->close(s->db);
	g_free(s);
}

/* store_schema_version - the database's schema version, or -1 */
int
store_schema_version(struct store *s)
{
	return s->ops->schema_version(s->db);
}

/* store_data_version - changes when another connection commits, so a
 * reader can tell whether what it remembers of the database still holds;
 * -1 on error */
gint64
store_data_version(struct store *s, GError **err)
{
	return s->ops->data_version(s->db, err);
}

/* store_change_fd - a descriptor to poll for other connections' commits
 * (lib/db.h change_fd) */
bool
store_change_fd(struct store *s, int *fd_out, GError **err)
{
	return s->ops->change_fd(s->db, fd_out, err);
}

/* store_begin - start a write transaction (takes the write lock now) */
bool
store_begin(struct store *s, GError **err)
{
	return s->ops->begin(s->db, err);
}

/* store_read_begin - start a read transaction: the statements until
 * store_commit() see one snapshot */
bool
store_read_begin(struct store *s, GError **err)
{
	return s->ops->begin_read(s->db, err);
}

/* store_commit - commit; on failure the transaction is rolled back */
bool
store_commit(struct store *s, GError **err)
{
	return s->ops->commit(s->db, err);
}

/* store_rollback - abandon the transaction, if one is open */
void
store_rollback(struct store *s)
{
	s->ops->rollback(s->db);
}

/* ---------------------------------------------------------------- lists */

/* store_list_create - add a list with default settings and its name */
bool
store_list_create(struct store *s, const char *local, const char *domain,
    const char *name, gint64 now, gint64 *id_out, GError **err)
{
	struct db_stmt *st;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	st = sq_stmt(s, err,
	    "INSERT INTO lists (local, domain, created) VALUES (?, ?, ?)"
	    " RETURNING id",
	    "tti", local, domain, now);
	*id_out = sq_int(s, st, 0, err);
	ok = *id_out > 0 && store_list_set(s, *id_out, "name", name, err);
	if (!ok && err && *err && (*err)->code == MOIM_ERR_INPUT &&
	    strstr((*err)->message, "UNIQUE") != NULL) {
		g_clear_error(err);
		moim_fail(
		    err, MOIM_ERR_INPUT, "%s@%s: list exists", local, domain);
	}
	return sq_end(s, ok, err);
}

/* list_load_settings - apply the stored settings over the defaults */
static bool
list_load_settings(struct store *s, struct store_list *l, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT key, value FROM list_settings WHERE list_id = ?", "i",
	    l->id);
	bool row;

	listset_defaults(&l->set, l->local);
	for (;;) {
		if (!sq_row(s, st, &row, err))
			return false;
		if (!row)
			return true;
		/* A setting this version does not know stays ignored. */
		(void)listset_apply(
		    &l->set, sq_col_str(st, 0), sq_col_str(st, 1), NULL);
	}
}

static gpointer
list_from_row(struct db_stmt *st)
{
	struct store_list *l = g_new0(struct store_list, 1);

	l->id = sq_col_int(st, 0);
	l->local = sq_text(st, 1);
	l->domain = sq_text(st, 2);
	l->created = sq_col_int(st, 3);
	l->address = g_strdup_printf("%s@%s", l->local, l->domain);
	return l;
}

/* lists_collect - read every row of st as a list, with its settings */
static GPtrArray *
lists_collect(struct store *s, struct db_stmt *st, GError **err)
{
	GPtrArray *a =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_list_free);
	bool row;
	guint i;

	for (;;) {
		if (!sq_row(s, st, &row, err))
			goto fail;
		if (!row)
			break;
		g_ptr_array_add(a, list_from_row(st));
	}
	for (i = 0; i < a->len; i++)
		if (!list_load_settings(s, a->pdata[i], err))
			goto fail;
	return a;
fail:
	g_ptr_array_unref(a);
	return NULL;
}

/* list_one - the single list st selects, with its settings, or NULL */
static bool
list_one(struct store *s, struct db_stmt *st, struct store_list **l_out,
    GError **err)
{
	gpointer l;

	*l_out = NULL;
	if (!sq_one(s, st, list_from_row, &l, err))
		return false;
	if (l != NULL && !list_load_settings(s, l, err)) {
		store_list_free(l);
		return false;
	}
	*l_out = l;
	return true;
}

#define LIST_COLS "SELECT id, local, domain, created FROM lists "

/* store_list_get - the list local@domain, or *l_out = NULL */
bool
store_list_get(struct store *s, const char *local, const char *domain,
    struct store_list **l_out, GError **err)
{
	return list_one(s,
	    sq_stmt(s, err, LIST_COLS "WHERE local = ? AND domain = ?", "tt",
		local, domain),
	    l_out, err);
}

/* store_list_get_id - the list with this id, or *l_out = NULL */
bool
store_list_get_id(
    struct store *s, gint64 id, struct store_list **l_out, GError **err)
{
	return list_one(
	    s, sq_stmt(s, err, LIST_COLS "WHERE id = ?", "i", id), l_out, err);
}

/* store_list_all - every list, by address */
GPtrArray *
store_list_all(struct store *s, GError **err)
{
	struct db_stmt *st =
	    sq_stmt(s, err, LIST_COLS "ORDER BY domain, local", "");

	return st ? lists_collect(s, st, err) : NULL;
}

/* store_list_by_local - the lists called local in any domain */
GPtrArray *
store_list_by_local(struct store *s, const char *local, GError **err)
{
	struct db_stmt *st = sq_stmt(
	    s, err, LIST_COLS "WHERE local = ? ORDER BY domain", "t", local);

	return st ? lists_collect(s, st, err) : NULL;
}

/* store_list_set - validate and store one setting */
bool
store_list_set(struct store *s, gint64 list_id, const char *key,
    const char *value, GError **err)
{
	struct listset check;
	bool ok;

	listset_defaults(&check, "x");
	ok = listset_apply(&check, key, value, err);
	listset_clear(&check);
	if (!ok)
		return false;
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO list_settings (list_id, key, value) VALUES (?, ?, ?)"
		" ON CONFLICT (list_id, key) DO UPDATE SET value = excluded.value",
		"itt", list_id, key, value),
	    err);
}

/* store_list_delete - remove a list and everything that hangs on it */
bool
store_list_delete(struct store *s, gint64 list_id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "DELETE FROM lists WHERE id = ?", "i", list_id),
	    err);
}

/* store_list_free - free l; NULL is fine */
void
store_list_free(struct store_list *l)
{
	if (l == NULL)
		return;
	g_free(l->local);
	g_free(l->domain);
	g_free(l->address);
	listset_clear(&l->set);
	g_free(l);
}

/* -------------------------------------------------------------- members */

static const char *const role_names[] = {"member", "moderator", "owner"};
static const char *const mode_names[] = {"regular", "digest", "nomail"};

const char *
store_role_name(enum store_role r)
{
	return role_names[r];
}

const char *
store_mode_name(enum store_mode m)
{
	return mode_names[m];
}

static bool
name_index(const char *const *names, size_t n, const char *s, int *i_out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (g_ascii_strcasecmp(names[i], s) == 0) {
			*i_out = (int)i;
			return true;
		}
	return false;
}

bool
store_role_parse(const char *s, enum store_role *r_out)
{
	int i;

	if (!name_index(role_names, G_N_ELEMENTS(role_names), s, &i))
		return false;
	*r_out = (enum store_role)i;
	return true;
}

bool
store_mode_parse(const char *s, enum store_mode *m_out)
{
	int i;

	if (!name_index(mode_names, G_N_ELEMENTS(mode_names), s, &i))
		return false;
	*m_out = (enum store_mode)i;
	return true;
}

/* store_member_add - add a member; *added_out is false if already there */
bool
store_member_add(struct store *s, gint64 list_id, const char *address,
    const char *display_name, enum store_role role, enum store_mode mode,
    gint64 now, bool *added_out, GError **err)
{
	g_autofree char *name = moim_text_line(display_name);
	struct db_stmt *st = sq_stmt(s, err,
	    "INSERT INTO members (list_id, address, display_name, role, mode,"
	    " created) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (list_id, address) DO NOTHING",
	    "ittiii", list_id, address, name, (gint64)role, (gint64)mode, now);

	if (!sq_done(s, st, err))
		return false;
	if (added_out != NULL)
		*added_out = sq_changes(s) > 0;
	return true;
}

/* store_members_add - store_member_add() for each of m, in bulk */
bool
store_members_add(struct store *s, gint64 list_id,
    const struct store_member_new *m, size_t n, gint64 now, bool *added_out,
    GError **err)
{
	struct db_member *rows = g_new(struct db_member, n);
	char **names = g_new0(char *, n);
	bool ok;

	for (size_t i = 0; i < n; i++) {
		names[i] = moim_text_line(m[i].display_name);
		rows[i] = (struct db_member){.address = m[i].address,
		    .display_name = names[i],
		    .role = (gint64)m[i].role,
		    .mode = (gint64)m[i].mode,
		    .created = now};
	}
	ok = sq_begin(s, err) &&
	    sq_end(s,
		s->ops->members_add(s->db, list_id, rows, n, added_out, err),
		err);
	for (size_t i = 0; i < n; i++)
		g_free(names[i]);
	g_free(names);
	g_free(rows);
	return ok;
}

#define MEMBER_COLS                                                            \
	"SELECT id, list_id, address, display_name, role, mode, enabled,"      \
	" bounce_score, created FROM members "

static gpointer
member_from_row(struct db_stmt *st)
{
	struct store_member *m = g_new0(struct store_member, 1);

	m->id = sq_col_int(st, 0);
	m->list_id = sq_col_int(st, 1);
	m->address = sq_text(st, 2);
	m->display_name = sq_text(st, 3);
	m->role = (enum store_role)CLAMP((int)sq_col_int(st, 4), 0, 2);
	m->mode = (enum store_mode)CLAMP((int)sq_col_int(st, 5), 0, 2);
	m->enabled = (int)sq_col_int(st, 6) != 0;
	m->bounce_score = sq_col_double(st, 7);
	m->created = sq_col_int(st, 8);
	return m;
}

static GPtrArray *
members_collect(struct store *s, struct db_stmt *st, GError **err)
{
	return sq_collect(
	    s, st, member_from_row, (GDestroyNotify)store_member_free, err);
}

/* member_one - the first member st selects, or NULL */
static bool
member_one(struct store *s, struct db_stmt *st, struct store_member **m_out,
    GError **err)
{
	gpointer m;
	bool ok = sq_one(s, st, member_from_row, &m, err);

	*m_out = m;
	return ok;
}

/* store_member_get - the member address of list_id, or *m_out = NULL */
bool
store_member_get(struct store *s, gint64 list_id, const char *address,
    struct store_member **m_out, GError **err)
{
	return member_one(s,
	    sq_stmt(s, err, MEMBER_COLS "WHERE list_id = ? AND address = ?",
		"it", list_id, address),
	    m_out, err);
}

/* store_member_get_id - the member with this id, or *m_out = NULL */
bool
store_member_get_id(
    struct store *s, gint64 id, struct store_member **m_out, GError **err)
{
	return member_one(s,
	    sq_stmt(s, err, MEMBER_COLS "WHERE id = ?", "i", id), m_out, err);
}

/* store_member_remove - remove; *removed_out is false if not a member.
 * A row of kind "left" in web_acts keeps the member's id, list and
 * address, so that an unsubscribe link in old mail still verifies: a
 * second one-click POST answers 200 whichever way the member left. */
bool
store_member_remove(struct store *s, gint64 list_id, const char *address,
    bool *removed_out, GError **err)
{
	bool ok;
	int n = 0;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
		 sq_stmt(s, err,
		     "INSERT INTO web_acts (kind, list_id, member_id, address,"
		     " created, done, result) SELECT 'left', list_id, id,"
		     " address, ?, 1, 'removed' FROM members"
		     " WHERE list_id = ? AND address = ?",
		     "iit", (gint64)(g_get_real_time() / G_USEC_PER_SEC),
		     list_id, address),
		 err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "DELETE FROM members WHERE list_id = ? AND address = ?",
		    "it", list_id, address),
		err);
	if (ok)
		n = sq_changes(s);
	if (!sq_end(s, ok, err))
		return false;
	if (removed_out != NULL)
		*removed_out = n > 0;
	return true;
}

bool
store_member_set_role(
    struct store *s, gint64 member_id, enum store_role role, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET role = ? WHERE id = ?", "ii",
		(gint64)role, member_id),
	    err);
}

bool
store_member_set_mode(
    struct store *s, gint64 member_id, enum store_mode mode, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET mode = ? WHERE id = ?", "ii",
		(gint64)mode, member_id),
	    err);
}

bool
store_member_set_enabled(
    struct store *s, gint64 member_id, bool enabled, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "UPDATE members SET enabled = ? WHERE id = ?", "ii",
		(gint64)enabled, member_id),
	    err);
}

/* store_member_list - members of a list, by address; role < 0 for all */
GPtrArray *
store_member_list(struct store *s, gint64 list_id, int role, GError **err)
{
	if (role < 0)
		return members_collect(s,
		    sq_stmt(s, err,
			MEMBER_COLS "WHERE list_id = ? ORDER BY address", "i",
			list_id),
		    err);
	return members_collect(s,
	    sq_stmt(s, err,
		MEMBER_COLS "WHERE list_id = ? AND role = ? ORDER BY address",
		"ii", list_id, (gint64)role),
	    err);
}

/* store_member_recipients - the enabled members in one delivery mode */
GPtrArray *
store_member_recipients(
    struct store *s, gint64 list_id, enum store_mode mode, GError **err)
{
	return members_collect(s,
	    sq_stmt(s, err,
		MEMBER_COLS "WHERE list_id = ? AND mode = ? AND enabled = 1"
			    " ORDER BY id",
		"ii", list_id, (gint64)mode),
	    err);
}

/* store_member_has_mode - whether an enabled member is in this mode */
bool
store_member_has_mode(struct store *s, gint64 list_id, enum store_mode mode,
    bool *has_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT EXISTS (SELECT 1 FROM members WHERE list_id = ?"
		" AND mode = ? AND enabled = 1)",
		"ii", list_id, (gint64)mode),
	    has_out, err);
}

/* store_member_count - the number of members of a list, -1 on error */
gint64
store_member_count(struct store *s, gint64 list_id, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM members WHERE list_id = ?",
		"i", list_id),
	    0, err);
}

/* store_member_bounce - decay a member's score and add one failure */
bool
store_member_bounce(struct store *s, gint64 member_id, bool policy, gint64 now,
    gint64 half_life, double *score_out, GError **err)
{
	struct db_stmt *st;
	bool row;

	/* exp2 is not in every SQLite: decay by halving whole periods
	 * (between 0 and 62 of them). PostgreSQL shifts a BIGINT by an
	 * INTEGER only. */
#define HALVINGS                                                               \
	" (CAST(1 AS BIGINT) << CAST(CASE WHEN (? - bounce_updated) / ? <= 0"  \
	" THEN 0 WHEN (? - bounce_updated) / ? >= 62 THEN 62"                  \
	" ELSE (? - bounce_updated) / ? END AS INTEGER)) + 1,"
	st = policy
	    ? sq_stmt(s, err,
		  "UPDATE members SET policy_score = policy_score /" HALVINGS
		  " bounce_updated = ? WHERE id = ? RETURNING policy_score",
		  "iiiiiiii", now, half_life, now, half_life, now, half_life,
		  now, member_id)
	    : sq_stmt(s, err,
		  "UPDATE members SET bounce_score = bounce_score /" HALVINGS
		  " bounce_updated = ? WHERE id = ? RETURNING bounce_score",
		  "iiiiiiii", now, half_life, now, half_life, now, half_life,
		  now, member_id);
#undef HALVINGS
	if (!sq_row(s, st, &row, err))
		return false;
	*score_out = 0;
	if (row) {
		*score_out = sq_col_double(st, 0);
		sq_reset(st);
	}
	return true;
}

/* store_member_bounce_reset - forget a member's failures */
bool
store_member_bounce_reset(struct store *s, gint64 member_id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE members SET bounce_score = 0, policy_score = 0"
		" WHERE id = ?",
		"i", member_id),
	    err);
}

/* store_bounce_add - keep one bounce for the owners' reports */
bool
store_bounce_add(struct store *s, gint64 list_id, gint64 member_id,
    const char *address, const char *kind, const char *status,
    const char *diagnostic, gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO bounces (list_id, member_id, address, received,"
		" kind, status, diagnostic) VALUES (?, ?, ?, ?, ?, ?, ?)",
		"iitittt", list_id, member_id, address, now, kind, status,
		diagnostic),
	    err);
}

/* bounce_state_from_row - a struct store_bounce_state from a row */
static gpointer
bounce_state_from_row(struct db_stmt *st)
{
	struct store_bounce_state *b = g_new0(struct store_bounce_state, 1);

	b->score = sq_col_double(st, 0);
	b->policy_score = sq_col_double(st, 1);
	b->updated = sq_col_int(st, 2);
	b->last = sq_col_int(st, 3);
	b->kind = sq_text(st, 4);
	b->status = sq_text(st, 5);
	b->diagnostic = sq_text(st, 6);
	return b;
}

/* store_member_bounce_state - a member's scores and last bounce, for the
 * owner's view; *st_out NULL when there is no such member */
bool
store_member_bounce_state(struct store *s, gint64 member_id,
    struct store_bounce_state **st_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err,
		"SELECT m.bounce_score, m.policy_score, m.bounce_updated,"
		" b.received, b.kind, b.status, b.diagnostic FROM members m"
		" LEFT JOIN bounces b ON b.id = (SELECT max(id) FROM bounces"
		" WHERE member_id = m.id) WHERE m.id = ?",
		"i", member_id),
	    bounce_state_from_row, (gpointer *)st_out, err);
}

/* store_bounce_state_free - release what store_member_bounce_state made */
void
store_bounce_state_free(struct store_bounce_state *b)
{
	if (b == NULL)
		return;
	g_free(b->kind);
	g_free(b->status);
	g_free(b->diagnostic);
	g_free(b);
}

/* store_bounce_count - bounces of a kind recorded for a list */
gint64
store_bounce_count(
    struct store *s, gint64 list_id, const char *kind, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM bounces WHERE list_id = ? AND kind = ?",
		"it", list_id, kind),
	    0, err);
}

void
store_member_free(struct store_member *m)
{
	if (m == NULL)
		return;
	g_free(m->address);
	g_free(m->display_name);
	g_free(m);
}

/* -------------------------------------------------------------- pending */

static const char *const pending_names[] = {
    "subscribe", "unsubscribe", "probe", "command"};

const char *
store_pending_kind_name(enum store_pending_kind k)
{
	return pending_names[k];
}

/* store_pending_add - record a confirmation that a token will refer to */
bool
store_pending_add(struct store *s, gint64 list_id, enum store_pending_kind kind,
    const char *address, const char *display_name, gint64 now, gint64 expires,
    gint64 *id_out, GError **err)
{
	g_autofree char *name = moim_text_line(display_name);

	*id_out = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO pending (list_id, kind, address, display_name,"
		" created, expires) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		"iittii", list_id, (gint64)kind, address, name, now, expires),
	    0, err);
	return *id_out >= 0;
}

/* store_pending_add_command - record a command waiting for its sender's
 * confirmation */
bool
store_pending_add_command(struct store *s, gint64 list_id, const char *address,
    const char *command, gint64 now, gint64 expires, gint64 *id_out,
    GError **err)
{
	*id_out = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO pending (list_id, kind, address, created,"
		" expires, command) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		"iitiit", list_id, (gint64)STORE_PENDING_COMMAND, address, now,
		expires, command),
	    0, err);
	return *id_out >= 0;
}

/* store_pending_get - the pending row id, or *p_out = NULL */
bool
store_pending_get(
    struct store *s, gint64 id, struct store_pending **p_out, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, kind, address, display_name, created, expires,"
	    " used, command FROM pending WHERE id = ?",
	    "i", id);
	struct store_pending *p;
	bool row;

	*p_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	p = g_new0(struct store_pending, 1);
	p->id = sq_col_int(st, 0);
	p->list_id = sq_col_int(st, 1);
	p->kind = (enum store_pending_kind)CLAMP(
	    (int)sq_col_int(st, 2), 0, STORE_PENDING_COMMAND);
	p->address = sq_text(st, 3);
	p->display_name = sq_text(st, 4);
	p->created = sq_col_int(st, 5);
	p->expires = sq_col_int(st, 6);
	p->used = (int)sq_col_int(st, 7) != 0;
	p->command = sq_text(st, 8);
	sq_reset(st);
	*p_out = p;
	return true;
}

/* store_pending_consume - mark used once; a second use changes nothing */
bool
store_pending_consume(
    struct store *s, gint64 id, bool *consumed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE pending SET used = 1 WHERE id = ? AND used = 0",
		    "i", id),
		err))
		return false;
	*consumed_out = sq_changes(s) > 0;
	return true;
}

/* store_pending_expire - forget confirmations past their expiry */
bool
store_pending_expire(struct store *s, gint64 now, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "DELETE FROM pending WHERE expires < ?", "i", now),
	    err);
}

void
store_pending_free(struct store_pending *p)
{
	if (p == NULL)
		return;
	g_free(p->address);
	g_free(p->command);
	g_free(p->display_name);
	g_free(p);
}

/* -------------------------------------------------------------- inbound */

/* store_inbound_add - keep a message and one job per recipient, atomically */
bool
store_inbound_add(struct store *s, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *raw, size_t len,
    gint64 now, gint64 *msg_id_out, GError **err)
{
	bool ok;
	size_t i;
	gint64 msg_id;

	if (!sq_begin(s, err))
		return false;
	msg_id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO inbound_msgs (received, mail_from, raw)"
		" VALUES (?, ?, ?) RETURNING id",
		"itb", now, mail_from, raw, len),
	    0, err);
	ok = msg_id > 0;
	for (i = 0; ok && i < nrcpt; i++)
		ok = sq_done(s,
		    sq_stmt(s, err,
			"INSERT INTO inbound (msg_id, rcpt) VALUES (?, ?)",
			"it", msg_id, rcpts[i]),
		    err);
	if (ok && msg_id_out != NULL)
		*msg_id_out = msg_id;
	return sq_end(s, ok, err);
}

/* inbound_from_row - a job: id, msg_id, mail_from, rcpt, tries,
 * received */
static gpointer
inbound_from_row(struct db_stmt *st)
{
	struct store_inbound *j = g_new0(struct store_inbound, 1);

	j->id = sq_col_int(st, 0);
	j->msg_id = sq_col_int(st, 1);
	j->mail_from = sq_text(st, 2);
	j->rcpt = sq_text(st, 3);
	j->tries = (int)sq_col_int(st, 4);
	j->received = sq_col_int(st, 5);
	return j;
}

/* store_inbound_due - jobs waiting to be processed, oldest first */
GPtrArray *
store_inbound_due(struct store *s, gint64 now, int limit, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT i.id, i.msg_id, m.mail_from, i.rcpt, i.tries, m.received"
		" FROM inbound i JOIN inbound_msgs m ON m.id = i.msg_id"
		" WHERE i.state = 0 AND i.next_try <= ? ORDER BY i.id LIMIT ?",
		"ii", now, (gint64)limit),
	    inbound_from_row, (GDestroyNotify)store_inbound_free, err);
}

/* store_inbound_claim - claim due jobs for owner, then those it holds */
GPtrArray *
store_inbound_claim(struct store *s, gint64 owner, gint64 now, int claim,
    int limit, GError **err)
{
	GPtrArray *a;

	if (claim > 0 && !s->ops->inbound_claim(s->db, owner, now, claim, err))
		return NULL;
	a = sq_collect(s,
	    sq_stmt(s, err,
		"SELECT i.id, i.msg_id, m.mail_from, i.rcpt, i.tries, m.received"
		" FROM inbound i JOIN inbound_msgs m ON m.id = i.msg_id"
		" WHERE i.state = 0 AND i.owner = ? AND i.next_try <= ?"
		" ORDER BY i.id LIMIT ?",
		"iii", owner, now, (gint64)limit),
	    inbound_from_row, (GDestroyNotify)store_inbound_free, err);
	for (guint i = 0; a != NULL && i < a->len; i++)
		((struct store_inbound *)a->pdata[i])->owner = owner;
	return a;
}

/* store_inbound_owned - whether owner still holds the undone job */
bool
store_inbound_owned(
    struct store *s, gint64 job_id, gint64 owner, bool *owned_out, GError **err)
{
	return sq_exists(s,
	    sq_stmt(s, err,
		"SELECT count(*) FROM inbound"
		" WHERE id = ? AND state = 0 AND owner = ?",
		"ii", job_id, owner),
	    owned_out, err);
}

/* store_inbound_raw - the bytes of a stored message */
bool
store_inbound_raw(
    struct store *s, gint64 msg_id, GBytes **raw_out, GError **err)
{
	struct db_stmt *st = sq_stmt(
	    s, err, "SELECT raw FROM inbound_msgs WHERE id = ?", "i", msg_id);
	bool row;

	*raw_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	*raw_out = sq_blob(st, 0);
	sq_reset(st);
	return true;
}

/*
 * store_inbound_done - a job is processed; the message goes when its last
 * job does (the archive keeps its own copy).
 */
bool
store_inbound_done(
    struct store *s, gint64 job_id, const char *result, GError **err)
{
	bool ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
		 sq_stmt(s, err,
		     "UPDATE inbound SET state = 1, result = ? WHERE id = ?",
		     "ti", result, job_id),
		 err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "DELETE FROM inbound_msgs WHERE id ="
		    " (SELECT msg_id FROM inbound WHERE id = ?) AND NOT EXISTS"
		    " (SELECT 1 FROM inbound WHERE msg_id = inbound_msgs.id"
		    "  AND state = 0)",
		    "i", job_id),
		err);
	return sq_end(s, ok, err);
}

/* store_inbound_retry - try a job again later (a temporary failure) */
bool
store_inbound_retry(struct store *s, gint64 job_id, gint64 next_try,
    const char *error, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE inbound SET tries = tries + 1, next_try = ?, result = ?,"
		" owner = NULL WHERE id = ?",
		"iti", next_try, error, job_id),
	    err);
}

/* store_inbound_pending_count - jobs not yet processed */
gint64
store_inbound_pending_count(struct store *s, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM inbound WHERE state = 0", ""),
	    0, err);
}

/* store_timer_next - when the processor's next stored job comes due */
gint64
store_timer_next(struct store *s, gint64 now, GError **err)
{
	/* Due inbound jobs are the processor's queue, not a timer. */
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT COALESCE(MIN(t), ?) FROM ("
		" SELECT MIN(next_try) AS t FROM inbound"
		"  WHERE state = 0 AND next_try > ?"
		" UNION ALL SELECT MIN(expires) + 1 FROM pending"
		" UNION ALL SELECT MIN(CASE WHEN state = 'held' THEN expires + 1"
		"  ELSE ? END) FROM held"
		"  WHERE state IN ('held', 'approved', 'rejected')) AS due",
		"iii", G_MAXINT64, now, now),
	    -1, err);
}

void
store_inbound_free(struct store_inbound *j)
{
	if (j == NULL)
		return;
	g_free(j->mail_from);
	g_free(j->rcpt);
	g_free(j);
}

/* ------------------------------------------------------------- outbound */

/* outbound_add - a copy to send and one delivery per recipient, each
 * with its part when parts is set; the deliveries go to the driver in
 * one call (PostgreSQL: thousands per statement) */
static bool
outbound_add(struct store *s, gint64 list_id, enum store_out_kind kind,
    const char *envelope_from, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, GBytes *const *parts,
    size_t nrcpt, gint64 now, gint64 *id_out, GError **err)
{
	struct db_delivery *rows;
	gint64 id;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO outbound (list_id, kind, envelope_from, message_id,"
		" raw, created) VALUES (nullif(?, 0), ?, ?, ?, ?, ?)"
		" RETURNING id",
		"iittbi", list_id, (gint64)kind, envelope_from, message_id, raw,
		len, now),
	    0, err);
	ok = id > 0;
	rows = g_new(struct db_delivery, nrcpt);
	for (size_t i = 0; ok && i < nrcpt; i++) {
		rows[i] = (struct db_delivery){
		    .rcpt = rcpts[i].address, .member_id = rcpts[i].member_id};
		if (parts != NULL)
			rows[i].part =
			    g_bytes_get_data(parts[i], &rows[i].part_len);
	}
	ok = ok &&
	    s->ops->deliveries_add(s->db, id, rows, nrcpt, parts != NULL, err);
	g_free(rows);
	if (ok && id_out != NULL)
		*id_out = id;
	return sq_end(s, ok, err);
}

/* store_outbound_add - a copy to send and one delivery per recipient */
bool
store_outbound_add(struct store *s, gint64 list_id, enum store_out_kind kind,
    const char *envelope_from, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, size_t nrcpt, gint64 now,
    gint64 *id_out, GError **err)
{
	return outbound_add(s, list_id, kind, envelope_from, message_id, raw,
	    len, rcpts, NULL, nrcpt, now, id_out, err);
}

/* store_outbound_add_parts - the same, each delivery with its own part */
bool
store_outbound_add_parts(struct store *s, gint64 list_id,
    enum store_out_kind kind, const char *message_id, const char *raw,
    size_t len, const struct store_rcpt *rcpts, GBytes *const *parts,
    size_t nrcpt, gint64 now, GError **err)
{
	return outbound_add(s, list_id, kind, NULL, message_id, raw, len, rcpts,
	    parts, nrcpt, now, NULL, err);
}

/* store_outbound_get - a copy with its bytes, or *o_out = NULL */
bool
store_outbound_get(
    struct store *s, gint64 id, struct store_outbound **o_out, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, coalesce(list_id, 0), kind, envelope_from, message_id, raw"
	    " FROM outbound WHERE id = ?",
	    "i", id);
	struct store_outbound *o;
	bool row;

	*o_out = NULL;
	if (!sq_row(s, st, &row, err))
		return false;
	if (!row)
		return true;
	o = g_new0(struct store_outbound, 1);
	o->id = sq_col_int(st, 0);
	o->list_id = sq_col_int(st, 1);
	o->kind = (enum store_out_kind)CLAMP(
	    (int)sq_col_int(st, 2), 0, STORE_OUT_INVITE);
	o->envelope_from = sq_text(st, 3);
	o->message_id = sq_text(st, 4);
	o->raw = sq_blob(st, 5);
	sq_reset(st);
	*o_out = o;
	return true;
}

void
store_outbound_free(struct store_outbound *o)
{
	if (o == NULL)
		return;
	g_free(o->envelope_from);
	g_free(o->message_id);
	if (o->raw != NULL)
		g_bytes_unref(o->raw);
	g_free(o);
}

/* store_delivery_claim - mark up to limit due deliveries SENDING and return
 * them, grouped by copy */
GPtrArray *
store_delivery_claim(
    struct store *s, gint64 owner, gint64 now, int limit, GError **err)
{
	struct db_stmt *st =
	    s->ops->delivery_claim(s->db, owner, now, limit, err);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_delivery_free);
	for (;;) {
		struct store_delivery *d;

		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			break;
		d = g_new0(struct store_delivery, 1);
		d->id = sq_col_int(st, 0);
		d->outbound_id = sq_col_int(st, 1);
		d->rcpt = sq_text(st, 2);
		d->member_id = sq_col_int(st, 3);
		d->tries = (int)sq_col_int(st, 4);
		if (!sq_col_null(st, 5))
			d->part = sq_blob(st, 5);
		g_ptr_array_add(a, d);
	}
	return a;
}

/* store_delivery_done - record the final state of n deliveries at once */
bool
store_delivery_done(struct store *s, const gint64 *ids, size_t n,
    enum store_dstate state, int code, const char *text, GError **err)
{
	size_t i;
	bool ok;

	if (!sq_begin(s, err))
		return false;
	for (i = 0, ok = true; ok && i < n; i++)
		ok = sq_done(s,
		    sq_stmt(s, err,
			"UPDATE deliveries SET state = ?, code = ?, text = ?,"
			" tries = tries + 1 WHERE id = ?",
			"iiti", (gint64)state, (gint64)code, text, ids[i]),
		    err);
	return sq_end(s, ok, err);
}

/* store_delivery_defer - a temporary failure: due again at next_try; only
 * a delivery still being sent under owner's claim goes back (one already
 * recorded stays, and so does one another worker took over) */
bool
store_delivery_defer(struct store *s, gint64 id, gint64 owner, gint64 next_try,
    int code, const char *text, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"UPDATE deliveries SET state = 0, owner = NULL, next_try = ?,"
		" code = ?, text = ?, tries = tries + 1"
		" WHERE id = ? AND state = 1 AND coalesce(owner, 0) = ?",
		"iitii", next_try, (gint64)code, text, id, owner),
	    err);
}

/* store_delivery_bounced - a bounce for rcpt's delivery of batched copy
 * outbound_id, made at or after since: the sent delivery is marked failed
 * with text, and *member_id_out names its member; 0 when there is no such
 * delivery, or it was already marked (a bounce counts once per copy) */
bool
store_delivery_bounced(struct store *s, gint64 outbound_id, const char *rcpt,
    gint64 since, const char *text, gint64 *member_id_out, GError **err)
{
	*member_id_out = sq_int(s,
	    sq_stmt(s, err,
		"UPDATE deliveries SET state = 3, text = ?"
		" WHERE outbound_id = ? AND lower(rcpt) = lower(?)"
		" AND state = 2 AND outbound_id IN (SELECT id FROM outbound"
		" WHERE id = ? AND kind = ? AND created >= ?)"
		" RETURNING member_id",
		"titiii", text, outbound_id, rcpt, outbound_id,
		(gint64)STORE_OUT_BATCH, since),
	    0, err);
	return *member_id_out >= 0;
}

/* store_delivery_count - deliveries in a state, -1 on error */
gint64
store_delivery_count(struct store *s, enum store_dstate state, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err, "SELECT count(*) FROM deliveries WHERE state = ?",
		"i", (gint64)state),
	    0, err);
}

/* store_delivery_next_due - the earliest next_try of a pending delivery,
 * 0 when none is pending */
gint64
store_delivery_next_due(struct store *s, GError **err)
{
	return sq_int(s,
	    sq_stmt(s, err,
		"SELECT coalesce(min(next_try), 0) FROM deliveries WHERE state = 0",
		""),
	    0, err);
}

void
store_delivery_free(struct store_delivery *d)
{
	if (d == NULL)
		return;
	g_free(d->rcpt);
	if (d->part != NULL)
		g_bytes_unref(d->part);
	g_free(d);
}

/* ----------------------------------------------------------- moderation */

/* store_held_add - keep a post for the moderators */
bool
store_held_add(struct store *s, gint64 list_id, const char *sender,
    const char *subject, const char *reason, const char *raw, size_t len,
    gint64 now, gint64 expires, gint64 *id_out, GError **err)
{
	gint64 id = sq_int(s,
	    sq_stmt(s, err,
		"INSERT INTO held (list_id, sender, subject, reason, raw,"
		" created, expires) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"itttbii", list_id, sender, subject, reason, raw, len, now,
		expires),
	    0, err);

	if (id_out != NULL && id >= 0)
		*id_out = id;
	return id >= 0;
}

static struct store_held *
held_from_row(struct db_stmt *st, bool with_raw)
{
	struct store_held *h = g_new0(struct store_held, 1);

	h->id = sq_col_int(st, 0);
	h->list_id = sq_col_int(st, 1);
	h->sender = sq_text(st, 2);
	h->subject = sq_text(st, 3);
	h->reason = sq_text(st, 4);
	h->created = sq_col_int(st, 5);
	h->expires = sq_col_int(st, 6);
	if (with_raw) {
		h->raw = sq_blob(st, 7);
		h->state = sq_text(st, 8);
		h->decided_by = sq_text(st, 9);
		h->decision_reason = sq_text(st, 10);
	}
	return h;
}

/* held_full_from_row - a held post with its bytes and decision (sq_one) */
static gpointer
held_full_from_row(struct db_stmt *st)
{
	return held_from_row(st, true);
}

/* store_held_list - posts still waiting for a decision */
GPtrArray *
store_held_list(struct store *s, gint64 list_id, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires"
	    " FROM held WHERE list_id = ? AND state = 'held' ORDER BY id",
	    "i", list_id);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_held_free);
	for (;;) {
		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		g_ptr_array_add(a, held_from_row(st, false));
	}
}

/* store_held_get - a held post that still waits, with its bytes */
bool
store_held_get(
    struct store *s, gint64 id, struct store_held **h_out, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires, raw,"
	    " state, decided_by, decision_reason"
	    " FROM held WHERE id = ? AND state = 'held'",
	    "i", id);
	gpointer h;
	bool ok = sq_one(s, st, held_full_from_row, &h, err);

	*h_out = h;
	return ok;
}

/* store_held_decide - approve, reject or expire once; later calls change
 * nothing and say so through *changed_out */
bool
store_held_decide(struct store *s, gint64 id, const char *state, const char *by,
    const char *reason, bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE held SET state = ?, decided_by = ?,"
		    " decision_reason = ? WHERE id = ? AND state = 'held'",
		    "ttti", state, by, reason, id),
		err))
		return false;
	*changed_out = sq_changes(s) > 0;
	return true;
}

/* store_held_due - decided posts to act on, and expired ones */
GPtrArray *
store_held_due(struct store *s, gint64 now, int limit, GError **err)
{
	struct db_stmt *st = sq_stmt(s, err,
	    "SELECT id, list_id, sender, subject, reason, created, expires, raw,"
	    " state, decided_by, decision_reason FROM held"
	    " WHERE state IN ('approved', 'rejected')"
	    " OR (state = 'held' AND expires < ?) ORDER BY id LIMIT ?",
	    "ii", now, (gint64)limit);
	GPtrArray *a;
	bool row;

	if (st == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_held_free);
	for (;;) {
		if (!sq_row(s, st, &row, err)) {
			g_ptr_array_unref(a);
			return NULL;
		}
		if (!row)
			return a;
		g_ptr_array_add(a, held_from_row(st, true));
	}
}

/* store_held_finish - move a post from one state to the next, once */
bool
store_held_finish(struct store *s, gint64 id, const char *from, const char *to,
    bool *changed_out, GError **err)
{
	if (!sq_done(s,
		sq_stmt(s, err,
		    "UPDATE held SET state = ? WHERE id = ? AND state = ?",
		    "tit", to, id, from),
		err))
		return false;
	*changed_out = sq_changes(s) > 0;
	return true;
}

void
store_held_free(struct store_held *h)
{
	if (h == NULL)
		return;
	g_free(h->state);
	g_free(h->decided_by);
	g_free(h->decision_reason);
	g_free(h->sender);
	g_free(h->subject);
	g_free(h->reason);
	if (h->raw != NULL)
		g_bytes_unref(h->raw);
	g_free(h);
}
