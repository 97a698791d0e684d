#!/bin/bash
# pg_workers_test.sh - two moim-listd workers behind two Postfix instances
# on one PostgreSQL database: a post to a large list, kill -9 of one worker
# in the middle of the fan-out; the other takes its claims over once its
# lease has run out, every member has the post, and no one has it twice
# beyond the copy the dead worker may have had in flight on each of its
# relay connections. Timers fire once across the workers, and the
# survivor takes them over too. Each MX's moim-milter reads the same
# database: both refuse a stranger's post to a members-only list, and
# both take a member moimctl adds within [milter] cache_ms.
#
# Two Postfix instances on loopback (lib.sh's, and a second one whose
# variables with_pf2 swaps in), each with its own moim-milter and
# relaying for its own moim-listd; one private PostgreSQL cluster
# (tests/pg.sh). Both instances deliver into
# one Maildir tree, where the copies are counted per member.
#
# WORKERS_MEMBERS sets the list's size (default 2000; the issue's 10,000
# is run by hand: WORKERS_MEMBERS=10000). The lease is 6 s, so that the
# takeover is quick; the figures (copies, duplicates, takeover time) go
# to the TAP stream as diag lines.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/e2e/lib.sh"
. "$(dirname "$0")/e2e/moim.sh"

N=${WORKERS_MEMBERS:-2000}
CONN=4
LEASE=6
e2e_init workers
e2e_require milter/moim-milter listd/moim-listd ctl/moimctl

PG_URI=
PF2_DIR=$E2E_DIR/pf2
_pf2_sid=

# with_pf2 CMD... - run a lib.sh Postfix helper on the second instance
with_pf2()
{
	local d=$E2E_DIR s=$E2E_SMTP_PORT r=$E2E_RELAY_PORT l=$E2E_LMTP_PORT
	local pd=$E2E_PF_DIR pq=$E2E_PF_QUEUE pl=$E2E_PF_LOG sid=${_pf_sid:-}
	local rc
	E2E_DIR=$PF2_DIR E2E_SMTP_PORT=$PF2_SMTP E2E_RELAY_PORT=$PF2_RELAY
	E2E_LMTP_PORT=$PF2_LMTP E2E_PF_DIR=$PF2_DIR/pf/etc
	E2E_PF_QUEUE=$PF2_DIR/pf/queue E2E_PF_LOG=$PF2_DIR/log/maillog
	_pf_sid=$_pf2_sid
	"$@"
	rc=$?
	_pf2_sid=${_pf_sid:-}
	E2E_DIR=$d E2E_SMTP_PORT=$s E2E_RELAY_PORT=$r E2E_LMTP_PORT=$l
	E2E_PF_DIR=$pd E2E_PF_QUEUE=$pq E2E_PF_LOG=$pl _pf_sid=$sid
	return $rc
}

# cleanup - the second instance and the cluster, then lib.sh's clean-up
cleanup()
{
	local status=$?
	e2e_daemon_stop listd1 >/dev/null 2>&1
	e2e_daemon_stop listd2 >/dev/null 2>&1
	with_pf2 pf_stop >/dev/null 2>&1
	if [ "$status" != 0 ] || [ "$_t_failed" != 0 ]; then
		diag "---- tail of the second instance's maillog"
		tail -n 20 "$PF2_DIR/log/maillog" 2>/dev/null | sed 's/^/# /'
	fi
	[ -n "$PG_URI" ] && sh "$top_srcdir/tests/pg.sh" stop "$PG_URI" \
		>/dev/null 2>&1
	(exit "$status")
	_e2e_cleanup
}
trap cleanup EXIT

# sql SQL - one query on the shared database, rows as psql -At prints them
sql()
{
	psql -X -q -At -d "$PG_URI" -c "$1"
}

err=$E2E_DIR/log/pg.err
PG_URI=$(sh "$top_srcdir/tests/pg.sh" start 2>"$err")
case $? in
0) ;;
77) PG_URI=; skip_all "no PostgreSQL test cluster: $(cat "$err")" ;;
*) PG_URI=; bail_out "tests/pg.sh start failed: $(tail -3 "$err")" ;;
esac
command -v psql >/dev/null || skip_all "psql not installed"

# The second instance: its own ports and directories, the same Maildirs.
mkdir -p "$PF2_DIR/log" || bail_out "mkdir $PF2_DIR"
chmod 755 "$PF2_DIR"
for v in PF2_SMTP PF2_RELAY PF2_LMTP; do
	e2e_pick_port "$v" || bail_out "no free loopback port"
done

export MOIM_E2E_DATABASE=$PG_URI
moim_setup "listd.connections=$CONN" "listd.worker_lease=$LEASE" \
	"milter.socket=unix:$E2E_MILTER_SOCKET"
