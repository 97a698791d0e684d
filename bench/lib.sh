# lib.sh - sourced by every bench: BENCH_RUNS=N, N runs and their median.
# shellcheck shell=bash
#
#	bench_runs PEERS SCRIPT ARGS...
#		With BENCH_RUNS unset, empty or 1: returns, and the bench
#		runs once as it always did. With BENCH_RUNS=N > 1: runs
#		SCRIPT ARGS N times (each with BENCH_RUNS=1), passing each
#		run's output through after a "# run I of N" line, then
#		prints the median of every key of the runs' last lines
#		("bench NAME: key=value ...") as one more such line, in the
#		same key order, with KEY_min= and KEY_max= after each key
#		that the extended regular expression PEERS matches (the
#		ceiling and the peers, whose spread says how noisy the
#		machine was) and runs=N at the end; before it a "# spread"
#		line with those keys' min-max. Then exits: 0, or the status
#		of the first run that failed (no median then).
#	bench_median PEERS	the median line, from last lines on stdin
#	bench_top SCRIPT	top_srcdir and top_builddir, absolute
#
# A median of an even number of runs is the mean of the middle two; a
# value that is not a number in some run is taken from the last run.
# Call bench_runs first thing, before the bench changes directory.

# bench_top SCRIPT - BENCH_SRCDIR (the tree SCRIPT is in), and
#	top_srcdir and top_builddir (default _build, relative to the
#	source tree) made absolute and exported
bench_top()
{
	BENCH_SRCDIR=$(cd "$(dirname "$1")/.." && pwd)
	: "${top_srcdir:=$BENCH_SRCDIR}"
	: "${top_builddir:=_build}"
	case $top_builddir in
	/*) ;;
	*) top_builddir=$top_srcdir/$top_builddir ;;
	esac
	export top_srcdir top_builddir
}

# bench_runs - run the bench BENCH_RUNS times and print the medians
bench_runs()
{
	local peers=$1 script=$2 n=${BENCH_RUNS:-1} i rc dir
	shift 2
	case $n in
	'' | *[!0-9]*)
		echo "BENCH_RUNS=$n: not a number" >&2
		exit 2
		;;
	esac
	[ "$n" -le 1 ] && return 0
	dir=$(mktemp -d /tmp/bench-runs.XXXXXX) || exit 1
	for i in $(seq "$n"); do
		echo "# run $i of $n"
		BENCH_RUNS=1 bash "$script" "$@" | tee "$dir/out"
		rc=${PIPESTATUS[0]}
		if [ "$rc" != 0 ]; then
			rm -rf "$dir"
			exit "$rc"
		fi
		grep '^bench [^ :]*: ' "$dir/out" | tail -n 1 >>"$dir/lines"
	done
	bench_median "$peers" <"$dir/lines"
	rm -rf "$dir"
	exit 0
}

# bench_median - the median line of the "bench NAME: k=v ..." lines on
# stdin; KEY_min/KEY_max for the keys PEERS matches
bench_median()
{
	awk -v peers="$1" '
	function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ }
	function decimals(s) { return index(s, ".") ? length(s) - index(s, ".") : 0 }
	function median(k,   m, i, j, t, v, d, x) {
		m = 0; d = 0
		for (i = 1; i <= runs; i++) {
			if (!((k, i) in val) || !isnum(val[k, i]))
				return last[k]
			v[++m] = val[k, i]
			if (decimals(val[k, i]) > d) d = decimals(val[k, i])
		}
		for (i = 2; i <= m; i++)	# insertion sort: a few runs
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		lo = v[1]; hi = v[m]
		if (m % 2) return v[(m + 1) / 2]
		x = (v[m / 2] + v[m / 2 + 1]) / 2
		if (x != int(x) && d == 0) d = 1
		return sprintf("%.*f", d, x)
	}
	NF >= 3 {
		runs++
		name = $1 " " $2
		for (i = 3; i <= NF; i++) {
			k = substr($i, 1, index($i, "=") - 1)
			if (k == "") continue
			if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
			val[k, runs] = substr($i, index($i, "=") + 1)
			last[k] = val[k, runs]
		}
	}
	END {
		if (runs == 0) exit
		line = name; spread = "# spread (min-max) of " runs " runs:"
		for (i = 1; i <= nk; i++) {
			k = keys[i]; lo = hi = ""
			line = line " " k "=" median(k)
			if (k ~ peers && lo != "") {
				line = line " " k "_min=" lo " " k "_max=" hi
				spread = spread " " k "=" lo "-" hi
			}
		}
		print spread
		print line " runs=" runs
	}'
}

# ------------------------------------------------ relay sink and ceiling
# What the fan-out benches (fanout.sh, scale.sh) share, once
# tests/e2e/lib.sh is sourced and Postfix runs with pf_start --sink:
# counting the copies the sink accepted from the maillog, the report of
# a phase, the post, the ceiling.
#	sent_lines DOMAIN OFFSET, sent_count DOMAIN OFFSET, log_size
#	sent_follow DOMAIN OFFSET FILE
#	wait_sent DOMAIN OFFSET N [LIST]  (with LIST also T_QUEUED and
#		T_HANDED on stderr; the caller defines db_unsent, the
#		deliveries not yet handed to the relay; every moim-listd
#		log, log/listd*.log, is read)
#	phase_end NAME DOMAIN OFFSET N T0 T1  (prints the rate)
#	members_file N DOMAIN FILE, moim_list NAME N DOMAIN (with
#	tests/e2e/moim.sh), post_file FROM TO, run_ceiling N,
#	listd_cpu, moim_breakdown NAME N T0 TFILE, ratio A B
# BENCH_TIMEOUT (seconds per phase) must be set.

# sent_lines - the status=sent lines to DOMAIN after byte OFFSET
sent_lines()
{
	tail -c "+$(($2 + 1))" "$E2E_PF_LOG" 2>/dev/null |
		grep -F "@$1>, relay=127.0.0.1[127.0.0.1]:$E2E_SINK_PORT," |
		grep -F 'status=sent'
}

# sent_count - how many recipients at DOMAIN the sink accepted after OFFSET
sent_count()
{
	sent_lines "$1" "$2" | wc -l
}

# log_size - the maillog's size in bytes: where a phase starts reading
log_size()
{
	stat -c %s "$E2E_PF_LOG" 2>/dev/null || echo 0
}

# sent_follow - copy the status=sent lines to DOMAIN after OFFSET to FILE
#	as they are logged, in the background; $_bench_follow is the pid to
#	kill when done. One tail(1) follows the log instead of a grep of it
#	per poll, which would take CPU from Postfix on a small machine.
sent_follow()
{
	local d="@$1>, relay=127.0.0.1[127.0.0.1]:$E2E_SINK_PORT,"
	# Line-buffered all the way: mawk would wait for a full input block.
	# The subshell execs tail, so $! is tail's pid; nothing keeps the
	# caller's stdout open.
	(exec tail -c "+$(($2 + 1))" -F "$E2E_PF_LOG" > >(
		grep --line-buffered -F "$d" |
			grep --line-buffered -F 'status=sent' >"$3")) \
		>/dev/null 2>&1 &
	_bench_follow=$!
}

# wait_sent - wait for N recipients at DOMAIN after OFFSET; print the time
#	the count was first seen complete (polled every 0.05 s: the
#	maillog's time stamps have whole seconds only), nothing on timeout.
#	A moim phase ($4 = list name) also notes when moim-listd committed
#	the post's copies (T_QUEUED) and when it had recorded the last copy
#	as handed to the relay (T_HANDED), on stderr.
wait_sent()
{
	local dom=$1 n=$3 name=${4:-} t tq="" th="" f rc=1
	f=$(mktemp "$E2E_DIR/sent.XXXXXX")
	sent_follow "$dom" "$2" "$f"
	for _ in $(seq 1 $((BENCH_TIMEOUT * 20))); do
		t=$EPOCHREALTIME
		if [ -n "$name" ] && [ -z "$tq" ] &&
			grep -aqE "rcpt=$name@.*result=(distributed|event announced)" \
				"$E2E_DIR"/log/listd*.log; then
			tq=$t
			echo "T_QUEUED=$tq" >&2
		fi
		if [ -n "$tq" ] && [ -z "$th" ] && [ "$(db_unsent)" = 0 ]; then
			th=$t
			echo "T_HANDED=$th" >&2
		fi
		if [ "$(wc -l <"$f")" -ge "$n" ]; then
			echo "$t"
			rc=0
			break
		fi
		sleep 0.05
	done
	kill "$_bench_follow" 2>/dev/null
	return $rc
}

# phase_end - report one phase, print its rate; $1=name $2=domain
#	$3=maillog offset $4=recipients $5=start time $6=end time or ""
phase_end()
{
	local name=$1 dom=$2 off=$3 n=$4 t0=$5 t1=$6 got uniq secs rps fmt
	pf_wait_queue_empty 120 >&2 || diag "$name: queue not empty" >&2
	got=$(sent_count "$dom" "$off")
	uniq=$(sent_lines "$dom" "$off" | sed 's/.* to=<\([^>]*\)>.*/\1/' |
		sort -u | wc -l)
	if [ -z "$t1" ]; then
		diag "$name: FAILED: $got of $n recipients" \
			"in ${BENCH_TIMEOUT}s" >&2
		: >"$E2E_DIR/failed"
		echo 0
		return 0
	fi
	secs=$(echo "$t1 - $t0" | bc -l)
	rps=$(printf '%.0f' "$(echo "$n / $secs" | bc -l)")
	fmt='%-9s %6d rcpts %7.2f s %5d rcpt/s (%d sent, %d distinct)'
	# shellcheck disable=SC2059 # the format is ours
	diag "$(printf "$fmt" "$name" "$n" "$secs" "$rps" "$got" "$uniq")" >&2
	[ "$got" = "$uniq" ] ||
		diag "$name: $((got - uniq)) duplicate copies" >&2
	[ "$uniq" -ge "$n" ] || : >"$E2E_DIR/failed"
	echo "$rps"
}

