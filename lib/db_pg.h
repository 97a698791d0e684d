/*
 * db_pg - the PostgreSQL driver's parts that its tests and the store's
 * engine choice see
 *
 * SYNOPSIS
 *	extern const struct db_ops *const db_pg_driver;
 *	char *db_pg_rewrite(const char *sql, int *n_out);
 *	enum moim_err db_pg_error_class(const char *state, bool is_conn_bad);
 *	const char *db_pg_constraint_kind(const char *state);
 *	int db_pg_schema_step(int from, const char **sql_out);
 *	int db_pg_schema_last(void);
 *	bool db_pg_search_build(const char *match, struct db_pg_search *q,
 *	    GError **err);
 *	void db_pg_search_clear(struct db_pg_search *q);
 * DESCRIPTION
 *	db_pg_driver is the PostgreSQL table of lib/db.h (lib/db_pg.c), or
 *	NULL when moim was built without libpq (lib/db_pg_none.c).
 *
 *	db_pg_rewrite() turns the store's '?' placeholders into PostgreSQL's
 *	$1, $2, ..., leaving alone a '?' inside a 'string', a "quoted
 *	identifier", a -- comment or a C-style comment; *n_out is the number
 *	of placeholders.
 *
 *	db_pg_error_class() is the MOIM_ERR_* class of a SQLSTATE (NULL or
 *	malformed: none was given); is_conn_bad tells whether the
 *	connection is broken, which makes an error without a class of its
 *	own temporary. db_pg_constraint_kind() is SQLite's word (UNIQUE,
 *	FOREIGN KEY, NOT NULL, CHECK) for a class 23 SQLSTATE.
 *
 *	db_pg_schema_step() gives the SQL that takes a PostgreSQL database
 *	from schema version from to the version it returns (0 -> 11 is one
 *	step; each later step is one version, numbered as SQLite's), or -1
 *	when from is the last; db_pg_schema_last() is the last version.
 *
 *	db_pg_search_build() turns an archive search's FTS5 MATCH string
 *	(lib/db.h archive_search) into SQL over message_terms: q->set selects
 *	one row per matching message of list $1, columns "message" (the id)
 *	and "score" (higher is better), and q->params holds the text
 *	parameters from $1 (params[0], the list, is NULL for the caller to
 *	set). See lib/db_pg_search.c.
 *	db_pg_search_clear() releases q, also after a failed build.
 * OWNERSHIP
 *	db_pg_rewrite()'s result belongs to the caller (g_free); the other
 *	strings are static.
 * INPUT AND LIMITS
 *	db_pg_search_build()'s match is untrusted: longer than
 *	DB_PG_SEARCH_MAX bytes, nested deeper than DB_PG_SEARCH_DEPTH, or
 *	not FTS5 syntax is MOIM_ERR_INPUT.
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_DB_PG_H
#define MOIM_DB_PG_H

#include <stdbool.h>

#include "db.h"
#include "err.h"

extern const struct db_ops *const db_pg_driver;

char *db_pg_rewrite(const char *sql, int *n_out);
enum moim_err db_pg_error_class(const char *state, bool is_conn_bad);
const char *db_pg_constraint_kind(const char *state);
int db_pg_schema_step(int from, const char **sql_out);
int db_pg_schema_last(void);

/* An archive query's MATCH string is at most a few times the query
 * (MOIM_MAX_ARCHIVE_QUERY); its parentheses nest two deep. */
#define DB_PG_SEARCH_MAX 16384
#define DB_PG_SEARCH_DEPTH 32

struct db_pg_search {
	GString *set;
	GPtrArray *params; /* char *, NULL for SQL NULL */
};

bool db_pg_search_build(
    const char *match, struct db_pg_search *q, GError **err);
void db_pg_search_clear(struct db_pg_search *q);

#endif
