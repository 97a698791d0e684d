#!/bin/bash
# pg_migrate_test.sh - moimctl migrate --to postgresql://... (issue 16):
# a SQLite store filled through a real Postfix and moim-listd, copied into
# a private PostgreSQL cluster, reads the same on both.
#
# The store is filled the way the demo fills it: two lists (Korean and
# English) made with moimctl, members in every delivery mode and role,
# topics a member follows, an event with weekly sessions announced by the
# owner by mail, answers by command for the series and for one session,
# a subscription waiting for its token, a post held for moderation,
# posts archived, a digest member's queue, copies queued for the relay
# (nothing listens there), and an archive of PG_MIGRATE_MESSAGES
# (default 500) generated messages imported with moimctl (with progress
# shown on a terminal, under script(1), and not otherwise). moim-listd is
# stopped, then:
#  - migrate prints nothing on stderr when it is not a terminal and one
#    line per table; each count equals sqlite3's and psql's, and the
#    tables that the data above fills are not empty;
#  - archive export gives the same mbox bytes from both; held and queued
#    messages are byte-identical;
#  - moimctl with the PostgreSQL database gives the same --json output as
#    with SQLite for list ls/show, member ls, mod ls, event ls/show/rsvps
#    and the same matches (set and total) for archive searches in Korean
#    and English (ranked order may differ: moim.conf(5));
#  - the copied ids moved the sequences on: a new list and member work;
#  - a second migrate into the same database is refused, as is a
#    database holding another application's table;
#  - on a terminal, migrate shows its progress.
# The time of the migrate and its rate are printed as diagnostics; run
# with PG_MIGRATE_MESSAGES=20000 by hand for the issue's 20,000 messages.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/e2e/lib.sh"
. "$(dirname "$0")/e2e/moim.sh"

N_ARCHIVE=${PG_MIGRATE_MESSAGES:-500}
# The source is SQLite whatever engine the other e2e tests run on.
MOIM_E2E_ENGINE=sqlite MOIM_E2E_DATABASE=

e2e_init pg_migrate
command -v jq >/dev/null || skip_all "jq not installed (tools/deps.sh)"
command -v script >/dev/null || skip_all "script(1) not installed"
command -v psql >/dev/null || skip_all "psql not installed"
pg_err=$E2E_DIR/pg.err
PG_URI=$(sh "$top_srcdir/tests/pg.sh" start 2>"$pg_err")
case $? in
0) ;;
77) skip_all "no PostgreSQL test cluster: $(cat "$pg_err")" ;;
*) bail_out "tests/pg.sh start failed: $(tail -3 "$pg_err")" ;;
esac
trap 'st=$?; sh "$top_srcdir/tests/pg.sh" stop "$PG_URI" >/dev/null 2>&1
	(exit $st); _e2e_cleanup' EXIT
plan 43

moim_setup
pf_start || bail_out "postfix did not start"
D=$E2E_LIST_DOMAIN
L=study
LA=$L@$D
E=tech
EA=$E@$D
ORG=org@example.net
DB=$E2E_DIR/db/moim.db
REQ=$L-request@$D

moimctl list create "$LA" --name "논문 읽기" --owner $ORG >/dev/null &&
	moimctl list create "$EA" --name "Tech talk" --language en \
		--policy moderated --owner $ORG >/dev/null ||
	bail_out "list create"
moimctl member add $L a@example.net b@example.net c@example.net >/dev/null &&
	moimctl member add $L d@example.net --mode digest >/dev/null &&
	moimctl member add $L e@example.net --mode nomail >/dev/null &&
	moimctl member add $L mod@example.net --role moderator >/dev/null &&
	moimctl member add $E a@example.net x@example.com >/dev/null &&
	moimctl list set $L "topics=세미나 공지" >/dev/null ||
	bail_out "member add"
listd_start || bail_out "moim-listd did not start"

# --- fill the store through Postfix and moim-listd
when=$(TZ=Asia/Seoul date -d '+2 days' '+%Y-%m-%d')
post_as_owner_text $ORG "$LA" "논문 읽기 모임" "행사: 논문 읽기
일시: ${when}부터 매주 19:30-21:00
반복: 총 4회
장소: 세미나실
정원: 3명" || bail_out "event post"
t_ok "the announcement reaches a" wait_subject a@example.net "논문 읽기 모임"
EV=$(moimctl event ls $L | cut -f1)
moimctl member add $L f@example.net >/dev/null || bail_out "member add f"
send_mail_text f@example.net "$REQ" "hello" "follow #세미나" || bail_out "send"
t_ok "f is asked to confirm following a topic" maildir_wait f@example.net 1 30
t_ok "f confirms" reply_confirm f@example.net
t_ok "f's follow is stored" e2e_poll 30 \
	'[ "$(sqlite3 -readonly "$DB" "SELECT count(*) FROM member_topics")" = 1 ]'
