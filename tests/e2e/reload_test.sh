#!/bin/bash
# reload_test.sh - SIGHUP makes moim-listd put its configuration file in
# force again: a new templates directory is used for the next mail; a bad
# file, or one that changes what only a restart can change, leaves the
# running configuration in force and says so in the log; the daemon
# keeps working throughout. Also: moim-listd's log line for each message
# names Postfix's queue ID, as Postfix's own log does.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init reload
moim_setup
pf_start || bail_out "postfix did not start"
L=study
LA=$L@$E2E_LIST_DOMAIN
RQ=$L-request@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "AI 스터디" --language en >/dev/null ||
	bail_out "list create"
moimctl member add $L alice@example.net >/dev/null
listd_start || bail_out "moim-listd did not start"
LOG=$E2E_DIR/log/listd.log
hup() { kill -HUP "$(e2e_daemon_pid listd)"; }

# help with the built-in templates
send_mail_text alice@example.net "$RQ" "help" ""
t_ok "help is answered" maildir_wait alice@example.net 1 30
t_not "the stock help text" grep -q "RELOADED-HELP" "$(maildir_last alice@example.net)"

# the queue ID of the request in Postfix's log is in moim-listd's log
qid=$(grep -E "postfix/lmtp.*to=<$RQ>" "$E2E_PF_LOG" | tail -1 |
	sed -E 's/.*\]: ([0-9A-F]+): to=.*/\1/')
t_ok "Postfix delivered the request over LMTP (queue ID '$qid')" test -n "$qid"
t_ok "moim-listd logs the same queue ID" grep -q "queue=$qid rcpt=$RQ" "$LOG"

# a new templates directory, put in force by SIGHUP
cp -r "$top_srcdir/templates" "$E2E_DIR/tpl"
sed -i '3i RELOADED-HELP' "$E2E_DIR/tpl/en/help.txt"
chmod -R a+rX "$E2E_DIR/tpl"
sed -i "s|^templates = .*|templates = $E2E_DIR/tpl|" "$MOIM_CONF"
hup
t_ok "the reload is logged" e2e_poll 10 'grep -q "reload: .* in force" "$LOG"'
send_mail_text alice@example.net "$RQ" "help" ""
t_ok "help is answered again" maildir_wait alice@example.net 2 30
t_ok "with the new template" grep -q "RELOADED-HELP" "$(maildir_last alice@example.net)"

# a bad file: the running configuration stays
cp "$MOIM_CONF" "$E2E_DIR/good.conf"
printf '[listd]\nno_such_key = 1\n' >>"$MOIM_CONF"
hup
t_ok "a bad file is refused in the log" e2e_poll 10 'grep -q "reload: .*no_such_key.*running configuration stays" "$LOG"'
t_ok "moim-listd is still running" e2e_daemon_running listd

# a change that takes a restart: refused, named
cp "$E2E_DIR/good.conf" "$MOIM_CONF"
sed -i "s|^relay = .*|relay = 127.0.0.1:1|" "$MOIM_CONF"
hup
t_ok "a relay change is refused, and named" e2e_poll 10 'grep -q "reload: .*\[listd\] relay changed, which takes a restart" "$LOG"'
send_mail_text alice@example.net "$LA" "after reloads" "still here"
t_ok "posts still go out through the running relay" e2e_poll 30 '[ "$(maildir_grep alice@example.net Subject "after reloads")" = 1 ]'
n=$(maildir_count alice@example.net)
send_mail_text alice@example.net "$RQ" "help" ""
t_ok "help is answered after the refused reloads" maildir_wait alice@example.net $((n + 1)) 30
t_ok "still with the reloaded templates" grep -q "RELOADED-HELP" "$(maildir_last alice@example.net)"
t_done
