#!/bin/bash
# dkim_test.sh - ARC-sealed posts and DKIM-signed copies through the real
# Postfix (issue 18), judged by two verifiers nobody here wrote: dkimpy
# (python3-dkim) and Mail::DKIM (libmail-dkim-perl), both fetching the
# keys from the test DNS server, which serves the records "moimctl
# check" prints for keys made here with openssl. OpenDKIM verifies as a
# milter in front of moim-milter and writes the Authentication-Results
# that moim-listd seals.
#  1. moimctl check prints the TXT records; a 1024-bit key and an
#     Ed25519 key given as dkim_key fail the check and stop moim-listd
#     with one line.
#  2. An author-signed post to a personal list and to a batched list:
#     every copy has DKIM pass by the list's domain (RSA; Ed25519 for
#     dkimpy, as Mail::DKIM 1.20230212 knows no Ed25519), over
#     List-Unsubscribe and List-Unsubscribe-Post, and ARC pass with i=1
#     cv=none; the AAR is OpenDKIM's A-R.
#  3. The same post sealed first by another forwarder (dkimpy's
#     arc_sign): i=2 cv=pass, ARC pass for both verifiers; with
#     arc_trust = yes the p=reject author keeps From, without it From is
#     munged.
#  4. That forwarded post with its body changed after the seal: i=2
#     cv=fail, both verifiers say the chain fails, DKIM still passes.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

PY=/usr/bin/python3
e2e_init dkim
e2e_require listd/moim-listd ctl/moimctl milter/moim-milter
for c in openssl opendkim perl; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
$PY -c 'import dkim, nacl, authres, dns.query' 2>/dev/null ||
	skip_all "python3-dkim, -nacl, -authres or -dnspython missing"
perl -MMail::DKIM::ARC::Verifier -e 1 2>/dev/null ||
	skip_all "libmail-dkim-perl missing"
CHECK_PY=$top_srcdir/tests/e2e/dkimcheck.py
CHECK_PL=$top_srcdir/tests/e2e/dkimcheck.pl
D=$E2E_LIST_DOMAIN

