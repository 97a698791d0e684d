#!/usr/bin/env python3
# hostile.py - hostile messages for the garbage-mail end-to-end test: make
# them, send them over SMTP, and account for what became of each.
#
# SYNOPSIS
#	hostile.py gen DIR
#	hostile.py send --port P --to RCPT --sender FMT --results TSV
#	    [--root DIR] [--pids PID,...] [--fixup] FILE...
#	hostile.py account --results TSV --maildir BASE --members A,B,...
#	    --db DB|URI --list-id ID,... --maillog LOG --listd-log LOG
#	    [--markers DIR/index.tsv]
# DESCRIPTION
#	gen writes one NAME.eml per hostile input into DIR (bytes exactly as
#	they go on the wire, but for dot-stuffing and the final CRLF) and
#	DIR/index.tsv: NAME.eml, marker, description. The marker is a line of
#	the message that must reach every member intact if the message is
#	distributed ("-" when the message can carry none).
#
#	send sends each FILE in its own SMTP session (python smtplib, so no
#	process per message) to 127.0.0.1:P, envelope sender FMT with {n}
#	replaced by a local part made from the file's name (its path below
#	--root), so that each message has its own author mailbox, and
#	appends one TSV line per file to the results:
#	    name  file  sender  stage  code  reply  queue_id  alive
#	stage is where the session ended (mail, rcpt, data, eom, connect);
#	reply is the server's text with its enhanced status code; alive is
#	"yes" when every process of --pids was running (not a zombie) after
#	the session. --fixup turns bare LF into CRLF, as swaks does; without
#	it the bytes go as they are, so CR-only and LF-only messages stay so.
#
#	account reads the results, the members' Maildirs (a copy is a file
#	whose header names one of the List-Ids), the SQLite database and
#	the logs of moim-listd, and Postfix's maillog, and prints for each
#	message one line
#	    name  outcome  detail
#	with outcome one of
#	    refused		SMTP 5xx with an enhanced status code and words
#	    unclear		SMTP 5xx without them
#	    tempfail		SMTP 4xx
#	    distributed		every member has exactly one copy (found by the
#				queue id in the Received field Postfix added),
#				each holds the marker, the Message-ID and every
#				part moim-listd received (as the archive keeps
#				it), and the archive holds the message
#	    distributed:id-archived-before
#				the same, but the archive, which keeps one
#				message per Message-ID, holds an earlier one
#	    held		in the moderation queue, no member copy, and
#				the author got exactly one notice
#	    held:sender-not-told
#				the same, but no notice: automatic mail
#	    refused-mail	refused by moim-listd, the author got a notice
#	    dropped:RESULT	moim-listd recorded RESULT and sent nothing
#	    lost		none of the above: detail says what is missing
# SEE ALSO
#	tests/e2e/garbage_test.sh, lib/limits.h, Postfix's postconf(5)
#	(message_size_limit, header_size_limit, mime_nesting_limit).

import base64
import email
import email.policy
import os
import re
import smtplib
import sqlite3
import subprocess
import sys

CRLF = b"\r\n"


# ------------------------------------------------------------ generating

def headers(name, extra=b""):
    """The usual header block of a hostile message, CRLF ended."""
    h = (b"From: Hostile <h-" + name.encode() + b"@example.net>\r\n"
         b"To: g@lists.example.org\r\n"
         b"Subject: hostile " + name.encode() + b"\r\n"
         b"Date: Mon, 1 Dec 2025 10:00:00 +0900\r\n"
         b"Message-ID: <" + name.encode() + b".hostile@e2e.test>\r\n"
         b"MIME-Version: 1.0\r\n")
    return h + extra


def plain(name, marker, body=b""):
    """A text/plain message whose body holds the marker line."""
    return (headers(name, b"Content-Type: text/plain; charset=us-ascii\r\n")
            + CRLF + marker + CRLF + body)


def multipart(name, marker, parts, boundary=b"hb", close=True):
    """multipart/mixed: a text part with the marker, then parts."""
    out = [headers(name, b"Content-Type: multipart/mixed; boundary=\"" +
                   boundary + b"\"\r\n"), CRLF,
           b"preamble\r\n--", boundary, CRLF,
           b"Content-Type: text/plain\r\n\r\n", marker, CRLF]
    for p in parts:
        out += [b"--", boundary, CRLF, p, CRLF]
    if close:
        out += [b"--", boundary, b"--", CRLF]
    return b"".join(out)


