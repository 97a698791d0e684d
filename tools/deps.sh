#!/bin/sh
# deps.sh - install the Debian packages moim needs to build and test.
#
# Installs only what is missing, so a second run is quick. Preseeds
# Postfix with "No configuration" so that the system instance is neither
# configured nor started: tests and the demo run private instances.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libglib2.0-dev libgmime-3.0-dev libical-dev libsqlite3-dev libmilter-dev
libpsl-dev publicsuffix libmicrohttpd-dev libssl-dev python3-dkim
sqlite3 postfix postfix-sqlite miltertest swaks clang libclang-rt-14-dev clang-format
cppcheck iproute2 util-linux procps jq python3 systemd passwd nginx-light apache2
chromium fonts-noto-cjk python3-icalendar python3-dateutil"
# Independent DKIM/ARC verifiers and OpenDKIM for the signing tests and
# the fan-out benchmark (issue 18); nacl verifies Ed25519, authres
# lets dkimpy seal ARC sets.
PKGS="$PKGS python3-dkim python3-nacl python3-authres libmail-dkim-perl opendkim
opendkim-tools"
# The PostgreSQL store (issue 16): libpq to build, a server for the
# tests' private clusters (tests/pg.sh) and pg_virtualenv.
PKGS="$PKGS libpq-dev postgresql-15 postgresql-contrib postgresql-common"

# Daemons and moimctl run as this user when started as root.
if [ "$(id -u)" = 0 ] && ! id moim >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin moim
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections
# The tests run their own Postfix, nginx and Apache on loopback ports:
# keep the packages' system services from starting at install, where
# nginx and Apache would both reach for port 80 and the second one's
# configuration would fail. An existing policy-rc.d is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
