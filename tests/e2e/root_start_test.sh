#!/bin/bash
# root_start_test.sh - moim-listd, moim-milter and moimctl started by hand
# as root, as the README shows, on a fresh database.
#
# No unit sets a user or a umask here: the shell's umask is 022 and each
# program drops to [moim] user (moim) itself. Checked:
#  - refusals first, each one line on stderr naming user moim and the path
#    it cannot reach: a database directory moim cannot write (moim-listd
#    and moimctl, nothing created), a database root made 0644 before
#    (the old way: moim-listd then ran and delivered nothing), a secret
#    of root's 0600, a database moim cannot read (moim-milter);
#  - then moim-listd on a database path that does not exist yet, in a
#    directory of moim's (as tmpfiles.d makes /var/lib/moim), a secret
#    path in root's directory (as /etc/moim), and its unix LMTP socket in
#    a directory moim can write (as /run/moim), where a symbolic link to
#    a file of root's was planted at the socket's name: the database and
#    its -wal and -shm files come out moim's with mode 0640, the secret
#    moim's 0600, the socket 0660 with group postfix, and the link's
#    target is untouched (mode, owner, content);
#  - moimctl (as root) then works on that database, which stays moim's;
#  - moim-milter with the same kind of planted link at its socket;
#  - moim works: Postfix's smtpd refuses an unknown list address through
#    moim-milter's socket, and a post given to moim-listd's unix LMTP
#    socket reaches the members through the test Postfix.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

MOIM_MILTER=${top_builddir}/milter/moim-milter
# This test is about a database file's owner and modes: SQLite's only.
MOIM_E2E_ENGINE=sqlite MOIM_E2E_DATABASE=
e2e_init root_start
e2e_require ctl/moimctl listd/moim-listd milter/moim-milter
getent passwd moim >/dev/null || skip_all "no moim user (tools/deps.sh)"
command -v swaks >/dev/null || skip_all "swaks not installed"
umask 022

D=$E2E_LIST_DOMAIN
STATE=$E2E_DIR/state # as /var/lib/moim: moim's, 0750
SOCK=$E2E_DIR/sock   # as /run/moim: moim can write it
RO=$E2E_DIR/rootonly # a directory moim cannot write
mkdir -p "$STATE" "$SOCK" "$RO" "$E2E_DIR/old" "$E2E_DIR/sockx" &&
	chown moim:moim "$STATE" "$SOCK" "$E2E_DIR/old" &&
	chmod 0750 "$STATE" && chmod 0755 "$SOCK" ||
	bail_out "cannot make the directories"
moim_setup "milter.socket=unix:$SOCK/milter.sock"
# The database not yet there, the secret in root's etc, LMTP on a unix
# socket in $SOCK.
sed -i -e "s|^database = .*|database = $STATE/moim.db|" \
	-e "s|^lmtp = .*|lmtp = unix:$SOCK/lmtp.sock|" "$MOIM_CONF" ||
	bail_out "cannot edit $MOIM_CONF"

# conf_with NAME SED... - a copy of moim.conf changed by sed, its LMTP
# socket and secret elsewhere so that it never touches the real ones
conf_with()
{
	local f=$E2E_DIR/etc/$1.conf
	shift
	sed -e "s|^lmtp = .*|lmtp = unix:$E2E_DIR/sockx/lmtp.sock|" \
		-e "s|^secret_file = .*|secret_file = $E2E_DIR/sockx/secret|" \
		"$@" "$MOIM_CONF" >"$f" && echo "$f"
}

# refused WHAT CMD... - CMD exits 1 with exactly one line on stderr that
# names user moim and WHAT, the path moim cannot reach
refused()
{
	local what=$1 rc
	shift
	timeout 30 "$@" >"$E2E_DIR/out" 2>"$E2E_DIR/err" </dev/null
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$E2E_DIR/err")" = 1 ] &&
		grep -qF "running as user moim, who cannot $what" \
			"$E2E_DIR/err"; then
		diag "$(cat "$E2E_DIR/err")"
		return 0
	fi
	diag "exit $rc, want 1; stderr:"
	sed 's/^/#   /' "$E2E_DIR/err"
	return 1
}

# 1. Refusals, before anything is made.
c=$(conf_with ro -e "s|^database = .*|database = $RO/moim.db|")
t_ok "moim-listd refuses a database directory moim cannot write" \
	refused "write $RO:" "$MOIM_LISTD" -c "$c"
t_ok "moimctl says which user cannot write it" \
	refused "write $RO:" "$MOIMCTL" -c "$c" list ls
t_ok "moimctl check says it too" \
	eval 'timeout 30 "$MOIMCTL" -c "$c" check >"$E2E_DIR/out" 2>&1;
	grep -q "^FAIL .*running as user moim, who cannot write $RO:" "$E2E_DIR/out"'
t_is "$(ls -A "$RO")" "" "nothing was made there"

# The state the issue met: a database root made, 0644, in moim's
# directory; moim-listd used to run on it and deliver nothing.
python3 -c 'import sys, sqlite3
sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t (x)")' \
	"$E2E_DIR/old/moim.db" || bail_out "python3 sqlite3 failed"
chown root:root "$E2E_DIR/old/moim.db" && chmod 0644 "$E2E_DIR/old/moim.db"
c=$(conf_with old -e "s|^database = .*|database = $E2E_DIR/old/moim.db|")
t_ok "moim-listd refuses a database of root's 0644" \
	refused "write $E2E_DIR/old/moim.db:" "$MOIM_LISTD" -c "$c"

