#!/bin/bash
# web_browser_test.sh - moim-web's pages in a real browser (issue 14
# "Tests, in a real browser"): headless Chromium loads the list page, a
# Korean thread and an event page, served through a real Postfix,
# moim-listd and moim-web, at 390 px (a phone) and 1280 px wide. The DOM
# it dumps must hold the Korean texts, no <script> and no inline style;
# the pages must load under their Content-Security-Policy without a
# violation (Chromium logs each one to stderr); and each screenshot must
# be a PNG of the width asked for and not trivially small. The
# screenshots land in $top_builddir/screenshots/ (tools/screenshots.sh
# copies them into doc/screenshots/ for the README).
#
# Chromium never leaves loopback: no proxy, every host name but
# 127.0.0.1 resolves to nothing, and the background services (updates,
# sync, safe browsing, metrics) are off.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
	skip_all "chromium is not installed (tools/deps.sh)"
fc-list :lang=ko 2>/dev/null | grep -q . ||
	skip_all "no Korean font (fonts-noto-cjk, tools/deps.sh)"

e2e_init web_browser
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
L=ai-friends
LA=$L@$D
ORG=jihyun@example.net
moimctl list create "$LA" --name "AI 프렌즈" --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl list set $L archive=public \
	"description=대덕 연구단지 AI 공부 모임입니다." >/dev/null ||
	bail_out "list set"
moimctl member add $L minsu@example.com seoyeon@example.net \
	alex@example.com >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"
web_start || bail_out "moim-web did not start"
BASE=http://127.0.0.1:$WEB_PORT
SHOTS=${top_builddir:-.}/screenshots
mkdir -p "$SHOTS" || bail_out "mkdir $SHOTS"

# --- the content: a Korean thread and an event with answers
{
	printf 'From: =?UTF-8?B?%s?= <minsu@example.com>\n' "$(printf '박민수' | base64)"
	printf 'To: %s\nSubject: =?UTF-8?B?%s?=\n' "$LA" \
		"$(printf '트랜스포머 논문 질문' | base64 -w0)"
	printf 'Message-ID: <question.%s@example.com>\nMIME-Version: 1.0\n' "$RANDOM"
	printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
	printf '안녕하세요, 박민수입니다.\n'
	printf '어텐션 가중치를 시각화하는 좋은 방법이 있을까요?\n'
	printf '다음 모임에서 같이 이야기해 보면 좋겠습니다.\n'
} >"$E2E_DIR/question.eml"
send_mail minsu@example.com "$LA" "$E2E_DIR/question.eml" || bail_out "send"
t_ok "the question reaches the list" e2e_poll 30 \
	"[ \"\$(maildir_grep alex@example.com Subject '트랜스포머 논문 질문')\" -ge 1 ]"
q=$(newest_with alex@example.com '트랜스포머 논문 질문')
mid=$(header_of "$q" Message-ID)
{
	printf 'From: =?UTF-8?B?%s?= <seoyeon@example.net>\n' "$(printf '이서연' | base64)"
	printf 'To: %s\nSubject: =?UTF-8?B?%s?=\n' "$LA" \
		"$(printf 'Re: [AI 프렌즈] 트랜스포머 논문 질문' | base64 -w0)"
	printf 'In-Reply-To: %s\nReferences: %s\n' "$mid" "$mid"
	printf 'Message-ID: <reply.%s@example.net>\nMIME-Version: 1.0\n' "$RANDOM"
	printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
	printf 'BertViz를 써 보세요. 레이어별로 볼 수 있어요.\n\n'
	printf '> 어텐션 가중치를 시각화하는 좋은 방법이 있을까요?\n'
} >"$E2E_DIR/reply.eml"
send_mail seoyeon@example.net "$LA" "$E2E_DIR/reply.eml" || bail_out "send"
t_ok "the reply reaches the list" e2e_poll 30 \
	"[ \"\$(maildir_grep alex@example.com Subject 'Re: .*트랜스포머')\" -ge 1 ]"
post_as_owner_text $ORG "$LA" "12월 트랜스포머 스터디 안내" "행사: 트랜스포머 논문 읽기 모임
일시: 2026년 12월 16일 (수) 오후 2시~5시
장소: 대덕 연구단지 4층 세미나실
정원: 6명

