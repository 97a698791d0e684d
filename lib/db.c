/*
 * db - which engine a database setting names
 *
 * DESCRIPTION
 *	db_spec_is_postgresql(), db_spec_shown() and db_engine() of lib/db.h;
 *each engine's operations are in its own driver file (lib/db_sqlite.c, ...).
 */
#include <string.h>

#include "db.h"
#include "db_pg.h"

/* db_spec_is_postgresql - whether spec is a libpq URI or keyword string */
bool
db_spec_is_postgresql(const char *spec)
{
	if (spec == NULL)
		return false;
	if (g_str_has_prefix(spec, "postgresql://") ||
	    g_str_has_prefix(spec, "postgres://"))
		return true;
	/* A keyword string: "host=... dbname=...", in any order. */
	for (const char *p = spec; *p != '\0'; p++) {
		if ((p == spec || g_ascii_isspace(p[-1])) &&
		    (g_str_has_prefix(p, "host=") ||
			g_str_has_prefix(p, "dbname=")))
			return true;
	}
	return false;
}

/* hide_value - append the value at p (a keyword's or parameter's, up to
 * white space, or quoted as libpq quotes) as "***"; the end of it */
static const char *
hide_value(GString *out, const char *p, const char *stops)
{
	g_string_append(out, "***");
	if (*p == '\'') {
		for (p++; *p != '\0' && *p != '\''; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		return *p == '\'' ? p + 1 : p;
	}
	while (*p != '\0' && strchr(stops, *p) == NULL)
		p++;
	return p;
}

/* db_spec_shown - spec with any password as "***", for messages */
char *
db_spec_shown(const char *spec)
{
	GString *out;
	const char *p, *at, *colon;
	bool is_uri;

	if (!db_spec_is_postgresql(spec))
		return g_strdup(spec);
	out = g_string_new(NULL);
	p = spec;
	is_uri = strstr(spec, "://") != NULL;
	if (is_uri) {
		/* scheme://user:password@host...: the user part ends at the
		 * last '@' before the path. */
		const char *auth = strstr(spec, "://") + 3;
		const char *end = auth + strcspn(auth, "/?");

		at = g_strrstr_len(auth, end - auth, "@");
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon != NULL) {
			g_string_append_len(out, spec, colon + 1 - spec);
			g_string_append(out, "***");
			p = at;
		}
	}
	while (*p != '\0') {
		bool starts = p == spec || g_ascii_isspace(p[-1]) ||
		    (is_uri && (p[-1] == '?' || p[-1] == '&'));

		if (starts && g_str_has_prefix(p, "password=")) {
			g_string_append(out, "password=");
			p = hide_value(out, p + 9, is_uri ? "&#" : " \t\n");
			continue;
		}
		g_string_append_c(out, *p++);
	}
	return g_string_free(out, FALSE);
}

/* db_engine - the driver for spec; NULL when it was not built in */
const struct db_ops *
db_engine(const char *spec)
{
	if (db_spec_is_postgresql(spec))
		return db_pg_driver;
	return &db_sqlite_ops;
}
