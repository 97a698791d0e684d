-- cache.lua - what the milter remembers of lists and members follows
-- the database: a member added or removed and a list created by moimctl
-- count from the next transaction on (-D ctl= runs moimctl)
dofile(lib)

-- as - run moimctl with these arguments
function as(args)
	check(os.execute(ctl .. " " .. args .. " >/dev/null"), "moimctl " .. args)
end

-- bob_posts - bob's post to ai: the reply to EOM
function bob_posts(conn)
	return post(conn, "<bob@example.com>", {"<ai@" .. D .. ">"},
	    {{"From", "bob@example.com"}, {"Subject", "x"}})
end

local nonmember = "Only members may post to <ai@lists.example.org>; to " ..
    "join, write to <ai-request@lists.example.org>"
local conn = open()
-- twice, so that the second answer comes from what was remembered
for _ = 1, 2 do
	refused_at_eom(conn, bob_posts(conn), "550", "5.7.1", nonmember)
end
as("member add ai bob@example.com")
check(bob_posts(conn) == SMFIR_ACCEPT, "new member not accepted")
check(bob_posts(conn) == SMFIR_ACCEPT, "new member not accepted twice")
as("member rm ai bob@example.com")
refused_at_eom(conn, bob_posts(conn), "550", "5.7.1", nonmember)
-- an address that named no list names the list made since
local rc = envelope(conn, "<alice@example.net>", {"<later@" .. D .. ">"})
check(rc == SMFIR_REPLYCODE, "unknown list not refused")
check(mt.abort(conn) == nil, "abort failed")
as("list create later@" .. D .. " --policy open")
rc = envelope(conn, "<alice@example.net>", {"<later@" .. D .. ">"})
check(rc == SMFIR_CONTINUE, "new list refused")
check(mt.abort(conn) == nil, "abort failed")
mt.disconnect(conn)
