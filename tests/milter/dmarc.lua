-- dmarc.lua - require_auth: DMARC failure (trusted A-R) holds the post
dofile(lib)
local conn = open()
local function auth_post(ar)
	local h = {{"From", "Alice <alice@example.net>"}}
	if ar ~= nil then
		table.insert(h, 1, {"Authentication-Results", ar})
	end
	local rc = post(conn, "<alice@example.net>", {"<auth@" .. D .. ">"}, h)
	check(rc == SMFIR_ACCEPT, "post not accepted")
end
auth_post("mx.example.org; dmarc=fail (p=reject) header.from=example.net")
check(mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold", "dmarc"),
    "DMARC failure not held")
auth_post("mx.example.org; dkim=pass; dmarc=pass header.from=example.net")
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold"), "DMARC pass held")
-- an untrusted server's pass is worth nothing
auth_post("evil.example; dmarc=pass header.from=example.net")
check(mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold", "dmarc"),
    "untrusted A-R believed")
-- a SASL client is authenticated
check(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "alice") == nil, "macro")
auth_post(nil)
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Hold"), "SASL post held")
mt.disconnect(conn)
