#!/bin/bash
# digest_test.sh - daily digests through a real Postfix: members in digest
# mode get nothing while posts come in, then one RFC 2046 digest with the
# day's posts and a table of contents at the list's digest_time; the
# issue goes out once (also across a restart) and a day without posts
# sends nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init digest
moim_setup
pf_start || bail_out "postfix did not start"
L=study
LA=$L@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "AI 스터디" --policy members \
	--owner owner@example.net >/dev/null || bail_out "list create"
moimctl member add $L alice@example.net bob@example.com >/dev/null
moimctl member add $L dave@example.com --mode digest >/dev/null
moimctl member add $L erin@example.net >/dev/null
# Nothing is due while the posts come in: the digest time is an hour off.
moimctl list set $L digest_time="$(TZ=Asia/Seoul date -d '+1 hour' +%H:%M)"
listd_start || bail_out "moim-listd did not start"

# erin asks for the digest by mail and confirms (From is only a claim)
erin_mode()
{
	moimctl member ls $L --json |
		jq -r '.[] | select(.address == "erin@example.net") | .mode'
}
send_mail_text erin@example.net "$L-request@$E2E_LIST_DOMAIN" "digest on" ""
t_ok "erin is asked to confirm" maildir_wait erin@example.net 1 30
t_like "$(header_of "$(maildir_last erin@example.net)" Subject)" "확인해 주세요: digest on" \
	"the request names the command"
t_is "$(erin_mode)" regular "nothing changes before she confirms"
t_ok "erin confirms by replying" reply_confirm erin@example.net
t_ok "her confirmation is answered" maildir_wait erin@example.net 2 30
t_is "$(erin_mode)" digest "erin is in digest mode"

send_mail_text alice@example.net "$LA" "트랜스포머 논문 읽기" "이번 주에는 Attention Is All You Need를 읽습니다."
send_mail_text bob@example.com "$LA" "Re: 트랜스포머 논문 읽기" "좋습니다. 저는 3장을 맡겠습니다."
send_mail_text alice@example.net "$LA" "Next meeting: Friday" "Room 204, 7 pm."
# a post forwarding a message whose header has a broken line (a real
# mail client's work): what follows that line must reach digest readers
cat >"$E2E_DIR/msg/broken.eml" <<EOM
From: <bob@example.com>
To: <$LA>
Subject: slides attached
Date: $(date -R)
Message-ID: <broken.$$@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8

slides below
--b1
Content-Type: message/rfc822

Received: from x.example.net (x [192.0.2.1])
(using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)
Subject: forwarded

AFTER-BAD-HEADER-MARKER
--b1--
EOM
send_mail bob@example.com "$LA" "$E2E_DIR/msg/broken.eml"
t_ok "regular members get each post" e2e_poll 30 '[ "$(maildir_count bob@example.com)" -ge 4 ]'
moim_settle 30
t_is "$(maildir_count dave@example.com)" 0 "a digest member gets no single post"
t_is "$(maildir_count erin@example.net)" 2 "erin only has the command's two answers"
t_is "$(e2e_sql 'SELECT count(*) FROM digest_queue')" 4 \
	"four posts wait for the digest"

# Now the digest time comes: a few seconds ahead, in the list's zone.
sleep_past_midnight()
{
	# an issue due across midnight would be tomorrow's: wait it out
	while [ "$(TZ=Asia/Seoul date -d '+8 sec' +%H)" = 00 ] &&
		[ "$(TZ=Asia/Seoul date +%H)" = 23 ]; do sleep 1; done
}
sleep_past_midnight
moimctl list set $L digest_time="$(TZ=Asia/Seoul date -d '+4 sec' +%H:%M:%S)"
t_ok "dave gets a digest" maildir_wait dave@example.com 1 30
t_ok "erin gets a digest" maildir_wait erin@example.net 3 30
moim_settle 30

f=$(maildir_last dave@example.com)
t_like "$(header_of "$f" Subject)" "AI 스터디.*다이제스트 제1호.*글 4개" "the subject names the list, issue and count"
t_is "$(header_of "$f" List-Id)" "AI 스터디 <study.$E2E_LIST_DOMAIN>" "the digest has List-Id, its name decoded"
t_like "$(header_of "$f" List-Unsubscribe)" "mailto:study-unsubscribe\+" "a personal List-Unsubscribe"
t_not "the digest is not marked as an automatic reply" grep -qi '^Auto-Submitted:' "$f"
structure=$(python3 - "$f" <<'PY'
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(m.get_content_type())
parts = list(m.iter_parts())
print(parts[0].get_content_type())
print(parts[1].get_content_type())
for p in parts[1].iter_parts():
    inner = p.get_content()
    print(p.get_content_type(), '|', inner['Subject'], '|', inner['From'],
          '|', 'Received' in inner, '|', inner.get_body(('plain',)).get_content().strip())
print('TOC', parts[0].get_content().replace('\n', ' '))
PY
)
diag "$structure"
t_is "$(echo "$structure" | sed -n 1p)" multipart/mixed "the digest is multipart/mixed"
t_is "$(echo "$structure" | sed -n 2p)" text/plain "its first part is the table of contents"
t_is "$(echo "$structure" | sed -n 3p)" multipart/digest "then a multipart/digest"
t_is "$(echo "$structure" | grep -c '^message/rfc822 ')" 4 "with the four posts as message/rfc822"
t_ok "a part after a broken header line is kept" grep -q AFTER-BAD-HEADER-MARKER "$f"
t_like "$(echo "$structure" | grep '^message/rfc822' | sed -n 1p)" \
	"트랜스포머 논문 읽기 \| alice@example.net \| False \| 이번 주에는 Attention" \
	"the first post is intact, without its Received lines"
t_like "$(echo "$structure" | grep '^message/rfc822' | sed -n 3p)" "Next meeting: Friday" \
	"posts are in the order they came"
t_like "$(echo "$structure" | grep '^TOC')" \
	"1\. 트랜스포머 논문 읽기.* 2\. Re: 트랜스포머 논문 읽기.* 3\. Next meeting: Friday" \
	"the table of contents lists every post"
t_is "$(maildir_grep alice@example.net Subject '다이제스트')" 0 "regular members get no digest"
t_is "$(e2e_sql 'SELECT count(*) FROM digest_queue')" 0 \
	"the queue is empty after the issue"

# Exactly once: a restart and a day without posts send nothing more.
listd_stop
listd_start || bail_out "moim-listd did not restart"
sleep 3
moim_settle 30
t_is "$(maildir_count dave@example.com)" 1 "one digest, also after a restart"
t_is "$(maildir_count erin@example.net)" 3 "erin too"

# The next day's posts make issue 2.
send_mail_text bob@example.com "$LA" "두 번째 날" "내일 봬요."
t_ok "bob's post reaches alice" e2e_poll 30 '[ "$(maildir_grep alice@example.net Subject "두 번째 날")" -ge 1 ]'
sleep_past_midnight
moimctl list set $L digest_time="$(TZ=Asia/Seoul date -d '+3 sec' +%H:%M:%S)"
t_ok "dave gets the second issue" maildir_wait dave@example.com 2 30
f=$(maildir_last dave@example.com)
t_like "$(header_of "$f" Subject)" "제2호.*글 1개" "issue 2 with one post"
t_done
