#!/bin/sh
# run.sh - build every libFuzzer target with clang and run each for a
# bounded time on a seed corpus; TAP, one test per target.
#
# Each tests/fuzz/fuzz_X.c is linked against the library sources built
# with -fsanitize=fuzzer-no-link,address,undefined, seeded from the
# shared corpus (../shared/corpus next to the source tree, or
# MOIM_CORPUS), and run for FUZZ_SECONDS (default 15) seconds. A crash,
# a leak, a timeout or any sanitizer report fails that target; the input
# that caused it is kept in the work directory and named in the output.
# "make fuzz" runs the same with FUZZ_SECONDS=60; FUZZ_TARGETS limits a
# run to the targets it names. The seed is fixed
# (FUZZ_SEED, default 1) so that a run explores the same inputs each time.
# An input that once failed a target is kept in tests/fuzz/regress/TARGET
# and run first, every time.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}/tests/fuzz/build
secs=${FUZZ_SECONDS:-15}
corpus=${MOIM_CORPUS:-$top/../shared/corpus}
[ -d "$corpus" ] || corpus=/work/shared/corpus

# FUZZ_TARGETS="fuzz_a fuzz_b" runs only those.
targets=${FUZZ_TARGETS:-$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}
if [ "$secs" = 0 ]; then
	echo "1..0 # SKIP FUZZ_SECONDS=0"
	exit 0
fi
if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang not installed"
	exit 0
fi
echo "1..$(echo "$targets" | wc -w)"

pkgs="glib-2.0 gmime-3.0 libical sqlite3 libpsl libcrypto"
cflags="-g -O1 -std=gnu11 -D_GNU_SOURCE -DMOIM_SYSCONFDIR=\"/etc\" -DMOIM_LOCALSTATEDIR=\"/var\" -DMOIM_DATADIR=\"/usr/share/moim\" -iquote $top/lib -iquote $top/ical $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lresolv -lm"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$build/obj" || exit 1

# The library once, instrumented for coverage but without libFuzzer's main.
objs=""
for src in "$top"/lib/*.c "$top"/ical/*.c; do
	# No target needs the PostgreSQL driver (nor libpq): its stand-in.
	case $src in *_test.c | */db_pg.c) continue ;; esac
	o=$build/obj/$(echo "$src" | sed "s|$top/||; s|/|_|g; s|\.c$|.o|")
	objs="$objs $o"
	[ "$o" -nt "$src" ] && continue
	# shellcheck disable=SC2086
	clang $cflags $san -fsanitize=fuzzer-no-link -c "$src" -o "$o" \
		2>"$build/build.log" || { cat "$build/build.log"; exit 1; }
done

seeds_for()
{
	case $1 in
	fuzz_mime | fuzz_rawhdr) echo "$corpus/mime $corpus/i18n" ;;
	fuzz_text) echo "$build/seed-fuzz_text $corpus/mime $corpus/i18n" ;;
	fuzz_hdrtext) echo "$build/seed-fuzz_hdrtext $corpus/mime $corpus/i18n" ;;
	fuzz_dsn) echo "$corpus/bounces $top/tests/data/bounces" ;;
	fuzz_imip) echo "$corpus/imip $top/tests/fuzz/seed/imip" ;;
	fuzz_rsvptext) echo "$corpus/replies $top/tests/fuzz/seed/rsvptext" ;;
	*) echo "$build/seed-$1" ;;
	esac
	# inputs that once made this target fail (tests/fuzz/regress/TARGET)
	[ -d "$top/tests/fuzz/regress/$1" ] && echo "$top/tests/fuzz/regress/$1"
}

# Targets without a corpus of their own start from a few written inputs.
mkdir -p "$build/seed-fuzz_lmtp" "$build/seed-fuzz_evblock" \
	"$build/seed-fuzz_commands" "$build/seed-fuzz_config" \
	"$build/seed-fuzz_dmarc" "$build/seed-fuzz_hdrtext" \
	"$build/seed-fuzz_authres" "$build/seed-fuzz_webreq" \
	"$build/seed-fuzz_topic" "$build/seed-fuzz_dkim" \
	"$build/seed-fuzz_imipcopy"
# fuzz_imipcopy: a shared part's length (2 bytes), it, a member's part.
printf '\053\000imipcopy1\n2:H\n2:M\n2:N\n2:T\n3:ref4:AA\r\n4:\r\nZZ34:ATTENDEE;CN=x:mailto:a@b.example\r\n1:11:14:mid\n' \
	>"$build/seed-fuzz_imipcopy/one"
# Issue 12's words: a padded B word before another, a name in three
# words, CP949 and ISO-2022-KR, Q, a language, a word split in a character.
printf ' =?utf-8?b?7KCcMe2ajCDqs7XqsJzquLDsiKDtj6zrn7wg67Cc7ZGc7J6Q66OMIA==?=\n =?utf-8?b?6rO17Jyg?=\n' \
	>"$build/seed-fuzz_hdrtext/padded"
