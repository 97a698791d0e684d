#!/bin/bash
# move_test.sh - moving and skipping one session of a recurring event end
# to end through a real Postfix (issue 15): the server's default zone is
# UTC and the event's is Asia/Seoul, so "moimctl event move EVENT DATE
# NEWSTART-END" must read the new time in the event's zone (a bare time
# range too, on DATE); every member gets a REQUEST for that session alone
# (RECURRENCE-ID its original start in Seoul, the new DTSTART/DTEND, the
# next SEQUENCE); the answers stay with the session (an answer is stored
# by the session's original start, so a member's own answer for it and
# the series answers count for it after the move, and a late answer by
# its new date lands on it; the old date names no session any more); the
# organizer's report, moimctl event show and the web page show the
# moved and the skipped session with each session's own counts, and the
# web's event.ics carries the RRULE, the EXDATE and the moved session as
# the invitations do.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init move
moim_setup moim.timezone=UTC
pf_start || bail_out "postfix did not start"
L=study
D=$E2E_LIST_DOMAIN
LA=$L@$D
ORG=org@example.net
MEMBERS="a@example.net b@example.net c@example.net"
moimctl list create "$LA" --name "논문 읽기" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl list set $L archive=public >/dev/null || bail_out "list set"
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"
web_start || bail_out "moim-web did not start"

# The first Wednesday at least two days ahead in Seoul and the three
# after it; the Thursday after the second.
read -r FIRST SECOND THIRD FOURTH NEWDAY < <(/usr/bin/python3 - <<'EOF'
import datetime, zoneinfo
d = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Seoul")).date()
d += datetime.timedelta(days=2)
d += datetime.timedelta(days=(2 - d.weekday()) % 7)
f = lambda k: (d + datetime.timedelta(days=k)).strftime("%Y-%m-%d")
print(f(0), f(7), f(14), f(21), f(8))
EOF
)
compact() { echo "${1//-/}"; }
# seoul DATE HH:MM - the instant of that Seoul wall-clock time
seoul() { TZ=UTC date -d "TZ=\"Asia/Seoul\" $1 $2" +%s; }

status() { session_status "$EV" "$@"; }
row() { session_row "$EV" "$@"; }

# moved SESSION - the stored start|end|state of a session
moved()
{
	e2e_sql "SELECT starts || '|' || ends || '|' || state
		FROM event_sessions WHERE event_id = $EV AND session = $1"
}

# answer ADDR LINES N - send rsvp commands and wait for the Nth
#	confirmation of ADDR
answer()
{
	send_mail_text "$1" "$L-request@$D" "rsvp" "$2" || bail_out "send"
	wait_subject "$1" "참석 응답 확인" "$3"
}

# --- 1. a weekly event in Seoul on a server whose default zone is UTC
post_as_owner_text $ORG "$LA" "논문 읽기 안내" "행사: 논문 읽기
일시: $FIRST 19:30-21:00 KST
반복: 매주 수요일, 4주간
장소: 세미나실
정원: 2명

매주 만나요." || bail_out "send"
for m in $MEMBERS; do
	t_ok "$m gets the invitation" wait_subject $m "논문 읽기 안내"
done
EV=$(moimctl event ls $L | cut -f1)
RSVP=$L-rsvp+$EV@$D
t_is "$(e2e_sql "SELECT tzid FROM events WHERE id = $EV")" \
	Asia/Seoul "the event's zone is Seoul"
S2=$(seoul $SECOND 19:30)
S3=$(seoul $THIRD 19:30)

# --- 2. answers: a and c for the series, b for the second session only,
#     c declines the second session
t_ok "a answers for the series" answer a@example.net "rsvp $EV yes" 1
t_ok "b answers for the second session" answer b@example.net "rsvp $EV@$SECOND yes" 1
t_ok "c answers for the series and declines the second" \
	answer c@example.net "rsvp $EV yes
rsvp $EV@$SECOND no" 2

# --- 3. move the second session to the Thursday, 20:00-22:00 Seoul time
t_ok "moimctl event move" moimctl event move "$EV" "$SECOND" "$NEWDAY 20:00-22:00"
t_is "$(moved $S2)" "$(seoul $NEWDAY 20:00)|$(seoul $NEWDAY 22:00)|moved" \
	"the new time is read in the event's zone, not the default UTC"
for m in $MEMBERS; do
	t_ok "$m gets the change" wait_subject $m "행사 정보 변경"
done
ics=$(ics_of "$(newest_with b@example.net '행사 정보 변경')" REQUEST)
t_like "$ics" "^METHOD:REQUEST" "a REQUEST"
t_is "$(grep -c '^BEGIN:VEVENT' <<<"$ics")" 1 "for that session alone"
t_like "$ics" "^RECURRENCE-ID;TZID=Asia/Seoul:$(compact $SECOND)T193000" \
	"RECURRENCE-ID: its original start in the event's zone"
t_like "$ics" "^DTSTART;TZID=Asia/Seoul:$(compact $NEWDAY)T200000" "the new start"
t_like "$ics" "^DTEND;TZID=Asia/Seoul:$(compact $NEWDAY)T220000" "the new end"
t_like "$ics" "^SEQUENCE:1" "SEQUENCE+1"
t_not "no RRULE in the instance" eval \
	'sed -n "/^BEGIN:VEVENT/,/^END:VEVENT/p" <<<"$ics" | grep -q "^RRULE"'
