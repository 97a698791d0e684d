#!/bin/bash
# event_ctl_test.sh - moimctl's event verbs on a temporary database.
#
# Prints TAP (1..N, ok/not ok) for automake's tap-driver. moimctl has no
# verb that creates events (moim-listd does, from mail), so the events,
# their lists and their answers are put into a database made by moimctl
# with sqlite3. Checks: ls/show/rsvps --json parse with jq and hold the
# stored values (a Korean title intact, times with the offset of the
# event's own time zone), --csv with --json is a usage error, the
# crashers policy is stored without raising SEQUENCE, a bad policy is
# refused by name, and promote gives a held answer a seat.
# Needs jq and sqlite3. The binary is $top_builddir/ctl/moimctl (make
# check sets top_builddir), or the first argument: the build directory.
set -u

builddir=${top_builddir:-${1:-.}}
M=$builddir/ctl/moimctl
T=$(mktemp -d /tmp/moimctl-event-test.XXXXXX)
# As root, moimctl drops to the moim user: let it write here, and write
# the test rows as that user too, so that no file of the database
# (-wal, -shm) ends up owned by root.
SQLUSER=
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	chown moim:moim "$T"
	SQLUSER=moim
fi
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# jqis FILTER WANT: jq -r FILTER on the last output prints WANT
jqis() {
	local got
	got=$(jq -r "$1" "$T/out") || return 1
	[ "$got" = "$2" ] && return 0
	echo "# jq '$1': got '$got', want '$2'" >&2
	return 1
}
sql() {
	if [ -n "$SQLUSER" ]; then
		runuser -u "$SQLUSER" -- sqlite3 "$T/moim.db" "$@"
	else
		sqlite3 "$T/moim.db" "$@"
	fi
}

for tool in jq sqlite3; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed (tools/deps.sh)"
		exit 0
	fi
done
echo "1..30"

cat >"$T/t.conf" <<EOF
[moim]
database = $T/moim.db
domains = lists.example.org
secret_file = $T/secret
timezone = Asia/Seoul
EOF
L=ai-friends@lists.example.org
L2=dl@lists.example.org

# --- the database: two lists, a co-hosted event in Seoul and one in Berlin
setup() {
	run 0 list create $L --name "AI 프렌즈" &&
		run 0 list create $L2 --name "딥러닝" &&
		run 0 list create empty@lists.example.org || return 1
	# 14:00-17:00 KST on 16 December 2026, answers until the 14th;
	# 12:00-13:30 KST (04:00-05:30 in Berlin) on the 20th, no deadline.
	sql "
	INSERT INTO events (id, uid, title, starts, ends, tzid, location,
	  description, capacity, rsvp_by, sequence, organizer,
	  organizer_name, message_id, created)
	VALUES (1, 'ev1@lists.example.org', '제1회 공개기술포럼',
	  1797397200, 1797408000, 'Asia/Seoul', '한국항공우주연구원 4층',
	  '준비물: \"노트북\"' || char(10) || '끝', 3, 1797174000, 3,
	  'owner@example.com', '김조직', '<a1@example.com>', 1795654800);
	INSERT INTO events (id, uid, title, starts, ends, tzid, capacity,
	  organizer, created)
	VALUES (2, 'ev2@lists.example.org', 'Lunch seminar', 1797735600,
	  1797741000, 'Europe/Berlin', 0, 'owner@example.com', 1795654800);
	INSERT INTO event_lists (event_id, list_id)
	  SELECT 1, id FROM lists WHERE local = 'ai-friends';
	INSERT INTO event_lists (event_id, list_id)
	  SELECT 1, id FROM lists WHERE local = 'dl';
	INSERT INTO event_lists (event_id, list_id)
	  SELECT 2, id FROM lists WHERE local = 'ai-friends';
	INSERT INTO rsvps (event_id, address, display_name, answer, headcount,
	  status, source, updated, waitlisted) VALUES
	  (1, 'a@example.net', '김민지', 'accepted', 2, 'attending', 'imip',
	    1795654800, 1),
	  (1, 'b@example.net', 'Bad' || char(27) || '[31m', 'accepted', 1,
	    'waitlist', 'text', 1795654860, 2),
	  (1, 'c@example.net', NULL, 'accepted', 2, 'waitlist', 'command',
	    1795654920, 3),
	  (1, 'd@example.net', NULL, 'declined', 0, 'declined', 'text',
	    1795654980, 0),
	  (1, 'e@example.net', NULL, 'tentative', 1, 'tentative', 'imip',
	    1795655040, 0),
	  (1, 'erin@example.net', 'Erin', 'accepted', 1, 'held', 'text',
	    1795655100, 4);"
}
ok "lists created, events and answers inserted" setup

