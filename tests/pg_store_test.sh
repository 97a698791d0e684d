#!/bin/sh
# pg_store_test.sh - the store's unit tests (lib/store_test) again, on a
# private PostgreSQL cluster
#
# Starts a cluster with tests/pg.sh, runs lib/store_test with
# MOIM_STORE_TEST_PG set to its URI (each case then opens an emptied
# PostgreSQL database instead of a SQLite file) and removes the cluster
# however the test ends. TAP comes from store_test; when no cluster can
# be started here the whole test is skipped with the reason.
# PG_TEST_PROGRAM names another unit test of the store to run this way
# (tests/pg_archive_test.sh, tests/pg_web_archive_test.sh); it opens its
# databases with testutil_db_new().
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${top_builddir:-.}
err=$(mktemp)
uri=$(sh "$top/tests/pg.sh" start 2>"$err")
rc=$?
if [ $rc = 77 ]; then
	echo "1..0 # SKIP no PostgreSQL test cluster: $(cat "$err")"
	rm -f "$err"
	exit 0
elif [ $rc != 0 ]; then
	echo "Bail out! tests/pg.sh start failed: $(tail -5 "$err" | tr '\n' ' ')"
	rm -f "$err"
	exit 1
fi
rm -f "$err"
trap 'sh "$top/tests/pg.sh" stop "$uri"' EXIT
trap 'exit 130' INT TERM
MOIM_TEST_PG=$uri MOIM_STORE_TEST_PG=$uri \
	"$build/${PG_TEST_PROGRAM:-lib/store_test}"
