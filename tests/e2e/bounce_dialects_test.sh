#!/bin/bash
# bounce_dialects_test.sh - bounces of the MTAs members use, each sent
# back through the member's own VERP address over Postfix and LMTP (issue
# 12 item 6): five final failures in five dialects (qmail and Yahoo
# giving up after the queue lifetime, SMTP32's "Delivery failed 20
# attempts", a French "n'existe pas" DSN, an RFC 3464 report naming an
# internal alias) disable the member; every delay warning of
# tests/data/bounces (among them "Delivery attempts will continue to be
# made for 5 day(s)") and every auto-reply leave another member enabled
# and counted nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init bounce-dialects
moim_setup
pf_start || bail_out "postfix did not start"
L=club
D=$E2E_LIST_DOMAIN
DATA=$top_srcdir/tests/data/bounces
moimctl list create "$L@$D" --owner owner@example.net >/dev/null &&
	moimctl member add $L gone@example.net slow@example.net \
		>/dev/null || bail_out "list create"
listd_start || bail_out "moim-listd did not start"

enabled() { moimctl member ls $L --json | jq -r ".[] | select(.address==\"$1\") | .enabled"; }
counted() { e2e_sql "SELECT count(*) FROM bounces WHERE address = '$1' AND kind != 'temporary'"; }

send_mail_text owner@example.net "$L@$D" "hello" "x" || bail_out "send"
for m in gone@example.net slow@example.net; do
	t_ok "$m gets the post" e2e_poll 30 \
		"[ \"\$(maildir_grep $m Subject hello)\" -ge 1 ]"
done
verp()
{
	header_of "$(maildir_last "$1")" Return-Path | tr -d '<>'
}
VG=$(verp gone@example.net)
VS=$(verp slow@example.net)
t_like "$VG" "^$L-bounces\\+[a-z2-7]+@$D\$" "gone's copy has its VERP address"

# bounce_to VERP FILE - FILE from the null sender to VERP, To rewritten
bounce_to()
{
	sed "s|^To: .*|To: <$1>|" "$DATA/$2" >"$E2E_DIR/b.eml"
	send_mail_expect 250 '<>' "$1" "$E2E_DIR/b.eml"
}

for f in $(awk -F'\t' '$2 == "delay" || $2 == "not-bounce" { print $1 }' \
	"$DATA/EXPECTED.tsv"); do
	t_ok "$f to slow's VERP address is taken" bounce_to "$VS" "$f"
done
moim_settle 60
t_is "$(counted slow@example.net)" 0 "no delay warning or auto-reply is counted"
t_is "$(enabled slow@example.net)" true "slow@example.net stays enabled"

for f in qmail-queue-too-long.eml yahoo-queue-too-long.eml \
	smtp32-attempts.eml french-dsn-nexiste-pas.eml \
	rfc3464-original-recipient.eml; do
	t_ok "$f to gone's VERP address is taken" bounce_to "$VG" "$f"
done
moim_settle 60
t_is "$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'gone@example.net' AND kind = 'permanent'")" 5 \
	"five final failures in five dialects are counted"
t_is "$(enabled gone@example.net)" false "gone@example.net is disabled"
t_is "$(enabled slow@example.net)" true "slow@example.net is still enabled"
t_done
