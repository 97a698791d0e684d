#!/bin/bash
# takeover_test.sh - an owner or moderator of one list cannot take over
# another list's event (issue 13.1), through a real Postfix and LMTP:
# a post to list C with the Message-ID of list A's announcement and an
# event block does not make C a co-host (held, C's members not invited);
# a moderator of a co-hosting list B gets no attendee list from "report"
# to B's rsvp address; a repost to B with the same Event: title does not
# move A's event; and a real co-hosted announcement to A and B at once
# (its poster owns both) is still one event, whose home is the first of
# its lists in To/Cc whichever copy is delivered first.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init takeover
moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
ORG=org@example.net
MAL=mallory@example.com
{
	moimctl list create "ai@$D" --owner $ORG >/dev/null &&
		moimctl list create "dl@$D" --owner $ORG >/dev/null &&
		moimctl list create "cc@$D" --owner $MAL >/dev/null &&
		moimctl member add ai alice@example.net >/dev/null &&
		moimctl member add dl bob@example.net >/dev/null &&
		moimctl member add cc carol@example.net >/dev/null
} || bail_out "moimctl could not make the lists"
listd_start || bail_out "moim-listd did not start"
sql() { e2e_sql "$1"; }

# block TITLE WHEN - an event block and a line of text
block()
{
	printf 'Event: %s\nWhen: %s\nWhere: Hall %s\nCapacity: 50\n\nWelcome.\n' \
		"$1" "$2" "$RANDOM"
}

# --- 1. a real co-hosted announcement: ORG owns ai and dl
post_as_owner_text $ORG "ai@$D,dl@$D" "AI summit" \
	"$(block "AI summit" "2030-03-10 10:00-17:00")" || bail_out "send"
t_ok "alice is invited" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "AI summit")" -ge 1 ]'
t_ok "bob is invited" e2e_poll 30 \
	'[ "$(maildir_grep bob@example.net Subject "AI summit")" -ge 1 ]'
moim_settle 30
EV=$(sql "SELECT id FROM events")
t_is "$(sql "SELECT count(*) FROM events")" 1 "one event for both lists"
t_is "$(sql "SELECT count(*) FROM event_lists WHERE event_id = $EV")" 2 \
	"ai and dl hold it"
MID=$(sql "SELECT message_id FROM events WHERE id = $EV")
# The two copies reach moim-listd in either order: the home is the first
# list in To (ai), whichever copy came first, and the other co-hosts;
# mallory moderates the co-host.
HOME=$(sql "SELECT l.local FROM event_lists x JOIN lists l ON l.id = x.list_id
	WHERE x.event_id = $EV ORDER BY x.seq LIMIT 1")
t_is "$HOME" ai "the home list is the first list in To"
case $HOME in
ai) CO=dl ;;
dl) CO=ai ;;
*) bail_out "no home list for the event: '$HOME'" ;;
esac
diag "home list: $HOME, co-host: $CO"
moimctl member add $CO $MAL --role moderator >/dev/null ||
	bail_out "could not make mallory a moderator of $CO"
send_mail_text alice@example.net "ai-rsvp+$EV@$D" "Re: AI summit" "참석합니다" ||
	bail_out "send"
t_ok "alice's answer is recorded" e2e_poll 30 \
	'[ "$(sql "SELECT count(*) FROM rsvps WHERE event_id = $EV")" = 1 ]'
BEFORE=$(sql "SELECT starts, ends, location, capacity, sequence FROM events WHERE id = $EV")

# --- 2. mallory (owner of cc only) posts to cc with the announcement's
#     Message-ID and a block: cc does not co-host, carol is not invited
f=$E2E_DIR/msg/steal.eml
mail_text $MAL "cc@$D" "AI summit" "$(block "AI summit" "2030-03-11 09:00-10:00")" |
	sed "s/^Message-ID: .*/Message-ID: $MID/" >"$f"
