#!/bin/bash
# rsvp_guard_test.sh - who may answer an event, and what strangers learn,
# end to end through a real Postfix (issue 12.3, issue 13.3 and 13.10):
# an "rsvp" command from a member counts at once with one confirmation,
# from a non-member or an auto-reply not at all; an iMIP REPLY whose
# ATTENDEE is someone else (a forged answer for a victim, or a member's
# alias) changes nobody's answer and is held for the organizer; a new
# event holds strangers' answers by default, so "50명" from a stranger
# takes no seat; strangers' confirmations, their "events" command and
# their results mail carry no event details and quote nothing they sent.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init rsvp_guard
moim_setup
pf_start || bail_out "postfix did not start"
sql() { e2e_sql "$1"; }
D=$E2E_LIST_DOMAIN L=guard
LA=$L@$D ORG=org@example.net X=mallory@example.com

# event_setup - the list, its members and one announced event; sets EV,
# RSVP and UID_. The one place that makes the event: if announcing needs
# more (an authenticated organizer), change it here.
event_setup()
{
	moimctl list create "$LA" --name "보안포럼" --owner $ORG >/dev/null ||
		bail_out "list create"
	moimctl member add $L a@example.net b@example.net c@example.net \
		>/dev/null || bail_out "member add"
	listd_start || bail_out "moim-listd did not start"
	post_as_owner_text $ORG "$LA" "보안 세미나 안내" "행사: 보안 세미나
일시: 2026년 12월 17일 (목) 오후 3시~5시
장소: 판교 비밀회의실
정원: 2명

참석 여부를 알려 주세요." || bail_out "send"
	e2e_poll 30 '[ "$(maildir_grep c@example.net Subject "보안 세미나 안내")" -ge 1 ]' ||
		bail_out "the announcement did not arrive"
	EV=$(moimctl event ls $L | cut -f1)
	[ -n "$EV" ] || bail_out "no event"
	RSVP=$L-rsvp+$EV@$D
	UID_=$(ics_of "$(newest_with a@example.net '보안 세미나 안내')" REQUEST |
		sed -n 's/^UID://p')
}

# wait_subject ADDR REGEX [N] - wait until ADDR has N messages matching
wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge ${3:-1} ]"
}

# status_of ADDR - ADDR's answer, headcount and status, or nothing
status_of()
{
	sql "SELECT answer || '/' || headcount || '/' || status FROM rsvps
	     WHERE event_id = $EV AND address = '$1'"
}

# seats - the headcount that holds seats
seats()
{
	sql "SELECT coalesce(sum(headcount), 0) FROM rsvps
	     WHERE event_id = $EV AND status = 'attending'"
}

# no_details ADDR SUBJECT - ADDR's newest mail matching SUBJECT names
# neither the event nor its time or place
no_details()
{
	local f
	f=$(newest_with "$1" "$2")
	[ -n "$f" ] && ! body_of "$f" | grep -Eq "보안 세미나|판교|12월 17|15:00"
}

