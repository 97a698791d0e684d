#!/bin/bash
# privileged_test.sh - an owner's rights need more than From (issue 13.4):
# envelope attacker@evil.test with "From: the owner" and an event block,
# to an announce list and to a members list, and a repost that would move
# an existing event, through moim-milter in front of Postfix and straight
# to moim-listd's LMTP: accepted, held, nothing distributed, no event made
# or changed. The same post with a trusted DMARC pass goes through; a
# forged trusted Authentication-Results below the local one is removed
# and not believed; an owner without DMARC announces by confirming (a
# reply, or "confirm TOKEN" to L-request), and post_as_owner does that.
# An owner's From does not skip a moderated list's moderation either.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init privileged
e2e_require milter/moim-milter listd/moim-listd ctl/moimctl
moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET" \
	"milter.trusted_authserv_ids=mx.e2e.test"
mkdir -p "$(dirname "$E2E_MILTER_SOCKET")"
chmod 755 "$(dirname "$E2E_MILTER_SOCKET")"
pf_start --milter "unix:$E2E_MILTER_SOCKET" || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
BOSS=boss@example.net
moimctl list create "news@$D" --policy announce --owner $BOSS >/dev/null &&
	moimctl member add news alice@example.net >/dev/null &&
	moimctl list create "ai@$D" --owner $BOSS >/dev/null &&
	moimctl member add ai bob@example.com >/dev/null ||
	bail_out "moimctl could not make the lists"
listd_start || bail_out "moim-listd did not start"
milter_start || bail_out "moim-milter did not start"

# event_msg FROM TO SUBJECT TITLE WHEN [HEADER...] - an announcement with
# an event block, extra header lines on top
event_msg()
{
	local f=$E2E_DIR/msg/ev$RANDOM$RANDOM.eml from=$1 to=$2 subj=$3 \
		title=$4 when=$5 h
	shift 5
	mail_text "$from" "$to" "$subj" "Event: $title
When: $when
Where: Room 1

Come along." >"$f"
	for h in "$@"; do
		sed -i "1i $h" "$f"
	done
	echo "$f"
}

# lmtp_send FROM TO FILE - straight to moim-listd, past Postfix and milter
lmtp_send()
{
	swaks --server 127.0.0.1 --port "$E2E_LMTP_PORT" --protocol LMTP \
		--from "$1" --to "$2" --data "@$3" --timeout 30 \
		--suppress-data >"$E2E_DIR/swaks/lmtp$RANDOM.log" 2>&1
}

# held_count L - posts of L waiting (moderation or confirmation)
held_count()
{
	moimctl mod ls "$1" --json | jq length
}

# --- 1. the confirmation flow: the owner announces an event on ai
f=$(event_msg $BOSS "ai@$D" "Meetup" "Spring meetup" "2030-04-01 14:00-16:00")
send_mail_expect 250 $BOSS "ai@$D" "$f" || bail_out "send"
t_ok "the owner is asked to confirm" e2e_poll 30 \
	'[ "$(maildir_grep $BOSS Subject "보내신 메일인지")" -ge 1 ]'
moim_settle 30
t_is "$(maildir_grep bob@example.com Subject Meetup)" 0 \
	"nothing reaches the members before the owner confirms"
t_is "$(moimctl event ls ai | wc -l)" 0 "no event before the owner confirms"
t_is "$(held_count ai)" 1 "the post waits"
reply_confirm $BOSS || bail_out "reply"
t_ok "after the reply, bob gets the announcement" e2e_poll 30 \
	'[ "$(maildir_grep bob@example.com Subject Meetup)" -ge 1 ]'
t_is "$(moimctl event ls ai | wc -l)" 1 "the event exists"
t_is "$(held_count ai)" 0 "nothing waits any more"
EV_BEFORE=$(moimctl event ls ai)

# --- 2. the attack through moim-milter: announce list, event block
before_alice=$(maildir_count alice@example.net)
f=$(event_msg $BOSS "news@$D" "Big news" "Forged party" "2030-05-01 10:00-11:00")
send_mail_expect 250 attacker@evil.test "news@$D" "$f"
# --- 3. the attack through moim-milter: a repost that moves A's event
f=$(event_msg $BOSS "ai@$D" "Moved" "Spring meetup" "2030-06-09 09:00-10:00")
send_mail_expect 250 attacker@evil.test "ai@$D" "$f"
# --- 4. the same attacks straight to LMTP, without moim-milter
f=$(event_msg $BOSS "news@$D" "Big news 2" "Forged party 2" "2030-05-02 10:00-11:00")
t_ok "LMTP takes the forged announcement" lmtp_send attacker@evil.test "news@$D" "$f"
f=$(event_msg $BOSS "ai@$D" "Moved 2" "Spring meetup" "2030-06-10 09:00-10:00")
t_ok "LMTP takes the forged repost" lmtp_send attacker@evil.test "ai@$D" "$f"
# a trusted-looking A-R below the local one: removed by moim-milter, and a
# plain post without an event to the announce list is held as well
f=$(event_msg $BOSS "news@$D" "Big news 3" "Forged party 3" "2030-05-03 10:00-11:00" \
	"Authentication-Results: mx.e2e.test; dmarc=pass header.from=example.net" \
	"Authentication-Results: mx.e2e.test; dmarc=fail header.from=example.net")
