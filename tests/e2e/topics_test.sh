#!/bin/bash
# topics_test.sh - topics through a real Postfix (SPEC "Topics"): a
# member mutes 구인 by mail and confirms, another follows 세미나; a
# [구인] post misses the muter and reaches the others, a #세미나 post
# reaches the follower, a reply without a tag keeps its thread's topic,
# a post without a topic misses the follower; copies carry Keywords: and
# X-Moim-Topic: (a forged incoming X-Moim-Topic is removed); "topics"
# answers with the topics and the member's choice, an unknown topic with
# the list's topics; moimctl lists a topic's threads; topic_required
# holds a post without a known topic and tells its author the topics;
# the digest groups its posts by topic; when the owner removes the topic
# a member follows, that follow no longer restricts what the member gets
# and "topics" shows it as no longer offered.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init topics
moim_setup
pf_start || bail_out "postfix did not start"
L=study
LA=$L@$E2E_LIST_DOMAIN
REQ=$L-request@$E2E_LIST_DOMAIN
moimctl list create "$LA" --name "AI 스터디" --policy members \
	--owner owner@example.net >/dev/null || bail_out "list create"
moimctl member add $L alice@example.net bob@example.com mina@example.net \
	fred@example.com >/dev/null || bail_out "member add"
# dana reads the digest; it is not due while the posts come in
moimctl member add $L dana@example.net --mode digest >/dev/null
moimctl list set $L digest_time="$(TZ=Asia/Seoul date -d '+1 hour' +%H:%M)"
t_ok "list set topics" moimctl list set $L "topics=세미나 구인 질문 공지"
t_not "a topic with brackets is refused" moimctl list set $L "topics=[세미나]"
t_is "$(moimctl list show $L --json | jq -r .topics)" "세미나 구인 질문 공지" \
	"the topics are kept"
listd_start || bail_out "moim-listd did not start"

# post FROM SUBJECT [HEADER-LINE] - a post to the list; prints its
# Message-ID
post()
{
	local f=$E2E_DIR/msg/post-$RANDOM.eml mid
	mail_text "$1" "$LA" "$2" "본문: $2" >"$f"
	[ -n "${3:-}" ] && sed -i "1a $3" "$f"
	mid=$(grep -m1 '^Message-ID:' "$f" | sed 's/^[^:]*: *//')
	send_mail "$1" "$LA" "$f" >/dev/null && echo "$mid"
}

# has SUBJECT-REGEX ADDR - how many copies of ADDR match (one python
# for the whole Maildir: polls stay cheap)
has()
{
	local d
	d=$(maildir_dir "$2")
	[ -d "$d" ] || { echo 0; return; }
	python3 - "$d" "$1" <<'PY'
import sys, os, re, email, email.policy
n = 0
for sub in ('new', 'cur'):
    p = os.path.join(sys.argv[1], sub)
    for f in os.listdir(p) if os.path.isdir(p) else []:
        with open(os.path.join(p, f), 'rb') as fh:
            m = email.message_from_binary_file(fh, policy=email.policy.default)
        if re.search(sys.argv[2], str(m.get('Subject', ''))):
            n += 1
print(n)
PY
}

# 1. mina mutes 구인 by mail, confirming as for digest and nomail
send_mail_text mina@example.net "$REQ" "끄기 구인" ""
t_ok "mina is asked to confirm" maildir_wait mina@example.net 1 30
t_like "$(header_of "$(maildir_last mina@example.net)" Subject)" "끄기 구인" \
	"the request names the command"
t_is "$(e2e_sql 'SELECT count(*) FROM member_topics')" 0 \
	"nothing changes before she confirms"
t_ok "mina confirms by replying" reply_confirm mina@example.net
t_ok "her confirmation is answered" maildir_wait mina@example.net 2 30
t_like "$(body_of "$(maildir_last mina@example.net)")" "muted" "the answer says muted"

# 2. fred follows 세미나 (English command, a tag as people type it)
send_mail_text fred@example.com "$REQ" "hello" "follow #세미나"
t_ok "fred is asked to confirm" maildir_wait fred@example.com 1 30
t_ok "fred confirms" reply_confirm fred@example.com
t_ok "fred's confirmation is answered" maildir_wait fred@example.com 2 30

