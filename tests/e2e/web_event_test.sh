#!/bin/bash
# web_event_test.sh - the event page end to end (issue 14 "Events"): an
# event announced by mail to two lists appears on its page through a real
# Postfix, moim-listd and moim-web, in the event's zone, with its place,
# its escaped description (line breaks kept), capacity, the hosting lists
# and the seats drawn as an SVG bar; answers by mail change the counts
# and the bar; event.ics is an iTIP PUBLISH that parses, in Asia/Seoul,
# without attendees; a cancelled event says so (page and calendar); an
# event read through a list that does not host it, or a missing one, is
# 404, and no GET changes anything.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init web_event
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
ORG=org@example.net
moimctl list create "forum@$D" --name "기술포럼" --owner $ORG >/dev/null ||
	bail_out "list create forum"
moimctl list create "dl@$D" --name "딥러닝 모임" --owner $ORG >/dev/null ||
	bail_out "list create dl"
moimctl list create "other@$D" --name "Other <b>list</b>" --owner $ORG \
	>/dev/null || bail_out "list create other"
for l in forum dl other; do
	moimctl list set $l archive=public >/dev/null || bail_out "list set"
done
moimctl list set other language=en >/dev/null || bail_out "list set"
moimctl member add forum a@example.net b@example.net c@example.net \
	>/dev/null || bail_out "member add"
moimctl member add dl d@example.com >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"
web_start || bail_out "moim-web did not start"
BASE=http://127.0.0.1:$WEB_PORT

# fetch PATH - GET PATH into $E2E_DIR/page (headers into page.h); prints
#	the status
fetch()
{
	curl -s --noproxy '*' -D "$E2E_DIR/page.h" -o "$E2E_DIR/page" \
		-w '%{http_code}' "$BASE$1"
}

# header NAME - a header of the last fetch
header()
{
	grep -i "^$1:" "$E2E_DIR/page.h" | head -n 1 | sed 's/^[^:]*: *//; s/\r$//'
}

# width CLASS - the width of the seats bar's rect of that class, or 0
width()
{
	local w
	w=$(grep -o "<rect class=\"$1\" x=\"[0-9]*\" y=\"[0-9]*\" width=\"[0-9]*\"" \
		"$E2E_DIR/page" | sed 's/.*width="\([0-9]*\)"/\1/')
	echo "${w:-0}"
}

# rsvp_status ADDR - ADDR's answer status
rsvp_status()
{
	moimctl event rsvps "$EV" | awk -F'\t' -v a="$1" '$1 == a { print $5 }'
}

# answers - how many answers the store holds
answers()
{
	e2e_sql "SELECT count(*) FROM rsvps"
}

# --- 1. an announcement to two lists is one event with its page
post_as_owner_text $ORG "forum@$D,dl@$D" "제1회 공개기술포럼 안내" "행사: 제1회 공개기술포럼
일시: 2026년 12월 16일 (수) 오후 2시~5시
장소: 한국항공우주연구원 4층 시청각실
정원: 3명
설명: 많은 참여 바랍니다. <script>alert(1)</script> & \"따옴표\"

많은 참여 바랍니다." || bail_out "send"
t_ok "the announcement reaches a" e2e_poll 30 \
	"[ \"\$(maildir_grep a@example.net Subject '공개기술포럼')\" -ge 1 ]"
EV=$(moimctl event ls forum | cut -f1)
t_is "$EV" 1 "the event is stored"
INV=$(newest_with a@example.net '공개기술포럼 안내')
UID_=$(ics_of "$INV" REQUEST | sed -n 's/^UID://p')
ORGANIZER=$(ics_of "$INV" REQUEST | sed -n 's/^ORGANIZER.*:mailto://p')
t_like "$ORGANIZER" "^(forum|dl)-rsvp\+$EV@" "the invitation's ORGANIZER"
t_is "$(fetch /forum@$D/e/$EV/)" 200 "the event page answers 200"
t_like "$(header Content-Type)" "^text/html" "as HTML"
page=$(cat "$E2E_DIR/page")
t_like "$page" '<html lang="ko"' "in the list's language"
t_like "$page" "<h1>제1회 공개기술포럼</h1>" "the title"
t_like "$page" "2026-12-16 14:00-17:00 \(Asia/Seoul\)" "the time in the event's zone"
t_like "$page" "한국항공우주연구원 4층 시청각실" "the place"
t_like "$page" "많은 참여 바랍니다. &lt;script&gt;alert\(1\)&lt;/script&gt; &amp; &quot;따옴표&quot;" \
	"the description, escaped"
