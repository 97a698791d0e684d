-- nonlist.lua - other domains pass without a database access (run.sh
-- runs this against a milter whose database does not exist)
dofile(lib)
local conn = open()
local rc = envelope(conn, "<alice@example.net>",
    {"<bob@example.com>", "<carol@lists.example.org.evil.example>"})
check(rc == SMFIR_CONTINUE, "RCPT outside the list domains not passed")
check(mt.data(conn) == nil, "data failed")
check(mt.getreply(conn) == SMFIR_ACCEPT, "non-list mail not accepted at DATA")
mt.disconnect(conn)