printf '=?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?IOyxheyehA==?=\t=?utf-8?b?IOyXsOq1rOybkA==?= <k@b.kr>' \
	>"$build/seed-fuzz_hdrtext/name3"
printf 'Re: [AI =?euc-kr?b?x9GxuQ==?= =?ISO-2022-KR?B?GyQpQw5HUTkhDw==?= =?utf-8*ko?q?=ED=95?= =?utf-8?q?=9C_x?=' \
	>"$build/seed-fuzz_hdrtext/mixed"
printf 'mx.example.org 1; spf=pass smtp.mailfrom=a.example;\r\n\tdkim=pass header.d=example.net (ok; x); dmarc=pass header.from=example.net reason="a;b"' \
	>"$build/seed-fuzz_authres/pass"
printf 'v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; rua=mailto:d@example.com' \
	>"$build/seed-fuzz_dmarc/record"
printf 'Mail.Example.CO.KR.' >"$build/seed-fuzz_dmarc/domain"
printf 'Re: subscribe\0help\ndigest on\nrsvp 3 yes +2\n참석 4\nmute #구인\n받기 [세미나]\n전체\n> quoted\n-- \nsig\n' \
	>"$build/seed-fuzz_commands/cmds"
cp "$top/doc/moim.conf.5" "$build/seed-fuzz_config/man" 2>/dev/null
printf '[moim]\ndatabase = /var/lib/moim/moim.db\ndomains = lists.example.org\n[listd]\nlmtp = 127.0.0.1:24\nconnections = 4\n' \
	>"$build/seed-fuzz_config/conf"
printf 'LHLO x\r\nMAIL FROM:<a@b> SIZE=10\r\nRCPT TO:<l@d>\r\nDATA\r\nSubject: x\r\n\r\n..body\r\n.\r\nQUIT\r\n' \
	>"$build/seed-fuzz_lmtp/session"
printf '행사: 제1회 공개기술포럼\n일시: 2026년 12월 16일 (수) 오후 2시~5시\n장소: 4층\n정원: 80명\n\n본문\n' \
	>"$build/seed-fuzz_evblock/ko"
printf 'Event: Forum\nWhen: 2026-12-16 14:00-17:00\nWhere: KARI\nCapacity: 80\nRSVP-By: 2026-12-14\n' \
	>"$build/seed-fuzz_evblock/en"
printf '행사: 가을 워크숍\n일시: 2027년 10월 9일(토)~11일(월) 하루 종일\n\n본문\n' \
	>"$build/seed-fuzz_evblock/allday"
printf 'Event: Camp\nWhen: Oct 9-11 (all-day)\n' >"$build/seed-fuzz_evblock/range"
# fuzz_text: searches as people type them (phrases, operators, FTS5's own).
mkdir -p "$build/seed-fuzz_text"
printf '"memory leak" -"leak fix" OR 모임* NOT "큰 모임' >"$build/seed-fuzz_text/query"
printf 'NEAR("a" "b", 2) subject:x {body_text}: l1 ^y a+b (c' \
	>"$build/seed-fuzz_text/fts5"
# fuzz_pgsearch: the same searches, and MATCH strings as the store writes.
mkdir -p "$build/seed-fuzz_pgsearch"
cp "$build/seed-fuzz_text/query" "$build/seed-fuzz_text/fts5" \
	"$build/seed-fuzz_pgsearch/"
printf '("모임" OR {subject from_name} : "lib"*) AND "a b" NOT (x OR "대전")' \
	>"$build/seed-fuzz_pgsearch/match"
# fuzz_dkim: the first byte picks tags (0), verify (1), ARC (2) or a
# sign-and-seal round trip (3); RFC 8463's signed message and a post.
printf '0v=1; a=rsa-sha256; b=ab\r\n cd; h=From : To;' \
	>"$build/seed-fuzz_dkim/tags"
rfc8463='DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n d=football.example.com; i=@football.example.com;\r\n q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n subject : date : message-id : from : subject : date;\r\n bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\nFrom: Joe SixPack <joe@football.example.com>\r\nTo: Suzie Q <suzie@shopping.example.net>\r\nSubject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\nMessage-ID: <20030712040037.46341.5F8J@football.example.com>\r\n\r\nHi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n'
printf "1$rfc8463" >"$build/seed-fuzz_dkim/verify"
printf '2ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=rsa; b=AAAA\nARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=rsa; h=from; bh=AAAA; b=AAAA\nARC-Authentication-Results: i=1; mx; none\nFrom: a@b\n\nbody\n' \
	>"$build/seed-fuzz_dkim/arc"
printf '3From: Kim <kim@example.org>\nSubject: [study]  x\n\tfolded\n\nWednesday \t at 7.\n\n\n' \
	>"$build/seed-fuzz_dkim/post"

