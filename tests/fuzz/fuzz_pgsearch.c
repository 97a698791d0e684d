/*
 * fuzz_pgsearch - libFuzzer target for lib/db_pg_search: the input as
 * an FTS5 MATCH string, and as a search a person typed, turned into a
 * MATCH string by archive_fts_query(), for the PostgreSQL driver's SQL
 * over message_terms. Any MATCH string that archive_fts_query() writes
 * must build (the PostgreSQL store answers every search SQLite does),
 * with every parameter bound and no input text in the SQL: the SQL holds
 * no quote and no byte that only the input could have brought.
 *
 * Build: see tests/fuzz/run.sh; seeded with the written searches in
 * run.sh. The input is copied to a heap buffer of exactly its size plus
 * a NUL, so that a read past the end is an AddressSanitizer error.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "archive.h"
#include "db_pg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_sql - the SQL q holds nothing from the input */
static void
check_sql(const struct db_pg_search *q)
{
	for (const char *p = q->set->str; *p != '\0'; p++)
		if (*p == '\'' || *p == '"' || *p == ';' ||
		    (unsigned char)*p >= 0x80)
			__builtin_trap();
}

/* build - match through db_pg_search_build(); whether it built */
static bool
build(const char *match)
{
	struct db_pg_search q = {0};
	bool ok = db_pg_search_build(match, &q, NULL);

	if (ok)
		check_sql(&q);
	db_pg_search_clear(&q);
	return ok;
}

/* LLVMFuzzerTestOneInput - the input as MATCH string and as a search */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	char *match;

	(void)build(text);
	match = archive_fts_query(text, NULL);
	if (match != NULL && !build(match))
		__builtin_trap();
	g_free(match);
	g_free(text);
	return 0;
}
