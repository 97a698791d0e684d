#!/bin/sh
# pg.sh - a private, throw-away PostgreSQL cluster for the tests
#
# SYNOPSIS
#	uri=$(tests/pg.sh start)	# prints a libpq connection URI
#	tests/pg.sh stop "$uri"		# stops the cluster and removes it
#	tests/pg.sh run CMD ARGS...	# start; MOIM_TEST_PG=URI CMD; stop
#	tests/pg.sh halt "$uri"		# stop the server, keep the cluster
#	tests/pg.sh resume "$uri"	# start it again (after halt)
# DESCRIPTION
#	start makes a cluster in a new temporary folder (under $TMPDIR or
#	/tmp) with initdb and starts it with pg_ctl. The server listens on a
#	unix socket in that folder only (listen_addresses is empty), so it
#	needs no free TCP port and no other program can reach it by
#	accident. It trusts local connections, runs without fsync (a test
#	cluster need not survive a crash) and holds one database, "moim",
#	owned by the superuser "postgres". The URI names the folder as host:
#	postgresql:///moim?host=DIR&user=postgres
#
#	initdb and postgres refuse to run as root: as root, pg.sh runs them
#	as user postgres (created by the postgresql-common package) with
#	runuser and makes the folder readable to all, so daemons that drop
#	to another user still reach the socket. As any other user they run
#	as that user. No system service is used or assumed.
#
#	stop takes the URI start printed (or the folder), stops the server
#	(fast shutdown) and removes the folder; it refuses a folder start did
#	not make. run starts a cluster, runs CMD with MOIM_TEST_PG set to its
#	URI, stops the cluster however CMD ends, and exits with CMD's status.
#
#	halt stops the server (fast shutdown: clients are disconnected) and
#	keeps the folder; resume starts the server again on it, at the same
#	socket, so the URI holds again (outage tests).
#
#	start copies the cluster from a template made once per machine and
#	server version ($TMPDIR or /tmp/moim-pg-template.N: initdb, the
#	database moim, a clean shutdown; about 40 MB, kept for the next
#	run): initdb and createdb on every start cost four times the CPU
#	of a copy, and the PostgreSQL pass of the tests starts a cluster
#	for each test. PG_TEMPLATE=no runs initdb every time.
#
#	start exits 77 with one line on stderr saying why when no cluster
#	can be made here (PostgreSQL's server binaries missing, root without
#	a postgres user), so callers can skip; any other failure exits 1
#	with the server's log on stderr.
# ENVIRONMENT
#	PG_BINDIR	where initdb and pg_ctl are (default: the newest
#			/usr/lib/postgresql/N/bin, else pg_config --bindir)
#	PG_TEMPLATE	no: no template, initdb for every cluster
set -eu

PG_MARK=moim-test-cluster

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

skip() {
	echo "pg.sh: $*" >&2
	exit 77
}

# pg_bindir - the folder holding initdb, or empty
pg_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		echo "$PG_BINDIR"
		return
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		[ -x "$d/initdb" ] && echo "$d"
	fi
	return 0
}

# as_owner CMD ARGS... - run CMD as the cluster's owner
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# dir_of URI|DIR - the cluster folder named by a URI's host= or a path
dir_of() {
	case $1 in
	postgres*://*)
		d=${1#*host=}
		d=${d%%&*}
		;;
	*) d=$1 ;;
	esac
	[ -f "$d/$PG_MARK" ] || die "$1: not a cluster made by pg.sh start"
	echo "$d"
}

# pg_template - print the folder of this machine's template cluster for
#	the server in $bindir (initdb done, database moim made, shut down
#	cleanly), making it first if there is none. Made under a temporary
#	name and renamed into place, so a start running beside this one
#	never copies half a template; the start that loses the race drops
#	its own. Uses $base and $bindir of pg_start.
pg_template() {
	key=$(printf '%s %s %s\n' "$bindir" "$("$bindir/postgres" --version)" \
		"$(id -u)" | cksum | cut -d' ' -f1)
	tpl=$base/moim-pg-template.$key
	if [ -f "$tpl/ready" ]; then
		echo "$tpl"
		return 0
	fi
	t=$(mktemp -d "$base/moim-pg-template.XXXXXX") || return 1
	chmod 755 "$t"
	[ "$(id -u)" = 0 ] && chown postgres "$t"
	if as_owner "$bindir/initdb" -D "$t/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 -N >"$t/initdb.log" 2>&1 &&
		as_owner "$bindir/pg_ctl" -D "$t/data" -l "$t/server.log" \
			-o "-c listen_addresses='' -c unix_socket_directories=$t" \
			-w -t 60 start >/dev/null 2>&1; then
		as_owner "$bindir/createdb" -h "$t" -U postgres moim \
			>"$t/createdb.log" 2>&1 && : >"$t/made"
		as_owner "$bindir/pg_ctl" -D "$t/data" -m fast -w -t 60 stop \
			>/dev/null 2>&1 && [ -f "$t/made" ] && : >"$t/ready"
	fi
	if [ -f "$t/ready" ] && rm -f "$t/data/postmaster.opts" &&
		mv -T "$t" "$tpl" 2>/dev/null; then
		echo "$tpl"
		return 0
	fi
	rm -rf "$t"
	[ -f "$tpl/ready" ] && echo "$tpl"
}

