#!/bin/bash
# lib.sh - end-to-end test harness: TAP helpers and a private Postfix.
#
# SYNOPSIS
#	#!/bin/bash
#	[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
#	. "$(dirname "$0")/lib.sh"
#	e2e_init NAME			# skips unless root with Postfix
#	pf_start [--milter SPEC] [--sink PORT] [-o name=value]...
#	         [--main-cf FILE] [--master-cf FILE]
#	t_ok "desc" CMD ARGS...		# ok if CMD exits 0
#	t_is GOT WANT "desc"
#	t_done				# prints 1..N, exits
# DESCRIPTION
#	Sourced by each test in tests/e2e/. e2e_init makes a fresh work dir
#	($E2E_DIR), picks free loopback ports and installs an EXIT trap that
#	stops every daemon and the Postfix instance, even on failure or ^C.
#	pf_start writes main.cf/master.cf for a Postfix instance that lives
#	only in $E2E_DIR and listens only on 127.0.0.1:
#	  $E2E_SMTP_PORT   smtpd with the milter (when --milter is given)
#	  $E2E_RELAY_PORT  smtpd without milters, for moim-listd's fan-out
#	Mail to $E2E_LIST_DOMAIN goes over LMTP to 127.0.0.1:$E2E_LMTP_PORT
#	(where moim-listd listens); mail to any local part at example.net,
#	example.com and $E2E_MEMBER_DOMAINS lands in a Maildir under
#	$E2E_MAILDIR_BASE/DOMAIN/USER/ (virtual(8), as user nobody, address
#	in lower case); any other domain is refused at RCPT with 550 5.1.2,
#	so no mail ever leaves the machine. With --sink PORT all non-list
#	mail goes to smtp:[127.0.0.1]:PORT instead (e2e_sink_start runs
#	smtp-sink there), for benchmarks. --milter sets smtpd_milters (with
#	milter_default_action = tempfail, milter_protocol = 6) on the SMTP
#	port only; a unix milter socket must be writable by user postfix.
#	-o name=value appends a main.cf line (the last setting wins).
#	--main-cf FILE and --master-cf FILE append FILE's lines, as they
#	are, to main.cf and master.cf (for lines a program printed).
#
#	Variables exported by e2e_init:
#	  E2E_DIR E2E_NAME E2E_SMTP_PORT E2E_RELAY_PORT E2E_LMTP_PORT
#	  E2E_MILTER_SOCKET (unix socket path) E2E_MILTER_PORT (for inet)
#	  E2E_MAILDIR_BASE E2E_LIST_DOMAIN E2E_PF_DIR (config dir)
#	  E2E_PF_QUEUE E2E_PF_LOG top_srcdir top_builddir
#
#	TAP:     plan N, t_ok, t_not, t_is, t_like, pass, fail, skip, diag,
#	         skip_all REASON, bail_out REASON, t_done
#	Postfix: pf_start, pf_stop, pf_running, pf_flush, pf_queue_count,
#	         pf_wait_queue_empty SECS, pf_log_wait REGEX SECS
#	Sending: send_mail [--port P] FROM TO FILE (SMTP port by default),
#	         send_mail_text [--port P] FROM TO SUBJECT BODY,
#	         send_mail_expect CODE [--port P] FROM TO FILE (CODE is a
#	         glob: 250, 4*), send_mail_code, send_mail_queue_id (of the
#	         last transcript, $E2E_LAST_SWAKS), mail_text FROM TO SUBJECT
#	         BODY > FILE. TO is one address, a comma-separated list, or
#	         @FILE with one address per line. send_posts [--port P] N
#	         PREFIX TO FROM... (N posts on one connection).
#	Maildir: maildir_count ADDR, maildir_wait ADDR N SECS,
#	         maildir_files ADDR, maildir_last ADDR, maildir_dir ADDR,
#	         maildir_tally DOMAIN
#	Waiting: e2e_poll SECS CMD... | e2e_poll SECS 'SHELL STRING'
#	Ports:   e2e_pick_port VAR (a free port for a test's own server)
#	Daemons: e2e_daemon_start NAME CMD..., e2e_daemon_stop NAME,
#	         e2e_daemon_kill9 NAME, e2e_daemon_running NAME,
#	         e2e_daemon_pid NAME, e2e_require PROG... (skip if not built),
#	         e2e_wait_port PORT SECS, e2e_wait_socket PATH SECS,
#	         e2e_sink_start PORT
#	Failure: e2e_dump (maillog and daemon logs as "# " lines); also run
#	         by the EXIT trap when any test failed.
# OWNERSHIP
#	$E2E_DIR is removed on exit when every test passed; it is kept (and
#	its path printed) after a failure, or always with E2E_KEEP=1.
# INPUT AND LIMITS
#	Needs root, postfix, postfix-sqlite (virtual(8) refuses regexp
#	substitution, so an SQL expression maps any address to its Maildir),
#	swaks, ss and setsid; otherwise e2e_init skips the test. One
#	transaction may carry 20,000 recipients. Ports are picked at random
#	from 20000 up to the kernel's ephemeral range (outgoing connections
#	take ports there) and checked free in any TCP state with ss(8). A test waits for
#	asynchronous delivery with maildir_wait, pf_wait_queue_empty or
#	e2e_poll, never with a fixed sleep.
# THREADS
#	Several tests may run at once (make -j): each has its own dir, ports
#	and Postfix instance; nothing touches the system Postfix.
# ERRORS
#	Helpers return non-zero on failure and print why as TAP diag lines;
#	t_done exits 1 when a test failed (0 under automake's tap-driver,
#	which reads the failures from the TAP stream).
# SEE ALSO
#	postconf(5), master(5), virtual(8), sqlite_table(5), swaks(1),
#	smtp-sink(1), build-aux/tap-driver.sh