t_like "$ics" "^ATTENDEE;.*:mailto:b@example.net\$" "addressed to the member"

# --- 4. the answers stay with the moved session
t_is "$(row b@example.net $S2)" accepted "b's answer for the session is kept"
t_is "$(row c@example.net $S2)" declined "c's decline for it is kept"
t_is "$(status a@example.net $NEWDAY)" "accepted/attending" \
	"a's series answer counts for the moved session"
t_is "$(status b@example.net $NEWDAY)" "accepted/attending" \
	"b keeps the seat in it"
t_is "$(status c@example.net $NEWDAY)" "declined/declined" \
	"c's own decline wins over the series answer"
t_not "the old date names no session" moimctl event rsvps "$EV" --session "$SECOND"

# --- 5. a bare time range moves the third session on its own date
t_ok "moimctl event move with a bare time" moimctl event move "$EV" "$THIRD" 18:00-20:00
t_is "$(moved $S3)" "$(seoul $THIRD 18:00)|$(seoul $THIRD 20:00)|moved" \
	"a bare time range is on DATE, in the event's zone"
t_ok "and skip the fourth" moimctl event skip "$EV" "$FOURTH"
t_ok "a gets the cancellation" wait_subject a@example.net "행사 취소"
t_like "$(ics_of "$(newest_with a@example.net '행사 취소')" CANCEL)" \
	"^RECURRENCE-ID;TZID=Asia/Seoul:$(compact $FOURTH)T193000" \
	"the CANCEL names the skipped session in the event's zone"
t_ok "b's late answer by the new date lands on the moved session" \
	answer b@example.net "rsvp $EV@$NEWDAY no" 2
t_is "$(row b@example.net $S2)" declined "and is stored by its original start"

# --- 6. the organizer's report: one line a session
send_mail_text $ORG "$RSVP" "명단" "" || bail_out "send report"
t_ok "the organizer gets the report" wait_subject $ORG "참석자 명단"
body=$(body_of "$(newest_with $ORG '참석자 명단')")
t_like "$body" "일시: $FIRST 19:30-21:00 \(Asia/Seoul\)" "the next session's time"
t_like "$body" "참석: 2명 \(정원 2\), 대기: 0명" "and its counts"
t_like "$body" "회차별 응답" "a section per session"
t_like "$body" "  $FIRST \(수\) 19:30  참석 2/2명, 대기 0명, 불참 0명" \
	"the first session: a and c by their series answers"
t_like "$body" "  $NEWDAY \(목\) 20:00 \($SECOND \(수\) 19:30에서 옮김\)  참석 1/2명, 대기 0명, 불참 2명" \
	"the moved session, marked, with its own counts"
t_like "$body" "  $THIRD \(수\) 18:00 \($THIRD \(수\) 19:30에서 옮김\)  참석 2/2명" \
	"the session moved within its day"
t_like "$body" "  $FOURTH \(수\) 19:30  휴강" "the skipped session"
t_like "$body" "declined +0  b@example.net.*  @$SECOND" \
	"an answer for one session names it"

# --- 7. moimctl event show and the web page say the same
show=$(moimctl event show "$EV")
t_like "$show" "  $NEWDAY \(Thu\) 20:00 \(moved from $SECOND \(Wed\) 19:30\)  attending 1/2, waiting 0, declined 2" \
	"event show: the moved session"
t_like "$show" "  $FOURTH \(Wed\) 19:30  skipped" "event show: the skipped one"
t_is "$(moimctl event show "$EV" --json | jq -c '[.sessions[] | [.moved, .skipped, .counts.attending]]')" \
	"[[false,false,2],[true,false,1],[true,false,2],[false,true,2]]" \
	"event show --json: each session's counts"
t_is "$(web_get "/$LA/e/$EV/")" 200 "the event page answers"
page=$(cat "$WEB_BODY")
t_like "$page" "<h2>회차별 응답</h2>" "the web page has a table of sessions"
t_like "$page" "<tr class=\"session-moved\"><td>$NEWDAY \(목\) 20:00 \($SECOND \(수\) 19:30에서 옮김\)</td><td>1/2</td><td>0</td><td>2</td></tr>" \
	"the moved session's row"
t_like "$page" "<tr class=\"session-skipped\"><td>$FOURTH \(수\) 19:30</td><td colspan=\"3\">휴강</td></tr>" \
	"the skipped session's row"
t_is "$(web_get "/$LA/e/$EV/event.ics")" 200 "event.ics answers"
ics=$(tr -d '\r' <"$WEB_BODY")
t_like "$ics" "^RRULE:FREQ=WEEKLY;" "event.ics carries the rule"
t_like "$ics" "^EXDATE;TZID=Asia/Seoul:$(compact $FOURTH)T193000" "and the skipped session"
t_like "$ics" "^RECURRENCE-ID;TZID=Asia/Seoul:$(compact $SECOND)T193000" "and the moved session"
t_like "$ics" "^DTSTART;TZID=Asia/Seoul:$(compact $NEWDAY)T200000" "at its new time"
t_is "$(grep -c '^BEGIN:VEVENT' <<<"$ics")" 3 "the series and its two moved sessions"
t_done
