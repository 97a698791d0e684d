/*
 * db_sqlite_rank - the SQLite driver's archive rank: FTS5's bm25 with the
 * archive's column weights, without work for phrases that only filter
 *
 * SYNOPSIS
 *	#include <sqlite3.h>
 *
 *	bool db_sqlite_rank_register(fts5_api *api);
 *
 *	SQL: moim_rank(messages_fts, first [, sz])
 * DESCRIPTION
 *	db_sqlite_rank_register() adds the FTS5 auxiliary function
 *	moim_rank to a connection. moim_rank(messages_fts, first) is
 *	bm25(messages_fts, 4.0, 2.0, 1.0, 1.0, 0.0) (subject, from_name,
 *	body_text, attachments, list_tag) computed over the phrases of the
 *	MATCH expression from index first on: the phrases before it must
 *	be the list-tag filter (list_tag : "lN"), whose column weighs 0, so
 *	bm25 adds exactly 0.0 for them, and leaving them out gives the same
 *	value while FTS5 neither counts the rows holding them (every
 *	message of the list) nor reads their positions. With one phrase
 *	left the inverse document frequency is taken as 1: every score is
 *	then bm25's divided by the same positive number, so the order is
 *	bm25's, without a pass over the phrase's rows to count them.
 *	Smaller is better, as with bm25. sz, when given, is the row's
 *	messages_fts_docsize.sz (joined by rowid in the same statement):
 *	the row's length then comes from it instead of from FTS5, which
 *	runs a statement of its own per row to read the same record (a
 *	NULL or malformed sz falls back to FTS5's).
 * ERRORS
 *	db_sqlite_rank_register() is false when FTS5 refuses the function;
 *	moim_rank() raises the FTS5 API's error as an SQL error.
 * SEE ALSO
 *	db_sqlite.c (sq_archive_search), SQLite's fts5_aux.c (bm25)
 */
#ifndef MOIM_DB_SQLITE_RANK_H
#define MOIM_DB_SQLITE_RANK_H

#include <sqlite3.h>
#include <stdbool.h>

bool db_sqlite_rank_register(fts5_api *api);

#endif
