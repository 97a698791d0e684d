#!/bin/sh
# pg_cache_test.sh - moim-milter's cache tests (milter/cache_test) again,
# on a private PostgreSQL cluster: the change counter read over the
# network, the recheck period (see tests/pg_store_test.sh)
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PG_TEST_PROGRAM=milter/cache_test exec sh "$top/tests/pg_store_test.sh"
