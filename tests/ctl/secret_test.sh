#!/bin/bash
# secret_test.sh - moimctl secret: the HMAC key file made before the
# daemon starts, given to its user, and never rewritten.
#
# Prints TAP for automake's tap-driver. Runs the built moimctl
# ($top_builddir/ctl/moimctl) on a config whose secret_file is in a
# temporary directory. As root it also gives the key to the moim user
# (tools/deps.sh makes it; without it that case is skipped); otherwise
# --owner names the user running the test.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

builddir=${top_builddir:-${1:-.}}
M=$builddir/ctl/moimctl
if [ ! -x "$M" ]; then
	echo "1..0 # SKIP $M not built"
	exit 0
fi
T=$(mktemp -d /tmp/moimctl-secret.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
echo "1..12"

S=$T/etc/secret
mkdir -p "$T/etc"
cat >"$T/t.conf" <<EOF
[moim]
database = $T/moim.db
domains = lists.example.org
secret_file = $S
EOF

# mode_owner FILE - "MODE UID:GID" of FILE
mode_owner() { stat -c '%a %u:%g' "$1"; }

created()
{
	run 0 secret || return 1
	out_has "^secret $S: created, mode 0600, owner $(id -un):$(id -gn)\$" &&
		[ "$(mode_owner "$S")" = "600 $(id -u):$(id -g)" ] &&
		grep -Eqx '[0-9a-f]{64}' "$S" && cp "$S" "$T/first" &&
		# The verb needs no database: none is made.
		[ ! -e "$T/moim.db" ]
}
ok "secret creates the key file 0600 with a random key" created

present()
{
	run 0 secret && out_has "^secret $S: present, mode 0600, " &&
		cmp -s "$S" "$T/first"
}
ok "a second run finds it present and keeps the key" present

# The user the key goes to: moim as root (a real change of owner),
# otherwise ourselves (no change is needed, none is refused).
if [ "$(id -u)" = 0 ] && getent passwd moim >/dev/null; then
	U=moim
else
	U=$(id -un)
fi
owned()
{
	run 0 secret --owner "$U" &&
		out_has "^secret $S: present, mode 0600, owner $U:$(id -gn "$U")\$" &&
		[ "$(mode_owner "$S")" = "600 $(id -u "$U"):$(id -g "$U")" ] &&
		cmp -s "$S" "$T/first"
}
ok "--owner $U gives it to $U and $U's primary group, key kept" owned

unknown()
{
	run 1 secret --owner nobody-such && err_has "no such user: nobody-such" &&
		[ ! -s "$T/out" ] && cmp -s "$S" "$T/first"
}
ok "--owner of an unknown user exits 1, naming it" unknown

wide()
{
	chmod 0644 "$S" &&
		run 1 secret --owner "$U" && err_has "$S: mode 0644" &&
		err_has "want 0600" && [ ! -s "$T/out" ] &&
		[ "$(stat -c %a "$S")" = 644 ] && cmp -s "$S" "$T/first"
}
ok "a 0644 key is refused, named, and left as it is" wide
chmod 0600 "$S"

group_readable()
{
	chmod 0640 "$S" && run 1 secret && err_has "gives its group access"
}
ok "a 0640 key is refused too, saying who could read it" group_readable
chmod 0600 "$S"

# secret_at FILE - point the config's secret_file at FILE
secret_at()
{
	sed -i "s|^secret_file = .*|secret_file = $1|" "$T/t.conf"
}

short()
{
	printf 'short\n' >"$T/short" && chmod 0600 "$T/short" &&
		secret_at "$T/short" || return 1
	run 1 secret && err_has "shorter than" && [ "$(cat "$T/short")" = short ]
}
ok "a key the daemon would refuse (too short) is refused" short

linked()
{
	ln -s "$S" "$T/etc/link" && secret_at "$T/etc/link" || return 1
	run 1 secret --owner "$U" && err_has "symbolic link"
}
ok "a symbolic link in place of the key is refused" linked

nodir()
{
	secret_at "$T/none/secret" || return 1
	run 1 secret && err_has "$T/none/secret" && [ ! -e "$T/none" ]
}
ok "a missing directory exits 1, naming the path; nothing is made" nodir
secret_at "$S"

ok "an argument is a usage error" \
	eval 'run 2 secret extra && err_has "usage: moimctl .*secret \[--owner USER\]"'
ok "--owner needs a value" eval 'run 2 secret --owner && err_has "needs a value"'
ok "after all that the first key is still there, and accepted" \
	eval 'run 0 secret && out_has ": present, mode 0600, " &&
	cmp -s "$S" "$T/first"'

echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
