#!/bin/bash
# event_adopt_test.sh - events made elsewhere, end to end through a real
# Postfix (issue 6): one announcement posted to two lists at once is one
# co-hosted event (one UID, one attendee list, a member of both lists
# invited once, replies on either list counted together); an invitation
# made in a calendar app (Google Calendar's format, sent to the list) is
# adopted and re-issued to each member with the list as ORGANIZER and the
# organizer's name as CN; the calendar's update goes out as SEQUENCE 1 and
# its cancellation as METHOD:CANCEL; an unreadable calendar is held and
# the organizer told; an Outlook invitation in Windows' "Korea Standard
# Time" is re-issued in Asia/Seoul at the same instant. The text beside
# each copy is the organizer's when a person wrote it, and the event's
# details when a calendar app did (its links answer for the list).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init event_adopt
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
ORG=org@example.net
moimctl list create "ai@$D" --name "AI 프렌즈" --owner $ORG >/dev/null ||
	bail_out "list create ai"
moimctl list create "dl@$D" --name "딥러닝 모임" --owner $ORG >/dev/null ||
	bail_out "list create dl"
moimctl member add ai alice@example.net carol@example.com >/dev/null
moimctl member add dl bob@example.net carol@example.com >/dev/null
listd_start || bail_out "moim-listd did not start"
sql() { e2e_sql "$1"; }

# invitations ADDR - how many REQUEST invitations ADDR has received
invitations()
{
	maildir_ics_count "$1" REQUEST
}

# --- 1. one announcement to both lists: one co-hosted event
post_as_owner_text $ORG "ai@$D,dl@$D" "공동 주최 딥러닝 컨퍼런스" "행사: 제1회 대덕 딥러닝 컨퍼런스
일시: 2026년 12월 18일 오후 1시~6시
장소: 대전컨벤션센터 2층
정원: 100명

두 모임이 함께 엽니다." || bail_out "send"
for m in alice@example.net bob@example.net carol@example.com; do
	t_ok "$m is invited" e2e_poll 30 "[ \"\$(invitations $m)\" -ge 1 ]"
done
moim_settle 30
t_is "$(invitations carol@example.com)" 1 "carol, on both lists, is invited once"
t_is "$(maildir_grep carol@example.com Subject '딥러닝 컨퍼런스')" 1 "and gets one copy in all"
t_is "$(sql 'SELECT count(*) FROM events')" 1 "one event"
t_is "$(sql 'SELECT count(*) FROM event_lists')" 2 "held by both lists"
EV=$(sql 'SELECT id FROM events')
uids=$(for m in alice@example.net bob@example.net carol@example.com; do
	ics_of "$(maildir_last $m)" REQUEST | sed -n 's/^UID://p'; done | sort -u)
t_is "$(echo "$uids" | wc -l)" 1 "every invitation has the same UID"
t_like "$(ics_of "$(maildir_last bob@example.net)" REQUEST)" \
	"ORGANIZER;.*:mailto:ai-rsvp\+$EV@$D" "bob's ORGANIZER is the event's one rsvp address"
t_like "$(header_of "$(maildir_last bob@example.net)" List-Id)" "dl\.$D" \
	"bob's copy comes from his own list"

# replies on either list count for the one event
MID=$(header_of "$(maildir_last bob@example.net)" Message-ID)
reply()
{
	mail_text "$1" "$2" "Re: [공동] 딥러닝 컨퍼런스" "$3

> 두 모임이 함께 엽니다." | sed "s/^Subject:/In-Reply-To: $MID\nSubject:/" \
		>"$E2E_DIR/msg/reply-${1%@*}.eml"
	send_mail "$1" "$2" "$E2E_DIR/msg/reply-${1%@*}.eml"
}
reply bob@example.net "dl@$D" "참석합니다"
reply alice@example.net "ai@$D" "저 포함 2명 갈게요"
t_ok "both answers are recorded on the one event" e2e_poll 30 \
	'[ "$(sql "SELECT count(*) FROM rsvps WHERE event_id = $EV AND status = '\''attending'\''")" = 2 ]'
t_is "$(sql "SELECT sum(headcount) FROM rsvps WHERE event_id = $EV")" 3 "3 seats taken of the one capacity"

