#!/bin/bash
# web_archive_test.sh - the archive on the web (issue 14 "Archive")
# through the real Postfix, moim-listd and moim-web: a post and its reply
# sent by mail appear on the list page and together on the thread page
# (quote folded, names without addresses); Korean and English searches
# from the page find them; the month page lists the thread (a bad month
# or page is refused); raw is the message as received, sent as an
# attachment; t.mbox.gz gunzips to the thread as mbox; new.atom is XML;
# a members-only archive refuses a stranger (403) and a hidden one is
# not there (404). Then a hostile archive (the shared corpus's MIME
# messages, hostile.py's, and messages with script, javascript: links
# and HTML tricks in subjects, names, bodies and attachment names) is
# imported and every page of it is fetched: none holds anything that
# runs, every answer carries the Content-Security-Policy.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init web_archive
e2e_require web/moim-web
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
LA=ai@$D
CORPUS=${MOIM_CORPUS:-$top_srcdir/../shared/corpus}
[ -d "$CORPUS/mime" ] || CORPUS=/work/shared/corpus
WEBCHECK=$top_srcdir/tests/e2e/webcheck.py

moimctl list create "$LA" --name "AI 프렌즈" --owner owner@example.net \
	>/dev/null || bail_out "list create"
moimctl list set ai archive=public "description=AI 공부 모임" \
	>/dev/null || bail_out "list set"
moimctl member add ai jh@example.net bob@example.com >/dev/null ||
	bail_out "member add"
moimctl list create "club@$D" --name Club >/dev/null || bail_out "club"
moimctl list create "secret@$D" --name Secret >/dev/null || bail_out "secret"
moimctl list set secret archive=hidden >/dev/null || bail_out "hidden"
moimctl list create "hostile@$D" --name '<script>alert(1)</script>' \
	>/dev/null || bail_out "hostile"
moimctl list set hostile archive=public "description=\"><img src=x onerror=alert(1)>" \
	>/dev/null || bail_out "hostile set"
listd_start || bail_out "moim-listd did not start"
web_start || bail_out "moim-web did not start"
BASE=http://127.0.0.1:$WEB_PORT

# get PATH - fetch PATH; status on stdout, body in $B, headers in $H
B=$E2E_DIR/body
H=$E2E_DIR/headers
get()
{
	curl -s -o "$B" -D "$H" -w '%{http_code}' "$BASE$1"
}

