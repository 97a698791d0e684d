#!/bin/bash
# dns_wait_test.sh - a DNS server that never answers for one author
# domain holds up only that domain's posts: moim-listd asks the DMARC
# lookups ahead, when a post comes in over LMTP, and its processor lets
# a post whose answer is not in yet wait while other lists' posts go on.
# The waiting post still goes out once the lookup times out, with From
# munged (a policy that cannot be known is treated as reject), and the
# processor does not ask the dead name a second time.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

# The timeout is long so that list B's post, through Postfix and back,
# surely arrives inside it on a busy machine; the test asserts order,
# not times.
TIMEOUT_MS=15000
e2e_init dns_wait
moim_setup "listd.dns_timeout=$TIMEOUT_MS"
pf_start || bail_out "postfix did not start"
A=study-a
B=study-b
for l in $A $B; do
	moimctl list create "$l@$E2E_LIST_DOMAIN" --owner owner@example.net \
		>/dev/null || bail_out "list create $l failed"
done
moimctl member add $A reader-a@example.com >/dev/null
moimctl member add $A kim@dead.example >/dev/null
moimctl member add $B reader-b@example.com >/dev/null
moimctl member add $B lee@live.example >/dev/null
dns_add _dmarc.dead.example SILENT &&
	e2e_poll 10 'grep -q "read again" "$E2E_DIR/log/dnsd.log"' ||
	bail_out "dnsd did not read the zone"
dns_add _dmarc.live.example 'TXT "v=DMARC1; p=none"'
listd_start || bail_out "moim-listd did not start"
LOG=$E2E_DIR/log/listd.log

# 1. A's post: its author domain's DMARC record never comes
t0=$(date +%s)
send_mail_text kim@dead.example "$A@$E2E_LIST_DOMAIN" "post to A" "from a dead domain"
t_ok "A's post waits for its DNS answer" \
	e2e_poll 30 "grep -q 'waits for DNS: _dmarc.dead.example' '$LOG'"

# 2. B's post goes through while A's waits
send_mail_text lee@live.example "$B@$E2E_LIST_DOMAIN" "post to B" "from a live domain"
t_ok "B's copy arrives" maildir_wait reader-b@example.com 1 60
t_is "$(maildir_count reader-a@example.com)" 0 \
	"A's post has not gone out when B's arrived"
b_line=$(grep -n "rcpt=$B@.*result=" "$LOG" | head -1 | cut -d: -f1)
a_line=$(grep -n "rcpt=$A@.*result=" "$LOG" | head -1 | cut -d: -f1)
t_ok "B's post was processed before A's (log line $b_line, A: ${a_line:-none yet})" \
	test -n "$b_line" -a \( -z "$a_line" -o "${a_line:-0}" -gt "${b_line:-0}" \)

# 3. A's post goes out once the lookup timed out, munged
t_ok "A's copy arrives after the timeout" \
	maildir_wait reader-a@example.com 1 $((TIMEOUT_MS / 1000 * 3 + 30))
t_ok "A's post was processed after B's" \
	e2e_poll 10 "[ \"\$(grep -n 'rcpt=$A@.*result=' '$LOG' | head -1 | cut -d: -f1)\" -gt $b_line ]"
t_ok "the failed lookup munged From" \
	grep -q "author domain dead.example: dmarc dns_fail, From munged" "$LOG"
t_like "$(header_of "$(maildir_last reader-a@example.com)" From)" \
	"$A@$E2E_LIST_DOMAIN" "A's copy comes From the list"
# sent once and once again halfway, by the thread that asked ahead; the
# processor found the failure cached
t_is "$(grep -c '_dmarc.dead.example 16 -> silent' "$E2E_DIR/log/dnsd.log")" 2 \
	"the dead name was asked by one lookup only"
t_like "$(header_of "$(maildir_last reader-b@example.com)" From)" \
	"lee@live.example" "B's author kept From (p=none)"
# the figures, for the record (not asserted: times depend on the machine)
ta=$(stat -c %Y "$(maildir_last reader-a@example.com)")
tb=$(stat -c %Y "$(maildir_last reader-b@example.com)")
diag "A's post sent at $t0: B's copy after $((tb - t0)) s, A's after $((ta - t0)) s (dns_timeout $((TIMEOUT_MS / 1000)) s)"

t_done