# members_file - write N addresses mNNNNNN@DOMAIN to FILE
members_file()
{
	seq -f "m%06g@$2" 1 "$1" >"$3"
}

# post_file - a ~5 KB plain-text post FROM to TO with mlmmj's pipe headers
post_file()
{
	local line
	line=$(printf 'The quick brown fox jumps over the lazy dog %.0s' 1 2)
	printf 'Return-Path: <%s>\nX-Original-To: %s\nDelivered-To: %s\n' \
		"$1" "$2" "$2"
	printf 'From: Bench <%s>\nTo: <%s>\nSubject: fan-out benchmark\n' \
		"$1" "$2"
	printf 'Date: %s\nMessage-ID: <%s.%s@bench.test>\n' "$(date -R)" \
		"$(date +%s%N)" "$RANDOM"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n'
	for _ in $(seq 1 58); do printf '%s\n' "${line% }"; done
}

# run_ceiling - smtp-source's single-recipient messages; print the rate
run_ceiling()
{
	local n=$1 dom=ceiling.bench.test off t0 t1
	off=$(log_size)
	t0=$EPOCHREALTIME
	smtp-source -d -N -s 4 -m "$n" -r 1 -l 5120 -f poster@example.net \
		-t "sink@$dom" "127.0.0.1:$E2E_RELAY_PORT" \
		>>"$E2E_DIR/log/smtp-source.log" 2>&1 ||
		diag "ceiling: smtp-source failed" >&2
	t1=$(wait_sent "$dom" "$off" "$n")
	phase_end ceiling "$dom" "$off" "$n" "$t0" "$t1"
}

