#!/bin/bash
# archive_test.sh - moimctl archive verbs end to end on a temporary database.
#
# Imports a small mbox (mboxrd escapes, a Korean EUC-KR message, a broken
# message, a reply threaded by In-Reply-To and one by subject), searches
# it in Korean and English (text and --json; words and quoted phrases),
# prints a thread, and checks
# that export -> import -> export gives identical bytes; archive reindex
# re-derives a subject and name stored cut (as GMime 3.2.13 cut them
# before moim decoded RFC 2047 itself) from the raw message; moimctl
# serves a search itself (no GMime linked) and moimctl-full the rest.
# Prints TAP.
# Needs jq. The binary is $top_builddir/ctl/moimctl, or the first argument
# names the build directory.
set -u

builddir=${top_builddir:-${1:-.}}
M=$builddir/ctl/moimctl
T=$(mktemp -d /tmp/moimctl-archive.XXXXXX)
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	chown moim:moim "$T"
fi
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "1..0 # SKIP jq not installed (tools/deps.sh)"
	exit 0
fi
echo "1..24"

srcdir=${top_srcdir:-$(dirname "$0")/../..}
mkdir -p "$T/tpl"
cp -r "$srcdir/templates/ko" "$srcdir/templates/en" "$T/tpl/"
cat >"$T/t.conf" <<EOF
[moim]
database = $T/moim.db
domains = lists.example.org
secret_file = $T/secret
templates = $T/tpl
[listd]
lmtp = 127.0.0.1:10024
EOF
L=ai-friends@lists.example.org

# An mbox as Mailman writes it: mboxo escapes, pipermail-style From_.
{
	printf 'From alice at example.org  Mon Jan  6 10:00:00 2020\n'
	printf 'From: Alice <alice@example.org>\nSubject: [ai] 모임 안내\n'
	printf 'Message-ID: <a1@example.org>\nDate: Mon, 6 Jan 2020 10:00:00 +0000\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	printf '다음 모임을 알립니다.\n>From the archive\n\n'
	printf 'From bob@example.org Mon Jan  6 11:00:00 2020\n'
	printf 'From: Bob <bob@example.org>\nSubject: Re: [ai] 모임 안내\n'
	printf 'Message-ID: <b1@example.org>\nIn-Reply-To: <a1@example.org>\n'
	printf 'Date: Mon, 6 Jan 2020 11:00:00 +0000\n'
	printf 'Content-Type: text/plain; charset=euc-kr\n\n'
	printf '\xc2\xfc\xbc\xae\xc7\xd5\xb4\xcf\xb4\xd9 database\n\n'
	printf 'From mallory@example.org Mon Jan  6 11:30:00 2020\n'
	printf 'Subject: broken\nX-Big: %s\nMessage-ID: <x@example.org>\n\nx\n\n' \
		"$(head -c 70000 /dev/zero | tr '\0' x)"
	printf 'From carol@example.org Mon Jan  6 12:00:00 2020\n'
	printf 'From: Carol <carol@example.org>\nSubject: 답장: 모임 안내\n'
	printf 'Message-ID: <c1@example.org>\nReferences: <lost@example.org>\n'
	printf 'Date: Mon, 6 Jan 2020 12:00:00 +0000\n\nHello World\n'
} >"$T/in.mbox"
[ "$(id -u)" = 0 ] && chown moim:moim "$T/in.mbox"

ok "list create" run 0 list create $L
ok "import: 3 added, the broken one reported and skipped" \
	eval 'run 0 archive import ai-friends "$T/in.mbox" &&
	out_has "4 messages read, 3 added, 0 duplicates skipped, 1 broken" &&
	err_has "message 3 skipped"'
ok "import again: duplicates by Message-ID skipped" \
	eval 'run 0 archive import ai-friends "$T/in.mbox" &&
	out_has "0 added, 3 duplicates skipped"'
ok "search a two-syllable Korean word with a particle attached" \
	eval 'run 0 archive search ai-friends 모임 --json &&
	[ "$(jq .total "$T/out")" = 3 ]'
ok "search decoded EUC-KR text" \
	eval 'run 0 archive search ai-friends 참석 --json &&
	[ "$(jq -r ".hits[0].message_id" "$T/out")" = b1@example.org ]'
ok "search English, case-folded, with a snippet" \
	eval 'run 0 archive search ai-friends hello --json &&
	[ "$(jq -r ".hits[0].from" "$T/out")" = carol@example.org ] &&
	jq -r ".hits[0].snippet" "$T/out" | grep -q "\[Hello\]"'
ok "search text output" \
	eval 'run 0 archive search ai-friends DATABASE && out_has "<b1@example.org>" &&
	out_has "1 messages"'
ok "FTS5 syntax in a query is only text" \
	eval 'run 0 archive search ai-friends "NEAR(a OR" --json &&
	[ "$(jq .total "$T/out")" = 0 ]'
ok "a quoted phrase finds the words in that order only" \
	eval 'run 0 archive search ai-friends "\"hello world\"" --json &&
	[ "$(jq .total "$T/out")" = 1 ] &&
	run 0 archive search ai-friends "\"world hello\"" --json &&
	[ "$(jq .total "$T/out")" = 0 ]'
ok "a Korean phrase likewise" \
	eval 'run 0 archive search ai-friends "\"모임 안내\"" --json &&
	[ "$(jq .total "$T/out")" = 3 ] &&
	run 0 archive search ai-friends "\"안내 모임\"" --json &&
	[ "$(jq .total "$T/out")" = 0 ]'
