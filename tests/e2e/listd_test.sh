#!/bin/bash
# listd_test.sh - a community list end to end through a real Postfix:
# subscribe by mail with double opt-in, posts in UTF-8 and EUC-KR,
# a refused non-member post, unsubscribe.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init listd
moim_setup
pf_start || bail_out "postfix did not start"
L=ai-friends
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "AI 프렌즈" --owner owner@example.net \
	>/dev/null || bail_out "list create failed"
listd_start || bail_out "moim-listd did not start"

# confirm_via_reply ADDR: reply to the newest confirmation in ADDR's box
confirm_via_reply()
{
	local f to
	f=$(maildir_last "$1")
	to=$(header_of "$f" Reply-To | sed 's/.*<\(.*\)>.*/\1/')
	case $to in
	"$L"-confirm+*@"$E2E_LIST_DOMAIN") ;;
	*) diag "no confirm address in Reply-To: '$to'"; return 1 ;;
	esac
	send_mail_text "$1" "$to" "Re: confirm" "네, 확인합니다."
}

# 1. subscribe -> confirm by reply -> welcome
send_mail_text alice@example.net "$L-request@$E2E_LIST_DOMAIN" subscribe ""
t_ok "alice gets a confirmation" maildir_wait alice@example.net 1 30
t_is "$(moimctl member ls $L --json | jq 'map(select(.address=="alice@example.net"))|length')" 0 \
	"alice is not a member before confirming"
t_ok "alice confirms by replying" confirm_via_reply alice@example.net
t_ok "alice gets a welcome" maildir_wait alice@example.net 2 30
t_is "$(moimctl member ls $L --json | jq 'map(select(.address=="alice@example.net"))|length')" 1 \
	"alice is a member after confirming"
t_like "$(header_of "$(maildir_last alice@example.net)" Subject)" "AI 프렌즈" \
	"the welcome's Korean subject decodes"

# 2. a subscribe for someone else changes nothing until they confirm;
#    subscribing by the -subscribe address works the same way
mail_text mallory@example.com "$L-subscribe@$E2E_LIST_DOMAIN" "subscribe" "" |
	sed 's/^From: .*/From: Carol <carol@example.net>/' >"$E2E_DIR/forged.eml"
send_mail mallory@example.com "$L-subscribe@$E2E_LIST_DOMAIN" "$E2E_DIR/forged.eml"
t_ok "carol (not mallory) gets the confirmation" maildir_wait carol@example.net 1 30
t_is "$(maildir_count mallory@example.com)" 0 "mallory gets nothing"
t_is "$(moimctl member ls $L --json | jq 'map(select(.address=="carol@example.net"))|length')" 0 \
	"carol is not subscribed without her confirmation"

# 3. posts reach every member with list headers and an intact body
for u in bob dave erin frank; do
	moimctl member add $L "$u@example.com" >/dev/null
done
MEMBERS="alice@example.net bob@example.com dave@example.com erin@example.com frank@example.com owner@example.net"
send_mail_text alice@example.net "$LA" "다음 주 세미나 안내" \
	"안녕하세요, 다음 주 수요일 오후 2시에 트랜스포머 세미나가 있습니다.
Line starting with a dot:
.
..two dots
끝."
for m in $MEMBERS; do
	t_ok "$m gets the UTF-8 post" e2e_poll 30 '[ "$(maildir_grep "$m" List-Id '\''ai-friends\.lists\.example\.org'\'')" -ge 1 ]'
done
f=$(for x in $(maildir_files bob@example.com); do
	header_of "$x" List-Id | grep -q ai-friends && echo "$x"
done | tail -n 1)
t_is "$(header_of "$f" Subject)" "[AI 프렌즈] 다음 주 세미나 안내" "subject has the prefix once"
t_like "$(header_of "$f" List-Unsubscribe)" "mailto:$L-unsubscribe\\+[a-z2-7]+@" \
	"List-Unsubscribe names a per-recipient address"
