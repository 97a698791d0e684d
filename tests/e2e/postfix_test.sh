#!/bin/bash
# postfix_test.sh - the e2e harness against a private Postfix, no moim yet.
#
# Proves what every later e2e test relies on: mail to a member address
# lands in its Maildir byte for byte (Korean UTF-8), a 200-recipient
# transaction on the relay port gives each member exactly one copy, list
# mail with nothing on the LMTP port is deferred (kept and retried, never
# bounced), other domains never leave the machine, the SMTP port answers
# 4xx when its milter is down while the relay port has none, the daemon
# helpers work, and pf_stop leaves no process of the instance behind.
# shellcheck disable=SC2119,SC2317 # optional arguments; called via t_ok
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

e2e_init postfix
pf_start || bail_out "private Postfix did not start"
pass "private Postfix starts on 127.0.0.1:$E2E_SMTP_PORT and :$E2E_RELAY_PORT"

# --- one Korean UTF-8 message through the SMTP port
subject="모임 알림: 다음 주 회의"
body="안녕하세요, 여러분.
다음 주 화요일 저녁 7시에 만나요. ☕"
t_ok "SMTP port accepts mail for alice" \
	send_mail_text bob@example.com alice@example.net "$subject" "$body"
t_is "$(send_mail_code)" 250 "final reply is 250"
t_ok "it lands in alice's Maildir" maildir_wait alice@example.net 1 20
msg=$(maildir_last alice@example.net)
t_is "$(maildir_count alice@example.net)" 1 "exactly one message for alice"
t_is "$(dirname "$msg")" "$E2E_MAILDIR_BASE/example.net/alice/new" \
	"Maildir is mail/DOMAIN/USER/new"
# The body is everything after the first empty line.
got_body=$(sed '1,/^$/d' "$msg")
t_is "$got_body" "$body" "UTF-8 body arrives byte for byte"
enc=$(sed -n 's/^Subject: =?UTF-8?B?\(.*\)?=$/\1/p' "$msg")
t_is "$(printf '%s' "$enc" | base64 -d)" "$subject" \
	"RFC 2047 subject decodes to the Korean original"
t_ok "virtual(8) adds Return-Path and Delivered-To" \
	grep -q '^Return-Path: <bob@example.com>$' "$msg"
t_ok "... and Delivered-To" grep -q '^Delivered-To: alice@example.net$' "$msg"

