#!/usr/bin/python3
# dkimcheck.py - dkimpy's view of a message: DKIM and ARC verdicts, and
# the author's signature and a forwarder's ARC set for test messages
#
# SYNOPSIS
#	dkimcheck.py verify DNSPORT FILE...
#	dkimcheck.py sign KEY SELECTOR DOMAIN < MSG > SIGNED
#	dkimcheck.py forward KEY SELECTOR DOMAIN SRVID < MSG > SEALED
# DESCRIPTION
#	verify checks every DKIM-Signature of FILE and its ARC chain with
#	dkimpy (python3-dkim), the keys fetched from the test DNS server on
#	127.0.0.1:DNSPORT (dnsd.py) over UDP, and prints, for each FILE,
#	"== FILE", one line per signature, topmost first, then the chain's
#	verdict:
#	    dkim pass d=lists.example.org a=rsa-sha256
#	    arc pass i=1
#	(arc none i=0 without a chain; the instance is the highest i=).
#	One process for many files: a verifier's start-up is most of its
#	time.
#
#	sign prints MSG with a DKIM-Signature (rsa-sha256, relaxed/relaxed)
#	by DOMAIN on top, as an author's mail server would add it.
#	forward prints MSG with "Authentication-Results: SRVID; dkim=pass
#	header.d=DOMAIN-of-the-author" and the ARC set dkimpy seals as
#	DOMAIN on top: the mail of a forwarder that sealed it.
# SEE ALSO
#	tests/e2e/dkim_test.sh, tests/e2e/dkimcheck.pl (Mail::DKIM)
#	This runs the system's /usr/bin/python3, where python3-dkim lives.
import re
import sys

import dkim
import dns.message
import dns.query
import dns.rdatatype


def dnsfunc_for(port):
    """A dkimpy dnsfunc asking dnsd.py on 127.0.0.1:port."""
    def get_txt(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        q = dns.message.make_query(name, dns.rdatatype.TXT)
        r = dns.query.udp(q, "127.0.0.1", timeout=timeout, port=port)
        if r.flags & 0x0200:  # truncated: ask again over TCP
            r = dns.query.tcp(q, "127.0.0.1", timeout=timeout, port=port)
        for rrset in r.answer:
            for rd in rrset:
                return b"".join(rd.strings)
        return None
    return get_txt


def tag(sig, name):
    m = re.search(rb"(?:^|;)\s*" + name + rb"\s*=\s*([^;\s]+)", sig)
    return m.group(1).decode() if m else "-"


def verify(get_txt, path):
    with open(path, "rb") as f:
        msg = f.read()
    print(f"== {path}")
    d = dkim.DKIM(msg)
    sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
    for i, sig in enumerate(sigs):
        try:
            ok = dkim.DKIM(msg).verify(idx=i, dnsfunc=get_txt)
        except dkim.DKIMException as e:
            print(f"# dkim {i}: {e}")
            ok = False
        sig = re.sub(rb"\s+", b"", sig)
        print("dkim %s d=%s a=%s" % ("pass" if ok else "fail",
                                     tag(sig, b"d"), tag(sig, b"a")))
    cv, results, why = dkim.arc_verify(msg, dnsfunc=get_txt)
    n = max([r.get("instance", 0) for r in results] or [0])
    if cv is None:
        # dkimpy's answer for a chain a seal declared failed (cv=fail):
        # RFC 8617 5.2 calls that chain failed
        cv = b"fail"
    if isinstance(cv, bytes):
        cv = cv.decode()
    print("arc %s i=%d" % (cv, n))
    if why:
        print(f"# arc: {why}")
    return 0


def sign(key, sel, domain):
    msg = sys.stdin.buffer.read()
    with open(key, "rb") as f:
        pk = f.read()
    sig = dkim.sign(msg, sel.encode(), domain.encode(), pk,
                    canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date",
                                     b"message-id"],
                    linesep=b"\n")
    sys.stdout.buffer.write(sig + msg)
    return 0


def forward(key, sel, domain, srvid):
    msg = sys.stdin.buffer.read()
    with open(key, "rb") as f:
        pk = f.read()
    author = re.search(rb"^From:.*@([A-Za-z0-9.-]+)", msg, re.M | re.I)
    ar = b"Authentication-Results: %s; dkim=pass header.d=%s\n" % (
        srvid.encode(), author.group(1) if author else b"unknown")
    # dkimpy 1.0's seal only verifies when it signs CRLF text (its AAR
    # ends in CRLF whatever linesep says): seal that, write LF.
    msg = (ar + msg).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    arc = dkim.arc_sign(msg, sel.encode(), domain.encode(), pk,
                        srvid.encode())
    sys.stdout.buffer.write((b"".join(arc) + msg).replace(b"\r\n", b"\n"))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "verify":
        get_txt = dnsfunc_for(int(argv[1]))
        for path in argv[2:]:
            verify(get_txt, path)
        return 0
    if len(argv) == 4 and argv[0] == "sign":
        return sign(*argv[1:])
    if len(argv) == 5 and argv[0] == "forward":
        return forward(*argv[1:])
    print("usage: dkimcheck.py verify DNSPORT FILE... | sign KEY SEL DOMAIN |"
          " forward KEY SEL DOMAIN SRVID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
