#!/bin/bash
# scale.sh - a 100,000-member list on SQLite and on PostgreSQL, with one
# and with two moim-listd workers, through one loopback Postfix
#
# SYNOPSIS
#	top_builddir=_build bench/scale.sh		(as root)
#	BENCH_MEMBERS=2000 BENCH_CEILING=2000 bench/scale.sh
# DESCRIPTION
#	Issue 16's benchmark. One private Postfix (tests/e2e/lib.sh) whose
#	relay port sends every copy to Postfix's smtp-sink on loopback, as
#	bench/fanout.sh does (its counting, post and ceiling live in
#	bench/lib.sh), and one private PostgreSQL cluster (tests/pg.sh),
#	set up as a site would run it: fsync, synchronous_commit and
#	full_page_writes on, shared_buffers 128MB (pg.sh's test settings
#	turn durability off; BENCH_PG_TEST_SETTINGS=1 keeps them). Then,
#	one after the other:
#	  commit     bench/commit: one post with BENCH_MEMBERS deliveries
#	             committed through the store (store_begin,
#	             store_outbound_add, store_commit), three times on each
#	             engine, each in a database of its own; the median ms
#	  ceiling    smtp-source -d -N -s 4 -m BENCH_CEILING -r 1 into the
#	             relay port: what this Postfix and sink take
#	  sqlite     moim-listd on a SQLite file: one post to a
#	             BENCH_MEMBERS-member list
#	  pg1        moim-listd on PostgreSQL: the same on another list
#	  pg2        two moim-listd processes (the second on its own LMTP
#	             port, the same database) and a third list
#	  milter     moim-milter on each store: Postfix restarted with it as
#	             its milter and the discard transport, BENCH_MESSAGES
#	             (2000) messages over BENCH_SESSIONS (10) sessions from
#	             a member of the BENCH_MEMBERS-member list to the list
#	             (bench/lib.sh milter_mps, as bench/milter.sh)
#	A fan-out phase starts when moim-listd has answered the post's LMTP
#	DATA with 250 (the post goes straight to its LMTP port, so Postfix's
#	inbound queue is not in the time) and ends when the maillog shows
#	the sink accepted the last copy; each phase has its own recipient
#	domain (sqlite.bench.test, ...). Lines starting "# " say, per phase,
#	when the copies were committed ("queued") and handed to the relay,
#	moim-listd's CPU, duplicates if any. The last line is
#	  bench scale: sqlite_rps=N pg1_rps=N pg2_rps=N ceiling_rps=N
#	  commit_sqlite_ms=N commit_pg_ms=N milter_sqlite_mps=N
#	  milter_pg_mps=N ratio_pg1_sqlite=X
#	(one line).
#
#	Environment: top_builddir (default _build) holds the built
#	listd/moim-listd, ctl/moimctl, milter/moim-milter; bench/commit is
#	made there when missing. BENCH_MEMBERS (100000), BENCH_CEILING
#	(ceiling messages, 20000: the rate, not the count, is compared),
#	BENCH_COMMIT_MEMBERS (deliveries per commit, BENCH_MEMBERS),
#	BENCH_CONNECTIONS ([listd] connections, default the config's),
#	BENCH_TIMEOUT (seconds per phase, 1800), BENCH_PHASES (default
#	all: commit ceiling sqlite pg1 pg2 milter; a phase left out reports
#	0), E2E_KEEP=1; BENCH_RUNS=N runs it N times and prints the medians
#	and the ceiling's spread (bench/lib.sh).
# INPUT AND LIMITS
#	Needs root and about 3 GB of disk in $TMPDIR; 100,000 members take
#	a few seconds per list to import (1,000 per transaction, on
#	PostgreSQL one statement each: store_members_add()), and each
#	fan-out phase takes BENCH_MEMBERS / rate seconds (5 minutes at
#	350 copies/s). On a 2-core machine two workers share the cores
#	Postfix and PostgreSQL use too: pg2 shows that a second worker
#	costs no rate, not scaling.
# ERRORS
#	Exits 1 when a phase does not complete (its rate is then 0; the
#	work directory is kept), 77 when packages are missing; prints
#	"1..0 # SKIP why" and exits 0 when the programs are not built, no
#	PostgreSQL cluster can be made or the machine cannot run a private
#	Postfix.
# SEE ALSO
#	bench/fanout.sh, bench/milter.sh, bench/commit.c, tests/pg.sh,
#	issue 16 (Benchmark)
# shellcheck source-path=SCRIPTDIR/..
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" && bench_runs '^ceiling_rps$' "$0" "$@"
set -u

bench_top "$0"