# --- 200 recipients in one transaction through the relay port
rcpts=$E2E_DIR/rcpts.txt
for i in $(seq -w 1 200); do
	if [ $((10#$i % 2)) = 0 ]; then
		echo "m$i@example.com"
	else
		echo "m$i@example.net"
	fi
done >"$rcpts"
mail_text list-bounces@lists.example.org m001@example.net "팬아웃" \
	"한 번에 200명" >"$E2E_DIR/fanout.eml"
t_ok "relay port takes 200 recipients in one transaction" \
	send_mail_expect 250 --port "$E2E_RELAY_PORT" \
	list-bounces@lists.example.org "@$rcpts" "$E2E_DIR/fanout.eml"
t_is "$(grep -c '^ *-> RCPT TO' "$E2E_LAST_SWAKS")" 200 \
	"swaks sent 200 RCPT TO in one session"
t_ok "the queue drains" pf_wait_queue_empty 30
# One find for all 200 Maildirs: the directory of every message, sorted,
# must be exactly the recipients' new/ directories, each once.
while read -r a; do
	echo "$(maildir_dir "$a")/new"
done <"$rcpts" | sort >"$E2E_DIR/want.txt"
find "$E2E_MAILDIR_BASE" -path "$E2E_MAILDIR_BASE/*/m[0-9][0-9][0-9]/*" \
	-type f -printf '%h\n' | sort >"$E2E_DIR/got.txt"
t_ok "each of the 200 recipients has exactly one message" \
	cmp -s "$E2E_DIR/got.txt" "$E2E_DIR/want.txt" ||
	diff "$E2E_DIR/want.txt" "$E2E_DIR/got.txt" | head -n 10 | sed 's/^/# /'
t_is "$(wc -l <"$E2E_DIR/got.txt")" 200 "200 copies in all"

# --- list mail with nothing on the LMTP port: deferred, not bounced
t_ok "SMTP port accepts mail for the list domain" \
	send_mail_text carol@example.com x@lists.example.org "보류" "LMTP down"
qid=$(send_mail_queue_id)
t_like "$qid" '^[0-9A-F]+$' "queue id from the 250 reply"
t_ok "LMTP delivery is deferred" \
	pf_log_wait "$qid: to=<x@lists.example.org>, .*status=deferred" 20
t_ok "pf_flush asks for a retry" pf_flush
deferred_twice()
{
	[ "$(grep -c "$qid: to=<x@lists.example.org>.*status=deferred" \
		"$E2E_PF_LOG")" -ge 2 ]
}
t_ok "the retry is deferred again" e2e_poll 10 deferred_twice
t_is "$(pf_queue_count)" 1 "the message stays in the queue"
t_not "nothing was bounced" grep -q "$qid: .*status=bounced" "$E2E_PF_LOG"
t_is "$(maildir_count carol@example.com)" 0 "no bounce reached the sender"

# --- no other domain is reachable: the error transport refuses it
mail_text dave@example.com someone@elsewhere.test "밖" "nowhere" \
	>"$E2E_DIR/foreign.eml"
t_ok "SMTP port refuses a foreign domain at RCPT" \
	send_mail_expect 550 dave@example.com someone@elsewhere.test \
	"$E2E_DIR/foreign.eml"
t_ok "with the e2e routing text" \
	grep -q '550 5.1.2 .*e2e instance routes no other domain' \
	"$E2E_LAST_SWAKS"

# --- daemon helpers
e2e_daemon_start sleeper sleep 300
t_ok "e2e_daemon_start runs a daemon" e2e_daemon_running sleeper
e2e_daemon_stop sleeper
t_is "$?" 143 "e2e_daemon_stop ends it with TERM"
t_not "it is gone" e2e_daemon_running sleeper
e2e_daemon_start sleeper sleep 300
e2e_daemon_kill9 sleeper
t_not "e2e_daemon_kill9 ends it at once" e2e_daemon_running sleeper

# --- restart with a milter that is not running
t_ok "pf_stop stops the instance" pf_stop
t_not "no process of the instance is left" pf_running
t_ok "pf_start --milter restarts it" \
	pf_start --milter "unix:$E2E_MILTER_SOCKET"
t_is "$(pf_queue_count)" 1 "the deferred list mail survived the restart"
mail_text erin@example.com alice@example.net "milter" "down" \
	>"$E2E_DIR/milter.eml"
t_ok "SMTP port answers 4xx while its milter is down" \
	send_mail_expect '4*' erin@example.com alice@example.net \
	"$E2E_DIR/milter.eml"
t_ok "relay port has no milter" \
	send_mail_expect 250 --port "$E2E_RELAY_PORT" erin@example.com \
	alice@example.net "$E2E_DIR/milter.eml"
t_ok "relayed mail lands" maildir_wait alice@example.net 2 20

# --- bench mode: 2,000 recipients in one transaction to smtp-sink
t_ok "pf_stop before the restart" pf_stop
sink_port=""
e2e_pick_port sink_port
t_ok "smtp-sink runs" e2e_sink_start "$sink_port"
t_ok "pf_start --sink restarts it" pf_start --sink "$sink_port"
seq -f 'b%04g@example.net' 1 2000 >"$E2E_DIR/rcpts2000.txt"
t_ok "relay port takes 2,000 recipients in one transaction" \
	send_mail_expect 250 --port "$E2E_RELAY_PORT" \
	list-bounces@lists.example.org "@$E2E_DIR/rcpts2000.txt" \
	"$E2E_DIR/fanout.eml"
sent_to_sink()
{
	[ "$(grep -c "relay=127.0.0.1\[127.0.0.1\]:$sink_port, .*status=sent" \
		"$E2E_PF_LOG")" = 2000 ]
}
t_ok "all 2,000 go to the sink" e2e_poll 30 sent_to_sink
t_is "$(find "$E2E_MAILDIR_BASE" -path '*/b[0-9]*' | wc -l)" 0 \
	"and none to a Maildir"

t_ok "pf_stop stops it at the end" pf_stop
t_not "no master process for the instance is left" pf_running
pf_status() { postfix -c "$E2E_PF_DIR" status >/dev/null 2>&1; }
t_not "postfix status agrees" pf_status
t_done
