#!/bin/bash
# demo-scenario.sh - the README demo: a Korean study community's list.
#
# Run by demo.sh with top_srcdir and top_builddir set. Uses the
# end-to-end harness (tests/e2e/lib.sh and moim.sh) for the private
# Postfix, then narrates what each step did and what every member got.
# moim-web serves the list's pages on loopback: a member answers the
# invitation by its link (a GET only shows, the POST counts) and another
# leaves with one click (RFC 8058 POST, as Gmail sends it). With --serve
# (demo.sh --serve) everything keeps running on loopback until Ctrl-C,
# and the URLs of the list page, a thread and the event page are printed.
set -u
serve=
[ "${1:-}" = --serve ] && serve=1
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/moim.sh"

say() { printf '\n== %s\n' "$*"; }
step() { printf '   %s\n' "$*"; }

E2E_QUIET=1
e2e_init demo >/dev/null
moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET"
mkdir -p "$(dirname "$E2E_MILTER_SOCKET")"
chmod 755 "$(dirname "$E2E_MILTER_SOCKET")"
pf_start --milter "unix:$E2E_MILTER_SOCKET" >/dev/null ||
	{ e2e_dump; echo "demo: postfix did not start"; exit 1; }
L=ai-friends
D=$E2E_LIST_DOMAIN
moimctl list create "$L@$D" --name "AI 프렌즈" \
	--owner "jihyun@example.net" >/dev/null
moimctl list set $L archive=public \
	"description=대덕 연구단지에서 AI 논문을 함께 읽는 모임입니다." >/dev/null
listd_start >/dev/null || { e2e_dump; echo "demo: moim-listd did not start"; exit 1; }
web_start >/dev/null || { e2e_dump; echo "demo: moim-web did not start"; exit 1; }
BASE=http://127.0.0.1:$WEB_PORT
e2e_daemon_start milter "$top_builddir/milter/moim-milter" -f -c "$MOIM_CONF" &&
	e2e_wait_socket "$E2E_MILTER_SOCKET" 10 >/dev/null ||
	{ e2e_dump; echo "demo: moim-milter did not start"; exit 1; }

say "A list \"AI 프렌즈\" <$L@$D> with owner jihyun@example.net"
step "Postfix on 127.0.0.1:$E2E_SMTP_PORT (with moim-milter), relay :$E2E_RELAY_PORT, moim-listd LMTP :$E2E_LMTP_PORT"
step "moim-web on $BASE/ (its archive is public)"

# links_of FILE - the http(s) URLs in a message's decoded text parts
links_of()
{
	python3 - "$1" <<'PY'
import email, email.policy, re, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() == 'text/plain':
        for u in re.findall(r'https?://[^\s<>"]+', p.get_content()):
            print(u)
PY
}

# http METHOD URL [CURL ARGS...] - the status of one request to moim-web
http()
{
	local m=$1 u=$2
	shift 2
	curl -s --noproxy '*' -o "$E2E_DIR/http.out" -w '%{http_code}' -X "$m" "$@" "$u"
}

# join NAME ADDR WORD: subscribe by mail and confirm by replying
join()
{
	local n before to
	before=$(maildir_count "$2")
	mail_text "$2" "$L-request@$D" "$3" "" |
		sed "s/^From: .*/From: $1 <$2>/" >"$E2E_DIR/join.eml"
	send_mail "$2" "$L-request@$D" "$E2E_DIR/join.eml"
	maildir_wait "$2" $((before + 1)) 30 >/dev/null ||
		{ step "$2: no confirmation arrived"; return 1; }
	to=$(header_of "$(maildir_last "$2")" Reply-To | sed 's/.*<\(.*\)>.*/\1/')
	step "$1 <$2> sent \"$3\" to $L-request@$D; confirmation came back"
	send_mail_text "$2" "$to" "Re: confirm" "확인합니다"
	maildir_wait "$2" $((before + 2)) 30 >/dev/null
	step "   ...replied to ${to%%+*}+<token>@$D; now: $(header_of "$(maildir_last "$2")" Subject)"
}

