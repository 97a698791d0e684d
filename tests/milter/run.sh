#!/bin/bash
# run.sh - run the miltertest(8) scripts of tests/milter against the built
# moim-milter, as TAP (one test per script).
#
# A temporary directory holds moim.conf and a database made with the built
# moimctl: lists ai (members; alice member; max_size 4096), news
# (announce; owner boss, member alice), held (members, nonmember = hold),
# rate (open, rate_limit 2) and auth (open, require_auth). One milter
# serves them; a second one, whose database does not exist, serves
# nonlist.lua (no database access outside the list domains) and
# tempfail.lua (451 4.3.0). Each script gets -D sock=, -D log= (the
# milter's log, where RCPT-time reply texts are checked), -D lib= and
# -D ctl= (moimctl on the main database, for cache.lua).
# Skips unless miltertest is installed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export LC_ALL=C.UTF-8
MT=$(command -v miltertest || echo /usr/sbin/miltertest)
SRC=$top_srcdir/tests/milter
MILTER=$top_builddir/milter/moim-milter
MOIMCTL=$top_builddir/ctl/moimctl
SCRIPTS="unknown announce members size rate loop autoreply internal dmarc privileged
	garbage cache nonlist tempfail"

if [ ! -x "$MT" ] || [ ! -x "$MILTER" ] || [ ! -x "$MOIMCTL" ]; then
	echo "1..0 # SKIP miltertest, moim-milter or moimctl missing"
	exit 0
fi
DIR=$(mktemp -d /tmp/moim-mt.XXXXXX)
PIDS=""
cleanup()
{
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT

# conf NAME DB - write $DIR/NAME.conf
conf()
{
	cat >"$DIR/$1.conf" <<CF
[moim]
database = $2
domains = lists.example.org
secret_file = $DIR/secret
templates = $top_srcdir/templates
user = moim
group = moim
[milter]
socket = unix:$DIR/$1.sock
socket_group = $(id -gn)
trusted_authserv_ids = mx.example.org
CF
}

# start NAME - run a milter with NAME.conf, log in NAME.log
start()
{
	local i
	"$MILTER" -f -c "$DIR/$1.conf" 2>"$DIR/$1.log" &
	PIDS="$PIDS $!"
	for i in $(seq 1 100); do
		[ -S "$DIR/$1.sock" ] && return 0
		sleep 0.1
	done
	echo "Bail out! moim-milter ($1) did not start: $(cat "$DIR/$1.log")"
	exit 1
}

ctl() { "$MOIMCTL" -c "$DIR/main.conf" "$@" >/dev/null; }

conf main "$DIR/moim.db"
conf nodb "$DIR/none/moim.db"
D=lists.example.org
# as root moimctl and the milter drop to moim, which owns the database
[ "$(id -u)" = 0 ] && chown moim:moim "$DIR"
{
	ctl list create ai@$D --name AI &&
	ctl list set ai max_size=4096 &&
	ctl member add ai alice@example.net &&
	ctl list create news@$D --policy announce --owner boss@example.net &&
	ctl member add news alice@example.net &&
	ctl list create held@$D &&
	ctl list set held nonmember=hold &&
	ctl list create rate@$D --policy open &&
	ctl list set rate rate_limit=2 &&
	ctl list create auth@$D --policy open &&
	ctl list set auth require_auth=yes
} || { echo "Bail out! moimctl could not make the lists"; exit 1; }
start main
start nodb

n=0
failed=0
echo "1..$(echo $SCRIPTS | wc -w)"
for s in $SCRIPTS; do
	n=$((n + 1))
	inst=main
	case $s in nonlist | tempfail) inst=nodb ;; esac
	if "$MT" -s "$SRC/$s.lua" -D sock="unix:$DIR/$inst.sock" \
		-D log="$DIR/$inst.log" -D lib="$SRC/lib.lua" \
		-D ctl="$MOIMCTL -c $DIR/main.conf" \
		>"$DIR/$s.out" 2>&1; then
		echo "ok $n - $s"
	else
		failed=$((failed + 1))
		echo "not ok $n - $s"
		sed 's/^/# /' "$DIR/$s.out" | tail -n 20
	fi
done
for p in $PIDS; do
	kill -0 "$p" 2>/dev/null ||
		{ echo "# a milter died"; failed=$((failed + 1)); }
done
[ "$failed" = 0 ] || { sed 's/^/# log: /' "$DIR"/*.log | tail -n 30; KEEP=1; }
echo "# $((n - failed)) passed, $failed failed"
exit 0