# --- 1a. the organizer asks for the attendee list by mail
n=$(maildir_count $ORG)
send_mail_text $ORG "ai-rsvp+$EV@$D" "명단" "" || bail_out "send report"
t_ok "the organizer gets the attendee list" e2e_poll 30 \
	'[ "$(maildir_grep $ORG Subject "참석자 명단")" -ge 1 ]'
f=$(maildir_last $ORG)
t_like "$(body_of "$f")" "attending +1 +bob@example.net" "bob is on it"
t_like "$(body_of "$f")" "attending +2 +alice@example.net" "alice with her 2 people"
t_like "$(body_of "$f")" "참석: 3명 \(정원 100\)" "with the totals"
send_mail_text alice@example.net "ai-rsvp+$EV@$D" "report" "" || bail_out "send"
moim_settle 30
t_is "$(maildir_grep alice@example.net Subject "참석자 명단")" 0 \
	"a member who is not an organizer gets no list"

# --- 1b. answers from people nobody invited ("party crashers")
t_ok "moimctl sets the event to refuse strangers" moimctl event update $EV crashers=refuse
send_mail_text dave@example.net "ai-rsvp+$EV@$D" "Re: 딥러닝 컨퍼런스" "참석합니다"
t_ok "refuse: the stranger is told politely" e2e_poll 30 \
	'[ "$(maildir_grep dave@example.net Subject "보내신 응답")" -ge 1 ]'
t_like "$(body_of "$(maildir_last dave@example.net)")" "초대받은 분의 응답만" \
	"refuse: the mail says why"
t_not "refuse: and tells a stranger nothing of the event" \
	eval 'body_of "$(maildir_last dave@example.net)" | grep -q "대전컨벤션\|딥러닝"'
t_is "$(sql "SELECT count(*) FROM rsvps WHERE address = 'dave@example.net'")" 0 \
	"refuse: nothing recorded"
t_ok "moimctl sets the event to hold strangers" moimctl event update $EV crashers=hold
n=$(maildir_count $ORG)
send_mail_text erin@example.net "ai-rsvp+$EV@$D" "Re: 딥러닝 컨퍼런스" "yes, count me in"
t_ok "hold: the organizer is asked" e2e_poll 30 \
	'[ "$(maildir_grep $ORG Subject "초대 명단에 없는 분의 응답")" -ge 1 ]'
t_like "$(body_of "$(maildir_last $ORG)")" "moimctl event promote $EV erin@example.net" \
	"hold: the organizer is told how to take the answer"
t_ok "hold: erin is told her answer waits" e2e_poll 30 \
	'body_of "$(maildir_last erin@example.net)" | grep -q "주최자가 확인한"'
t_is "$(sql "SELECT status FROM rsvps WHERE address = 'erin@example.net'")" held \
	"hold: her answer is held"
t_is "$(sql "SELECT sum(headcount) FROM rsvps WHERE event_id = $EV AND status = 'attending'")" 3 \
	"hold: the held answer takes no seat"
t_ok "the organizer takes erin's answer" moimctl event promote $EV erin@example.net
t_ok "erin is told her answer was taken" e2e_poll 30 \
	'[ "$(maildir_grep erin@example.net Subject "참석 응답이 받아들여졌습니다")" = 1 ]'
t_is "$(maildir_grep erin@example.net Subject "자리가 났습니다")" 0 \
	"and not that a seat came free on the waiting list"
t_is "$(sql "SELECT status FROM rsvps WHERE address = 'erin@example.net'")" attending \
	"erin attends"

# --- 1c. an event announced inside the reminder window: the reminder
#     waits for the first attendee instead of going to no one
moimctl list set ai reminder_hours=3 >/dev/null
post_as_owner_text $ORG "ai@$D" "오늘 저녁 번개" "행사: 저녁 번개 모임
일시: $(TZ=Asia/Seoul date -d '+2 hours' '+%Y-%m-%d %H:%M')
장소: 학교 앞" || bail_out "send"
t_ok "alice is invited to the evening meetup" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "오늘 저녁 번개")" -ge 1 ]'
EV3=$(sql "SELECT id FROM events WHERE title = '저녁 번개 모임'")
moim_settle 30
t_is "$(sql "SELECT count(*) FROM reminders WHERE event_id = $EV3")" 0 \
	"no reminder is spent while nobody attends"