t_like "$(header_of "$f" List-Post)" "mailto:$LA" "List-Post"
t_like "$(header_of "$f" Return-Path)" "$L-bounces\\+[a-z2-7]+@$E2E_LIST_DOMAIN" \
	"VERP return path"
t_is "$(header_of "$f" Precedence)" list "Precedence: list"
body=$(body_of "$f")
t_like "$body" "트랜스포머 세미나" "Korean body intact"
t_like "$body" $'\n\\.\n\\.\\.two dots' "dot lines intact"
t_like "$body" "ai-friends-request@" "footer appended"

# a reply keeps a single prefix
mail_text bob@example.com "$LA" "Re: [AI 프렌즈] 다음 주 세미나 안내" "참석합니다" \
	>"$E2E_DIR/reply.eml"
send_mail bob@example.com "$LA" "$E2E_DIR/reply.eml"
t_ok "the reply reaches alice" e2e_poll 30 '[ "$(maildir_grep alice@example.net Subject '\''^Re: \[AI 프렌즈\] 다음'\'')" -ge 1 ]'
t_is "$(maildir_grep alice@example.net Subject '\[AI 프렌즈\].*\[AI 프렌즈\]')" 0 \
	"the prefix is not doubled"

# EUC-KR post
{
	printf 'From: Dave <dave@example.com>\nTo: %s\n' "$LA"
	printf 'Subject: =?EUC-KR?B?%s?=\n' "$(printf '데이터 모임' | iconv -f UTF-8 -t EUC-KR | base64 -w0)"
	printf 'Message-ID: <euckr.%s@e2e.test>\nMIME-Version: 1.0\n' "$RANDOM"
	printf 'Content-Type: text/plain; charset=EUC-KR\nContent-Transfer-Encoding: 8bit\n\n'
	printf '이번 모임은 대덕에서 합니다.\n' | iconv -f UTF-8 -t EUC-KR
} >"$E2E_DIR/euckr.eml"
send_mail dave@example.com "$LA" "$E2E_DIR/euckr.eml"
t_ok "the EUC-KR post reaches erin" e2e_poll 30 '[ "$(maildir_grep erin@example.com Subject '\''데이터 모임'\'')" -ge 1 ]'
f=$(for x in $(maildir_files erin@example.com); do
	header_of "$x" Subject | grep -q '데이터 모임' && echo "$x"
done | tail -n 1)
t_like "$(body_of "$f")" "대덕에서 합니다" "the EUC-KR body decodes to the same text"

# 4. a non-member's post is refused and reaches nobody
before=$(maildir_count frank@example.com)
send_mail_text stranger@example.net "$LA" "spam" "buy now"
t_ok "the non-member is told" maildir_wait stranger@example.net 1 30
pf_wait_queue_empty 30
t_is "$(maildir_count frank@example.com)" "$before" "members get nothing from a non-member"

# 5. unsubscribe -> confirm -> goodbye, then no more mail
n=$(maildir_count frank@example.com)
send_mail_text frank@example.com "$L-request@$E2E_LIST_DOMAIN" "탈퇴" ""
t_ok "frank gets an unsubscribe confirmation" maildir_wait frank@example.com $((n + 1)) 30
t_ok "frank confirms" confirm_via_reply frank@example.com
t_ok "frank gets a goodbye" maildir_wait frank@example.com $((n + 2)) 30
t_is "$(moimctl member ls $L --json | jq 'map(select(.address=="frank@example.com"))|length')" 0 \
	"frank is no longer a member"
send_mail_text alice@example.net "$LA" "after frank left" "hello"
t_ok "alice still gets posts" e2e_poll 30 '[ "$(maildir_grep alice@example.net Subject '\''after frank left'\'')" -ge 1 ]'
pf_wait_queue_empty 30
t_is "$(maildir_grep frank@example.com Subject 'after frank left')" 0 \
	"frank gets no post after leaving"

