-- tempfail.lua - an internal error (no database) is 451 4.3.0, never a guess
dofile(lib)
local conn = open()
local rc = envelope(conn, "<alice@example.net>", {"<ai@" .. D .. ">"})
check(rc == SMFIR_REPLYCODE or rc == SMFIR_TEMPFAIL, "not tempfailed")
check(log_has("451 4.3.0 Temporary failure, try again later"),
    "wrong text for a temporary failure")
mt.disconnect(conn)