t_not "no script element" grep -qi "<script" "$E2E_DIR/page"
t_like "$page" "<th scope=\"row\">정원</th><td>3명</td>" "the capacity"
t_like "$page" "<th scope=\"row\">참석</th><td>0명</td>" "nobody attends yet"
t_like "$page" "href=\"$BASE/forum@$D/\">기술포럼</a>" "hosted by forum"
t_like "$page" "href=\"$BASE/dl@$D/\">딥러닝 모임</a>" "and co-hosted by dl"
t_like "$page" 'href="event.ics"' "a link to the calendar file"
t_like "$page" "<title>참석 0명, 빈자리 3석, 대기 0명</title>" \
	"the bar says what it shows"
t_is "$(width seats-free)" 300 "the bar is all free seats"
t_is "$(width seats-taken)" 0 "and no one is drawn attending"
t_not "no address of a member on the page" grep -q "org@example.net" \
	"$E2E_DIR/page"
t_like "$(header Content-Security-Policy)" "default-src 'none'" "with the CSP"
t_is "$(fetch /dl@$D/e/$EV/)" 200 "the co-host's path shows it too"

# --- 2. answers by mail change the counts and the bar; GETs change nothing
n=$(answers)
for i in 1 2 3; do fetch /forum@$D/e/$EV/ >/dev/null; done
t_is "$(answers)" "$n" "reading the page records nothing"
# One at a time: seats go in the order the answers arrive.
send_mail_text a@example.net "forum-rsvp+$EV@$D" "Re: 포럼" "참석합니다" ||
	bail_out "send"
t_ok "a attends" e2e_poll 30 '[ "$(rsvp_status a@example.net)" = attending ]'
send_mail_text b@example.net "forum-request@$D" "forum" "rsvp $EV yes +1" ||
	bail_out "send"
t_ok "b attends with a guest" e2e_poll 30 \
	'[ "$(rsvp_status b@example.net)" = attending ]'
send_mail_text d@example.com "dl-rsvp+$EV@$D" "Re: 포럼" "참석합니다" ||
	bail_out "send"
t_ok "d, on the co-hosting list, waits" e2e_poll 30 \
	'[ "$(rsvp_status d@example.com)" = waitlist ]'
t_is "$(fetch /forum@$D/e/$EV/)" 200 "the page again"
page=$(cat "$E2E_DIR/page")
t_like "$page" "<th scope=\"row\">참석</th><td>3명</td>" "three attend (a guest counts)"
t_like "$page" "<th scope=\"row\">대기</th><td>1명</td>" "one waits"
t_like "$page" "<title>참석 3명, 빈자리 0석, 대기 1명</title>" "the bar's title"
t_is "$(width seats-taken)" 225 "three of four seats' worth are drawn taken"
t_is "$(width seats-free)" 0 "none free"
t_is "$(width seats-wait)" 75 "one waiting"

# --- 3. event.ics: an iTIP PUBLISH in the event's zone
t_is "$(fetch /forum@$D/e/$EV/event.ics)" 200 "event.ics answers 200"
t_is "$(header Content-Type)" "text/calendar; charset=utf-8" "as text/calendar"
t_like "$(header Content-Disposition)" "^attachment; filename=event.ics" \
	"as a download named event.ics"
