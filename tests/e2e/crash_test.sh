#!/bin/bash
# crash_test.sh - kill -9 of moim-listd in the middle of a 2,000-recipient
# fan-out; after a restart every recipient has their copy, and no one has
# two beyond the one copy per relay connection that may have been in
# flight at the instant of the crash (SPEC "Failure rules").
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

N=2000
CONN=4
e2e_init crash
moim_setup "listd.connections=$CONN"
pf_start || bail_out "postfix did not start"
L=big
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "Big list" --policy open >/dev/null || bail_out "list create"
seq -f "user%04g@example.net" 1 $N >"$E2E_DIR/members.txt"
moimctl member import $L "$E2E_DIR/members.txt" >/dev/null || bail_out "import"
t_is "$(moimctl member ls $L --json | jq length)" $N "$N members imported"
listd_start || bail_out "moim-listd did not start"

sent() { e2e_sql "SELECT count(*) FROM deliveries WHERE state = 2" 2>/dev/null || echo 0; }

send_mail_text someone@example.com "$LA" "crash test" "one post, $N members"
t_ok "fan-out starts" e2e_poll 60 '[ "$(sent)" -ge 200 ]'
listd_kill9
at_kill=$(sent)
diag "killed moim-listd with $at_kill of $N copies recorded as accepted"
t_ok "the kill came in the middle of the fan-out" test "$at_kill" -lt $N
listd_start || bail_out "moim-listd did not restart"
t_ok "every copy is recorded after the restart" e2e_poll 180 '[ "$(sent)" -ge $N ]'
pf_wait_queue_empty 120

# One pass over the Maildirs: "missing dup" over the member list
read -r missing dup < <(maildir_tally example.net | awk -v list="$E2E_DIR/members.txt" '
	BEGIN { while ((getline a <list) > 0) { sub(/@.*/, "", a); want[a] = 1; n++ } }
	want[$1] { got++; if ($2 > 1) dup += $2 - 1 }
	END { print n - got, dup + 0 }')
t_is "$missing" 0 "no recipient is missing a copy"
diag "extra copies: $dup (allowed: up to $CONN, one in flight per connection)"
t_ok "no recipient mailed twice beyond the in-flight window" test "$dup" -le $CONN
t_done
