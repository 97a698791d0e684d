-- loop.lua - a post that carries this list's List-Id is refused
dofile(lib)
local conn = open()
local rc = post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"From", "alice@example.net"},
     {"List-Id", "\"AI\" <ai.lists.example.org>"}})
refused_at_eom(conn, rc, "550", "5.4.6",
    "Mail loop: message already carries this list's List-Id")
-- another list's List-Id is no loop
rc = post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"From", "alice@example.net"}, {"List-Id", "<other.example.com>"}})
check(rc == SMFIR_ACCEPT, "foreign List-Id refused")
mt.disconnect(conn)
