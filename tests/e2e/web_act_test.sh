#!/bin/bash
# web_act_test.sh - moim-web's acts end to end (issue 14): through real
# Postfix, moim-listd and moim-web on loopback, with curl.
#
# One-click unsubscribe exactly as Gmail sends it (urlencoded POST, no
# cookie): 200 without a redirect, the member gone, the goodbye mail;
# a second POST answers 200 and changes nothing; the multipart form
# works too; GET and HEAD change nothing; a forged token and another
# list's token are refused. RSVP by link: a GET (even with ?answer=)
# changes nothing, a POST counts and is confirmed by mail, and with a
# capacity of 1 the next yes waits. The join form mails the double
# opt-in request and subscribes nobody. A members-only archive refuses
# a stranger; a sign-in POST mails a link to a member only (same page
# for anyone); the link's GET changes nothing, its POST sets the
# session cookie (HttpOnly; Secure; SameSite=Lax), with which the list
# page answers 200; the link is good once.
#
# Links are read from the mail that carries them where mail carries
# them; tests/weblinktool makes the others (and forges tokens).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"
# The pages wait 3 s for moim-listd to carry an act out and show its
# outcome: moim-listd is woken by the act's commit (SQLite: its WAL file
# watch; PostgreSQL: a notification), so this runs on either engine.

e2e_init web_act
e2e_require web/moim-web tests/weblinktool
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
L=club
LA=$L@$D
ORG=org@example.net
WLT=$top_builddir/tests/weblinktool
SECRET=$E2E_DIR/etc/secret
moimctl list create "$LA" --name "Web Club" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl list create "other@$D" --name "Other" --owner $ORG >/dev/null ||
	bail_out "list create other"
moimctl member add $L a@example.net b@example.net c@example.net \
	d@example.net e@example.net >/dev/null || bail_out "member add"
moimctl member add other a@example.net >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"
web_start || bail_out "moim-web did not start"
BASE=$WEB_URL

sql() { e2e_sql "$1"; }

# member_id LIST ADDR - the member's row id
member_id()
{
	sql "SELECT m.id FROM members m JOIN lists l ON l.id = m.list_id
	     WHERE l.local = '$1' AND m.address = '$2'"
}

is_member()
{
	moimctl member ls "$1" --json |
		jq -e --arg a "$2" 'any(.[]; .address == $a)' >/dev/null
}

# acts_done - every web act has been carried out by moim-listd
acts_done()
{
	[ "$(sql 'SELECT count(*) FROM web_acts WHERE done = 0')" = 0 ]
}

settle()
{
	e2e_poll 30 acts_done && moim_settle 30
}

# http METHOD URL [CURL ARGS...] - the status code; headers in $E2E_DIR/h,
# body in $E2E_DIR/b
http()
{
	local m=$1 u=$2
	shift 2
	if [ "$m" = HEAD ]; then
		curl -s -I -o "$E2E_DIR/b" -D "$E2E_DIR/h" -w '%{http_code}' \
			"$@" "$u"
	else
		curl -s -X "$m" -o "$E2E_DIR/b" -D "$E2E_DIR/h" \
			-w '%{http_code}' "$@" "$u"
	fi
}

header()
{
	grep -i "^$1:" "$E2E_DIR/h" | head -n 1 | sed 's/^[^:]*: *//; s/\r$//'
}

wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# unsub_url ADDR LIST - the one-click URL: from the newest list copy
# ADDR received (List-Unsubscribe's https/http URI) when mail carries
# one, else made with weblinktool
unsub_url()
{
	local f u=
	f=$(maildir_last "$1")
	[ -n "$f" ] && u=$(header_of "$f" List-Unsubscribe |
		grep -o '<http[^>]*>' | head -n 1 | tr -d '<>')
	[ -n "$u" ] && { echo "$u"; return; }
	"$WLT" "$SECRET" unsub "$BASE" "$2@$D" "$(member_id "$2" "$1")" "$1"
}

# forge TOKEN-URL - the URL with the token's last character changed
forge()
{
	local last=${1: -1} to=a
	[ "$last" = a ] && to=b
	echo "${1%?}$to"
}

GMAIL=(-H 'Content-Type: application/x-www-form-urlencoded'
	--data 'List-Unsubscribe=One-Click')

# --- 1. one-click unsubscribe
send_mail_text a@example.net "$LA" "hello" "a post so members get a copy" ||
	bail_out "send"
t_ok "b gets the post" wait_subject b@example.net hello
UA=$(unsub_url a@example.net $L)
t_like "$UA" "^${BASE}u/" "the unsubscribe URL is under base_url"

t_is "$(http GET "$UA")" 200 "GET of the unsubscribe link: 200"
t_like "$(cat "$E2E_DIR/b")" '<form method="post"' "GET shows a form"
t_like "$(cat "$E2E_DIR/b")" 'List-Unsubscribe.*One-Click' \
	"the form sends the RFC 8058 body"