say "Members subscribe by mail (double opt-in)"
join "박민수" minsu@example.com "subscribe"
join "이서연" seoyeon@example.net "구독"
join "Alex Kim" alex@example.com "subscribe"

# The study's dates, from today: the first Wednesday at least a week
# ahead, a week off two weeks later, and the sessions around it.
w1=$(date -d "$(( (10 - $(date +%u)) % 7 + 7 )) days" +%F)
day_ko() { date -d "$1" +'%-m월 %-d일'; }
W1_KO="$(date -d "$w1" +'%Y년 %-m월 %-d일')"
W2=$(date -d "$w1 + 7 days" +%F)
W3=$(date -d "$w1 + 14 days" +%F)
W4=$(date -d "$w1 + 21 days" +%F)

say "The owner announces the weekly study (an event block with a repeat rule)"
n=$(maildir_count alex@example.com)
post_as_owner_text jihyun@example.net "$L@$D" "12월 트랜스포머 스터디 안내" \
"행사: 트랜스포머 논문 읽기 모임
일시: ${W1_KO}부터 매주 수요일 오후 2시~5시, 8주간
휴강: $(day_ko "$W3")
장소: 대덕 연구단지 4층 세미나실
정원: 20명

안녕하세요, AI 프렌즈 여러분.
트랜스포머 논문 읽기 모임을 합니다. 노트북을 가져오세요."
step "the From line alone proves nothing, so moim held the announcement and"
step "asked jihyun@example.net: \"$(for x in $(maildir_files jihyun@example.net); do
	header_of "$x" Subject; done | grep '보내신 메일인지' | head -n 1)\""
step "the owner confirmed the announcement by replying to that request"
maildir_wait alex@example.com $((n + 1)) 30 >/dev/null
EV=$(moimctl event ls $L | cut -f1 | head -n 1)
step "sent to $L@$D; every member got a personal copy with a calendar"
step "invitation (event $EV) naming them, answerable at $L-rsvp+$EV@$D"
step "one invitation for the whole series: $(ics_of "$(maildir_last alex@example.com)" REQUEST |
	sed -n '/^BEGIN:VEVENT/,/^END:VEVENT/p' | grep -E '^(RRULE|EXDATE)' | tr -d '\r' | paste -sd ' ')"

say "A member replies to the list"
n=$(maildir_count alex@example.com)
f=$(maildir_last minsu@example.com)
mid=$(header_of "$f" Message-ID)
{
	printf 'From: =?UTF-8?B?%s?= <minsu@example.com>\n' "$(printf '박민수' | base64)"
	printf 'To: %s@%s\n' "$L" "$D"
	printf 'Subject: =?UTF-8?B?%s?=\n' "$(printf 'Re: [AI 프렌즈] 12월 트랜스포머 스터디 안내' | base64 -w0)"
	printf 'In-Reply-To: %s\nReferences: %s\n' "$mid" "$mid"
	printf 'Message-ID: <reply.%s@example.com>\nMIME-Version: 1.0\n' "$RANDOM"
	printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
	printf '참석합니다! 발표 자료는 몇 분 분량이면 될까요?\n\n> 트랜스포머 논문 읽기 모임을 합니다.\n'
} >"$E2E_DIR/reply.eml"
send_mail minsu@example.com "$L@$D" "$E2E_DIR/reply.eml"
maildir_wait alex@example.com $((n + 1)) 30 >/dev/null
step "박민수 answered \"참석합니다!\" with a question: the reply went to the"
step "list (one [AI 프렌즈] prefix) and counted as a yes:"
e2e_poll 30 '[ -n "$(moimctl event rsvps $EV | grep minsu)" ]' >/dev/null
moimctl event rsvps "$EV" | sed 's/^/      /'
e2e_poll 30 '[ "$(maildir_grep minsu@example.com Subject "참석 응답 확인")" -ge 1 ]' >/dev/null
step "and he got: $(for x in $(maildir_files minsu@example.com); do
	header_of "$x" Subject; done | grep '참석 응답 확인')"