# listd_cpu - user and system CPU ticks moim-listd has used so far
listd_cpu()
{
	awk '{ print $14 + $15 }' "/proc/$(e2e_daemon_pid listd)/stat" \
		2>/dev/null || echo 0
}

# moim_breakdown - how long listd took to queue, and to hand over, a post
moim_breakdown()
{
	local name=$1 n=$2 t0=$3 T_QUEUED="" T_HANDED=""
	eval "$(grep '^T_[A-Z]*=' "$4")"
	[ -n "$T_QUEUED" ] || return 0
	printf '%.2f\n' "$(echo "$T_QUEUED - $t0" | bc -l)" \
		>"$E2E_DIR/$name.queued"
	if [ -z "$T_HANDED" ]; then
		# The sink saw the last copy before listd recorded it.
		diag "$(printf '%s: copies queued in the database after %.2f s' \
			"$name" "$(echo "$T_QUEUED - $t0" | bc -l)")"
		return 0
	fi
	local fmt='%s: copies queued in the database after %.2f s; all %d'
	fmt="$fmt handed to the relay after %.2f s (%.0f rcpt/s after queueing)"
	# shellcheck disable=SC2059 # the format is ours
	diag "$(printf "$fmt" "$name" "$(echo "$T_QUEUED - $t0" | bc -l)" \
		"$n" "$(echo "$T_HANDED - $t0" | bc -l)" \
		"$(echo "$n / ($T_HANDED - $T_QUEUED)" | bc -l)")"
}

# ratio - A / B with two decimals, 0 when B is 0
ratio()
{
	[ "$2" = 0 ] && { echo 0; return; }
	printf '%.2f' "$(echo "$1 / $2" | bc -l)"
}

# moim_list - create list NAME on the list domain with N members at DOM
#	(poster@example.net owns it); says how long the import took
moim_list()
{
	local name=$1 n=$2 dom=$3 f=$E2E_DIR/$1.members t0=$EPOCHREALTIME
	members_file "$n" "$dom" "$f"
	chmod 644 "$f"
	moimctl list create "$name@$E2E_LIST_DOMAIN" --name "$name" \
		--policy open --owner poster@example.net >/dev/null || return 1
	moimctl member import "$name" "$f" >"$E2E_DIR/log/import-$name.out" \
		2>&1 || return 1
	diag "$(printf '%s: %d members imported in %.1f s' "$name" "$n" \
		"$(echo "$EPOCHREALTIME - $t0" | bc -l)")" >&2
}

# ------------------------------------------------------------- milter
# milter_mps MILTER N S FROM TO - restart the private Postfix with
#	smtpd_milters MILTER ("" = none), delivering everything to the
#	discard transport, and send N messages FROM -> TO over S sessions
#	with smtp-source (after 20 to warm up); print messages per second
milter_mps()
{
	local t0 t1 opt=() n=$2 s=$3 from=$4 to=$5
	pf_running && pf_stop
	[ -n "$1" ] && opt=(--milter "$1")
	pf_start "${opt[@]}" -o default_transport=discard \
		-o "transport_maps=" -o "virtual_mailbox_domains=" \
		>/dev/null || bail_out "postfix did not start"
	# warm up: one session, 20 messages
	smtp-source -s 1 -m 20 -f "$from" -t "$to" \
		"127.0.0.1:$E2E_SMTP_PORT"
	t0=$(date +%s.%N)
	smtp-source -s "$s" -m "$n" -f "$from" -t "$to" \
		"127.0.0.1:$E2E_SMTP_PORT" || diag "smtp-source failed"
	t1=$(date +%s.%N)
	awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d\n", n / (b - a) }'
}
