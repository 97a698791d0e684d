#!/bin/bash
# recur_test.sh - recurring events end to end through a real Postfix
# (issue 15): a weekly event block gives every member one REQUEST for the
# whole series, with the RRULE in Asia/Seoul and an EXDATE for the
# skipped date, which a parser other than libical (python3-icalendar,
# dateutil) expands to the right Seoul dates; the rule and the skipped
# session are stored; a rule that names no days ("주 2회") is held and
# the notice names the line and the words; a repost with the same title
# changes the series (SEQUENCE+1, new COUNT and EXDATE).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init recur
moim_setup
pf_start || bail_out "postfix did not start"
L=study
D=$E2E_LIST_DOMAIN
LA=$L@$D
ORG=org@example.net
MEMBERS="a@example.net b@example.net c@example.com"
moimctl list create "$LA" --name "논문 읽기" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"

# The first Wednesday at least two days ahead in Seoul, the one two
# weeks later (skipped) and the one a week after the first.
read -r FIRST SKIP SKIP2 < <(/usr/bin/python3 - <<'EOF'
import datetime, zoneinfo
d = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Seoul")).date()
d += datetime.timedelta(days=2)
d += datetime.timedelta(days=(2 - d.weekday()) % 7)
f = lambda x: x.strftime("%Y-%m-%d")
print(f(d), f(d + datetime.timedelta(days=14)), f(d + datetime.timedelta(days=7)))
EOF
)
md() { date -d "$1" +%-m/%-d; }
compact() { echo "${1//-/}"; }

# wait_subject ADDR REGEX N - wait until ADDR has N messages matching
wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# sessions ICS - the series' Seoul start times, expanded by
# python3-icalendar and dateutil (not libical), one per line
sessions()
{
	/usr/bin/python3 -c '
import sys, icalendar
from dateutil.rrule import rrulestr
cal = icalendar.Calendar.from_ical(sys.stdin.read())
ev = [c for c in cal.walk("VEVENT") if "RECURRENCE-ID" not in c][0]
start = ev["DTSTART"].dt
rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=start)
ex = set()
for e in (ev.get("EXDATE") if isinstance(ev.get("EXDATE"), list) else [ev.get("EXDATE")]):
    if e is not None:
        ex |= {d.dt for d in e.dts}
for t in rule:
    if t not in ex:
        print(t.strftime("%Y-%m-%d %a %H:%M %Z"))
' <<<"$1"
}

# --- 1. a rule that names no days is held, and the notice says where
send_mail_text $ORG "$LA" "스터디 안내" "행사: 캐글 스터디
일시: 주 2회 19:00
장소: 세미나실

함께해요." || bail_out "send"
t_ok "the organizer is told the block failed" wait_subject $ORG "보내지 못했습니다"
f=$(newest_with $ORG "보내지 못했습니다")
t_like "$(body_of "$f")" "2번째 줄" "the notice names the line"
t_like "$(body_of "$f")" "주 2회" "the notice names the words"
t_like "$(body_of "$f")" "요일이 없습니다" "the notice says why, in Korean"
t_is "$(moimctl mod ls $L --json | jq length)" 1 "the post is held"

# --- 2. the weekly announcement: one REQUEST per member for the series
post_as_owner_text $ORG "$LA" "논문 읽기 모임 안내" "행사: 논문 읽기 모임
일시: ${FIRST}부터 매주 수요일 19:30-21:00, 8주간
장소: 3층 세미나실
휴강: $(md $SKIP)

매주 수요일에 만나요." || bail_out "send"
for m in $MEMBERS; do
	t_ok "$m gets the announcement" wait_subject $m "논문 읽기 모임 안내"
done
EV=$(moimctl event ls $L | cut -f1)
want_until=$(TZ=UTC date -d "TZ=\"Asia/Seoul\" $(date -d "$FIRST +55 days" +%F) 23:59:59" +%Y%m%dT%H%M%SZ)
for m in $MEMBERS; do
	ics=$(ics_of "$(newest_with $m '논문 읽기 모임 안내')" REQUEST)
	t_is "$(grep -c '^BEGIN:VEVENT' <<<"$ics")" 1 "$m: one VEVENT for the series"
	t_like "$ics" "^ATTENDEE;.*:mailto:$m\$" "$m: the member is the ATTENDEE"
	t_like "$ics" "^DTSTART;TZID=Asia/Seoul:$(compact $FIRST)T193000" \
		"$m: the first session, 19:30 in Seoul"
	t_like "$ics" "^RRULE:FREQ=WEEKLY;UNTIL=${want_until};BYDAY=WE" \
		"$m: RRULE weekly on Wednesday for 8 weeks"
	t_like "$ics" "^EXDATE;TZID=Asia/Seoul:$(compact $SKIP)T193000" \
		"$m: EXDATE for the skipped date"
	t_like "$ics" "BEGIN:VTIMEZONE" "$m: with VTIMEZONE"
done
got=$(sessions "$ics")
t_is "$(wc -l <<<"$got")" 7 "python3-icalendar: 8 weeks less the skipped one"
t_is "$(grep -cv ' Wed 19:30 KST$' <<<"$got")" 0 \
	"python3-icalendar: every session a Wednesday 19:30 in Seoul"
