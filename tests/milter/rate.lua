-- rate.lua - rate_limit posts per sender per hour, then 450 4.7.1
dofile(lib)
local conn = open()
for i = 1, 2 do
	local rc = post(conn, "<alice@example.net>", {"<rate@" .. D .. ">"},
	    {{"From", "alice@example.net"}})
	check(rc == SMFIR_ACCEPT, "post " .. i .. " not accepted")
end
local rc = envelope(conn, "<alice@example.net>", {"<rate@" .. D .. ">"})
check(rc == SMFIR_REPLYCODE, "third post not deferred")
check(log_has("450 4.7.1 Too many posts to <rate@lists.example.org>; " ..
    "try again later"), "wrong text for the rate limit")
mt.abort(conn)
-- another sender is not limited
rc = post(conn, "<bob@example.com>", {"<rate@" .. D .. ">"},
    {{"From", "bob@example.com"}})
check(rc == SMFIR_ACCEPT, "another sender limited")
mt.disconnect(conn)