# Repeat rules (ical/repeat), on the When line and on their own lines.
printf '행사: 논문 읽기\n일시: 매주 수요일 19:30-21:00, 12월까지, 12/23 휴강\n' \
	>"$build/seed-fuzz_evblock/weekly"
printf '행사: 캐글\n일시: 2026-12-12 14:00\n반복: 격주 토요일, 총 8회\n휴강: 12/26, 1월 9일\n' \
	>"$build/seed-fuzz_evblock/biweekly"
printf 'Event: Forum\nWhen: first Friday of the month 7pm\nRepeats: monthly, until March 31\nSkip: Jan 1 and Feb 5\n' \
	>"$build/seed-fuzz_evblock/monthly"
printf 'Event: Run\nWhen: every other Saturday from Dec 12 8am (except Dec 26) for 8 weeks\n' \
	>"$build/seed-fuzz_evblock/every"
printf 'Event: X\nWhen: 월·수·금 주 2회 biweekly 매달 15일 마지막 주 금요일 3개월간\n' \
	>"$build/seed-fuzz_evblock/refused"
# fuzz_sighdr: a trusted Authentication-Results value, then a header.
mkdir -p "$build/seed-fuzz_sighdr"
printf 'mx.example.org 1;\r\n\tdkim=pass header.d=example.net; arc=none\nFrom: a@b\nList-Id: <l>\nFrom: c@d\n\nFrom: body\n' \
	>"$build/seed-fuzz_sighdr/ar"

# moim-web's link tokens: an answer token, an unsubscribe token, junk.
mkdir -p "$build/seed-fuzz_weblink"
printf '3-awmj7e6abwfdjtg45fj37plxue' >"$build/seed-fuzz_weblink/rsvp"
printf 'awmj7e6abvvphkjl2nsddbzkjm' >"$build/seed-fuzz_weblink/unsub"
printf '18446744073709551616-AWMJ7E6ABVVPHKJL2NSDDBZKJM%%2F' \
	>"$build/seed-fuzz_weblink/junk"

# fuzz_topic: a list's topics, then a Subject (encoded, or as typed).
printf '세미나 구인 질문 공지 C++\nRe: [AI =?utf-8?b?7ZSE66CM7KaIXQ==?= =?utf-8?b?W+yEuOuvuOuCmF0=?= x #구인!' \
	>"$build/seed-fuzz_topic/encoded"
printf '세미나,구인\n회신: 【세미나】 [구인 ［질문］ ＃공지 C#구인 #세미나실' \
	>"$build/seed-fuzz_topic/marks"

# fuzz_webreq: a Content-Type line, then a path, form or cookie.
printf 'multipart/form-data; boundary=XyZ\n--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nx\r\n--XyZ--\r\n' \
	>"$build/seed-fuzz_webreq/multipart"
printf 'application/x-www-form-urlencoded\nList-Unsubscribe=One-Click&q=%%EC%%84%%B8+x&a&a=2' \
	>"$build/seed-fuzz_webreq/urlencoded"
printf '\n/ai-friends@lists.example.org/m/CAF%%2Bx%%3D1@mail.gmail.com/raw' \
	>"$build/seed-fuzz_webreq/path"
printf '\n/a/%%2e%%2E/b%%00//c%%zz/' >"$build/seed-fuzz_webreq/badpath"
printf '\na=1; moim_session="v1.abc"; b=2' >"$build/seed-fuzz_webreq/cookie"

n=0
for t in $targets; do
	n=$((n + 1))
	bin=$build/$t
	extra=""
	[ "$t" = fuzz_commands ] && extra="$top/listd/commands.c -iquote $top/listd"
	[ "$t" = fuzz_authres ] && extra="$top/milter/policy.c -iquote $top/milter"
	[ "$t" = fuzz_webreq ] && extra="$top/web/req.c -iquote $top/web"
	[ "$t" = fuzz_sighdr ] && extra="$top/listd/sighdr.c -iquote $top/listd"
	# shellcheck disable=SC2086
	if ! clang $cflags $san -fsanitize=fuzzer "$top/tests/fuzz/$t.c" \
		$extra $objs $libs -o "$bin" 2>"$build/$t.build.log"; then
		echo "not ok $n - $t builds"
		sed 's/^/# /' "$build/$t.build.log" | head -20
		continue
	fi
	work=$build/$t.work
	rm -rf "$work" && mkdir -p "$work/new"
	# shellcheck disable=SC2046
	if (cd "$work" && "$bin" -max_total_time="$secs" -timeout=20 \
		-seed="${FUZZ_SEED:-1}" \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		new $(seeds_for "$t") >run.log 2>&1); then
		echo "ok $n - $t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/run.log" | grep -o '[0-9]*$') runs in $secs s"
	else
		echo "not ok $n - $t"
		grep -E 'ERROR|SUMMARY|Test unit written|crash-|leak-|timeout-' \
			"$work/run.log" | head -10 | sed 's/^/# /'
	fi
done
