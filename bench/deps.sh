# deps.sh - sourced by the benches: install the Debian packages a bench
# needs, so that a bench runs on a fresh machine as it does here.
#
#	bench_install PKG...	install those of PKG that are missing;
#				false (with a line saying why) when that
#				cannot be done
# Postfix is preseeded with "No configuration" as tools/deps.sh does: the
# benches run private instances, never the system's.

# bench_install - install the missing ones of the named Debian packages
bench_install()
{
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "# needs root to install:$missing" >&2
		return 1
	fi
	echo "# installing$missing" >&2
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >/dev/null ||
		{ apt-get update -q >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends $missing >/dev/null; }
}
