#!/bin/sh
# guide_test.sh - the members' guides name every command and event key.
#
# TAP. The words moim reads are taken from the code itself (the command
# table in listd/commands.c, the event block keys in ical/evblock.c), so
# a word added there and not to doc/guide.ko.md and doc/guide.en.md
# fails here. Keys are compared as evblock compares them: lower case,
# without spaces, '-', '_' and '.'.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1

# table_words FILE START - the first string of each "{"word", ..." line
# of the table that begins at the line matching START
table_words()
{
	sed -n "/$2/,/^};/p" "$1" | sed -n 's/^ *{"\([^"]*\)",.*/\1/p'
}

# flat FILE - the file in lower case, without spaces, '-', '_' and '.'
flat()
{
	tr 'A-Z' 'a-z' <"$1" | tr -d ' ._-'
}

commands=$(table_words listd/commands.c '^static const struct word words')
keys=$(table_words ical/evblock.c '^} keys\[\] = {')
n=0
fail=0
total=$(( ($(echo "$commands" | wc -l) + $(echo "$keys" | wc -l)) * 2 + 2 ))
echo "1..$total"

# check WHAT WORD GUIDE FLAT - one TAP line
check()
{
	n=$((n + 1))
	if printf '%s' "$4" | grep -qF -- "$2"; then
		echo "ok $n - $3 names $1 '$2'"
	else
		echo "not ok $n - $3 does not name $1 '$2'"
		fail=$((fail + 1))
	fi
}

for guide in doc/guide.ko.md doc/guide.en.md; do
	raw=$(cat "$guide")
	flattened=$(flat "$guide")
	n=$((n + 1))
	# A table that could not be read would make every check pass.
	if [ "$(echo "$commands" | wc -l)" -ge 10 ] &&
		[ "$(echo "$keys" | wc -l)" -ge 20 ]; then
		echo "ok $n - tables read from the code"
	else
		echo "not ok $n - tables not found in the code"
		fail=$((fail + 1))
	fi
	for w in $commands; do
		check command "$w" "$guide" "$raw"
	done
	for k in $keys; do
		check "event key" "$k" "$guide" "$flattened"
	done
done
[ "$fail" = 0 ]
