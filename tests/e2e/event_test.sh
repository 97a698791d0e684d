#!/bin/bash
# event_test.sh - events end to end through a real Postfix (issue 6, "Must
# show"): an organizer's Korean announcement gives every member a copy of
# their own with an iTIP REQUEST naming them (Asia/Seoul time); a
# Gmail-style iMIP REPLY and a plain "참석합니다" reply are recorded and
# confirmed; an rsvp command counts at once (issue 12.3); capacity 2 with
# 3 yes puts the third on the waitlist, a decline promotes them and they
# are told; an update sends SEQUENCE+1; cancel sends METHOD:CANCEL; a bad
# event block is held and explained; a reminder arrives once, also across
# a restart of moim-listd.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init event
moim_setup
pf_start || bail_out "postfix did not start"
L=forum
D=$E2E_LIST_DOMAIN
LA=$L@$D
ORG=org@example.net
moimctl list create "$LA" --name "기술포럼" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl member add $L a@example.net b@example.net c@example.net \
	d@example.com >/dev/null || bail_out "member add"
moimctl list set $L reminder_hours=1 >/dev/null || bail_out "list set"
listd_start || bail_out "moim-listd did not start"

# wait_subject ADDR REGEX N - wait until ADDR has N messages matching
wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# rsvp_status ADDR - ADDR's answer and status as "answer/status"
rsvp_status()
{
	moimctl event rsvps "$EV" | awk -F'\t' -v a="$1" \
		'$1 == a { print $3 "/" $5 }'
}

# --- 1. a bad event block is held and the organizer told why
send_mail_text $ORG "$LA" "워크숍 안내" "행사: 겨울 워크숍
일시: 2026년 2월 30일 오후 2시
장소: 세미나실

날짜를 확인해 주세요." || bail_out "send"
t_ok "the organizer is told the block failed" wait_subject $ORG "보내지 못했습니다"
f=$(newest_with $ORG "보내지 못했습니다")
t_like "$(body_of "$f")" "2번째 줄" "the reply names the line"
t_like "$(body_of "$f")" "없는 날짜|날짜" "the reply gives the reason in Korean"
t_is "$(moimctl mod ls $L --json | jq length)" 1 "the post is held"
moim_settle 30
t_is "$(maildir_grep a@example.net Subject '워크숍')" 0 "the bad announcement is not sent"

# --- 2. the Korean announcement: one personal REQUEST per member
post_as_owner_text $ORG "$LA" "제1회 공개기술포럼 안내" "행사: 제1회 공개기술포럼
일시: 2026년 12월 16일 (수) 오후 2시~5시
장소: 한국항공우주연구원 4층 시청각실
정원: 2명

많은 참여 바랍니다." || bail_out "send"
for m in a@example.net b@example.net c@example.net d@example.com $ORG; do
	t_ok "$m gets the announcement" wait_subject $m "공개기술포럼 안내"
done
EV=$(moimctl event ls $L | cut -f1)
t_is "$EV" 1 "moimctl event ls shows the event"
RSVP=$L-rsvp+$EV@$D
for m in a@example.net b@example.net c@example.net d@example.com; do
	f=$(newest_with $m "공개기술포럼 안내")
	ics=$(ics_of "$f" REQUEST)
	t_like "$ics" "METHOD:REQUEST" "$m: a REQUEST"
	t_like "$ics" "^ATTENDEE;.*:mailto:$m\$" "$m: the member is the ATTENDEE"
	t_is "$(grep -c '^ATTENDEE' <<<"$ics")" 1 "$m: only that member"
	t_like "$ics" "RSVP=TRUE" "$m: RSVP=TRUE"
	t_like "$ics" "DTSTART;TZID=Asia/Seoul:20261216T140000" "$m: 14:00 in Seoul"
	t_like "$ics" "DTEND;TZID=Asia/Seoul:20261216T170000" "$m: until 17:00"
	t_like "$ics" "^ORGANIZER;.*:mailto:${RSVP//+/\\+}\$" \
		"$m: ORGANIZER is $RSVP"
	t_like "$ics" "BEGIN:VTIMEZONE" "$m: with VTIMEZONE"
	t_ok "$m: invite.ics attached" grep -q 'name="\?invite.ics' "$f"
