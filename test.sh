#!/bin/sh
# test.sh - set everything up on a fresh Debian machine and run every test.
#
# Installs the Debian packages moim needs, builds from a clean tree in
# _build/, runs "make check" (unit tests, end-to-end tests against a
# private Postfix on loopback) and ends with the line "N passed, N failed".
# Pass --sanitizers to build with ASan and UBSan.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 2

conf=""
[ "${1:-}" = "--sanitizers" ] && conf="--enable-sanitizers"

sh tools/deps.sh || exit 2
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 2; }
rm -rf _build && mkdir _build && cd _build || exit 2
# shellcheck disable=SC2086
../configure -q $conf || exit 2
make -j2 >make.out 2>&1 || { tail -40 make.out; exit 2; }
make -j2 check >check.out 2>&1
status=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP)' check.out | grep -v '^PASS' || true
sed -n '/^# TOTAL/,/^# ERROR/p' check.out
pass=$(sed -n 's/^# PASS: *//p' check.out | tail -1)
fail=$(sed -n 's/^# FAIL: *//p' check.out | tail -1)
err=$(sed -n 's/^# ERROR: *//p' check.out | tail -1)
xpass=$(sed -n 's/^# XPASS: *//p' check.out | tail -1)
pass=${pass:-0}
fail=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
if [ "$status" != 0 ] && [ "$fail" = 0 ]; then
	tail -40 check.out
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
