/*
 * store_int - what the store's source files share, and nothing else sees
 *
 * SYNOPSIS
 *	struct db_stmt *sq_stmt(struct store *s, GError **err,
 *	    const char *sql, const char *fmt, ...);
 *	bool sq_done(struct store *s, struct db_stmt *st, GError **err);
 *	bool sq_row(struct store *s, struct db_stmt *st, bool *has_row_out,
 *	    GError **err);
 *	gint64 sq_int(struct store *s, struct db_stmt *st, gint64 dflt,
 *	    GError **err);
 *	bool sq_exists(struct store *s, struct db_stmt *st, bool *yes_out,
 *	    GError **err);
 *	bool sq_one(struct store *s, struct db_stmt *st, sq_row_fn row,
 *	    gpointer *out, GError **err);
 *	GPtrArray *sq_collect(struct store *s, struct db_stmt *st,
 *	    sq_row_fn row, GDestroyNotify free_fn, GError **err);
 *	gint64 sq_col_int(struct db_stmt *st, int i);
 *	double sq_col_double(struct db_stmt *st, int i);
 *	const char *sq_col_str(struct db_stmt *st, int i);
 *	bool sq_col_null(struct db_stmt *st, int i);
 *	char *sq_text(struct db_stmt *st, int i);
 *	GBytes *sq_blob(struct db_stmt *st, int i);
 *	void sq_reset(struct db_stmt *st);
 *	gint64 sq_changes(struct store *s);
 *	bool sq_begin(struct store *s, GError **err);
 *	bool sq_end(struct store *s, bool ok, GError **err);
 * DESCRIPTION
 *	The store is split by subject (store.c: connection, lists, members,
 *	queues; store_archive.c and others: their tables), all behind
 *	lib/store.h. These helpers are the only way its files reach the
 *	database engine, through the driver's table (lib/db.h): sq_stmt()
 *	returns the driver's cached statement for a string literal (its
 *	address is the key), reset, with parameters bound from fmt ('i'
 *	gint64, 't' text or NULL, 'b' blob as pointer and size_t, 'd'
 *	double). sq_done() steps a statement that returns no rows (or whose
 *	rows are not needed); sq_row() steps once; sq_int() reads one
 *	integer (dflt without a row, -1 on error); sq_exists() tells whether
 *	a "SELECT EXISTS (...)" or count query gives a number above 0;
 *	sq_one() makes the first row with row() (*out NULL without a row);
 *	sq_collect() makes every row.
 *	sq_col_*() read column i of the current row (sq_col_str() borrowed
 *	until the next step; sq_text() and sq_blob() copies); sq_reset()
 *	abandons a statement's remaining rows; sq_changes() is the number of
 *	rows the last write touched.
 *	sq_begin()/sq_end() wrap several writes in a savepoint, so they nest
 *	inside a caller's transaction.
 * ERRORS
 *	The driver sets *err (lib/db.h says which class for what).
 */
#ifndef MOIM_STORE_INT_H
#define MOIM_STORE_INT_H

#include <glib.h>
#include <stdbool.h>

#include "db.h"

struct store {
	const struct db_ops *ops;
	struct db *db;
};

typedef gpointer (*sq_row_fn)(struct db_stmt *st);

struct db_stmt *sq_stmt(
    struct store *s, GError **err, const char *sql, const char *fmt, ...);
bool sq_done(struct store *s, struct db_stmt *st, GError **err);
bool sq_row(
    struct store *s, struct db_stmt *st, bool *has_row_out, GError **err);
gint64 sq_int(struct store *s, struct db_stmt *st, gint64 dflt, GError **err);
bool sq_exists(
    struct store *s, struct db_stmt *st, bool *yes_out, GError **err);
bool sq_one(struct store *s, struct db_stmt *st, sq_row_fn row, gpointer *out,
    GError **err);
GPtrArray *sq_collect(struct store *s, struct db_stmt *st, sq_row_fn row,
    GDestroyNotify free_fn, GError **err);
char *sq_text(struct db_stmt *st, int i);
GBytes *sq_blob(struct db_stmt *st, int i);
bool sq_begin(struct store *s, GError **err);
bool sq_end(struct store *s, bool ok, GError **err);

static inline gint64
sq_col_int(struct db_stmt *st, int i)
{
	return st->ops->col_int64(st, i);
}

static inline double
sq_col_double(struct db_stmt *st, int i)
{
	return st->ops->col_double(st, i);
}

static inline const char *
sq_col_str(struct db_stmt *st, int i)
{
	return st->ops->col_text(st, i);
}

static inline bool
sq_col_null(struct db_stmt *st, int i)
{
	return st->ops->col_is_null(st, i);
}

static inline void
sq_reset(struct db_stmt *st)
{
	if (st != NULL)
		st->ops->reset(st);
}

static inline gint64
sq_changes(struct store *s)
{
	return s->ops->changes(s->db);
}

#endif
