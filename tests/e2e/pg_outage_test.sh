#!/bin/bash
# pg_outage_test.sh - PostgreSQL stopped for 30 s while 100 posts arrive
# through Postfix: moim-milter answers 451 4.3.0, moim-listd answers LMTP
# 451, Postfix keeps every post; once the database is back, both serve
# again without a restart and every member gets each post exactly once.
#
# The posts come in on an "edge" smtpd of the same Postfix instance whose
# content_filter hands them, over SMTP (one session at a time), to the
# smtpd with moim-milter, as a sending MTA would: a 451 from the milter
# leaves the post in Postfix's queue (retried every 1-2 s), and so does
# an LMTP 451 from moim-listd for a post the milter accepted from what
# it remembered. [milter] cache_ms is 60000 here, longer than the
# outage, so both happen in one run: m1, whose role the milter looked up
# for a first post before the outage, is accepted from memory and held
# after LMTP 451; m2, not looked up yet, gets 451 4.3.0 from the milter.
# (With the default 1000 ms every post after the first second takes the
# milter's path.) The database is a private cluster (tests/pg.sh),
# halted after that first post and resumed 30 s later. The figures (451s
# seen, copies, duplicates, seconds to deliver after the database came
# back) are printed as one diagnostic line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

POSTS=${PG_OUTAGE_POSTS:-100}
OUTAGE=${PG_OUTAGE_SECONDS:-30}

e2e_init pg_outage
e2e_require milter/moim-milter listd/moim-listd ctl/moimctl
command -v python3 >/dev/null || skip_all "python3 not installed"

# a private cluster whatever the pass (tests/e2e/moim.sh, ENGINES),
# stopped at exit after the daemons
MOIM_E2E_ENGINE=postgresql
MOIM_E2E_DATABASE=
moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET" \
	"milter.cache_ms=60000"
PG_URI=$E2E_DB
e2e_pick_port EDGE_PORT || bail_out "no free port for the edge smtpd"
cat >"$E2E_DIR/edge.master.cf" <<CF
127.0.0.1:$EDGE_PORT inet n - n - - smtpd
  -o smtpd_milters= -o syslog_name=postfix/edge
  -o content_filter=edge-out:[127.0.0.1]:$E2E_SMTP_PORT
edge-out unix - - n - 1 smtp
  -o myhostname=edge.e2e.test -o syslog_name=postfix/edge-out
CF
pf_start --milter "unix:$E2E_MILTER_SOCKET" \
	--master-cf "$E2E_DIR/edge.master.cf" || bail_out "postfix did not start"
e2e_wait_port "$EDGE_PORT" 10 || bail_out "the edge smtpd did not start"
listd_start || bail_out "moim-listd did not start"
milter_start || bail_out "moim-milter did not start"

L=ai-friends
LA=$L@$E2E_LIST_DOMAIN
MEMBERS="m1@example.net m2@example.net m3@example.com"
moimctl list create "$LA" --name "AI 프렌즈" >/dev/null || bail_out "list create"
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
moimctl list set $L footer=off rate_limit=0 >/dev/null || bail_out "list set"

# edge_send N PREFIX FROM... - N posts to the list through the edge
# smtpd on one connection, by each FROM in turn; prints how many Postfix
# accepted
edge_send()
{
	local n=$1 prefix=$2
	shift 2
	send_posts --port "$EDGE_PORT" "$n" "$prefix" "$LA" "$@"
}

# rcpt_code smtp|lmtp PORT FROM - the reply to RCPT TO the list, by the
#	smtpd with moim-milter (smtp) or moim-listd (lmtp)
rcpt_code()
{
	python3 - "$@" "$LA" <<'PY'
import smtplib, sys
proto, port, sender, rcpt = sys.argv[1:5]
s = (smtplib.LMTP if proto == 'lmtp' else smtplib.SMTP)('127.0.0.1',
        int(port), timeout=60)
s.ehlo_or_helo_if_needed()
s.mail(sender)
c, t = s.rcpt(rcpt)
print(c, t.decode())
s.quit()
PY
}

# milter_rcpt_code - the milter's reply for m2, whose role is looked up
milter_rcpt_code()
{
	rcpt_code smtp "$E2E_SMTP_PORT" m2@example.net
}

# lmtp_rcpt_code - moim-listd's reply
lmtp_rcpt_code()
{
	rcpt_code lmtp "$E2E_LMTP_PORT" m1@example.net
}

# posts_of ADDR PREFIX - the Message-IDs ADDR received of posts PREFIX
#	(edge_send makes them <PREFIX.N.TIME@e2e.test>)
posts_of()
{
	local d
	d=$(maildir_dir "$1")
	[ -d "$d" ] || return 0
	find "$d/new" "$d/cur" -type f -exec \
		grep -hiE -m1 "^Message-ID: *<$2\." {} + 2>/dev/null | tr -d '\r'
}

# count_of ADDR PREFIX - how many copies of posts PREFIX ADDR has
count_of()
{
	posts_of "$1" "$2" | grep -c .
}