say "Seoyeon answers by the link in her invitation (no calendar buttons in her webmail)"
inv=$(newest_with seoyeon@example.net "^\\[AI 프렌즈\\] 12월 트랜스포머")
yes=$(links_of "$inv" | grep '/r/' | grep 'answer=yes' | head -n 1)
if [ -n "$yes" ]; then
	step "her copy carries her own links; the yes link is ${yes%%/r/*}/r/<token>?answer=yes"
	code=$(http GET "$yes")
	step "GET of the link (what a mail scanner does too): $code, a page with"
	step "buttons; her answer so far: $(moimctl event rsvps "$EV" |
		awk -F'\t' '$1 == "seoyeon@example.net" { print $5; f = 1 }
			END { if (!f) print "none" }')"
	code=$(http POST "${yes%%\?*}" --data 'answer=yes')
	e2e_poll 30 '[ -n "$(moimctl event rsvps $EV | grep seoyeon)" ]' >/dev/null
	step "she pressed \"yes\" (POST): $code; now:"
	moimctl event rsvps "$EV" | sed 's/^/      /'
else
	step "(her copy carries no answer links: she would reply \"참석합니다\" instead)"
fi

say "Seoyeon cannot come one week: she answers for that session only"
send_mail_text seoyeon@example.net "$L-rsvp+$EV@$D" "Re: 12월 트랜스포머 스터디 안내" \
	"$(day_ko "$W2")은 불참합니다. 다음 주에 뵐게요."
e2e_poll 30 '[ -n "$(moimctl event rsvps $EV --session $W2 |
	grep seoyeon | grep -i decl)" ]' >/dev/null
step "she wrote \"$(day_ko "$W2")은 불참합니다\" to $L-rsvp+$EV@$D; the session of"
step "$W2 counts her out, the others keep her yes:"
step "moimctl event rsvps $EV --session $W2"
moimctl event rsvps "$EV" --session "$W2" | sed 's/^/      /'
step "moimctl event rsvps $EV --session $W4"
moimctl event rsvps "$EV" --session "$W4" | sed 's/^/      /'

say "Someone who is not a member tries to post"
send_mail_text stranger@example.com "$L@$D" "광고" "buy now"
step "moim-milter refused it while the sender was still connected:"
step "   $(awk '/^ *<\*\* +5[0-9][0-9] / { sub(/^ *<\*\* +/, ""); print; exit }' "$E2E_LAST_SWAKS")"

say "Alex leaves the list with one click (RFC 8058)"
n=$(maildir_count alex@example.com)
lu=$(header_of "$(newest_with alex@example.com "트랜스포머 스터디 안내")" List-Unsubscribe)
url=$(printf '%s' "$lu" | grep -o '<https\?://[^>]*>' | head -n 1 | tr -d '<>')
if [ -n "$url" ]; then
	step "his copy's List-Unsubscribe: <${url%%/u/*}/u/<token>>, <mailto:...>"
	step "List-Unsubscribe-Post: $(header_of "$(maildir_last alex@example.com)" List-Unsubscribe-Post)"
	code=$(http GET "$url")
	step "GET of the link: $code, a page with a button (still a member: $(moimctl member ls $L | grep -c alex))"
	code=$(http POST "$url" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data 'List-Unsubscribe=One-Click')
	step "his mail provider POSTs List-Unsubscribe=One-Click: $code"
	e2e_poll 30 '[ "$(moimctl member ls $L | grep -c alex)" = 0 ]' >/dev/null
	maildir_wait alex@example.com $((n + 1)) 30 >/dev/null
	step "alex@example.com is no longer a member; he got: $(header_of "$(maildir_last alex@example.com)" Subject)"
	code=$(http POST "$url" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data 'List-Unsubscribe=One-Click')
	step "a second POST changes nothing: $code"
