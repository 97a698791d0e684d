#!/bin/bash
# install_test.sh - a fresh machine: "make install" into a DESTDIR, then
# the installed systemd units start the installed daemons against a
# Postfix configured with exactly the lines of "moimctl postfix-config".
#
# Machines that run the tests (containers, CI) have no systemd as PID 1,
# so no unit is started by systemd here. What the test does instead, as
# close to the real thing as it gets:
#  - make install DESTDIR=$E2E_DIR/root from $top_builddir, with whatever
#    directories it was configured for; the DESTDIR stands for the fresh
#    machine's "/" from then on.
#  - systemd-analyze verify reads each installed unit with the real
#    systemd's parser and this machine's units (man pages found in the
#    DESTDIR). The copy it reads differs in one thing: the programs of
#    ExecStart= and ExecStartPre= have the DESTDIR in front, since verify
#    insists that they exist.
#  - systemd-sysusers and systemd-tmpfiles apply the installed snippets to
#    an empty scratch root: the user, group and directories they make are
#    checked there. The machine's own users are not touched by them.
#  - unit_start, a small "unit runner", reads an installed unit file and
#    does what systemd would for these directives, and only these:
#    User=, Group= (setpriv, with the user's groups as initgroups(3) gives
#    them), NoNewPrivileges=, UMask=, RuntimeDirectory= with
#    RuntimeDirectoryMode=, StateDirectory= with StateDirectoryMode=,
#    ConfigurationDirectory= (all made under the DESTDIR), ExecStartPre=
#    (each in order, after the directories and before ExecStart=; with
#    the "+" prefix as root in the same clean environment and umask, not
#    through setpriv; without it like ExecStart=; one that fails fails
#    the start, and ExecStart= is not run), ExecStart= (absolute paths
#    that exist under the DESTDIR are taken from there; no prefix),
#    ExecReload= with $MAINPID, and the default stop: SIGTERM to the main
#    process, then its exit status; RuntimeDirectoryPreserve=yes keeps the
#    directory. The sandbox directives (ProtectSystem= and the like) are
#    not emulated: verify only shows that systemd accepts them. A directive
#    the runner does not know fails the test, so it cannot silently skip
#    one that matters.
#  - moim.conf is the installed moim.conf.example with only its paths
#    (database, secret, templates, the two sockets: into the DESTDIR) and
#    the relay port changed; the templates are the installed ones. The
#    secret stays where the example (and SPEC's default) has it,
#    /etc/moim/secret, that is the DESTDIR's etc/moim: root's directory
#    (ConfigurationDirectory=), where moim-listd, running as moim, could
#    not create it. moim-listd.service's ExecStartPre= (moimctl secret,
#    as root) makes it there for moim; a restart keeps the key, and a
#    secret open to others stops the start.
#  - The private Postfix of lib.sh (smtpd and lmtp not chrooted) gets,
#    appended to its main.cf and master.cf, exactly what moimctl
#    postfix-config printed for that moim.conf. The sockets are the unix
#    sockets in the runtime directory, as in doc/postfix-setup.md.
#  - As the guide says, Postfix's user joins group moim (usermod -a -G);
#    the test takes it out again at exit if it put it in.
#  - Then: subscribe, confirm and post through that Postfix (moim-milter
#    in front, LMTP to moim-listd, fan-out through the relay entry), a
#    non-member refused by the milter at SMTP time; moim-listd's
#    ExecReload= (SIGHUP); stop as the units do, and check the exit
#    status and that the sockets are gone; start moim-listd again.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# The list domain of doc/moim.conf.example.
E2E_LIST_DOMAIN=lists.example.org
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init install
e2e_require ctl/moimctl listd/moim-listd milter/moim-milter web/moim-web
for c in setpriv usermod gpasswd systemd-analyze systemd-sysusers \
	systemd-tmpfiles; do
	command -v "$c" >/dev/null || skip_all "$c not installed"
done
getent passwd moim >/dev/null || skip_all "no moim user (tools/deps.sh)"
umask 022

ROOT=$E2E_DIR/root
L=ai-friends
D=$E2E_LIST_DOMAIN
LA=$L@$D

# ------------------------------------------------------ make install