# 1. Before: a post reaches everyone (and fills the milter's cache).
t_is "$(edge_send 1 warm m1@example.net)" 1 "the edge smtpd accepts a post"
for m in $MEMBERS; do
	t_ok "$m gets the post before the outage" \
		e2e_poll 60 "[ \"\$(count_of $m warm)\" = 1 ]"
done
listd_pid=$(e2e_daemon_pid listd)
milter_pid=$(e2e_daemon_pid milter)

# 2. The database goes away for $OUTAGE seconds while the posts arrive.
sh "$top_srcdir/tests/pg.sh" halt "$PG_URI" || bail_out "pg.sh halt failed"
down_at=$(date +%s)
t_is "$(edge_send "$POSTS" outage m1@example.net m2@example.net)" "$POSTS" \
	"Postfix accepts all $POSTS posts while PostgreSQL is down"
t_like "$(milter_rcpt_code)" "^451 4\.3\.0" \
	"moim-milter answers 451 4.3.0 while PostgreSQL is down"
t_like "$(lmtp_rcpt_code)" "^451 4\.3\.0" \
	"moim-listd answers LMTP 451 4.3.0 while PostgreSQL is down"
t_ok "Postfix holds the $POSTS posts" \
	e2e_poll 30 "[ \"\$(pf_queue_count)\" -ge $POSTS ]"
# The outage lasts $OUTAGE s (a scenario, not a wait for an event).
while [ "$(date +%s)" -lt $((down_at + OUTAGE)) ]; do
	sleep 1
done
t_is "$(count_of m2@example.net outage)" 0 \
	"nothing delivered while PostgreSQL is down"
held=$(pf_queue_count)
diag "after ${OUTAGE} s down: $held messages in Postfix's queue"
t_ok "both daemons still run" \
	eval 'e2e_daemon_running listd && e2e_daemon_running milter'

# got_all ADDR - whether ADDR has every post; else ask Postfix to retry
#	now (postqueue -f, once in 5 s): a message qmgr found "still being
#	delivered" at a retry can otherwise wait minutes in its queue
got_all()
{
	[ "$(count_of "$1" outage)" -ge "$POSTS" ] && return 0
	[ $((SECONDS % 5)) = 0 ] && pf_flush >/dev/null 2>&1
	return 1
}

# 3. Back: Postfix retries (and is asked to); nothing is restarted.
sh "$top_srcdir/tests/pg.sh" resume "$PG_URI" || bail_out "pg.sh resume failed"
up_at=$(date +%s)
for m in $MEMBERS; do
	t_ok "$m gets all $POSTS posts after the outage" e2e_poll 300 got_all "$m"
done
done_at=$(date +%s)
pf_wait_queue_empty 60
dups=0
for m in $MEMBERS; do
	n=$(count_of "$m" outage)
	u=$(posts_of "$m" outage | sort -u | grep -c .)
	dups=$((dups + n - u))
	t_is "$n/$u" "$POSTS/$POSTS" "$m has $POSTS copies of $POSTS distinct posts"
done
t_is "$(e2e_daemon_pid listd)/$(e2e_daemon_pid milter)" \
	"$listd_pid/$milter_pid" "moim-listd and moim-milter were not restarted"
t_like "$(milter_rcpt_code)" "^250" "moim-milter accepts again"
t_like "$(lmtp_rcpt_code)" "^250" "moim-listd accepts again"

m451=$(grep -c 'milter-reject: RCPT from .*451 4\.3\.0' "$E2E_PF_LOG")
l451=$(grep 'postfix/lmtp' "$E2E_PF_LOG" | grep -c 'said: 451 4\.3\.0')
# distinct posts that waited behind each kind of 451
m451_posts=$(grep 'postfix/edge-out/smtp' "$E2E_PF_LOG" |
	grep 'said: 451 4\.3\.0' | sed 's/.*: \([0-9A-F]*\): to=.*/\1/' |
	sort -u | grep -c .)
l451_posts=$(grep 'postfix/lmtp' "$E2E_PF_LOG" | grep 'said: 451 4\.3\.0' |
	sed 's/.*: \([0-9A-F]*\): to=.*/\1/' | sort -u | grep -c .)
t_ok "moim-milter's 451 kept posts in Postfix ($m451_posts posts, $m451 replies)" \
	test "$m451_posts" -gt 0
t_ok "moim-listd's LMTP 451 kept posts in Postfix ($l451_posts posts, $l451 replies)" \
	test "$l451_posts" -gt 0
delivered=0
for m in $MEMBERS; do
	delivered=$((delivered + $(count_of "$m" outage)))
done
line="pg outage: posts=$POSTS held=$held milter_451=$m451"
line="$line milter_451_posts=$m451_posts lmtp_451=$l451"
line="$line lmtp_451_posts=$l451_posts delivered=$delivered"
line="$line duplicates=$dups outage_s=$OUTAGE"
diag "$line delivered_s_after_up=$((done_at - up_at))"
t_done
