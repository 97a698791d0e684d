#!/bin/sh
# pg_archive_test.sh - the archive's unit tests (lib/archive_test) again,
# on a private PostgreSQL cluster: threading, import and search with the
# PostgreSQL store (see tests/pg_store_test.sh)
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PG_TEST_PROGRAM=lib/archive_test exec sh "$top/tests/pg_store_test.sh"