노트북을 가져오세요." || bail_out "send"
t_ok "the event is announced" e2e_poll 30 \
	"[ \"\$(moimctl event ls $L | wc -l)\" -ge 1 ]"
EV=$(moimctl event ls $L | cut -f1)
for m in minsu@example.com seoyeon@example.net; do
	send_mail_text $m "$L-rsvp+$EV@$D" "Re: 스터디" "참석합니다" ||
		bail_out "send"
done
t_ok "two answers are counted" e2e_poll 30 \
	"[ \"\$(moimctl event rsvps $EV | grep -c attending)\" -ge 2 ]"
seg=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1].strip("<>"), safe="@-._~"))' "$mid")

# browse PROFILE ARGS... - run headless Chromium on loopback only, with
#	its own profile directory (runs may overlap)
browse()
{
	local profile=$E2E_DIR/chromium-$1
	shift
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-proxy-server --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --disable-extensions \
		--no-first-run --no-default-browser-check --disable-breakpad \
		--metrics-recording-only --safebrowsing-disable-auto-update \
		--hide-scrollbars --user-data-dir="$profile" \
		--enable-logging=stderr --v=0 "$@"
}

# png_width FILE - the width in an PNG's IHDR, or nothing if not a PNG
png_width()
{
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
if d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR':
    w, h = struct.unpack('>II', d[16:24])
    print(w)
PY
}

# check_page NAME PATH TEXT - the page in both widths: DOM, CSP, PNGs;
#	the runs overlap, as each takes seconds to start; the phone-sized
#	one also dumps the DOM (the same document at any width)
check_page()
{
	local name=$1 url=$BASE$2 text=$3 w dom png pids=()
	dom=$E2E_DIR/$name.dom
	for w in 390 1280; do
		rm -f "$SHOTS/$name-$w.png"
		browse $w --screenshot="$SHOTS/$name-$w.png" \
			--window-size=$w,$((w == 390 ? 844 : 900)) \
			$([ $w = 390 ] && echo --dump-dom) "$url" \
			>"$E2E_DIR/$name-$w.out" 2>"$E2E_DIR/$name-$w.err" &
		pids+=($!)
	done
	# Only these: the daemons of the harness are children too.
	wait "${pids[@]}"
	cp "$E2E_DIR/$name-390.out" "$dom"
	t_like "$(cat "$dom")" "$text" "$name: the DOM holds \"$text\""
	t_like "$(cat "$dom")" '<html lang="(ko|en)"' "$name: <html lang>"
	t_not "$name: no <script> in the DOM" grep -qi '<script' "$dom"
	t_not "$name: no inline style in the DOM" grep -qiE ' style=' "$dom"
	for w in 390 1280; do
		png=$SHOTS/$name-$w.png
		t_is "$(png_width "$png")" "$w" "$name at $w px: a PNG $w px wide"
		# A blank or near-empty page compresses to a few KB (an
		# error page of two lines to about 14 KB at 1280 px).
		t_ok "$name at $w px: the screenshot is not trivial" \
			test "$(stat -c %s "$png" 2>/dev/null || echo 0)" -ge 20000
		t_not "$name at $w px: no Content-Security-Policy violation" \
			grep -q "Content Security Policy" "$E2E_DIR/$name-$w.err"
		t_not "$name at $w px: no failed load" \
			grep -qE "net::ERR_|Failed to load resource" "$E2E_DIR/$name-$w.err"
	done
}

check_page list "/$LA/" "AI 프렌즈"
check_page thread "/$LA/m/$seg/" "트랜스포머 논문 질문"
check_page event "/$LA/e/$EV/" "트랜스포머 논문 읽기 모임"
t_like "$(cat "$E2E_DIR/thread.dom")" "BertViz를 써 보세요" \
	"thread: the reply is on the thread page"
t_like "$(cat "$E2E_DIR/event.dom")" "참석 2명, 빈자리 4석, 대기 0명" \
	"event: the seats bar's title"
t_like "$(cat "$E2E_DIR/event.dom")" '<svg class="seats"' "event: the seats bar"

web_stop
t_done