t_not "the GET page has no script" grep -qi '<script' "$E2E_DIR/b"
t_is "$(http HEAD "$UA")" 200 "HEAD: 200"
t_ok "after GET and HEAD a is still a member" is_member $L a@example.net

t_is "$(http POST "$(forge "$UA")" "${GMAIL[@]}")" 403 "a forged token: 403"
OTHER=$("$WLT" "$SECRET" unsub "$BASE" "other@$D" \
	"$(member_id $L a@example.net)" a@example.net)
t_is "$(http POST "$OTHER" "${GMAIL[@]}")" 403 \
	"a token made for another list, naming this member: 403"
t_is "$(sql "SELECT count(*) FROM web_acts")" 0 "no act was recorded"
t_ok "a is still a member" is_member $L a@example.net

t_is "$(http POST "$UA" "${GMAIL[@]}")" 200 "Gmail's one-click POST: 200"
t_is "$(header Location)" "" "no redirect"
t_is "$(header Set-Cookie)" "" "no cookie"
t_ok "a is removed" e2e_poll 10 "! is_member $L a@example.net"
t_ok "a gets the goodbye mail" wait_subject a@example.net "구독이 취소"
t_ok "a is still a member of the other list" is_member other a@example.net

t_is "$(http POST "$UA" "${GMAIL[@]}")" 200 "a second POST: 200"
t_like "$(cat "$E2E_DIR/b")" "이미 취소" "it says so"
settle
t_is "$(sql "SELECT count(*) FROM web_acts WHERE kind = 'unsub'")" 1 \
	"the second POST recorded nothing"
t_is "$(maildir_grep a@example.net Subject '구독이 취소')" 1 \
	"and sent no second goodbye"

UB=$(unsub_url b@example.net $L)
t_is "$(http POST "$UB" -F 'List-Unsubscribe=One-Click')" 200 \
	"a multipart/form-data one-click POST: 200"
t_ok "b is removed" e2e_poll 10 "! is_member $L b@example.net"
t_is "$(http POST "$(unsub_url c@example.net $L)" --data 'x=y')" 400 \
	"a POST without the one-click body: 400"
t_ok "c is still a member" is_member $L c@example.net
# A member who left another way (here moimctl) and then uses the link of
# an old mail: 200, nothing changes.
UC=$(unsub_url c@example.net $L)
moimctl member rm $L c@example.net >/dev/null || bail_out "member rm"
t_is "$(http POST "$UC" "${GMAIL[@]}")" 200 \
	"one-click after leaving by other means: 200"
t_like "$(cat "$E2E_DIR/b")" "이미 취소" "it says so"
t_is "$(sql "SELECT count(*) FROM web_acts WHERE kind = 'unsub'")" 2 \
	"it recorded nothing"
t_is "$(http POST "$(forge "$UC")" "${GMAIL[@]}")" 403 \
	"a forged token of a member who left: 403"
moimctl member add $L c@example.net >/dev/null || bail_out "member add"

# --- 2. RSVP by link, capacity 1
DAY=$(date -d '+20 days' '+%Y년 %-m월 %-d일')
post_as_owner_text $ORG "$LA" "웹 모임 안내" "행사: 웹 모임
일시: $DAY 오후 2시~4시
장소: 세미나실
정원: 1명

와 주세요." || bail_out "announce"
t_ok "c gets the invitation" wait_subject c@example.net "웹 모임 안내"
EV=$(moimctl event ls $L | cut -f1)
# rsvp_url ADDR [ANSWER] - ADDR's answer link: from the invitation when
# mail carries one, else made with weblinktool
rsvp_url()
{
	local u
	u=$(body_of "$(newest_with "$1" "웹 모임 안내")" |
		grep -o "${BASE}r/[A-Za-z0-9-]*" | head -n 1)
	if [ -n "$u" ]; then
		echo "$u${2:+?answer=$2}"
		return
	fi
	"$WLT" "$SECRET" rsvp "$BASE" "$LA" "$EV" "$(member_id $L "$1")" "$1" \
		${2:+"$2"}
}
rsvps()
{
	moimctl event rsvps "$EV" | grep -c @
}
RC=$(rsvp_url c@example.net yes)
t_is "$(http GET "$RC")" 200 "GET of an answer link with ?answer=yes: 200"
t_like "$(cat "$E2E_DIR/b")" "웹 모임" "it shows the event"
t_like "$(cat "$E2E_DIR/b")" 'value="yes"' "and the buttons"
t_is "$(http HEAD "$RC")" 200 "HEAD: 200"
settle
t_is "$(rsvps)" 0 "GET and HEAD recorded no answer"

t_is "$(http POST "$(forge "${RC%%\?*}")" --data answer=yes)" 403 \
	"a forged answer token: 403"
t_is "$(http POST "${RC%%\?*}" --data 'answer=yes&guests=0')" 200 \
	"c's POST yes: 200"
