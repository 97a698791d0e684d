-- size.lua - max_size: SIZE= at RCPT, counted bytes at EOM
dofile(lib)
local conn = open()
check(mt.mailfrom(conn, "<alice@example.net>", "SIZE=5000") == nil, "mail")
check(mt.rcptto(conn, "<ai@" .. D .. ">") == nil, "rcptto failed")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "SIZE over max not refused")
check(log_has("552 5.3.4 Message too big for <ai@lists.example.org> " ..
    "(max 4096 bytes)"), "wrong text for SIZE")
-- at the limit it passes
mt.abort(conn)
check(mt.mailfrom(conn, "<alice@example.net>", "SIZE=4096") == nil, "mail")
check(mt.rcptto(conn, "<ai@" .. D .. ">") == nil, "rcptto failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "SIZE at max refused")
mt.abort(conn)
-- without SIZE the body is counted
local rc = post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"From", "alice@example.net"}}, string.rep("0123456789abcde\r\n", 300))
refused_at_eom(conn, rc, "552", "5.3.4",
    "Message too big for <ai@lists.example.org> (max 4096 bytes)")
mt.disconnect(conn)
