-- announce.lua - only owners and moderators post to an announce list
dofile(lib)
local conn = open()
local rc = post(conn, "<alice@example.net>", {"<news@" .. D .. ">"},
    {{"From", "Alice <alice@example.net>"}, {"Subject", "hi"}})
refused_at_eom(conn, rc, "550", "5.7.1",
    "Only the list owners and moderators may post to <news@lists.example.org>")
-- the owner may
rc = post(conn, "<boss@example.net>", {"<news@" .. D .. ">"},
    {{"From", "boss@example.net"}, {"Subject", "news"}})
check(rc == SMFIR_ACCEPT, "owner's post not accepted")
-- the owner through a forwarder: From decides
rc = post(conn, "<SRS0=x=yy=example.net=boss@fwd.example>",
    {"<news@" .. D .. ">"}, {{"From", "The Boss <boss@example.net>"}})
check(rc == SMFIR_ACCEPT, "owner's forwarded post not accepted")
mt.disconnect(conn)
