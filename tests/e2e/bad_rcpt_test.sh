#!/bin/bash
# bad_rcpt_test.sh - an address the SMTP client cannot write (issue 13
# item 7): "a b"@evil.test answers an event. moim-listd's confirmation to
# it is refused before the wire and recorded as a permanent failure; the
# delivery is not left "sending", the relay session goes on, and the
# other recipients (a member's confirmation, a post to every member) are
# delivered.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init bad-rcpt
moim_setup
pf_start || bail_out "postfix did not start"
L=forum
D=$E2E_LIST_DOMAIN
LA=$L@$D
ORG=org@example.net
BAD='"a b"@evil.test'
moimctl list create "$LA" --name "기술포럼" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl member add $L a@example.net b@example.net >/dev/null ||
	bail_out "member add"
listd_start || bail_out "moim-listd did not start"

wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# delivery_states RCPT - the states of RCPT's deliveries, comma-separated
delivery_states()
{
	e2e_sql "SELECT state FROM deliveries
		WHERE rcpt = '${1//\'/\'\'}' ORDER BY id" | paste -sd,
}

post_as_owner_text $ORG "$LA" "포럼 안내" "행사: 공개기술포럼
일시: 2026년 12월 16일 (수) 오후 2시~5시
장소: 시청각실

많은 참여 바랍니다." || bail_out "send"
t_ok "a gets the announcement" wait_subject a@example.net "포럼 안내"
EV=$(moimctl event ls $L | cut -f1)
RSVP=$L-rsvp+$EV@$D

# The answer from the address with a space, then one from a member: both
# confirmations are queued, the first cannot be sent.
mail_text "$BAD" "$RSVP" "Re: 포럼 안내" "참석합니다" >"$E2E_DIR/bad.eml"
t_ok "Postfix takes the answer from $BAD" \
	send_mail_expect 250 "$BAD" "$RSVP" "$E2E_DIR/bad.eml"
t_ok "the answer is recorded" e2e_poll 30 \
	"moimctl event rsvps $EV | grep -qF '$BAD'"
send_mail_text b@example.net "$RSVP" "Re: 포럼 안내" "참석합니다" ||
	bail_out "send"
t_ok "b's answer is confirmed" e2e_poll 30 \
	"[ \"\$(maildir_count b@example.net)\" -ge 2 ]"
t_ok "moim-listd settles (nothing left pending or sending)" moim_settle 60
t_is "$(delivery_states "$BAD")" 3 \
	"the confirmation to $BAD is recorded as failed, once"
t_like "$(e2e_sql "SELECT code || ' ' || text FROM deliveries
	WHERE rcpt = '${BAD//\'/\'\'}'")" "^553 5\\.1\\.3 " \
	"with a permanent status"
t_is "$(e2e_sql "SELECT count(*) FROM deliveries
	WHERE state IN (0, 1)")" 0 "no delivery is left pending or sending"

# The session goes on: a post still reaches every member.
send_mail_text a@example.net "$LA" "after" "after the bad address" ||
	bail_out "send"
for m in a@example.net b@example.net $ORG; do
	t_ok "$m gets the next post" wait_subject $m "after"
done
t_not "the relay session was not dropped for it" \
	grep -q "fanout: relay .*bad recipient" "$E2E_DIR/log/listd.log"
t_done
