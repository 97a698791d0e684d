#!/bin/bash
# example_conf_test.sh - doc/moim.conf.example is a valid moim.conf, and
# doc/postfix-setup.md carries moimctl postfix-config's output for it
# verbatim, so that the guide and the program cannot drift apart; the
# same for moimctl web-config's output (with the example's base_url set)
# and doc/web-setup.md.
#
# Prints TAP for automake's tap-driver. Runs the built moimctl
# ($top_builddir/ctl/moimctl) on the example as shipped (config_load must
# accept every key), on a copy with one key misspelt (it must not), and,
# with "check", on a copy whose paths point into a temporary directory.
# The one line of postfix-config's output that names the config file is
# compared with the path the guide uses, /etc/moim/moim.conf.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$src}
M=$builddir/ctl/moimctl
EX=$src/doc/moim.conf.example
GUIDE=$src/doc/postfix-setup.md

if [ ! -x "$M" ]; then
	echo "1..0 # SKIP $M not built"
	exit 0
fi
T=$(mktemp -d /tmp/moim-example.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# As root, moimctl drops to the moim user: let it write here.
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	chown moim:moim "$T" || exit 1
fi
echo "1..8"

. "$(dirname "$0")/lib.sh"

# diag_file FILE - print a file as TAP comments
diag_file()
{
	sed 's/^/# /' "$1"
}

# 1. the example as shipped loads: postfix-config fails on any config error
loads()
{
	"$M" -c "$EX" postfix-config >"$T/pf.out" 2>"$T/pf.err" && return 0
	diag_file "$T/pf.err"
	return 1
}
ok "moimctl accepts doc/moim.conf.example" loads

# 2. the same file with one key misspelt is refused, naming the key
refused()
{
	sed 's/^connections = /connexions = /' "$EX" >"$T/bad.conf"
	grep -q '^connexions = ' "$T/bad.conf" || return 1
	if "$M" -c "$T/bad.conf" postfix-config >/dev/null 2>"$T/bad.err"; then
		echo "# a misspelt key was accepted"
		return 1
	fi
	grep -q 'connexions' "$T/bad.err" || {
		diag_file "$T/bad.err"
		return 1
	}
}
ok "a misspelt key in the example is refused" refused

# 3. moimctl check passes on the example with only its paths changed
checks()
{
	sed -e "s|^database = .*|database = $T/moim.db|" \
		-e "s|^secret_file = .*|secret_file = $T/secret|" \
		-e "s|^templates = .*|templates = $src/templates|" \
		"$EX" >"$T/moim.conf"
	"$M" -c "$T/moim.conf" check >"$T/check.out" 2>&1 &&
		! grep -v '^ok ' "$T/check.out" && return 0
	diag_file "$T/check.out"
	return 1
}
ok "moimctl check passes on the example (paths changed only)" checks

# The output as the guide shows it: for /etc/moim/moim.conf.
want_output()
{
	sed "1s|, from $EX\.\$|, from /etc/moim/moim.conf.|" "$T/pf.out" \
		>"$T/want"
	head -n 1 "$T/want" | grep -q 'from /etc/moim/moim.conf\.$'
}
ok "postfix-config names the config on its first line" want_output

# 4. every line of the output is a line of the guide
lines_in_guide()
{
	local line missing=0
	while IFS= read -r line; do
		grep -Fxq -- "$line" "$GUIDE" && continue
		echo "# missing from the guide: $line"
		missing=1
	done <"$T/want"
	[ -s "$T/want" ] && [ $missing = 0 ]
}
ok "every line of postfix-config's output is in postfix-setup.md" \
	lines_in_guide

# 5. and they stand there together, in the same order
block_in_guide()
{
	awk 'NR == FNR { want[++n] = $0; next }
	     { got[++m] = $0 }
	     END {
		for (i = 1; i + n - 1 <= m; i++) {
			for (j = 1; j <= n && got[i + j - 1] == want[j]; j++)
				;
			if (j > n)
				exit 0
		}
		exit 1
	     }' "$T/want" "$GUIDE"
}
ok "postfix-setup.md shows the whole output as one block" block_in_guide

# 7, 8. web-config's output for the example with its base_url set, as
# doc/web-setup.md shows it: every line, and as one block
WEBGUIDE=$src/doc/web-setup.md
web_output()
{
	sed 's|^#base_url = |base_url = |' "$EX" >"$T/web.conf"
	grep -q '^base_url = https://' "$T/web.conf" || return 1
	"$M" -c "$T/web.conf" web-config >"$T/web.out" 2>"$T/web.err" || {
		diag_file "$T/web.err"
		return 1
	}
	sed "1s|, from $T/web\.conf\.\$|, from /etc/moim/moim.conf.|" \
		"$T/web.out" >"$T/want"
	head -n 1 "$T/want" | grep -q 'from /etc/moim/moim.conf\.$' &&
		grep -q '^# ---- nginx ----$' "$T/want" &&
		grep -q '^# ---- Apache ----$' "$T/want"
}
ok "web-config prints nginx and Apache parts for the example" web_output
web_in_guide()
{
	GUIDE=$WEBGUIDE
	lines_in_guide && block_in_guide
}
ok "doc/web-setup.md shows web-config's whole output as one block" \
	web_in_guide

echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
