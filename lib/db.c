/*
 * db - which engine a database setting names
 *
 * DESCRIPTION
 *	db_spec_is_postgresql() and db_engine() of lib/db.h; each engine's
 *	operations are in its own driver file (lib/db_sqlite.c, ...).
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

/* db_engine - the driver for spec; NULL when it was not built in */
const struct db_ops *
db_engine(const char *spec)
{
	if (db_spec_is_postgresql(spec))
		return db_pg_driver;
	return &db_sqlite_ops;
}
