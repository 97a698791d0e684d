#!/bin/bash
# moim.sh - start moim next to the private Postfix of lib.sh.
#
# SYNOPSIS
#	. "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/moim.sh"
#	e2e_init NAME; moim_setup; pf_start; listd_start
#	moimctl list create ai-friends@lists.example.org --name "AI 프렌즈"
# DESCRIPTION
#	moim_setup writes $E2E_DIR/etc/moim.conf: the database in
#	$E2E_DIR/db (owned by the moim user the programs drop to when run as
#	root), or $MOIM_E2E_DATABASE when set (a PostgreSQL URI, e.g. from
#	tests/pg.sh; tests that read the database with sqlite3 need the
#	file), the source tree's templates, LMTP on $E2E_LMTP_PORT and the
#	relay on $E2E_RELAY_PORT. moimctl runs the built moimctl with it;
#	listd_start / listd_stop / listd_kill9 run moim-listd as daemon
#	"listd". Extra "[section] key = value" lines can be passed to
#	moim_setup as arguments ("listd.connections=2").
#
#	moim_setup also writes a [web] section: moim-web listens on
#	127.0.0.1:$WEB_PORT (a free port) and [web] base_url is
#	http://127.0.0.1:$WEB_PORT/, so the mail moim-listd sends carries web
#	links in every test. web_start / web_stop run moim-web as daemon
#	"web"; web_get PATH [CURL-ARGS...] fetches a page (see there).
#
#	moim_setup also starts dnsd.py (daemon "dnsd") on a loopback port
#	as moim-listd's [listd] dns_server, so DMARC lookups never leave the
#	machine: every name is NXDOMAIN unless a test adds it with
#	dns_add NAME 'TXT "v=DMARC1; p=reject"'.

MOIM_CONF=
MOIMCTL=${top_builddir}/ctl/moimctl
MOIM_LISTD=${top_builddir}/listd/moim-listd
MOIM_WEB=${top_builddir}/web/moim-web