export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C.UTF-8

# The tests start python3 hundreds of times. Through a version manager's
# shim (pyenv's is a bash script that runs pyenv) each start cost 1-2 s
# on a loaded machine: ask the shim once which interpreter it runs and
# run that one directly from here on (the same interpreter, so the same
# modules). python3 in a test and in these helpers is this function;
# a program given to setsid or xargs takes "$E2E_PYTHON".
E2E_PYTHON=$(command python3 -c 'import sys; print(sys.executable)' \
	2>/dev/null) && [ -x "$E2E_PYTHON" ] || E2E_PYTHON=$(command -v python3)
export E2E_PYTHON
python3()
{
	if [ -n "$E2E_PYTHON" ]; then
		"$E2E_PYTHON" "$@"
	else
		command python3 "$@"
	fi
}

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

E2E_LIST_DOMAIN=${E2E_LIST_DOMAIN:-lists.example.org}
E2E_MEMBER_DOMAINS=${E2E_MEMBER_DOMAINS:-}
export E2E_LIST_DOMAIN E2E_MEMBER_DOMAINS

_t_n=0
_t_failed=0
_t_planned=""
_e2e_daemons=""
_e2e_exit_hooks=""
_e2e_swaks_n=0

# ---------------------------------------------------------------- TAP

# plan - announce the number of tests up front (optional; see t_done)
plan()
{
	_t_planned=$1
	echo "1..$1"
}

# diag - print each argument line as a TAP comment
diag()
{
	printf '%s\n' "$@" | sed 's/^/# /'
}

