#!/bin/bash
# web_links_test.sh - the web links in list mail through a real Postfix
# and moim-listd (issue 14: one-click unsubscribe, archive, RSVP by link;
# no moim-web needed): with [web] base_url a personal copy carries
# List-Unsubscribe with the member's https/http URL first and the mailto
# second, and List-Unsubscribe-Post: List-Unsubscribe=One-Click; the
# token verifies for that member only (checked with the key, as
# lib/token.h defines it); List-Archive is the list's page and
# Archived-At the post's page with its Message-ID percent-encoded; the
# footer links the list's page; a batched copy keeps the mailto alone; a
# digest issue is a personal copy, also on a batched list; a hidden
# archive gets no archive links; an invitation, an event update and a
# reminder carry the member's answer links and the event's page; and
# without base_url none of this appears.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init web_links
moim_setup
# moim_setup may write a [web] section of its own (with moim-web's port);
# otherwise this test adds the base URL the mail links to.
if ! grep -q '^\[web\]' "$MOIM_CONF"; then
	printf '[web]\nbase_url = https://lists.example.org/web/\n' >>"$MOIM_CONF"
fi
BASE=$(sed -n 's/^base_url *= *//p' "$MOIM_CONF" | tail -n 1)
[ -n "$BASE" ] || bail_out "no base_url in $MOIM_CONF"
BASE=${BASE%/}/
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
ORG=org@example.net
A=a@example.net
B=b@example.net
DG=dg@example.net
moimctl list create "ai@$D" --name "AI 프렌즈" --owner $ORG >/dev/null &&
	moimctl list create "bat@$D" --name "Batch" --owner $ORG >/dev/null &&
	moimctl list create "hid@$D" --name "Hidden" --owner $ORG >/dev/null ||
	bail_out "list create"
for l in ai bat hid; do
	moimctl member add $l $A $B >/dev/null || bail_out "member add"
done
moimctl member add bat $DG --mode digest >/dev/null || bail_out "member add"
# The batched list's digest is not due while its post comes in.
moimctl list set bat delivery=batched >/dev/null &&
	moimctl list set bat digest_time="$(TZ=Asia/Seoul date -d '+1 hour' +%H:%M)" \
		>/dev/null &&
	moimctl list set hid archive=hidden >/dev/null || bail_out "list set"
listd_start || bail_out "moim-listd did not start"