send_mail_expect 250 attacker@evil.test "news@$D" "$f"
t_ok "every forged post waits" e2e_poll 30 \
	'[ "$(held_count news)" = 3 ] && [ "$(held_count ai)" = 2 ]'
moim_settle 30
t_is "$(maildir_count alice@example.net)" "$before_alice" \
	"nothing reaches the announce list's members"
t_is "$(maildir_grep bob@example.com Subject 'Moved')" 0 \
	"nothing reaches the members list"
t_is "$(moimctl event ls news | wc -l)" 0 "no event on the announce list"
t_is "$(moimctl event ls ai)" "$EV_BEFORE" "the existing event is unchanged"
t_is "$(grep -c 'forged Authentication-Results removed' "$E2E_DIR/log/milter.log")" 1 \
	"moim-milter removed the forged trusted A-R"

# --- 5. the same post with a trusted DMARC pass on top goes through
f=$(event_msg $BOSS "news@$D" "Real news" "Real party" "2030-05-04 10:00-11:00" \
	"Authentication-Results: mx.e2e.test; dkim=pass header.d=example.net; dmarc=pass header.from=example.net")
send_mail_expect 250 $BOSS "news@$D" "$f"
t_ok "with a trusted DMARC pass, alice gets it at once" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "Real news")" -ge 1 ]'
t_is "$(moimctl event ls news | cut -f6)" "Real party" "and the event is made"
t_is "$(header_of "$(newest_with alice@example.net 'Real news')" X-Moim-Auth)" "" \
	"the copy carries no X-Moim-Auth"

# --- 6. "confirm TOKEN" to L-request releases a forged-looking but real
#     post of the owner; the helper post_as_owner does the reply
f=$(event_msg $BOSS "news@$D" "Second news" "Second party" "2030-05-05 10:00-11:00")
send_mail_expect 250 $BOSS "news@$D" "$f"
t_ok "the owner is asked again" e2e_poll 30 \
	'[ "$(maildir_grep $BOSS Subject "Second news")" -ge 1 ]'
tok=$(body_of "$(newest_with $BOSS 'Second news')" |
	sed -n 's/^ *confirm \([a-z0-9]*\)$/\1/p' | head -n1)
t_like "$tok" "^[a-z0-9]+$" "the request carries a token"
send_mail_text $BOSS "news-request@$D" "commands" "confirm $tok" || bail_out "send"
t_ok "confirm TOKEN releases it" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "Second news")" -ge 1 ]'
post_as_owner_text $BOSS "news@$D" "Third news" "Event: Third party
When: 2030-05-06 10:00-11:00

Hello." || bail_out "post_as_owner"
t_ok "post_as_owner's post reaches alice" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "Third news")" -ge 1 ]'
t_is "$(moimctl event ls news | wc -l)" 3 "three events on the announce list"
t_is "$(held_count news)" 3 "the forged posts still wait, the real ones went"

# --- 7. a moderated list: "From: the owner" does not skip moderation
moimctl list create "mod@$D" --policy moderated --owner $BOSS >/dev/null &&
	moimctl member add mod carol@example.com >/dev/null ||
	bail_out "moimctl could not make the moderated list"
f=$E2E_DIR/msg/modforged.eml
mail_text $BOSS "mod@$D" "Forged skip" "No event, no moderation." >"$f"
send_mail_expect 250 attacker@evil.test "mod@$D" "$f"
t_ok "the forged owner's post to the moderated list waits" e2e_poll 30 \
	'[ "$(held_count mod)" = 1 ]'
moim_settle 30
t_is "$(maildir_grep carol@example.com Subject 'Forged skip')" 0 \
	"carol gets nothing"
post_as_owner_text $BOSS "mod@$D" "Owner note" "From the owner." ||
	bail_out "post_as_owner to the moderated list"
t_ok "the owner's confirmed post reaches carol" e2e_poll 30 \
	'[ "$(maildir_grep carol@example.com Subject "Owner note")" -ge 1 ]'
t_done
