#!/bin/bash
# bounce_test.sh - bounces through a real Postfix: a member whose mailbox
# is dead (a DSN from Postfix, and a refusal at SMTP time) is disabled
# after 5 permanent failures and the owner told; a member whose server
# refuses for policy reasons (5.7.1) is reported but stays enabled.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

# BOUNCE_MODE=dsn (bounce_dsn_test.sh): the relay accepts every recipient
# and the failures come back later as DSNs over LMTP to the VERP address;
# otherwise the relay refuses them at RCPT time.
MODE=${BOUNCE_MODE:-smtp}
extra=()
[ "$MODE" = dsn ] && extra=(-o "smtpd_reject_unlisted_recipient=no")
e2e_init "bounce-$MODE"
moim_setup
# dead@ fails with 5.1.1 (dead mailbox), spamtrap@ with 5.7.1 (policy),
# gone@ with 5.1.2 (no such domain).
pf_start "${extra[@]}" -o "transport_maps=inline:{ $E2E_LIST_DOMAIN=lmtp:inet:127.0.0.1:$E2E_LMTP_PORT, {dead@example.net=error:5.1.1 mailbox unavailable}, {spamtrap@example.com=error:5.7.1 message refused as spam} }" ||
	bail_out "postfix did not start"
L=ai-friends
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "AI 프렌즈" --owner owner@example.net >/dev/null ||
	bail_out "list create"
moimctl member add $L alice@example.net dead@example.net \
	spamtrap@example.com gone@nowhere.invalid >/dev/null
listd_start || bail_out "moim-listd did not start"

enabled() { moimctl member ls $L --json | jq -r ".[] | select(.address==\"$1\") | .enabled"; }

for i in 1 2 3 4 5; do
	send_mail_text alice@example.net "$LA" "post $i" "body $i"
	t_ok "post $i reaches alice" e2e_poll 30 "[ \"\$(maildir_grep alice@example.net Subject 'post $i')\" -ge 1 ]"
	moim_settle 60
done
n=$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'dead@example.net' AND kind = 'permanent'")
t_is "$n" 5 "five DSNs for dead@example.net were read as permanent"
t_is "$(enabled dead@example.net)" false "dead@example.net is disabled"
t_is "$(enabled gone@nowhere.invalid)" false "gone@nowhere.invalid (no such domain) is disabled"
n=$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'spamtrap@example.com' AND kind = 'policy'")
t_is "$n" 5 "five policy refusals for spamtrap@example.com"
t_is "$(enabled spamtrap@example.com)" true "policy refusals do not disable a member"
t_is "$(enabled alice@example.net)" true "alice stays enabled"
moimctl member show $L dead@example.net --json >"$E2E_DIR/show.json"
t_is "$(jq -r '[.enabled, .last_bounce_kind, .last_bounce_status] | join(" ")' "$E2E_DIR/show.json")" \
	"false permanent 5.1.1" "member show: disabled, the last bounce permanent 5.1.1"
t_like "$(jq -r .last_bounce_reason "$E2E_DIR/show.json")" "mailbox unavailable" \
	"member show: the last bounce's reason"
t_like "$(jq -r .last_bounce "$E2E_DIR/show.json")" "^20[0-9-]+T[0-9:]+Z\$" \
	"member show: the last bounce's time"
t_is "$(moimctl member ls $L --json | jq -r '.[] | select(.address=="spamtrap@example.com") | .last_bounce_kind')" \
	policy "member ls --json: the policy refusal is the last bounce of spamtrap@example.com"
t_ok "the owner is told who was disabled" e2e_poll 10 "[ \"\$(maildir_grep owner@example.net Subject 'dead@example.net')\" -ge 1 ]"
t_ok "the owner is told about the policy refusals" e2e_poll 10 "[ \"\$(maildir_grep owner@example.net Subject 'spamtrap@example.com')\" -ge 1 ]"

# a disabled member gets no more posts; the others do
send_mail_text alice@example.net "$LA" "post 6" "body 6"
t_ok "post 6 reaches alice" e2e_poll 30 "[ \"\$(maildir_grep alice@example.net Subject 'post 6')\" -ge 1 ]"
moim_settle 60
n=$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'dead@example.net'")
t_is "$n" 5 "no copy of post 6 went to the disabled member"
t_done