ok "thread: reply by In-Reply-To and by subject in one tree" \
	eval 'run 0 archive thread "<a1@example.org>" &&
	[ "$(grep -c "@example.org>" "$T/out")" = 4 ] &&
	grep -q "^  .*<b1@example.org>" "$T/out" &&
	out_has "(missing) <lost@example.org>"'
ok "thread of an unknown message fails" \
	eval 'run 1 archive thread nope@x && err_has "no such message"'
ok "export to a file" \
	eval 'run 0 archive export ai-friends "$T/out1.mbox" &&
	grep -q "^>From the archive" "$T/out1.mbox" &&
	[ "$(grep -c "^From " "$T/out1.mbox")" = 3 ]'
ok "export -> import into a new list -> export: identical bytes" \
	eval 'run 0 list create copy@lists.example.org &&
	run 0 archive import copy "$T/out1.mbox" &&
	run 0 archive export copy "$T/out2.mbox" &&
	cmp "$T/out1.mbox" "$T/out2.mbox"'
ok "export to stdout equals the file" \
	eval 'run 0 archive export copy && cmp "$T/out" "$T/out2.mbox"'
ok "unknown list" eval 'run 1 archive search nolist x && err_has "no such list"'

# Issue 12: a subject and a name in B words, the first padded.
S="제1회 공개기술포럼 발표자료 공유"
{
	printf 'From jh@example.org Mon Jan  6 13:00:00 2020\n'
	printf 'From: =?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?IOyXsOq1rOybkA==?= <jh@example.org>\n'
	printf 'Subject: =?utf-8?b?7KCcMe2ajCDqs7XqsJzquLDsiKDtj6zrn7wg67Cc7ZGc7J6Q66OMIA==?=\n'
	printf ' =?utf-8?b?6rO17Jyg?=\nMessage-ID: <k1@example.org>\n'
	printf 'Date: Mon, 6 Jan 2020 13:00:00 +0000\n\n자료를 공유합니다.\n'
} >"$T/k.mbox"
[ "$(id -u)" = 0 ] && chown moim:moim "$T/k.mbox"
subject_of_k1()
{
	run 0 archive search k 자료를 --json &&
		jq -r '.hits[0].subject + "|" + .hits[0].from_name' "$T/out"
}
ok "import keeps the whole subject and name" \
	eval 'run 0 list create k@lists.example.org &&
	run 0 archive import k "$T/k.mbox" &&
	[ "$(subject_of_k1)" = "$S|김 지현 연구원" ]'
# What an archive written by GMime 3.2.13's decoder holds. The sqlite3
# shell lacks moim's FTS5 tokenizer: the index trigger is set aside for
# the change (the index keeps the whole words, which include the cut).
trig=$(sqlite3 "$T/moim.db" "SELECT sql FROM sqlite_master WHERE name = 'messages_fts_au'")
sqlite3 "$T/moim.db" "BEGIN; DROP TRIGGER messages_fts_au;
	UPDATE messages SET subject = '제1회 공개기술포럼 발표자료 ',
	from_name = '김 지현' WHERE message_id = 'k1@example.org';
	$trig; COMMIT;"
ok "an archive written before holds them cut" \
	eval '[ "$(subject_of_k1)" = "제1회 공개기술포럼 발표자료 |김 지현" ]'
ok "archive reindex k re-derives them" \
	eval 'run 0 archive reindex k &&
	out_has "k@lists.example.org: 1 messages, 1 changed, 0 unreadable" &&
	[ "$(subject_of_k1)" = "$S|김 지현 연구원" ]'
ok "the search index follows" \
	eval 'run 0 archive search k 공유 --json && [ "$(jq .total "$T/out")" = 1 ]'
ok "archive reindex of every list changes nothing more" \
	eval 'run 0 archive reindex && out_has "k@lists.example.org: 1 messages, 0 changed" &&
	out_has "ai-friends@lists.example.org: 3 messages, 0 changed"'

# moimctl serves a search itself and runs moimctl-full for the rest.
search_json()
{
	run 0 archive search "$1" 모임 --json && jq -c 'del(.took_ms)' "$T/out"
}
ok "search by L@D (moimctl-full's) finds what L finds (moimctl's own)" \
	eval '[ "$(search_json ai-friends@lists.example.org)" = \
		"$(search_json ai-friends)" ] &&
	[ "$(jq .total "$T/out")" = 3 ]'
# Its shared objects: none when configure made it a static PIE
# (FRONT_LDFLAGS); else libc, libm, and SQLite, GLib and PCRE2 unless
# configure linked them in (FRONT_LIBS); the sanitizers' own in a
# sanitizer build. Linked in, GMime's, libical's and OpenSSL's code
# would show as their symbols.
ok "moimctl links no GMime, libical or OpenSSL" \
	eval 'readelf -h "$M" >/dev/null &&
	! readelf -d "$M" | grep NEEDED |
		grep -vE "\[lib(c|m|sqlite3|glib-2\.0|pcre2-8|asan|ubsan)\.so" &&
	! nm "$M" | grep -qE " [TtU] (g_mime_|icalcomponent_|SSL_|EVP_)"'
ok "moimctl --help and other verbs are moimctl-full's" \
	eval 'run 0 --help && out_has "moimctl event move EVENT" &&
	run 0 archive thread a1@example.org && out_has "<b1@example.org>"'

echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
