#!/usr/bin/env python3
# dnsd.py - a tiny DNS server for the end-to-end tests: TXT from a zone file
#
# SYNOPSIS
#	dnsd.py [--pidfile FILE] PORT ZONEFILE
# DESCRIPTION
#	Answers DNS queries on 127.0.0.1:PORT over UDP and TCP (RFC 1035,
#	RFC 7766: several queries per TCP connection), so that moim-listd's
#	DMARC lookups ([listd] dns_server = 127.0.0.1:PORT) work on a
#	machine without a network. PORT 0 takes a free port.
#
#	ZONEFILE has one record a line:
#	    NAME TXT "string" ["string" ...]
#	    NAME SILENT
#	for example
#	    _dmarc.example.com TXT "v=DMARC1; p=reject"
#	A SILENT name gets no answer at all, as from a dead resolver or an
#	authoritative server that drops the query.
#	Names are compared without regard to case, a trailing dot is
#	optional; several lines may give the same name (several records).
#	Strings take \" and \\ escapes; a string over 255 bytes is split
#	into pieces of 255, as zone files do. Blank lines and lines starting
#	with # are ignored; any other line stops the server with status 2.
#
#	A TXT (or ANY) question for a name of the zone gets its records; a
#	question of another type for such a name gets none (NODATA); any
#	other name gets NXDOMAIN. An answer over 512 bytes is sent over UDP
#	truncated (TC), so that the client asks again over TCP. Queries that
#	are not standard queries get NOTIMP; what cannot be read is dropped.
#
#	At start it prints "dnsd: pid PID port PORT" (and, with --pidfile,
#	writes "PID PORT" to FILE, atomically) once both sockets are bound;
#	TCP listens last, so a TCP port check means UDP is ready too. Each
#	query is logged as "dnsd: NAME TYPE -> RCODE ANSWERS". SIGHUP reads
#	ZONEFILE again; SIGTERM and SIGINT stop the server (status 0).
# SEE ALSO
#	tests/e2e/lib.sh (e2e_daemon_start, e2e_wait_port), lib/dmarc.h
import os
import selectors
import signal
import socket
import struct
import sys
import threading

T_TXT, T_ANY = 16, 255
NOERROR, FORMERR, NXDOMAIN, NOTIMP = 0, 1, 3, 4
UDP_MAX = 512


class ZoneError(Exception):
    pass


def parse_strings(text, lineno):
    """The quoted strings of a TXT line, as bytes."""
    out, i = [], 0
    while i < len(text):
        if text[i] in " \t":
            i += 1
            continue
        if text[i] != '"':
            raise ZoneError(f"line {lineno}: expected a quoted string")
        i += 1
        buf = bytearray()
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            buf += text[i].encode("utf-8")
            i += 1
        if i >= len(text):
            raise ZoneError(f"line {lineno}: unterminated string")
        i += 1
        out.append(bytes(buf))
    if not out:
        raise ZoneError(f"line {lineno}: TXT without a string")
    return out


def load_zone(path):
    """name (lower case, no trailing dot) -> list of TXT rdata (bytes)."""
    zone = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) == 2 and parts[1].upper() == "SILENT":
                zone[parts[0].rstrip(".").lower()] = None
                continue
            if len(parts) != 3 or parts[1].upper() != "TXT":
                raise ZoneError(f"line {lineno}: not NAME TXT \"string\"")
            name = parts[0].rstrip(".").lower()
            rdata = b""
            for s in parse_strings(parts[2], lineno):
                for k in range(0, max(len(s), 1), 255):
                    piece = s[k:k + 255]
                    rdata += bytes([len(piece)]) + piece
            if zone.get(name, []) is None:
                raise ZoneError(f"line {lineno}: {name} is SILENT")
            zone.setdefault(name, []).append(rdata)
    return zone