def nested(name, marker, depth):
    """depth levels of multipart/mixed, the marker in the innermost."""
    inner = b"Content-Type: text/plain\r\n\r\n" + marker + CRLF
    for i in range(depth, 0, -1):
        b = b"n%d" % i
        inner = (b"Content-Type: multipart/mixed; boundary=\"" + b +
                 b"\"\r\n\r\n--" + b + CRLF + inner + b"--" + b + b"--" +
                 CRLF)
    return headers(name) + inner


def gen_all():
    """(name, marker, description, bytes) of every hostile message."""
    out = []

    def add(name, desc, build, has_marker=True):
        marker = ("GARBAGE-MARKER-" + name).encode()
        out.append((name, marker.decode() if has_marker else "-", desc,
                    build(name, marker)))

    add("long-header-line", "a 1 MB header line",
        lambda n, m: plain(n, m).replace(
            b"MIME-Version", b"X-Long: " + b"a" * (1024 * 1024) +
            b"\r\nMIME-Version", 1))
    add("many-parts", "10,000 MIME parts",
        lambda n, m: multipart(n, m, [b"Content-Type: text/plain\r\n\r\n"
                                      b"part %d" % i for i in range(10000)]))
    add("deep-nesting", "200 levels of multipart",
        lambda n, m: nested(n, m, 200))
    add("nul-bytes", "NUL bytes in a header and in the body",
        lambda n, m: plain(n, m, b"before\x00after\r\n\x00\x00\r\n").replace(
            b"Subject: hostile nul-bytes",
            b"Subject: hostile nul\x00bytes"))
    add("bad-base64", "a base64 part that is not base64",
        lambda n, m: multipart(n, m, [
            b"Content-Type: application/octet-stream; name=x.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            b"!!!not*base64@@@\r\n===AAAA====\r\n\x80\xff\r\nQUJD=RA\r\n"]))
    add("bad-base64-text", "a text/plain body in broken base64",
        lambda n, m: headers(n, b"Content-Type: text/plain\r\n"
                             b"Content-Transfer-Encoding: base64\r\n") +
        CRLF + base64.b64encode(m + CRLF)[:-3] + b"*!\r\n@@@\r\n",
        has_marker=False)
    add("bad-utf8-headers", "invalid UTF-8 in Subject and From's name",
        lambda n, m: plain(n, m).replace(
            b"From: Hostile", b"From: \xc3\x28Ho\xffstile \xed\xa0\x80",
            1).replace(b"Subject: hostile",
                       b"Subject: \xfe\xfe\xc0\xaf hostile \xe2\x82", 1))
    add("8bit-headers", "unencoded UTF-8 and Latin-1 in headers",
        lambda n, m: plain(n, m).replace(
            b"From: Hostile", "From: 모임 회원".encode(), 1).replace(
            b"Subject: hostile",
            "Subject: 세미나 안내 caf\u00e9".encode() + b" caf\xe9", 1))
    add("bad-encoded-words", "RFC 2047 words with bad charsets and base64",
        lambda n, m: plain(n, m).replace(
            b"Subject: hostile",
            b"Subject: =?x-unknown?B?QUJD?= =?UTF-8?B?!!!?= "
            b"=?EUC-KR?Q?=FF=FE?= =?utf-8?q?", 1))
    add("header-no-colon", "a header line without a colon",
        lambda n, m: plain(n, m).replace(
            b"MIME-Version", b"This line is no header field\r\nMIME-Version",
            1))
    add("missing-boundary", "multipart/mixed without a boundary",
        lambda n, m: headers(n, b"Content-Type: multipart/mixed\r\n") +
        CRLF + b"--x\r\nContent-Type: text/plain\r\n\r\n" + m +
        b"\r\n--x--\r\n")
    add("unterminated-multipart", "a multipart that never closes",
        lambda n, m: multipart(n, m, [b"Content-Type: text/plain\r\n\r\n"
                                      b"open part"], close=False))
    add("many-headers", "5,000 header fields",
        lambda n, m: plain(n, m).replace(
            b"MIME-Version", b"".join(b"X-H%d: v\r\n" % i
                                      for i in range(5000)) +
            b"MIME-Version", 1))
    add("cr-only", "CR-only line ends",
        lambda n, m: plain(n, m, b"second line\r\n").replace(CRLF, b"\r"))
    add("lf-only", "LF-only line ends",
        lambda n, m: plain(n, m, b"second line\r\n").replace(CRLF, b"\n"))
    add("long-body-line", "a 2 MB body line",
        lambda n, m: plain(n, m, b"x" * (2 * 1024 * 1024) + CRLF))
    add("huge-body-line", "a 10 MB single-line body, over the size limits",
        lambda n, m: plain(n, m, b"y" * (10 * 1024 * 1024) + CRLF))
    add("empty", "an empty message", lambda n, m: b"", has_marker=False)
    add("headers-only", "header fields and no body at all",
        lambda n, m: headers(n, b"X-Marker: " + m + b"\r\n"))
    add("binary-body", "every byte value in a text/plain body",
        lambda n, m: plain(n, m, bytes(range(256)) * 4 + CRLF))
    add("nested-rfc822", "message/rfc822 inside message/rfc822, 50 deep",
        lambda n, m: headers(n, b"Content-Type: multipart/mixed; "
                             b"boundary=r\r\n") + CRLF + b"--r\r\n"
        b"Content-Type: text/plain\r\n\r\n" + m + b"\r\n--r\r\n" +
        b"Content-Type: message/rfc822\r\n\r\n" * 50 +
        b"Subject: inner\r\n\r\ninner\r\n--r--\r\n")
    add("long-8bit-subject", "a Subject of 30,000 raw windows-1252 bytes,"
        " three times longer once decoded",
        lambda n, m: plain(n, m).replace(
            b"Subject: hostile", b"Subject: hostile " + b"\x80" * 30000, 1))
    add("crlf-encoded-subject", "an encoded word that decodes to CR LF"
        " (header injection)",
        lambda n, m: plain(n, m).replace(
            b"Subject: hostile",
            b"Subject: =?utf-8?q?hostile=0D=0AX-Injected:_yes=0D=0A?=", 1))
    add("many-received", "60 Received fields (a mail loop)",
        lambda n, m: b"".join(b"Received: from h%d.example.net by "
                              b"mx.example.net; Mon, 1 Dec 2025 10:00:00"
                              b" +0900\r\n" % i for i in range(60)) +
        plain(n, m))
    add("top-message-rfc822", "a message whose body is message/rfc822 of"
        " garbage",
        lambda n, m: headers(n, b"Content-Type: message/rfc822\r\n") +
        CRLF + b"\x00\xff garbage without headers\r\n" + m + CRLF)
    add("attached-broken-header", "an attached message whose header has a"
        " line that is no field (GMime drops what follows it)",
        lambda n, m: multipart(n, b"first part", [
            b"Content-Type: message/rfc822\r\n\r\n"
            b"Received: from x.example.net (x [192.0.2.1])\r\n"
            b"(using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)\r\n"
            b"Subject: forwarded\r\n\r\n" + m]))
    return out


def cmd_gen(args):
    d = args[0]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.tsv"), "w") as idx:
        for name, marker, desc, data in gen_all():
            with open(os.path.join(d, name + ".eml"), "wb") as f:
                f.write(data)
            idx.write("%s.eml\t%s\t%s\n" % (name, marker, desc))
    return 0


# --------------------------------------------------------------- sending

def opts(args, names, flags=()):
    """--name value options (and bare --flags) then the rest."""
    o, rest, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a[2:] in flags:
            o[a[2:]] = True
            i += 1
        elif a.startswith("--") and a[2:] in names:
            o[a[2:]] = args[i + 1]
            i += 2
        else:
            rest.append(a)
            i += 1
    for n in names:
        if n not in o:
            o[n] = None
    return o, rest


def wire(data, fixup):
    """The message bytes, bare LF made CRLF when asked."""
    if fixup:
        data = re.sub(rb"(?<!\r)\n", CRLF, data)
    return data


def is_alive(pid):
    """Whether pid runs and is no zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
        return st != "Z"
    except (OSError, IndexError):
        return False


def clean(s):
    return re.sub(r"[\t\r\n]+", " ", s).strip()


def sender_for(fmt, name):
    """An address whose local part is made of the message's name."""
    n = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if len(n) > 56:
        n = n[:40] + "-%08x" % (hash_name(name) & 0xffffffff)
    return fmt.replace("{n}", n)


def hash_name(s):
    """A stable hash (Python's hash() changes from run to run)."""
    h = 2166136261
    for c in s.encode():
        h = ((h ^ c) * 16777619) & 0xffffffff
    return h


def send_one(port, frm, rcpt, data):
    """(stage, code, reply text, queue id) of one SMTP session."""
    stage, qid = "connect", ""
    try:
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.e2e.test",
                         timeout=120)
    except (OSError, smtplib.SMTPException) as e:
        return stage, 0, clean(str(e)), qid
    try:
        s.ehlo()
        stage = "mail"
        o = ["SIZE=%d" % len(data)] if s.has_extn("size") else []
        code, msg = s.mail(frm, o)
        if code == 250:
            stage = "rcpt"
            code, msg = s.rcpt(rcpt)
        if code in (250, 251):
            stage = "data"
            code, msg = s.docmd("DATA")
        if code == 354:
            stage = "eom"
            # A dot that starts a line (or the data) is doubled.
            q = re.sub(rb"(?m)^\.", b"..", data)
            if not q.endswith(CRLF):
                q += CRLF
            s.send(q + b"." + CRLF)
            code, msg = s.getreply()
        text = msg.decode("utf-8", "replace")
        m = re.search(r"queued as ([0-9A-Za-z]+)", text)
        if code == 250 and m:
            qid = m.group(1)
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            pass
        return stage, code, clean(text), qid
    except smtplib.SMTPServerDisconnected as e:
        return stage, 0, "disconnected: " + clean(str(e)), qid
    except (OSError, smtplib.SMTPException) as e:
        return stage, 0, clean(str(e)), qid


def cmd_send(args):
    o, files = opts(args, ("port", "to", "sender", "results", "pids",
                           "root"), ("fixup",))
    pids = [int(p) for p in (o["pids"] or "").split(",") if p]
    with open(o["results"], "a") as res:
        for path in files:
            with open(path, "rb") as f:
                data = wire(f.read(), o.get("fixup", False))
            name = os.path.relpath(path, o["root"] or ".")
            path = os.path.abspath(path)
            frm = sender_for(o["sender"], name)
            stage, code, text, qid = send_one(int(o["port"]), frm, o["to"],
                                              data)
            alive = "yes" if all(is_alive(p) for p in pids) else "no"
            res.write("\t".join([name, path, frm, stage, str(code), text,
                                 qid or "-", alive]) + "\n")
            res.flush()
    return 0


# ------------------------------------------------------------ accounting

def top_headers(raw):
    """The header block of raw bytes (up to the first empty line)."""
    m = re.search(rb"\r?\n\r?\n", raw)
    return raw[:m.start()] if m else raw


def header_values(raw, name):
    """Unfolded values of a top-level header field, as text."""
    msg = email.message_from_bytes(top_headers(raw) + b"\n\n",
                                   policy=email.policy.compat32)
    return [re.sub(r"\s+", " ", str(v)).strip()
            for v in (msg.get_all(name) or [])]


def decoded_text(raw):
    """The decoded bytes of every leaf part, for a marker search."""
    out = [raw]
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        for p in msg.walk():
            if not p.is_multipart():
                b = p.get_payload(decode=True)
                if isinstance(b, bytes):
                    out.append(b)
    except Exception:  # a parser failure just means: raw bytes only
        pass
    return b"\n".join(out)


def maildir_files(base, addr):
    local, dom = addr.lower().split("@")
    d = os.path.join(base, dom, local)
    files = []
    for sub in ("new", "cur"):
        p = os.path.join(d, sub)
        if os.path.isdir(p):
            files += [os.path.join(p, f) for f in sorted(os.listdir(p))]
    return files


def read(path):
    with open(path, "rb") as f:
        return f.read()


class SqliteDB:
    """The store's SQLite file, read-only."""

    def __init__(self, path):
        self.db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)

    def raw_rows(self, table, col, needle):
        return [r[0] for r in self.db.execute(
            "SELECT %s FROM %s WHERE instr(raw, ?) > 0" % (col, table),
            (needle,)).fetchall()]

    def count_message_id(self, mid):
        return self.db.execute("SELECT count(*) FROM messages WHERE"
                               " message_id = ?", (mid,)).fetchone()[0]


class PgDB:
    """The store on PostgreSQL, read through psql (no Python driver is
    assumed); bytes come back in base64. Each table asked of is read
    once, with one psql, and searched here: a query per message, each
    scanning every stored message, took minutes for the corpus."""

    def __init__(self, uri):
        self.uri = uri
        self.tables = {}
        self.ids = None

    def query(self, sql):
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v",
                              "ON_ERROR_STOP=1", "-d", self.uri, "-c", sql],
                             check=True, stdout=subprocess.PIPE).stdout
        return out.decode().splitlines()

    @staticmethod
    def b64(expr):
        return ("coalesce(translate(encode(%s, 'base64'), E'\\n', ''),"
                " '')" % expr)

    def raw_rows(self, table, col, needle):
        key = (table, col)
        if key not in self.tables:
            # raw is bytea; a text column is taken as its UTF-8 bytes
            val = col if col == "raw" else "convert_to(%s, 'UTF8')" % col
            rows = self.query("SELECT %s || '|' || %s FROM %s ORDER BY id"
                              % (self.b64("raw"), self.b64(val), table))
            self.tables[key] = [
                tuple(base64.b64decode(x) for x in r.split("|"))
                for r in rows]
        got = [v for raw, v in self.tables[key] if needle in raw]
        return got if col == "raw" else [v.decode() for v in got]

    def count_message_id(self, mid):
        if self.ids is None:
            self.ids = {}
            for r in self.query("SELECT %s FROM messages"
                                % self.b64("convert_to(message_id,"
                                           " 'UTF8')")):
                k = base64.b64decode(r).decode()
                self.ids[k] = self.ids.get(k, 0) + 1
        return self.ids.get(mid, 0)