ics=$(python3 - "$E2E_DIR/page" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
assert raw.startswith('BEGIN:VCALENDAR\r\n') and raw.endswith('END:VCALENDAR\r\n'), 'framing'
lines = raw.replace('\r\n ', '').split('\r\n')
assert all(len(l.encode()) <= 75 for l in raw.split('\r\n')), 'folding'
depth = 0
for l in lines:
    if l.startswith('BEGIN:'): depth += 1
    if l.startswith('END:'): depth -= 1
    assert depth >= 0, 'nesting'
assert depth == 0, 'unbalanced'
print('\n'.join(lines))
PY
) || ics=""
t_ok "event.ics parses (framing, folding, nesting)" test -n "$ics"
t_like "$ics" "^METHOD:PUBLISH$" "METHOD:PUBLISH"
t_like "$ics" "^DTSTART;TZID=Asia/Seoul:20261216T140000$" "DTSTART in Asia/Seoul"
t_like "$ics" "^DTEND;TZID=Asia/Seoul:20261216T170000$" "DTEND in Asia/Seoul"
t_like "$ics" "^BEGIN:VTIMEZONE$" "with its VTIMEZONE"
t_like "$ics" "^SUMMARY:제1회 공개기술포럼$" "the title"
t_like "$ics" "^ORGANIZER.*:mailto:${ORGANIZER//+/\\+}$" \
	"ORGANIZER is the invitations' rsvp address"
t_like "$ics" "^STATUS:CONFIRMED$" "confirmed"
t_not "no ATTENDEE" grep -q '^ATTENDEE' <<<"$ics"
t_like "$ics" "^UID:${UID_}$" "the same UID as the invitations"

# --- 4. a description of several lines keeps them
moimctl event update "$EV" "description=첫 줄 <b>
둘째 줄" >/dev/null || bail_out "update"
fetch /forum@$D/e/$EV/ >/dev/null
t_like "$(cat "$E2E_DIR/page")" "<p>첫 줄 &lt;b&gt;<br>$" \
	"the description's first line, escaped, then a line break"
t_like "$(cat "$E2E_DIR/page")" "^둘째 줄</p>" "and its second line"

# --- 5. other lists, other events: 404
t_is "$(fetch /other@$D/e/$EV/)" 404 "a list that does not host it: 404"
t_is "$(fetch /other@$D/e/$EV/event.ics)" 404 "nor its calendar"
t_is "$(fetch /forum@$D/e/99/)" 404 "an event that does not exist: 404"
t_is "$(fetch /forum@$D/e/99/event.ics)" 404 "nor its calendar"
t_is "$(fetch /forum@$D/e/$EV)" 301 "no trailing slash: 301"

# --- 6. a cancelled event says so
moimctl event cancel "$EV" >/dev/null || bail_out "cancel"
t_is "$(fetch /forum@$D/e/$EV/)" 200 "a cancelled event's page answers"
t_like "$(cat "$E2E_DIR/page")" 'class="event-cancelled".*취소되었습니다' \
	"and says it is cancelled"
fetch /forum@$D/e/$EV/event.ics >/dev/null
t_like "$(tr -d '\r' <"$E2E_DIR/page")" "STATUS:CANCELLED" \
	"its calendar says CANCELLED"

# --- 7. an English list's event, without a capacity
post_as_owner_text $ORG "other@$D" "Reading group" "Event: Reading group
When: 2026-12-20 10:00-12:00
Where: Room 1

Bring a book." || bail_out "send"
t_ok "the English event is stored" e2e_poll 30 \
	"[ \"\$(moimctl event ls other | wc -l)\" -ge 1 ]"
EV2=$(moimctl event ls other | cut -f1)
t_is "$(fetch /other@$D/e/$EV2/)" 200 "its page answers"
page=$(cat "$E2E_DIR/page")
t_like "$page" '<html lang="en"' "in English"
t_like "$page" "<th scope=\"row\">Capacity</th><td>no limit</td>" "no limit"
t_like "$page" "<title>0 attending, 0 waiting, no limit</title>" \
	"the bar says there is no limit"
t_is "$(width seats-open)" 299 "drawn as an open bar"
t_like "$page" ">Other &lt;b&gt;list&lt;/b&gt;</a>" "the list's name is escaped"

web_stop
t_done