post_as_owner $MAL "cc@$D" "$f" || bail_out "send steal"
t_ok "the post is held" e2e_poll 30 \
	'[ "$(moimctl mod ls cc --json | jq length)" = 1 ]'
moim_settle 30
t_is "$(sql "SELECT count(*) FROM event_lists WHERE event_id = $EV")" 2 \
	"cc is not a co-host"
t_is "$(maildir_grep carol@example.net Subject "AI summit")" 0 \
	"carol is not invited"

# --- 3. mallory, moderator of the co-host, asks its rsvp address for
#     the attendee list of the event: nothing comes
send_mail_text $MAL "$CO-rsvp+$EV@$D" "report" "" || bail_out "send report"
moim_settle 30
t_is "$(maildir_grep $MAL Subject "참석자 명단|attendee")" 0 \
	"a co-host's moderator gets no attendee list"
send_mail_text $ORG "$HOME-rsvp+$EV@$D" "report" "" || bail_out "send report"
t_ok "the organizer still gets it" e2e_poll 30 \
	'[ "$(maildir_grep $ORG Subject "참석자 명단")" -ge 1 ]'

# --- 4. mallory reposts to the co-host with the same title and a new time and
#     place: held, the event keeps its time, place, capacity, sequence
post_as_owner_text $MAL "$CO@$D" "AI summit moved" \
	"$(block "AI summit" "2030-04-01 08:00-09:00")" || bail_out "send"
t_ok "the repost is held" e2e_poll 30 \
	'[ "$(moimctl mod ls $CO --json | jq length)" = 1 ]'
moim_settle 30
t_is "$(sql "SELECT starts, ends, location, capacity, sequence FROM events WHERE id = $EV")" \
	"$BEFORE" "the event is unchanged"
t_is "$(maildir_grep alice@example.net Subject "AI summit moved")" 0 \
	"alice hears nothing of it"
t_is "$(maildir_grep bob@example.net Subject "AI summit moved")" 0 \
	"bob hears nothing of it"

# --- 5. the organizer's own repost still updates it
post_as_owner_text $ORG "ai@$D" "AI summit, new room" \
	"$(block "AI summit" "2030-03-10 10:00-17:00")" || bail_out "send"
t_ok "the organizer's repost updates the event" e2e_poll 30 \
	'[ "$(sql "SELECT sequence FROM events WHERE id = $EV")" = 1 ]'

# --- 6. the same lists the other way round (To: dl, then Cc: ai): dl is
#     the home, and both lists' invitations name its rsvp address
f=$E2E_DIR/msg/cohost2.eml
mail_text $ORG "dl@$D" "ML day" "$(block "ML day" "2030-05-20 10:00-12:00")" |
	sed "/^To:/a Cc: ai@$D" >"$f"
post_as_owner $ORG "ai@$D,dl@$D" "$f" || bail_out "send ML day"
t_ok "alice is invited to ML day" e2e_poll 30 \
	'[ "$(maildir_grep alice@example.net Subject "ML day")" -ge 1 ]'
t_ok "bob is invited to ML day" e2e_poll 30 \
	'[ "$(maildir_grep bob@example.net Subject "ML day")" -ge 1 ]'
moim_settle 30
EV2=$(sql "SELECT id FROM events WHERE title = 'ML day'")
t_is "$(sql "SELECT l.local FROM event_lists x JOIN lists l ON l.id = x.list_id
	WHERE x.event_id = $EV2 ORDER BY x.seq" | paste -sd,)" \
	"dl,ai" "dl, the list in To, is the home; ai co-hosts"
for who in alice@example.net bob@example.net; do
	f=$(grep -l "ML day" $(maildir_files $who) | head -1)
	t_like "$(ics_of "$f" REQUEST)" "ORGANIZER;.*:mailto:dl-rsvp\+$EV2@$D" \
		"$who's invitation names dl's rsvp address"
done
t_done