printf '%064d\n' 7 >"$E2E_DIR/etc/rootsecret" &&
	chmod 0600 "$E2E_DIR/etc/rootsecret"
c=$(conf_with secret -e "s|^secret_file = .*|secret_file = $E2E_DIR/etc/rootsecret|")
t_ok "moim-listd refuses a secret of root's 0600 it cannot read" \
	refused "read $E2E_DIR/etc/rootsecret:" "$MOIM_LISTD" -c "$c"

c=$(conf_with milter -e "s|^socket = unix:.*|socket = unix:$E2E_DIR/sockx/milter.sock|" \
	-e "s|^database = .*|database = $E2E_DIR/old/moim.db|")
chmod 0600 "$E2E_DIR/old/moim.db"
t_ok "moim-milter refuses a database moim cannot read" \
	refused "read $E2E_DIR/old/moim.db:" "$MOIM_MILTER" -c "$c"

t_ok "no database yet" test ! -e "$STATE/moim.db"
t_ok "no secret yet" test ! -e "$E2E_DIR/etc/secret"

# 2. A symbolic link to a file of root's, planted where the sockets go.
plant()
{
	printf 'root only\n' >"$E2E_DIR/$1" && chmod 0600 "$E2E_DIR/$1" &&
		ln -s "$E2E_DIR/$1" "$SOCK/$2" &&
		chown -h moim:moim "$SOCK/$2"
}
plant victim-lmtp lmtp.sock && plant victim-milter milter.sock ||
	bail_out "cannot plant the links"
# untouched FILE - mode, owner and content as planted
untouched()
{
	[ "$(stat -c '%a %U:%G' "$E2E_DIR/$1")" = "600 root:root" ] &&
		[ "$(cat "$E2E_DIR/$1")" = "root only" ]
}

# 3. moim-listd by hand, on the fresh database.
t_ok "moim-listd starts as root by hand" \
	eval 'e2e_daemon_start listd "$MOIM_LISTD" -f -c "$MOIM_CONF" &&
	e2e_wait_socket "$SOCK/lmtp.sock" 10'
# The database is made after the socket: wait until moim-listd is ready.
t_ok "moim-listd is ready" \
	e2e_poll 10 "grep -q 'ready:' '$E2E_DIR/log/listd.log'"
for f in moim.db moim.db-wal moim.db-shm; do
	t_is "$(stat -c '%U:%G %a' "$STATE/$f" 2>&1)" "moim:moim 640" \
		"$f is moim's, mode 0640"
done
t_is "$(stat -c '%U:%G %a' "$E2E_DIR/etc/secret" 2>&1)" "moim:moim 600" \
	"the secret is moim's, mode 0600"
t_is "$(stat -c '%F %a %G' "$SOCK/lmtp.sock" 2>&1)" "socket 660 postfix" \
	"the LMTP socket replaced the link: mode 0660, group postfix"
t_ok "the link's target is untouched" untouched victim-lmtp

# 4. moimctl by hand, as root.
t_ok "moimctl makes a list and its members" \
	eval '"$MOIMCTL" -c "$MOIM_CONF" list create "ai@$D" --name AI \
		--owner owner@example.net >/dev/null &&
	"$MOIMCTL" -c "$MOIM_CONF" member add ai alice@example.net \
		bob@example.com >/dev/null'
t_is "$(stat -c '%U:%G %a' "$STATE/moim.db")" "moim:moim 640" \
	"the database is still moim's, 0640"

# 5. moim-milter by hand.
t_ok "moim-milter starts as root by hand" \
	eval 'e2e_daemon_start milter "$MOIM_MILTER" -f -c "$MOIM_CONF" &&
	e2e_poll 10 "grep -q ready: $E2E_DIR/log/milter.log"'
t_is "$(stat -c '%F %a %G' "$SOCK/milter.sock" 2>&1)" "socket 660 postfix" \
	"the milter socket replaced the link: mode 0660, group postfix"
t_ok "the link's target is untouched" untouched victim-milter

# 6. They work: the milter through Postfix, a post through LMTP.
pf_start --milter "unix:$SOCK/milter.sock" || bail_out "postfix did not start"
mail_text alice@example.net "nope@$D" "x" "y" >"$E2E_DIR/msg/nope.eml"
t_ok "Postfix refuses an unknown list address through moim-milter" \
	send_mail_expect 550 alice@example.net "nope@$D" "$E2E_DIR/msg/nope.eml"
mail_text alice@example.net "ai@$D" "started by hand" "hello" \
	>"$E2E_DIR/msg/post.eml"
t_ok "moim-listd takes a post on its unix LMTP socket" \
	eval 'swaks --socket "$SOCK/lmtp.sock" --protocol LMTP \
		--from alice@example.net --to "ai@$D" \
		--data "$E2E_DIR/msg/post.eml" >"$E2E_DIR/swaks/lmtp.txt" 2>&1'
t_ok "bob gets the post" maildir_wait bob@example.com 1 30
t_is "$(grep -c 'readonly\|Permission denied' "$E2E_DIR/log/listd.log")" 0 \
	"moim-listd logged no database or permission error"

listd_stop
e2e_daemon_stop milter
t_ok "moim-listd removed its socket when it stopped" test ! -e "$SOCK/lmtp.sock"
t_done
