#!/bin/bash
# moderate_test.sh - moderation by mail through a real Postfix: a held post
# approved by the moderator's reply reaches the members; a rejection with
# a reason reaches the author; a forged or replayed approval changes
# nothing; moimctl mod approve works too; a post nobody decides on
# expires after the list's hold_days with a notice to its author.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init moderate
moim_setup
pf_start || bail_out "postfix did not start"
L=seminar
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "세미나" --policy moderated \
	--owner owner@example.net >/dev/null || bail_out "list create"
moimctl member add $L mod@example.net --role moderator >/dev/null
moimctl member add $L alice@example.net bob@example.com >/dev/null
listd_start || bail_out "moim-listd did not start"

# reply_to_request MOD FROM FIRSTLINE: answer the newest mod-request
reply_to_request()
{
	local f to x
	for x in $(maildir_files "$1"); do
		header_of "$x" Reply-To | grep -q -- "-confirm+" && f=$x
	done
	to=$(header_of "$f" Reply-To | sed 's/.*<\(.*\)>.*/\1/')
	case $to in
	"$L"-confirm+*) ;;
	*) diag "no moderation address in Reply-To: '$to'"; return 1 ;;
	esac
	send_mail_text "$2" "$to" "Re: $(header_of "$f" Subject)" "$3

> quoted request text"
}

# 1. a member's post is held; the moderator approves by replying
send_mail_text alice@example.net "$LA" "첫 번째 글" "검토 후 배포될 글입니다."
t_ok "the moderator gets a request" maildir_wait mod@example.net 1 30
t_ok "the owner gets a request" maildir_wait owner@example.net 1 30
t_ok "the author is told the post is held" maildir_wait alice@example.net 1 30
f=$(maildir_last mod@example.net)
t_like "$(header_of "$f" Subject)" "첫 번째 글" "the request names the subject"
t_ok "the original is attached" grep -qi '^Content-Type: message/rfc822' "$f"
t_is "$(moimctl mod ls $L --json | jq length)" 1 "one post held"
t_is "$(maildir_count bob@example.com)" 0 "nothing distributed yet"
t_ok "the moderator approves by reply" reply_to_request mod@example.net mod@example.net "approve"
t_ok "the approved post reaches bob" e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "첫 번째 글")" -ge 1 ]'
t_is "$(moimctl mod ls $L --json | jq length)" 0 "nothing held any more"

# a replayed approval changes nothing
t_ok "the same approval sent again" reply_to_request mod@example.net mod@example.net "approve"
moim_settle 30
t_is "$(maildir_grep bob@example.com Subject '첫 번째 글')" 1 "the replay does not send the post again"

# 2. reject with a reason
n=$(maildir_count mod@example.net)
send_mail_text bob@example.com "$LA" "두 번째 글" "광고성 글"
t_ok "the moderator gets the second request" maildir_wait mod@example.net $((n + 1)) 30
t_ok "the moderator rejects with a reason" reply_to_request mod@example.net mod@example.net "거부 주제와 무관한 광고입니다"
t_ok "bob is told why" e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "배포되지 않았습니다")" -ge 1 ]'
f=$(for x in $(maildir_files bob@example.com); do
	header_of "$x" Subject | grep -q '배포되지 않았습니다' && echo "$x"; done | tail -n 1)
t_like "$(body_of "$f")" "주제와 무관한 광고입니다" "the reason reaches the author"
t_is "$(maildir_grep alice@example.net Subject '두 번째 글')" 0 "the rejected post is not distributed"

# 3. a forged approval from a member who is not a moderator
n=$(maildir_count mod@example.net)
send_mail_text alice@example.net "$LA" "세 번째 글" "세 번째"
t_ok "third request" maildir_wait mod@example.net $((n + 1)) 30
t_ok "bob answers the moderator's request address" reply_to_request mod@example.net bob@example.com "approve"
moim_settle 30
t_is "$(moimctl mod ls $L --json | jq length)" 1 "the forged approval leaves the post held"
t_is "$(maildir_grep bob@example.com Subject '세 번째 글')" 0 "nothing distributed on a forged approval"

# 4. moimctl mod approve
id=$(moimctl mod ls $L --json | jq '.[0].id')
t_ok "moimctl mod approve $id" moimctl mod approve "$id"
t_ok "the post approved by moimctl reaches bob" e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "세 번째 글")" -ge 1 ]'
t_not "approving it again fails" moimctl mod approve "$id"

# 5. a post nobody decides on expires after the list's hold_days (3
#    here): the author is told, the moderator's answer comes too late.
#    The test moves the expiry to the past instead of waiting 3 days.
t_ok "moimctl list set hold_days=3" moimctl list set $L hold_days=3
t_not "hold_days=0 is refused" moimctl list set $L hold_days=0
n=$(maildir_count mod@example.net)
send_mail_text alice@example.net "$LA" "네 번째 글" "아무도 결정하지 않는 글"
t_ok "fourth request" maildir_wait mod@example.net $((n + 1)) 30
t_is "$(e2e_sql "SELECT expires - created FROM held WHERE state = 'held'")" \
	$((3 * 86400)) "the held post expires 3 days after it came"
e2e_sql --write "UPDATE held SET expires = $(($(date +%s) - 1)) WHERE state = 'held'" ||
	bail_out "e2e_sql"
t_ok "its author is told it expired" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "검토 기한이 지났습니다")" = 1 ]'
t_is "$(moimctl mod ls $L --json | jq length)" 0 "it left the moderation queue"
t_ok "the moderator approves too late" reply_to_request mod@example.net mod@example.net "approve"
moim_settle 30
t_is "$(maildir_grep bob@example.com Subject '네 번째 글')" 0 "the expired post is never distributed"
t_done
