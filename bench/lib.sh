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
#
# A median of an even number of runs is the mean of the middle two; a
# value that is not a number in some run is taken from the last run.
# Call bench_runs first thing, before the bench changes directory.

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