def db_open(spec):
    if spec.startswith(("postgres://", "postgresql://")):
        return PgDB(spec)
    return SqliteDB(spec)


def db_rows(db, table, col, qid):
    """Values of col of the rows of table whose raw bytes hold Postfix's
    queue id."""
    return db.raw_rows(table, col, ("id " + qid).encode())


class Logs:
    """What Postfix's maillog and moim-listd's log say of each message.

    moim-listd logs the queue id Postfix gave a message (queue=) and its
    Message-ID, which Postfix's cleanup logs for each queue id (and adds
    when a message has none); older logs have only the Message-ID."""

    def __init__(self, maillog, listd_log):
        self.message_id = {}
        for line in open(maillog, errors="replace"):
            m = re.search(r" ([0-9A-F]+): message-id=(.*)$", line)
            if m:
                self.message_id[m.group(1)] = m.group(2).strip()
        self.by_queue, self.by_id = {}, {}
        for line in open(listd_log, errors="replace"):
            m = re.search(r"process: id=\d+ (?:queue=(\S+) )?.*"
                          r" message-id=(.*) result=(.*)$", line)
            if not m:
                continue
            r = m.group(3).strip()
            if m.group(1) not in (None, "-"):
                self.by_queue.setdefault(m.group(1), []).append(r)
            self.by_id.setdefault(m.group(2), []).append(r)

    def results_of(self, qid):
        """moim-listd's results for the message Postfix queued as qid."""
        if self.by_queue:
            return self.by_queue.get(qid, [])
        return self.by_id.get(self.message_id.get(qid, ""), [])