# --- event ls
ok "event ls --json: both events, newest start first" \
	eval 'run 0 event ls ai-friends --json &&
	jqis "[.[].id]|@csv" "2,1"'
ok "event ls --json: the Korean title is intact" \
	jqis '.[1].title' "제1회 공개기술포럼"
ok "event ls --json: a co-hosted event names both lists, its own first" \
	jqis '.[1].lists|join(" ")' "$L $L2"
ok "event ls --json on the co-host shows only the shared event" \
	eval 'run 0 event ls dl --json && jqis "[.[].id]|@csv" 1'
ok "event ls --json on a list without events is []" \
	eval 'run 0 event ls empty --json && jqis "length" 0'
ok "event ls text output is unchanged" \
	eval 'run 0 event ls ai-friends &&
	[ "$(cut -f1 "$T/out" | tr "\n" " ")" = "2 1 " ] &&
	out_has "seq=3"'

# --- event show
ok "event show --json: times in Asia/Seoul with offset and unix seconds" \
	eval 'run 0 event show 1 --json &&
	jqis "[.starts,.starts_unix,.ends,.ends_unix]|@csv" \
	  "\"2026-12-16T14:00:00+09:00\",1797397200,\"2026-12-16T17:00:00+09:00\",1797408000"'
ok "event show --json: RSVP deadline in the event's zone" \
	jqis '[.rsvp_by,.rsvp_by_unix]|@csv' '"2026-12-14T00:00:00+09:00",1797174000'
ok "event show --json: the other columns" \
	jqis '[.id,.uid,.tzid,.all_day,.capacity,.sequence,.state,.organizer,.organizer_name,.crashers,.message_id]|@csv' \
	'1,"ev1@lists.example.org","Asia/Seoul",false,3,3,"active","owner@example.com","김조직","accept","<a1@example.com>"'
ok "event show --json: text with quotes and newline round-trips" \
	eval 'jqis .location "한국항공우주연구원 4층" &&
	jqis .description "$(printf "준비물: \"노트북\"\n끝")"'
ok "event show --json: counts as event show prints them" \
	jqis '.counts|[.attending,.waiting,.declined,.tentative,.held]|@csv' \
	'2,3,1,1,1'
ok "event show --json: another zone keeps its own offset; no deadline is null" \
	eval 'run 0 event show 2 --json &&
	jqis "[.starts,.ends,.rsvp_by,.rsvp_by_unix,.location]|@json" \
	  "[\"2026-12-20T04:00:00+01:00\",\"2026-12-20T05:30:00+01:00\",null,null,null]"'
ok "event show text: headcounts, crashers policy and lists" \
	eval 'run 0 event show 1 && out_has "^attending: 2$" &&
	out_has "^waiting: 3$" && out_has "^declined: 1$" &&
	out_has "^tentative: 1$" && out_has "^held: 1$" &&
	out_has "^crashers: accept$" && out_has "^lists: $L, $L2$"'
ok "event show of an unknown event exits 1" \
	eval 'run 1 event show 99 --json && err_has "no such event"'

