-- autoreply.lua - auto-replies to command addresses are dropped silently
dofile(lib)
local conn = open()
local rc = post(conn, "<alice@example.net>", {"<ai-request@" .. D .. ">"},
    {{"From", "alice@example.net"}, {"Auto-Submitted", "auto-replied"}})
check(rc == SMFIR_DISCARD, "auto-reply to -request not discarded")
-- the null sender is automatic too
rc = post(conn, "<>", {"<ai-confirm+xyz@" .. D .. ">"},
    {{"From", "MAILER-DAEMON@example.net"}})
check(rc == SMFIR_DISCARD, "bounce to -confirm not discarded")
-- with another recipient: only the command address is dropped
rc = post(conn, "<alice@example.net>",
    {"<ai-request@" .. D .. ">", "<friend@example.org>"},
    {{"From", "alice@example.net"}, {"Precedence", "bulk"}})
check(rc == SMFIR_ACCEPT, "mixed transaction not accepted")
check(mt.eom_check(conn, MT_RCPTDELETE, "<ai-request@" .. D .. ">"),
    "command recipient not removed")
-- a person writing to -request passes
rc = post(conn, "<alice@example.net>", {"<ai-request@" .. D .. ">"},
    {{"From", "alice@example.net"}, {"Auto-Submitted", "no"}})
check(rc == SMFIR_ACCEPT, "person to -request not accepted")
-- bounces reach L-bounces+TOKEN
rc = post(conn, "<>", {"<ai-bounces+t0k@" .. D .. ">"},
    {{"From", "MAILER-DAEMON@example.net"},
     {"Auto-Submitted", "auto-replied"}})
check(rc == SMFIR_ACCEPT, "bounce to -bounces not accepted")
mt.disconnect(conn)
