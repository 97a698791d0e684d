#!/bin/bash
# pg_start_test.sh - moim-listd started while PostgreSQL is down: it does
# not exit, answers LMTP 451 4.3.0 (Postfix keeps the post), and once the
# database is back its threads open it (one log line when they start
# waiting, one when they get it) and the post is delivered, without a
# restart. The database is a private cluster (tests/pg.sh), halted
# before moim-listd starts and resumed after the post was refused.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init pg_start
e2e_require listd/moim-listd ctl/moimctl
command -v python3 >/dev/null || skip_all "python3 not installed"

# a private cluster whatever the pass (tests/e2e/moim.sh, ENGINES),
# stopped at exit after the daemons
MOIM_E2E_ENGINE=postgresql
MOIM_E2E_DATABASE=
moim_setup
PG_URI=$E2E_DB
pf_start || bail_out "postfix did not start"
L=club
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "Club" >/dev/null || bail_out "list create"
moimctl member add $L m1@example.net m2@example.net >/dev/null ||
	bail_out "member add"
moimctl list set $L footer=off rate_limit=0 >/dev/null || bail_out "list set"

# lmtp_rcpt_code - moim-listd's reply to RCPT TO the list
lmtp_rcpt_code()
{
	python3 - "$E2E_LMTP_PORT" "$LA" <<'PY'
import smtplib, sys
s = smtplib.LMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
s.ehlo_or_helo_if_needed()
s.mail('m1@example.net')
c, t = s.rcpt(sys.argv[2])
print(c, t.decode())
s.quit()
PY
}

# lmtp_refused - whether Postfix logged moim-listd's 451 for a delivery
lmtp_refused()
{
	grep 'postfix/lmtp' "$E2E_PF_LOG" | grep -q 'said: 451 4\.3\.0'
}

# got_post - whether m2 has the post; else ask Postfix to retry now (once
#	in 3 s) rather than after its back-off
got_post()
{
	[ "$(maildir_count m2@example.net)" -ge 1 ] && return 0
	[ $((SECONDS % 3)) = 0 ] && pf_flush >/dev/null 2>&1
	return 1
}

# 1. Down first, then moim-listd starts: it stays up and refuses for now.
sh "$top_srcdir/tests/pg.sh" halt "$PG_URI" || bail_out "pg.sh halt failed"
t_ok "moim-listd starts while PostgreSQL is down" listd_start
listd_pid=$(e2e_daemon_pid listd)
t_like "$(lmtp_rcpt_code)" "^451 4\.3\.0" \
	"moim-listd answers LMTP 451 4.3.0 while PostgreSQL is down"
t_ok "Postfix accepts a post" \
	send_mail_text m1@example.net "$LA" "while down" "posted while down"
t_ok "moim-listd's 451 keeps it in Postfix" e2e_poll 60 lmtp_refused
t_is "$(maildir_count m2@example.net)" 0 "nothing delivered while down"

# 2. Back: the post is delivered, nothing restarted.
sh "$top_srcdir/tests/pg.sh" resume "$PG_URI" || bail_out "pg.sh resume failed"
up_at=$(date +%s)
t_ok "m2 gets the post once PostgreSQL is back" e2e_poll 120 got_post
done_at=$(date +%s)
t_ok "m1 gets it too" maildir_wait m1@example.net 1 30
t_is "$(e2e_daemon_pid listd)" "$listd_pid" "moim-listd was not restarted"
t_like "$(lmtp_rcpt_code)" "^250" "moim-listd accepts again"
LOG=$E2E_DIR/log/listd.log
# (libpq's text may hold a newline: count the lines that start one)
for th in process fanout worker; do
	t_ok "the $th thread logged its wait for the database" \
		grep -q "error: $th: database: " "$LOG"
done
t_is "$(grep -c 'error: process: ' "$LOG")" 1 \
	"one line when the processor starts waiting, not one per try"
t_is "$(grep -c 'process: database open again' "$LOG")" 1 \
	"one line when it has the database again"
t_ok "moim-listd registered as a worker once the database answered" \
	grep -q "worker: id=" "$LOG"
diag "pg start: delivered_s_after_up=$((done_at - up_at))"
t_done
