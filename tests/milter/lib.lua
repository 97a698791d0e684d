-- lib.lua - helpers for the miltertest scripts of moim-milter.
-- run.sh passes -D sock=SPEC -D log=FILE -D lib=THIS_FILE; each script
-- starts with dofile(lib). D is the list domain of run.sh's database.
D = "lists.example.org"

-- check - fail the script with what when cond is false
function check(cond, what)
	if not cond then
		-- this miltertest prints no Lua error text: say it first
		mt.echo("FAIL: " .. what)
		error(what, 2)
	end
end

-- open - a negotiated connection to the milter under test
function open()
	local conn = mt.connect(sock, 40, 0.25)
	check(conn ~= nil, "mt.connect() failed")
	check(mt.negotiate(conn, nil, nil, nil) == nil, "negotiate failed")
	-- no mt.conninfo(): the milter negotiates SMFIP_NOCONNECT
	return conn
end

-- log_has - whether the milter logged exactly this reply
-- (RCPT-time replies: miltertest checks reply texts only at EOM)
function log_has(reply)
	local f = io.open(log, "r")
	local s = f:read("*a")
	f:close()
	return string.find(s, 'reply="' .. reply .. '"', 1, true) ~= nil
end

-- envelope - MAIL and RCPTs; returns the reply to the last RCPT
function envelope(conn, from, rcpts, ...)
	check(mt.mailfrom(conn, from, ...) == nil, "mailfrom failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "MAIL not continued")
	for _, r in ipairs(rcpts) do
		check(mt.rcptto(conn, r) == nil, "rcptto failed")
	end
	return mt.getreply(conn)
end

-- message - headers ({name, value} pairs), body, EOM (the milter takes no
-- DATA step: SMFIP_NODATA)
function message(conn, headers, body)
	for _, h in ipairs(headers) do
		check(mt.header(conn, h[1], h[2]) == nil, "header failed")
	end
	check(mt.bodystring(conn, body or "hello\r\n") == nil, "body failed")
	check(mt.eom(conn) == nil, "eom failed")
	return mt.getreply(conn)
end

-- post - a whole transaction; returns the reply to EOM
function post(conn, from, rcpts, headers, body)
	local rc = envelope(conn, from, rcpts)
	check(rc == SMFIR_CONTINUE, "RCPT not continued: " .. tostring(rc))
	return message(conn, headers, body)
end

-- refused_at_eom - EOM answered with exactly code, xcode and text
function refused_at_eom(conn, rc, code, xcode, text)
	check(rc == SMFIR_REPLYCODE, "EOM reply is not a reply code")
	check(mt.eom_check(conn, MT_SMTPREPLY, code, xcode, text),
	    "EOM reply is not " .. code .. " " .. xcode .. " " .. text)
end
