#!/bin/bash
# fanout.sh - fan-out benchmark: moim-listd against mlmmj and smtp-source
#
# SYNOPSIS
#	top_builddir=_build bench/fanout.sh		(as root)
#	BENCH_MEMBERS=2000 BENCH_PERF=/tmp/perf bench/fanout.sh
# DESCRIPTION
#	Starts one private Postfix (tests/e2e/lib.sh) whose relay port sends
#	all non-list mail to Postfix's smtp-sink on loopback, then measures,
#	one after the other on that same instance, the time from injecting
#	one 5 KB post until the sink has accepted every recipient's copy:
#	  moim_personal  a BENCH_MEMBERS-member moim list, delivery=personal
#	  moim_batched   the same size, delivery=batched (XVERP)
#	  mlmmj          mlmmj's default (one transaction per recipient) on
#	                 BENCH_MLMMJ_MEMBERS members, scaled (it is slow)
#	  mlmmj_xverp    mlmmj with control/verp = postfix, BENCH_MEMBERS
#	  moim_invite    the same size, an owner's event announcement: each
#	                 member gets a personal iTIP REQUEST (no peer does
#	                 this; compared with moim_personal, the plain post)
#	  ceiling        smtp-source -d -N -s 4 -m BENCH_MEMBERS -r 1: ideal
#	                 single-recipient messages into the relay port
#	  moim_signed    moim_personal with [listd] dkim_key: moim-listd
#	                 DKIM-signs each copy (RSA 2048, body hashed once per
#	                 post); moim-listd restarted with the key
#	  opendkim_signed  moim_personal unsigned, through a second relay
#	                 smtpd with OpenDKIM (Mode s, the same key, the
#	                 SignHeaders moimctl postfix-config suggests) as its
#	                 milter: the documented alternative
#	Each phase uses its own recipient domain (P.bench.test). A recipient
#	counts when the maillog has its "status=sent" line with relay= the
#	sink: Postfix writes it after the sink's 250 to the end of DATA, one
#	line per recipient, so the count is exact. The maillog's time stamps
#	have whole seconds, so a phase ends when the last such line is seen
#	written (tail -F, no poll); it starts just before the injection
#	(moim's post goes in over SMTP from the bench's own shell, with no
#	program to start: bench/lib.sh smtp_inject).
#	Every phase is measured the same way: nothing polls the database
#	or the logs during a phase (bench/lib.sh wait_sent). The queue is
#	empty before the next phase starts; recipients seen more than once
#	are reported. For moim phases the time until moim-listd has
#	committed the copies (its log's result line) and until Postfix's
#	queue manager had taken in the last copy moim-listd relayed (the
#	maillog's from=<LIST-bounces... lines) is reported too, and for
#	mlmmj phases the latter (from=<LIST+bounces-...): the part of a
#	phase the list server itself sets the pace of, the rest being
#	Postfix's deliveries. The last line is
#	  bench fanout: moim_personal_rps=N moim_batched_rps=N mlmmj_rps=N
#	  mlmmj_xverp_rps=N ceiling_rps=N moim_invite_rps=N
#	  ratio_personal_ceiling=X ratio_batched_xverp=X
#	  ratio_invite_personal=X moim_signed_rps=N opendkim_signed_rps=N
#	  ratio_signed_opendkim=X ratio_signed_unsigned=X
#	  moim_invite_queued_s=X moim_invite_db_bytes=N
#	  moim_batched_handed_s=X mlmmj_xverp_handed_s=X
#	(one line); other lines start with "# ".
#
#	Environment: top_builddir (default _build, relative to the source
#	tree) holds the built listd/moim-listd and ctl/moimctl; nothing is
#	built here. BENCH_MEMBERS (10000), BENCH_MLMMJ_MEMBERS (300),
#	BENCH_CONNECTIONS ([listd] connections, default the config's),
#	BENCH_TIMEOUT (seconds per phase, 600), BENCH_PERF=DIR records
#	`perf record -g` of moim-listd during each moim phase into DIR,
#	E2E_KEEP=1 keeps the work directory. BENCH_PHASES (default all)
#	names the phases to run, separated by spaces (ceiling personal
#	batched invite xverp mlmmj signed odk); a phase left out reports 0.
#	For each moim phase the growth of the database (bytes of pages,
#	read before the post and after the phase) and the time until the
#	copies were queued are reported; the invite phase's go on the last
#	line as moim_invite_db_bytes and moim_invite_queued_s.
# INPUT AND LIMITS
#	Needs root. Installs missing Debian packages (postfix preseeded with
#	"No configuration", postfix-sqlite, swaks, mlmmj, iproute2,
#	util-linux, procps, bc, sqlite3, openssl, opendkim, mawk;
#	linux-perf with BENCH_PERF).
#	Touches no system Postfix configuration; every daemon listens on
#	127.0.0.1 only.
# ERRORS
#	Exits 1 when a phase does not complete (its rate is then 0; the
#	work directory is kept), 77 when packages are missing and cannot be
#	installed; prints "1..0 # SKIP why" and exits 0 when the programs
#	are not built or the machine cannot run a private Postfix.
# SEE ALSO
#	tests/e2e/lib.sh, tests/e2e/moim.sh, smtp-source(1), smtp-sink(1),
#	mlmmj TUNABLES (verp, relayhost, smtpport), issue 3 (Benchmark)
# shellcheck source-path=SCRIPTDIR/..
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" &&
	bench_runs '^(ceiling|mlmmj|mlmmj_xverp|opendkim_signed)_rps$' "$0" "$@"
