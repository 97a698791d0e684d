#!/bin/bash
# relay_drop_test.sh - the relay closes the connection in mid-transaction:
# the copy in flight goes back to the queue and is sent again, without a
# restart of moim-listd, and every member gets the post once.
#
# dropproxy.py stands between moim-listd and the relay smtpd and drops its
# first two sessions at MAIL FROM. Before the fix the copy claimed by a
# dropped session stayed "sending" until moim-listd restarted.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init relaydrop
moim_setup "listd.connections=1"
pf_start || bail_out "postfix did not start"
e2e_pick_port PROXY_PORT || bail_out "no free port for the proxy"
e2e_daemon_start dropproxy "$E2E_PYTHON" "$top_srcdir/tests/e2e/dropproxy.py" \
	"$PROXY_PORT" "$E2E_RELAY_PORT" 2 "$E2E_DIR/dropped" &&
	e2e_wait_port "$PROXY_PORT" 10 || bail_out "dropproxy did not start"
# moim-listd sends through the proxy, one session at a time.
sed -i "s/^relay = .*/relay = 127.0.0.1:$PROXY_PORT/" "$MOIM_CONF"
grep -q "^relay = 127.0.0.1:$PROXY_PORT\$" "$MOIM_CONF" ||
	bail_out "relay not set"

L=ai-friends
LA=$L@$E2E_LIST_DOMAIN
MEMBERS="m1@example.net m2@example.net m3@example.com"
moimctl list create "$LA" --name "AI 프렌즈" >/dev/null || bail_out "list create"
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
moimctl list set $L footer=off >/dev/null
listd_start || bail_out "moim-listd did not start"

send_mail_text m1@example.net "$LA" "relay drop" "the relay drops twice" ||
	bail_out "post not accepted"
for m in $MEMBERS; do
	t_ok "$m gets the post" maildir_wait "$m" 1 90
done
t_is "$(cat "$E2E_DIR/dropped")" 2 "the proxy dropped two sessions"
t_is "$(e2e_sql \
	"SELECT count(*) FROM deliveries WHERE state = 1")" 0 \
	"no delivery is left sending"
t_is "$(e2e_sql \
	"SELECT count(*) FROM deliveries WHERE state = 2")" 3 \
	"three deliveries recorded as sent"
pf_wait_queue_empty 60
for m in $MEMBERS; do
	t_is "$(maildir_count "$m")" 1 "$m has exactly one copy"
done
t_done