CONF1=$MOIM_CONF
CONF2=$E2E_DIR/etc/moim2.conf
MILTER2_SOCKET=${E2E_MILTER_SOCKET%/*}/milter2.sock
sed -e "s/^lmtp = .*/lmtp = 127.0.0.1:$PF2_LMTP/" \
	-e "s/^relay = .*/relay = 127.0.0.1:$PF2_RELAY/" \
	-e "s#^socket = unix:.*#socket = unix:$MILTER2_SOCKET#" \
	"$CONF1" >"$CONF2"
pf_start --milter "unix:$E2E_MILTER_SOCKET" ||
	bail_out "postfix 1 did not start"
with_pf2 pf_start --milter "unix:$MILTER2_SOCKET" ||
	bail_out "postfix 2 did not start"

L=big
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "Big list" --policy open >/dev/null ||
	bail_out "list create"
seq -f "user%05g@example.net" 1 "$N" >"$E2E_DIR/members.txt"
t0=$(date +%s.%N)
moimctl member import $L "$E2E_DIR/members.txt" >/dev/null ||
	bail_out "member import"
diag "imported $N members in $(echo "$(date +%s.%N) - $t0" | bc) s"
t_is "$(sql "SELECT count(*) FROM members")" "$N" "$N members on PostgreSQL"

# A digest list, for the timers: three digest members.
D=dg
DA=$D@$E2E_LIST_DOMAIN
moimctl list create "$DA" --name "Digest" --policy open >/dev/null ||
	bail_out "list create $DA"
for i in 1 2 3; do
	moimctl member add $D "dg$i@example.net" --mode digest >/dev/null ||
		bail_out "member add"
done

# The members-only list the milters guard.
C=closed
CA=$C@$E2E_LIST_DOMAIN
moimctl list create "$CA" --name "Closed" >/dev/null &&
	moimctl member add $C insider@example.net >/dev/null ||
	bail_out "list create $CA"
e2e_daemon_start milter1 "$top_builddir/milter/moim-milter" -f -c "$CONF1" &&
	e2e_wait_socket "$E2E_MILTER_SOCKET" 10 ||
	bail_out "moim-milter 1 did not start"
e2e_daemon_start milter2 "$top_builddir/milter/moim-milter" -f -c "$CONF2" &&
	e2e_wait_socket "$MILTER2_SOCKET" 10 ||
	bail_out "moim-milter 2 did not start"

listd_up()
{
	e2e_daemon_start "listd$1" "$MOIM_LISTD" -f -c "$2" &&
		e2e_wait_port "$3" 10
}
listd_up 1 "$CONF1" "$E2E_LMTP_PORT" || bail_out "listd 1 did not start"
listd_up 2 "$CONF2" "$PF2_LMTP" || bail_out "listd 2 did not start"
PID1=$(e2e_daemon_pid listd1)
t_ok "both workers registered" e2e_poll 10 \
	'[ "$(sql "SELECT count(*) FROM workers")" = 2 ]'
W1=$(sql "SELECT id FROM workers WHERE pid = $PID1")
W2=$(sql "SELECT id FROM workers WHERE pid <> $PID1")
t_is "$(sql "SELECT min(id) FROM workers")" "$W1" \
	"the first worker runs the timers (lowest id)"

# digests DIGEST-COUNT - whether every digest member has that many
digests_are()
{
	local i
	for i in 1 2 3; do
		[ "$(maildir_grep "dg$i@example.net" Subject '다이제스트 제')" = "$1" ] ||
			return 1
	done
}

# digest_round N - two posts through instance 2 (worker 2 takes them),
#	queued, then the digest due in 2 s; every member gets digest N
digest_round()
{
	local q
	q=$(sql "SELECT count(*) FROM digest_queue")
	send_mail_text --port "$PF2_SMTP" poster@example.com "$DA" \
		"digest post $1a" "first" >/dev/null &&
		send_mail_text --port "$PF2_SMTP" poster@example.com "$DA" \
			"digest post $1b" "second" >/dev/null || return 1
	e2e_poll 30 "[ \"\$(sql 'SELECT count(*) FROM digest_queue')\" -ge $((q + 2)) ]" ||
		return 1
	moimctl list set $D digest_time="$(TZ=Asia/Seoul date -d '+2 sec' +%H:%M:%S)" \
		>/dev/null
}

# Both MX refuse a stranger's post at SMTP time, from the one database;
# a member moimctl adds is taken by both within cache_ms (1 s).
mail_text stranger@example.com "$CA" "closed" "hi" >"$E2E_DIR/msg/closed.eml"
t_ok "MX 1's milter refuses a stranger's post to a members-only list" \
	send_mail_expect 550 stranger@example.com "$CA" "$E2E_DIR/msg/closed.eml"
t_ok "MX 2's milter refuses it too" \
	send_mail_expect 550 --port "$PF2_SMTP" stranger@example.com "$CA" \
	"$E2E_DIR/msg/closed.eml"
moimctl member add $C stranger@example.com >/dev/null ||
	bail_out "member add stranger"
t_ok "MX 1 takes the new member's post" e2e_poll 10 \
	'send_mail_expect 250 stranger@example.com "$CA" "$E2E_DIR/msg/closed.eml"'
t_ok "MX 2 takes it too" e2e_poll 10 \
	'send_mail_expect 250 --port "$PF2_SMTP" stranger@example.com "$CA" "$E2E_DIR/msg/closed.eml"'

t_ok "two posts queued for the digest" digest_round 1
t_ok "each digest member gets the first digest" e2e_poll 60 'digests_are 1'

sent()
{
	sql "SELECT count(*) FROM deliveries d JOIN outbound o
		ON o.id = d.outbound_id JOIN lists l ON l.id = o.list_id
		WHERE l.local = '$L' AND d.state = 2"
}

send_mail_text someone@example.com "$LA" "workers test" "one post, $N members" ||
	bail_out "post not accepted"
t_ok "the fan-out starts" e2e_poll 120 '[ "$(sent)" -ge $((N / 5)) ]'
e2e_daemon_kill9 listd1
t_kill=$(date +%s.%N)
at_kill=$(sent)
held=$(sql "SELECT count(*) FROM deliveries WHERE state = 1 AND owner = $W1")
diag "killed worker 1 (id $W1) with $at_kill of $N copies recorded;" \
	"$held claimed by it and not recorded"
t_ok "the kill came in the middle of the fan-out" test "$at_kill" -lt "$N"
t_ok "worker 1 held claims when it died" test "$held" -gt 0
t_ok "worker 1's claims go back to the queue" e2e_poll $((LEASE * 5)) \
	'[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 1 AND owner = $W1")" = 0 ]'
diag "worker 1's claims went back $(echo "$(date +%s.%N) - $t_kill" | bc) s" \
	"after the kill (lease $LEASE s, renewed every $((LEASE / 3)) s)"
t_ok "every copy is recorded, by worker 2" e2e_poll 180 '[ "$(sent)" -ge "$N" ]'
t_done_all=$(date +%s.%N)
t_is "$(sql "SELECT count(*) FROM deliveries WHERE state <> 2 AND
	rcpt LIKE 'user%'")" 0 "no copy left unsent or failed"
took=$(echo "$t_done_all - $t_kill" | bc)
diag "all $N recorded $took s after the kill (lease $LEASE s)"
t_ok "worker 2 took worker 1's claims over" \
	grep -q "claims of workers no longer heard from go back" \
	"$E2E_DIR/log/listd2.log"
t_is "$(sql "SELECT count(*) FROM workers WHERE id = $W1")" 0 \
	"the dead worker's row is gone"

t_ok "the first queue drains" pf_wait_queue_empty 300
t_ok "the second queue drains" with_pf2 pf_wait_queue_empty 300

# Copies per member, from both instances' deliveries into the Maildirs.
find "$E2E_MAILDIR_BASE/example.net" -path '*/new/*' -type f |
	awk -F/ '$(NF-2) ~ /^user/ { n[$(NF-2)]++ }
		END { for (u in n) print u, n[u] }' >"$E2E_DIR/copies.txt"
have=$(wc -l <"$E2E_DIR/copies.txt")
dup=$(awk '$2 > 1 { d += $2 - 1 } END { print d + 0 }' "$E2E_DIR/copies.txt")
copies=$(awk '{ c += $2 } END { print c + 0 }' "$E2E_DIR/copies.txt")
diag "members with a copy: $have of $N; copies $copies; extra copies $dup" \
	"(allowed: up to $CONN, one in flight per connection of worker 1)"
t_is "$have" "$N" "every member has the post"
t_ok "no member has it twice beyond the in-flight window" test "$dup" -le "$CONN"

# Worker 2 runs the timers now: the next digest goes out once.
t_is "$(sql "SELECT min(id) FROM workers")" "$W2" \
	"worker 2 is the only worker left"
t_ok "two more posts queued for the digest" digest_round 2
t_ok "each digest member gets the second digest" e2e_poll 60 'digests_are 2'
t_is "$(grep -c 'digest: list=' "$E2E_DIR/log/listd1.log")" 1 \
	"worker 1 sent the first digest"
t_is "$(grep -c 'digest: list=' "$E2E_DIR/log/listd2.log")" 1 \
	"worker 2 sent the second"
t_ok "no digest twice" digests_are 2

# Each inbound message was processed once: one job per recipient, done.
t_is "$(sql "SELECT count(*) FROM inbound WHERE state = 0")" 0 \
	"no inbound job left"
t_is "$(sql "SELECT count(*) FROM outbound o JOIN lists l ON l.id = o.list_id
	WHERE l.local = '$L'")" 1 "the post made one copy for the list"
t_done