send_mail_text alice@example.net "ai-rsvp+$EV3@$D" "Re: 번개" "갈게요" || bail_out "send"
t_ok "alice, the first attendee, gets the reminder" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "행사 알림")" = 1 ]'
moim_settle 30
t_is "$(maildir_grep alice@example.net Subject "행사 알림")" 1 "once"

# --- 1d. the same title announced again: an update, SEQUENCE 1 (carol
#     left both lists without answering: she hears no more of it; bob
#     answered, so he does even after leaving)
moimctl member rm ai carol@example.com >/dev/null
moimctl member rm dl carol@example.com bob@example.net >/dev/null
post_as_owner_text $ORG "ai@$D" "컨퍼런스 시간 변경" "행사: 제1회 대덕 딥러닝 컨퍼런스
일시: 2026년 12월 18일 오후 2시~7시
장소: 대전컨벤션센터 3층
정원: 100명" || bail_out "send"
t_ok "alice gets the change" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "행사 정보 변경: 제1회 대덕")" -ge 1 ]'
ics=$(ics_of "$(newest_with alice@example.net "행사 정보 변경: 제1회 대덕")" REQUEST)
t_like "$ics" "SEQUENCE:1" "the repost is SEQUENCE 1"
t_like "$ics" "DTSTART;TZID=Asia/Seoul:20261218T140000" "at the new time"
t_like "$ics" "LOCATION:대전컨벤션센터 3층" "in the new place"
t_ok "bob, who answered, gets it too" e2e_poll 30 \
	'[ "$(maildir_grep bob@example.net Subject "행사 정보 변경: 제1회 대덕")" -ge 1 ]'
t_is "$(sql "SELECT count(*) FROM events WHERE title = '제1회 대덕 딥러닝 컨퍼런스'")" 1 \
	"the repost made no second event"
t_is "$(sql "SELECT sum(headcount) FROM rsvps WHERE event_id = $EV AND status = 'attending'")" 4 \
	"the answers so far stand (bob 1, alice 2, erin 1)"
moim_settle 30
t_is "$(maildir_grep carol@example.com Subject "행사 정보 변경")" 0 \
	"who left without answering gets no update"
moimctl member add ai carol@example.com >/dev/null
moimctl member add dl bob@example.net >/dev/null

# --- 2. an invitation made in Google Calendar, sent to the list
GUID=7kukuqrpcnv3ejb4ot2k6tmk3a@google.com
mk_invite()	# METHOD SEQUENCE START END
{
	local ics
	ics=$(printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:%s\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Seoul\r\nX-LIC-LOCATION:Asia/Seoul\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:KST\r\nDTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Asia/Seoul:%s\r\nDTEND;TZID=Asia/Seoul:%s\r\nDTSTAMP:20261126T010203Z\r\nORGANIZER;CN=김조직:mailto:%s\r\nUID:%s\r\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=김조직;X-NUM-GUESTS=0:mailto:%s\r\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=ai@%s;X-NUM-GUESTS=0:mailto:ai@%s\r\nCREATED:20261126T010203Z\r\nDESCRIPTION:LLM 논문 함께 읽기\\n준비물: 노트북\r\nLAST-MODIFIED:20261126T010203Z\r\nLOCATION:카이스트 문지캠퍼스 101호\r\nSEQUENCE:%s\r\nSTATUS:%s\r\nSUMMARY:LLM 읽기 모임\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$1" "$3" "$4" $ORG $GUID $ORG "$D" "$D" "$2" \
		"$([ "$1" = CANCEL ] && echo CANCELLED || echo CONFIRMED)" | base64 -w 76)
	cat <<EOM
From: =?UTF-8?B?$(printf '김조직' | base64 -w0)?= <$ORG>
Sender: Google Calendar <calendar-notification@google.com>
To: ai@$D
Subject: =?UTF-8?B?$(printf '초대: LLM 읽기 모임' | base64 -w0)?=
Date: $(date -R)
Message-ID: <$(date +%s%N).calendar@google.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="000000000000mixed"

--000000000000mixed
Content-Type: multipart/alternative; boundary="000000000000alt"

--000000000000alt
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes

LLM 읽기 모임에 초대합니다. 준비물: 노트북

Reply for ai@$D and view more details  
https://calendar.google.com/calendar/event?action=VIEW&eid=N2t1a3VxcnA&tok=MjIjb3JnQGV4YW1wbGUubmV0&ctz=Asia%2FSeoul&hl=ko
Your attendance is optional.

Forwarding this invitation could allow any recipient to send a response to  
the organizer, be added to the guest list, invite others regardless of  
their own invitation status, or modify your RSVP.

--000000000000alt
Content-Type: text/calendar; charset="UTF-8"; method=$1
Content-Transfer-Encoding: base64

$ics
--000000000000alt--

--000000000000mixed
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

$ics
--000000000000mixed--
EOM
}
mk_invite REQUEST 0 20261220T190000 20261220T210000 >"$E2E_DIR/msg/invite.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/invite.eml" || bail_out "send invite"
t_ok "alice gets the adopted invitation" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "초대: LLM 읽기 모임")" -ge 1 ]'
f=$(newest_with alice@example.net "초대: LLM 읽기 모임")
ics=$(ics_of "$f" REQUEST)
EV2=$(sql "SELECT id FROM events WHERE source_uid = '$GUID'")
t_ok "the event is stored with the calendar's UID ($EV2)" test -n "$EV2"
t_like "$ics" "^ORGANIZER;CN=김조직:mailto:ai-rsvp\+$EV2@$D" \
	"ORGANIZER is the list's rsvp address with the organizer's name"
