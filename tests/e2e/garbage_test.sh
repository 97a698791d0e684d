#!/bin/bash
# garbage_test.sh - garbage mail through Postfix, moim-milter and
# moim-listd: every file of the shared corpus's mime/ folder and a set of
# generated hostile messages (tests/e2e/hostile.py: a 1 MB header line,
# 10,000 MIME parts, 200 levels of nesting, NUL bytes, bad base64,
# invalid UTF-8 in headers, CR-only lines, a 10 MB line, ...) are posted
# to an open list, and the messages whose subject is the hostile part also
# to a moderated one. Each input must get the outcome pinned below:
# refused at SMTP time with a clear reply (code, enhanced status code,
# words), or distributed to every member exactly once and intact (its
# marker line, Message-ID and every part) and archived, or held for the
# moderators with a notice to its author (none to the sender of
# automatic mail). Nothing accepted goes missing,
# both daemons stay up after every message and Postfix's queue drains.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

MOIM_MILTER=${top_builddir}/milter/moim-milter
HOSTILE=$top_srcdir/tests/e2e/hostile.py
e2e_init garbage
e2e_require milter/moim-milter listd/moim-listd ctl/moimctl
for c in python3 sqlite3 jq; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
CORPUS=${MOIM_CORPUS:-$top_srcdir/../shared/corpus}
[ -d "$CORPUS/mime" ] || CORPUS=/work/shared/corpus
[ -d "$CORPUS/mime" ] || skip_all "no shared corpus (set MOIM_CORPUS)"

# What each hostile message gets on the open list g: an outcome of
# hostile.py account, and for a refusal its reply code and status.
EXPECT_G="
long-header-line distributed
many-parts held
deep-nesting held
nul-bytes distributed
bad-base64 distributed
bad-base64-text distributed
bad-utf8-headers distributed
8bit-headers distributed
bad-encoded-words distributed
crlf-encoded-subject distributed
header-no-colon distributed
missing-boundary distributed
unterminated-multipart distributed
many-headers refused:552:5.3.4
cr-only distributed
lf-only distributed
long-body-line distributed
huge-body-line refused:552:5.3.4
empty distributed
headers-only distributed
binary-body distributed
nested-rfc822 held
long-8bit-subject distributed
many-received refused:554:5.4.0
top-message-rfc822 distributed
attached-broken-header distributed
"
# Posted to the moderated list gm as well: each must be held (the
# moderators' notice quotes the subject).
EXPECT_GM="long-8bit-subject crlf-encoded-subject bad-utf8-headers
8bit-headers nul-bytes attached-broken-header"
# Corpus files that are not distributed: automatic mail (Precedence:
# bulk, list or junk, Auto-Submitted: auto-generated) from someone who is
# not an owner or moderator waits for a moderator, and its sender is not
# answered (SPEC: auto-replies never trigger a reply).
EXPECT_CORPUS_HELD="
mime/mime4j/mimetools-testmsgs/infinite_decoded_1.txt
mime/mime4j/mimetools-testmsgs/jt-0498.msg
mime/ruby-mail/error_emails/bad_date_header.eml
mime/ruby-mail/mime_emails/raw_email_with_mimepart_without_content_type.eml
mime/stalwart-mail-parser/thirdparty/014.eml
"

moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET"
# The hostile authors' domain says p=reject: their From (raw 8-bit, NUL
# in the message) is rewritten to "NAME via Garbage" <g@D>.
dns_add _dmarc.example.net 'TXT "v=DMARC1; p=reject"' &&
	e2e_poll 10 'grep -q "read again" "$E2E_DIR/log/dnsd.log"' ||
	bail_out "dnsd did not take the DMARC record"
