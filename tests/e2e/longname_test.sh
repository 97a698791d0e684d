#!/bin/bash
# longname_test.sh - the longest list name moim allows (19 characters: its
# longest address, L-unsubscribe+TOKEN, must fit a 64-octet local part)
# works end to end through a real Postfix: a member's VERP bounce
# (L-bounces+TOKEN) and an unsubscribe by replying to L-unsubscribe+TOKEN
# are both accepted and acted on. One more character is refused by
# moimctl, and a longer name already in a database is warned about by
# moimctl check.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init longname
moim_setup
# The relay takes every recipient, so dead@'s failure comes back as a DSN
# to the copy's VERP address L-bounces+TOKEN, through Postfix and LMTP.
pf_start -o "smtpd_reject_unlisted_recipient=no" -o "transport_maps=inline:{ $E2E_LIST_DOMAIN=lmtp:inet:127.0.0.1:$E2E_LMTP_PORT, {dead@example.net=error:5.1.1 mailbox unavailable} }" ||
	bail_out "postfix did not start"

L=abcdefghij-klmnopqr # 19 characters
LA=$L@$E2E_LIST_DOMAIN
t_is "${#L}" 19 "the list name has 19 characters"
out=$(moimctl list create "x$LA" --owner owner@example.net 2>&1)
t_not "a 20-character list name is refused" [ "$?" = 0 ]
t_like "$out" "at most 19 characters" "the refusal names the maximum"
t_ok "a 19-character list name is taken" \
	moimctl list create "$LA" --owner owner@example.net
moimctl member add $L alice@example.net bob@example.net \
	dead@example.net >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"

send_mail_text alice@example.net "$LA" "long name post" "hello"
t_ok "the post reaches bob" e2e_poll 30 "[ \"\$(maildir_grep bob@example.net Subject 'long name post')\" -ge 1 ]"
moim_settle 60
n=$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'dead@example.net' AND kind = 'permanent'")
t_is "$n" 1 "the DSN to $L-bounces+TOKEN was accepted and counted"
t_ok "the DSN went through LMTP to $L-bounces+TOKEN" \
	grep -Eq "to=<$L-bounces\+[a-z2-7]+@.*status=sent" "$E2E_PF_LOG"

f=$(newest_with bob@example.net 'long name post')
unsub=$(header_of "$f" List-Unsubscribe | sed 's/.*<mailto:\(.*\)>.*/\1/')
t_like "$unsub" "^$L-unsubscribe\\+[a-z2-7]+@" "List-Unsubscribe names $L-unsubscribe+TOKEN"
local_part=${unsub%@*}
diag "longest address made: $local_part (${#local_part} octets)"
t_ok "$L-unsubscribe+TOKEN fits 64 octets" [ "${#local_part}" -le 64 ]
send_mail_text bob@example.net "$unsub" "unsubscribe" ""
t_is "$(send_mail_code)" 250 \
	"Postfix accepts mail to $L-unsubscribe+TOKEN"
moim_settle 60
t_ok "bob confirms" reply_confirm bob@example.net
moim_settle 60
t_ok "bob is unsubscribed" e2e_poll 30 \
	"! moimctl member ls $L --json | jq -e '.[] | select(.address==\"bob@example.net\")' >/dev/null"

# A list made before the limit, with a longer name, is warned about.
e2e_sql --write "INSERT INTO lists (local, domain, created) VALUES ('abcdefghijklmnopqrstuvwxyz0', '$E2E_LIST_DOMAIN', 0)" ||
	bail_out "could not add a list with a longer name"
out=$(moimctl check 2>&1)
t_like "$out" "WARN list abcdefghijklmnopqrstuvwxyz0@$E2E_LIST_DOMAIN: name longer than 19" \
	"moimctl check warns about a longer list name"
t_done