moim_setup()
{
	local kv
	MOIM_CONF=$E2E_DIR/etc/moim.conf
	mkdir -p "$E2E_DIR/etc" "$E2E_DIR/db"
	e2e_pick_port E2E_DNS_PORT || bail_out "no free port for dnsd"
	e2e_pick_port WEB_PORT || bail_out "no free port for moim-web"
	WEB_URL=http://127.0.0.1:$WEB_PORT/
	WEB_BODY=$E2E_DIR/web.body
	WEB_HEADERS=$E2E_DIR/web.headers
	export WEB_PORT WEB_URL
	echo "# dnsd.py zone: NAME TXT \"string\"" >"$E2E_DIR/etc/dns.zone"
	e2e_daemon_start dnsd python3 "$top_srcdir/tests/e2e/dnsd.py" \
		"$E2E_DNS_PORT" "$E2E_DIR/etc/dns.zone" &&
		e2e_wait_port "$E2E_DNS_PORT" 10 || bail_out "dnsd did not start"
	chmod 755 "$E2E_DIR"
	chown moim:moim "$E2E_DIR/db" 2>/dev/null
	{
		printf '[moim]\n'
		printf 'database = %s\n' "${MOIM_E2E_DATABASE:-$E2E_DIR/db/moim.db}"
		printf 'domains = %s\n' "$E2E_LIST_DOMAIN"
		printf 'secret_file = %s/etc/secret\n' "$E2E_DIR"
		printf 'templates = %s/templates\n' "$top_srcdir"
		printf 'language = ko\n'
		printf '[listd]\n'
		printf 'lmtp = 127.0.0.1:%s\n' "$E2E_LMTP_PORT"
		printf 'relay = 127.0.0.1:%s\n' "$E2E_RELAY_PORT"
		printf 'hostname = lists.example.org\n'
		printf 'dns_server = 127.0.0.1:%s\n' "$E2E_DNS_PORT"
		printf '[web]\n'
		printf 'listen = 127.0.0.1:%s\n' "$WEB_PORT"
		printf 'base_url = %s\n' "$WEB_URL"
	} >"$MOIM_CONF"
	for kv in "$@"; do
		# section.key=value -> appended under its section
		printf '[%s]\n%s = %s\n' "${kv%%.*}" "$(echo "${kv#*.}" |
			cut -d= -f1)" "${kv#*=}" >>"$MOIM_CONF"
	done
	export MOIM_CONF
}

# milter_start - start moim-milter (daemon "milter") with $MOIM_CONF and
#	wait for its socket; moim_setup must have been given
#	"milter.socket=unix:$E2E_MILTER_SOCKET" and pf_start --milter the same
milter_start()
{
	e2e_daemon_start milter "${top_builddir}/milter/moim-milter" -f \
		-c "$MOIM_CONF" && e2e_wait_socket "$E2E_MILTER_SOCKET" 10
}

# web_start - start moim-web (daemon "web") with $MOIM_CONF and wait
#	until it serves: on $WEB_PORT, or on the unix socket $WEB_SOCKET
#	when a test set one (and [web] listen = unix:$WEB_SOCKET). The
#	secret must exist (listd_start makes it, or "moimctl secret").
web_start()
{
	e2e_daemon_start web "$MOIM_WEB" -f -v -c "$MOIM_CONF" || return 1
	if [ -n "${WEB_SOCKET:-}" ]; then
		e2e_wait_socket "$WEB_SOCKET" 10
	else
		e2e_wait_port "$WEB_PORT" 10
	fi
}

web_stop()
{
	e2e_daemon_stop web
}

# web_get PATH [CURL-ARGS...] - request $WEB_URL + PATH (a leading "/"
#	of PATH is dropped) and print the status code; the body is in
#	$WEB_BODY, the response's header in $WEB_HEADERS (CRLF removed).
#	CURL-ARGS are passed on: web_get u/TOKEN -X POST -d x. Through
#	$WEB_SOCKET when a test set one.
WEB_BODY=
WEB_HEADERS=
web_get()
{
	local path=${1#/} code
	shift
	set -- --path-as-is -s --max-time 20 -o "$WEB_BODY" \
		-D "$WEB_HEADERS.crlf" -w '%{http_code}' "$@"
	if [ -n "${WEB_SOCKET:-}" ]; then
		set -- --unix-socket "$WEB_SOCKET" "$@"
	fi
	code=$(curl "$@" "$WEB_URL$path")
	tr -d '\r' <"$WEB_HEADERS.crlf" >"$WEB_HEADERS"
	echo "$code"
}

# web_header NAME - the value of header NAME of the last web_get
web_header()
{
	grep -i "^$1:" "$WEB_HEADERS" | head -1 | sed 's/^[^:]*: *//'
}

# dns_add NAME RECORD - add a record to dnsd's zone and have it read
#	dns_add _dmarc.example.com 'TXT "v=DMARC1; p=reject"'
dns_add()
{
	printf '%s %s\n' "$1" "$2" >>"$E2E_DIR/etc/dns.zone" &&
		kill -HUP "$(e2e_daemon_pid dnsd)"
}

moimctl()
{
	"$MOIMCTL" -c "$MOIM_CONF" "$@"
}

listd_start()
{
	e2e_daemon_start listd "$MOIM_LISTD" -f -c "$MOIM_CONF" &&
		e2e_wait_port "$E2E_LMTP_PORT" 10
}

listd_stop()
{
	e2e_daemon_stop listd
}

listd_kill9()
{
	e2e_daemon_kill9 listd
}

# header_of FILE NAME - the first NAME: header of a stored message,
# unfolded and with RFC 2047 words decoded (through python3's email).
header_of()
{
	python3 - "$1" "$2" <<'PY'
import sys, email, email.policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
v = m.get(sys.argv[2])
print('' if v is None else str(v))
PY
}

# body_of FILE - the decoded text of the first text/plain part
body_of()
{
	python3 - "$1" <<'PY'
import sys, email, email.policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
p = m.get_body(preferencelist=('plain',))
print(p.get_content() if p is not None else '')
PY
}

# reply_confirm ADDR - answer ADDR's newest confirmation request (a mail
# whose Reply-To is an L-confirm+TOKEN address) by replying to it
reply_confirm()
{
	local x f= to
	for x in $(maildir_files "$1"); do
		header_of "$x" Reply-To | grep -q -- "-confirm+" && f=$x
	done
	[ -n "$f" ] || { diag "no confirmation request for $1"; return 1; }
	to=$(header_of "$f" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//')
	send_mail_text "$1" "$to" "Re: $(header_of "$f" Subject)" "> request"
}

# newest_with ADDR SUBJECT-REGEX - the newest message of ADDR whose
# Subject matches
newest_with()
{
	local x f=
	for x in $(maildir_files "$1"); do
		header_of "$x" Subject | grep -Eq -- "$2" && f=$x
	done
	echo "$f"
}

# ics_of FILE [METHOD] - the unfolded iCalendar text of the first
# text/calendar part (of that method), or nothing
ics_of()
{
	python3 - "$1" "${2:-}" <<'PY'
import sys, email, email.policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() != 'text/calendar':
        continue
    if sys.argv[2] and p.get_param('method', '').upper() != sys.argv[2]:
        continue
    t = p.get_payload(decode=True).decode('utf-8')
    print(t.replace('\r\n ', '').replace('\r\n', '\n'), end='')
    break
PY
}

# maildir_grep ADDR HEADER REGEX - count messages of ADDR whose HEADER
# matches REGEX (extended)
maildir_grep()
{
	local f n=0
	for f in $(maildir_files "$1"); do
		header_of "$f" "$2" | grep -Eq -- "$3" && n=$((n + 1))
	done
	echo "$n"
}

# wait_subject ADDR REGEX [N] - wait until ADDR has N (default 1)
#	messages whose Subject matches REGEX
wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# session_status EVENT ADDR DATE - ADDR's answer/status in the session of
#	DATE (moimctl event rsvps --session)
session_status()
{
	moimctl event rsvps "$1" --session "$3" | awk -F'\t' -v a="$2" \
		'$1 == a { print $3 "/" $5 }'
}

# session_row EVENT ADDR SESSION - the answer stored for exactly that
#	session (0: the series), or nothing
session_row()
{
	sqlite3 -readonly "$E2E_DIR/db/moim.db" "SELECT answer FROM rsvps
		WHERE event_id = $1 AND session = $3 AND address = '$2'"
}

# moim_idle - true when moim-listd has nothing left to do: no inbound job
# waiting, no act asked by moim-web undone, and no copy waiting to be
# sent (read from the database)
moim_idle()
{
	local n
	n=$(sqlite3 -readonly "$E2E_DIR/db/moim.db" \
		"SELECT (SELECT count(*) FROM inbound WHERE state = 0) +
		 (SELECT count(*) FROM web_acts WHERE done = 0) +
		 (SELECT count(*) FROM deliveries WHERE state IN (0, 1))" \
		2>/dev/null) || return 1
	[ "$n" = 0 ]
}

# moim_settle SECS - wait until Postfix's queue and moim-listd are idle
moim_settle()
{
	pf_wait_queue_empty "${1:-30}" && e2e_poll "${1:-30}" moim_idle &&
		pf_wait_queue_empty "${1:-30}"
}