BENCH_MEMBERS=${BENCH_MEMBERS:-100000}
BENCH_CEILING=${BENCH_CEILING:-20000}
BENCH_COMMIT_MEMBERS=${BENCH_COMMIT_MEMBERS:-$BENCH_MEMBERS}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-1800}
BENCH_MESSAGES=${BENCH_MESSAGES:-2000}
BENCH_SESSIONS=${BENCH_SESSIONS:-10}

# shellcheck source=bench/deps.sh
. "$BENCH_SRCDIR/bench/deps.sh"
bench_install postfix postfix-sqlite swaks iproute2 util-linux procps bc \
	sqlite3 postgresql-15 postgresql-client-15 || exit 77
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"
# shellcheck source=tests/e2e/moim.sh
. "$top_srcdir/tests/e2e/moim.sh"

PG_URI=
CONF_SQLITE=
CONF_PG=
CONF_PG2=
BENCH_DB=

# ------------------------------------------------------------ stores

# pg_tune - the cluster as a site runs it: durable commits, PostgreSQL's
#	default shared_buffers (pg.sh's test cluster has neither)
pg_tune()
{
	local dir=${PG_URI#*host=} bin
	dir=${dir%%&*}
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	psql "$PG_URI" -q -c "ALTER SYSTEM SET fsync = on" \
		-c "ALTER SYSTEM SET synchronous_commit = on" \
		-c "ALTER SYSTEM SET full_page_writes = on" \
		-c "ALTER SYSTEM SET shared_buffers = '128MB'" >/dev/null &&
		runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" \
			-l "$dir/server.log" -w -t 60 restart >/dev/null
}

# pg_cpu [reaped] - CPU ticks the cluster has used so far: the
#	postmaster and its children alive (moim-listd's connections, the
#	background writers), with "reaped" also the children that ended
#	(bench/commit's connection)
pg_cpu()
{
	local dir=${PG_URI#*host=} pm p f='$14 + $15'
	dir=${dir%%&*}
	[ "${1:-}" = reaped ] && f='$14 + $15 + $16 + $17'
	pm=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null) || {
		echo 0
		return
	}
	{
		awk "{ print $f }" "/proc/$pm/stat"
		for p in $(pgrep -P "$pm"); do
			awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null
		done
	} | awk '{ s += $1 } END { print s + 0 }'
}

# pg_setup - a private cluster for the run, stopped at exit after
#	everything else
pg_setup()
{
	PG_URI=$("$top_srcdir/tests/pg.sh" start) ||
		skip_all "no PostgreSQL cluster (tests/pg.sh start)"
	# shellcheck disable=SC2064 # the URI is known now
	trap "_e2e_cleanup; '$top_srcdir/tests/pg.sh' stop '$PG_URI'" EXIT
}

# pg_measure - the cluster's settings for the measurements (after the
#	lists are made: their import need not wait for fsync)
pg_measure()
{
	if [ "${BENCH_PG_TEST_SETTINGS:-0}" != 1 ]; then
		pg_tune || bail_out "PostgreSQL: cannot set fsync on"
	fi
	diag "PostgreSQL: $(psql "$PG_URI" -Atqc "SELECT 'fsync=' ||
	    current_setting('fsync') || ' synchronous_commit=' ||
	    current_setting('synchronous_commit') || ' shared_buffers=' ||
	    current_setting('shared_buffers')")"
}

# use_store CONF - moimctl and moim-listd use CONF from now on
use_store()
{
	MOIM_CONF=$1
	BENCH_DB=$(sed -n 's/^database = //p' "$1" | head -n 1)
}

# bench_setup - Postfix with the sink, the cluster, a moim.conf per
#	store and worker, the lists
bench_setup()
{
	local conf=() port2
	e2e_init scale-bench
	conf=("milter.socket=unix:$E2E_DIR/run/moim.sock")
	e2e_require listd/moim-listd ctl/moimctl milter/moim-milter
	command -v bc >/dev/null || skip_all "bc not installed"
	command -v psql >/dev/null || skip_all "psql not installed"
	if [ ! -x "$top_builddir/bench/commit" ]; then
		make -C "$top_builddir" bench/commit >/dev/null 2>&1 ||
			skip_all "cannot make bench/commit"
	fi
	pg_setup
	e2e_pick_port BENCH_SINK_PORT && e2e_pick_port port2 ||
		bail_out "no free port"
	chmod 777 "$E2E_DIR/run"
	[ -n "${BENCH_CONNECTIONS:-}" ] &&
		conf+=("listd.connections=$BENCH_CONNECTIONS")
	moim_setup "${conf[@]}"
	CONF_SQLITE=$E2E_DIR/etc/sqlite.conf
	CONF_PG=$E2E_DIR/etc/pg.conf
	CONF_PG2=$E2E_DIR/etc/pg2.conf
	cp "$MOIM_CONF" "$CONF_SQLITE"
	sed "s|^database = .*|database = ${PG_URI//&/\\&}|" "$CONF_SQLITE" \
		>"$CONF_PG"
	sed "s|^lmtp = .*|lmtp = 127.0.0.1:$port2|" "$CONF_PG" >"$CONF_PG2"
	BENCH_LMTP2_PORT=$port2
	pf_start --sink "$BENCH_SINK_PORT" || bail_out "postfix did not start"
	e2e_sink_start "$BENCH_SINK_PORT" || bail_out "smtp-sink did not start"
	if phase sqlite || phase milter; then
		use_store "$CONF_SQLITE"
		moim_list scale "$BENCH_MEMBERS" sqlite.bench.test &&
			moimctl list set scale rate_limit=0 >/dev/null ||
			bail_out "the SQLite list"
	fi
	use_store "$CONF_PG"
	if phase pg1 || phase milter; then
		moim_list scale1 "$BENCH_MEMBERS" pg1.bench.test &&
			moimctl list set scale1 rate_limit=0 >/dev/null ||
			bail_out "the PostgreSQL list"
	fi
	if phase pg2; then
		moim_list scale2 "$BENCH_MEMBERS" pg2.bench.test ||
			bail_out "the second PostgreSQL list"
	fi
	pg_measure
}

# ------------------------------------------------------------- phases

# run_commit - the median ms of bench/commit on a fresh SQLite file
#	(sqlite) or a fresh database in the cluster (pg)
run_commit()
{
	local db out pcpu
	if [ "$1" = pg ]; then
		psql "$PG_URI" -q -c "CREATE DATABASE moim_commit" >/dev/null ||
			return 1
		db=${PG_URI/\/moim?/\/moim_commit?}
	else
		db=$E2E_DIR/db/commit.db
	fi
	pcpu=$(pg_cpu reaped)
	out=$("$top_builddir/bench/commit" "$db" "$BENCH_COMMIT_MEMBERS" 3) || {
		diag "commit $1: bench/commit failed" >&2
		echo 0
		return 0
	}
	diag "commit $1: $BENCH_COMMIT_MEMBERS deliveries:" \
		"$(echo "$out" | grep -v median | tr '\n' ' ')" >&2
	if [ "$1" = pg ]; then
		# The server's CPU: its backend's share counts once the
		# postmaster has reaped it, just after bench/commit ends.
		sleep 1
		diag "$(printf 'commit pg: the server used %.2f s of CPU per commit' \
			"$(echo "($(pg_cpu reaped) - $pcpu) / $(getconf CLK_TCK) / 3" |
				bc -l)")" >&2
	fi
	echo "$out" | sed -n 's/^commit median_ms=//p'
}

# lmtp_post PORT FILE - FILE to the list over LMTP; 0 on 250
lmtp_post()
{
	swaks --protocol LMTP --server 127.0.0.1 --port "$1" \
		--from poster@example.net --to "$2" --data "@$3" \
		>"$E2E_DIR/swaks/lmtp.out" 2>&1
}

# run_post NAME DOMAIN - post to list NAME (members at DOMAIN) over
#	LMTP; print the rate from the 250 to the sink's last copy
run_post()
{
	local name=$1 dom=$2 n=$BENCH_MEMBERS off t0 t1 cpu pcpu hz
	local f=$E2E_DIR/msg/$name.eml
	post_file poster@example.net "$name@$E2E_LIST_DOMAIN" >"$f"
	cpu=$(listd_cpu)
	pcpu=$(pg_cpu)
	off=$(log_size)
	if ! lmtp_post "$E2E_LMTP_PORT" "$name@$E2E_LIST_DOMAIN" "$f"; then
		diag "$name: the post was not accepted" >&2
		sed 's/^/# /' "$E2E_DIR/swaks/lmtp.out" >&2
	fi
	t0=$EPOCHREALTIME
	t1=$(wait_sent "$dom" "$off" "$n" "$name" 2>"$E2E_DIR/$name.t")
	cpu=$(($(listd_cpu) - cpu))
	pcpu=$(($(pg_cpu) - pcpu))
	moim_breakdown "$name" "$n" "$t0" "$E2E_DIR/$name.t" >&2
	hz=$(getconf CLK_TCK)
	diag "$(printf '%s: the first moim-listd used %.2f s of CPU (%.0f us/copy)' \
		"$name" "$(echo "$cpu / $hz" | bc -l)" \
		"$(echo "$cpu * 1000000 / $hz / $n" | bc -l)")" >&2
	case $BENCH_DB in
	postgres*)
		diag "$(printf '%s: PostgreSQL used %.2f s of CPU (%.0f us/copy)' \
			"$name" "$(echo "$pcpu / $hz" | bc -l)" \
			"$(echo "$pcpu * 1000000 / $hz / $n" | bc -l)")" >&2
		;;
	esac
	phase_end "$name" "$dom" "$off" "$n" "$t0" "$t1"
}