# 3. "topics" (주제) and an unknown topic
send_mail_text mina@example.net "$REQ" "주제" ""
t_ok "mina gets the topics" maildir_wait mina@example.net 3 30
b=$(body_of "$(maildir_last mina@example.net)")
t_like "$b" "주제: 세미나 구인 질문 공지" "the topics mail lists the topics"
t_like "$b" "끈 주제: 구인" "and her muted topic"
send_mail_text bob@example.com "$REQ" "mute 잡담" ""
t_ok "bob gets an answer" maildir_wait bob@example.com 1 30
t_like "$(body_of "$(maildir_last bob@example.com)")" "the topics: 세미나 구인 질문 공지" \
	"an unknown topic is answered with the list's topics"
t_not "no confirmation for an unknown topic" grep -qi '^Reply-To:.*-confirm+' \
	"$(maildir_last bob@example.com)"

# 4. a [구인] post with a forged X-Moim-Topic (counts are polled, not
#    subjects: a Maildir is read through python only once a copy is in)
nb=$(maildir_count bob@example.com)
post alice@example.net "[구인] GPU 서버 관리자 구합니다" "X-Moim-Topic: forged" >/dev/null
t_ok "bob gets the 구인 post" maildir_wait bob@example.com $((nb + 1)) 30
f=$(maildir_last bob@example.com)
t_like "$(header_of "$f" Subject)" "GPU 서버" "it is the 구인 post"
t_is "$(header_of "$f" X-Moim-Topic)" "구인" "the copy carries X-Moim-Topic"
t_is "$(header_of "$f" Keywords)" "구인" "and Keywords"
t_is "$(grep -ci '^X-Moim-Topic:' "$f")" 1 "the forged X-Moim-Topic is gone"

# 5. a #세미나 post, and a reply without a tag in its thread
nf=$(maildir_count fred@example.com)
mid=$(post alice@example.net "12월 논문 읽기 #세미나")
t_ok "fred gets the 세미나 post" maildir_wait fred@example.com $((nf + 1)) 30
t_like "$(header_of "$(maildir_last fred@example.com)" Subject)" "논문 읽기" \
	"it is the 세미나 post"
mail_text bob@example.com "$LA" "Re: [AI 스터디] 12월 논문 읽기" "저도 갑니다" |
	sed "1a In-Reply-To: $mid" >"$E2E_DIR/msg/reply.eml"
send_mail bob@example.com "$LA" "$E2E_DIR/msg/reply.eml"
t_ok "fred gets the reply without a tag" maildir_wait fred@example.com $((nf + 2)) 30
f=$(maildir_last fred@example.com)
t_like "$(header_of "$f" Subject)" "Re: .*논문 읽기" "it is the reply"
t_is "$(header_of "$f" X-Moim-Topic)" "세미나" "the reply has its thread's topic"

# 6. a post without a topic reaches all but the follower
nb=$(maildir_count bob@example.com)
post alice@example.net "오늘 모임 장소" >/dev/null
t_ok "bob gets the post without a topic" maildir_wait bob@example.com $((nb + 1)) 30
t_is "$(header_of "$(maildir_last bob@example.com)" X-Moim-Topic)" "" \
	"a post without a topic has no X-Moim-Topic"
moim_settle 30
t_is "$(has "GPU 서버" alice@example.net)" 1 "the author gets her 구인 post"
t_is "$(has "GPU 서버" mina@example.net)" 0 "mina, who muted 구인, did not get it"
t_is "$(has "논문 읽기|모임 장소" mina@example.net)" 3 "mina gets the rest"
t_is "$(has "GPU 서버|모임 장소" fred@example.com)" 0 \
	"fred, who follows 세미나, gets neither 구인 nor a post without a topic"

# 7. the archive by topic
t_like "$(moimctl archive threads $L --topic 세미나)" "논문 읽기" "moimctl lists the 세미나 thread"
t_is "$(moimctl archive threads $L --topic 세미나 --json | jq '.[0].count')" 2 \
	"with the reply in it"
