#!/bin/sh
# test.sh - set everything up on a fresh Debian machine and run every test.
#
# Installs the Debian packages moim needs, builds from a clean tree and
# runs "make check" twice: in _build/ (unit tests, miltertest scripts,
# end-to-end tests against a private Postfix on loopback, style checks,
# every fuzz target time-boxed) and in _build-san/ with ASan and UBSan
# (the same tests but the fuzzers, which are sanitizer builds already,
# and the two PostgreSQL-only tests, which make their own clusters). The
# end-to-end tests run on SQLite in _build/ and on PostgreSQL in
# _build-san/ (a private cluster per test, tests/pg.sh), so both store
# engines meet the whole suite in one run.
# Ends with the line "N passed, N failed" over both runs.
#	--quick		only the first run
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 2

quick=no
[ "${1:-}" = "--quick" ] && quick=yes

sh tools/deps.sh || exit 2
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 2; }

total_pass=0
total_fail=0

# run_suite DIR CONFIGURE-ARGS FUZZ-SECONDS - build in DIR, make check
run_suite()
{
	dir=$1 conf=$2 fuzz=$3
	echo "== make check in $dir ${conf:+($conf)}"
	rm -rf "$dir" && mkdir "$dir" || exit 2
	# shellcheck disable=SC2086
	(cd "$dir" && ../configure -q $conf) || exit 2
	if ! make -C "$dir" -j2 >"$dir/make.out" 2>&1; then
		tail -40 "$dir/make.out"
		total_fail=$((total_fail + 1))
		return
	fi
	# Four tests at once on two cores: most end-to-end tests wait on
	# Postfix and the daemons rather than compute.
	FUZZ_SECONDS=$fuzz make -C "$dir" -j4 check >"$dir/check.out" 2>&1
	status=$?
	grep -E '^(FAIL|ERROR|XPASS)' "$dir/check.out" || true
	sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/check.out"
	pass=$(sed -n 's/^# PASS: *//p' "$dir/check.out" | tail -1)
	fail=$(sed -n 's/^# FAIL: *//p' "$dir/check.out" | tail -1)
	err=$(sed -n 's/^# ERROR: *//p' "$dir/check.out" | tail -1)
	xpass=$(sed -n 's/^# XPASS: *//p' "$dir/check.out" | tail -1)
	fail=$((${fail:-0} + ${err:-0} + ${xpass:-0}))
	if [ "$status" != 0 ] && [ "$fail" = 0 ]; then
		tail -40 "$dir/check.out"
		fail=1
	fi
	# Show the end of each failed test's log, for whoever reads CI.
	for log in $(grep -lE '^(not ok|Bail out)' "$dir"/*.log "$dir"/*/*.log \
		"$dir"/*/*/*.log 2>/dev/null); do
		echo "-- $log"
		grep -E '^(not ok|Bail)' "$log"
		grep -E '^#' "$log" | tail -25
	done
	echo "slowest tests in $dir:"
	grep -H '^# took [0-9]* s$' "$dir"/tests/*/*.log 2>/dev/null |
		sed 's|^\(.*\)\.log:# took \([0-9]*\) s$|\2 \1|' |
		sort -rn | head -8
	total_pass=$((total_pass + ${pass:-0}))
	total_fail=$((total_fail + fail))
}

MOIM_E2E_ENGINE=sqlite
export MOIM_E2E_ENGINE
run_suite _build "" "${FUZZ_SECONDS:-10}"
# The sanitizer pass runs the end-to-end suite on PostgreSQL, the
# crash (kill -9 mid fan-out), outage (moim-listd down) and move tests
# included. It skips the three tests that are about PostgreSQL whatever
# the pass (tests/e2e/pg_outage_test.sh stops and starts its cluster,
# tests/e2e/pg_start_test.sh starts moim-listd before it,
# tests/pg_workers_test.sh runs two Postfix instances and two workers):
# they run in _build. install_test and root_start_test are about SQLite
# files and stay on SQLite.
if [ "$quick" != yes ]; then
	MOIM_E2E_SKIP=${MOIM_E2E_SKIP-pg_outage pg_start workers}
	MOIM_E2E_ENGINE=${MOIM_E2E_SAN_ENGINE:-postgresql}
	export MOIM_E2E_SKIP MOIM_E2E_ENGINE
	run_suite _build-san --enable-sanitizers 0
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