t_like "$ics" "^ATTENDEE;.*:mailto:alice@example.net" "alice is the ATTENDEE"
t_is "$(grep -c '^ATTENDEE' <<<"$ics")" 1 "and the only one"
t_like "$ics" "DTSTART;TZID=Asia/Seoul:20261220T190000" "19:00 in Seoul, as the calendar said"
t_like "$ics" "SUMMARY:LLM 읽기 모임" "the calendar's title"
t_like "$ics" "LOCATION:카이스트 문지캠퍼스 101호" "and place"
t_not "the list's UID is its own, not the calendar's" grep -q "UID:$GUID" <<<"$ics"
txt=$(body_of "$f")
t_not "Google's links that answer for the list's address are gone" \
	grep -q "calendar.google.com/calendar/event" <<<"$txt"
t_like "$txt" "김조직님이 AI 프렌즈에 행사를 알려 왔습니다" "the text says who announced it"
t_like "$txt" "LLM 논문 함께 읽기" "with the calendar's description"
t_like "$txt" "ai-rsvp\+$EV2@$D" "and where to answer"
t_ok "carol gets it too" e2e_poll 30 \
	'[ "$(maildir_grep carol@example.com Subject "초대: LLM 읽기 모임")" -ge 1 ]'
t_is "$(maildir_grep bob@example.net Subject "LLM 읽기 모임")" 0 "bob, not on the list, does not"

# --- 3. the calendar moves the event: SEQUENCE 1 with the new time
mk_invite REQUEST 1 20261220T200000 20261220T220000 >"$E2E_DIR/msg/update.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/update.eml" || bail_out "send update"
t_ok "alice gets the update" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "행사 정보 변경: LLM")" -ge 1 ]'
ics=$(ics_of "$(newest_with alice@example.net "행사 정보 변경: LLM")" REQUEST)
t_like "$ics" "SEQUENCE:1" "the update is SEQUENCE 1"
t_like "$ics" "DTSTART;TZID=Asia/Seoul:20261220T200000" "at the new time"
t_is "$(sql "SELECT count(*) FROM events WHERE source_uid = '$GUID'")" 1 "the update made no new event"

# --- 4. the calendar cancels it: METHOD:CANCEL to everyone invited
mk_invite CANCEL 2 20261220T200000 20261220T220000 >"$E2E_DIR/msg/cancel.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/cancel.eml" || bail_out "send cancel"
t_ok "alice gets the cancellation" e2e_poll 30 \
	'ics_of "$(newest_with alice@example.net "행사 취소: LLM")" CANCEL | grep -q "^METHOD:CANCEL"'
t_is "$(sql "SELECT state FROM events WHERE id = $EV2")" cancelled "the event is cancelled"

