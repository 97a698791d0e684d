-- members.lua - members lists: non-members refused (or held), at EOM
dofile(lib)
local conn = open()
-- the envelope of a non-member does not decide at RCPT...
local rc = envelope(conn, "<bob@example.com>", {"<ai@" .. D .. ">"})
check(rc == SMFIR_CONTINUE, "non-member refused before From was known")
-- ...the end of the message does
rc = message(conn, {{"From", "bob@example.com"}, {"Subject", "x"}})
refused_at_eom(conn, rc, "550", "5.7.1",
    "Only members may post to <ai@lists.example.org>; to join, write to " ..
    "<ai-request@lists.example.org>")
-- a member with an SRS envelope passes on From
rc = post(conn, "<SRS0=ab=cd=example.net=alice@fwd.example>",
    {"<ai@" .. D .. ">"}, {{"From", "Alice <ALICE@example.net>"}})
check(rc == SMFIR_ACCEPT, "member by From not accepted")
-- a member envelope with a non-member From passes too (as listd)
rc = post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"From", "someone@example.org"}})
check(rc == SMFIR_ACCEPT, "member by envelope not accepted")
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold"), "member held")
-- nonmember = hold: accepted, marked for moderation
rc = post(conn, "<bob@example.com>", {"<held@" .. D .. ">"},
    {{"From", "bob@example.com"}})
check(rc == SMFIR_ACCEPT, "held post not accepted")
check(mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold", "nonmember"),
    "no X-Moim-Hold: nonmember")
mt.disconnect(conn)
