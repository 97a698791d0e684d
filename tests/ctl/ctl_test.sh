#!/bin/bash
# ctl_test.sh - moimctl end to end on a temporary config and database.
#
# Prints TAP (1..N, ok/not ok) for automake's tap-driver. Needs jq; the
# postfix-config check needs postconf (and runs "postfix check" as root).
# The binary is $top_builddir/ctl/moimctl (make check sets top_builddir),
# or the first argument: ctl_test.sh /path/to/builddir.
set -u

builddir=${top_builddir:-${1:-.}}
M=$builddir/ctl/moimctl
T=$(mktemp -d /tmp/moimctl-test.XXXXXX)
# As root, moimctl drops to the moim user: let it write here.
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
echo "1..56"

# The real templates of the tree, so that check's list stays in step.
srcdir=${top_srcdir:-$(dirname "$0")/../..}
mkdir -p "$T/tpl"
cp -r "$srcdir/templates/ko" "$srcdir/templates/en" "$T/tpl/"
cat >"$T/t.conf" <<EOF
[moim]
database = $T/moim.db
domains = lists.example.org;lists.example.net
secret_file = $T/secret
templates = $T/tpl
[listd]
lmtp = 127.0.0.1:10024
EOF
L=ai-friends@lists.example.org

# --- lists
ok "list create with a Korean name and an owner" \
	run 0 list create $L --name "AI 프렌즈" --owner "Kim <Owner@Example.COM>"
ok "list show: name and owner count" \
	eval 'run 0 list show ai-friends --json &&
	[ "$(jq -r .name "$T/out")" = "AI 프렌즈" ] &&
	[ "$(jq -r .members "$T/out")" = 1 ] &&
	[ "$(jq -r .address "$T/out")" = "$L" ]'
ok "--owner is stored canonical with role owner" \
	eval 'run 0 member ls ai-friends --role owner --json &&
	[ "$(jq -c "[.[]|[.address,.name,.role]]" "$T/out")" = \
	  "[[\"owner@example.com\",\"Kim\",\"owner\"]]" ]'
ok "duplicate list fails" eval 'run 1 list create $L && err_has "exists"'
ok "non-list domain fails naming domain and config" \
	eval 'run 1 list create x@other.example && err_has "other.example" &&
	err_has "t.conf"'
ok "reserved suffix refused" \
	eval 'run 1 list create x-bounces@lists.example.org && err_has "-bounces"'
ok "'+' in list name refused" \
	eval 'run 1 list create "a+b@lists.example.org"'
ok "list create needs L@D" eval 'run 1 list create nodomain'
ok "list create --policy bad value fails, nothing created" \
	eval 'run 1 list create p@lists.example.org --policy nope &&
	run 1 list show p@lists.example.org && err_has "no such list"'
ok "same local part in a second domain" \
	run 0 list create ai-friends@lists.example.net --policy open
ok "ambiguous L names both candidates" \
	eval 'run 1 list show ai-friends && err_has "lists.example.net" &&
	err_has "lists.example.org"'
ok "list ls --json shows both with member counts" \
	eval 'run 0 list ls --json &&
	[ "$(jq -c "[.[]|[.address,.members,.policy]]" "$T/out")" = \
	  "[[\"ai-friends@lists.example.net\",0,\"open\"],[\"$L\",1,\"members\"]]" ]'
ok "list delete" eval 'run 0 list delete ai-friends@lists.example.net &&
	run 0 list show ai-friends'
ok "unknown list exits 1" \
	eval 'run 1 member ls nosuch && err_has "no such list: nosuch"'

