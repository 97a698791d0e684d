#!/bin/bash
# moim.sh - start moim next to the private Postfix of lib.sh.
#
# SYNOPSIS
#	. "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/moim.sh"
#	e2e_init NAME; moim_setup; pf_start; listd_start
#	moimctl list create ai-friends@lists.example.org --name "AI 프렌즈"
# DESCRIPTION
#	moim_setup writes $E2E_DIR/etc/moim.conf: the database (see
#	ENGINES), the source tree's templates, LMTP on $E2E_LMTP_PORT and the
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
# ENGINES
#	MOIM_E2E_ENGINE=sqlite (the default): the database is the file
#	$E2E_DIR/db/moim.db (its folder owned by the moim user the programs
#	drop to when run as root). MOIM_E2E_ENGINE=postgresql: moim_setup
#	starts a private cluster with tests/pg.sh (skips the test when none
#	can be made here) and stops it at exit, after the daemons; when the
#	test failed its database is dumped to $E2E_DIR/db/pg-dump.sql first.
#	MOIM_E2E_DATABASE, when set, names the database instead (a path or a
#	PostgreSQL URI; nothing is started or stopped).
#
#	e2e_sql [--write] SQL runs SQL on the test's database, through
#	sqlite3 or psql, and prints the rows the same way on both: one line
#	per row, columns joined by "|", NULL as nothing. Without --write the
#	SQLite file is opened read-only. Write SQL both engines accept: no
#	strftime/datetime (compute times in the shell), no group_concat.

MOIM_E2E_ENGINE=${MOIM_E2E_ENGINE:-sqlite}
case ${MOIM_E2E_DATABASE:-} in
postgres://* | postgresql://*) MOIM_E2E_ENGINE=postgresql ;;
esac
E2E_DB=
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
	e2e_daemon_start dnsd "$E2E_PYTHON" "$top_srcdir/tests/e2e/dnsd.py" \
		"$E2E_DNS_PORT" "$E2E_DIR/etc/dns.zone" &&
		e2e_wait_port "$E2E_DNS_PORT" 10 || bail_out "dnsd did not start"
	chmod 755 "$E2E_DIR"
	chown moim:moim "$E2E_DIR/db" 2>/dev/null
	_moim_db_setup
	{
		printf '[moim]\n'
		printf 'database = %s\n' "$E2E_DB"
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

# _moim_db_setup - set E2E_DB by engine; start a private cluster for
#	postgresql unless MOIM_E2E_DATABASE names the database
_moim_db_setup()
{
	local rc
	# a second moim_setup keeps the database of the first
	[ -z "$E2E_DB" ] || return 0
	if [ -n "${MOIM_E2E_DATABASE:-}" ]; then
		E2E_DB=$MOIM_E2E_DATABASE
		return 0
	fi
	case $MOIM_E2E_ENGINE in
	sqlite)
		E2E_DB=$E2E_DIR/db/moim.db
		;;
	postgresql)
		command -v psql >/dev/null ||
			skip_all "MOIM_E2E_ENGINE=postgresql without psql"
		rc=0
		E2E_DB=$(sh "$top_srcdir/tests/pg.sh" start \
			2>"$E2E_DIR/log/pg-start.log") || rc=$?
		case $rc in
		0) e2e_at_exit _moim_pg_stop ;;
		77) skip_all "$(tail -1 "$E2E_DIR/log/pg-start.log")" ;;
		*) bail_out "no PostgreSQL cluster: $(tail -3 \
			"$E2E_DIR/log/pg-start.log" | tr '\n' ' ')" ;;
		esac
		diag "database $E2E_DB"
		;;
	*) bail_out "MOIM_E2E_ENGINE=$MOIM_E2E_ENGINE: sqlite or postgresql" ;;
	esac
	export E2E_DB
}

# _moim_pg_stop - exit hook: dump the database when the test failed, then
#	stop the cluster and remove it
_moim_pg_stop()
{
	if [ -n "${_e2e_keep:-}" ] || [ -n "${E2E_KEEP:-}" ]; then
		pg_dump -d "$E2E_DB" >"$E2E_DIR/db/pg-dump.sql" 2>&1
	fi
	sh "$top_srcdir/tests/pg.sh" stop "$E2E_DB"
}

# e2e_sql [--write] SQL - see ENGINES
e2e_sql()
{
	local w=
	if [ "$1" = --write ]; then
		w=1
		shift
	fi
	case $MOIM_E2E_ENGINE in
	postgresql)
		psql -X -q -At -v ON_ERROR_STOP=1 -d "$E2E_DB" -c "$1"
		;;
	*)
		if [ -n "$w" ]; then
			sqlite3 -cmd ".timeout 10000" "$E2E_DB" "$1"
		else
			sqlite3 -readonly "$E2E_DB" "$1"
		fi
		;;
	esac
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
# unfolded and with RFC 2047 words decoded (through python3's email)
header_of()
{
	_mail_facts "$2" "$1"
}

