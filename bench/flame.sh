#!/bin/bash
# flame.sh - a flame graph of what a bench spends its time on
#
# SYNOPSIS
#	bench/flame.sh BENCH [ARGS...]			(as root)
#	FLAME_NAME=archive-search FLAME_COMM=moimctl \
#	    FLAME_PROCESS=ctl_archive_search bench/flame.sh archive _build
# DESCRIPTION
#	Runs bench/BENCH.sh ARGS under "perf record" (linux-perf; call
#	stacks unwound with DWARF, since neither moim nor Debian's libraries
#	keep frame pointers), every process the bench starts included, and
#	writes doc/perf/NAME.folded (one line per distinct stack, the format
#	flame graph tools share) and doc/perf/NAME.svg (bench/flame.py: a
#	static flame graph, the full name and share of each frame in its
#	tooltip). The bench's own output passes through; its figures are
#	slowed by the sampling, so take them from a run without perf.
#
#	Environment: FLAME_NAME (default BENCH), FLAME_COMM (keep the
#	samples of that command only, e.g. moimctl), FLAME_PROCESS (keep the
#	processes with a frame matching this regular expression, whole),
#	FLAME_FREQ (samples a second, default 499), FLAME_STACK (bytes of
#	stack copied per sample, default 4096), FLAME_KEEP=1 keeps the
#	perf.data (its path is printed).
# ERRORS
#	Exits with the bench's status when it fails (no graph), 77 when
#	linux-perf is missing and cannot be installed.
# SEE ALSO
#	bench/flame.py, bench/lib.sh, doc/perf/README.md, perf-record(1)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

benchdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$benchdir")
if [ $# -lt 1 ] || [ ! -f "$benchdir/$1.sh" ]; then
	echo "usage: bench/flame.sh BENCH [ARGS...] (BENCH: archive," \
		"fanout, milter, web)" >&2
	exit 2
fi
bench=$1
shift
name=${FLAME_NAME:-$bench}
# shellcheck source=bench/deps.sh
. "$benchdir/deps.sh"
bench_install linux-perf python3 ||
	{ echo "flame: cannot install linux-perf" >&2; exit 77; }

W=$(mktemp -d /tmp/flame.XXXXXX) || exit 1
trap '[ -n "${FLAME_KEEP:-}" ] || rm -rf "$W"' EXIT
BENCH_RUNS=1 perf record -q -F "${FLAME_FREQ:-499}" \
	--call-graph "dwarf,${FLAME_STACK:-4096}" -o "$W/perf.data" -- \
	bash "$benchdir/$bench.sh" "$@"
rc=$?
[ "$rc" = 0 ] || exit "$rc"
[ -n "${FLAME_KEEP:-}" ] && echo "# flame: perf data in $W/perf.data"

opts=()
[ -n "${FLAME_COMM:-}" ] && opts+=(--comm "$FLAME_COMM")
[ -n "${FLAME_PROCESS:-}" ] && opts+=(--process "$FLAME_PROCESS")
mkdir -p "$srcdir/doc/perf"
perf script -i "$W/perf.data" 2>/dev/null |
	python3 "$benchdir/flame.py" "${opts[@]}" \
		"$srcdir/doc/perf/$name.folded" "$srcdir/doc/perf/$name.svg" ||
	exit 1
echo "# flame: doc/perf/$name.svg, doc/perf/$name.folded"
