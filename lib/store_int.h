/*
 * store_int - what the store's source files share, and nothing else sees
 *
 * SYNOPSIS
 *	sqlite3_stmt *sq_stmt(struct store *s, GError **err, const char *sql,
 *	    const char *fmt, ...);
 *	bool sq_done(struct store *s, sqlite3_stmt *st, GError **err);
 *	bool sq_row(struct store *s, sqlite3_stmt *st, bool *has_row_out,
 *	    GError **err);
 *	gint64 sq_int(struct store *s, sqlite3_stmt *st, gint64 dflt,
 *	    GError **err);
 *	bool sq_exists(struct store *s, sqlite3_stmt *st, bool *yes_out,
 *	    GError **err);
 *	bool sq_one(struct store *s, sqlite3_stmt *st,
 *	    gpointer (*row)(sqlite3_stmt *), gpointer *out, GError **err);
 *	char *sq_text(sqlite3_stmt *st, int i);
 *	GBytes *sq_blob(sqlite3_stmt *st, int i);
 *	bool sq_begin(struct store *s, GError **err);
 *	bool sq_end(struct store *s, bool ok, GError **err);
 *	bool sq_err(struct store *s, GError **err, const char *what);

typedef gpointer (*sq_row_fn)(sqlite3_stmt *st);
GPtrArray *sq_collect(struct store *s, sqlite3_stmt *st, sq_row_fn row,
    GDestroyNotify free_fn, GError **err);
 *	GPtrArray *sq_collect(struct store *s, sqlite3_stmt *st, sq_row_fn row,
 *	    GDestroyNotify free_fn, GError **err);
bool sq_archive_tokenizer(struct store *s, GError **err);
 *	bool sq_archive_tokenizer(struct store *s, GError **err);
 * DESCRIPTION
 *	The store is split by subject (store.c: connection, migrations,
 *	lists, members, queues; store_archive.c and others: their tables),
 *	all behind lib/store.h. These helpers are the only way its files
 *	reach SQLite: sq_stmt() returns the cached prepared statement for a
 *	string literal, reset, with parameters bound from fmt ('i' gint64,
 *	't' text or NULL, 'b' blob as pointer and size_t, 'd' double).
 *	sq_done() steps a statement that returns no rows; sq_row() steps
 *	once; sq_int() reads one integer (dflt without a row, -1 on error);
 *	sq_exists() tells whether a "SELECT EXISTS (...)" or count query
 *	gives a number above 0; sq_one() makes the first row with row() (*out
 *	NULL without a row).
 *	sq_begin()/sq_end() wrap several writes in a savepoint, so they nest
 *	inside a caller's transaction. sq_err() turns the connection's error
 *	into a MOIM_ERROR of the right class. sq_archive_tokenizer()
 *	registers the archive's FTS5 tokenizer "moim" (store_archive.c) on
 *	the connection; store_open() calls it before migrating.
 */
#ifndef MOIM_STORE_INT_H
#define MOIM_STORE_INT_H

#include <glib.h>
#include <sqlite3.h>
#include <stdbool.h>

struct store {
	sqlite3 *db;
	GHashTable *stmts; /* SQL text (static) -> sqlite3_stmt */
};

sqlite3_stmt *sq_stmt(
    struct store *s, GError **err, const char *sql, const char *fmt, ...);
bool sq_done(struct store *s, sqlite3_stmt *st, GError **err);
bool sq_row(struct store *s, sqlite3_stmt *st, bool *has_row_out, GError **err);
gint64 sq_int(struct store *s, sqlite3_stmt *st, gint64 dflt, GError **err);
bool sq_exists(struct store *s, sqlite3_stmt *st, bool *yes_out, GError **err);
bool sq_one(struct store *s, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *),
    gpointer *out, GError **err);
char *sq_text(sqlite3_stmt *st, int i);
GBytes *sq_blob(sqlite3_stmt *st, int i);
bool sq_begin(struct store *s, GError **err);
bool sq_end(struct store *s, bool ok, GError **err);
bool sq_err(struct store *s, GError **err, const char *what);

typedef gpointer (*sq_row_fn)(sqlite3_stmt *st);
GPtrArray *sq_collect(struct store *s, sqlite3_stmt *st, sq_row_fn row,
    GDestroyNotify free_fn, GError **err);
bool sq_archive_tokenizer(struct store *s, GError **err);

#endif