# ---------------------------------------------------------------- keys
K=$E2E_DIR/keys
mkdir -p "$K"
# The list's keys as moim takes them; the author's and the forwarder's
# of 1024 bits (quick to make; verifiers take them), the first also the
# key moimctl check must refuse.
for k in arc:2048 dkim:2048 small:1024 fwd:1024; do
	openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${k#*:}" \
		-out "$K/${k%:*}.pem" 2>/dev/null || bail_out "openssl genpkey $k"
done
openssl genpkey -algorithm ed25519 -out "$K/ed.pem" 2>/dev/null ||
	bail_out "openssl genpkey ed25519"
# moim-listd and moimctl read them as the moim user.
chgrp -R moim "$K" && chmod 750 "$K" && chmod 640 "$K"/*.pem

e2e_pick_port ODK_PORT || bail_out "no free port for OpenDKIM"
moim_setup "milter.socket=unix:$E2E_MILTER_SOCKET" \
	"milter.trusted_authserv_ids=mx.e2e.test" \
	"listd.arc_selector=arc1" "listd.arc_key=$K/arc.pem" \
	"listd.dkim_selector=s1" "listd.dkim_key=$K/dkim.pem" \
	"listd.dkim_ed25519_selector=ed1" "listd.dkim_ed25519_key=$K/ed.pem"
mkdir -p "$(dirname "$E2E_MILTER_SOCKET")"
chmod 755 "$(dirname "$E2E_MILTER_SOCKET")"

# ---------------------------------------------------- 1. moimctl check
out=$(moimctl check 2>&1)
t_like "$out" "ok \[listd\] arc_key $K/arc.pem: RSA, 2048 bits, selector arc1" \
	"check: the ARC key is RSA 2048"
t_like "$out" "ok \[listd\] dkim_ed25519_key $K/ed.pem: Ed25519" \
	"check: the Ed25519 key"
grep '^[a-z0-9]*\._domainkey\.' <<<"$out" >"$E2E_DIR/records"
t_is "$(wc -l <"$E2E_DIR/records")" 3 "check prints three TXT records"
t_like "$(grep '^s1\._domainkey' "$E2E_DIR/records")" \
	"^s1._domainkey.$D TXT \"v=DKIM1; k=rsa; p=" \
	"check: the DKIM record, in zone-file form"
t_like "$(grep '^ed1\._domainkey' "$E2E_DIR/records")" \
	"^ed1._domainkey.$D TXT \"v=DKIM1; k=ed25519; p=" \
	"check: the Ed25519 record"

# bad_conf KEYFILE - moim.conf with KEYFILE as [listd] dkim_key
bad_conf()
{
	sed "s|^dkim_key = .*|dkim_key = $1|" "$MOIM_CONF" >"$E2E_DIR/etc/bad.conf"
}
bad_conf "$K/small.pem"
# Its "ok" lines must not reach the TAP stream.
out=$("$MOIMCTL" -c "$E2E_DIR/etc/bad.conf" check 2>&1)
t_is "$?" 1 "check fails on a 1024-bit key"
t_like "$(grep FAIL <<<"$out")" \
	"FAIL \[listd\] dkim_key $K/small.pem: .*1024" "check names the small key"
bad_conf "$K/ed.pem"
out=$("$MOIM_LISTD" -f -c "$E2E_DIR/etc/bad.conf" 2>&1)
t_is "$?" 1 "moim-listd refuses an Ed25519 key as dkim_key"
t_is "$(grep -v ': fatal: ' <<<"$out" | grep -c .)" 1 "in one line"
t_like "$out" "dkim_key $K/ed.pem: an Ed25519 key; this setting takes RSA" \
	"the line names the setting, the file and the reason"

# ------------------------------------------------------------- DNS
diag "at $SECONDS s"
pubkey()
{
	openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
}
{
	cat "$E2E_DIR/records"
	echo "auth._domainkey.example.net TXT \"v=DKIM1; k=rsa; p=$(pubkey "$K/small.pem")\""
	echo "fwd._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=$(pubkey "$K/fwd.pem")\""
	echo '_dmarc.example.net TXT "v=DMARC1; p=reject"'
} >>"$E2E_DIR/etc/dns.zone"
kill -HUP "$(e2e_daemon_pid dnsd)"
e2e_poll 10 "grep -q 'read again' '$E2E_DIR/log/dnsd.log'" ||
	bail_out "dnsd did not read the zone again"

# ------------------------------------------------- OpenDKIM, Postfix
cat >"$E2E_DIR/etc/unbound.conf" <<CF
server:
	do-not-query-localhost: no
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@$E2E_DNS_PORT
CF
cat >"$E2E_DIR/etc/opendkim.conf" <<CF
Mode v
Socket inet:$ODK_PORT@127.0.0.1
AuthservID mx.e2e.test
ResolverConfiguration $E2E_DIR/etc/unbound.conf
Background no
Syslog no
LogWhy yes
AlwaysAddARHeader yes
CF
e2e_daemon_start opendkim opendkim -f -x "$E2E_DIR/etc/opendkim.conf" &&
	e2e_wait_port "$ODK_PORT" 10 || bail_out "opendkim did not start"
pf_start --milter "inet:127.0.0.1:$ODK_PORT, unix:$E2E_MILTER_SOCKET" ||
	bail_out "postfix did not start"
moimctl list create "ai@$D" --name AI --policy open >/dev/null &&
	moimctl member add ai alice@example.net bob@example.com >/dev/null &&
	moimctl list create "news@$D" --name News --policy open >/dev/null &&
	moimctl list set news delivery=batched >/dev/null &&
	moimctl member add news carol@example.net dave@example.com \
		>/dev/null &&
	moimctl list create "trust@$D" --name Trust --policy open \
		>/dev/null &&
	moimctl list set trust arc_trust=yes >/dev/null &&
	moimctl member add trust erin@example.net >/dev/null ||
	bail_out "moimctl could not make the lists"
listd_start || bail_out "moim-listd did not start"
milter_start || bail_out "moim-milter did not start"

# verify FILE... - both verifiers' verdicts on each FILE, into
#	$E2E_DIR/v/N (N = the file's place among the arguments): dkimpy's
#	lines prefixed "py", Mail::DKIM's "pl". One process per verifier for
#	all the files.
verify()
{
	rm -rf "$E2E_DIR/v" && mkdir -p "$E2E_DIR/v"
	$PY "$CHECK_PY" verify "$E2E_DNS_PORT" "$@" >"$E2E_DIR/v/py" 2>&1
	perl "$CHECK_PL" "$E2E_DNS_PORT" "$@" >"$E2E_DIR/v/pl" 2>&1
	for who in py pl; do
		awk -v dir="$E2E_DIR/v" -v who="$who" '
			/^== / { out = dir "/" ++n; next }
			out { print who " " $0 >>out }' "$E2E_DIR/v/$who"
	done
}

# check_copy N FILE WHAT ARC I CV - the verdicts on FILE (the N-th of
#	the last verify): both verifiers pass the list's RSA DKIM signature,
#	dkimpy its Ed25519 one (Mail::DKIM 1.20230212 knows no Ed25519), both
#	say ARC for the chain, whose newest set is instance I with cv=CV
check_copy()
{
	local v what=$3
	v=$(cat "$E2E_DIR/v/$1" 2>/dev/null)
	grep '^p[yl] #' <<<"$v" | sed 's/^/# /'
	for who in py pl; do
		t_like "$v" "$who dkim pass d=$D a=rsa-sha256" \
			"$what: $who DKIM pass (RSA)"
		t_like "$v" "$who arc $4" "$what: $who ARC $4"
	done
	t_like "$v" "py dkim pass d=$D a=ed25519-sha256" \
		"$what: py DKIM pass (Ed25519)"
	t_like "$(header_of "$2" ARC-Seal | tr -d ' \t\n')" \
		"^i=$5;.*cv=$6;.*d=$D;s=arc1;" "$what: ARC-Seal i=$5 cv=$6"
}

# post _ TO SUBJECT ID - a post from jh@example.net; signed_post: signed
#	by example.net, as the author's mail server would
post()
{
	printf 'From: Jihyun <jh@example.net>\nTo: %s\nSubject: %s\n' \
		"$2" "$3"
	printf 'Date: %s\nMessage-ID: <%s@example.net>\n' "$(date -R)" "$4"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n'
	printf 'Signing test.\n'
}
signed_post()
{
	post "$@" | $PY "$CHECK_PY" sign "$K/small.pem" auth example.net
}

# --------------------------------------------- 2. a post, no chain
diag "at $SECONDS s"
f=$E2E_DIR/msg/plain.eml
signed_post x "ai@$D, news@$D" "plain" plain.1 >"$f"
t_ok "the signed post is accepted" send_mail jh@example.net "ai@$D,news@$D" "$f"
for m in alice@example.net bob@example.com carol@example.net dave@example.com; do
	t_ok "$m gets the post" maildir_wait "$m" 1 30
done
f=$(maildir_last alice@example.net)
verify "$f" "$(maildir_last bob@example.com)" \
	"$(maildir_last carol@example.net)" "$(maildir_last dave@example.com)"
check_copy 1 "$f" "personal copy" pass 1 none
check_copy 2 "$(maildir_last bob@example.com)" "bob's copy" pass 1 none
check_copy 3 "$(maildir_last carol@example.net)" "batched copy" pass 1 none
check_copy 4 "$(maildir_last dave@example.com)" "batched copy 2" pass 1 none
t_like "$(header_of "$f" DKIM-Signature | tr -d ' \t\n' | tr '[:upper:]' '[:lower:]')" \
	"h=.*list-unsubscribe:list-unsubscribe-post" \
	"the DKIM signature covers List-Unsubscribe and -Post"
t_like "$(header_of "$f" List-Unsubscribe-Post)" "One-Click" \
	"the personal copy has List-Unsubscribe-Post"
aar=$(header_of "$f" ARC-Authentication-Results | tr -s ' \t\n' ' ')
t_like "$aar" "^i=1; mx.e2e.test; dkim=pass .*header.d=example.net" \
	"the AAR is OpenDKIM's Authentication-Results"
t_like "$aar" "arc=none" "the AAR says there was no chain"
diag "one copy, both verifiers:"
sed 's/^/#   /' "$E2E_DIR/v/1"

# ----------------------------------- 3. sealed before by a forwarder
diag "at $SECONDS s"
f=$E2E_DIR/msg/fwd.eml
signed_post x "ai@$D, trust@$D" "forwarded" fwd.1 |
	$PY "$CHECK_PY" forward "$K/fwd.pem" fwd example.com fwd.example.com \
		>"$f"
t_is "$($PY "$CHECK_PY" verify "$E2E_DNS_PORT" "$f" | grep '^arc')" \
	"arc pass i=1" "the forwarder's chain verifies before the list"
t_ok "the forwarded post is accepted" send_mail jh@example.net "ai@$D,trust@$D" "$f"
t_ok "alice gets it" maildir_wait alice@example.net 2 30
t_ok "erin gets it" maildir_wait erin@example.net 1 30
verify "$(maildir_last alice@example.net)" "$(maildir_last erin@example.net)"
check_copy 1 "$(maildir_last alice@example.net)" "forwarded" pass 2 pass
check_copy 2 "$(maildir_last erin@example.net)" "forwarded, arc_trust" pass 2 pass
t_like "$(header_of "$(maildir_last alice@example.net)" From)" " via AI" \
	"without arc_trust the p=reject author's From is munged"
t_is "$(header_of "$(maildir_last erin@example.net)" From)" \
	"Jihyun <jh@example.net>" "with arc_trust the author keeps From"

# ------------------------------------------------ 4. a tampered chain
diag "at $SECONDS s"
f2=$E2E_DIR/msg/tampered.eml
sed 's/^Signing test\.$/Signing test, changed after the seal./' "$f" |
	sed 's/fwd\.1@/fwd.2@/' >"$f2"
t_ok "the tampered post is accepted" send_mail jh@example.net "ai@$D" "$f2"
t_ok "alice gets it" maildir_wait alice@example.net 3 30
f=$(maildir_last alice@example.net)
verify "$f"
check_copy 1 "$f" "tampered" fail 2 fail
t_like "$(grep -c 'arc chain of 1: fail' "$E2E_DIR/log/listd.log")" "^[1-9]" \
	"moim-listd logs the failed chain"
diag "took $SECONDS s"
t_done
