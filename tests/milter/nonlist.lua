-- nonlist.lua - other domains pass without a database access and their
-- mail untouched (run.sh runs this against a milter whose database does
-- not exist)
dofile(lib)
local conn = open()
local rc = envelope(conn, "<alice@example.net>",
    {"<bob@example.com>", "<carol@lists.example.org.evil.example>"})
check(rc == SMFIR_CONTINUE, "RCPT outside the list domains not passed")
-- an X-Moim-* field and a forged Authentication-Results stay: not ours
rc = message(conn, {{"X-Moim-Hold", "yes"},
    {"Authentication-Results", "lists.example.org; dmarc=pass"}})
check(rc == SMFIR_ACCEPT, "non-list mail not accepted at the end")
check(not mt.eom_check(conn, MT_HDRDELETE, "X-Moim-Hold"),
    "a field of non-list mail removed")
check(not mt.eom_check(conn, MT_HDRCHANGE, "X-Moim-Hold"),
    "a field of non-list mail changed")
mt.disconnect(conn)