t_is "$(head -1 <<<"$got" | cut -d' ' -f1)" "$FIRST" "python3-icalendar: the first session"
t_ok "python3-icalendar: the skipped date is not a session" \
	eval "! grep -q '^$SKIP' <<<\"\$got\""
t_like "$(e2e_sql "select rrule from events where id=$EV")" \
	"^FREQ=WEEKLY;BYDAY=WE;UNTIL=" "the rule is stored"
t_is "$(e2e_sql "select session, state from event_sessions where event_id=$EV" |
	while IFS='|' read -r t st; do
		echo "$(TZ=Asia/Seoul date -d "@$t" '+%Y-%m-%d %H:%M:%S')|$st"
	done)" \
	"$SKIP 19:30:00|skipped" "the skipped session is stored by its original start"

# --- 3. a repost with the same title changes the series
post_as_owner_text $ORG "$LA" "논문 읽기 모임 (변경)" "행사: 논문 읽기 모임
일시: ${FIRST}부터 매주 수요일 19:30-21:00
반복: 총 4회
휴강: $(md $SKIP2)

네 번으로 줄였습니다." || bail_out "send"
t_ok "a gets the update" wait_subject a@example.net "행사 정보 변경"
ics=$(ics_of "$(newest_with a@example.net '행사 정보 변경')" REQUEST)
t_like "$ics" "SEQUENCE:1" "the update is SEQUENCE 1"
t_like "$ics" "^RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=WE" \
	"four sessions held: COUNT 5 with the skipped one"
t_like "$ics" "^EXDATE;TZID=Asia/Seoul:$(compact $SKIP2)T193000" "the new skipped date"
old_ex=$(compact $SKIP)T193000
t_not "the old skipped date is gone" eval 'grep -q "$old_ex" <<<"$ics"'
t_is "$(sessions "$ics" | wc -l)" 4 "python3-icalendar: four sessions"
t_is "$(e2e_sql "select count(*) from event_sessions where event_id=$EV and state='skipped'")" \
	1 "one skipped session stored"

# --- 4. a calendar app's series sent to the list is adopted whole: the
#     rule, the EXDATE and the moved session (RECURRENCE-ID in UTC)
rid_utc=$(TZ=UTC date -d "TZ=\"Asia/Seoul\" $SKIP2 10:00" +%Y%m%dT%H%M%SZ)
gics=$(printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Asia/Seoul:%sT100000\r\nDTEND;TZID=Asia/Seoul:%sT120000\r\nRRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=6\r\nEXDATE;TZID=Asia/Seoul:%sT100000\r\nDTSTAMP:20261201T000000Z\r\nORGANIZER;CN=Org:mailto:%s\r\nUID:kaggle-series@google.com\r\nSEQUENCE:0\r\nSUMMARY:캐글 스터디\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Asia/Seoul:%sT140000\r\nDTEND;TZID=Asia/Seoul:%sT160000\r\nRECURRENCE-ID:%s\r\nDTSTAMP:20261201T000000Z\r\nORGANIZER;CN=Org:mailto:%s\r\nUID:kaggle-series@google.com\r\nSEQUENCE:1\r\nSUMMARY:캐글 스터디\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$(compact $FIRST)" "$(compact $FIRST)" "$(compact $SKIP)" $ORG \
	"$(compact $SKIP2)" "$(compact $SKIP2)" "$rid_utc" $ORG | base64 -w 76)
cat >"$E2E_DIR/msg/gseries.eml" <<EOM
From: Org <$ORG>
To: <$LA>
Subject: =?UTF-8?B?$(printf '초대: 캐글 스터디' | base64 -w0)?=
Date: $(date -R)
Message-ID: <$(date +%s%N).series@google.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"

Weekly Kaggle study.

--b1
Content-Type: text/calendar; charset="UTF-8"; method=REQUEST
Content-Transfer-Encoding: base64

$gics
--b1--
EOM
post_as_owner $ORG "$LA" "$E2E_DIR/msg/gseries.eml" || bail_out "send series"
t_ok "b gets the adopted series" wait_subject b@example.net "캐글 스터디"
ics=$(ics_of "$(newest_with b@example.net '캐글 스터디')" REQUEST)
t_like "$ics" "^RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=WE" "the calendar's RRULE is kept"
t_like "$ics" "^EXDATE;TZID=Asia/Seoul:$(compact $SKIP)T100000" "and its EXDATE"
t_like "$ics" "^RECURRENCE-ID;TZID=Asia/Seoul:$(compact $SKIP2)T100000" \
	"the moved session, named by its original start in Seoul"
t_like "$ics" "^DTSTART;TZID=Asia/Seoul:$(compact $SKIP2)T140000" "at its new time"
EV2=$(e2e_sql "select id from events where source_uid='kaggle-series@google.com'")
t_is "$(e2e_sql "select state from event_sessions where event_id=$EV2 order by session")" \
	"$(printf 'moved\nskipped')" "the moved and the skipped session are stored"
t_done