set -u

bench_top "$0"

BENCH_MEMBERS=${BENCH_MEMBERS:-10000}
BENCH_MLMMJ_MEMBERS=${BENCH_MLMMJ_MEMBERS:-300}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}

# shellcheck source=bench/deps.sh
. "$BENCH_SRCDIR/bench/deps.sh"
# bench_deps - install the Debian packages the benchmark needs, if missing
bench_deps()
{
	local pkgs="postfix postfix-sqlite swaks mlmmj iproute2 util-linux
	    procps bc sqlite3 openssl opendkim mawk"
	[ -n "${BENCH_PERF:-}" ] && pkgs="$pkgs linux-perf"
	# shellcheck disable=SC2086 # one word per package
	bench_install $pkgs
}

bench_deps || exit 77
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"
# shellcheck source=tests/e2e/moim.sh
. "$top_srcdir/tests/e2e/moim.sh"

# ------------------------------------------------------------ counting

# db_bytes - the database's size in bytes (pages in use, WAL included)
db_bytes()
{
	sqlite3 -readonly -cmd '.timeout 2000' "$E2E_DIR/db/moim.db" \
		"SELECT (SELECT page_count FROM pragma_page_count()) *
		    (SELECT page_size FROM pragma_page_size()) -
		    (SELECT freelist_count FROM pragma_freelist_count()) *
		    (SELECT page_size FROM pragma_page_size())" 2>/dev/null ||
		echo 0
}

# ------------------------------------------------------------- set-up

# event_file - an owner's ~1 KB event announcement FROM to TO, for a day
#	30 days ahead (no reminder falls inside the benchmark); run_moim
#	calls it by name
# shellcheck disable=SC2317
event_file()
{
	printf 'From: Bench <%s>\nTo: <%s>\nSubject: forum announcement\n' \
		"$1" "$2"
	printf 'Date: %s\nMessage-ID: <%s.%s@bench.test>\n' "$(date -R)" \
		"$(date +%s%N)" "$RANDOM"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n'
	printf '행사: 제1회 공개기술포럼\n일시: %s 14:00-17:00\n' \
		"$(TZ=Asia/Seoul date -d '+30 days' +%Y-%m-%d)"
	printf '장소: 한국항공우주연구원 4층 시청각실\n정원: 80명\n\n'
	printf '연구원, 학생, 스타트업 모두 환영합니다.\n'
}

