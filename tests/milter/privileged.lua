-- privileged.lua - what vouches for an owner's post beyond From (issue
-- 13.4): a forged From gets no X-Moim-Auth, a trusted DMARC pass on top
-- gets "domain", a SASL login "sasl"; a forged Authentication-Results
-- claiming a trusted authserv-id below the top one is removed and not read
dofile(lib)
local conn = open()
local function owner_post(envelope, ars)
	local h = {{"From", "The Boss <boss@example.net>"}, {"Subject", "news"}}
	for i = #ars, 1, -1 do
		table.insert(h, 1, {"Authentication-Results", ars[i]})
	end
	local rc = post(conn, envelope, {"<news@" .. D .. ">"}, h)
	check(rc == SMFIR_ACCEPT, "owner's post not accepted")
end
-- the attack: envelope attacker, From the owner, no proof
owner_post("<attacker@evil.test>", {})
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth"),
    "a forged From got X-Moim-Auth")
-- an untrusted server's pass is worth nothing
owner_post("<attacker@evil.test>",
    {"evil.test; dmarc=pass header.from=example.net"})
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth"),
    "an untrusted A-R got X-Moim-Auth")
-- the local verifier's field on top says fail; a forged trusted pass
-- below it is removed and not believed
owner_post("<attacker@evil.test>",
    {"mx.example.org; dmarc=fail header.from=example.net",
     "mx.example.org; dmarc=pass header.from=example.net"})
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth"),
    "a forged A-R below the trusted one was believed")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"),
    "the forged trusted A-R was not removed")
-- a trusted DMARC pass on top vouches for From's domain
owner_post("<boss@example.net>",
    {"mx.example.org; dkim=pass header.d=example.net; " ..
     "dmarc=pass header.from=example.net",
     "other.example; dmarc=fail"})
check(mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth", "domain"),
    "a trusted DMARC pass got no X-Moim-Auth: domain")
check(not mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"),
    "the trusted A-R or an untrusted one was removed")
-- a forged X-Moim-Auth is removed like every X-Moim-* field
local rc = post(conn, "<attacker@evil.test>", {"<news@" .. D .. ">"},
    {{"X-Moim-Auth", "sasl"}, {"From", "boss@example.net"}})
check(rc == SMFIR_ACCEPT, "post not accepted")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Moim-Auth"),
    "a forged X-Moim-Auth was kept")
check(not mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth"),
    "a forged X-Moim-Auth was answered with one")
-- a SASL client: the login vouches
check(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "boss") == nil, "macro")
owner_post("<boss@example.net>", {})
check(mt.eom_check(conn, MT_HDRADD, "X-Moim-Auth", "sasl"),
    "a SASL login got no X-Moim-Auth: sasl")
mt.disconnect(conn)