def account_one(r, o, members, copies, db, markers, logs):
    name, path, frm, stage, code, text, qid = r[:7]
    code = int(code)
    if code >= 500:
        if re.match(r"^[245]\.\d{1,3}\.\d{1,3} .*[A-Za-z]{3}", text):
            return "refused", "%d %s" % (code, text)
        return "unclear", "%d %s" % (code, text)
    if code != 250 or qid == "-":
        return "tempfail", "%s %d %s" % (stage, code, text)
    needle = ("id " + qid).encode()
    archived = db_rows(db, "messages", "raw", qid)
    received = archived[0] if len(archived) == 1 else None
    got, bad = [], []
    for m in members:
        mine = [c for c in copies[m] if needle in c[0]]
        got.append(len(mine))
        for hdr, raw in mine:
            why = check_copy(name, path, raw, markers, received)
            if why:
                bad.append("%s (%s)" % (m, why))
    held = db_rows(db, "held", "reason", qid)
    mid = logs.message_id.get(qid, "")
    same_id = db.count_message_id(mid.strip("<>"))
    notes = len(maildir_files(o["maildir"], frm))
    results = logs.results_of(qid)
    detail = "copies=%s archived=%d held=%d notices=%d results=%s" % (
        ",".join(map(str, got)), len(archived), len(held), notes,
        ",".join(results) or "-")
    none = all(n == 0 for n in got)
    if bad:
        return "lost", detail + " damaged copy for " + ", ".join(bad)
    if all(n == 1 for n in got) and not held and len(archived) == 1:
        return "distributed", detail
    # The archive keeps one message per Message-ID: a second message
    # with the Message-ID of an archived one goes out but is not kept.
    if all(n == 1 for n in got) and not held and not archived and \
            same_id == 1 and "distributed" in results:
        return "distributed:id-archived-before", detail
    if none and len(held) == 1 and notes == 1:
        return "held", "%s; %s" % (held[0], detail)
    # Automatic mail waits for a moderator; its sender is not answered.
    if none and len(held) == 1 and notes == 0:
        return "held:sender-not-told", "%s; %s" % (held[0][0], detail)
    if none and not held and not archived and notes == 1 and \
            "refused" in results:
        return "refused-mail", detail
    drops = [x for x in results if x.endswith("dropped")]
    if none and not held and not archived and notes == 0 and drops:
        return "dropped:" + drops[0].replace(" ", "-"), detail
    return "lost", detail


