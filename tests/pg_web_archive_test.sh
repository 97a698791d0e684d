#!/bin/sh
# pg_web_archive_test.sh - the web archive's store tests
# (lib/store_web_archive_test) again, on a private PostgreSQL cluster
# (see tests/pg_store_test.sh)
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PG_TEST_PROGRAM=lib/store_web_archive_test exec sh "$top/tests/pg_store_test.sh"