# The parent make's flags (jobserver, TESTS=...) are not for this one.
inst()
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s \
		--no-print-directory -C "$top_builddir" "$@"
}
t_ok "make install DESTDIR" \
	eval 'inst install DESTDIR="$ROOT" >"$E2E_DIR/log/install.log" 2>&1'
# The install directories, as make knows them (bindir=... lines).
bindir="" sbindir="" pkglibexecdir="" sysconfdir="" localstatedir=""
pkgdatadir="" docdir="" mandir="" systemdsystemunitdir="" sysusersdir=""
tmpfilesdir=""
eval "$(inst moim-print-dirs)" || bail_out "make moim-print-dirs failed"
[ -n "$sbindir" ] && [ -n "$systemdsystemunitdir" ] ||
	bail_out "make moim-print-dirs printed no directories"
[ "$systemdsystemunitdir" != no ] ||
	skip_all "configured --with-systemdsystemunitdir=no"
UNITS=$ROOT$systemdsystemunitdir

installed()
{
	local f missing=""
	for f in "$bindir/moimctl" "$pkglibexecdir/moimctl-full" \
		"$sbindir/moim-listd" \
		"$sbindir/moim-milter" "$sbindir/moim-web" \
		"$sysconfdir/moim/moim.conf.example" \
		"$docdir/moim.conf.example" "$docdir/postfix-setup.md" \
		"$docdir/web-setup.md" \
		"$mandir/man5/moim.conf.5" "$mandir/man8/moimctl.8" \
		"$mandir/man8/moim-listd.8" "$mandir/man8/moim-milter.8" \
		"$mandir/man8/moim-web.8" \
		"$pkgdatadir/templates/ko/web/layout.html" \
		"$pkgdatadir/templates/ko/welcome.txt" \
		"$pkgdatadir/templates/en/welcome.txt" \
		"$systemdsystemunitdir/moim-listd.service" \
		"$systemdsystemunitdir/moim-milter.service" \
		"$systemdsystemunitdir/moim-web.service" \
		"$sysusersdir/moim.conf" "$tmpfilesdir/moim.conf"; do
		[ -f "$ROOT$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && return 0
	diag "not installed:$missing"
	return 1
}
t_ok "programs, templates, man pages, example, guide, units installed" \
	installed
t_is "$(grep -h '^ExecStart=' "$UNITS"/moim-*.service)" \
	"ExecStart=$sbindir/moim-listd -f -c $sysconfdir/moim/moim.conf
ExecStart=$sbindir/moim-milter -f -c $sysconfdir/moim/moim.conf
ExecStart=$sbindir/moim-web -f -c $sysconfdir/moim/moim.conf" \
	"the units run the installed programs on the installed moim.conf"
t_is "$(grep -h '^ExecStartPre=' "$UNITS"/moim-*.service)" \
	"ExecStartPre=+$bindir/moimctl -c $sysconfdir/moim/moim.conf secret --owner moim
ExecStartPre=+$bindir/moimctl -c $sysconfdir/moim/moim.conf secret --owner moim" \
	"moim-listd.service and moim-web.service first make the secret for moim, as root (+)"

# ------------------------------------------------- systemd's own tools

# verify_unit NAME - systemd-analyze verify on a copy of the unit whose
# ExecStart and ExecStartPre programs have the DESTDIR in front; no
# output is allowed
verify_unit()
{
	mkdir -p "$E2E_DIR/verify"
	sed -e "s|^ExecStart=/|ExecStart=$ROOT/|" \
		-e "s|^ExecStartPre=\([-+!:@]*\)/|ExecStartPre=\1$ROOT/|" \
		"$UNITS/$1.service" >"$E2E_DIR/verify/$1.service" || return 1
	# Documentation= names man pages: look them up among those installed.
	local man=(--man=yes) rc
	command -v man >/dev/null || man=(--man=no)
	MANPATH=$ROOT$mandir systemd-analyze verify "${man[@]}" \
		"$E2E_DIR/verify/$1.service" >"$E2E_DIR/log/verify-$1.log" 2>&1
	rc=$?
	[ $rc = 0 ] && [ ! -s "$E2E_DIR/log/verify-$1.log" ] && return 0
	diag "systemd-analyze verify $1.service: exit $rc" \
		"$(cat "$E2E_DIR/log/verify-$1.log")"
	return 1
}
for u in moim-listd moim-milter moim-web; do
	t_ok "systemd-analyze verify $u.service" verify_unit "$u"
	diag "$(systemd-analyze security --offline=true \
		"$E2E_DIR/verify/$u.service" 2>/dev/null | grep 'Overall')"
done

SYSROOT=$E2E_DIR/sysroot
mkdir -p "$SYSROOT/etc"
t_ok "systemd-sysusers accepts sysusers.d/moim.conf" \
	eval 'systemd-sysusers --root="$SYSROOT" "$ROOT$sysusersdir/moim.conf" \
		>"$E2E_DIR/log/sysusers.log" 2>&1'
uid=$(awk -F: '$1 == "moim" { print $3 }' "$SYSROOT/etc/passwd")
gid=$(awk -F: '$1 == "moim" { print $3 }' "$SYSROOT/etc/group")
t_like "$(grep '^moim:' "$SYSROOT/etc/passwd")" \
	"^moim:x:$uid:$gid:[^:]*:/nonexistent:/usr/sbin/nologin$" \
	"it makes a system user moim with group moim and no login"
t_ok "systemd-tmpfiles accepts tmpfiles.d/moim.conf" \
	eval 'systemd-tmpfiles --create --root="$SYSROOT" \
		"$ROOT$tmpfilesdir/moim.conf" >"$E2E_DIR/log/tmpfiles.log" 2>&1'
t_is "$(stat -c '%a %u %g' "$SYSROOT/run/moim" \
	"$SYSROOT$localstatedir/lib/moim" 2>&1)" "750 $uid $gid
750 $uid $gid" "it makes /run/moim and the state directory 0750 moim:moim"

# ------------------------------------------------------- unit runner

# unit_get UNIT KEY - the value of KEY= in UNIT's [Service] (the last one)
unit_get()
{
	awk -v k="$2" '/^\[/ { s = ($0 == "[Service]") }
	    s && index($0, k "=") == 1 { v = substr($0, length(k) + 2) }
	    END { print v }' "$UNITS/$1.service"
}

# unit_get_all UNIT KEY - every value of KEY= in UNIT's [Service], one a
# line, in order; an empty KEY= empties the list, as for systemd
unit_get_all()
{
	awk -v k="$2" '/^\[/ { s = ($0 == "[Service]") }
	    s && index($0, k "=") == 1 {
		v = substr($0, length(k) + 2)
		if (v == "") n = 0; else l[++n] = v
	    }
	    END { for (i = 1; i <= n; i++) print l[i] }' "$UNITS/$1.service"
}

# Directives the runner carries out, and those it leaves to systemd (the
# sandbox) on purpose; anything else in [Service] is an error.
RUNNER_DOES=" Type User Group UMask NoNewPrivileges ExecStartPre ExecStart
 ExecReload
 Restart RuntimeDirectory RuntimeDirectoryMode RuntimeDirectoryPreserve
 StateDirectory StateDirectoryMode ConfigurationDirectory "
RUNNER_LEAVES=" ReadWritePaths ProtectSystem ProtectHome PrivateTmp
 PrivateDevices ProtectKernelTunables ProtectKernelModules
 ProtectControlGroups RestrictAddressFamilies RestrictNamespaces
 LockPersonality MemoryDenyWriteExecute SystemCallArchitectures
 CapabilityBoundingSet ProtectClock ProtectHostname ProtectKernelLogs
 ProtectProc RestrictRealtime RestrictSUIDSGID RemoveIPC SystemCallFilter
 SystemCallErrorNumber "

# unit_known UNIT - every [Service] directive is one the runner handles;
# Type=simple, a plain ExecStart (no prefix characters) and ExecStartPre
# plain or with "+" only
unit_known()
{
	local k bad="" pre
	for k in $(awk '/^\[/ { s = ($0 == "[Service]") }
	    s && /^[A-Za-z]+=/ { sub(/=.*/, ""); print }' \
		"$UNITS/$1.service"); do
		case "$RUNNER_DOES$RUNNER_LEAVES" in
		*" $k"[[:space:]]*) ;;
		*) bad="$bad $k" ;;
		esac
	done
	[ "$(unit_get "$1" Type)" = simple ] || bad="$bad Type!=simple"
	case $(unit_get "$1" ExecStart) in
	/*) ;;
	*) bad="$bad ExecStart-prefix" ;;
	esac
	while IFS= read -r pre; do
		case $pre in
		/* | +/*) ;;
		*) bad="$bad ExecStartPre-prefix" ;;
		esac
	done < <(unit_get_all "$1" ExecStartPre)
	[ -z "$bad" ] && return 0
	diag "$1.service: the runner does not handle:$bad"
	return 1
}

# unit_argv CMDLINE - print the words one a line, each absolute path that
# exists under the DESTDIR taken from there (no quoting in our units)
unit_argv()
{
	local w
	for w in $1; do
		case $w in
		/*) [ -e "$ROOT$w" ] && w=$ROOT$w ;;
		esac
		printf '%s\n' "$w"
	done
}

# unit_dirs UNIT KEY BASE MODEKEY OWNER - make the directories of KEY
# (RuntimeDirectory=, ...) under $ROOT/BASE with the unit's mode and owner
unit_dirs()
{
	local d mode
	mode=$(unit_get "$1" "$4")
	for d in $(unit_get "$1" "$2"); do
		mkdir -p "$ROOT/$3/$d" && chown "$5" "$ROOT/$3/$d" &&
			chmod "${mode:-0755}" "$ROOT/$3/$d" || return 1
	done
}

# unit_cmd UNIT [full] - set UNIT_CMD to the command prefix that runs a
# program with the unit's user, groups, umask and no-new-privileges, in a
# clean environment as systemd gives one (plus the test harness's
# sanitizer and GLib debug settings); "full" (the "+" prefix) keeps the
# environment and umask but runs as root, with no privilege restriction
unit_cmd()
{
	local u=$1 um nnp=() keep=() v who=()
	um=$(unit_get "$u" UMask)
	[ "$(unit_get "$u" NoNewPrivileges)" = yes ] && nnp=(--no-new-privs)
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS G_DEBUG; do
		[ -n "${!v:-}" ] && keep+=("$v=${!v}")
	done
	[ "${2:-}" = full ] ||
		who=("$(command -v setpriv)" --reuid="$(unit_get "$u" User)"
			--regid="$(unit_get "$u" Group)" --init-groups
			"${nnp[@]}")
	UNIT_CMD=(env -i
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		LANG=C.UTF-8 "${keep[@]}"
		RUNTIME_DIRECTORY="$ROOT/run/$(unit_get "$u" RuntimeDirectory)"
		STATE_DIRECTORY="$ROOT/var/lib/$(unit_get "$u" StateDirectory)"
		"${who[@]}"
		/bin/bash -c 'umask "$1"; shift; exec "$@"' umask "${um:-0022}")
}

# unit_pre UNIT - run UNIT's ExecStartPre= lines in order, their output
# going where the daemon's goes (the journal); the first that fails
# fails the start, as for systemd
unit_pre()
{
	local u=$1 line argv rc
	while IFS= read -r line; do
		case $line in
		+*)
			unit_cmd "$u" full
			line=${line#+}
			;;
		*) unit_cmd "$u" ;;
		esac
		mapfile -t argv < <(unit_argv "$line")
		"${UNIT_CMD[@]}" "${argv[@]}" </dev/null \
			>>"$E2E_DIR/log/$u.log" 2>&1
		rc=$?
		[ $rc = 0 ] && continue
		diag "$u: ExecStartPre=$line: exit $rc"
		return 1
	done < <(unit_get_all "$u" ExecStartPre)
}

# unit_start UNIT - what "systemctl start UNIT" does, as daemon UNIT
unit_start()
{
	local u=$1 owner argv
	unit_known "$u" || return 1
	owner=$(unit_get "$u" User):$(unit_get "$u" Group)
	unit_dirs "$u" RuntimeDirectory run RuntimeDirectoryMode "$owner" &&
		unit_dirs "$u" StateDirectory var/lib StateDirectoryMode \
			"$owner" &&
		unit_dirs "$u" ConfigurationDirectory etc \
			ConfigurationDirectoryMode root:root || return 1
	unit_pre "$u" || return 1
	mapfile -t argv < <(unit_argv "$(unit_get "$u" ExecStart)")
	unit_cmd "$u"
	e2e_daemon_start "$u" "${UNIT_CMD[@]}" "${argv[@]}"
}

# unit_reload UNIT - ExecReload=, $MAINPID replaced, as the unit's user
unit_reload()
{
	local u=$1 cmd argv
	cmd=$(unit_get "$u" ExecReload)
	cmd=${cmd//\$MAINPID/$(e2e_daemon_pid "$u")}
	mapfile -t argv < <(unit_argv "$cmd")
	unit_cmd "$u"
	"${UNIT_CMD[@]}" "${argv[@]}"
}

# unit_stop UNIT - SIGTERM (the default KillSignal=), wait for the main
# process (systemd waits TimeoutStopSec=, 90 s; we wait 30) and return its
# exit status; then the runtime directory goes unless it is preserved
unit_stop()
{
	local u=$1 status
	e2e_daemon_pid "$u" >/dev/null || return 1
	e2e_daemon_stop "$u" 30
	status=$?
	[ "$(unit_get "$u" RuntimeDirectoryPreserve)" = yes ] ||
		rm -rf "$ROOT/run/$(unit_get "$u" RuntimeDirectory)"
	return "$status"
}

# ------------------------------------------------- moim.conf, Postfix

# Postfix's user joins group moim, as doc/postfix-setup.md says.
if ! id -nG postfix | tr ' ' '\n' | grep -qx moim; then
	usermod -a -G moim postfix || bail_out "usermod -a -G moim postfix"
	_install_ungroup=1
fi
_install_exit()
{
	local status=$?
	[ -n "${_install_ungroup:-}" ] && gpasswd -d postfix moim >/dev/null
	(exit "$status")
	_e2e_cleanup
}
trap _install_exit EXIT

e2e_pick_port RELAY || bail_out "no free port"
CONF=$ROOT$sysconfdir/moim/moim.conf
SECRET=$ROOT/etc/moim/secret
sed -e "s|= /var/lib/moim/|= $ROOT/var/lib/moim/|" \
	-e "s|^secret_file = /etc/moim/secret\$|secret_file = $SECRET|" \
	-e "s|= unix:/run/moim/|= unix:$ROOT/run/moim/|" \
	-e "s|^templates = .*|templates = $ROOT$pkgdatadir/templates|" \
	-e "s|^relay = 127\\.0\\.0\\.1:[0-9]*\$|relay = 127.0.0.1:$RELAY|" \
	"$ROOT$sysconfdir/moim/moim.conf.example" >"$CONF" ||
	bail_out "cannot write $CONF"
t_is "$(diff "$ROOT$sysconfdir/moim/moim.conf.example" "$CONF" |
	grep -c '^>')" 6 "moim.conf is the example with 6 paths and ports changed"

MOIMCTL=$ROOT$bindir/moimctl
MOIM_CONF=$CONF
"$MOIMCTL" -c "$CONF" postfix-config >"$E2E_DIR/postfix-config.out" ||
	bail_out "moimctl postfix-config failed"
# Split where it says so: the main.cf part first, then the master.cf part.
awk '/^# ---- master\.cf ----$/ { m = 1 }
     { print > (m ? ARGV[2] ".master" : ARGV[2] ".main") }' \
	"$E2E_DIR/postfix-config.out" "$E2E_DIR/pc" 2>/dev/null
t_is "$(cat "$E2E_DIR/pc.main" "$E2E_DIR/pc.master")" \
	"$(cat "$E2E_DIR/postfix-config.out")" \
	"postfix-config's output splits into main.cf and master.cf parts"
pf_start --main-cf "$E2E_DIR/pc.main" --master-cf "$E2E_DIR/pc.master" ||
	bail_out "postfix did not start with postfix-config's lines"
e2e_wait_port "$RELAY" 10 || bail_out "the relay entry does not listen"
# (postconf warns that these override lib.sh's own settings: they should.)
t_is "$(postconf -c "$E2E_PF_DIR" -h smtpd_milters transport_maps 2>/dev/null)" \
	"unix:$ROOT/run/moim/milter.sock
inline:{ $D=lmtp:unix:$ROOT/run/moim/lmtp.sock }" \
	"Postfix runs with postfix-config's milter and LMTP transport"

# ------------------------------------------------------------ start

t_ok "no secret before the first start" test ! -e "$SECRET"
t_ok "moim-listd.service starts" unit_start moim-listd
t_ok "moim-milter.service starts" unit_start moim-milter
t_ok "moim-listd makes its LMTP socket" \
	e2e_wait_socket "$ROOT/run/moim/lmtp.sock" 10
t_ok "moim-milter makes its socket" \
	e2e_wait_socket "$ROOT/run/moim/milter.sock" 10
for u in moim-listd moim-milter; do
	t_is "$(awk '/^Uid:/ { print $2 }' "/proc/$(e2e_daemon_pid $u)/status")" \
		"$(id -u moim)" "$u runs as moim, not root"
done
t_like "$(cat "$E2E_DIR/log/moim-listd.log")" \
	"secret $SECRET: created, mode 0600, owner moim:moim" \
	"its ExecStartPre (moimctl secret, as root) created the secret"
t_is "$(stat -c '%a %U:%G' "$ROOT/etc/moim"), $(stat -c '%a %U:%G %s' \
	"$SECRET")" "755 root:root, 600 moim:moim 65" \
	"in root's etc/moim: 0600 moim:moim, a key of 64 hex digits"
t_not "moim itself could not have made it there" \
	setpriv --reuid=moim --regid=moim --init-groups \
	touch "$ROOT/etc/moim/by-moim"
key_sum=$(sha256sum <"$SECRET")
t_is "$(stat -c '%a %U:%G' "$ROOT/run/moim" "$ROOT/run/moim/lmtp.sock" \
	"$ROOT/run/moim/milter.sock")" "750 moim:moim
660 moim:moim
660 moim:moim" "runtime directory 0750, sockets 0660, all moim:moim"

# dmarc=never: the authors' DMARC records would be looked up in the
# machine's DNS ([listd] dns_server is not set), and tests stay offline.
moimctl list create "$LA" --name "AI 프렌즈" --owner owner@example.net \
	>/dev/null && moimctl list set $L dmarc=never >/dev/null &&
	moimctl member add $L bob@example.com >/dev/null ||
	bail_out "moimctl could not make the list"

# ------------------------------------------------ mail through Postfix

send_mail_text alice@example.net "$L-request@$D" subscribe ""
t_ok "alice's subscribe passes the milter and gets a confirmation" \
	maildir_wait alice@example.net 1 30
f=$(maildir_last alice@example.net)
to=$(header_of "$f" Reply-To | sed 's/.*<\(.*\)>.*/\1/')
t_like "$to" "^$L-confirm\\+[a-z2-7]+@$D\$" "the confirmation names its address"
send_mail_text alice@example.net "$to" "Re: confirm" "네"
t_ok "alice confirms and is welcomed" maildir_wait alice@example.net 2 30
t_is "$(moimctl member ls $L --json |
	jq 'map(select(.address == "alice@example.net")) | length')" 1 \
	"alice is a member"

