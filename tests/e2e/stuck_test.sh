#!/bin/bash
# stuck_test.sh - input that used to leave work stuck (issue 13.5),
# through the real Postfix and LMTP: a post whose Message-ID has a space
# ("<a b@x>") to a moderated list reaches the moderators (the notice
# leaves out the reference it cannot write) and a request with such an id
# is answered; a job that keeps failing is given up after
# MOIM_MAX_JOB_TRIES tries, with a notice to the list's owners, and is
# not retried any more.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init stuck
moim_setup
# A copy of the templates, so that the test can break one.
cp -r "$top_srcdir/templates" "$E2E_DIR/templates" || bail_out "templates"
chmod -R a+rX "$E2E_DIR/templates"
sed -i "s|^templates = .*|templates = $E2E_DIR/templates|" "$MOIM_CONF"
pf_start || bail_out "postfix did not start"
L=review
LA=$L@$E2E_LIST_DOMAIN
MAX_TRIES=$(sed -n 's/^#define MOIM_MAX_JOB_TRIES \([0-9]*\).*/\1/p' \
	"$top_srcdir/lib/limits.h")
moimctl list create "$LA" --name "검토" --policy moderated \
	--owner owner@example.net >/dev/null || bail_out "list create"
moimctl member add $L mod@example.net --role moderator >/dev/null
moimctl member add $L alice@example.net >/dev/null
listd_start || bail_out "moim-listd did not start"

# odd_id_mail FROM TO SUBJECT - a message whose Message-ID has a space
odd_id_mail()
{
	f=$E2E_DIR/msg/odd-$RANDOM.eml
	mail_text "$1" "$2" "$3" "본문" |
		sed 's/^Message-ID: .*/Message-ID: <a b@x.example>/' >"$f"
	send_mail "$1" "$2" "$f"
}

# 1. the post is held and the moderators are asked
t_ok "a post with Message-ID <a b@x.example> is accepted" odd_id_mail \
	alice@example.net "$LA" "공백 있는 아이디"
t_ok "the moderator gets the request" maildir_wait mod@example.net 1 30
t_ok "the author is told the post is held" maildir_wait alice@example.net 1 30
f=$(maildir_last mod@example.net)
t_like "$(header_of "$f" Subject)" "공백 있는 아이디" "the request names the post"
t_not "the request has no In-Reply-To it cannot write" \
	grep -qi '^In-Reply-To:' "$f"
t_is "$(moimctl mod ls $L --json | jq length)" 1 "the post is held"
t_is "$(e2e_sql "SELECT count(*) FROM inbound WHERE state = 0")" \
	0 "no job is left to retry"

# 2. a request with such an id is answered
n=$(maildir_count alice@example.net)
t_ok "help to $L-request with that id" odd_id_mail alice@example.net \
	"$L-request@$E2E_LIST_DOMAIN" "help"
t_ok "the help answer arrives" maildir_wait alice@example.net $((n + 1)) 30

# 3. a job that always fails: the moderators' template is gone, so
#    every try of a held post fails (a configuration error, retried)
rm -f "$E2E_DIR"/templates/*/mod-request.txt
send_mail_text alice@example.net "$LA" "실패하는 글" "본문" ||
	bail_out "send"
t_ok "the job fails and waits for a retry" e2e_poll 30 \
	'[ "$(e2e_sql "SELECT max(tries) FROM inbound WHERE state = 0")" -ge 1 ]'
n=$(maildir_count owner@example.net)
# The test moves the job to its last try instead of waiting 18 hours.
e2e_sql --write "UPDATE inbound SET tries = $((MAX_TRIES - 1)), next_try = 0 WHERE state = 0" ||
	bail_out "e2e_sql"
t_ok "the owner is told after the last try" \
	maildir_wait owner@example.net $((n + 1)) 30
f=$(maildir_last owner@example.net)
t_like "$(header_of "$f" Subject)" "처리하지 못했습니다" "the owner's notice"
t_like "$(body_of "$f")" "${MAX_TRIES}번" "it says how many tries"
t_ok "the message is attached" grep -qi '^Content-Type: message/rfc822' "$f"
t_is "$(e2e_sql "SELECT count(*) FROM inbound WHERE state = 0")" \
	0 "the job is not retried any more"
t_ok "moim-listd logs that it gave up" \
	grep -q "giving up after $MAX_TRIES tries" "$E2E_DIR/log/listd.log"
moim_settle 30
t_is "$(maildir_count owner@example.net)" $((n + 1)) "the owner is told once"
t_done