done
UID_=$(ics_of "$(newest_with a@example.net '공개기술포럼 안내')" REQUEST |
	sed -n 's/^UID://p')
MID=$(header_of "$(newest_with b@example.net '공개기술포럼 안내')" Message-ID)
t_like "$MID" "^<.*>$" "the copies keep the announcement's Message-ID"

# --- 3. a Gmail-style iMIP REPLY from a
mk_reply()
{
	local ics
	ics=$(printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTART:20261216T050000Z\r\nDTEND:20261216T080000Z\r\nDTSTAMP:20261201T010203Z\r\nORGANIZER;CN=%s:mailto:%s\r\nUID:%s\r\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=%s;CN=%s;X-NUM-GUESTS=0:mailto:%s\r\nCREATED:20261201T010203Z\r\nDESCRIPTION:\r\nLAST-MODIFIED:20261201T010203Z\r\nLOCATION:\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\nSUMMARY:제1회 공개기술포럼\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"기술포럼" "$RSVP" "$UID_" "$2" "$1" "$1" | base64 -w 76)
	cat <<EOM
From: <$1>
To: <$RSVP>
Subject: =?UTF-8?B?$(printf '수락함: 제1회 공개기술포럼' | base64 -w0)?=
Date: $(date -R)
Message-ID: <$(date +%s%N).gcal@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000abcdef"

--000000000000abcdef
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes

$1 has accepted this invitation.

--000000000000abcdef
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: base64

$ics
--000000000000abcdef--
EOM
}
mk_reply a@example.net ACCEPTED >"$E2E_DIR/reply-a.eml"
send_mail a@example.net "$RSVP" "$E2E_DIR/reply-a.eml" || bail_out "send"
t_ok "a's REPLY is confirmed" wait_subject a@example.net "참석 응답 확인"
t_is "$(rsvp_status a@example.net)" "accepted/attending" "a's REPLY is recorded"
t_like "$(body_of "$(newest_with a@example.net '참석 응답 확인')")" "참석으로 등록" "the confirmation says attending"

# --- 4. b replies "참석합니다" to the announcement on the list
cat >"$E2E_DIR/reply-b.eml" <<EOM
From: <b@example.net>
To: <$LA>
Subject: =?UTF-8?B?$(printf 'Re: 제1회 공개기술포럼 안내' | base64 -w0)?=
Date: $(date -R)
Message-ID: <$(date +%s%N).b@example.net>
In-Reply-To: $MID
References: $MID
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

참석합니다.

2026년 12월 1일 (화) 오전 10:00, 기술포럼 <$LA>님이 작성:
> 행사: 제1회 공개기술포럼
EOM
send_mail b@example.net "$LA" "$E2E_DIR/reply-b.eml" || bail_out "send"
t_ok "b's reply is confirmed" wait_subject b@example.net "참석 응답 확인"
t_is "$(rsvp_status b@example.net)" "accepted/attending" "b's reply is recorded"
moim_settle 30
t_is "$(maildir_grep c@example.net Subject 'Re: .*공개기술포럼')" 0 \
	"an RSVP-only reply is not distributed (rsvp_distribute = no)"

# --- 5. c answers by command, which counts at once like a reply (issue
#     12.3): capacity 2 is full, c waits
send_mail_text c@example.net "$L-request@$D" "forum" "rsvp $EV yes" || bail_out "send"
t_ok "c's command is confirmed" wait_subject c@example.net "참석 응답 확인"
t_is "$(rsvp_status c@example.net)" "accepted/waitlist" "the third yes waits"
t_like "$(body_of "$(newest_with c@example.net '참석 응답 확인')")" "대기자 명단 1번째" \
	"the confirmation gives the waitlist position"
moim_settle 30
t_is "$(maildir_grep c@example.net Subject '확인해 주세요|명령 처리 결과')" 0 \
	"c is neither asked to confirm nor sent a results mail"

# --- 6. a declines by a plain mail to the RSVP address: c is promoted
send_mail_text a@example.net "$RSVP" "Re: 제1회 공개기술포럼" "죄송하지만 참석 못 합니다." ||
	bail_out "send"