# --- 5. a calendar that cannot be read: held, the organizer told
n=$(maildir_count $ORG)
mk_invite REQUEST 0 20261224T190000 20261224T170000 >"$E2E_DIR/msg/bad.eml"
sed -i "s/$GUID/other-$GUID/" "$E2E_DIR/msg/bad.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/bad.eml" || bail_out "send bad"
t_ok "the organizer is told" e2e_poll 30 '[ "$(maildir_grep $ORG Subject "보내지 못했습니다")" -ge 1 ]'
t_like "$(body_of "$(maildir_last $ORG)")" "첨부된 일정" "the reply names the calendar"
t_is "$(moimctl mod ls ai --json | jq length)" 1 "the post is held"
# --- 6. an Outlook invitation: its zone is the Windows "Korea Standard
#     Time" with Outlook's own VTIMEZONE; the re-issued one says Asia/Seoul
OUID=040000008200E00074C5B7101A82E00800000000D0A1B2C3D4E5D201000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90
oics=$(printf 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Korea Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nORGANIZER;CN=김조직:mailto:%s\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=ai@%s:mailto:ai@%s\r\nDESCRIPTION;LANGUAGE=ko-KR:강화학습 세미나입니다.\\n\r\nUID:%s\r\nSUMMARY;LANGUAGE=ko-KR:강화학습 세미나\r\nDTSTART;TZID=Korea Standard Time:20261222T150000\r\nDTEND;TZID=Korea Standard Time:20261222T170000\r\nCLASS:PUBLIC\r\nPRIORITY:5\r\nDTSTAMP:20261126T020304Z\r\nTRANSP:OPAQUE\r\nSTATUS:CONFIRMED\r\nSEQUENCE:0\r\nLOCATION;LANGUAGE=ko-KR:ETRI 7동 대회의실\r\nX-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\nX-MICROSOFT-CDO-IMPORTANCE:1\r\nX-MICROSOFT-DISALLOW-COUNTER:FALSE\r\nBEGIN:VALARM\r\nDESCRIPTION:REMINDER\r\nTRIGGER;RELATED=START:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	$ORG "$D" "$D" $OUID | base64 -w 76)
cat >"$E2E_DIR/msg/outlook.eml" <<EOM
From: =?ks_c_5601-1987?B?$(printf '김조직' | iconv -t CP949 | base64 -w0)?= <$ORG>
To: "ai@$D" <ai@$D>
Subject: =?ks_c_5601-1987?B?$(printf '강화학습 세미나' | iconv -t CP949 | base64 -w0)?=
Thread-Topic: =?ks_c_5601-1987?B?$(printf '강화학습 세미나' | iconv -t CP949 | base64 -w0)?=
Date: $(date -R)
Message-ID: <SL2P216MB$(date +%s%N)@SL2P216MB1234.KORP216.PROD.OUTLOOK.COM>
Accept-Language: ko-KR, en-US
Content-Language: ko-KR
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="_000_SL2P216MB_"

--_000_SL2P216MB_
Content-Type: text/plain; charset="ks_c_5601-1987"
Content-Transfer-Encoding: base64

$(printf '강화학습 세미나입니다.\r\n' | iconv -t CP949 | base64 -w 76)

--_000_SL2P216MB_
Content-Type: text/calendar; charset="utf-8"; method=REQUEST
Content-Transfer-Encoding: base64

$oics

--_000_SL2P216MB_--
EOM
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/outlook.eml" || bail_out "send outlook"
t_ok "alice gets the adopted Outlook invitation" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "강화학습 세미나")" -ge 1 ]'
ics=$(ics_of "$(newest_with alice@example.net "강화학습 세미나")" REQUEST)
t_like "$ics" "DTSTART;TZID=Asia/Seoul:20261222T150000" \
	"Outlook's Korea Standard Time is re-issued as Asia/Seoul, 15:00"
t_like "$ics" "^TZID:Asia/Seoul" "with the VTIMEZONE of Asia/Seoul"
t_is "$(sql "SELECT tzid || ' ' || starts FROM events WHERE source_uid = '$OUID'")" \
	"Asia/Seoul $(TZ=Asia/Seoul date -d '2026-12-22 15:00' +%s)" "stored in Asia/Seoul at the right instant"