# run_milter NAME CONF FROM TO - moim-milter (daemon NAME) on CONF's
#	store; msgs/s
run_milter()
{
	local mps
	e2e_daemon_start "$1" "$top_builddir/milter/moim-milter" -f \
		-c "$2" && e2e_wait_socket "$E2E_DIR/run/moim.sock" 10 ||
		bail_out "moim-milter did not start"
	mps=$(milter_mps "unix:$E2E_DIR/run/moim.sock" "$BENCH_MESSAGES" \
		"$BENCH_SESSIONS" "$3" "$4")
	e2e_daemon_stop "$1"
	rm -f "$E2E_DIR/run/moim.sock"
	echo "$mps"
}

# phase - whether BENCH_PHASES names phase $1 (every phase by default)
phase()
{
	case " ${BENCH_PHASES:-all} " in
	*" all "* | *" $1 "*) return 0 ;;
	esac
	return 1
}

# main - every phase, then the summary line
main()
{
	local s=0 p1=0 p2=0 c=0 cs=0 cp=0 ms=0 mp=0 refused
	bench_setup
	diag "members=$BENCH_MEMBERS ceiling_messages=$BENCH_CEILING" \
		"commit_deliveries=$BENCH_COMMIT_MEMBERS" \
		"load: $(cut -d' ' -f1-3 /proc/loadavg)"
	if phase commit; then
		cs=$(run_commit sqlite)
		cp=$(run_commit pg)
	fi
	phase ceiling && c=$(run_ceiling "$BENCH_CEILING")
	if phase sqlite; then
		use_store "$CONF_SQLITE"
		listd_start || bail_out "moim-listd (SQLite) did not start"
		s=$(run_post scale sqlite.bench.test)
		listd_stop
	fi
	use_store "$CONF_PG"
	if phase pg1; then
		listd_start || bail_out "moim-listd (PostgreSQL) did not start"
		p1=$(run_post scale1 pg1.bench.test)
		listd_stop
	fi
	if phase pg2; then
		listd_start && e2e_daemon_start listd2 "$MOIM_LISTD" -f \
			-c "$CONF_PG2" && e2e_wait_port "$BENCH_LMTP2_PORT" 10 ||
			bail_out "two moim-listd workers did not start"
		p2=$(run_post scale2 pg2.bench.test)
		local w1 w2 c2
		w1=$(grep -c 'rcpt=scale2@.*result=distributed' \
			"$E2E_DIR/log/listd.log")
		w2=$(grep -c 'rcpt=scale2@.*result=distributed' \
			"$E2E_DIR/log/listd2.log")
		c2=$(awk -v hz="$(getconf CLK_TCK)" \
			'{ printf "%.2f", ($14 + $15) / hz }' \
			"/proc/$(e2e_daemon_pid listd2)/stat")
		diag "pg2: the post was processed $w1 time(s) by the first" \
			"worker, $w2 by the second; the second used $c2 s of CPU"
		e2e_daemon_stop listd2
		listd_stop
	fi
	diag "load: $(cut -d' ' -f1-3 /proc/loadavg)"
	if phase milter; then
		ms=$(run_milter milter-sqlite "$CONF_SQLITE" \
			"m000001@sqlite.bench.test" \
			"scale@$E2E_LIST_DOMAIN")
		diag "moim-milter on SQLite: $ms msg/s"
		mp=$(run_milter milter-pg "$CONF_PG" "m000001@pg1.bench.test" \
			"scale1@$E2E_LIST_DOMAIN")
		diag "moim-milter on PostgreSQL: $mp msg/s"
		refused=$(grep -c 'milter-reject\|451 4.3.0' "$E2E_PF_LOG")
		diag "moim-milter refusals in the maillog: $refused (want 0)"
	fi
	[ -e "$E2E_DIR/failed" ] && _t_failed=1
	echo "bench scale: sqlite_rps=$s pg1_rps=$p1 pg2_rps=$p2" \
		"ceiling_rps=$c commit_sqlite_ms=$cs commit_pg_ms=$cp" \
		"milter_sqlite_mps=$ms milter_pg_mps=$mp" \
		"ratio_pg1_sqlite=$(ratio "$p1" "$s")"
	[ "$_t_failed" = 0 ] && exit 0
	exit 1
}

main "$@"