mkdir -p "$(dirname "$E2E_MILTER_SOCKET")"
chmod 755 "$(dirname "$E2E_MILTER_SOCKET")"
pf_start --milter "unix:$E2E_MILTER_SOCKET" || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
MEMBERS_G=owner@example.net,alice@example.com,bob@example.com
MEMBERS_GM=mod@example.net,carol@example.com
moimctl list create "g@$D" --name Garbage --policy open \
	--owner owner@example.net >/dev/null &&
	moimctl member add g alice@example.com bob@example.com >/dev/null &&
	moimctl list create "gm@$D" --name Moderated --policy moderated \
		--owner mod@example.net >/dev/null &&
	moimctl member add gm carol@example.com >/dev/null ||
	bail_out "moimctl could not make the lists"
listd_start || bail_out "moim-listd did not start"
e2e_daemon_start milter "$MOIM_MILTER" -f -c "$MOIM_CONF" &&
	e2e_wait_socket "$E2E_MILTER_SOCKET" 10 ||
	bail_out "moim-milter did not start"

# 1. send everything, one SMTP session per message, noting the reply and
#    whether both daemons still run after it
H=$E2E_DIR/hostile
python3 "$HOSTILE" gen "$H" || bail_out "hostile.py gen failed"
PIDS=$(e2e_daemon_pid listd),$(e2e_daemon_pid milter)
(cd "$CORPUS" && find mime -type f | LC_ALL=C sort) >"$E2E_DIR/corpus.lst"
send()
{
	python3 "$HOSTILE" send --port "$E2E_SMTP_PORT" --pids "$PIDS" "$@" ||
		bail_out "hostile.py send failed"
}
send --to "g@$D" --sender 'h-{n}@example.net' --root "$H" \
	--results "$E2E_DIR/g.tsv" "$H"/*.eml
gm_files=()
for name in $EXPECT_GM; do
	gm_files+=("$H/$name.eml")
done
send --to "gm@$D" --sender 'm-{n}@example.net' --root "$H" \
	--results "$E2E_DIR/gm.tsv" "${gm_files[@]}"
(cd "$CORPUS" && xargs "$E2E_PYTHON" "$HOSTILE" send --port "$E2E_SMTP_PORT" \
	--pids "$PIDS" --to "g@$D" --sender 'c-{n}@example.net' --fixup \
	--results "$E2E_DIR/g.tsv" <"$E2E_DIR/corpus.lst") ||
	bail_out "hostile.py send failed"
n_hostile=$(find "$H" -name '*.eml' | wc -l)
n_corpus=$(wc -l <"$E2E_DIR/corpus.lst")
n_gm=${#gm_files[@]}
t_is "$(wc -l <"$E2E_DIR/g.tsv")" $((n_hostile + n_corpus)) \
	"every message to g had its SMTP session ($n_hostile hostile, $n_corpus corpus)"
t_is "$(cat "$E2E_DIR/g.tsv" "$E2E_DIR/gm.tsv" | cut -f8 | sort -u)" yes \
	"moim-listd and moim-milter ran after every message"
t_ok "moim-listd and Postfix's queue settle" moim_settle 60
t_is "$(pf_queue_count)" 0 "nothing is left in Postfix's queue"
t_ok "moim-listd is still running" e2e_daemon_running listd
t_ok "moim-milter is still running" e2e_daemon_running milter

# 2. what became of each message
account()
{
	python3 "$HOSTILE" account --results "$E2E_DIR/$1.tsv" \
		--maildir "$E2E_MAILDIR_BASE" --members "$2" \
		--db "$E2E_DB" --list-id "<$1.$D>" \
		--markers "$H/index.tsv" --maillog "$E2E_PF_LOG" \
		--listd-log "$E2E_DIR/log/listd.log" >"$E2E_DIR/$1.out"
}
account g "$MEMBERS_G" || bail_out "hostile.py account failed"
account gm "$MEMBERS_GM" || bail_out "hostile.py account failed"
# outcome_of LIST NAME - "outcome" or "refused:CODE:STATUS" of a message
outcome_of()
{
	awk -F'\t' -v n="$2" '$1 == n {
		if ($2 == "refused") { split($3, w, " "); print "refused:" w[1] ":" w[2] }
		else print $2 }' "$E2E_DIR/$1.out"
}
detail_of()
{
	awk -F'\t' -v n="$2" '$1 == n { print $3 }' "$E2E_DIR/$1.out"
}
while read -r name want; do
	[ -n "$name" ] || continue
	got=$(outcome_of g "$name.eml")
	if [ "$got" = "$want" ]; then
		pass "g: $name: $want"
	else
		fail "g: $name: $want" "got: $got" "$(detail_of g "$name.eml")"
	fi
done <<<"$EXPECT_G"
for name in $EXPECT_GM; do
	got=$(outcome_of gm "$name.eml")
	if [ "$got" = held ]; then
		pass "gm: $name: held"
	else
		fail "gm: $name: held" "got: $got" "$(detail_of gm "$name.eml")"
	fi
done
t_is "$(jq length <<<"$(moimctl mod ls gm --json)")" "$n_gm" \
	"the moderation queue of gm has every post held there"
t_is "$(maildir_count mod@example.net)" "$n_gm" \
	"gm's moderator was asked once about each"
t_is "$(maildir_count carol@example.com)" 0 "gm's member got nothing"

# every corpus file is distributed, but the pinned exceptions
bad=$(awk -F'\t' -v held="$EXPECT_CORPUS_HELD" '
	BEGIN { n = split(held, d, "\n"); for (i = 1; i <= n; i++) x[d[i]] = 1 }
	$1 !~ /^mime\// { next }
	x[$1] && $2 == "held:sender-not-told" { next }
	!x[$1] && ($2 == "distributed" || $2 == "distributed:id-archived-before") { next }
	{ print $1 ": " $2 ": " $3 }' "$E2E_DIR/g.out")
if [ -z "$bad" ]; then
	pass "each of the $n_corpus corpus files has its expected outcome"
else
	fail "each of the $n_corpus corpus files has its expected outcome" \
		"$(printf '%s\n' "$bad" | head -n 20)"
fi
# a second message with an archived Message-ID is distributed but not
# archived again: the archive holds exactly one message per Message-ID
t_is "$(e2e_sql "SELECT count(*) - count(DISTINCT message_id) FROM messages")" \
	0 "the archive holds each Message-ID once"

# 3. nothing accepted went missing: accepted = distributed + held + dropped
sum=$(cat "$E2E_DIR/g.out" "$E2E_DIR/gm.out" | awk -F'\t' '
	{ k = $2; sub(/:.*/, "", k); o[k]++ }
	END { printf "refused=%d distributed=%d held=%d dropped=%d other=%d\n",
		o["refused"], o["distributed"], o["held"], o["dropped"],
		NR - o["refused"] - o["distributed"] - o["held"] - o["dropped"] }')
