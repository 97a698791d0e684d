#!/bin/sh
# style_test.sh - the tree is clang-format clean and cppcheck clean.
#
# TAP: one test per C file for clang-format (.clang-format at the root is
# the authority), and one for cppcheck over every directory of C code.
# Skips a check whose tool is not installed.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
files=$(find lib ical listd milter ctl web tests/fuzz bench -name '*.[ch]' 2>/dev/null | sort)
n=0
fail=0
echo "1..$(($(echo "$files" | wc -l) + 1))"
for f in $files; do
	n=$((n + 1))
	if ! command -v clang-format >/dev/null 2>&1; then
		echo "ok $n - $f # SKIP clang-format not installed"
	elif clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - clang-format $f"
	else
		echo "not ok $n - clang-format $f"
		clang-format --dry-run "$f" 2>&1 | head -10 | sed 's/^/# /'
	fi
done
n=$((n + 1))
if ! command -v cppcheck >/dev/null 2>&1; then
	echo "ok $n - cppcheck # SKIP cppcheck not installed"
elif out=$(cppcheck -q --library=gtk --enable=warning,performance,portability \
	--std=c11 --inline-suppr --error-exitcode=1 -I lib -I ical \
	lib ical listd milter ctl web 2>&1); then
	echo "ok $n - cppcheck"
else
	echo "not ok $n - cppcheck"
	echo "$out" | head -30 | sed 's/^/# /'
fi