# mk_reply FROM ATTENDEE PARTSTAT - a Gmail-style iMIP REPLY sent by FROM
# whose ATTENDEE line names ATTENDEE
mk_reply()
{
	local ics
	ics=$(printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTART:20261217T060000Z\r\nDTEND:20261217T080000Z\r\nDTSTAMP:20261201T010203Z\r\nORGANIZER:mailto:%s\r\nUID:%s\r\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=%s;X-NUM-GUESTS=0:mailto:%s\r\nSEQUENCE:0\r\nSUMMARY:reply\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$RSVP" "$UID_" "$3" "$2" | base64 -w 76)
	cat <<EOM
From: <$1>
To: <$RSVP>
Subject: Accepted: reply
Date: $(date -R)
Message-ID: <$(date +%s%N).$RANDOM@e2e.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"

$1 has replied to this invitation.

--b1
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: base64

$ics
--b1--
EOM
}

event_setup

# --- 1. issue 12.3: the rsvp command counts at once for a member
send_mail_text a@example.net "$L-request@$D" "seminar" "rsvp $EV yes" || bail_out "send"
t_ok "a's command is confirmed" wait_subject a@example.net "참석 응답 확인"
t_is "$(status_of a@example.net)" "accepted/1/attending" "a's command counts at once"
send_mail_text $X "$L-request@$D" "rsvp" "rsvp $EV yes +5" || bail_out "send"
t_ok "a non-member's command is answered" wait_subject $X "명령 처리 결과"
t_like "$(body_of "$(newest_with $X '명령 처리 결과')")" "only members answer events" \
	"with a refusal"
t_is "$(status_of $X)" "" "and records nothing"
mail_text b@example.net "$L-request@$D" "rsvp" "rsvp $EV yes" |
	sed 's/^MIME-Version:/Auto-Submitted: auto-replied\nMIME-Version:/' \
		>"$E2E_DIR/msg/auto.eml"
send_mail b@example.net "$L-request@$D" "$E2E_DIR/msg/auto.eml" || bail_out "send"
moim_settle 30
t_is "$(status_of b@example.net)" "" "an auto-reply's rsvp command never counts"
t_is "$(maildir_grep b@example.net Subject '참석 응답|명령 처리|확인해 주세요')" 0 \
	"and is not answered"
t_is "$(maildir_grep a@example.net Subject '확인해 주세요|명령 처리 결과')" 0 \
	"a was neither asked to confirm nor sent a results mail"

# --- 2. issue 13.3: a REPLY from one address for another is held
mk_reply $X a@example.net DECLINED >"$E2E_DIR/msg/forged.eml"
send_mail $X "$RSVP" "$E2E_DIR/msg/forged.eml" || bail_out "send"
t_ok "the organizer is told of the answer for another address" \
	wait_subject $ORG "다른 주소를 대신한 응답"
f=$(newest_with $ORG "다른 주소를 대신한 응답")
t_like "$(body_of "$f")" "$X" "naming who sent it"
t_like "$(body_of "$f")" "a@example.net" "and whom it speaks for"
t_like "$(body_of "$f")" "moimctl event promote $EV $X" "and how to take it"
t_is "$(status_of a@example.net)" "accepted/1/attending" \
	"the victim's answer is unchanged"
t_is "$(status_of $X)" "declined/0/held" "the sender's answer is held"
t_is "$(seats)" 1 "no seat came free"
t_ok "the sender is told" wait_subject $X "보내신 응답"
t_ok "without the event's details" no_details $X "보내신 응답"

# a member's calendar answering for her alias: held, the organizer takes it
mk_reply b@example.net b.kim@example.net ACCEPTED >"$E2E_DIR/msg/alias.eml"
send_mail b@example.net "$RSVP" "$E2E_DIR/msg/alias.eml" || bail_out "send"
t_ok "the member is told her answer waits" wait_subject b@example.net "참석 응답 확인"
t_like "$(body_of "$(newest_with b@example.net '참석 응답 확인')")" "다른 주소의 응답" \
	"because it spoke for another address"
t_ok "the organizer is asked" wait_subject $ORG "다른 주소를 대신한 응답" 2
t_is "$(status_of b@example.net)" "accepted/1/held" "b's answer is held"
t_ok "the organizer takes it" moimctl event promote $EV b@example.net
t_ok "b attends" e2e_poll 30 '[ "$(status_of b@example.net)" = accepted/1/attending ]'

# --- 3. issue 13.3: strangers' answers wait by default
t_like "$(moimctl event show $EV)" "crashers: hold" "a new event holds strangers' answers"
send_mail_text $X "$RSVP" "Re: 세미나" "참석합니다. 저 포함 50명 갑니다." || bail_out "send"
t_ok "the organizer is asked about the stranger" \
	wait_subject $ORG "초대 명단에 없는 분의 응답"
t_is "$(status_of $X)" "accepted/50/held" "the stranger's 50 are held"
t_is "$(seats)" 2 "and take no seat"
t_ok "the stranger is told" wait_subject $X "보내신 응답" 2
t_ok "without the event's details" no_details $X "보내신 응답"

# --- 4. issue 13.10: strangers learn nothing and get nothing quoted
t_ok "the event refuses strangers" moimctl event update $EV crashers=refuse
Z=zed@example.com
send_mail_text $Z "$RSVP" "Re: 세미나" "참석" || bail_out "send"
t_ok "a refused stranger is told" wait_subject $Z "보내신 응답"
t_like "$(body_of "$(newest_with $Z '보내신 응답')")" "초대받은 분의 응답만" "why"
t_ok "but not when or where" no_details $Z "보내신 응답"
t_is "$(status_of $Z)" "" "nothing is recorded"
send_mail_text $Z "$L-rsvp+99@$D" "Re: 세미나" "참석" || bail_out "send"
send_mail_text $Z "$L-request@$D" "events" "events
see http://spam.example/buy-now" || bail_out "send"
t_ok "a non-member's events command is answered" wait_subject $Z "명령 처리 결과"
f=$(newest_with $Z "명령 처리 결과")
t_like "$(body_of "$f")" "only members see" "with a refusal"
t_ok "that lists no event" no_details $Z "명령 처리 결과"
t_ok "and quotes nothing the sender wrote" eval '[ -n "$f" ] && ! grep -q "spam\.example" "$f"'
moim_settle 30
t_is "$(maildir_count $Z)" 2 "an unknown event id is not answered"
send_mail_text c@example.net "$L-request@$D" "events" "events
see http://spam.example/buy-now" || bail_out "send"
t_ok "a member's events command is answered" wait_subject c@example.net "명령 처리 결과"
f=$(newest_with c@example.net "명령 처리 결과")
t_like "$(body_of "$f")" "$EV: 보안 세미나" "with the open events"
t_like "$(body_of "$f")" "spam\.example" "quoting the member's lines"
t_done
