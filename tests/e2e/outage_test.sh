#!/bin/bash
# outage_test.sh - moim-listd stopped while 50 posts arrive: Postfix keeps
# them; once listd is back every post reaches every member exactly once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init outage
moim_setup
pf_start || bail_out "postfix did not start"
L=ai-friends
LA=$L@$E2E_LIST_DOMAIN
MEMBERS="m1@example.net m2@example.net m3@example.com"
moimctl list create "$LA" --name "AI 프렌즈" >/dev/null || bail_out "list create"
moimctl member add $L $MEMBERS >/dev/null || bail_out "member add"
moimctl list set $L footer=off >/dev/null

# listd is not running: Postfix must accept and keep the posts.
t_is "$(send_posts 50 "outage post" "$LA" m1@example.net)" 50 \
	"Postfix accepts the 50 posts while listd is down"
t_ok "Postfix holds the 50 posts while listd is down" e2e_poll 30 '[ "$(pf_queue_count)" -ge 50 ]'
t_is "$(maildir_count m2@example.net)" 0 "nothing delivered while listd is down"

listd_start || bail_out "moim-listd did not start"
pf_flush
for m in $MEMBERS; do
	t_ok "$m gets all 50 posts" maildir_wait "$m" 50 120
done
pf_wait_queue_empty 60
for m in $MEMBERS; do
	n=$(maildir_count "$m")
	u=$(maildir_headers "$m" Message-ID | sort -u | wc -l)
	t_is "$n/$u" "50/50" "$m has 50 copies of 50 distinct posts"
done
t_done
