/*
 * db_pg_none - no PostgreSQL driver: moim was configured without libpq
 * (see db_pg.h); the store refuses a postgresql:// database
 */
#include "db_pg.h"

const struct db_ops *const db_pg_driver = NULL;