t_ok "a's decline is confirmed" wait_subject a@example.net "참석 응답 확인" 2
t_is "$(rsvp_status a@example.net)" "declined/declined" "the decline is recorded"
t_ok "c is told of the seat" wait_subject c@example.net "자리가 났습니다"
t_is "$(rsvp_status c@example.net)" "accepted/attending" "c is promoted"
t_is "$(moimctl event show $EV | sed -n 's/^attending: //p')" 2 "two seats taken"

# --- 7. an answer with a question is recorded and distributed
cat >"$E2E_DIR/reply-d.eml" <<EOM
From: <d@example.com>
To: <$LA>
Subject: =?UTF-8?B?$(printf 'Re: 제1회 공개기술포럼 안내 (주차)' | base64 -w0)?=
Date: $(date -R)
Message-ID: <$(date +%s%N).d@example.com>
In-Reply-To: $MID
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

참석하겠습니다. 그런데 주차는 가능한가요?
EOM
send_mail d@example.com "$LA" "$E2E_DIR/reply-d.eml" || bail_out "send"
t_ok "d's answer is confirmed" wait_subject d@example.com "참석 응답 확인"
t_ok "d's question reaches the list" wait_subject a@example.net "주차"
t_is "$(rsvp_status d@example.com)" "accepted/waitlist" "d waits"
t_ok "event rsvps --csv" eval 'moimctl event rsvps $EV --csv | grep -q "^c@example.net,.*,accepted,1,attending,command,"'

# --- 8. an update sends SEQUENCE+1; cancel sends METHOD:CANCEL
t_ok "moimctl event update" moimctl event update $EV "where=본관 대강당"
t_ok "b gets the update" wait_subject b@example.net "행사 정보 변경"
ics=$(ics_of "$(newest_with b@example.net '행사 정보 변경')" REQUEST)
t_like "$ics" "SEQUENCE:1" "the update is SEQUENCE 1"
t_like "$ics" "LOCATION:본관 대강당" "with the new location"
t_like "$ics" "UID:$UID_" "and the same UID"
t_ok "moimctl event cancel" moimctl event cancel $EV
for m in a@example.net b@example.net c@example.net d@example.com $ORG; do
	t_ok "$m gets the cancellation" wait_subject $m "행사 취소"
	ics=$(ics_of "$(newest_with $m '행사 취소')" CANCEL)
	t_like "$ics" "METHOD:CANCEL" "$m: METHOD:CANCEL"
	t_like "$ics" "UID:$UID_" "$m: for this event"
done
t_like "$ics" "SEQUENCE:2" "the cancellation is SEQUENCE 2"
moim_settle 30
t_is "$(maildir_grep b@example.net Subject '행사 취소')" 1 "cancelled once"

# --- 9. a reminder arrives once, also across a restart
when=$(TZ=Asia/Seoul date -d '+2 hours' '+%Y-%m-%d %H:%M')
post_as_owner_text $ORG "$LA" "점심 세미나 안내" "행사: 점심 세미나
일시: $when
장소: 세미나실" || bail_out "send"
t_ok "b gets the second announcement" wait_subject b@example.net "점심 세미나 안내"
EV2=$(moimctl event ls $L | awk -F'\t' '$6 == "점심 세미나" { print $1 }')
send_mail_text b@example.net "$L-request@$D" "rsvp" "참석 $EV2" || bail_out "send"
t_ok "b's command is confirmed" wait_subject b@example.net "참석 응답 확인: 점심"
moim_settle 30
t_is "$(maildir_grep b@example.net Subject '행사 알림')" 0 "no reminder 2 h before with reminder_hours=1"
moimctl list set $L reminder_hours=3 >/dev/null
t_ok "the reminder comes when it is due" wait_subject b@example.net "행사 알림: 점심"
t_is "$(maildir_grep a@example.net Subject '행사 알림')" 0 "only attendees are reminded"
listd_stop
listd_start || bail_out "moim-listd did not restart"
send_mail_text c@example.net "$L-request@$D" "events" "events" || bail_out "send"
t_ok "listd works after the restart" wait_subject c@example.net "명령 처리 결과"
t_like "$(body_of "$(newest_with c@example.net '명령 처리 결과')")" "점심 세미나" \
	"a member's events command lists the open events"
moim_settle 30
t_is "$(maildir_grep b@example.net Subject '행사 알림')" 1 "the reminder is sent exactly once"
t_done
