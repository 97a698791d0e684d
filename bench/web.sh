#!/bin/bash
# web.sh - web benchmark: moim-web against public-inbox-httpd, with wrk
#
# SYNOPSIS
#	bench/web.sh [BUILDDIR]			(as root on a fresh machine)
#	BENCH_PERF=/tmp/perf bench/web.sh _build
# DESCRIPTION
#	Serves the same archive, the N-message corpus of bench/gen_archive.py
#	(20,000; the one bench/archive.sh searches), with two servers, one
#	after the other on this machine, and loads each with wrk at
#	BENCH_CONNECTIONS (16) connections over BENCH_THREADS (2) threads
#	for BENCH_DURATION (10) seconds per page kind:
#	  thread   the whole thread of a message, every message shown
#	           moim: /L@D/m/ROOT/ (a message page shows its whole
#	           thread); public-inbox: /ai/ROOT/T/ (flat thread view)
#	  message  one message with its thread
#	           moim: /L@D/m/REPLY/; public-inbox: /ai/REPLY/ (the
#	           message, its thread as an index of subjects)
#	  search   moim: /L@D/search?q=WORD; public-inbox: /ai/?q=WORD
#	           (Xapian, as Debian's public-inbox indexes by default:
#	           Korean words are terms split at spaces, so 모임 matches
#	           모임 alone but not 모임을; moim finds both)
#	Each kind cycles through BENCH_PAGES (100) different URLs, the same
#	messages on both servers: the roots of every k-th thread with at
#	least three messages, their last replies, and the ten Korean
#	queries of bench/archive.sh. Before the timed run, every URL is
#	fetched once with curl (it must answer 200) and wrk runs
#	BENCH_WARMUP (2) seconds untimed. A run with any non-2xx/3xx answer
#	or socket error fails the bench.
#
#	public-inbox: public-inbox-init -V2 -L full, the mbox imported with
#	its own PublicInbox::InboxWritable->import_mbox (what
#	public-inbox-index would index; it indexes while importing), then
#	public-inbox-httpd -W BENCH_PI_WORKERS (default: the number of CPUs,
#	as public-inbox-daemon(8) advises). moim: a private database,
#	"moimctl list create", "moimctl archive import", "moimctl list set
#	L archive=public", then web/moim-web -f with its default [web]
#	threads.
#
#	Figures: rps is the mean of the thread and message pages' requests
#	per second (both runs last the same time, so it is also all
#	requests / all seconds); p99 is the worse of the two pages' 99th
#	percentile latency; search p50 is the median latency of the search
#	run, under the same 16 connections (a search waits behind the
#	others: a run at one connection, printed too, shows the time of one
#	search). Each run's wrk --latency report is printed, as "# " lines.
#	The last line is
#	  bench web: moim_rps=N pi_rps=N ratio_rps=X moim_p99_ms=N
#	  pi_p99_ms=N moim_search_p50_ms=N
#	(one line; ratio_rps = moim_rps / pi_rps; a system left out by
#	BENCH_SYSTEMS counts 0).
#
#	Environment: top_builddir (if no BUILDDIR argument; default _build
#	of the source tree) holds the built ctl/moimctl and web/moim-web;
#	nothing is built here. N, BENCH_CONNECTIONS, BENCH_THREADS,
#	BENCH_DURATION, BENCH_WARMUP, BENCH_PAGES, BENCH_PI_WORKERS,
#	BENCH_SYSTEMS ("pi moim"), BENCH_PERF=DIR records `perf record -g`
#	of moim-web during each of its timed runs into DIR and prints the
#	BENCH_PERF_TOP (15) functions with the most samples, KEEP=1 keeps
#	the work directory, BENCH_RUNS=N runs it N times and prints the
#	medians and public-inbox's spread (bench/lib.sh).
# INPUT AND LIMITS
#	Installs missing Debian packages (public-inbox, wrk, python3, curl;
#	linux-perf with BENCH_PERF) as root (bench/deps.sh). Both servers
#	listen on 127.0.0.1 only, on free ports; the work directory is
#	under /tmp. The machine's other load shows in the figures: run it
#	on a quiet machine.
# ERRORS
#	Exits 1 when a server does not start, a URL does not answer 200 or
#	a run has errors (the work directory is then kept), 77 when packages
#	are missing and cannot be installed.
# SEE ALSO
#	bench/gen_archive.py, bench/archive.sh, wrk(1), public-inbox-httpd(1),
#	public-inbox-daemon(8), moim-web(8), issue 14 (Benchmark)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" && bench_runs '^pi_' "$0" "$@"
set -eu

benchdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$benchdir")
builddir=${1:-${top_builddir:-_build}}
case $builddir in
/*) ;;
*) [ -d "$builddir" ] || builddir=$srcdir/$builddir ;;
esac
builddir=$(cd "$builddir" && pwd)
N=${N:-20000}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-16}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_PAGES=${BENCH_PAGES:-100}
BENCH_PI_WORKERS=${BENCH_PI_WORKERS:-$(nproc)}
BENCH_SYSTEMS=${BENCH_SYSTEMS:-pi moim}
L=ai@lists.example.org

# shellcheck source=bench/deps.sh
. "$benchdir/deps.sh"
pkgs="public-inbox wrk python3 curl"
[ -n "${BENCH_PERF:-}" ] && pkgs="$pkgs linux-perf"
# shellcheck disable=SC2086 # one word per package
bench_install $pkgs || { echo "bench web: cannot install $pkgs" >&2; exit 77; }
for s in $BENCH_SYSTEMS; do
	case $s in
	moim)
		for p in ctl/moimctl web/moim-web; do
			[ -x "$builddir/$p" ] ||
				{ echo "bench web: no $builddir/$p" >&2; exit 1; }
		done
		;;
	pi) ;;
	*) echo "bench web: unknown system $s" >&2; exit 1 ;;
	esac
done

W=$(mktemp -d /tmp/bench-web.XXXXXX)
chmod 755 "$W"
failed=""
pids=""
# cleanup - stop the servers this bench started; keep W after a failure
cleanup()
{
	local p
	for p in $pids; do
		stop_server "$p"
	done
	if [ -n "$failed" ] || [ -n "${KEEP:-}" ]; then
		echo "# work directory kept: $W" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
# fail - say why the bench stops, keep the work directory, exit 1
fail()
{
	failed=1
	echo "bench web: $*" >&2
	exit 1
}

# stop_server PID - stop a server this bench started
stop_server()
{
	local p rest=""
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	for p in $pids; do
		[ "$p" = "$1" ] || rest="$rest $p"
	done
	pids=$rest
}

# free_port - print a loopback TCP port that nothing uses now
free_port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# since T0 - seconds from T0 (date +%s.%N) until now
since()
{
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# wait_http URL PID - wait (30 s at most) until URL answers; false if
# the server PID died or did not answer
wait_http()
{
	local _
	for _ in $(seq 300); do
		curl -s -o /dev/null --max-time 5 "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# load - one line on what else runs here: it shows in the figures
load()
{
	echo "# $1: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

load "before"
echo "# corpus: $N messages"
# The corpus, and the URL paths of each page kind: one per line, the
# same messages and queries for both systems.
python3 "$benchdir/gen_archive.py" "$W" "$N"
W=$W L=$L PAGES=$BENCH_PAGES BENCHDIR=$benchdir python3 - <<'PYEOF'
import json, os, sys, urllib.parse
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["BENCHDIR"])
import gen_archive

W, L, pages = os.environ["W"], os.environ["L"], int(os.environ["PAGES"])
threads = [t for t in json.load(open(os.path.join(W, "threads.json")))
           if len(t) >= 3]
step = max(1, len(threads) // pages)
picked = threads[::step][:pages]
q = lambda s: urllib.parse.quote(s, safe="@")
words = [urllib.parse.quote(w) for w in gen_archive.QUERIES_KO]
urls = {
    "moim_thread": ["/%s/m/%s/" % (L, q(t[0])) for t in picked],
    "moim_message": ["/%s/m/%s/" % (L, q(t[-1])) for t in picked],
    "moim_search": ["/%s/search?q=%s" % (L, w) for w in words],
    "pi_thread": ["/ai/%s/T/" % q(t[0]) for t in picked],
    "pi_message": ["/ai/%s/" % q(t[-1]) for t in picked],
    "pi_search": ["/ai/?q=%s" % w for w in words],
}
for name, paths in urls.items():
    with open(os.path.join(W, name + ".paths"), "w") as f:
        f.write("\n".join(paths) + "\n")
sizes = sorted(len(t) for t in picked)
print("# %d threads of 3+ messages, %d picked (messages per thread: "
      "median %d, max %d)" % (len(threads), len(picked),
                             sizes[len(sizes) // 2], sizes[-1]))
PYEOF

# wrk cycles through a file of paths; each thread starts at its own
# place. done() prints the figures on one line for run_wrk to read.
cat >"$W/paths.lua" <<'EOF'
local paths, n, i = {}, 0, 0
local next_id = 0
function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
end
function init(args)
	for line in io.lines(args[1]) do
		n = n + 1
		paths[n] = line
	end
	i = (id or 0) * 7 % n
end
function request()
	i = i % n + 1
	return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("wrk-result requests=%d duration_us=%d "
		.. "p50_us=%d p99_us=%d status=%d socket=%d\n",
		summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(99), e.status,
		e.connect + e.read + e.write + e.timeout))
end
EOF

# check_urls BASE NAME - every path of NAME.paths answers 200 at BASE
check_urls()
{
	local codes p
	codes=$(while read -r p; do
		curl -s -o /dev/null --max-time 30 -w '%{http_code}\n' "$1$p" ||
			true
	done <"$W/$2.paths")
	[ "$(echo "$codes" | grep -c '^200$')" = "$(wc -l <"$W/$2.paths")" ] ||
		fail "$2: not every page answers 200 ($(echo "$codes" |
			sort | uniq -c | tr -s ' \n' ' '))"
}

# run_wrk BASE NAME PID [CONNS] - warm up, then the timed run of NAME's
# paths over CONNS (BENCH_CONNECTIONS) connections; sets rps, p50_ms and
# p99_ms. With BENCH_PERF, records PID meanwhile.
run_wrk()
{
	local out line perf_pid="" c=${4:-$BENCH_CONNECTIONS} t name
	t=$((c < BENCH_THREADS ? c : BENCH_THREADS))
	name="$2, $c connection(s)"
	check_urls "$1" "$2"
	wrk -t"$t" -c"$c" -d"${BENCH_WARMUP}s" \
		--timeout 10s -s "$W/paths.lua" "$1" -- "$W/$2.paths" >/dev/null
	if [ -n "${BENCH_PERF:-}" ] && [ "${2%%_*}" = moim ]; then
		mkdir -p "$BENCH_PERF"
		perf record -q -g -F 999 -p "$3" -o "$BENCH_PERF/$2-c$c.data" \
			2>/dev/null &
		perf_pid=$!
	fi
	out=$(wrk -t"$t" -c"$c" -d"${BENCH_DURATION}s" --timeout 10s \
		--latency -s "$W/paths.lua" "$1" -- "$W/$2.paths")
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		echo "# $name: perf, the busiest functions of moim-web (self):"
		perf report -i "$BENCH_PERF/$2-c$c.data" --no-children -g none \
			--sort dso,symbol --stdio 2>/dev/null |
			grep '%' | head -"${BENCH_PERF_TOP:-15}" |
			sed 's/^/#   /; s/[ -]*$//'
	fi
	echo "# $name:"
	echo "$out" | grep -v '^wrk-result' | sed 's/^/#   /'
	line=$(echo "$out" | grep '^wrk-result') ||
		fail "$name: no result from wrk"
	eval "${line#wrk-result }"
	# shellcheck disable=SC2154 # set by the eval above
	{
		[ "$status" = 0 ] && [ "$socket" = 0 ]
	} || fail "$name: $status non-2xx/3xx answers, $socket socket errors"
	# shellcheck disable=SC2154 # set by the eval above
	read -r rps p50_ms p99_ms < <(awk -v r="$requests" -v d="$duration_us" \
		-v a="$p50_us" -v b="$p99_us" \
		'BEGIN { printf "%.0f %.2f %.2f\n", r / (d / 1e6), a / 1000, b / 1000 }')
	echo "# $name: $rps requests/s, p50 $p50_ms ms, p99 $p99_ms ms"
}

# measure SYS BASE PID - the runs against one server; sets SYS_rps
# (mean of thread and message), SYS_p99 (worse), SYS_search_p50 and
# SYS_search_p99, and SYS_search1_p50 (one connection: the time of one
# search without waiting behind others)
measure()
{
	local t_rps t_p99 m_rps m_p99
	run_wrk "$2" "$1_thread" "$3"
	t_rps=$rps t_p99=$p99_ms
	run_wrk "$2" "$1_message" "$3"
	m_rps=$rps m_p99=$p99_ms
	eval "$1_thread_rps=$t_rps $1_message_rps=$m_rps"
	run_wrk "$2" "$1_search" "$3"
	eval "$1_search_p50=$p50_ms $1_search_p99=$p99_ms"
	run_wrk "$2" "$1_search" "$3" 1
	eval "$1_search1_p50=$p50_ms"
	eval "$(awk -v s="$1" -v a="$t_rps" -v b="$m_rps" -v x="$t_p99" \
		-v y="$m_p99" 'BEGIN { printf "%s_rps=%.0f %s_p99=%.2f\n",
			s, (a + b) / 2, s, (x > y ? x : y) }')"
}

# serve SYS LOG PORT COMMAND... - start the server COMMAND (output to
# LOG) on PORT, measure it as SYS, stop it
serve()
{
	local sys=$1 log=$2 port=$3 pid
	shift 3
	"$@" >"$log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	wait_http "http://127.0.0.1:$port/" "$pid" ||
		fail "$1 does not answer (see $log)"
	measure "$sys" "http://127.0.0.1:$port" "$pid"
	stop_server "$pid"
}

# bench_pi - public-inbox: inbox, import, public-inbox-httpd, runs
bench_pi()
{
	local port t0
	export PI_CONFIG=$W/pi/config HOME=$W/pi
	mkdir -p "$W/pi"
	port=$(free_port)
	public-inbox-init -V2 -L full ai "$W/pi/ai" \
		"http://127.0.0.1:$port/ai" "$L" ||
		fail "public-inbox-init failed"
	t0=$(date +%s.%N)
	perl -MPublicInbox::Config -MPublicInbox::InboxWritable -e '
		my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0])
			or die "no inbox $ARGV[0]\n";
		$ibx = PublicInbox::InboxWritable->new($ibx);
		open my $fh, "<", $ARGV[1] or die "$ARGV[1]: $!\n";
		$ibx->import_mbox($fh, "mboxo");' ai "$W/corpus.mbox" ||
		fail "public-inbox import failed"
	public-inbox-index "$W/pi/ai" || fail "public-inbox-index failed"
	echo "# public-inbox: imported and indexed in" \
		"$(since "$t0") s"
	serve pi "$W/pi/httpd.log" "$port" \
		public-inbox-httpd -W "$BENCH_PI_WORKERS" \
		-l "http://127.0.0.1:$port"
	unset PI_CONFIG
}

# bench_moim - moim: list, import, archive=public, moim-web, runs
bench_moim()
{
	local port t0 M=$builddir/ctl/moimctl
	mkdir -p "$W/moim/tpl"
	cp -r "$srcdir/templates/." "$W/moim/tpl/"
	port=$(free_port)
	cat >"$W/moim/moim.conf" <<EOF
[moim]
database = $W/moim/moim.db
domains = lists.example.org
secret_file = $W/moim/secret
templates = $W/moim/tpl
[web]
listen = 127.0.0.1:$port
base_url = http://127.0.0.1:$port/
EOF
	[ "$(id -u)" = 0 ] && chown -R moim:moim "$W/moim" "$W/corpus.mbox"
	"$M" -c "$W/moim/moim.conf" list create "$L" >/dev/null ||
		fail "moimctl list create failed"
	t0=$(date +%s.%N)
	"$M" -c "$W/moim/moim.conf" archive import ai "$W/corpus.mbox" \
		>"$W/moim/import.log" 2>&1 ||
		fail "moimctl archive import failed (see $W/moim/import.log)"
	echo "# moim: imported and indexed in" \
		"$(since "$t0") s"
	"$M" -c "$W/moim/moim.conf" list set ai archive=public >/dev/null ||
		fail "moimctl list set archive=public failed"
	if [ "$(id -u)" = 0 ]; then
		"$M" -c "$W/moim/moim.conf" secret --owner moim >/dev/null
		chown -R moim:moim "$W/moim"
	else
		"$M" -c "$W/moim/moim.conf" secret >/dev/null
	fi || fail "moimctl secret failed"
	serve moim "$W/moim/web.log" "$port" \
		"$builddir/web/moim-web" -f -c "$W/moim/moim.conf"
}

moim_rps=0 moim_p99=0 moim_thread_rps=0 moim_message_rps=0
moim_search_p50=0 moim_search_p99=0 moim_search1_p50=0
pi_rps=0 pi_p99=0 pi_thread_rps=0 pi_message_rps=0
pi_search_p50=0 pi_search_p99=0 pi_search1_p50=0
for s in $BENCH_SYSTEMS; do
	"bench_$s"
done
load "after"
echo "# requests/s, thread and message pages: moim $moim_thread_rps and" \
	"$moim_message_rps, public-inbox $pi_thread_rps and $pi_message_rps"
echo "# search at $BENCH_CONNECTIONS connections: p50 moim" \
	"$moim_search_p50 ms, public-inbox $pi_search_p50 ms; p99 moim" \
	"$moim_search_p99 ms, public-inbox $pi_search_p99 ms"
echo "# search at 1 connection: p50 moim $moim_search1_p50 ms," \
	"public-inbox $pi_search1_p50 ms"
awk -v m="$moim_rps" -v p="$pi_rps" -v mp="$moim_p99" -v pp="$pi_p99" \
	-v s="$moim_search_p50" 'BEGIN {
	printf "bench web: moim_rps=%d pi_rps=%d ratio_rps=%.2f " \
		"moim_p99_ms=%.1f pi_p99_ms=%.1f moim_search_p50_ms=%.1f\n",
		m, p, (p > 0 ? m / p : 0), mp, pp, s }'