pg_start() {
	bindir=$(pg_bindir)
	[ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
		skip "no PostgreSQL server (initdb) installed:" \
			"apt-get install postgresql-15 (tools/deps.sh)"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 ||
			skip "running as root and there is no user postgres"
		command -v runuser >/dev/null 2>&1 ||
			skip "running as root without runuser (util-linux)"
	fi
	# A socket path has at most 107 bytes, and as root the folder must
	# be reachable by user postgres: else /tmp.
	base=${TMPDIR:-/tmp}
	[ ${#base} -le 60 ] || base=/tmp
	if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -w "$base"; then
		base=/tmp
	fi
	dir=$(mktemp -d "$base/moim-pg.XXXXXX")
	# The socket lives in dir: others may reach it, only the owner
	# writes. data/ must be private to the server (initdb checks).
	chmod 755 "$dir"
	: >"$dir/$PG_MARK"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$dir"
	fi
	# A copy of the template (with the database moim) where there is
	# one; else initdb here and createdb once the server runs.
	need_db=yes
	if [ "${PG_TEMPLATE:-yes}" != no ] && tpl=$(pg_template) &&
		cp -a "$tpl/data" "$dir/data" 2>"$dir/initdb.log"; then
		need_db=no
	else
		rm -rf "$dir/data"
		if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres \
			-A trust -E UTF8 --locale=C.UTF-8 -N \
			>"$dir/initdb.log" 2>&1; then
			cat "$dir/initdb.log" >&2
			rm -rf "$dir"
			die "initdb failed"
		fi
	fi
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 40
shared_buffers = 32MB
log_min_messages = warning
EOF
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
		-w -t 60 start >/dev/null 2>&1; then
		cat "$dir/server.log" >&2 || true
		rm -rf "$dir"
		die "the server did not start"
	fi
	if [ $need_db = yes ] &&
		! as_owner "$bindir/createdb" -h "$dir" -U postgres moim \
			>"$dir/createdb.log" 2>&1; then
		cat "$dir/createdb.log" >&2
		pg_stop "$dir"
		die "createdb failed"
	fi
	echo "postgresql:///moim?host=$dir&user=postgres"
}

pg_stop() {
	dir=$(dir_of "$1")
	bindir=$(pg_bindir)
	if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bindir" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 \
			stop >/dev/null 2>&1 || echo "pg.sh: pg_ctl stop failed" >&2
	fi
	rm -rf "$dir"
}

pg_halt() {
	dir=$(dir_of "$1")
	as_owner "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 60 \
		stop >/dev/null || die "pg_ctl stop failed"
}

pg_resume() {
	dir=$(dir_of "$1")
	as_owner "$(pg_bindir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
		-w -t 60 start >/dev/null || die "pg_ctl start failed"
}

pg_run() {
	uri=$(pg_start) || exit $?
	# A trap rather than "cmd; stop": the cluster goes even when the
	# command is interrupted.
	trap 'pg_stop "$uri"' EXIT
	trap 'exit 130' INT TERM
	rc=0
	MOIM_TEST_PG=$uri "$@" || rc=$?
	exit $rc
}

case ${1:-} in
start) pg_start ;;
stop)
	[ $# = 2 ] || die "usage: pg.sh stop URI|DIR"
	pg_stop "$2"
	;;
halt | resume)
	[ $# = 2 ] || die "usage: pg.sh $1 URI|DIR"
	"pg_$1" "$2"
	;;
run)
	shift
	[ $# -gt 0 ] || die "usage: pg.sh run CMD ARGS..."
	pg_run "$@"
	;;
*) die "usage: pg.sh start | stop URI | halt URI | resume URI | run CMD ARGS..." ;;
esac