send_mail_text alice@example.net "$LA" "설치 확인" "make install에서 온 인사"
t_ok "bob gets alice's post through the relay entry" \
	e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "설치 확인")" = 1 ]'
f=$(maildir_last bob@example.com)
t_like "$(header_of "$f" List-Id)" "ai-friends\\.lists\\.example\\.org" \
	"the copy carries List-Id"
t_like "$(body_of "$f")" "make install에서 온 인사" "the body arrives intact"

mail_text stranger@example.net "$LA" spam spam >"$E2E_DIR/msg/stranger.eml"
t_ok "moim-milter refuses a non-member at SMTP time" \
	send_mail_expect 550 stranger@example.net "$LA" "$E2E_DIR/msg/stranger.eml"

t_is "$(find "$ROOT/var/lib/moim" -mindepth 1 -perm /o=rwx | wc -l)" 0 \
	"nothing in the state directory is open to others"
t_is "$(stat -c '%a %U' "$ROOT/var/lib/moim/moim.db" "$SECRET")" "640 moim
600 moim" "database 0640 (UMask=0027) and secret 0600, owned by moim"

# ----------------------------------------------------- reload, stop

# ExecReload= of moim-listd is SIGHUP: it takes moim.conf again and keeps
# serving. moim-milter has none: libmilter would stop on SIGHUP.
t_is "$(unit_get moim-milter ExecReload)" "" \
	"moim-milter.service has no ExecReload (SIGHUP stops libmilter)"
