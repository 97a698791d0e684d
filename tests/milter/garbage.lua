-- garbage.lua - random and long header fields, random bodies: no crash,
-- a sane reply every time, and the milter still serves afterwards
dofile(lib)
math.randomseed(tonumber(seed) or 1)
local function junk(n)
	local t = {}
	for i = 1, n do
		t[i] = string.char(math.random(1, 255))
	end
	return (table.concat(t):gsub("[%z\r\n]", "x"))
end
local names = {"From", "List-Id", "Authentication-Results",
    "Auto-Submitted", "Precedence", "X-Moim-Hold", "X-Auto-Response-Suppress",
    "Subject", "X-" .. junk(8)}
for round = 1, 40 do
	local conn = open()
	local rc = envelope(conn, "<alice@example.net>", {"<ai@" .. D .. ">"})
	check(rc == SMFIR_CONTINUE, "RCPT refused")
	local h = {}
	for i = 1, math.random(0, 30) do
		local v = junk(math.random(0, 300))
		if math.random(1, 10) == 1 then
			-- as long as miltertest takes: its mt.header() overflows
			-- a stack buffer past about 1 KB (huge fields are sent
			-- through Postfix in tests/e2e/milter_test.sh)
			v = junk(960)
		end
		h[i] = {names[math.random(1, #names)], v}
	end
	for _, f in ipairs(h) do
		check(mt.header(conn, f[1], f[2]) == nil, "header failed")
	end
	check(mt.bodyrandom(conn, math.random(0, 3000)) == nil, "body failed")
	check(mt.eom(conn) == nil, "eom failed")
	rc = mt.getreply(conn)
	check(rc == SMFIR_ACCEPT or rc == SMFIR_REPLYCODE or rc == SMFIR_DISCARD,
	    "odd reply " .. tostring(rc) .. " in round " .. round)
	mt.disconnect(conn)
end
-- 2,500 fields (to a list without a small max_size): refused
local conn = open()
check(envelope(conn, "<alice@example.net>", {"<auth@" .. D .. ">"}) ==
    SMFIR_CONTINUE, "RCPT refused")
for i = 1, 2500 do
	check(mt.header(conn, "X-Many", "field " .. i) == nil, "header failed")
end
check(mt.bodystring(conn, "x\r\n") == nil, "body failed")
check(mt.eom(conn) == nil, "eom failed")
refused_at_eom(conn, mt.getreply(conn), "552", "5.3.4",
    "Message header too big (max 2000 fields)")
mt.disconnect(conn)
-- and it still serves
conn = open()
check(post(conn, "<alice@example.net>", {"<ai@" .. D .. ">"},
    {{"From", "alice@example.net"}}) == SMFIR_ACCEPT, "dead after garbage")
mt.disconnect(conn)