# _t_result - print one TAP result line and count it
_t_result()
{
	local status=$1
	shift
	_t_n=$((_t_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $_t_n - $*"
	else
		_t_failed=$((_t_failed + 1))
		echo "not ok $_t_n - $*"
	fi
}

# pass - record a passing test
pass()
{
	_t_result 0 "$*"
}

# fail - record a failing test, with optional diag lines after the name
fail()
{
	_t_result 1 "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 1
}

# skip - record a skipped test
skip()
{
	_t_n=$((_t_n + 1))
	echo "ok $_t_n # SKIP $*"
}

# t_ok - pass when the command exits 0: t_ok "desc" cmd args...
t_ok()
{
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc" "command failed ($?): $*"
	fi
}

# t_not - pass when the command exits non-zero
t_not()
{
	local desc=$1
	shift
	if "$@"; then
		fail "$desc" "command unexpectedly succeeded: $*"
	else
		pass "$desc"
	fi
}

# t_is - pass when GOT equals WANT as strings
t_is()
{
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  '$1'" "want: '$2'"
	fi
}

# t_like - pass when GOT matches the extended regex
t_like()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "got:  '$1'" "want match: $2"
	fi
}

# skip_all - skip the whole test file and exit 0
skip_all()
{
	echo "1..0 # SKIP $*"
	_e2e_skipped=1
	exit 0
}

# bail_out - abort the test run; the trap still cleans up
bail_out()
{
	echo "Bail out! $*"
	_t_failed=$((_t_failed + 1))
	exit 1
}

# t_done - print the plan if none was given and exit with the verdict
t_done()
{
	# "make check" keeps this line in the test's log; test.sh lists the
	# slowest tests from it.
	[ -n "${_t_started:-}" ] &&
		diag "took $(($(date +%s) - _t_started)) s"
	[ -z "$_t_planned" ] && echo "1..$_t_n"
	if [ -n "$_t_planned" ] && [ "$_t_planned" != "$_t_n" ]; then
		diag "planned $_t_planned tests but ran $_t_n"
		_t_failed=$((_t_failed + 1))
	fi
	[ "$_t_failed" = 0 ] && exit 0
	diag "failed $_t_failed of $_t_n"
	# The tap-driver counts failures from the stream; a non-zero exit
	# would add a second, misleading ERROR result.
	[ -n "${AM_TAP_AWK:-}" ] && exit 0
	exit 1
}

# ------------------------------------------------------------ set-up

# _e2e_port_free - true when nothing listens on the TCP port
_e2e_port_free()
{
	# Any socket on the port, listening or connected, would make a bind
	# fail: look at every TCP socket, not only listeners.
	[ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
}

# e2e_pick_port - set variable VAR to a free loopback port not yet handed out
_e2e_port_top=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
[ "${_e2e_port_top:-0}" -gt 21000 ] 2>/dev/null || _e2e_port_top=32768
# Ports handed out to the tests running now, one directory each: mkdir
# is atomic, so two tests started side by side (make -j, the demo beside
# the suite) never take the same port between the check and the bind.
# Released at exit; a reservation left by a killed run lapses after two
# hours.
_e2e_port_dir=${TMPDIR:-/tmp}/moim-e2e-ports

e2e_pick_port()
{
	local p i
	mkdir -p "$_e2e_port_dir" 2>/dev/null
	find "$_e2e_port_dir" -mindepth 1 -maxdepth 1 -mmin +120 \
		-exec rmdir {} + 2>/dev/null
	for i in $(seq 1 200); do
		# Below the kernel's ephemeral range (32768 and up by default,
		# see ip_local_port_range), where outgoing connections of this
		# very test could take the port between the check and the bind.
		p=$((20000 + (RANDOM * 32768 + RANDOM) % (_e2e_port_top - 20000)))
		case " $_e2e_ports " in *" $p "*) continue ;; esac
		if _e2e_port_free "$p" && mkdir "$_e2e_port_dir/$p" 2>/dev/null
		then
			_e2e_ports="$_e2e_ports $p"
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	return 1
}

# _e2e_ports_release - give back the ports this test reserved
_e2e_ports_release()
{
	local p
	for p in $_e2e_ports; do
		rmdir "$_e2e_port_dir/$p" 2>/dev/null
	done
}

# _e2e_can_run - print why this machine cannot run e2e tests, if it can't
_e2e_can_run()
{
	local c
	[ "$(id -u)" = 0 ] || { echo "needs root (private Postfix)"; return 1; }
	for c in postfix postconf postqueue swaks ss setsid; do
		command -v "$c" >/dev/null ||
			{ echo "$c not installed"; return 1; }
	done
	cat /etc/postfix/dynamicmaps.cf /etc/postfix/dynamicmaps.cf.d/* \
		2>/dev/null | grep -q '^sqlite[[:space:]]' ||
		{ echo "postfix-sqlite not installed"; return 1; }
	getent passwd postfix >/dev/null ||
		{ echo "no postfix user"; return 1; }
	getent group postdrop >/dev/null ||
		{ echo "no postdrop group"; return 1; }
	return 0
}

# e2e_require - skip the whole test unless each built program exists
#	e2e_require listd/moim-listd milter/moim-milter (under top_builddir)
e2e_require()
{
	local f
	for f in "$@"; do
		[ -x "$top_builddir/$f" ] || skip_all "$f not built"
	done
}

# e2e_init - fresh work dir, free ports, cleanup trap; skip if impossible
e2e_init()
{
	local why v
	E2E_NAME=${1:-e2e}
	_t_started=$(date +%s)
	# test.sh leaves the PostgreSQL-only tests to the plain build
	case " ${MOIM_E2E_SKIP:-} " in
	*" $E2E_NAME "*) skip_all "MOIM_E2E_SKIP names $E2E_NAME" ;;
	esac
	why=$(_e2e_can_run) || skip_all "$why"
	E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/moim-e2e.XXXXXX") ||
		bail_out "mktemp failed"
	# Postfix daemons (user postfix) and the virtual delivery user must
	# traverse it.
	chmod 755 "$E2E_DIR"
	mkdir -p "$E2E_DIR/log" "$E2E_DIR/run" "$E2E_DIR/swaks" \
		"$E2E_DIR/msg" || bail_out "mkdir in $E2E_DIR failed"
	trap _e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	trap 'exit 141' PIPE
	_e2e_ports=""
	for v in E2E_SMTP_PORT E2E_RELAY_PORT E2E_LMTP_PORT E2E_MILTER_PORT; do
		e2e_pick_port "$v" || bail_out "no free loopback port"
	done
	E2E_MILTER_SOCKET=$E2E_DIR/run/milter.sock
	E2E_MAILDIR_BASE=$E2E_DIR/mail
	E2E_PF_DIR=$E2E_DIR/pf/etc
	E2E_PF_QUEUE=$E2E_DIR/pf/queue
	E2E_PF_LOG=$E2E_DIR/log/maillog
	export E2E_NAME E2E_DIR E2E_SMTP_PORT E2E_RELAY_PORT E2E_LMTP_PORT \
		E2E_MILTER_PORT E2E_MILTER_SOCKET E2E_MAILDIR_BASE \
		E2E_PF_DIR E2E_PF_QUEUE E2E_PF_LOG
	v="smtp=$E2E_SMTP_PORT relay=$E2E_RELAY_PORT lmtp=$E2E_LMTP_PORT"
	diag "$E2E_NAME: $E2E_DIR $v"
}

# _e2e_cleanup - EXIT trap: stop daemons and Postfix, dump logs on failure
_e2e_cleanup()
{
	local status=$? name
	trap - EXIT INT TERM HUP
	# A reader that went away must not stop the clean-up half way.
	trap '' PIPE
	[ -n "${E2E_DIR:-}" ] || { _e2e_ports_release; return "$status"; }
	# Keep the evidence of a failure; a ^C only cleans up.
	case $status in
	0) [ "$_t_failed" = 0 ] || _e2e_keep=1 ;;
	130) diag "interrupted" ;;
	*)
		[ "$_t_failed" = 0 ] && diag "exited with status $status"
		_e2e_keep=1
		;;
	esac
	[ -n "${_e2e_keep:-}" ] && e2e_dump
	for name in $_e2e_daemons; do
		e2e_daemon_stop "$name" >/dev/null 2>&1
	done
	pf_stop >/dev/null 2>&1
	# Last: what the daemons used (a private database server) goes
	# after them.
	for name in $_e2e_exit_hooks; do
		"$name" >/dev/null 2>&1
	done
	_e2e_ports_release
	if [ -n "${_e2e_keep:-}" ] || [ -n "${E2E_KEEP:-}" ]; then
		diag "kept $E2E_DIR"
	else
		rm -rf "$E2E_DIR"
	fi
	return "$status"
}

# e2e_at_exit FUNC - run FUNC (no arguments) at exit, after the daemons
#	and Postfix are stopped and before $E2E_DIR is removed; $_e2e_keep
#	is set then when the evidence is kept
e2e_at_exit()
{
	_e2e_exit_hooks="$_e2e_exit_hooks $1"
}

# e2e_dump - print the tail of the maillog and of each daemon log
e2e_dump()
{
	local f n=${E2E_DUMP_LINES:-40}
	for f in "$E2E_PF_LOG" "$E2E_DIR"/log/*.log; do
		[ -f "$f" ] || continue
		diag "---- tail of $f"
		tail -n "$n" "$f" | sed 's/^/# /'
	done
	if [ -n "$(_e2e_queue_files)" ]; then
		diag "---- queue"
		postqueue -c "$E2E_PF_DIR" -p 2>&1 | tail -n "$n" |
			sed 's/^/# /'
	fi
}

# ----------------------------------------------------------- Postfix

# _pf_main_cf - print main.cf; $1 = milter spec or "", $2 = sink port or ""
_pf_main_cf()
{
	local milter=$1 sink=$2 d doms="example.net example.com"
	local route="error:5.1.2 e2e instance routes no other domain"
	for d in $E2E_MEMBER_DOMAINS; do doms="$doms $d"; done
	# With a sink, every domain but the list's goes there.
	if [ -n "$sink" ]; then
		route="smtp:[127.0.0.1]:$sink"
		doms=""
	fi
	cat <<CF
# main.cf for the e2e instance $E2E_NAME (written by tests/e2e/lib.sh)
compatibility_level = 3.6
config_directory = $E2E_PF_DIR
queue_directory = $E2E_PF_QUEUE
data_directory = $E2E_DIR/pf/data
maillog_file = $E2E_PF_LOG
maillog_file_prefixes = $E2E_DIR
myhostname = mx.e2e.test
mydomain = e2e.test
myorigin = \$myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtpd_peername_lookup = no
biff = no
append_dot_mydomain = no
# Nothing ever leaves the machine: unknown domains bounce.
default_transport = $route
relay_transport = \$default_transport
relay_domains = $E2E_LIST_DOMAIN
transport_maps = inline:{ $E2E_LIST_DOMAIN=lmtp:inet:127.0.0.1:$E2E_LMTP_PORT }
virtual_mailbox_domains = $doms
virtual_mailbox_base = $E2E_MAILDIR_BASE
virtual_mailbox_maps = sqlite:$E2E_PF_DIR/mailboxes.cf
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_mailbox_limit = 0
# Deferred mail is retried fast.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
# Large fan-outs (2,000 recipients in one transaction) from loopback.
in_flow_delay = 0
default_process_limit = 200
initial_destination_concurrency = 10
virtual_destination_concurrency_limit = 50
smtp_destination_concurrency_limit = 50
smtpd_recipient_limit = 20000
smtpd_recipient_overshoot_limit = 20000
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_client_new_tls_session_rate_limit = 0
smtpd_client_event_limit_exceptions = 127.0.0.0/8
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 2000
smtpd_authorized_verp_clients = 127.0.0.0/8
CF
	[ -n "$milter" ] && cat <<CF
smtpd_milters = $milter
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
CF
	return 0
}

# _pf_master_cf - print master.cf: two smtpd listeners and the services
_pf_master_cf()
{
	cat <<CF
# master.cf for the e2e instance $E2E_NAME (written by tests/e2e/lib.sh)
127.0.0.1:$E2E_SMTP_PORT inet n - n - - smtpd
127.0.0.1:$E2E_RELAY_PORT inet n - n - - smtpd
  -o smtpd_milters= -o non_smtpd_milters= -o syslog_name=postfix/relay
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
virtual   unix  - n n - - virtual
CF
}

# pf_start - write the instance's config and start it
#	pf_start [--milter unix:PATH|inet:PORT@HOST|inet:HOST:PORT]
#	         [--sink PORT] [-o name=value]...
#	         [--main-cf FILE] [--master-cf FILE]
pf_start()
{
	local milter="" sink="" extra=() i main_add=/dev/null
	local master_add=/dev/null
	while [ $# -gt 0 ]; do
		case $1 in
		--milter) milter=$2; shift 2 ;;
		--milter=*) milter=${1#--milter=}; shift ;;
		--sink) sink=$2; shift 2 ;;
		--sink=*) sink=${1#--sink=}; shift ;;
		-o) extra+=("$2"); shift 2 ;;
		--main-cf) main_add=$2; shift 2 ;;
		--master-cf) master_add=$2; shift 2 ;;
		*) diag "pf_start: unknown option $1"; return 2 ;;
		esac
	done
	# libmilter's inet:PORT@HOST is Postfix's inet:HOST:PORT.
	case $milter in
	inet:*@*) i=${milter#inet:}; milter="inet:${i#*@}:${i%@*}" ;;
	esac
	E2E_SINK_PORT=$sink
	export E2E_SINK_PORT
	mkdir -p "$E2E_PF_DIR" "$E2E_PF_QUEUE" "$E2E_DIR/pf/data" \
		"$E2E_MAILDIR_BASE" || return 1
	chown postfix "$E2E_DIR/pf/data" || return 1
	chown nobody:"$(id -gn nobody)" "$E2E_MAILDIR_BASE" || return 1
	{
		_pf_main_cf "$milter" "$sink"
		for i in "${extra[@]}"; do printf '%s\n' "${i/=/ = }"; done
		cat "$main_add"
	} >"$E2E_PF_DIR/main.cf" || return 1
	{
		_pf_master_cf
		cat "$master_add"
	} >"$E2E_PF_DIR/master.cf" || return 1
	# A Maildir for any local part. virtual(8) refuses regexp
	# substitution, so an SQL expression builds DOMAIN/USER/ from the
	# (lower-cased) address; no table is read. '/' and a leading '.'
	# are refused so that a local part cannot climb out of the base.
	: >"$E2E_PF_DIR/mailboxes.db" || return 1
	cat >"$E2E_PF_DIR/mailboxes.cf" <<'CF' || return 1
dbpath = mailboxes.db
query = SELECT '%d/%u/' WHERE instr('%u', '/') = 0 AND substr('%u', 1, 1) != '.'
CF
	sed -i "s|^dbpath = |&$E2E_PF_DIR/|" "$E2E_PF_DIR/mailboxes.cf"
	postfix -c "$E2E_PF_DIR" check >"$E2E_DIR/log/pf-check.out" 2>&1 || {
		diag "postfix check failed:"
		sed 's/^/# /' "$E2E_DIR/log/pf-check.out"
		return 1
	}
	postfix -c "$E2E_PF_DIR" start >"$E2E_DIR/log/pf-start.out" 2>&1 || {
		diag "postfix start failed:"
		sed 's/^/# /' "$E2E_DIR/log/pf-start.out"
		return 1
	}
	_pf_sid=$(_pf_master_pid)
	e2e_wait_port "$E2E_SMTP_PORT" 10 && e2e_wait_port "$E2E_RELAY_PORT" 10
}

# _e2e_alive - true when process PID exists and is not a zombie
_e2e_alive()
{
	# shellcheck disable=SC2009 # pgrep also lists zombies
	ps -o stat= -p "$1" 2>/dev/null | grep -qv '^Z'
}

# _pf_master_pid - print the instance's master pid if it is running
_pf_master_pid()
{
	local pid
	pid=$(sed -n '1s/ //gp' "$E2E_PF_QUEUE/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] && _e2e_alive "$pid" && echo "$pid"
}

# pf_running - true while any process of the instance is alive
pf_running()
{
	local pid
	pid=$(_pf_master_pid) && return 0
	# master calls setsid(): its children share its session id. Zombies
	# (not yet reaped by init) are not running.
	[ -n "${_pf_sid:-}" ] || return 1
	# shellcheck disable=SC2009 # pgrep also lists zombies
	ps -o stat= -s "$_pf_sid" 2>/dev/null | grep -qv '^Z'
}

# pf_stop - stop the instance: TERM to master, KILL the session after 10 s
pf_stop()
{
	local pid i
	pid=$(_pf_master_pid) || pid=""
	[ -n "$pid" ] && _pf_sid=$pid
	[ -n "${_pf_sid:-}" ] || return 0
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		pf_running || return 0
		sleep 0.1
	done
	diag "pf_stop: Postfix did not stop in 10 s, killing it"
	kill -KILL -- "-$_pf_sid" 2>/dev/null
	sleep 0.2
	! pf_running
}

# pf_flush - ask the queue manager to retry deferred mail now
pf_flush()
{
	postqueue -c "$E2E_PF_DIR" -f
}

# _e2e_queue_files - list the queue files of the instance
_e2e_queue_files()
{
	local d
	for d in maildrop incoming active deferred hold; do
		[ -d "$E2E_PF_QUEUE/$d" ] &&
			find "$E2E_PF_QUEUE/$d" -type f 2>/dev/null
	done
}

# _e2e_queue_ids - print the distinct queue ids of the instance, sorted
_e2e_queue_ids()
{
	_e2e_queue_files | sed 's|.*/||' | sort -u
}

# pf_queue_count - print the number of messages in the instance's queue
#	qmgr moves files between active/ and deferred/ while we look, so one
#	scan can see a message twice or miss it: scan until two agree.
pf_queue_count()
{
	local a b i
	a=$(_e2e_queue_ids)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		b=$(_e2e_queue_ids)
		[ "$a" = "$b" ] && break
		a=$b
	done
	[ -z "$b" ] && echo 0 && return 0
	printf '%s\n' "$b" | wc -l
}

# pf_wait_queue_empty - wait up to SECS (default 30) for an empty queue
pf_wait_queue_empty()
{
	local i n=$((${1:-30} * 10))
	for i in $(seq 1 "$n"); do
		[ "$(pf_queue_count)" = 0 ] && return 0
		sleep 0.1
	done
	diag "queue not empty after ${1:-30} s: $(pf_queue_count) messages"
	return 1
}

# pf_log_wait - wait up to SECS for a maillog line matching the regex
pf_log_wait()
{
	local i n=$((${2:-30} * 10))
	for i in $(seq 1 "$n"); do
		grep -Eq -- "$1" "$E2E_PF_LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	diag "no maillog line matching '$1' after ${2:-30} s"
	return 1
}

# ----------------------------------------------------------- sending

# mail_text - print a simple UTF-8 message (Subject RFC 2047-encoded)
mail_text()
{
	local from=$1 to=$2 subject=$3 body=$4
	printf 'From: <%s>\nTo: <%s>\n' "$from" "${to%%,*}"
	printf 'Subject: =?UTF-8?B?%s?=\n' \
		"$(printf '%s' "$subject" | base64 -w0)"
	printf 'Date: %s\n' "$(date -R)"
	printf 'Message-ID: <%s.%s@e2e.test>\n' "$(date +%s%N)" "$RANDOM"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=UTF-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n\n%s\n' "$body"
}

# _e2e_rcpts - turn TO (addr, a,b,c or @FILE) into swaks's comma list
_e2e_rcpts()
{
	case $1 in
	@*) paste -sd, "${1#@}" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# send_mail - inject FILE for FROM to TO through a port (default SMTP)
#	send_mail [--port P] FROM TO FILE; returns swaks's exit status.
#	The transcript stays in $E2E_LAST_SWAKS (see send_mail_code).
send_mail()
{
	local port=$E2E_SMTP_PORT
	if [ "$1" = --port ]; then
		port=$2
		shift 2
	fi
	_e2e_swaks_n=$((_e2e_swaks_n + 1))
	E2E_LAST_SWAKS=$E2E_DIR/swaks/$_e2e_swaks_n.log
	swaks --server 127.0.0.1 --port "$port" --helo client.e2e.test \
		--from "$1" --to "$(_e2e_rcpts "$2")" --data "@$3" \
		--timeout 60 --suppress-data >"$E2E_LAST_SWAKS" 2>&1
}

# send_mail_text - build a simple UTF-8 message and send it
#	send_mail_text [--port P] FROM TO SUBJECT BODY
send_mail_text()
{
	local port=() f
	if [ "$1" = --port ]; then
		port=(--port "$2")
		shift 2
	fi
	f=$E2E_DIR/msg/$((_e2e_swaks_n + 1)).eml
	mail_text "$1" "$(_e2e_rcpts "$2")" "$3" "$4" >"$f" || return 1
	send_mail "${port[@]}" "$1" "$2" "$f"
}

# post_as_owner - send FILE as an owner or moderator and give the
#	owner's consent: an owner's post to an announce list, or with an
#	event, takes effect only when something vouches for its From
#	(moim-milter's X-Moim-Auth: a SASL login or a trusted DMARC pass)
#	or after the owner confirms it (list setting privileged_auth =
#	confirm, the default). This helper does what an owner without
#	DMARC does: it waits for the confirmation request moim-listd mails
#	to OWNER about this post (In-Reply-To its Message-ID, Reply-To
#	L-confirm+TOKEN), one per list in TO, and replies to each.
#	Use it for every owner post a test expects to take effect.
#	Needs moim.sh (header_of). Returns non-zero on a send failure or
#	when a request does not come within 30 s.
#	post_as_owner [--port P] OWNER TO FILE
post_as_owner()
{
	local port=() mid f n want to
	if [ "$1" = --port ]; then
		port=(--port "$2")
		shift 2
	fi
	mid=$(grep -m1 -i '^Message-ID:' "$3" | sed 's/^[^:]*: *//; s/\r$//')
	if [ -z "$mid" ]; then
		mid="<owner.$(date +%s%N).$RANDOM@e2e.test>"
		sed -i "1i Message-ID: $mid" "$3"
	fi
	want=$(_e2e_rcpts "$2" | tr ',' '\n' | grep -c .)
	send_mail "${port[@]}" "$1" "$2" "$3" || return 1
	e2e_poll 30 "[ \"\$(_owner_requests '$1' '$mid' | wc -l)\" -ge $want ]" ||
		return 1
	for f in $(_owner_requests "$1" "$mid"); do
		to=$(header_of "$f" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//')
		send_mail_text "${port[@]}" "$1" "$to" "Re: confirm" "> ok" ||
			return 1
	done
}

# post_as_owner_text [--port P] OWNER TO SUBJECT BODY - post_as_owner
#	for a simple UTF-8 message built like send_mail_text's
post_as_owner_text()
{
	local port=() f
	if [ "$1" = --port ]; then
		port=(--port "$2")
		shift 2
	fi
	f=$E2E_DIR/msg/owner-$((_e2e_swaks_n + 1)).eml
	mail_text "$1" "$(_e2e_rcpts "$2")" "$3" "$4" >"$f" || return 1
	post_as_owner "${port[@]}" "$1" "$2" "$f"
}

# _owner_requests OWNER MSGID - OWNER's confirmation requests about the
#	post MSGID: In-Reply-To it, Reply-To an L-confirm+TOKEN address,
#	and the post-confirm template's Subject (not a moderation request)
_owner_requests()
{
	local f files
	files=$(maildir_files "$1")
	[ -n "$files" ] || return 0
	# Two greps over the whole Maildir, not two per message: this runs
	# every tenth of a second while a test waits, and an owner's
	# Maildir holds dozens of messages by the end of a test.
	# shellcheck disable=SC2086 # Maildir paths have no blanks
	for f in $(grep -liF "In-Reply-To: $2" $files |
		xargs -r grep -li '^Reply-To:.*-confirm+'); do
		header_of "$f" Subject |
			grep -Eq 'Please confirm your message|보내신 메일인지' &&
			echo "$f"
	done
	return 0
}

# send_posts [--port P] N PREFIX TO FROM... - N simple posts to TO on one
#	SMTP connection (default: the SMTP port), one transaction each, by
#	each FROM in turn: Subject "PREFIX I", Message-ID
#	<PREFIX.I.NANOSECONDS@e2e.test> (blanks of PREFIX as "-"), body
#	"post I of PREFIX". One python3 for all of them where a swaks per
#	post costs most of a second. Prints how many were accepted; a
#	refusal is reported on stderr.
send_posts()
{
	local sport=$E2E_SMTP_PORT
	if [ "$1" = --port ]; then
		sport=$2
		shift 2
	fi
	python3 - "$sport" "$@" <<'PY'
import smtplib, sys, time
from email.message import EmailMessage
port, n, prefix, to = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
senders = sys.argv[5:]
ok = 0
with smtplib.SMTP('127.0.0.1', port, timeout=60) as s:
    for i in range(1, n + 1):
        m = EmailMessage()
        m['From'] = senders[i % len(senders)]
        m['To'] = to
        m['Subject'] = '%s %d' % (prefix, i)
        m['Message-ID'] = '<%s.%d.%d@e2e.test>' % (prefix.replace(' ', '-'),
                                                   i, time.time_ns())
        m.set_content('post %d of %s\n' % (i, prefix))
        try:
            s.send_message(m)
            ok += 1
        except smtplib.SMTPException as e:
            print('refused: %r' % (e,), file=sys.stderr)
print(ok)
PY
}

# send_mail_code - print the server's last reply code before QUIT
#	That is the reply to the end of DATA, or to the command that made
#	the client give up (a refused MAIL, RCPT or DATA).
# shellcheck disable=SC2120 # the argument is optional
send_mail_code()
{
	awk '/^ *(<-|<\*\*|<~|<~\*) +[0-9][0-9][0-9][ -]/ {
		sub(/^ *[<~*-]+ +/, ""); code = substr($0, 1, 3)
	}
	/^ *(->|~>) +QUIT/ { print code; found = 1; exit }
	END { if (!found && code != "") print code }' \
		"${1:-$E2E_LAST_SWAKS}"
}

# send_mail_queue_id - print the queue id of the last accepted message
send_mail_queue_id()
{
	sed -n 's/^.* 250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		"${1:-$E2E_LAST_SWAKS}" | tail -n 1
}

# send_mail_expect - send and check the final reply code (a glob: 250, 4*)
#	send_mail_expect CODE [--port P] FROM TO FILE
send_mail_expect()
{
	local want=$1 code
	shift
	send_mail "$@"
	code=$(send_mail_code "$E2E_LAST_SWAKS")
	# shellcheck disable=SC2254 # CODE is a glob on purpose (4*)
	case $code in
	$want) return 0 ;;
	esac
	diag "expected reply $want, got '${code:-none}'; transcript:"
	grep -E '^ *(<|~|\*)' "$E2E_LAST_SWAKS" | tail -n 20 | sed 's/^/# /'
	return 1
}

