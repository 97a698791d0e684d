#!/bin/sh
# lib.sh - what the moimctl tests share: TAP results and running moimctl.
#
# SYNOPSIS
#	M=$top_builddir/ctl/moimctl; T=$(mktemp -d); . "$(dirname "$0")/lib.sh"
#	ok DESC COMMAND...	one TAP result: the command succeeds
#	run RC ARGS...		moimctl -c $T/t.conf ARGS; stdout in $T/out,
#				stderr in $T/err; true when it exits RC
#	err_has TEXT / out_has TEXT
# DESCRIPTION
#	n counts the results and failed the failures; each test prints its
#	plan ("1..$n") and exits with the failures at its end.
n=0
failed=0

ok()
{
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		failed=$((failed + 1))
	fi
}

run()
{
	local want=$1 rc
	shift
	"$M" -c "$T/t.conf" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	# Under --enable-sanitizers a report exits 1, like a user error.
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		sed 's/^/#   /' "$T/err" >&2
		return 1
	fi
	[ "$rc" = "$want" ] && return 0
	echo "# moimctl $*: exit $rc, want $want; stderr:" >&2
	sed 's/^/#   /' "$T/err" >&2
	return 1
}

err_has() { grep -q -- "$1" "$T/err"; }
out_has() { grep -q -- "$1" "$T/out"; }
