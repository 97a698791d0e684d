#!/bin/bash
# bounce_forged_test.sh - forged bounces (issue 13 item 2). Five forged
# DSNs (status 5.1.1, from anyone) to the bare XVERP form
# L-bounces+victim=example.net@D, on a personal list and on a batched
# one, to a made-up tag, and to a batch's real return path that a member
# read in their own copy: the victim stays enabled, and the real copy's
# delivery counts at most once. A real bounce of a batched copy (Postfix
# generating the VERP address for an undeliverable recipient) still
# counts: five posts disable that member.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init bounce-forged
moim_setup
D=$E2E_LIST_DOMAIN
pf_start -o "smtpd_reject_unlisted_recipient=no" -o "transport_maps=inline:{ $D=lmtp:inet:127.0.0.1:$E2E_LMTP_PORT, {dead@example.net=error:5.1.1 mailbox unavailable} }" ||
	bail_out "postfix did not start"
moimctl list create "p@$D" --owner owner@example.net >/dev/null &&
	moimctl list create "b@$D" --owner owner@example.net >/dev/null &&
	moimctl list set b delivery=batched >/dev/null || bail_out "list create"
for l in p b; do
	moimctl member add $l victim@example.net mallory@example.com \
		>/dev/null || bail_out "member add"
done
moimctl member add b dead@example.net >/dev/null || bail_out "member add"
listd_start || bail_out "moim-listd did not start"

enabled() { moimctl member ls "$1" --json | jq -r ".[] | select(.address==\"$2\") | .enabled"; }
bounces() { e2e_sql "SELECT count(*) FROM bounces WHERE address = '$1'"; }

# forged_dsn TO - a well-formed RFC 3464 report, 5.1.1 for the victim
forged_dsn()
{
	cat <<EOM
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: <$1>
Subject: Undelivered Mail Returned to Sender
Date: $(date -R)
Message-ID: <$(date +%s%N).$RANDOM@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="BB"

--BB
Content-Type: text/plain

<victim@example.net>: host mx.example.org said: 550 5.1.1 user unknown

--BB
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; victim@example.net
Original-Recipient: rfc822;victim@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <victim@example.net>: user unknown

--BB--
EOM
}

# forge_five TO - five forged DSNs to TO from the null sender
forge_five()
{
	local i
	for i in 1 2 3 4 5; do
		forged_dsn "$1" >"$E2E_DIR/forged.eml"
		send_mail_expect 250 '<>' "$1" "$E2E_DIR/forged.eml" || return 1
	done
}

# one batched post, so mallory holds a real return path of list b
send_mail_text mallory@example.com "b@$D" "batched 0" "x" || bail_out "send"
t_ok "mallory gets the batched post" e2e_poll 30 \
	"[ \"\$(maildir_grep mallory@example.com Subject 'batched 0')\" -ge 1 ]"
moim_settle 60
f=$(maildir_last mallory@example.com)
rp=$(header_of "$f" Return-Path | tr -d '<>')
t_like "$rp" "^b-bounces\\+[a-z2-7]+\\+mallory=example\\.com@$D\$" \
	"the batched copy's return path is L-bounces+TAG+user=domain (Postfix's XVERP)"
real_tag=${rp#b-bounces+}
real_tag=${real_tag%%+*}
n0=$(bounces victim@example.net)

t_ok "five forged DSNs to p-bounces+victim=example.net are taken" \
	forge_five "p-bounces+victim=example.net@$D"
t_ok "five forged DSNs to b-bounces+victim=example.net are taken" \
	forge_five "b-bounces+victim=example.net@$D"
t_ok "five forged DSNs to a made-up tag are taken" \
	forge_five "b-bounces+aaaaaaaaaaaaa+victim=example.net@$D"
t_ok "five forged DSNs to p-bounces with b's tag are taken" \
	forge_five "p-bounces+$real_tag+victim=example.net@$D"
moim_settle 60
t_is "$(bounces victim@example.net)" "$n0" "none of them is counted"
t_ok "five forged DSNs to the real batch's tag for the victim are taken" \
	forge_five "b-bounces+$real_tag+victim=example.net@$D"
moim_settle 60
t_is "$(bounces victim@example.net)" $((n0 + 1)) \
	"a copy that went to the victim counts once, not five times"
t_is "$(enabled p victim@example.net)" true "the victim is enabled on p"
t_is "$(enabled b victim@example.net)" true "the victim is enabled on b"

# a real bounce of batched copies still counts
for i in 1 2 3 4 5; do
	send_mail_text mallory@example.com "b@$D" "batched $i" "x" ||
		bail_out "send"
	t_ok "batched post $i reaches the victim" e2e_poll 30 \
		"[ \"\$(maildir_grep victim@example.net Subject 'batched $i')\" -ge 1 ]"
	moim_settle 60
done
t_is "$(e2e_sql "SELECT count(*) FROM bounces WHERE address = 'dead@example.net' AND kind = 'permanent'")" 5 \
	"Postfix's DSNs for dead@example.net through XVERP count (five posts, then disabled)"
t_is "$(enabled b dead@example.net)" false "dead@example.net is disabled"
t_is "$(enabled b victim@example.net)" true "the victim stays enabled"
t_done
