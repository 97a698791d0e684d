#!/bin/bash
# event_allday_test.sh - all-day and multi-day events end to end through
# a real Postfix (issue 12.2): an announcement written as Korean
# organizers write it ("2027년 10월 9일(토)~11일(월) 종일") reaches every
# member as an invitation with DATE values (DTSTART;VALUE=DATE:20271009,
# DTEND;VALUE=DATE:20271012, no VTIMEZONE); moimctl lists its days; an
# answer's confirmation shows the days with 종일; moimctl event update
# with an all-day range sends the new DATE end.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init event_allday
moim_setup
pf_start || bail_out "postfix did not start"
L=camp
D=$E2E_LIST_DOMAIN
LA=$L@$D
ORG=host@example.net
moimctl list create "$LA" --name "가을 캠프" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl member add $L a@example.net c@example.net >/dev/null &&
	listd_start || bail_out "member add or moim-listd start"

# wait_subject ADDR REGEX - wait until ADDR has a message matching
wait_subject()
{
	e2e_poll 30 "[ \"\$(maildir_grep $1 Subject '$2')\" -ge 1 ]"
}

post_as_owner_text $ORG "$LA" "가을 워크숍" "행사: 가을 워크숍
일시: 2027년 10월 9일(토)~11일(월) 종일
장소: 속초

사흘 동안 합니다." || bail_out "send"
t_ok "a is invited to the workshop" wait_subject a@example.net "가을 워크숍"
ics=$(ics_of "$(newest_with a@example.net "가을 워크숍")" REQUEST)
t_like "$ics" "^DTSTART;VALUE=DATE:20271009" "DTSTART is the DATE 2027-10-09"
t_like "$ics" "^DTEND;VALUE=DATE:20271012" "DTEND is the day after the 11th"
t_not "an all-day invitation has no VTIMEZONE" grep -q VTIMEZONE <<<"$ics"
EV=$(moimctl event ls $L | awk -F'\t' '$6 == "가을 워크숍" { print $1 }')
t_is "$(moimctl event ls $L | awk -F'\t' '$6 == "가을 워크숍" { print $2 }')" \
	"2027-10-09 ~ 2027-10-11" "moimctl event ls shows the dates"
t_like "$(moimctl event show "$EV")" "all_day: 2027-10-09 ~ 2027-10-11" \
	"moimctl event show says it is all-day"
send_mail_text c@example.net "$L-rsvp+$EV@$D" "Re: 가을 워크숍" "참석합니다" ||
	bail_out "send"
t_ok "c's answer is confirmed" wait_subject c@example.net "참석 응답 확인: 가을 워크숍"
t_like "$(body_of "$(newest_with c@example.net "참석 응답 확인: 가을 워크숍")")" \
	"일시: 2027-10-09 ~ 2027-10-11 종일" "the confirmation shows the days, all day"
t_ok "moimctl event update takes an all-day range" \
	moimctl event update "$EV" "when=2027-10-09 to 2027-10-12"
t_ok "the update goes out with the new DATE end" e2e_poll 60 \
	'ics_of "$(newest_with c@example.net "행사 정보 변경: 가을 워크숍")" REQUEST | grep -q "^DTEND;VALUE=DATE:20271013"'
t_done