t_like "$(cat "$E2E_DIR/b")" "참석으로 등록" "the page shows the outcome"
t_is "$(rsvps)" 1 "the answer counts"
t_ok "c gets a confirmation" wait_subject c@example.net "참석 응답 확인"
RD=$(rsvp_url d@example.net)
t_is "$(http POST "$RD" --data 'answer=yes')" 200 "d's POST yes: 200"
t_like "$(cat "$E2E_DIR/b")" "대기자 명단 1번째" "d waits, first in line"
t_like "$(moimctl event rsvps "$EV" | grep d@example.net)" waitlist \
	"d is on the waitlist"
t_is "$(http POST "$RD" --data 'answer=perhaps')" 400 "a bad answer: 400"
t_is "$(http POST "$RD" --data 'answer=yes&guests=99')" 400 \
	"too many guests: 400"
t_is "$(http POST "${RC%%\?*}" --data 'answer=no')" 200 "c's POST no: 200"
t_like "$(cat "$E2E_DIR/b")" "불참으로 등록" "the page says so"
t_like "$(moimctl event rsvps "$EV" | grep d@example.net)" attending \
	"c's seat goes to d, who waited"
t_is "$(http POST "$(forge "${RD%%\?*}")" --data 'answer=no')" 403 \
	"a forged answer token changes nothing"
t_like "$(moimctl event rsvps "$EV" | grep d@example.net)" attending \
	"d still attends"

# --- 3. join form
t_is "$(http POST "${BASE}$LA/join" --data 'email=new@example.net')" 200 \
	"join form: 200"
t_ok "new@example.net gets the confirmation request" \
	e2e_poll 30 '[ "$(maildir_count new@example.net)" -ge 1 ]'
t_like "$(header_of "$(maildir_last new@example.net)" Reply-To)" \
	"$L-confirm\\+" "it is the double opt-in request"
t_not "new@example.net is not subscribed" is_member $L new@example.net

# --- 4. members-only archive and sign-in
t_is "$(http GET "${BASE}$LA/")" 403 "the list page refuses a stranger"
t_like "$(cat "$E2E_DIR/b")" 'name="email"' "with the sign-in form"
t_like "$(cat "$E2E_DIR/b")" "$L%40.*/join|$LA/join" "and the join form"
t_is "$(http POST "${BASE}signin" --data "email=e@example.net&next=$LA/")" \
	200 "sign-in POST for a member: 200"
cp "$E2E_DIR/b" "$E2E_DIR/b.member"
t_is "$(http POST "${BASE}signin" --data 'email=zz@example.net')" 200 \
	"sign-in POST for a stranger: 200"
t_ok "the same page for both" cmp -s "$E2E_DIR/b" "$E2E_DIR/b.member"
t_ok "e gets a sign-in link" wait_subject e@example.net "로그인"
settle
t_is "$(maildir_count zz@example.net)" 0 "the stranger gets nothing"
SU=$(body_of "$(newest_with e@example.net "로그인")" |
	grep -o "${BASE}signin/[a-z0-9]*" | head -n 1)
t_like "$SU" "^${BASE}signin/" "the mail carries the link"
t_is "$(http GET "$SU")" 200 "GET of the sign-in link: 200"
t_is "$(header Set-Cookie)" "" "GET sets no cookie"
t_is "$(sql 'SELECT count(*) FROM web_signins WHERE used = 1')" 0 \
	"GET did not use the link"
t_is "$(http POST "$SU")" 303 "POST of the sign-in link: 303"
CK=$(header Set-Cookie)
t_like "$CK" "^moim_session=" "it sets the session cookie"
t_like "$CK" "HttpOnly" "HttpOnly"
t_like "$CK" "Secure" "Secure"
t_like "$CK" "SameSite=Lax" "SameSite=Lax"
t_like "$(header Location)" "$LA/\$" "back to the page asked for"
SESSION=${CK%%;*}
t_is "$(http GET "${BASE}$LA/" -H "Cookie: $SESSION")" 200 \
	"the list page admits the member"
t_like "$(cat "$E2E_DIR/b")" "Web Club" "and shows the list"
t_is "$(http GET "${BASE}$LA/" -H "Cookie: $(forge "$SESSION")")" 403 \
	"a forged session: 403"
t_is "$(http POST "$SU")" 403 "the link used twice: refused"
ROW=$(sql "SELECT max(id) FROM web_signins")
OLD=$("$WLT" "$SECRET" token signin "" e@example.net "$ROW" -10)
t_is "$(http POST "${BASE}signin/$OLD")" 403 "an expired sign-in link: 403"
OLD=$("$WLT" "$SECRET" token unsub "$LA" c@example.net \
	"$(member_id $L c@example.net)" -10)
t_is "$(http POST "${BASE}u/$OLD" "${GMAIL[@]}")" 403 \
	"an expired unsubscribe link: 403"
t_ok "c is still a member" is_member $L c@example.net
t_is "$(http GET "${BASE}$LA/" -H "Cookie: $SESSION")" 200 \
	"the session still works"

t_done