def leaves(raw):
    """The text of each leaf part, decoded (text in its charset) and
    without white space, which footers and line ends may change."""
    out = []
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        for p in msg.walk():
            b = None if p.is_multipart() else p.get_payload(decode=True)
            if not isinstance(b, bytes):
                continue
            cs = "latin-1"
            if p.get_content_maintype() == "text":
                cs = p.get_content_charset() or "latin-1"
            try:
                t = b.decode(cs, "replace")
            except LookupError:
                t = b.decode("latin-1")
            t = re.sub(r"\s+", "", t)
            if t:
                out.append(t)
    except Exception:  # what Python cannot parse is compared as bytes
        out.append(re.sub(r"\s+", "", raw.decode("latin-1")))
    return out


def check_copy(name, path, raw, markers, received):
    """Why a member's copy is not what moim-listd received, or None.

    The marker of a hostile message must be in it; the Message-ID must
    be the one received; every leaf part received must be in it (moim
    adds a footer and list headers, nothing else)."""
    marker = markers.get(name, "-")
    if marker != "-" and marker.encode() not in decoded_text(raw):
        return "no marker"
    src = received if received is not None else read(path)
    want = header_values(src, "Message-ID")[:1]
    if want and want[0] not in header_values(raw, "Message-ID"):
        return "Message-ID"
    if received is not None:
        # Line ends are CRLF on the wire and LF inside moim-listd, also
        # inside 8-bit text that is not ASCII-compatible (UTF-16).
        have = "\n".join(leaves(raw.replace(CRLF, b"\n")))
        for t in leaves(received.replace(CRLF, b"\n")):
            if t not in have:
                return "part lost: %.40r" % t
    return None


def cmd_account(args):
    o, _ = opts(args, ("results", "maildir", "members", "db", "list-id",
                       "markers", "maillog", "listd-log"))
    logs = Logs(o["maillog"], o["listd-log"])
    members = o["members"].split(",")
    markers = {}
    if o["markers"]:
        with open(o["markers"]) as f:
            for line in f:
                n, m = line.rstrip("\n").split("\t")[:2]
                markers[n] = m
    list_ids = [x.encode() for x in o["list-id"].split(",")]
    copies = {}
    for m in members:
        copies[m] = []
        for f in maildir_files(o["maildir"], m):
            raw = read(f)
            hdr = top_headers(raw)
            if any(x in hdr for x in list_ids):
                copies[m].append((hdr, raw))
    db = db_open(o["db"])
    with open(o["results"]) as f:
        for line in f:
            r = line.rstrip("\n").split("\t")
            outcome, detail = account_one(r, o, members, copies, db,
                                          markers, logs)
            print("%s\t%s\t%s" % (r[0], outcome, clean(detail)))
    return 0


def main(argv):
    cmds = {"gen": cmd_gen, "send": cmd_send, "account": cmd_account}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.stderr.write("usage: hostile.py gen|send|account ...\n")
        return 2
    return cmds[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
