/*
 * db_pg_sql - what the PostgreSQL driver decides without a server: SQL
 * rewriting and error classes (see db_pg.h)
 */
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"

/* db_pg_constraint_kind - SQLite's word for a class 23 SQLSTATE */
const char *
db_pg_constraint_kind(const char *state)
{
	static const struct {
		const char *state, *kind;
	} kinds[] = {
	    {"23505", "UNIQUE"},
	    {"23503", "FOREIGN KEY"},
	    {"23502", "NOT NULL"},
	    {"23514", "CHECK"},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(state, kinds[i].state) == 0)
			return kinds[i].kind;
	return "CONSTRAINT";
}

/* db_pg_error_class - the MOIM_ERR_* class of a SQLSTATE (NULL: none,
 * as for a lost connection) */
enum moim_err
db_pg_error_class(const char *state, bool is_conn_bad)
{
	static const char *const temp[] = {
	    "40001", "40P01", "57P01", "57P02", "57P03", "55P03"};
	size_t i;

	if (state == NULL || strlen(state) != 5)
		return is_conn_bad ? MOIM_ERR_TEMP : MOIM_ERR_INTERNAL;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0)
		return MOIM_ERR_TEMP;
	for (i = 0; i < G_N_ELEMENTS(temp); i++)
		if (strcmp(state, temp[i]) == 0)
			return MOIM_ERR_TEMP;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return MOIM_ERR_INPUT;
	if (is_conn_bad)
		return MOIM_ERR_TEMP;
	return MOIM_ERR_INTERNAL;
}

/* db_pg_rewrite - sql with each '?' outside quotes and comments as $n;
 * *n_out the number of them */
char *
db_pg_rewrite(const char *sql, int *n_out)
{
	GString *out = g_string_sized_new(strlen(sql) + 16);
	const char *p = sql;
	int n = 0;

	while (*p != '\0') {
		const char *end = NULL;

		if (*p == '\'' || *p == '"') {
			/* A doubled quote inside is part of the string. */
			const char *q = p + 1;

			while (*q != '\0' && !(*q == *p && q[1] != *p))
				q += *q == *p ? 2 : 1;
			end = *q ? q + 1 : q;
		} else if (p[0] == '-' && p[1] == '-') {
			end = p + strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *q = strstr(p + 2, "*/");

			end = q ? q + 2 : p + strlen(p);
		} else if (*p == '?') {
			g_string_append_printf(out, "$%d", ++n);
			p++;
			continue;
		} else if (*p == '$' && g_ascii_isdigit(p[1])) {
			/* Numbered already (SQL only this driver runs). */
			char *e;
			long k = strtol(p + 1, &e, 10);

			n = (int)MAX(n, MIN(k, G_MAXINT));
			end = e;
		}
		if (end == NULL)
			end = p + 1;
		g_string_append_len(out, p, end - p);
		p = end;
	}
	*n_out = n;
	return g_string_free(out, FALSE);
}
