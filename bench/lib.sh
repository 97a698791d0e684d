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
#	follow OUT N SUM P1 P2 TAIL-ARGS..., follow_stop PIDFILE
#	wait_sent DOMAIN OFFSET N [LIST]  (with LIST also T_QUEUED and
#		T_HANDED on stderr; every moim-listd log, log/listd*.log,
#		is read)
#	phase_end NAME DOMAIN OFFSET N T0 T1  (prints the rate)
#	smtp_inject PORT FROM TO FILE  (a post in, with no program to start)
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

# follow - in the background, follow FILE... from byte START (tail's
#	-c +START; "-n +1" style words pass through as given in $2) and
#	once the lines holding the fixed strings P1 and P2 (P2 may be
#	empty) add up to N, write $EPOCHREALTIME to OUT: each such line
#	counts 1, or with SUM=1 the number after its "nrcpt=" (Postfix's
#	qmgr line of a message). $_bench_tail gets the file holding
#	tail's pid, for follow_stop. Nothing polls: tail(1) waits on
#	inotify, grep filters in C, and mawk reads line by line
#	(-W interactive: it would wait for a full input block otherwise),
#	so a follower costs the same few milliseconds in every phase.
#	Usage: follow OUT N SUM P1 P2 TAIL-ARGS...
follow()
{
	local out=$1 n=$2 sum=$3 p1=$4 p2=$5 pidf
	shift 5
	pidf=$(mktemp "$E2E_DIR/tail.XXXXXX")
	# The last element writes the time as soon as mawk has seen N:
	# it does not wait for tail and grep, which end when tail is killed.
	# shellcheck disable=SC2016 # expanded by the inner bash
	(bash -c 'echo $$ >"$1"; shift; exec tail -F "$@" 2>/dev/null' _ \
		"$pidf" "$@" |
		grep --line-buffered -F -- "$p1" |
		grep --line-buffered -F -- "$p2" |
		{
			mawk -W interactive -v n="$n" -v sum="$sum" '
			{
				if (!sum) c++
				else if (match($0, /nrcpt=[0-9]+/))
					c += substr($0, RSTART + 6, RLENGTH - 6)
				if (c >= n) exit 0
			}
			END { if (c < n) exit 1 }' &&
				echo "$EPOCHREALTIME" >"$out"
		}) >/dev/null 2>&1 &
	_bench_tail=$pidf
}

# follow_stop PIDFILE - end a follower (its tail; the rest sees the end)
follow_stop()
{
	local pid
	read -r pid 2>/dev/null <"$1" && kill "$pid" 2>/dev/null
	rm -f "$1"
}

# wait_sent - wait for N recipients at DOMAIN after OFFSET; print the time
#	the sink's last "status=sent" line was logged (seen as it is
#	written: tail -F; the maillog's own time stamps have whole seconds
#	only), nothing on timeout. With LIST ($4, a moim list) the time
#	moim-listd logged the post's result (T_QUEUED: the copies are
#	committed) and the time Postfix's qmgr had taken in every copy
#	moim-listd relayed (T_HANDED: the "from=<LIST-bounces" lines'
#	nrcpt add up to N) go to stderr too; FROM ($5, an envelope sender's
#	start, e.g. mlmmj's "LIST+bounces-") gives T_HANDED alone, for
#	those lines. Every phase is measured the same way and nothing polls
#	the database or the logs: the followers wake on each new log line
#	only.
wait_sent()
{
	local dom=$1 off=$2 n=$3 name=${4:-} from=${5:-} t="" fq fh tq th
	local pq="" ph=""
	local sent="@$dom>, relay=127.0.0.1[127.0.0.1]:$E2E_SINK_PORT,"
	local ft fd
	# The main follower writes its time into a FIFO that this shell
	# reads with a timeout: the one wait of the phase, with no poll.
	ft=$(mktemp -u "$E2E_DIR/sent.XXXXXX") && mkfifo "$ft" || return 1
	exec {fd}<>"$ft"
	if [ -n "$name" ]; then
		fq=$(mktemp "$E2E_DIR/queued.XXXXXX")
		follow "$fq" 1 0 "rcpt=$name@" " result=" -n +1 \
			"$E2E_DIR"/log/listd*.log
		pq=$_bench_tail
		[ -n "$from" ] || from=$name-bounces
	fi
	if [ -n "$from" ]; then
		fh=$(mktemp "$E2E_DIR/handed.XXXXXX")
		follow "$fh" "$n" 1 "from=<$from" "nrcpt=" \
			-c "+$((off + 1))" "$E2E_PF_LOG"
		ph=$_bench_tail
	fi
	follow "$ft" "$n" 0 "$sent" "status=sent" -c "+$((off + 1))" \
		"$E2E_PF_LOG"
	read -r -t "$BENCH_TIMEOUT" -u "$fd" t || t=""
	follow_stop "$_bench_tail"
	exec {fd}<&-
	rm -f "$ft"
	if [ -n "$name" ]; then
		read -r tq 2>/dev/null <"$fq" && echo "T_QUEUED=$tq" >&2
		follow_stop "$pq"
	fi
	if [ -n "$from" ]; then
		read -r th 2>/dev/null <"$fh" && echo "T_HANDED=$th" >&2
		follow_stop "$ph"
	fi
	[ -n "$t" ] || return 1
	echo "$t"
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

# smtp_reply FD CODE - read one SMTP reply from FD; whether it is CODE
smtp_reply()
{
	local line
	while IFS= read -r -t 60 -u "$1" line; do
		case $line in
		"$2-"*) ;;
		"$2 "*) return 0 ;;
		*) return 1 ;;
		esac
	done
	return 1
}

# smtp_inject PORT FROM TO FILE - send FILE from FROM to TO to 127.0.0.1
#	PORT over SMTP, from this shell (bash's /dev/tcp): a phase's clock
#	runs while the post goes in, and swaks, a Perl program, takes 0.3
#	to 0.7 s of it just to start where smtp-source and mlmmj-receive
#	(C) take milliseconds. Whether the post was accepted.
smtp_inject()
{
	local fd ok=1
	exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
	smtp_reply "$fd" 220 &&
		printf 'EHLO client.e2e.test\r\n' >&"$fd" &&
		smtp_reply "$fd" 250 &&
		printf 'MAIL FROM:<%s>\r\n' "$2" >&"$fd" &&
		smtp_reply "$fd" 250 &&
		printf 'RCPT TO:<%s>\r\n' "$3" >&"$fd" &&
		smtp_reply "$fd" 250 &&
		printf 'DATA\r\n' >&"$fd" && smtp_reply "$fd" 354 &&
		sed -e 's/^\./../' -e 's/$/\r/' "$4" >&"$fd" &&
		printf '.\r\n' >&"$fd" && smtp_reply "$fd" 250 && ok=0
	{ printf 'QUIT\r\n' >&"$fd"; } 2>/dev/null
	exec {fd}>&-
	return $ok
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
	printf '%.2f\n' "$(echo "$T_HANDED - $t0" | bc -l)" \
		>"$E2E_DIR/$name.handed"
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
