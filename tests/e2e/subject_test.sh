#!/bin/bash
# subject_test.sh - Korean subjects and names through the real Postfix
# (issue 12.1): a 60-character Korean/English/digit subject written as
# Python's email library writes it (B words, the first with padding) and
# a From name in three words, posted to a list with a Korean subject
# prefix, then a reply whose "Re: [prefix]" is split inside the prefix.
# Every member's copy carries the whole subject, prefix once, in words
# that moim, Python and GMime 3.2.13 (whose decoder cuts text after a
# padded word) all decode whole; so does the "Author via List" name; the
# archive holds the whole subject.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init subject
moim_setup
pf_start || bail_out "postfix did not start"
L=ai
LA=$L@$E2E_LIST_DOMAIN
P="[AI 프렌즈]"
HDRCHECK=$top_builddir/tests/hdrcheck
moimctl list create "$LA" --name "AI 프렌즈" --owner owner@example.net \
	>/dev/null || bail_out "list create"
moimctl list set $L dmarc=munge >/dev/null || bail_out "list set"
MEMBERS="jh@example.net bob@example.com carol@example.net"
# shellcheck disable=SC2086
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"

S="제1회 공개기술포럼 AI Friends 2027 발표자료 공유 및 다음 모임 일정 안내 v2 최종본입니다!!"
NAME="김 지현 책임 연구원"

# python_mail FROM SUBJECT-HEADER-VALUE ID [IN-REPLY-TO] - a message as
# Python's smtplib/MIMEText mailers write it
python_mail()
{
	python3 - "$@" <<'PY'
import sys
from email.mime.text import MIMEText
from email.header import Header
frm, subj, mid = sys.argv[1:4]
m = MIMEText("본문입니다.\n", "plain", "utf-8")
m["From"] = "%s <%s>" % (Header("김 지현 책임 연구원", "utf-8").encode(), frm)
m["To"] = "ai@lists.example.org"
m["Subject"] = subj
m["Message-ID"] = mid
if len(sys.argv) > 4:
    m["In-Reply-To"] = sys.argv[4]
sys.stdout.write(m.as_string())
PY
}

# encoded TEXT - TEXT as Python's email.header.Header writes it
encoded()
{
	python3 -c 'import sys; from email.header import Header
print(Header(sys.argv[1], "utf-8").encode())' "$1"
}

# check_copy ADDR WANT-SUBJECT WHAT - the newest copy of ADDR read by
# moim, by GMime 3.2.13 and by Python
check_copy()
{
	local f out
	f=$(maildir_last "$1")
	out=$("$HDRCHECK" "$f" Subject)
	t_is "$(sed -n 1p <<<"$out")" "$2" "$1: $3, read by moim"
	t_is "$(sed -n 2p <<<"$out")" "$2" "$1: $3, read by GMime"
	t_is "$(header_of "$f" Subject)" "$2" "$1: $3, read by Python"
}

t_is "${#S}" 60 "the subject is 60 characters"
V=$(encoded "$S")
t_like "$V" '^=\?utf-8\?b\?[^?]*=\?=' "Python's first B word is padded"
t_is "$(grep -o '=?utf-8?b?' <<<"$V" | wc -l)" 3 "Python writes three B words"
f=$E2E_DIR/msg/post.eml
python_mail jh@example.net "$V" "<post.1@example.net>" >"$f"
t_ok "jh posts" send_mail jh@example.net "$LA" "$f"
for m in $MEMBERS; do
	t_ok "$m gets the post" maildir_wait "$m" 1 30
	check_copy "$m" "$P $S" "the whole subject, prefixed"
done
f=$(maildir_last bob@example.com)
out=$("$HDRCHECK" "$f" From)
t_is "$(sed -n 1p <<<"$out")" "$NAME via AI 프렌즈" "the munged From name, read by moim"
t_is "$(sed -n 2p <<<"$out")" "$NAME via AI 프렌즈" "the munged From name, read by GMime"
t_like "$(header_of "$f" Reply-To)" "$NAME" "the author's name in Reply-To"

# The reply: "Re: [AI 프렌즈] ..." with the first word ending inside the
# prefix ("Re: [AI 프" is 11 bytes: padded), as mailers cut it.
R="Re: $P $S"
V=$(python3 -c 'import sys, base64
t = sys.argv[1].encode()
cut = [0, len("Re: [AI 프".encode())]
while cut[-1] < len(t):
    n = min(cut[-1] + 40, len(t))
    while n < len(t) and (t[n] & 0xC0) == 0x80:
        n -= 1
    cut.append(n)
print("\n ".join("=?utf-8?b?%s?=" % base64.b64encode(t[a:b]).decode()
                 for a, b in zip(cut, cut[1:])))' "$R")
t_like "$V" '^=\?utf-8\?b\?[^?]*=\?=' "the reply's first word is padded"
f=$E2E_DIR/msg/reply.eml
python_mail bob@example.com "$V" "<reply.1@example.com>" \
	"<post.1@example.net>" >"$f"
t_ok "bob replies" send_mail bob@example.com "$LA" "$f"
for m in $MEMBERS; do
	t_ok "$m gets the reply" maildir_wait "$m" 2 30
	check_copy "$m" "$R" "the whole reply subject, prefix once"
done

# The archive
moim_settle 30
t_is "$(moimctl archive search $L "공개기술포럼" --json |
	jq -r '.hits | map(.subject) | sort | join("|")')" "$R|$S" \
	"the archive holds both subjects whole"
t_is "$(moimctl archive search $L "최종본입니다" --json |
	jq -r '.hits | map(select(.message_id == "post.1@example.net")) |
		.[0].from_name')" \
	"$NAME" "the archive holds the author's name whole"
t_like "$(moimctl archive thread "<reply.1@example.com>" 2>&1)" \
	"최종본입니다" "the thread shows the whole subject"
t_done
