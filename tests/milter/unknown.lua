-- unknown.lua - unknown lists and L-something addresses: 550 5.1.1 at RCPT
dofile(lib)
local conn = open()
local rc = envelope(conn, "<alice@example.net>", {"<Nope@Lists.Example.org>"})
check(rc == SMFIR_REPLYCODE, "unknown list not refused")
check(log_has("550 5.1.1 <nope@lists.example.org>: no such list address"),
    "wrong text for an unknown list")
check(mt.rcptto(conn, "<ai-bogus@" .. D .. ">") == nil, "rcptto failed")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "ai-bogus not refused")
check(log_has("550 5.1.1 <ai-bogus@lists.example.org>: no such list address"),
    "wrong text for an unknown L-something")
-- the known addresses of the same list pass
for _, a in ipairs({"ai-request", "ai-owner", "ai-confirm+abc", "ai"}) do
	check(mt.rcptto(conn, "<" .. a .. "@" .. D .. ">") == nil, "rcptto")
	check(mt.getreply(conn) == SMFIR_CONTINUE, a .. " refused")
end
mt.disconnect(conn)
