#!/bin/bash
# milter.sh - milter benchmark: Postfix alone, a do-nothing milter,
# moim-milter and OpenDKIM (verify), all on unix sockets
#
# SYNOPSIS
#	top_builddir=_build bench/milter.sh		(as root)
# DESCRIPTION
#	One private Postfix (tests/e2e/lib.sh) that delivers everything,
#	list domain included, to the discard transport. For each phase the
#	instance is restarted with a different smtpd_milters and smtp-source
#	sends BENCH_MESSAGES (2000) messages over BENCH_SESSIONS (10)
#	sessions; the rate is messages / wall-clock seconds of smtp-source:
#	  postfix   no milter
#	  null      bench/nullmilter.c (DATA and EOM callbacks that continue)
#	  moim      moim-milter; the messages go from a member to a list, so
#	            every RCPT and every end of message reads the database
#	  opendkim  OpenDKIM in verify mode (Debian package), as a peer
#	Then moim-milter's peak RSS (VmHWM) after 100 concurrent sessions.
#	The last line is
#	  bench milter: postfix_mps=N null_mps=N moim_mps=N opendkim_mps=N
#	  ratio_null=X ratio_opendkim=X rss_kb=N
#	(one line; ratio_null = moim/null, ratio_opendkim = moim/opendkim).
#	Environment: top_builddir (built milter/moim-milter, ctl/moimctl),
#	BENCH_MESSAGES, BENCH_SESSIONS, E2E_KEEP=1; BENCH_RUNS=N runs it N
#	times and prints the medians and the peers' spread (bench/lib.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" && bench_runs '^(postfix|null|opendkim)_mps$' "$0" "$@"
cd "$(dirname "$0")/.." || exit 1
top_srcdir=$PWD
: "${top_builddir:=_build}"
top_builddir=$(cd "$top_builddir" && pwd) || exit 1
export top_srcdir top_builddir
. tests/e2e/lib.sh
. tests/e2e/moim.sh
N=${BENCH_MESSAGES:-2000}
S=${BENCH_SESSIONS:-10}
e2e_init bench-milter
e2e_require milter/moim-milter ctl/moimctl
. bench/deps.sh
bench_install postfix opendkim libmilter-dev ||
	skip_all "cannot install postfix, opendkim, libmilter-dev"
command -v smtp-source >/dev/null || skip_all "smtp-source missing"
RUN=$E2E_DIR/run
mkdir -p "$RUN" && chmod 777 "$RUN"
cc -O2 -o "$E2E_DIR/nullmilter" bench/nullmilter.c -lmilter -lpthread ||
	bail_out "cannot build nullmilter"
moim_setup "milter.socket=unix:$RUN/moim.sock"
D=$E2E_LIST_DOMAIN
moimctl list create "bench@$D" >/dev/null &&
	moimctl list set bench rate_limit=0 >/dev/null &&
	moimctl member add bench alice@example.net >/dev/null ||
	bail_out "moimctl failed"
for i in $(seq 1 200); do echo "m$i@example.com"; done >"$E2E_DIR/m.txt"
moimctl member import bench "$E2E_DIR/m.txt" >/dev/null 2>&1

cat >"$E2E_DIR/opendkim.conf" <<CF
Mode v
Socket local:$RUN/dkim.sock
UMask 000
Syslog no
UserID opendkim
PidFile $RUN/opendkim.pid
CF

# phase MILTER - restart Postfix with MILTER ("" = none), print msgs/s
phase()
{
	milter_mps "$1" "$N" "$S" alice@example.net "bench@$D"
}

e2e_daemon_start null "$E2E_DIR/nullmilter" "unix:$RUN/null.sock"
e2e_daemon_start moim "$top_builddir/milter/moim-milter" -f -c "$MOIM_CONF"
e2e_daemon_start dkim opendkim -f -x "$E2E_DIR/opendkim.conf"
for s in null moim dkim; do
	e2e_wait_socket "$RUN/$s.sock" 10 || bail_out "$s did not start"
done
chmod 666 "$RUN/null.sock" "$RUN/dkim.sock"

postfix_mps=$(phase "")
diag "postfix alone: $postfix_mps msg/s"
null_mps=$(phase "unix:$RUN/null.sock")
diag "nullmilter: $null_mps msg/s"
moim_mps=$(phase "unix:$RUN/moim.sock")
diag "moim-milter: $moim_mps msg/s"
fails=$(grep -c 'milter-reject\|451 4.3.0' "$E2E_PF_LOG")
diag "moim-milter refusals in the maillog: $fails (want 0)"
dkim_mps=$(phase "unix:$RUN/dkim.sock")
diag "opendkim: $dkim_mps msg/s"

# 100 concurrent sessions against moim-milter, then its peak RSS
phase "unix:$RUN/moim.sock" >/dev/null
smtp-source -s 100 -m 1000 -f alice@example.net -t "bench@$D" \
	"127.0.0.1:$E2E_SMTP_PORT"
rss_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$(e2e_daemon_pid moim)/status")
echo "bench milter: postfix_mps=$postfix_mps null_mps=$null_mps" \
	"moim_mps=$moim_mps opendkim_mps=$dkim_mps" \
	"ratio_null=$(awk -v a="$moim_mps" -v b="$null_mps" 'BEGIN { printf "%.2f", a / b }')" \
	"ratio_opendkim=$(awk -v a="$moim_mps" -v b="$dkim_mps" 'BEGIN { printf "%.2f", a / b }')" \
	"rss_kb=$rss_kb"
# the EXIT trap stops everything; keep its notes off the last line
exec >/dev/null 2>&1