# 5b. dmarc = munge: From names the author "via" the list, Reply-To the
#     author, so the author's DMARC policy cannot refuse the copy
moimctl list set $L dmarc=munge >/dev/null
mail_text alice@example.net "$LA" "munged post" "dmarc" |
	sed 's/^From: .*/From: Alice Kim <alice@example.net>/' >"$E2E_DIR/munge.eml"
send_mail alice@example.net "$LA" "$E2E_DIR/munge.eml"
t_ok "the munged post reaches bob" e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "munged post")" -ge 1 ]'
f=$(for x in $(maildir_files bob@example.com); do
	header_of "$x" Subject | grep -q 'munged post' && echo "$x"
done | tail -n 1)
t_is "$(header_of "$f" From)" "Alice Kim via AI 프렌즈 <$LA>" "From is munged to the list address"
t_is "$(header_of "$f" Reply-To)" "Alice Kim <alice@example.net>" "Reply-To names the author"
moimctl list set $L dmarc=auto >/dev/null

# 5c. dmarc = auto (the default): munged when the author's domain
#     publishes p=reject (read from the test's DNS server) or is one of
#     munge_domains; unmodified=yes keeps Subject and body as written
dns_add _dmarc.example.com 'TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"'
# moim-listd keeps answers an hour; example.com was looked up before
listd_stop
listd_start || bail_out "moim-listd did not restart"
mail_text bob@example.com "$LA" "strict author" "p=reject" |
	sed 's/^From: .*/From: Bob Lee <bob@example.com>/' >"$E2E_DIR/strict.eml"
send_mail bob@example.com "$LA" "$E2E_DIR/strict.eml"
send_mail_text alice@example.net "$LA" "relaxed author" "no DMARC record"
t_ok "both posts reach erin" e2e_poll 30 '[ "$(maildir_grep erin@example.com Subject "strict author|relaxed author")" -ge 2 ]'
f=$(newest_with erin@example.com "strict author")
t_is "$(header_of "$f" From)" "Bob Lee via AI 프렌즈 <$LA>" "a p=reject author is munged in auto mode"
t_is "$(header_of "$f" Reply-To)" "Bob Lee <bob@example.com>" "with the author in Reply-To"
t_is "$(header_of "$(newest_with erin@example.com "relaxed author")" From)" \
	"alice@example.net" "an author without DMARC record keeps From"
t_ok "the lookup is logged" grep -q "author domain example.com: dmarc reject, From munged" "$E2E_DIR/log/listd.log"
moimctl list set $L munge_domains="gmail.com, example.net" >/dev/null
send_mail_text alice@example.net "$LA" "listed domain" "munge_domains"
t_ok "the post of a munge_domains author arrives" e2e_poll 30 '[ "$(maildir_grep erin@example.com Subject "listed domain")" -ge 1 ]'
t_like "$(header_of "$(newest_with erin@example.com "listed domain")" From)" \
	"via AI 프렌즈\"? <$LA>" "an author of munge_domains is munged"
moimctl list set $L unmodified=yes >/dev/null
send_mail_text alice@example.net "$LA" "pristine post" "unmodified"
t_ok "the unmodified post arrives" e2e_poll 30 '[ "$(maildir_grep erin@example.com Subject "pristine post")" -ge 1 ]'
f=$(newest_with erin@example.com "pristine post")
t_is "$(header_of "$f" Subject)" "pristine post" "unmodified: no subject prefix"
t_not "unmodified: no footer" grep -q "$L-request@" <(body_of "$f")
t_is "$(header_of "$f" From)" "alice@example.net" "unmodified: munge_domains no longer munge"
t_like "$(header_of "$f" List-Id)" "ai-friends" "unmodified: List-Id still added"
moimctl list set $L unmodified=no munge_domains=gmail.com >/dev/null