send_mail_text b@example.net "$REQ" "rsvp" "rsvp $EV yes" &&
	send_mail_text c@example.net "$REQ" "rsvp" "rsvp $EV no" &&
	send_mail_text a@example.net "$REQ" "rsvp" "rsvp $EV@$when yes" &&
	send_mail_text new@example.org "$L-subscribe@$D" "subscribe" "" &&
	send_mail_text x@example.com "$EA" "Held for review" "Please look." &&
	send_mail_text a@example.net "$LA" "[세미나] 다음 모임 자료" \
		"대전에서 모임 자료를 공유합니다. See the library notes." &&
	send_mail_text b@example.net "$LA" "Re: 다음 모임 자료" \
		"The library opens at nine. 모임에서 뵙겠습니다." ||
	bail_out "send"
t_ok "the posts are archived" e2e_poll 30 \
	'[ "$(moimctl archive search $L library --json | jq .total)" = 2 ]'
t_ok "the post to the moderated list is held" e2e_poll 30 \
	'[ "$(moimctl mod ls $E --json | jq length)" = 1 ]'

# Generated archive: import shows progress on a terminal only.
mkdir -p "$E2E_DIR/arch"
python3 "$top_srcdir/bench/gen_archive.py" "$E2E_DIR/arch" "$N_ARCHIVE" \
	>/dev/null || bail_out "gen_archive.py"
chown -R moim "$E2E_DIR/arch"
awk '/^From /{n++} n <= 50' "$E2E_DIR/arch/corpus.mbox" >"$E2E_DIR/part.mbox"
moimctl archive import $E "$E2E_DIR/part.mbox" >"$E2E_DIR/imp.out" \
	2>"$E2E_DIR/imp.err"
t_is "$(cat "$E2E_DIR/imp.err")" "" "archive import: nothing on stderr off a terminal"
# on_tty OUT ARGS... - moimctl ARGS on a pseudo-terminal (script(1)); what
#	the terminal showed in OUT, carriage returns as line ends
on_tty()
{
	local out=$1
	shift
	script -qec "$(printf '%q ' "$MOIMCTL" -c "$MOIM_CONF" "$@")" /dev/null \
		</dev/null | tr '\r' '\n' >"$out"
}
on_tty "$E2E_DIR/imp.tty" archive import $E "$E2E_DIR/arch/corpus.mbox"
t_like "$(cat "$E2E_DIR/imp.tty")" \
	"moimctl: archive import: [0-9]* messages.*, in [0-9]*:[0-9][0-9]" \
	"archive import: progress on a terminal"
t_like "$(cat "$E2E_DIR/imp.tty")" "$N_ARCHIVE messages read" \
	"archive import: every generated message read"
skipped=$(TZ=Asia/Seoul date -d "$when +14 days" +%Y-%m-%d)
t_ok "the third session is skipped" eval 'moimctl event skip $EV "$skipped" >/dev/null'
t_ok "moim-listd settles" moim_settle 60
listd_stop

# --- migrate
N=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM messages")
t0=$(date +%s.%N)
moimctl migrate --to "$PG_URI" >"$E2E_DIR/mig.out" 2>"$E2E_DIR/mig.err"
rc=$?
t1=$(date +%s.%N)
t_is "$rc" 0 "migrate exits 0"
t_is "$(cat "$E2E_DIR/mig.err")" "" "migrate: nothing on stderr off a terminal"
t_like "$(tail -1 "$E2E_DIR/mig.out")" "archived messages indexed, .*: counts equal" \
	"migrate says the counts are equal"
diag "migrate: $N messages in $(echo "$t1 - $t0" | bc) s," \
	"$(echo "$N / ($t1 - $t0)" | bc) messages/s;" \
	"$(tail -1 "$E2E_DIR/mig.out")"

pg() { psql -X -q -At "$PG_URI" -c "$1"; }
bad=
while read -r table n; do
	[ "$table" = migrated ] && continue
	a=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM \"$table\"")
	b=$(pg "SELECT count(*) FROM \"$table\"")
	[ "$a" = "$n" ] && [ "$b" = "$n" ] || bad="$bad $table:$a/$n/$b"
done <"$E2E_DIR/mig.out"
t_is "$bad" "" "every table: sqlite3's count = migrate's = psql's"
tables=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM sqlite_master
	WHERE type = 'table' AND name NOT LIKE 'sqlite%'
	AND name NOT LIKE 'messages_fts%'")
t_is "$(grep -vc '^migrated ' "$E2E_DIR/mig.out")" "$tables" \
	"every table of the SQLite schema was copied"
empty=
for t in lists list_settings members member_topics pending held events \
	event_lists event_sessions rsvps session_seats digest_queue outbound \
	deliveries messages message_refs threads; do
	[ "$(pg "SELECT count(*) > 0 FROM $t")" = t ] || empty="$empty $t"
done
t_is "$empty" "" "the data filled every table it should"
t_is "$(pg "SELECT count(DISTINCT message) FROM message_terms")" "$N" \
	"PostgreSQL's search terms built for every message"

# --- the same answers from both stores
PG_CONF=$E2E_DIR/etc/pg.conf
awk -v u="$PG_URI" '/^database = /{print "database = " u; next} {print}' \
	"$MOIM_CONF" >"$PG_CONF"
