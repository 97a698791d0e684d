#!/bin/bash
# milter_test.sh - moim-milter through a real Postfix: each refusal reaches
# the SMTP client with exactly its code and text, forged X-Moim-* fields
# are removed, a held post is held, accepted posts reach the members,
# mail for other domains passes, huge header fields do no harm.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

MOIM_MILTER=${top_builddir}/milter/moim-milter
e2e_init milter
e2e_require milter/moim-milter listd/moim-listd ctl/moimctl
moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET"
mkdir -p "$(dirname "$E2E_MILTER_SOCKET")"
chmod 755 "$(dirname "$E2E_MILTER_SOCKET")"
pf_start --milter "unix:$E2E_MILTER_SOCKET" || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
moimctl list create "ai@$D" --name AI --owner owner@example.net >/dev/null &&
	moimctl member add ai alice@example.net bob@example.com >/dev/null &&
	moimctl list create "news@$D" --policy announce \
		--owner boss@example.net >/dev/null &&
	moimctl list create "held@$D" >/dev/null &&
	moimctl list set held nonmember=hold >/dev/null &&
	moimctl list create "small@$D" --policy open >/dev/null &&
	moimctl list set small max_size=2048 rate_limit=2 >/dev/null ||
	bail_out "moimctl could not make the lists"
listd_start || bail_out "moim-listd did not start"
e2e_daemon_start milter "$MOIM_MILTER" -f -c "$MOIM_CONF" &&
	e2e_wait_socket "$E2E_MILTER_SOCKET" 10 ||
	bail_out "moim-milter did not start"

# reply_is CODE TEXT DESC - the server's last reply before QUIT (the one
# that made swaks give up) is exactly "CODE TEXT"
reply_is()
{
	local got
	got=$(awk '/^ *(<-|<\*\*) +[0-9][0-9][0-9] / {
		sub(/^ *(<-|<\*\*) +/, ""); last = $0 }
	/^ *-> +QUIT/ { print last; exit }' "$E2E_LAST_SWAKS")
	t_is "$got" "$1 $2" "$3"
}

# msg FROM TO [HEADER] - a small message file, with an extra header line
msg()
{
	local f=$E2E_DIR/msg/m$RANDOM.eml
	mail_text "$1" "$2" "milter test" "hello" >"$f"
	[ -n "${3:-}" ] && sed -i "1i $3" "$f"
	echo "$f"
}

# 1. refusals at RCPT (swaks sends no SIZE=: max_size is checked at the end)
send_mail_expect 550 alice@example.net "nope@$D" "$(msg alice@example.net "nope@$D")"
reply_is 550 "5.1.1 <nope@$D>: no such list address" "unknown list: 550 5.1.1"
send_mail_expect 550 alice@example.net "ai-bogus@$D" "$(msg alice@example.net "ai-bogus@$D")"
reply_is 550 "5.1.1 <ai-bogus@$D>: no such list address" "unknown L-x: 550 5.1.1"
f=$(msg alice@example.net "small@$D")
head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70 >>"$f"
send_mail_expect 552 alice@example.net "small@$D" "$f"
reply_is 552 "5.3.4 Message too big for <small@$D> (max 2048 bytes)" \
	"body over max_size: 552 5.3.4"

# 2. refusals at end of DATA
send_mail_expect 550 alice@example.net "news@$D" "$(msg alice@example.net "news@$D")"
reply_is 550 "5.7.1 Only the list owners and moderators may post to <news@$D>" \
	"announce list, not an owner: 550 5.7.1"
send_mail_expect 550 stranger@example.net "ai@$D" "$(msg stranger@example.net "ai@$D")"
reply_is 550 "5.7.1 Only members may post to <ai@$D>; to join, write to <ai-request@$D>" \
	"members list, not a member: 550 5.7.1"
send_mail_expect 550 alice@example.net "ai@$D" \
	"$(msg alice@example.net "ai@$D" "List-Id: AI <ai.$D>")"
reply_is 550 "5.4.6 Mail loop: message already carries this list's List-Id" \
	"loop: 550 5.4.6"

# 3. rate limit: two posts, then 450 4.7.1
for i in 1 2; do
	send_mail_expect 250 carol@example.net "small@$D" "$(msg carol@example.net "small@$D")"
done
send_mail_expect 450 carol@example.net "small@$D" "$(msg carol@example.net "small@$D")"
reply_is 450 "4.7.1 Too many posts to <small@$D>; try again later" \
	"rate limit: 450 4.7.1"

# 4. an accepted post reaches the members, without forged X-Moim-*
before=$(maildir_count bob@example.com)
send_mail_expect 250 alice@example.net "ai@$D" \
	"$(msg alice@example.net "ai@$D" "X-Moim-Hold: dmarc")"
t_ok "the member's post reaches bob" maildir_wait bob@example.com $((before + 1)) 30
t_is "$(header_of "$(maildir_last bob@example.com)" X-Moim-Hold)" "" \
	"no X-Moim-Hold in the copy"
# a member posting through a forwarder (SRS envelope) is judged by From
f=$(msg alice@example.net "ai@$D")
send_mail_expect 250 "SRS0=ab=cd=example.net=alice@fwd.example.com" "ai@$D" "$f"
t_ok "the forwarded post reaches bob" maildir_wait bob@example.com $((before + 2)) 30

# 5. nonmember = hold: accepted at SMTP, held by listd, reaches nobody
send_mail_expect 250 stranger@example.net "held@$D" "$(msg stranger@example.net "held@$D")"
t_ok "the held post is in the moderation queue" \
	e2e_poll 30 '[ "$(moimctl mod ls held --json | jq length)" -ge 1 ]'

# 6. other domains pass; a huge header field does no harm
f=$(msg alice@example.net dave@example.com "X-Huge: $(head -c 60000 /dev/zero | tr '\0' y)")
send_mail_expect 250 alice@example.net dave@example.com "$f"
t_ok "mail to another domain is delivered" maildir_wait dave@example.com 1 30
send_mail_expect 250 alice@example.net "ai@$D" \
	"$(msg alice@example.net "ai@$D" "X-Huge: $(head -c 60000 /dev/zero | tr '\0' z)")"
t_ok "moim-milter is still running" e2e_daemon_running milter
t_done