# ----------------------------------------------------------- Maildirs

# maildir_dir - print the Maildir path of an address (lower case)
maildir_dir()
{
	local a=${1,,}
	printf '%s/%s/%s\n' "$E2E_MAILDIR_BASE" "${a##*@}" "${a%@*}"
}

# maildir_files - print the message paths of ADDR, oldest first
maildir_files()
{
	local d
	d=$(maildir_dir "$1")
	[ -d "$d" ] || return 0
	find "$d/new" "$d/cur" -type f -printf '%T@ %p\n' 2>/dev/null |
		sort -n | cut -d' ' -f2-
}

# maildir_count - print the number of messages in ADDR's Maildir
maildir_count()
{
	maildir_files "$1" | wc -l
}

# maildir_tally DOMAIN - print "LOCALPART COUNT" for each Maildir of
#	DOMAIN that holds mail, from one find(1) over the domain (a test of
#	thousands of recipients needs no find per address)
maildir_tally()
{
	local d
	d=$E2E_MAILDIR_BASE/${1,,}
	[ -d "$d" ] || return 0
	find "$d" -mindepth 3 -maxdepth 3 -type f \( -path '*/new/*' -o \
		-path '*/cur/*' \) -printf '%h\n' 2>/dev/null |
		sed 's|/[^/]*$||; s|.*/||' | sort | uniq -c |
		awk '{ print $2, $1 }'
}