# mlmmj_list - an mlmmj list directory NAME with N members at DOM
#	$4 = control/verp contents, or "-" for none (the default mode)
mlmmj_list()
{
	local dir=$E2E_DIR/mlmmj/$1 d
	for d in incoming queue queue/discarded archive text subconf \
		unsubconf bounce control moderation subscribers.d \
		digesters.d requeue nomailsubs.d; do
		mkdir -p "$dir/$d" || return 1
	done
	: >"$dir/index"
	cp /usr/share/mlmmj/text.skel/en/* "$dir/text/" 2>/dev/null
	echo "$1@$3" >"$dir/control/listaddress"
	echo "owner@example.net" >"$dir/control/owner"
	echo 127.0.0.1 >"$dir/control/relayhost"
	echo "$E2E_RELAY_PORT" >"$dir/control/smtpport"
	[ "$4" = - ] || echo "$4" >"$dir/control/verp"
	members_file "$2" "$3" "$dir/subscribers.d/m"
}

# ------------------------------------------------------------- phases

# run_moim - post to moim list NAME (N members at DOM) what $4 (post_file
#	by default) writes; print the rate
run_moim()
{
	local name=$1 n=$2 dom=$3 off t0 t1 cpu hz f=$E2E_DIR/msg/$1.eml b0
	"${4:-post_file}" poster@example.net "$name@$E2E_LIST_DOMAIN" >"$f"
	b0=$(db_bytes)
	perf_start "$name"
	cpu=$(listd_cpu)
	off=$(log_size)
	t0=$EPOCHREALTIME
	smtp_inject "$E2E_SMTP_PORT" poster@example.net \
		"$name@$E2E_LIST_DOMAIN" "$f" ||
		diag "$name: the post was not accepted" >&2
	t1=$(wait_sent "$dom" "$off" "$n" "$name" 2>"$E2E_DIR/$name.t")
	cpu=$(($(listd_cpu) - cpu))
	perf_stop
	moim_breakdown "$name" "$n" "$t0" "$E2E_DIR/$name.t" >&2
	echo $(($(db_bytes) - b0)) >"$E2E_DIR/$name.dbgrowth"
	diag "$name: the database grew by $(cat "$E2E_DIR/$name.dbgrowth") bytes" >&2
	hz=$(getconf CLK_TCK)
	diag "$(printf '%s: moim-listd used %.2f s of CPU (%.0f us/recipient)' \
		"$name" "$(echo "$cpu / $hz" | bc -l)" \
		"$(echo "$cpu * 1000000 / $hz / $n" | bc -l)")" >&2
	phase_end "$name" "$dom" "$off" "$n" "$t0" "$t1"
}

# run_mlmmj - post to mlmmj list NAME (N members at DOM); print the rate
run_mlmmj()
{
	local name=$1 n=$2 dom=$3 off t0 t1 dir=$E2E_DIR/mlmmj/$1
	post_file poster@example.net "$name@$dom" >"$E2E_DIR/msg/$name.eml"
	off=$(log_size)
	t0=$EPOCHREALTIME
	/usr/bin/mlmmj-receive -F -L "$dir" <"$E2E_DIR/msg/$name.eml" \
		>>"$E2E_DIR/log/mlmmj.log" 2>&1 ||
		diag "$name: mlmmj-receive failed" >&2
	t1=$(wait_sent "$dom" "$off" "$n" "" "$name+bounces-" \
		2>"$E2E_DIR/$name.t")
	handed "$name" "$n" "$t0" "$E2E_DIR/$name.t" >&2
	phase_end "$name" "$dom" "$off" "$n" "$t0" "$t1"
}

# handed - when Postfix had every recipient mlmmj-send relayed for NAME
handed()
{
	local name=$1 n=$2 t0=$3 T_HANDED=""
	eval "$(grep '^T_HANDED=' "$4")"
	[ -n "$T_HANDED" ] || return 0
	printf '%.2f\n' "$(echo "$T_HANDED - $t0" | bc -l)" \
		>"$E2E_DIR/$name.handed"
	diag "$(printf '%s: all %d handed to the relay after %.2f s' \
		"$name" "$n" "$(cat "$E2E_DIR/$name.handed")")"
}

# perf_start - perf record moim-listd into BENCH_PERF/NAME.data, if asked
perf_start()
{
	[ -n "${BENCH_PERF:-}" ] || return 0
	mkdir -p "$BENCH_PERF"
	perf record -g -o "$BENCH_PERF/$1.data" -p "$(e2e_daemon_pid listd)" \
		>"$BENCH_PERF/$1.log" 2>&1 &
	_bench_perf=$!
}

# perf_stop - stop the recording perf_start began
perf_stop()
{
	[ -n "${_bench_perf:-}" ] || return 0
	kill -INT "$_bench_perf" 2>/dev/null
	wait "$_bench_perf" 2>/dev/null
	_bench_perf=
}

# odk_setup - a DKIM key for both signers, OpenDKIM signing with it on
#	$BENCH_ODK_PORT, and the master.cf lines of a second relay smtpd on
#	$BENCH_RELAY2_PORT that has OpenDKIM as its milter
odk_setup()
{
	local k=$E2E_DIR/keys
	mkdir -p "$k" && openssl genpkey -algorithm RSA \
		-pkeyopt rsa_keygen_bits:2048 -out "$k/dkim.pem" 2>/dev/null ||
		return 1
	chgrp -R moim "$k" && chmod 750 "$k" && chmod 640 "$k/dkim.pem"
	echo "* bench" >"$E2E_DIR/etc/odk.signing"
	echo "bench $E2E_LIST_DOMAIN:s1:$k/dkim.pem" >"$E2E_DIR/etc/odk.keys"
	cat >"$E2E_DIR/etc/opendkim.conf" <<CF
Mode s
Socket inet:$BENCH_ODK_PORT@127.0.0.1
Background no
Syslog no
RequireSafeKeys no
Canonicalization relaxed/relaxed
SigningTable refile:$E2E_DIR/etc/odk.signing
KeyTable file:$E2E_DIR/etc/odk.keys
SignHeaders From,Reply-To,Subject,Date,Message-ID,To,Cc,MIME-Version,Content-Type,List-Id,List-Post,List-Help,List-Subscribe,List-Archive,List-Unsubscribe,List-Unsubscribe-Post
OversignHeaders From,Subject,List-Id,List-Unsubscribe,List-Unsubscribe-Post
CF
	cat >"$E2E_DIR/etc/master-odk.cf" <<CF
127.0.0.1:$BENCH_RELAY2_PORT inet n - n - - smtpd
  -o smtpd_milters=inet:127.0.0.1:$BENCH_ODK_PORT -o non_smtpd_milters=
  -o milter_default_action=tempfail -o syslog_name=postfix/relay2
CF
}

# listd_restart CONF-LINES... - moim-listd again, with the base moim.conf
#	and "section.key=value" settings after it (a signing key, a relay)
listd_restart()
{
	local kv
	listd_stop
	cp "$E2E_DIR/etc/base.conf" "$MOIM_CONF"
	for kv in "$@"; do
		printf '[%s]\n%s = %s\n' "${kv%%.*}" "$(echo "${kv#*.}" |
			cut -d= -f1)" "${kv#*=}" >>"$MOIM_CONF"
	done
	listd_start
}

# bench_setup - Postfix with the sink, moim-listd, two moim and two mlmmj lists
bench_setup()
{
	local conf=()
	e2e_init fanout-bench
	e2e_require listd/moim-listd ctl/moimctl
	[ -x /usr/bin/mlmmj-receive ] || skip_all "mlmmj not installed"
	command -v bc >/dev/null || skip_all "bc not installed"
	e2e_pick_port BENCH_SINK_PORT || bail_out "no free port"
	[ -n "${BENCH_CONNECTIONS:-}" ] &&
		conf+=("listd.connections=$BENCH_CONNECTIONS")
	moim_setup "${conf[@]}"
	cp "$MOIM_CONF" "$E2E_DIR/etc/base.conf"
	e2e_pick_port BENCH_ODK_PORT && e2e_pick_port BENCH_RELAY2_PORT ||
		bail_out "no free port"
	odk_setup || bail_out "OpenDKIM set-up"
	e2e_daemon_start opendkim opendkim -f -x "$E2E_DIR/etc/opendkim.conf" &&
		e2e_wait_port "$BENCH_ODK_PORT" 10 ||
		bail_out "opendkim did not start"
	pf_start --sink "$BENCH_SINK_PORT" \
		--master-cf "$E2E_DIR/etc/master-odk.cf" ||
		bail_out "postfix did not start"
	e2e_sink_start "$BENCH_SINK_PORT" || bail_out "smtp-sink did not start"
	# The invite phase measures fan-out, not the owner's confirmation
	# round trip (issue 13.4): its list trusts From for the announcement.
	if ! moim_list personal "$BENCH_MEMBERS" personal.bench.test ||
		! moim_list batched "$BENCH_MEMBERS" batched.bench.test ||
		! moimctl list set batched delivery=batched >/dev/null ||
		! moim_list invite "$BENCH_MEMBERS" invite.bench.test ||
		! moim_list signed "$BENCH_MEMBERS" signed.bench.test ||
		! moim_list odk "$BENCH_MEMBERS" odk.bench.test ||
		! moimctl list set invite privileged_auth=from >/dev/null; then
		bail_out "moim lists"
	fi
	if ! mlmmj_list mlmmj "$BENCH_MLMMJ_MEMBERS" mlmmj.bench.test - ||
		! mlmmj_list xverp "$BENCH_MEMBERS" xverp.bench.test \
			postfix; then
		bail_out "mlmmj lists"
	fi
	listd_start || bail_out "moim-listd did not start"
}

# sign_sample - the sink keeps nothing: say how many copies moim-listd
#	could not sign (it logs each)
sign_sample()
{
	local n
	n=$(grep -c 'dkim d=.*copy sent unsigned' "$E2E_DIR/log/listd.log")
	diag "moim-listd: ${n:-0} copies it could not sign"
}

# phase - whether BENCH_PHASES names phase $1 (every phase by default)
phase()
{
	case " ${BENCH_PHASES:-all} " in
	*" all "* | *" $1 "*) return 0 ;;
	esac
	return 1
}

# phase_file - the contents of the work directory's file $1, or 0
phase_file()
{
	cat "$E2E_DIR/$1" 2>/dev/null || echo 0
}

# main - every phase on the same Postfix, then the summary line
main()
{
	local p=0 b=0 m=0 x=0 c=0 i=0 s=0 o=0
	bench_setup
	local mm="mlmmj_default_members=$BENCH_MLMMJ_MEMBERS"
	diag "members=$BENCH_MEMBERS $mm" \
		"counted: maillog status=sent lines relayed to smtp-sink" \
		"(one per recipient, after the sink's 250)"
	phase ceiling && c=$(run_ceiling "$BENCH_MEMBERS")
	phase personal &&
		p=$(run_moim personal "$BENCH_MEMBERS" personal.bench.test)
	phase batched &&
		b=$(run_moim batched "$BENCH_MEMBERS" batched.bench.test)
	phase invite &&
		i=$(run_moim invite "$BENCH_MEMBERS" invite.bench.test event_file)
	phase xverp && x=$(run_mlmmj xverp "$BENCH_MEMBERS" xverp.bench.test)
	phase mlmmj &&
		m=$(run_mlmmj mlmmj "$BENCH_MLMMJ_MEMBERS" mlmmj.bench.test)
	# Signing: moim-listd with the key, then unsigned through OpenDKIM.
	if phase signed; then
		listd_restart "listd.dkim_selector=s1" \
			"listd.dkim_key=$E2E_DIR/keys/dkim.pem" >&2 ||
			bail_out "moim-listd did not start with the key"
		s=$(run_moim signed "$BENCH_MEMBERS" signed.bench.test)
	fi
	if phase odk; then
		listd_restart "listd.relay=127.0.0.1:$BENCH_RELAY2_PORT" >&2 ||
			bail_out "moim-listd did not start on the OpenDKIM relay"
		o=$(run_moim odk "$BENCH_MEMBERS" odk.bench.test)
	fi
	sign_sample >&2
	# The work dir is removed on exit unless something failed.
	[ -e "$E2E_DIR/failed" ] && _t_failed=1
	echo "bench fanout: moim_personal_rps=$p moim_batched_rps=$b" \
		"mlmmj_rps=$m mlmmj_xverp_rps=$x ceiling_rps=$c" \
		"moim_invite_rps=$i" \
		"ratio_personal_ceiling=$(ratio "$p" "$c")" \
		"ratio_batched_xverp=$(ratio "$b" "$x")" \
		"ratio_invite_personal=$(ratio "$i" "$p")" \
		"moim_signed_rps=$s opendkim_signed_rps=$o" \
		"ratio_signed_opendkim=$(ratio "$s" "$o")" \
		"ratio_signed_unsigned=$(ratio "$s" "$p")" \
		"moim_invite_queued_s=$(phase_file invite.queued)" \
		"moim_invite_db_bytes=$(phase_file invite.dbgrowth)" \
		"moim_batched_handed_s=$(phase_file batched.handed)" \
		"mlmmj_xverp_handed_s=$(phase_file xverp.handed)"
	[ "$_t_failed" = 0 ] && exit 0
	exit 1
}

main "$@"