pid=$(e2e_daemon_pid moim-listd)
t_ok "moim-listd.service: ExecReload runs" unit_reload moim-listd
t_ok "moim-listd puts moim.conf in force again" \
	e2e_poll 10 'grep -q "reload: .* in force" "$E2E_DIR/log/moim-listd.log"'
t_is "$(e2e_daemon_pid moim-listd) $(_e2e_alive "$pid" && echo alive)" \
	"$pid alive" "moim-listd is the same process after the reload"
send_mail_text alice@example.net "$LA" "after reload" "still here"
t_ok "and bob gets the next post" \
	e2e_poll 30 '[ "$(maildir_grep bob@example.com Subject "after reload")" = 1 ]'

n=$(maildir_count bob@example.com)
t_ok "moim-milter.service stops: SIGTERM, exit status 0" \
	unit_stop moim-milter
t_ok "moim-milter's socket is gone" test ! -e "$ROOT/run/moim/milter.sock"
t_ok "moim-listd's socket stays while moim-milter stops" \
	test -S "$ROOT/run/moim/lmtp.sock"
t_ok "moim-listd.service stops: SIGTERM, exit status 0" \
	unit_stop moim-listd
t_ok "moim-listd's socket is gone" test ! -e "$ROOT/run/moim/lmtp.sock"