# --- list set
ok "list set several keys" \
	eval 'run 0 list set ai-friends policy=moderated footer=no \
	subject_prefix="[AI]" && run 0 list show ai-friends --json &&
	[ "$(jq -r "[.policy,.footer,.subject_prefix]|join(\" \")" "$T/out")" \
	  = "moderated no [AI]" ]'
ok "list set with one bad value changes nothing" \
	eval 'run 1 list set ai-friends policy=open max_size=lots &&
	err_has max_size && run 0 list show ai-friends --json &&
	[ "$(jq -r .policy "$T/out")" = moderated ]'
ok "list set unknown key" \
	eval 'run 1 list set ai-friends colour=blue && err_has colour'
ok "list set without =" eval 'run 1 list set ai-friends policy'

# --- members
for i in $(seq 1 1000); do echo "user$i@example.com"; done | sort >"$T/want"
okadd=0
for s in $(seq 0 100 900); do
	mapfile -t batch < <(seq $((s + 1)) $((s + 100)) | sed 's/.*/User&@Example.com/')
	run 0 member add ai-friends "${batch[@]}" || okadd=1
done
ok "member add 1,000 in 10 calls" [ $okadd = 0 ]
ok "member ls --json lists exactly those 1,000" \
	eval 'run 0 member ls ai-friends --role member --json &&
	jq -r ".[].address" "$T/out" | sort | cmp -s - "$T/want"'
ok "member ls --json fields" \
	eval '[ "$(jq -c ".[0]|keys" "$T/out")" = \
	  "[\"address\",\"bounce_score\",\"enabled\",\"last_bounce\",\"last_bounce_kind\",\"last_bounce_reason\",\"last_bounce_status\",\"mode\",\"name\",\"policy_score\",\"role\",\"since\"]" ]'
ok "invalid address exits 1 naming it, valid ones added" \
	eval 'run 1 member add ai-friends "Ann <ann@example.org>" not-an-address \
	  bob@example.org &&
	err_has "member add: not-an-address: invalid address" &&
	run 0 member ls ai-friends --json &&
	[ "$(jq "[.[]|select(.address==\"ann@example.org\" or .address==\"bob@example.org\")]|length" "$T/out")" = 2 ]'
ok "display name kept, JSON escaped" \
	eval 'run 0 member add ai-friends "\"Q \\\"x\\\" 김\" <q@example.org>" &&
	run 0 member ls ai-friends --json &&
	[ "$(jq -r ".[]|select(.address==\"q@example.org\")|.name" "$T/out")" = "Q \"x\" 김" ]'
ok "existing member: note, exit 0" \
	eval 'run 0 member add ai-friends USER1@example.com &&
	err_has "already a member"'
ok "--role and --mode" \
	eval 'run 0 member add ai-friends mod@example.org --role moderator \
	  --mode digest && run 0 member ls ai-friends --role moderator --json &&
	[ "$(jq -c "[.[]|[.address,.mode]]" "$T/out")" = \
	  "[[\"mod@example.org\",\"digest\"]]" ]'
ok "bad --mode exits 1" eval 'run 1 member add ai-friends z@example.org --mode x'
ok "member rm" eval 'run 0 member rm ai-friends user1@example.com bob@example.org &&
	run 0 member ls ai-friends --json &&
	[ "$(jq "[.[]|select(.address==\"user1@example.com\")]|length" "$T/out")" = 0 ]'
ok "member rm of a non-member exits 1 naming it" \
	eval 'run 1 member rm ai-friends nobody@example.org &&
	err_has "nobody@example.org: not a member"'

# --- bounce state: member ls --json and member show (text, --json) give
# the bounce score, the last bounce's time, kind, status and reason, and
# role, mode and since. The bounces are rows as moim-listd writes them
# (bounce_apply: a row in bounces, the score in members).
run 0 member add ai-friends gone@example.org ok@example.org ||
	echo "# setup failed" >&2
# 2026-11-03T00:00:00Z and 2026-11-04T00:00:00Z
sqlite3 "$T/moim.db" "UPDATE members SET bounce_score = 2, policy_score = 1,
	bounce_updated = 1793750400 WHERE address = 'gone@example.org';
	INSERT INTO bounces (list_id, member_id, address, received, kind,
	  status, diagnostic)
	SELECT list_id, id, address, 1793664000, 'policy', '5.7.1', 'spam'
	FROM members WHERE address = 'gone@example.org';
	INSERT INTO bounces (list_id, member_id, address, received, kind,
	  status, diagnostic)
	SELECT list_id, id, address, 1793750400, 'permanent', '5.1.1',
	  '550 5.1.1 <gone@example.org>: user unknown'
	FROM members WHERE address = 'gone@example.org';"

g() { jq -r ".[]|select(.address==\"$1\")|.$2" "$T/out"; }
ok "member ls --json: score, last bounce time, kind, status, reason" \
	eval 'run 0 member ls ai-friends --json &&
	[ "$(g gone@example.org bounce_score)" = 2 ] &&
	[ "$(g gone@example.org policy_score)" = 1 ] &&
	[ "$(g gone@example.org last_bounce)" = 2026-11-04T00:00:00Z ] &&
	[ "$(g gone@example.org last_bounce_kind)" = permanent ] &&
	[ "$(g gone@example.org last_bounce_status)" = 5.1.1 ] &&
	[ "$(g gone@example.org last_bounce_reason)" = "550 5.1.1 <gone@example.org>: user unknown" ]'
ok "member ls --json: a member without bounces has null and 0" \
	eval '[ "$(g ok@example.org last_bounce)" = null ] &&
	[ "$(g ok@example.org bounce_score)" = 0 ] &&
	[ "$(g ok@example.org last_bounce_reason)" = null ]'
ok "member ls --json: since is the time the member was added" \
	eval '[[ "$(g ok@example.org since)" =~ ^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T ]]'
ok "member show --json: the same object, with role and mode" \
	eval 'run 0 member show ai-friends GONE@example.org --json &&
	[ "$(jq -r .last_bounce_status "$T/out")" = 5.1.1 ] &&
	[ "$(jq -r .role "$T/out")" = member ] &&
	[ "$(jq -r .mode "$T/out")" = regular ] &&
	[ "$(jq -r .enabled "$T/out")" = true ] &&
	[ "$(jq -r .bounce_score "$T/out")" = 2 ]'
ok "member show: text" \
	eval 'run 0 member show ai-friends gone@example.org &&
	out_has "^address: gone@example.org$" &&
	out_has "^role: member$" && out_has "^mode: regular$" &&
	out_has "^since: 20" && out_has "^bounce score: 2.000$" &&
	out_has "^last bounce: 2026-11-04T00:00:00Z$" &&
	out_has "^last bounce kind: permanent$" &&
	out_has "^last bounce status: 5.1.1$" &&
	out_has "^last bounce reason: 550 5.1.1 <gone@example.org>: user unknown$"'
ok "member show: no bounce yet" \
	eval 'run 0 member show ai-friends ok@example.org && out_has "^last bounce: -$"'
ok "member show of a non-member exits 1 naming it" \
	eval 'run 1 member show ai-friends nobody@example.org &&
	err_has "nobody@example.org: not a member"'
ok "member show of an unknown list exits 1" \
	eval 'run 1 member show nosuch gone@example.org &&
	err_has "no such list: nosuch"'
sqlite3 "$T/moim.db" "UPDATE bounces SET diagnostic = 'a' || char(27) || '[2Jb'
	WHERE status = '5.1.1'"
ok "member show: a reason from a bounce cannot drive the terminal" \
	eval 'run 0 member show ai-friends gone@example.org &&
	out_has "^last bounce reason: a?\[2Jb$"'

# --- import
cat >"$T/plain.txt" <<'EOF'
# exported from somewhere
one@import.example
not an address at all

"Park Ji" <two@import.example>
=?UTF-8?B?7ZWc6rWt7Ja0?= <three@import.example>
user2@example.com
EOF
ok "import: bad line 3 reported as FILE:3:, rest imported" \
	eval 'run 1 member import ai-friends "$T/plain.txt" &&
	err_has "plain.txt:3:" && out_has "imported 3, already members 1, bad 1"'
ok "import: RFC 2047 name decoded" \
	eval 'run 0 member ls ai-friends --json &&
	[ "$(jq -r ".[]|select(.address==\"three@import.example\")|.name" "$T/out")" = "한국어" ]'
printf 'a@x.example\n\nb@x.example\nbad line\n' >"$T/b3.txt"
ok "import: line numbers count blank lines (:4:)" \
	eval 'run 1 member import ai-friends "$T/b3.txt" && err_has "b3.txt:4:"'
mkdir -p "$T/mlmmj/subscribers.d" "$T/mlmmj/digesters.d" "$T/mlmmj/nomailsubs.d"
printf 'm1@mlmmj.example\nm2@mlmmj.example\n' >"$T/mlmmj/subscribers.d/m"
printf 'n1@mlmmj.example\n' >"$T/mlmmj/subscribers.d/n"
printf 'd1@mlmmj.example\n' >"$T/mlmmj/digesters.d/d"
printf 'x1@mlmmj.example\n' >"$T/mlmmj/nomailsubs.d/x"
ok "import: mlmmj directory with modes" \
	eval 'run 0 member import ai-friends "$T/mlmmj" &&
	out_has "imported 5, already members 0, bad 0" &&
	run 0 member ls ai-friends --json &&
	[ "$(jq -c "[.[]|select(.address|endswith(\"mlmmj.example\"))|[.address,.mode]]|sort" "$T/out")" = \
	  "[[\"d1@mlmmj.example\",\"digest\"],[\"m1@mlmmj.example\",\"regular\"],[\"m2@mlmmj.example\",\"regular\"],[\"n1@mlmmj.example\",\"regular\"],[\"x1@mlmmj.example\",\"nomail\"]]" ]'
ok "import: a directory that is not mlmmj's fails" \
	eval 'run 1 member import ai-friends "$T/tpl" && err_has "mlmmj"'
cat >"$T/mailman.txt" <<'EOF'
mm1@mailman.example
"Choi, Min" <mm2@mailman.example>
Kang Dae <mm3@mailman.example>
mm4@mailman.example (Yoon Seo)
EOF
ok "import: Mailman list_members output from stdin" \
	eval 'run 0 member import ai-friends - <"$T/mailman.txt" &&
	out_has "imported 4, already members 0, bad 0" &&
	run 0 member ls ai-friends --json &&
	[ "$(jq -r ".[]|select(.address==\"mm2@mailman.example\")|.name" "$T/out")" = "Choi, Min" ] &&
	[ "$(jq -r ".[]|select(.address==\"mm4@mailman.example\")|.name" "$T/out")" = "Yoon Seo" ]'
ok "import: missing file exits 1" \
	eval 'run 1 member import ai-friends "$T/nonexistent"'
run 0 list create big@lists.example.org >/dev/null
seq 1 10000 | sed 's/.*/big&@example.net/' >"$T/big.txt"
ok "import: 10,000 addresses" \
	eval 'run 0 member import big "$T/big.txt" &&
	out_has "imported 10000, already members 0, bad 0" &&
	run 0 list show big --json && [ "$(jq .members "$T/out")" = 10000 ]'

# --- moderation queue (empty here: listd fills it)
ok "mod ls --json on an empty queue" \
	eval 'run 0 mod ls ai-friends --json && [ "$(jq length "$T/out")" = 0 ]'
held_ok() {
	sqlite3 "$T/moim.db" "INSERT INTO held (list_id, sender, subject,
	  reason, raw, created, expires) SELECT id, 'x@y.example',
	  '회의' || char(27) || '[31m', 'non-member', x'00', 0, 86400
	  FROM lists WHERE local = 'ai-friends'" || return 1
	run 0 mod ls ai-friends --json &&
		[ "$(jq -r '.[0].subject' "$T/out")" = $'회의\e[31m' ] &&
		run 0 mod ls ai-friends && out_has $'회의?\\[31m' &&
		! grep -q $'\e' "$T/out"
}
if command -v sqlite3 >/dev/null; then
	ok "mod ls: held post; escape sequences neutralised in text" held_ok
else
	n=$((n + 1))
	echo "ok $n - # SKIP sqlite3 not installed"
fi

# --- usage and config errors
ok "unknown verb exits 2" eval 'run 2 frobnicate && err_has usage'
ok "unknown option exits 2" eval 'run 2 list ls --colour'
ok "missing argument exits 2" eval 'run 2 member add ai-friends'
cp "$T/t.conf" "$T/good.conf"
printf '[moim]\nflavour = vanilla\n' >"$T/t.conf"
ok "unknown config key exits 1 naming it" \
	eval 'run 1 list ls && err_has flavour'
cp "$T/good.conf" "$T/t.conf"

# --- postfix-config, checked by Postfix itself
P=$T/pf
mkdir -p "$P"
postfix_ok() {
	run 0 postfix-config || return 1
	awk '/^# ---- main.cf/{s=1;next} /^# ---- master.cf/{s=2;next} s==1' \
		"$T/out" >"$P/main.cf"
	awk '/^# ---- master.cf/{s=1;next} s==1' "$T/out" >"$T/master.part"
	printf '%s\n' 'smtp inet n - n - - smtpd' >"$P/master.cf"
	cat "$T/master.part" >>"$P/master.cf"
	postconf -c "$P" -n >"$T/pc.out" 2>"$T/pc.err" &&
		postconf -c "$P" -M >>"$T/pc.out" 2>>"$T/pc.err" &&
		postconf -c "$P" -P >>"$T/pc.out" 2>>"$T/pc.err" &&
		! [ -s "$T/pc.err" ] &&
		grep -q '^transport_maps = inline:{ lists.example.org=lmtp:inet:127.0.0.1:10024, lists.example.net=lmtp:inet:127.0.0.1:10024 }$' "$T/pc.out" &&
		grep -q '^smtpd_milters = unix:/run/moim/milter.sock$' "$T/pc.out" &&
		grep -q '^milter_default_action = tempfail$' "$T/pc.out" &&
		grep -q '^127.0.0.1:10026/inet/smtpd_milters =$' "$T/pc.out"
}
if command -v postconf >/dev/null || [ -x /usr/sbin/postconf ]; then
	PATH=$PATH:/usr/sbin
	ok "postfix-config accepted by postconf -n/-M/-P, no warnings" \
		postfix_ok
else
	n=$((n + 1))
	echo "ok $n - # SKIP postconf not installed"
fi

# --- check
ok "check passes on a good setup" \
	eval 'run 0 check && out_has "^ok database" && ! out_has FAIL'
rm "$T/tpl/en/help.txt"
ok "check names a missing template" \
	eval 'run 1 check && out_has "^FAIL templates .*/en: missing help.txt"'
echo secret >"$T/secret" && chmod 0644 "$T/secret"
ok "check fails on a 0644 secret" \
	eval 'run 1 check && out_has "^FAIL secret"'
chmod 0600 "$T/secret"
rm -rf "$T/tpl"
ok "check fails when the templates dir is missing" \
	eval 'run 1 check && out_has "^FAIL templates"'

if [ $n != 56 ]; then
	echo "not ok $((n + 1)) - plan says 56, ran $n"
	failed=$((failed + 1))
fi
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