# _mail_facts WHAT FILE... - one line per FILE: its first WHAT: header,
#	decoded (python3's email) and on one line; or, for WHAT :ics:METHOD,
#	1 when its first text/calendar part of METHOD has a METHOD:METHOD
#	line, else 0; for WHAT :body, the decoded text of the first
#	text/plain part (all its lines). A message in a Maildir never
#	changes once delivered,
#	so what was read of it is kept in $E2E_DIR/facts and a poll over a
#	Maildir starts python3 only when new mail came: one python3 for all
#	the new messages (a start of python3 costs seconds on a loaded
#	machine). A message read for one question is read for the common
#	others too (Subject, Reply-To, From, Message-ID, List-Id, the
#	REQUEST and CANCEL calendars, the body), which the tests ask next.
_mail_facts()
{
	local what=$1 f k v miss=
	shift
	mkdir -p "$E2E_DIR/facts"
	for f; do
		case $f in
		"$E2E_MAILDIR_BASE"/*)
			k=${f#"$E2E_MAILDIR_BASE"/}
			[ -f "$E2E_DIR/facts/${k//\//%}.$what" ] || miss=1
			;;
		*) miss=1 ;;
		esac
	done
	if [ -z "$miss" ]; then
		for f; do
			k=${f#"$E2E_MAILDIR_BASE"/}
			if [ "$what" = :body ]; then
				cat "$E2E_DIR/facts/${k//\//%}.$what"
				continue
			fi
			v=
			IFS= read -r v <"$E2E_DIR/facts/${k//\//%}.$what"
			printf '%s\n' "$v"
		done
		return 0
	fi
	python3 - "$E2E_DIR/facts" "$E2E_MAILDIR_BASE/" "$what" "$@" <<'PY'
import os, sys, email, email.policy
cache, base, what = sys.argv[1:4]

# Read with any question: the tests ask these of the same messages
# soon after, and a message is parsed once for all of them.
ALSO = ('Subject', 'Reply-To', 'From', 'Message-ID', 'List-Id',
        ':ics:REQUEST', ':ics:CANCEL', ':body')

def fact(m, what):
    if what == ':body':
        p = m.get_body(preferencelist=('plain',))
        return (p.get_content() if p is not None else '') + '\n'
    if what.startswith(':ics:'):
        method = what[5:]
        for p in m.walk():
            if p.get_content_type() != 'text/calendar':
                continue
            if p.get_param('method', '').upper() != method:
                continue
            t = p.get_payload(decode=True).decode('utf-8', 'replace')
            t = t.replace('\r\n ', '').replace('\r\n', '\n')
            return '1' if any(l.startswith('METHOD:' + method)
                              for l in t.split('\n')) else '0'
        return '0'
    v = m.get(what)
    return ('' if v is None else str(v)).replace('\n', ' ')

def keep(c, v):
    with open(c + '.new', 'w', encoding='utf-8') as f:
        f.write(v)
    os.rename(c + '.new', c)

for path in sys.argv[4:]:
    c = None
    if path.startswith(base):
        c = os.path.join(cache, path[len(base):].replace('/', '%') + '.')
    if c and os.path.exists(c + what):
        with open(c + what, encoding='utf-8') as f:
            v = f.read()
    else:
        with open(path, 'rb') as f:
            m = email.message_from_binary_file(f,
                                               policy=email.policy.default)
        v = fact(m, what)
        if c:
            keep(c + what, v)
            for w in ALSO:
                if w != what and not os.path.exists(c + w):
                    try:
                        keep(c + w, fact(m, w))
                    except Exception:
                        pass
    print(v, end='' if what == ':body' else '\n')
PY
}

# body_of FILE - the decoded text of the first text/plain part
body_of()
{
	_mail_facts :body "$1"
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
	local files n
	files=$(maildir_files "$1")
	# shellcheck disable=SC2086
	[ -n "$files" ] && n=$(_mail_facts Subject $files |
		grep -nE -- "$2" | tail -1 | cut -d: -f1)
	if [ -n "${n:-}" ]; then
		sed -n "${n}p" <<<"$files"
	else
		echo
	fi
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

# _maildir_facts ADDR WHAT - _mail_facts WHAT of each message of ADDR,
#	oldest first
_maildir_facts()
{
	local files
	files=$(maildir_files "$1")
	# shellcheck disable=SC2086
	[ -z "$files" ] || _mail_facts "$2" $files
}

# maildir_headers ADDR HEADER - HEADER of each message of ADDR (decoded,
# one line each), oldest first, from one python3 for all of them
maildir_headers()
{
	_maildir_facts "$1" "$2"
}

# maildir_grep ADDR HEADER REGEX - count messages of ADDR whose HEADER
# matches REGEX (extended)
maildir_grep()
{
	_maildir_facts "$1" "$2" | grep -Ec -- "$3"
	return 0
}

# maildir_ics_count ADDR METHOD - count messages of ADDR that carry a
# calendar of METHOD (REQUEST, CANCEL, ...)
maildir_ics_count()
{
	_maildir_facts "$1" ":ics:$2" | grep -c '^1$'
	return 0
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
	e2e_sql "SELECT answer FROM rsvps
		WHERE event_id = $1 AND session = $3 AND address = '$2'"
}

# moim_idle - true when moim-listd has nothing left to do: no inbound job
# waiting, no act asked by moim-web undone, and no copy waiting to be
# sent (read from the database)
moim_idle()
{
	local n
	n=$(e2e_sql \
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