# --- event rsvps
ok "event rsvps --json: every answer in queue order" \
	eval 'run 0 event rsvps 1 --json &&
	jqis "[.[].address]|join(\" \")" \
	  "d@example.net e@example.net a@example.net b@example.net c@example.net erin@example.net"'
ok "event rsvps --json: fields of one answer" \
	jqis '.[2]|[.address,.display_name,.answer,.headcount,.status,.source,.updated,.updated_unix]|@csv' \
	'"a@example.net","김민지","accepted",2,"attending","imip","2026-11-26T10:00:00+09:00",1795654800'
ok "event rsvps --json: waitlist positions, null for the others" \
	jqis '[.[].waitlist_position]|@json' '[null,null,null,1,2,null]'
escaped() { # the name with ESC comes back whole, never raw on stdout
	jqis '.[3].display_name' $'Bad\e[31m' && ! grep -q $'\e' "$T/out" &&
		grep -qF '"Bad\u001b[31m"' "$T/out"
}
ok "event rsvps --json: a control character in a name is escaped, kept" \
	escaped
ok "event rsvps --csv still works" \
	eval 'run 0 event rsvps 1 --csv &&
	out_has "^address,name,answer,headcount,status,source,updated" &&
	out_has "^b@example.net,Bad?\[31m,accepted,1,waitlist,text,"'
ok "event rsvps --csv --json is a usage error" \
	eval 'run 2 event rsvps 1 --csv --json && err_has "exclude" &&
	err_has "usage: moimctl"'

# --- the crashers policy
ok "update crashers=hold: stored, SEQUENCE unchanged" \
	eval 'run 0 event update 1 crashers=hold &&
	out_has "^crashers of 1: hold$" &&
	[ "$(sql "SELECT crasher_policy, sequence FROM events WHERE id = 1")" = "hold|3" ]'
ok "event show --json reports the new policy" \
	eval 'run 0 event show 1 --json && jqis .crashers hold &&
	jqis .sequence 3'
ok "update crashers=bogus exits 1 naming the value; nothing changes" \
	eval 'run 1 event update 1 crashers=bogus && err_has "bogus" &&
	err_has "accept, hold or refuse" &&
	[ "$(sql "SELECT crasher_policy FROM events WHERE id = 1")" = hold ]'
ok "an unknown key names crashers among the keys" \
	eval 'run 1 event update 1 colour=blue && err_has "crashers"'
ok "crashers with a change attendees see raises SEQUENCE once" \
	eval 'run 0 event update 2 crashers=refuse capacity=10 &&
	out_has "^updated 2 sequence 1$" &&
	[ "$(sql "SELECT crasher_policy, capacity, sequence FROM events WHERE id = 2")" = "refuse|10|1" ]'

# --- promote an answer held from someone not invited
ok "promote of a held answer succeeds" \
	eval 'run 0 event promote 1 erin@example.net &&
	out_has "^promoted erin@example.net$"'
erin() {
	sql "SELECT answer, headcount, status, source, display_name
	  FROM rsvps WHERE address = 'erin@example.net'"
}
ok "the held answer now has a forced seat (admitted, by moimctl)" \
	eval '[ "$(erin)" = "accepted|1|admitted|moimctl|Erin" ]'
ok "and counts as attending, beyond the capacity, no longer held" \
	eval 'run 0 event show 1 --json &&
	jqis ".counts|[.attending,.held]|@csv" "3,0" && jqis .sequence 3'
ok "promote of a waiting answer still works" \
	eval 'run 0 event promote 1 b@example.net &&
	run 0 event rsvps 1 --json &&
	jqis "[.[]|select(.address == \"b@example.net\")|.status,.waitlist_position]|@json" \
	  "[\"promoted\",null]" &&
	jqis "[.[]|select(.address == \"c@example.net\")|.waitlist_position]|@json" "[1]"'

if [ $n != 30 ]; then
	echo "not ok $((n + 1)) - plan says 30, ran $n"
	failed=$((failed + 1))
fi
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