# maildir_last - print the path of ADDR's newest message
maildir_last()
{
	maildir_files "$1" | tail -n 1
}

# maildir_wait - wait up to SECS for at least N messages for ADDR
maildir_wait()
{
	local i n=$((${3:-30} * 10))
	for i in $(seq 1 "$n"); do
		[ "$(maildir_count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	diag "$1: $(maildir_count "$1") messages after ${3:-30} s, want $2"
	return 1
}

# ----------------------------------------------------------- daemons

# e2e_poll - run CMD every 0.1 s until it succeeds, for up to SECS
#	e2e_poll SECS CMD ARGS...; for asynchronous events, not timing.
#	A single argument is a shell string evaluated on every try, so
#	that command substitutions are run again:
#	e2e_poll 30 '[ "$(pf_queue_count)" -ge 50 ]'
e2e_poll()
{
	local i n=$(($1 * 10))
	shift
	for i in $(seq 1 "$n"); do
		if [ $# = 1 ]; then
			eval "$1" && return 0
		else
			"$@" && return 0
		fi
		sleep 0.1
	done
	diag "still false after $n tenths of a second: $*"
	return 1
}

# e2e_wait_port - wait up to SECS for a listener on 127.0.0.1:PORT
e2e_wait_port()
{
	local i n=$((${2:-10} * 10))
	for i in $(seq 1 "$n"); do
		_e2e_port_free "$1" || return 0
		sleep 0.1
	done
	diag "nothing listens on port $1 after ${2:-10} s"
	return 1
}

# e2e_wait_socket - wait up to SECS for a unix socket to appear
e2e_wait_socket()
{
	local i n=$((${2:-10} * 10))
	for i in $(seq 1 "$n"); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	diag "no socket $1 after ${2:-10} s"
	return 1
}

# e2e_daemon_start - run CMD in the background as daemon NAME
#	Output goes to $E2E_DIR/log/NAME.log, the pid to run/NAME.pid. CMD
#	must stay in the foreground.
e2e_daemon_start()
{
	local name=$1 pid
	shift
	if e2e_daemon_running "$name"; then
		diag "daemon $name already running"
		return 1
	fi
	# Its own session, so that stopping it also stops what it spawned
	# (a wrapper shell, valgrind). Without job control the background
	# child is no group leader and setsid(1) execs in place: $! is CMD.
	setsid "$@" </dev/null >>"$E2E_DIR/log/$name.log" 2>&1 &
	pid=$!
	echo "$pid" >"$E2E_DIR/run/$name.pid"
	case " $_e2e_daemons " in
	*" $name "*) ;;
	*) _e2e_daemons="$_e2e_daemons $name" ;;
	esac
	return 0
}