# 5d. max_size holds without moim-milter in front: the author is told
moimctl list set $L max_size=2k >/dev/null
n=$(maildir_grep alice@example.net Subject "배포되지 않았습니다")
send_mail_text alice@example.net "$LA" "too big a post" "$(head -c 3000 /dev/zero | tr '\0' 'x')"
t_ok "the author of an oversized post is told" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "배포되지 않았습니다")" -gt '"$n"' ]'
t_like "$(body_of "$(newest_with alice@example.net "배포되지 않았습니다")")" "2048 bytes at most" \
	"the notice gives the limit"
moim_settle 30
t_is "$(maildir_grep erin@example.com Subject "too big a post")" 0 "the oversized post is not distributed"
moimctl list set $L max_size=10m >/dev/null

# 5e. automatic mail: a member's vacation reply to the list is dropped;
#     a member's newsletter (Precedence: bulk) waits for a moderator,
#     without a word to its sender; the owner's goes out
n_auto=0
auto_mail() # FROM SUBJECT HEADER
{
	n_auto=$((n_auto + 1))
	mail_text "$1" "$LA" "$2" "automatic body" |
		sed "s/^Subject:/$3\nSubject:/" >"$E2E_DIR/msg/auto-$n_auto.eml" &&
		send_mail "$1" "$LA" "$E2E_DIR/msg/auto-$n_auto.eml"
}
held0=$(moimctl mod ls $L --json | jq length)
na=$(maildir_count alice@example.net)
auto_mail alice@example.net "Out of office: AI 세미나" "Auto-Submitted: auto-replied"
auto_mail alice@example.net "월간 AI 소식 12월호" "Precedence: bulk"
auto_mail owner@example.net "기관 공지: 겨울 세미나" "Precedence: bulk"
t_ok "the owner's bulk announcement goes out" e2e_poll 30 \
	'[ "$(maildir_grep bob@example.com Subject "기관 공지: 겨울 세미나")" = 1 ]'
t_ok "the member's newsletter waits for a moderator" e2e_poll 30 \
	'[ "$(moimctl mod ls $L --json | jq length)" = $((held0 + 1)) ]'
t_like "$(moimctl mod ls $L --json | jq -r '.[-1].reason')" "automatic mail" \
	"the moderators are told why"
moim_settle 30
t_is "$(maildir_grep bob@example.com Subject "월간 AI 소식")" 0 "the newsletter is not passed on yet"
t_is "$(maildir_grep bob@example.com Subject "Out of office")" 0 "the vacation reply is never passed on"
t_is "$(moimctl mod ls $L --json | jq length)" $((held0 + 1)) "and is not held either"
t_is "$(maildir_count alice@example.net)" $((na + 1)) \
	"alice hears only of the owner's post (her copy), no notice of the others"

# 6. batched delivery: one copy per 100 recipients with XVERP, so each
#    member still gets a per-recipient return path
moimctl list set $L delivery=batched >/dev/null
send_mail_text alice@example.net "$LA" "batched post" "one copy, many recipients"
for m in alice@example.net bob@example.com erin@example.com; do
	t_ok "$m gets the batched post" e2e_poll 30 '[ "$(maildir_grep '"$m"' Subject "batched post")" -ge 1 ]'
done
f=$(for x in $(maildir_files bob@example.com); do
	header_of "$x" Subject | grep -q 'batched post' && echo "$x"
done | tail -n 1)
t_like "$(header_of "$f" Return-Path)" "^<$L-bounces\\+[a-z2-7]+\\+bob=example\\.com@$E2E_LIST_DOMAIN>\$" \
	"XVERP return path names the copy (a tag) and the member"
t_like "$(header_of "$f" List-Unsubscribe)" "^<mailto:$L-unsubscribe@$E2E_LIST_DOMAIN>$" \
	"batched copies point List-Unsubscribe to the list address"
pf_wait_queue_empty 30
t_is "$(maildir_grep bob@example.com Subject 'batched post')" 1 "exactly one batched copy each"

t_done