# --- 7. an organizer's own post with an .ics attached: the members'
#     copies keep what the organizer wrote
PUID=seminar-20261229@example.net
pics=$(printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261126T010203Z\r\nDTSTART;TZID=Asia/Seoul:20261229T100000\r\nDTEND;TZID=Asia/Seoul:20261229T120000\r\nSUMMARY:연말 논문 세미나\r\nLOCATION:KAIST N1 201호\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' $PUID | base64 -w 76)
# own_ics_post SUBJECT TEXT ICS-BASE64 - the organizer's post with TEXT
# and a calendar attached
own_ics_post()
{
	cat <<EOM
From: =?UTF-8?B?$(printf '김조직' | base64 -w0)?= <$ORG>
To: ai@$D
Subject: $1
Date: $(date -R)
Message-ID: <own-ics.$(date +%s%N)@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="own"

--own
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

$2

--own
Content-Type: text/calendar; charset=UTF-8; name="event.ics"
Content-Disposition: attachment; filename="event.ics"
Content-Transfer-Encoding: base64

$3
--own--
EOM
}
own_ics_post "=?UTF-8?B?$(printf '연말 논문 세미나 안내' | base64 -w0)?=" \
	"연말 논문 세미나 일정 첨부합니다. 발표 순서는 당일 정합니다." "$pics" \
	>"$E2E_DIR/msg/own-ics.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/own-ics.eml" || bail_out "send own ics"
t_ok "alice gets the seminar" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "연말 논문 세미나")" -ge 1 ]'
f=$(newest_with alice@example.net "연말 논문 세미나")
t_like "$(ics_of "$f" REQUEST)" "SUMMARY:연말 논문 세미나" "the attached calendar is adopted"
t_like "$(body_of "$f")" "발표 순서는 당일 정합니다" "and the organizer's own words go with it"

# --- 8. a block announcement written in Gmail (text and HTML): each
#     invitation carries the announcement's text and the list's footer
cat >"$E2E_DIR/msg/gmail-block.eml" <<EOM
From: =?UTF-8?B?$(printf '김조직' | base64 -w0)?= <$ORG>
To: ai@$D
Subject: =?UTF-8?B?$(printf '해커톤 안내' | base64 -w0)?=
Date: $(date -R)
Message-ID: <CAGmail$(date +%s%N)@mail.gmail.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000gmail"

--000000000000gmail
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

$(printf '행사: 겨울 해커톤\n일시: 2027년 1월 9일 오전 10시~오후 6시\n장소: 대전 스타트업파크\n\n노트북과 아이디어를 가져오세요.\n' | base64 -w 76)
--000000000000gmail
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

$(printf '<div dir="ltr">행사: 겨울 해커톤<br>일시: 2027년 1월 9일 오전 10시~오후 6시<br>장소: 대전 스타트업파크<br><br>노트북과 아이디어를 가져오세요.</div>\n' | base64 -w 76)
--000000000000gmail--
EOM
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/gmail-block.eml" || bail_out "send gmail block"
t_ok "alice is invited to the hackathon" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "해커톤 안내")" -ge 1 ]'
f=$(newest_with alice@example.net "해커톤 안내")
t_like "$(ics_of "$f" REQUEST)" "SUMMARY:겨울 해커톤" "the block made the event"
t_like "$(body_of "$f")" "노트북과 아이디어를 가져오세요" "the invitation carries the announcement's text"
t_like "$(body_of "$f")" "구독 취소: ai-request@$D" "and the list's footer"

# --- 9. a calendar's SUMMARY with an escaped line break (issue 13.6): the
#     title is stored on one line, so answers are still confirmed
NUID=forum-20261230@example.net
nics=$(printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261126T010203Z\r\nDTSTART;TZID=Asia/Seoul:20261230T100000\r\nDTEND;TZID=Asia/Seoul:20261230T120000\r\nSUMMARY:Forum\\nDay 1\r\nLOCATION:Hall\\nB\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' $NUID | base64 -w 76)
own_ics_post "Forum day 1" "The forum's first day." "$nics" \
	>"$E2E_DIR/msg/newline-ics.eml"
post_as_owner $ORG "ai@$D" "$E2E_DIR/msg/newline-ics.eml" || bail_out "send newline ics"
t_ok "alice gets the forum" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "Forum day 1")" -ge 1 ]'
EV4=$(sql "SELECT id FROM events WHERE source_uid = '$NUID'")
t_is "$(sql "SELECT title || '|' || location FROM events WHERE id = $EV4")" \
	"Forum Day 1|Hall B" "the title and place are stored on one line"
send_mail_text alice@example.net "ai-rsvp+$EV4@$D" "Re: Forum day 1" "참석합니다" ||
	bail_out "send answer"
t_ok "alice's answer is confirmed" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "참석 응답 확인: Forum Day 1")" = 1 ]'
t_is "$(sql "SELECT status FROM rsvps WHERE event_id = $EV4 AND address = 'alice@example.net'")" \
	attending "and recorded"
t_done