else
	send_mail_text alex@example.com "$L-request@$D" "unsubscribe" ""
	maildir_wait alex@example.com $((n + 1)) 30 >/dev/null
	to=$(header_of "$(maildir_last alex@example.com)" Reply-To | sed 's/.*<\(.*\)>.*/\1/')
	send_mail_text alex@example.com "$to" "Re: confirm" "yes"
	maildir_wait alex@example.com $((n + 2)) 30 >/dev/null
	step "(his copy carries no one-click link: he unsubscribed by mail)"
	step "alex@example.com confirmed: $(header_of "$(maildir_last alex@example.com)" Subject)"
fi

say "The owner moves the session to another room (same title again)"
post_as_owner_text jihyun@example.net "$L@$D" "장소 변경: 3층 대회의실" \
"행사: 트랜스포머 논문 읽기 모임
일시: ${W1_KO}부터 매주 수요일 오후 2시~5시, 8주간
휴강: $(day_ko "$W3")
장소: 대덕 연구단지 3층 대회의실
정원: 20명"
maildir_wait seoyeon@example.net 5 30 >/dev/null
step "(confirmed by the owner's reply again, as a SASL login or a trusted"
step "DMARC pass would have done at once)"
step "everyone invited got the change as SEQUENCE 1 of the same invitation,"
step "so their calendars move the event instead of adding a second one"
pf_wait_queue_empty 30 >/dev/null

say "What every member received"
for m in jihyun@example.net minsu@example.com seoyeon@example.net alex@example.com; do
	printf '\n-- %s (%s messages)\n' "$m" "$(maildir_count "$m")"
	for f in $(maildir_files "$m"); do
		printf '   %-40s %s\n' \
			"from $(header_of "$f" From | sed 's/.*<\(.*\)>.*/\1/'):" \
			"$(header_of "$f" Subject)"
	done
done
f=$(for x in $(maildir_files seoyeon@example.net); do
	header_of "$x" Subject | grep -q '트랜스포머' && echo "$x"; done | head -n 1)
printf '\n-- one copy as seoyeon@example.net received it (headers moim set):\n'
for h in Return-Path List-Id List-Post List-Help List-Subscribe List-Unsubscribe \
	List-Unsubscribe-Post List-Archive Archived-At Precedence Subject; do
	v=$(header_of "$f" "$h")
	[ -n "$v" ] && printf '   %s: %s\n' "$h" "$v"
done
printf '\n-- its body:\n'
body_of "$f" | sed 's/^/   | /'
printf '\n-- and its calendar invitation (what Gmail, Outlook, Apple show as Yes/No/Maybe):\n'
python3 - "$f" <<'PY' | grep -E '^(METHOD|SUMMARY|DTSTART|DTEND|LOCATION|ORGANIZER|ATTENDEE|SEQUENCE)' | sed 's/^/   | /'
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() == 'text/calendar':
        t = p.get_payload(decode=True).decode().replace('\r\n ', '').replace('\r\n', '\n')
        ev = t[t.find('BEGIN:VEVENT'):]
        print(t.split('\n')[[l.startswith('METHOD') for l in t.split('\n')].index(True)])
        print(ev)
        break
PY

thread=$(python3 -c 'import sys, urllib.parse
print(urllib.parse.quote(sys.argv[1].strip().strip("<>"), safe="@-._~"))' "$mid")
say "On the web (moim-web)"
step "the list page:  $BASE/$L@$D/"
step "a thread:       $BASE/$L@$D/m/$thread/"
step "the event page: $BASE/$L@$D/e/$EV/  (and $BASE/$L@$D/e/$EV/event.ics)"
if [ -n "$serve" ]; then
	echo
	echo "demo: serving on loopback; open the URLs above. Ctrl-C stops Postfix, moim and moim-web."
	# Nothing to wait for but the person at the keyboard: the INT trap
	# of lib.sh stops every daemon and removes the work directory.
	# The sleep goes too, also when only this shell gets the signal.
	trap 'kill "$nap" 2>/dev/null; exit 130' INT
	trap 'kill "$nap" 2>/dev/null; exit 143' TERM HUP
	while :; do
		sleep 3600 &
		nap=$!
		wait "$nap"
	done
fi
echo
echo "demo: done; Postfix, moim-listd and moim-web stopped, nothing left running."