nt='if type == "object" then del(.took_ms) else . end'
# same TEXT ARGS... - moimctl --json gives the same on both stores
same()
{
	local what=$1 a b
	shift
	a=$(moimctl "$@" --json | jq -S "$nt")
	b=$("$MOIMCTL" -c "$PG_CONF" "$@" --json | jq -S "$nt")
	[ -n "$a" ] && [ "$a" != null ] || { diag "$what: no output"; return 1; }
	[ "$a" = "$b" ] && return 0
	diag "$what differs:"
	diff <(echo "$a") <(echo "$b") | head -20 | sed 's/^/# /'
	return 1
}
t_ok "list ls" same "list ls" list ls
t_ok "list show (Korean list, topics)" same "list show" list show $L
t_ok "member ls" same "member ls" member ls $L
t_ok "member ls of the English list" same "member ls" member ls $E
t_ok "mod ls: the held post" same "mod ls" mod ls $E
t_ok "event ls" same "event ls" event ls $L
t_ok "event show: sessions and counts" same "event show" event show $EV
t_ok "event rsvps" same "event rsvps" event rsvps $EV
# search Q [LIST] - the same matches (as a set) and total on both stores
search()
{
	local q=$1 l=${2:-$E} a b f='{total, hits: (.hits | sort_by(.message_id))}'
	a=$(moimctl archive search $l "$q" --json --limit 0 | jq -S "$f")
	b=$("$MOIMCTL" -c "$PG_CONF" archive search $l "$q" --json \
		--limit 0 | jq -S "$f")
	[ "$(jq .total <<<"$a")" -gt 0 ] || { diag "$q: no match"; return 1; }
	[ "$a" = "$b" ] || { diag "$q: $(jq -c .total <<<"$a") vs $(jq -c .total <<<"$b")"; return 1; }
}
t_ok "search 모임 (particles attached)" search 모임
t_ok "search 도깨비불 (rare)" search 도깨비불
t_ok "search 데이터베이스" search 데이터베이스
t_ok "search meeting" search meeting
t_ok "search \"next week\" (phrase)" search '"next week"'
t_ok "search database -budget" search 'database -budget'
t_ok "search 모임 on the Korean list (posts by mail)" search 모임 $L
t_ok "search library on the Korean list" search library $L

# export_same L - the list's archive as an mbox from both stores: the same bytes
export_same()
{
	local x=$E2E_DIR/export
	mkdir -p "$x" && chown moim "$x" &&
		moimctl archive export $1 "$x/lite.mbox" &&
		"$MOIMCTL" -c "$PG_CONF" archive export $1 "$x/pg.mbox" &&
		[ -s "$x/lite.mbox" ] && cmp "$x/lite.mbox" "$x/pg.mbox"
}
t_ok "archive export: the same bytes from both stores" export_same $E
# bytes TABLE - every raw message of TABLE in id order, hashed
bytes()
{
	local a b
	a=$(sqlite3 -readonly "$DB" "SELECT lower(hex(raw)) FROM $1 ORDER BY id" | md5sum)
	b=$(pg "SELECT encode(raw, 'hex') FROM $1 ORDER BY id" | md5sum)
	[ "$a" = "$b" ]
}
t_ok "held and queued messages: the same bytes" eval 'bytes held && bytes outbound'

# --- sequences moved on past the copied ids
t_ok "a new list on PostgreSQL" eval \
	'"$MOIMCTL" -c "$PG_CONF" list create new@$D >/dev/null'
t_ok "a new member on PostgreSQL" "$MOIMCTL" -c "$PG_CONF" member add \
	$L z@example.net
t_is "$(pg "SELECT count(*) FROM members WHERE address = 'z@example.net'")" 1 \
	"the member is stored"

# --- refusals
moimctl migrate --to "$PG_URI" >/dev/null 2>"$E2E_DIR/again.err"
t_like "$(cat "$E2E_DIR/again.err")" "not empty .events has 1 rows." \
	"a second migrate into the same database is refused"
pg "CREATE DATABASE other" && pg2=${PG_URI/\/moim\?//other?} &&
	psql -X -q "$pg2" -c "CREATE TABLE t (x int)" || bail_out "other db"
moimctl migrate --to "$pg2" >/dev/null 2>"$E2E_DIR/other.err"
t_like "$(cat "$E2E_DIR/other.err")" "not empty .1 tables, none of them moim's." \
	"a database with another application's table is refused"

# --- on a terminal: progress (no rate when the copy took under a second)
pg "CREATE DATABASE third" || bail_out "third db"
on_tty "$E2E_DIR/mig.tty" migrate --to "${PG_URI/\/moim\?//third?}"
t_like "$(grep -a 'migrate: copying' "$E2E_DIR/mig.tty" | tail -1)" \
	"copying: [0-9]* rows, ([0-9]*/s, )?in [0-9]*:[0-9][0-9]" \
	"migrate: progress of the copy on a terminal"
t_like "$(cat "$E2E_DIR/mig.tty")" "search index: $N messages" \
	"migrate: progress of the search index on a terminal"

t_done
