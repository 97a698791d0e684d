-- internal.lua - forged X-Moim-* fields are removed, every one of them
dofile(lib)
local conn = open()
local rc = post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"X-Moim-Hold", "dmarc"}, {"From", "alice@example.net"},
     {"x-moim-verdict", "accept"}, {"X-Moim-Hold", "nonmember"}})
check(rc == SMFIR_ACCEPT, "member post not accepted")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Moim-Hold"), "X-Moim-Hold kept")
check(mt.eom_check(conn, MT_HDRDELETE, "x-moim-verdict"),
    "x-moim-verdict kept")
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold"), "hold added")
mt.disconnect(conn)