# subject_lines ADDR - "PATH<TAB>Subject" of each of ADDR's messages,
# oldest first, Subjects decoded; one python3 for the whole Maildir
# (this test polls often)
subject_lines()
{
	local files
	files=$(maildir_files "$1")
	[ -n "$files" ] || return 0
	# shellcheck disable=SC2086 # one path per word
	python3 - $files <<'PY'
import sys, email, email.policy
for p in sys.argv[1:]:
    with open(p, 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    print(p + '\t' + str(m.get('Subject', '')).replace('\n', ' '))
PY
}

# subject_match REGEX - the lines of subject_lines whose Subject matches
subject_match()
{
	re=$1 awk -F'\t' '$2 ~ ENVIRON["re"]'
}

# wait_subject ADDR REGEX [N] - wait until ADDR has N messages matching
wait_subject()
{
	e2e_poll 30 "[ \"\$(subject_lines $1 | subject_match '$2' | wc -l)\" \
		-ge ${3:-1} ]"
}

# newest_with ADDR REGEX - ADDR's newest message whose Subject matches
newest_with()
{
	subject_lines "$1" | subject_match "$2" | tail -n 1 | cut -f1
}

# member_id LIST ADDR - the member row's id
member_id()
{
	e2e_sql "SELECT m.id FROM members m
		JOIN lists l ON l.id = m.list_id
		WHERE l.local = '$1' AND m.address = '$2'"
}

# token_check PURPOSE LIST ADDR ID TOKEN - whether TOKEN is the key's MAC
# for (PURPOSE, LIST, ADDR), names row ID and has not expired; a second
# implementation of lib/token.h's format
token_check()
{
	python3 - "$E2E_DIR/etc/secret" "$@" <<'PY'
import base64, hashlib, hmac, sys, time
secret, purpose, lst, addr, want_id, tok = sys.argv[1:]
key = open(secret, 'rb').read().rstrip()
t = tok.upper()
raw = base64.b32decode(t + '=' * (-len(t) % 8))
def varint(p, i):
    v = s = 0
    while True:
        b = p[i]; i += 1
        v |= (b & 0x7f) << s; s += 7
        if not b & 0x80:
            return v, i
rid, i = varint(raw, 0)
zz, i = varint(raw, i)
exp = (zz >> 1) if not zz & 1 else -(zz >> 1) - 1
msg = b'\0'.join(x.encode() for x in (purpose, lst, addr, str(rid), str(exp)))
mac = hmac.new(key, msg, hashlib.sha256).digest()[:10]
ok = (hmac.compare_digest(mac, raw[i:]) and rid == int(want_id)
      and exp > time.time() + 170 * 86400)
sys.exit(0 if ok else 1)
PY
}

# copy_of LIST SUBJECT PREFIX - a sends a post to LIST; wait for b's copy
# (Subject "[PREFIX] SUBJECT") and set f to it
copy_of()
{
	send_mail_text $A "$1@$D" "$2" "hello" || bail_out "send"
	t_ok "b gets the post '$2' to $1" wait_subject $B "^\\[$3\\] $2"
	f=$(newest_with $B "$2")
}

# unsub_token FILE - the token of the one-click URL in FILE's header
unsub_token()
{
	header_of "$1" List-Unsubscribe | sed -n "s|^<${BASE}u/\([a-z2-7]*\)>.*|\1|p"
}

# --- 1. a personal copy: one-click URL first, the mailto second
MID='<x/y%z+w?1@e2e.test>'
{
	printf 'From: <%s>\nTo: <ai@%s>\nSubject: links\n' $A "$D"
	printf 'Date: %s\nMessage-ID: %s\nMIME-Version: 1.0\n' "$(date -R)" "$MID"
	# the author's own Archived-At (another archive's, or a forged one)
	printf 'Archived-At: <https://phish.example/ai>\n'
	printf 'Content-Type: text/plain; charset=UTF-8\n\nhello\n'
} >"$E2E_DIR/post1.eml"
send_mail $A "ai@$D" "$E2E_DIR/post1.eml" || bail_out "send"
t_ok "b gets the post" wait_subject $B '^\[AI 프렌즈\] links'
t_ok "a gets the post" wait_subject $A '^\[AI 프렌즈\] links'
fb=$(newest_with $B 'links')
fa=$(newest_with $A 'links')
lu=$(header_of "$fb" List-Unsubscribe)
t_like "$lu" "^<${BASE//./\\.}u/[a-z2-7]+>, <mailto:ai-unsubscribe\\+[a-z2-7]+@${D//./\\.}>\$" \
	"List-Unsubscribe: the URL first, the mailto second"
t_is "$(header_of "$fb" List-Unsubscribe-Post)" "List-Unsubscribe=One-Click" \
	"List-Unsubscribe-Post is exact"
t_is "$(grep -ci '^List-Unsubscribe:' "$fb")" 1 "one List-Unsubscribe field"
tb=$(unsub_token "$fb")
ta=$(unsub_token "$fa")
IDA=$(member_id ai $A)
IDB=$(member_id ai $B)
t_ok "b's token verifies for b" token_check unsub "ai@$D" $B "$IDB" "$tb"
t_not "b's token is not a's" token_check unsub "ai@$D" $A "$IDA" "$tb"
t_not "b's token is not for another list" token_check unsub "bat@$D" $B "$IDB" "$tb"
t_ok "a's token verifies for a" token_check unsub "ai@$D" $A "$IDA" "$ta"
t_not "two members get different tokens" test "$ta" = "$tb"
t_is "$(header_of "$fb" List-Archive)" "<${BASE}ai@$D/>" \
	"List-Archive is the list's page"
t_is "$(header_of "$fb" Archived-At)" "<${BASE}ai@$D/m/x%2Fy%25z%2Bw%3F1@e2e.test/>" \
	"Archived-At is the post's page, Message-ID percent-encoded"
t_is "$(grep -ci '^Archived-At:' "$fb")" 1 "the author's own Archived-At is gone"
t_like "$(body_of "$fb")" "\\(보관함, 행사\\): ${BASE//./\\.}ai@${D//./\\.}/\$" \
	"the footer links the list's page"
t_not "the footer carries no member's token" grep -q "${BASE}u/" <(body_of "$fb")

# --- 2. a batched copy keeps the mailto alone
copy_of bat batched Batch
t_is "$(header_of "$f" List-Unsubscribe)" "<mailto:bat-unsubscribe@$D>" \
	"a batched copy: the list's mailto only"
t_is "$(header_of "$f" List-Unsubscribe-Post)" "" "a batched copy: no List-Unsubscribe-Post"
t_not "a batched copy: no /u/ URL" grep -q "/u/" "$f"
t_is "$(header_of "$f" List-Archive)" "<${BASE}bat@$D/>" "a batched copy: List-Archive"
t_like "$(header_of "$f" Archived-At)" "^<${BASE//./\\.}bat@" "a batched copy: Archived-At"


# --- 2b. a digest issue is a personal copy, also on a batched list
# (an issue due across midnight would be tomorrow's: wait that out)
while [ "$(TZ=Asia/Seoul date -d '+8 sec' +%H)" = 00 ] &&
	[ "$(TZ=Asia/Seoul date +%H)" = 23 ]; do sleep 1; done
moimctl list set bat digest_time="$(TZ=Asia/Seoul date -d '+4 sec' +%H:%M:%S)" >/dev/null
t_ok "the digest member gets an issue" maildir_wait $DG 1 30
f=$(maildir_last $DG)
t_like "$(header_of "$f" List-Unsubscribe)" \
	"^<${BASE//./\\.}u/[a-z2-7]+>, <mailto:bat-unsubscribe\\+[a-z2-7]+@" \
	"a digest issue: the member's URL and mailto"
t_is "$(grep -ci '^List-Unsubscribe:' "$f")" 1 "a digest issue: one List-Unsubscribe field"
t_is "$(header_of "$f" List-Unsubscribe-Post)" "List-Unsubscribe=One-Click" \
	"a digest issue: List-Unsubscribe-Post"
t_ok "the digest token verifies for its member" token_check unsub "bat@$D" $DG \
	"$(member_id bat $DG)" "$(unsub_token "$f")"

# --- 3. a hidden archive: no archive links, one-click still there
copy_of hid hidden Hidden
t_is "$(header_of "$f" List-Archive)" "" "hidden: no List-Archive"
t_is "$(header_of "$f" Archived-At)" "" "hidden: no Archived-At"
t_not "hidden: the footer has no web line" grep -q "보관함, 행사" <(body_of "$f")
t_like "$(header_of "$f" List-Unsubscribe)" "^<${BASE//./\\.}u/" \
	"hidden: the one-click URL is still there"

# --- 4. an invitation carries the member's answer links and the event page
post_as_owner_text $ORG "ai@$D" "봄 세미나 안내" "행사: 봄 세미나
일시: 2027년 3월 10일 (수) 오후 2시~4시
장소: 세미나실

많은 참여 바랍니다." || bail_out "send"
t_ok "b gets the invitation" wait_subject $B "봄 세미나 안내"
EV=$(moimctl event ls ai | cut -f1)
f=$(newest_with $B "봄 세미나 안내")
body=$(body_of "$f")
for ans in yes no maybe; do
	t_like "$body" "${BASE//./\\.}r/$EV-[a-z2-7]+\\?answer=$ans\$" \
		"the invitation's text has the $ans link"
done
t_like "$body" "행사 페이지: ${BASE//./\\.}ai@${D//./\\.}/e/$EV/\$" \
	"the invitation's text has the event page"
t_like "$body" "많은 참여 바랍니다" "the post's own text is kept"
rt=$(sed -n "s|.*${BASE}r/$EV-\([a-z2-7]*\)?answer=yes\$|\1|p" <<<"$body")
t_ok "b's answer token verifies for b" token_check rsvp "ai@$D:$EV" $B "$IDB" "$rt"
t_not "b's answer token is not a's" token_check rsvp "ai@$D:$EV" $A "$IDA" "$rt"
t_like "$(header_of "$f" List-Unsubscribe)" "^<${BASE//./\\.}u/" \
	"an invitation is a personal copy with the one-click URL"
t_is "$(header_of "$f" List-Unsubscribe-Post)" "List-Unsubscribe=One-Click" \
	"an invitation has List-Unsubscribe-Post"
ra=$(sed -n "s|.*${BASE}r/$EV-\([a-z2-7]*\)?answer=yes\$|\1|p" \
	<<<"$(body_of "$(newest_with $A "봄 세미나 안내")")")
t_ok "a's answer token verifies for a" token_check rsvp "ai@$D:$EV" $A "$IDA" "$ra"
t_ok "an event update carries the links" moimctl event update "$EV" "where=대강당"
t_ok "b gets the update" wait_subject $B "행사 정보 변경"
body=$(body_of "$(newest_with $B "행사 정보 변경")")
t_like "$body" "${BASE//./\\.}r/$EV-[a-z2-7]+\\?answer=maybe\$" "the update has the answer links"
t_like "$body" "/ai@${D//./\\.}/e/$EV/\$" "the update has the event page"
# a reminder to an attendee
moimctl list set ai reminder_hours=3 >/dev/null || bail_out "list set"
post_as_owner_text $ORG "ai@$D" "점심 세미나 안내" "행사: 점심 세미나
일시: $(TZ=Asia/Seoul date -d '+2 hours' '+%Y-%m-%d %H:%M')
장소: 세미나실" || bail_out "send"
t_ok "b gets the second invitation" wait_subject $B "점심 세미나 안내"
EV2=$(moimctl event ls ai | awk -F'\t' '$6 == "점심 세미나" { print $1 }')
send_mail_text $B "ai-request@$D" "rsvp" "참석 $EV2" || bail_out "send"
t_ok "b gets the reminder" wait_subject $B "행사 알림: 점심"
body=$(body_of "$(newest_with $B "행사 알림: 점심")")
rt=$(sed -n "s|.*${BASE}r/$EV2-\([a-z2-7]*\)?answer=no\$|\1|p" <<<"$body")
t_ok "the reminder's no link is b's" token_check rsvp "ai@$D:$EV2" $B "$IDB" "$rt"
t_like "$body" "/ai@${D//./\\.}/e/$EV2/\$" "the reminder has the event page"

# --- 5. without base_url none of this appears
listd_stop
sed -i '/^base_url *=/d' "$MOIM_CONF"
listd_start || bail_out "moim-listd did not restart"
copy_of ai plain "AI 프렌즈"
t_like "$(header_of "$f" List-Unsubscribe)" "^<mailto:ai-unsubscribe\\+[a-z2-7]+@${D//./\\.}>\$" \
	"no base_url: the member's mailto alone"
t_is "$(header_of "$f" List-Unsubscribe-Post)" "" "no base_url: no List-Unsubscribe-Post"
t_is "$(header_of "$f" List-Archive)" "" "no base_url: no List-Archive"
t_is "$(header_of "$f" Archived-At)" "" "no base_url: no Archived-At"
t_not "no base_url: no web line in the footer" grep -q "보관함, 행사" <(body_of "$f")
t_ok "an update without base_url" moimctl event update "$EV" "where=소강당"
t_ok "b gets the second update" wait_subject $B "행사 정보 변경" 2
f=$(newest_with $B "행사 정보 변경")
t_like "$(body_of "$f")" "소강당" "the newest update is the second"
t_not "no base_url: no answer links" grep -q "answer=" <(body_of "$f")
t_done