accepted=$(cat "$E2E_DIR/g.tsv" "$E2E_DIR/gm.tsv" | awk -F'\t' '$5 == 250' | wc -l)
diag "$sum accepted=$accepted"
t_like "$sum" "other=0$" "no message is lost, unclear or tempfailed"
eval "${sum// /;}"
# shellcheck disable=SC2154 # set by the eval
t_is "$accepted" $((distributed + held + dropped)) \
	"accepted = distributed + held + dropped"

# the From of a copy from a p=reject domain names the list, Reply-To the
# author, whatever bytes the author's name had
for name in 8bit-headers nul-bytes long-8bit-subject; do
	f=$(maildir_files alice@example.com |
		xargs grep -l "^Message-ID: <$name\.hostile@e2e\.test>" |
		head -n 1)
	t_like "$(header_of "$f" From) / $(header_of "$f" Reply-To)" \
		" via Garbage <g@$D> / .*<h-$name@example\.net>$" \
		"$name: From is the list's, Reply-To the author's"
done

# 4. the archive finds what was distributed, by its marker
for name in nul-bytes long-8bit-subject unterminated-multipart; do
	t_like "$(moimctl archive search g "GARBAGE-MARKER-$name" --json |
		jq -r '.hits[].message_id')" "^$name\\.hostile@e2e\\.test$" \
		"archive search finds $name"
done
t_done