# header NAME - the value of header NAME of the last answer
header()
{
	grep -i "^$1:" "$H" | head -1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# enc TEXT - TEXT percent-encoded as one path segment or query value
enc()
{
	python3 -c 'import sys, urllib.parse
print(urllib.parse.quote(sys.argv[1], safe="@"))' "$1"
}

# archived N - true when the ai list's archive holds N messages
archived()
{
	[ "$(e2e_sql "SELECT count(*) FROM messages m JOIN
		lists l ON l.id = m.list_id WHERE l.local = 'ai'")" = "$1" ]
}

# --- 1. A post and its reply, by mail.
f=$E2E_DIR/msg/post.eml
mkdir -p "$E2E_DIR/msg"
cat >"$f" <<EOF
From: =?UTF-8?B?6rmA7KeA7ZiE?= <jh@example.net>
To: $LA
Subject: =?UTF-8?B?M+yblCDsoJXquLAg66qo7J6EIOyViOuCtA==?=
Message-ID: <post.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

다음 모임에서 데이터베이스 발표가 있습니다.
The seminar starts at seven. Write to jh@example.net for slides.
EOF
t_ok "jh posts to the list" send_mail jh@example.net "$LA" "$f"
t_ok "bob gets the post" maildir_wait bob@example.com 1 30
f=$E2E_DIR/msg/reply.eml
cat >"$f" <<EOF
From: Bob Kim <bob@example.com>
To: $LA
Subject: Re: =?UTF-8?B?M+yblCDsoJXquLAg66qo7J6EIOyViOuCtA==?=
Message-ID: <reply.2@example.com>
In-Reply-To: <post.1@example.net>
References: <post.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

I will come.

On Sun, 김지현 <jh@example.net> wrote:
> 다음 모임에서 데이터베이스 발표가 있습니다.
> The seminar starts at seven.
EOF
t_ok "bob replies" send_mail bob@example.com "$LA" "$f"
t_ok "both are archived" e2e_poll 30 archived 2

# --- 2. Pages of the public list.
t_is "$(get /)" 200 "/ answers"
t_like "$(<"$B")" "AI 프렌즈" "/ lists the public list"
t_like "$(<"$B")" "club@$D" "/ lists the members-only list"
t_not "/ does not list the hidden one" grep -q "secret@" "$B"

t_is "$(get "/$LA/")" 200 "the list page answers"
P=$(<"$B")
t_like "$P" "3월 정기 모임 안내" "the list page shows the thread"
t_like "$P" "김지현" "the list page names the author"
t_like "$P" "AI 공부 모임" "the list page shows the description"
t_like "$P" "action=\"[^\"]*/$LA/join\"" "the list page has the join form"
t_like "$P" '<svg class="strip"' "the list page draws the activity strip"
t_like "$P" "new.atom" "the list page links the feed"
t_not "the list page shows no member's address" \
	grep -Eq "jh@example|bob@example" "$B"
t_like "$(header Content-Security-Policy)" "default-src 'none'" \
	"the list page carries the CSP"
t_like "$(header Content-Type)" "text/html" "the list page is HTML"

t_is "$(get "/$LA/m/post.1@example.net/")" 200 "the thread page answers"
P=$(<"$B")
t_like "$P" "I will come" "the thread page holds the reply"
t_like "$P" "데이터베이스 발표" "the thread page holds the post"
t_like "$P" "<details class=\"quote\">" "the quote is folded"
t_like "$P" "Bob Kim" "the reply's author is named"
t_not "the thread page shows no address" grep -Eq "jh@example|bob@example" "$B"
t_is "$(grep -o '<article' "$B" | wc -l)" 2 "the thread page shows 2 messages"
t_is "$(get "/$LA/m/reply.2@example.com/")" 200 "the reply's page answers"
t_like "$(<"$B")" "데이터베이스 발표" "the reply's page shows its thread"
t_is "$(get "/$LA/m/nothing@example.com/")" 404 "an unknown message is 404"
t_is "$(get "/hostile@$D/m/post.1@example.net/")" 404 \
	"another list does not show the message"

# --- 3. Search from the page.
t_is "$(get "/$LA/search?q=$(enc 모임)")" 200 "Korean search answers"
t_like "$(<"$B")" "m/post.1@example.net/" "Korean search finds the post"
t_like "$(<"$B")" "<mark>모임</mark>" "the snippet marks the word"
t_is "$(get "/$LA/search?q=$(enc 발표)")" 200 "two-syllable search answers"
t_like "$(<"$B")" "m/post.1@example.net/" "a two-syllable word is found"
t_is "$(get "/$LA/search?q=seminar")" 200 "English search answers"
t_like "$(<"$B")" "m/reply.2@example.com/" "English search finds the reply"
t_is "$(get "/$LA/search?q=zyzzyva")" 200 "a search without hits answers"
t_not "a search without hits lists nothing" grep -q "m/post.1" "$B"
t_is "$(get "/$LA/search?q=x&page=0")" 400 "page 0 is refused"

# --- 4. The month page.
d=$(e2e_sql "SELECT date FROM messages
	WHERE message_id = 'post.1@example.net'")
M=$(TZ=Asia/Seoul date -d "@$d" +%Y-%m)
t_is "$(get "/$LA/$M/")" 200 "the month page answers"
t_like "$(<"$B")" "m/post.1@example.net/" "the month page lists the thread"
t_is "$(get "/$LA/$M/?page=2")" 404 "a page past the end is 404"
t_is "$(get "/$LA/2026-13/")" 404 "month 13 is 404"
t_is "$(get "/$LA/20x6-01/")" 404 "a malformed month is 404"

# --- 5. raw, t.mbox.gz, new.atom, style.css.
t_is "$(get "/$LA/m/post.1@example.net/raw")" 200 "raw answers"
t_like "$(header Content-Type)" "^text/plain" "raw is text/plain"
t_like "$(header Content-Disposition)" "^attachment" "raw is an attachment"
t_ok "raw holds the message as received" \
	grep -q "^Message-ID: <post.1@example.net>" "$B"
t_is "$(get "/$LA/m/reply.2@example.com/t.mbox.gz")" 200 "t.mbox.gz answers"
t_is "$(header Content-Type)" "application/gzip" "t.mbox.gz is gzip"
t_ok "t.mbox.gz gunzips" gzip -t "$B"
t_is "$(gzip -dc "$B" | grep -c '^From ')" 2 "the mbox holds the thread"
t_is "$(get "/$LA/new.atom")" 200 "new.atom answers"
if command -v xmllint >/dev/null; then
	t_ok "new.atom is XML" xmllint --noout "$B"
else
	t_ok "new.atom is XML" python3 -c \
		'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$B"
fi
t_is "$(grep -o '<entry>' "$B" | wc -l)" 1 "new.atom has the one thread"
t_not "new.atom shows no address" grep -Eq "jh@example|bob@example" "$B"
t_is "$(get /style.css)" 200 "style.css answers"
t_like "$(header Content-Type)" "^text/css" "style.css is CSS"
t_like "$(header Cache-Control)" "max-age=86400" "style.css may be cached"

# --- 6. Who may read.
t_is "$(get "/club@$D/")" 403 "a members-only archive refuses a stranger"
t_is "$(get "/secret@$D/")" 404 "a hidden archive is not there"
t_is "$(get "/secret@$D/search?q=x")" 404 "nor its search"

# --- 7. An upcoming event on the list page.
EVDAY=$(TZ=Asia/Seoul date -d '+60 days' +%F)
post_as_owner_text owner@example.net "$LA" "AI 세미나 안내" "행사: AI 세미나
일시: $(date -d "$EVDAY" +'%Y년 %-m월 %-d일') 오후 7시~9시
장소: 서울 강남

오세요." || bail_out "event announcement"
t_ok "the event is stored" e2e_poll 30 \
	'[ -n "$(moimctl event ls ai | cut -f1)" ]'
EV=$(moimctl event ls ai | cut -f1)
t_is "$(get "/$LA/")" 200 "the list page answers with an event"
t_like "$(<"$B")" "href=\"[^\"]*/$LA/e/$EV/\">AI 세미나</a>" \
	"the list page links the upcoming event"
t_like "$(<"$B")" "$EVDAY 19:00" "in its time zone"

# --- 8. A hostile archive.
HD=$E2E_DIR/hostile
HG=$E2E_DIR/hostile-gen
mkdir -p "$HD" "$HG"
python3 "$top_srcdir/tests/e2e/hostile.py" gen "$HG" >/dev/null ||
	bail_out "hostile.py gen"
# The corpus's messages (one process: forks are slow on a busy machine)
# and messages with tricks in every field the pages show.
python3 - "$HD" "$CORPUS/mime" <<'PY' || bail_out "hostile messages"
import os, shutil, sys
from email.message import EmailMessage
from email.headerregistry import Address
d = sys.argv[1]
n = 0
for root, dirs, files in sorted(os.walk(sys.argv[2])):
    for f in sorted(files):
        if f.endswith((".eml", ".msg")):
            n += 1
            shutil.copyfile(os.path.join(root, f), "%s/corpus-%d.eml" % (d, n))
tricks = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "' onmouseover='alert(1)",
    "</pre><script>alert(1)</script><pre>",
    "${body:html}<style>body{display:none}</style>",
]
for i, t in enumerate(tricks):
    m = EmailMessage()
    m["From"] = Address(t, "evil%d" % i, "example.org")
    m["Subject"] = t + " 모임"
    m["Message-ID"] = "<trick%d.%s@evil.example>" % (i, "x\"><b" if i == 1 else "y")
    if i > 0:
        m["In-Reply-To"] = "<trick0.y@evil.example>"
    m.set_content("%s\n> %s\nvisit %s\n" % (t, t, t))
    if i % 2 == 0:
        m.add_alternative("<html><body>%s<script>alert(2)</script></body></html>" % t,
                          subtype="html")
    if i % 3 == 0:
        m.add_attachment(b"<script>alert(3)</script>", maintype="text",
                         subtype="html", filename=t + ".html")
    with open("%s/trick-%d.eml" % (d, i), "wb") as f:
        f.write(bytes(m))
# 55 threads in May 2020: two month pages.
for i in range(55):
    with open("%s/page-%d.eml" % (d, i), "w") as f:
        f.write("From: p@example.org\nSubject: paging %d\n"
                "Message-ID: <page%d@example.org>\n"
                "Date: Fri, 15 May 2020 %02d:%02d:00 +0900\n\nx\n"
                % (i, i, 10 + i // 60, i % 60))
PY
moimctl archive import hostile "$HD" >/dev/null 2>&1
moimctl archive import hostile "$HG" >/dev/null 2>&1
NH=$(e2e_sql "SELECT count(*) FROM messages m JOIN lists l
	ON l.id = m.list_id WHERE l.local = 'hostile'")
if [ -d "$CORPUS/mime" ]; then
	t_ok "the hostile archive holds over 200 messages ($NH)" \
		test "$NH" -gt 200
else
	skip "no shared corpus (set MOIM_CORPUS): $NH hostile messages"
fi
# Every page of the hostile list: list, months, threads, raw, search.
PATHS=$E2E_DIR/paths
{
	echo "/"
	echo "/hostile@$D/"
	echo "/hostile@$D/new.atom"
	for q in script alert onerror javascript 모임 '"><b' '<script>'; do
		echo "/hostile@$D/search?q=$(enc "$q")"
	done
	e2e_sql "SELECT m.message_id FROM messages m JOIN
		lists l ON l.id = m.list_id WHERE l.local = 'hostile'" |
		python3 -c 'import sys, urllib.parse
for l in sys.stdin:
    s = urllib.parse.quote(l.rstrip("\n"), safe="@")
    print("/hostile@'"$D"'/m/%s/" % s)
    print("/hostile@'"$D"'/m/%s/raw" % s)'
} >"$PATHS"
get "/hostile@$D/" >/dev/null
grep -o "href=\"[^\"]*/hostile@$D/[0-9-]*/\"" "$B" |
	sed "s|.*/hostile@|/hostile@|; s|\"$||" >>"$PATHS"
out=$(python3 "$WEBCHECK" "$BASE" "@$PATHS")
diag "$(tail -5 <<<"$out")"
t_like "$(tail -1 <<<"$out")" "checked [0-9]+ pages, 0 problems" \
	"no hostile page holds anything that runs"
t_ok "every hostile message's pages were checked" \
	test "$(wc -l <"$PATHS")" -gt $((2 * NH))
t_is "$(get "/hostile@$D/2020-05/")" 200 "a month of 55 threads answers"
t_is "$(grep -o 'm/page[0-9]*@' "$B" | wc -l)" 50 "its first page shows 50"
t_like "$(<"$B")" 'rel="next" href="[^"]*2020-05/\?page=2"' \
	"the first page links the next"
t_is "$(get "/hostile@$D/2020-05/?page=2")" 200 "the second page answers"
t_is "$(grep -o 'm/page[0-9]*@' "$B" | wc -l)" 5 "the second page shows 5"
t_like "$(<"$B")" 'rel="prev"' "the second page links the first"
t_not "the second page links no third" grep -q 'rel="next"' "$B"
T1=$(e2e_sql "SELECT message_id FROM messages
	WHERE subject LIKE '\"><img%' LIMIT 1")
t_is "$(get "/hostile@$D/m/$(enc "$T1")/")" 200 \
	"the page of a message with HTML in its subject answers"
t_like "$(<"$B")" "&quot;&gt;&lt;img src=x onerror=alert\\(1\\)&gt;" \
	"its subject and sender are shown escaped"

t_done