# e2e_daemon_pid - print the pid of daemon NAME
e2e_daemon_pid()
{
	cat "$E2E_DIR/run/$1.pid" 2>/dev/null
}

# e2e_daemon_running - true while daemon NAME is alive
e2e_daemon_running()
{
	local pid
	pid=$(e2e_daemon_pid "$1") && [ -n "$pid" ] && _e2e_alive "$pid"
}

# e2e_daemon_stop - TERM daemon NAME, KILL after GRACE seconds (default
# 5); return its status
e2e_daemon_stop()
{
	local pid i status grace=${2:-5}
	pid=$(e2e_daemon_pid "$1") || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 $((grace * 10))); do
		_e2e_alive "$pid" || break
		sleep 0.1
	done
	if _e2e_alive "$pid"; then
		diag "daemon $1 ignored TERM for $grace s, killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	status=$?
	# Whatever it spawned goes too.
	kill -KILL -- "-$pid" 2>/dev/null
	rm -f "$E2E_DIR/run/$1.pid"
	return "$status"
}

# e2e_daemon_kill9 - KILL daemon NAME at once (a crash, for recovery tests)
e2e_daemon_kill9()
{
	local pid
	pid=$(e2e_daemon_pid "$1") || return 1
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$E2E_DIR/run/$1.pid"
	return 0
}

# e2e_sink_start - run Postfix's smtp-sink on 127.0.0.1:PORT (for --sink)
e2e_sink_start()
{
	e2e_daemon_start sink smtp-sink -u postfix "127.0.0.1:$1" 1000 &&
		e2e_wait_port "$1" 10
}