t_is "$(moimctl archive threads $L --topic 구인 --json | jq length)" 1 "one 구인 thread"
t_not "an unknown topic is an error" moimctl archive threads $L --topic 잡담
# and moim-web's list page, filtered by ?topic=
moimctl list set $L archive=public >/dev/null
web_start || bail_out "moim-web did not start"
t_is "$(web_get "$LA/?topic=%EC%84%B8%EB%AF%B8%EB%82%98")" 200 "the list page by topic"
t_ok "it shows the 세미나 thread" grep -q "논문 읽기" "$WEB_BODY"
t_not "and not the 구인 one" grep -q "GPU 서버" "$WEB_BODY"
t_ok "it links the topics" grep -q '?topic=%EA%B5%AC%EC%9D%B8' "$WEB_BODY"

# 8. topic_required holds a post without a known topic
t_ok "list set topic_required=yes" moimctl list set $L topic_required=yes
n=$(maildir_count alice@example.net)
post alice@example.net "[잡담] 태그 없는 글" >/dev/null
t_ok "alice is told it is held" maildir_wait alice@example.net $((n + 1)) 30
t_like "$(body_of "$(maildir_last alice@example.net)")" "\\[세미나\\] \\[구인\\] \\[질문\\] \\[공지\\]" \
	"the notice names the topics"
t_is "$(moimctl mod ls $L --json | jq length)" 1 "the post is held"
nb=$(maildir_count bob@example.com)
post alice@example.net "[질문] 태그 있는 글" >/dev/null
t_ok "a tagged post still goes" maildir_wait bob@example.com $((nb + 1)) 30
moim_settle 30
t_is "$(has "태그 (없|있)는 글" bob@example.com)" 1 "the held post is not distributed"

# 9. the digest groups its posts by topic, in the list's order of topics
moimctl list set $L digest_time="$(TZ=Asia/Seoul date -d '+3 sec' +%H:%M:%S)"
t_ok "dana gets the digest" maildir_wait dana@example.net 1 30
toc=$(body_of "$(maildir_last dana@example.net)" | grep -E '^\[|^ *[0-9]+\. ')
t_is "$(echo "$toc" | tr '\n' '|')" \
	"[세미나]|  1. 12월 논문 읽기 #세미나 (alice@example.net)|  2. Re: [AI 스터디] 12월 논문 읽기 (bob@example.com)|[구인]|  3. [구인] GPU 서버 관리자 구합니다 (alice@example.net)|[질문]|  4. [질문] 태그 있는 글 (alice@example.net)|[기타]|  5. 오늘 모임 장소 (alice@example.net)|" \
	"the table of contents is grouped by topic"

# 10. the owner removes 세미나 (fred's only follow) and 구인 (mina's mute):
#     fred gets every post again, and "topics" shows both choices as gone
t_ok "list set topics without 세미나 and 구인" \
	moimctl list set $L "topics=질문 공지" topic_required=no
nf=$(maildir_count fred@example.com)
post alice@example.net "다음 주 일정 [공지]" >/dev/null
post alice@example.net "자리 배치 안내" >/dev/null
t_ok "fred gets both posts now" maildir_wait fred@example.com $((nf + 2)) 30
t_is "$(has "다음 주 일정|자리 배치" fred@example.com)" 2 \
	"a [공지] post and one without a topic reach fred, whose follow is gone"
send_mail_text fred@example.com "$REQ" "topics" ""
t_ok "fred gets the topics" maildir_wait fred@example.com $((nf + 3)) 30
b=$(body_of "$(maildir_last fred@example.com)")
t_like "$b" "주제: 질문 공지" "the topics mail lists the topics now"
t_like "$b" "받기로 한 주제: 세미나 \\(없어진 주제라 적용되지 않음\\)" \
	"and his follow of 세미나 as no longer applied"
nm=$(maildir_count mina@example.net)
send_mail_text mina@example.net "$REQ" "주제" ""
t_ok "mina gets the topics" maildir_wait mina@example.net $((nm + 1)) 30
t_like "$(body_of "$(maildir_last mina@example.net)")" \
	"끈 주제: 구인 \\(없어진 주제라 적용되지 않음\\)" \
	"her mute of 구인 is shown as no longer applied"
t_done