def read_question(msg):
    """(id, flags, name, qtype, end of question) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000 or qd != 1:
        return None
    labels, i = [], 12
    while True:
        if i >= len(msg):
            return None
        n = msg[i]
        if n == 0:
            break
        if n > 63 or i + 1 + n > len(msg):
            return None
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return qid, flags, ".".join(labels).lower(), qtype, i + 5


def build_answer(zone, msg, limit):
    """The reply to one query, or None to drop it."""
    q = read_question(msg)
    if q is None:
        return None, None
    qid, flags, name, qtype, end = q
    if name in zone and zone[name] is None:
        return None, f"dnsd: {name} {qtype} -> silent"
    opcode = (flags >> 11) & 0xF
    answers = []
    if opcode != 0:
        rcode = NOTIMP
    elif name not in zone:
        rcode = NXDOMAIN
    else:
        rcode = NOERROR
        if qtype in (T_TXT, T_ANY):
            answers = zone[name]
    body = b""
    for rdata in answers:
        # the owner name points at the question (offset 12)
        body += struct.pack("!HHHIH", 0xC00C, T_TXT, 1, 300, len(rdata))
        body += rdata
    out_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
    count = len(answers)
    if limit and 12 + (end - 12) + len(body) > limit:
        out_flags |= 0x0200  # TC: ask again over TCP
        body, count = b"", 0
    header = struct.pack("!HHHHHH", qid, out_flags, 1, count, 0, 0)
    log = f"dnsd: {name} {qtype} -> {rcode} {count}"
    if out_flags & 0x0200:
        log += " truncated"
    return header + msg[12:end] + body, log


class Server:
    def __init__(self, port, zonefile):
        self.zonefile = zonefile
        self.zone = load_zone(zonefile)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", port))
        self.port = self.udp.getsockname()[1]
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", self.port))
        self.tcp.listen(16)

    def reload(self):
        try:
            zone = load_zone(self.zonefile)
        except (OSError, ZoneError) as e:
            print(f"dnsd: {self.zonefile}: {e}; zone kept", flush=True)
            return
        self.zone = zone  # one assignment: readers see old or new
        print(f"dnsd: {self.zonefile} read again", flush=True)

    def answer(self, msg, limit):
        reply, log = build_answer(self.zone, msg, limit)
        if log:
            print(log, flush=True)
        return reply

    def serve_udp(self):
        msg, peer = self.udp.recvfrom(65535)
        reply = self.answer(msg, UDP_MAX)
        if reply is not None:
            self.udp.sendto(reply, peer)

    def serve_tcp(self, conn):
        conn.settimeout(30)
        try:
            while True:
                hdr = recv_exact(conn, 2)
                if hdr is None:
                    break
                msg = recv_exact(conn, struct.unpack("!H", hdr)[0])
                if msg is None:
                    break
                reply = self.answer(msg, 0)
                if reply is None:
                    break
                conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            pass
        finally:
            conn.close()

    def run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.udp, selectors.EVENT_READ, "udp")
        sel.register(self.tcp, selectors.EVENT_READ, "tcp")
        while True:
            for key, _ in sel.select():
                if key.data == "udp":
                    self.serve_udp()
                else:
                    conn, _ = self.tcp.accept()
                    threading.Thread(target=self.serve_tcp, args=(conn,),
                                     daemon=True).start()


def recv_exact(conn, n):
    """n bytes from conn, or None at EOF."""
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def write_pidfile(path, port):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{os.getpid()} {port}\n")
    os.rename(tmp, path)


def main(argv):
    pidfile = None
    if len(argv) >= 2 and argv[0] == "--pidfile":
        pidfile, argv = argv[1], argv[2:]
    if len(argv) != 2 or not argv[0].isdigit() or int(argv[0]) > 65535:
        print("usage: dnsd.py [--pidfile FILE] PORT ZONEFILE",
              file=sys.stderr)
        return 2
    try:
        server = Server(int(argv[0]), argv[1])
    except (OSError, ZoneError) as e:
        print(f"dnsd: {argv[1]}: {e}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: server.reload())
    print(f"dnsd: pid {os.getpid()} port {server.port}", flush=True)
    if pidfile:
        write_pidfile(pidfile, server.port)
    try:
        server.run()
    except SystemExit:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