# With moim-milter down, Postfix holds list mail back (tempfail).
mail_text alice@example.net "$LA" later later >"$E2E_DIR/msg/later.eml"
t_ok "with moim-milter stopped, list mail gets 4xx (milter_default_action)" \
	send_mail_expect '4*' alice@example.net "$LA" "$E2E_DIR/msg/later.eml"
t_is "$(maildir_count bob@example.com)" "$n" "and nothing more is sent"

# ------------------------------------------------------ start again

t_ok "moim-listd.service starts again" unit_start moim-listd
t_ok "moim-listd makes its LMTP socket again" \
	e2e_wait_socket "$ROOT/run/moim/lmtp.sock" 10
t_like "$(tail -n 20 "$E2E_DIR/log/moim-listd.log")" \
	"secret $SECRET: present, mode 0600, owner moim:moim" \
	"ExecStartPre finds the secret present"
t_is "$(sha256sum <"$SECRET")" "$key_sum" "and the key is the same"
t_ok "moim-listd.service stops again" unit_stop moim-listd

# A secret open to others stops the start before moim-listd runs.
chmod 0644 "$SECRET"
t_not "with the secret mode 0644, moim-listd.service does not start" \
	unit_start moim-listd
t_like "$(tail -n 5 "$E2E_DIR/log/moim-listd.log")" \
	"secret: $SECRET: mode 0644 gives its group and others access" \
	"ExecStartPre says why"
t_not "ExecStart did not run" e2e_daemon_running moim-listd
t_is "$(stat -c %a "$SECRET") $(sha256sum <"$SECRET")" "644 $key_sum" \
	"the secret is left as it was"
chmod 0600 "$SECRET"

# ------------------------------------------------------------ moim-web

# On a free loopback port rather than the default 8025 (added only now:
# [web] listen changed under a running moim-listd would refuse its reload).
e2e_pick_port WEBP || bail_out "no free port"
printf '[web]\nlisten = 127.0.0.1:%s\nbase_url = http://127.0.0.1:%s/\n' \
	"$WEBP" "$WEBP" >>"$CONF"
t_ok "moim-web.service starts" unit_start moim-web
t_ok "moim-web listens" e2e_wait_port "$WEBP" 10
t_is "$(awk '/^Uid:/ { print $2 }' "/proc/$(e2e_daemon_pid moim-web)/status")" \
	"$(id -u moim)" "moim-web runs as moim, not root"
t_is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEBP/")" \
	200 "moim-web answers / with the installed templates"
t_ok "moim-web.service stops: SIGTERM, exit status 0" unit_stop moim-web

t_done
