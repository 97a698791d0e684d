#!/bin/bash
# archive.sh - archive benchmark: moim's import and Korean-aware search
# against notmuch (Debian), default and with XAPIAN_CJK_NGRAM=1.
#
# Generates a 20,000-message corpus (threads mixing Korean and English,
# base64, quoted-printable and 8bit bodies, a share in EUC-KR, Korean
# words with attached particles: 회의를, 회의에서), imports it with
# "moimctl archive import", indexes the same messages with notmuch both
# ways, and runs the same 20 queries on each. Ground truth for a query is
# a substring scan of each message's decoded text. Prints messages/s,
# median query time and recall per system; the last line is
#   bench archive: moim_mps=N notmuch_mps=N notmuch_cjk_mps=N ratio_import=X
#   moim_query_p50_ms=X notmuch_query_p50_ms=X moim_ko_recall=X
#   notmuch_ko_recall=X
# (one line). Query times are wall-clock times of one CLI run each
# (process start included, for both); moim's in-process time is printed
# beside it. Installs notmuch when missing (bench/deps.sh); N=... changes
# the corpus size.
#
# Usage: bench/archive.sh [BUILDDIR]   (default: $top_builddir or .);
# KEEP=1 keeps the work directory.
set -eu

builddir=$(cd "${top_builddir:-${1:-.}}" && pwd)
M=$builddir/ctl/moimctl
N=${N:-20000}
# shellcheck source=bench/deps.sh
. "$(dirname "$0")/deps.sh"
bench_install notmuch python3 ||
	{ echo "bench archive: cannot install notmuch" >&2; exit 1; }
[ -x "$M" ] || { echo "bench archive: no $M" >&2; exit 1; }
W=$(mktemp -d /tmp/bench-archive.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$W"
	chown moim:moim "$W"
fi
srcdir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$W/tpl"
cp -r "$srcdir/templates/ko" "$srcdir/templates/en" "$W/tpl/"
cat >"$W/t.conf" <<EOF
[moim]
database = $W/moim.db
domains = lists.example.org
secret_file = $W/secret
templates = $W/tpl
[listd]
lmtp = 127.0.0.1:10024
EOF
[ "$(id -u)" = 0 ] && chown -R moim:moim "$W"

W=$W M=$M N=$N python3 - <<'PYEOF'
import base64, os, quopri, random, statistics, subprocess, time, json
from email.utils import formatdate

W, M, N = os.environ["W"], os.environ["M"], int(os.environ["N"])
rnd = random.Random(20261126)
KO = ["모임", "회의", "참석", "포럼", "일정", "도깨비불", "데이터베이스",
      "서울", "발표", "자료", "준비", "저녁", "공유", "질문", "답변", "프로젝트",
      "토론", "문서", "서버", "배포", "주제", "강연", "후기", "사진"]
PART = ["", "을", "를", "이", "가", "은", "는", "에서", "에", "의", "과", "와",
        "으로", "로", "도", "만", "까지", "부터", "에게", "하고"]
EN = ["meeting", "database", "schedule", "release", "budget", "agenda",
      "python", "server", "coffee", "deadline", "review", "lunch", "slides",
      "community", "speaker", "venue", "ticket", "video", "notes", "the",
      "and", "we", "will", "please", "thanks", "next", "week"]
RARE = {"도깨비불": 0.004}
QUERIES_KO = ["모임", "회의", "참석", "포럼", "일정", "도깨비불", "데이터베이스",
              "서울", "발표", "자료"]
QUERIES_EN = ["meeting", "database", "schedule", "release", "budget",
              "agenda", "python", "server", "coffee", "deadline"]

SYL = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주"
FILL = ["".join(rnd.choice(SYL) for _ in range(rnd.randint(2, 3)))
        for _ in range(400)]

def ko_word():
    # Most Korean words are filler; a topic word now and then, the rare
    # one (도깨비불) far less often, so queries match 1-30% of messages.
    if rnd.random() < 0.85:
        w = rnd.choice(FILL)
    else:
        w = rnd.choice(KO)
        if w in RARE and rnd.random() > RARE[w] * 50:
            w = rnd.choice(FILL)
    return w + rnd.choice(PART)

def sentence():
    out = []
    for _ in range(rnd.randint(6, 14)):
        out.append(ko_word() if rnd.random() < 0.6 else
                   rnd.choice(EN) if rnd.random() < 0.3 else
                   rnd.choice(["the", "and", "we", "will", "please", "to",
                               "of", "is", "it", "for", "on", "this"]))
    return " ".join(out) + rnd.choice([".", "?", "!", "."])

def body():
    return "\n".join(sentence() for _ in range(rnd.randint(2, 8))) + "\n"

mbox = open(os.path.join(W, "corpus.mbox"), "wb")
maildir = os.path.join(W, "mail", "cur")
os.makedirs(maildir)
for d in ("new", "tmp"):
    os.makedirs(os.path.join(W, "mail", d))
truth = {}
threads = []
t0 = 1577836800
for i in range(N):
    mid = "m%d@bench.example.org" % i
    if threads and rnd.random() < 0.75:
        th = rnd.choice(threads[-200:])
        parent = th[-1]
        subj = "Re: " + th[0][1]
        refs = [m for m, _ in th[-5:]]
        th.append((mid, th[0][1]))
    else:
        subj = "%s %s %s" % (ko_word(), rnd.choice(EN), ko_word())
        refs = []
        threads.append([(mid, subj)])
    text = body()
    r = rnd.random()
    if r < 0.2:
        charset, payload = "euc-kr", text.encode("cp949")
    else:
        charset, payload = "utf-8", text.encode("utf-8")
    r = rnd.random()
    if r < 0.35:
        cte, enc = "base64", base64.encodebytes(payload)
    elif r < 0.7:
        cte, enc = "quoted-printable", quopri.encodestring(payload)
    else:
        cte, enc = "8bit", payload
    subj_h = "=?UTF-8?B?%s?=" % base64.b64encode(subj.encode()).decode()
    hdr = ("From: User %d <user%d@example.org>\nTo: ai@lists.example.org\n"
           "Subject: %s\nMessage-ID: <%s>\nDate: %s\n" %
           (i % 300, i % 300, subj_h, mid, formatdate(t0 + i * 97)))
    if refs:
        hdr += "In-Reply-To: <%s>\nReferences: %s\n" % (
            refs[-1], " ".join("<%s>" % x for x in refs))
    hdr += ("MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n"
            "Content-Transfer-Encoding: %s\n\n" % (charset, cte))
    raw = hdr.encode() + enc
    if not raw.endswith(b"\n"):
        raw += b"\n"
    mbox.write(b"From user@example.org Mon Jan  6 10:00:00 2020\n" + raw + b"\n")
    with open(os.path.join(maildir, "%d:2," % i), "wb") as f:
        f.write(raw)
    truth[mid] = (subj + "\n" + text).lower()
mbox.close()
subprocess.run(["cp", "-al", os.path.join(W, "mail"), os.path.join(W, "mailcjk")], check=True)
if os.getuid() == 0:
    subprocess.run(["chown", "-R", "moim:moim", W], check=True)

def moimctl(*args, check=True):
    return subprocess.run([M, "-c", os.path.join(W, "t.conf")] + list(args),
                          capture_output=True, check=check)

moimctl("list", "create", "ai@lists.example.org")
t = time.monotonic()
moimctl("archive", "import", "ai", os.path.join(W, "corpus.mbox"))
moim_s = time.monotonic() - t
got = moimctl("archive", "search", "ai", "모임", "--json", "--limit", "1")
assert json.loads(got.stdout)["total"] > 0

def nm_setup(name, root):
    cfg = os.path.join(W, name + ".config")
    with open(cfg, "w") as f:
        f.write("[database]\npath=%s\n[new]\ntags=\n[search]\nexclude_tags=\n"
                "[maildir]\nsynchronize_flags=false\n" % root)
    return cfg

def nm(cfg, cjk, *args):
    env = dict(os.environ, NOTMUCH_CONFIG=cfg)
    if cjk:
        env["XAPIAN_CJK_NGRAM"] = "1"
    return subprocess.run(["notmuch"] + list(args), env=env,
                          capture_output=True, check=True)

systems = {}
for name, cjk in (("notmuch", False), ("notmuch_cjk", True)):
    cfg = nm_setup(name, os.path.join(W, "mail" if not cjk else "mailcjk"))
    t = time.monotonic()
    nm(cfg, cjk, "new", "--quiet")
    systems[name] = (cfg, cjk, time.monotonic() - t)

def truth_of(q):
    ql = q.lower()
    return {m for m, txt in truth.items() if ql in txt}

def moim_query(q):
    t = time.monotonic()
    r = moimctl("archive", "search", "ai", q, "--json", "--limit", "20")
    wall = (time.monotonic() - t) * 1000
    inproc = json.loads(r.stdout)["took_ms"]
    r = moimctl("archive", "search", "ai", q, "--json", "--limit", "0")
    ids = {h["message_id"] for h in json.loads(r.stdout)["hits"]}
    return wall, inproc, ids

def nm_query(cfg, cjk, q):
    t = time.monotonic()
    r = nm(cfg, cjk, "search", "--output=messages", "--limit=20", q)
    wall = (time.monotonic() - t) * 1000
    r = nm(cfg, cjk, "search", "--output=messages", q)
    ids = {l[3:] for l in r.stdout.decode().split("\n") if l.startswith("id:")}
    return wall, ids

res = {"moim": [], "notmuch": [], "notmuch_cjk": []}
inproc = []
print("%-14s %7s | %-18s | %-18s | %-18s" % ("query", "truth", "moim found ms",
      "notmuch found ms", "notmuch_cjk found ms"))
for q in QUERIES_KO + QUERIES_EN:
    tr = truth_of(q)
    w, ip, ids = moim_query(q)
    inproc.append(ip)
    res["moim"].append((q, w, len(ids & tr), len(tr)))
    line = "%-14s %7d | %6d %9.1f  |" % (q, len(tr), len(ids & tr), w)
    for name in ("notmuch", "notmuch_cjk"):
        cfg, cjk, _ = systems[name]
        w, ids = nm_query(cfg, cjk, q)
        res[name].append((q, w, len(ids & tr), len(tr)))
        line += " %6d %9.1f  |" % (len(ids & tr), w)
    print(line)

def ko_recall(rows):
    rows = [r for r in rows if r[0] in QUERIES_KO]
    return sum(r[2] for r in rows) / max(1, sum(r[3] for r in rows))

def p50(rows):
    return statistics.median(r[1] for r in rows)

mps = N / moim_s
nm_mps = N / systems["notmuch"][2]
nmc_mps = N / systems["notmuch_cjk"][2]
for name, rate in (("moim", mps), ("notmuch", nm_mps), ("notmuch_cjk", nmc_mps)):
    print("%-12s import %8.0f msg/s  query p50 %6.1f ms  ko recall %.4f  en recall %.4f" % (
        name, rate, p50(res[name]), ko_recall(res[name]),
        sum(r[2] for r in res[name] if r[0] in QUERIES_EN) /
        max(1, sum(r[3] for r in res[name] if r[0] in QUERIES_EN))))
print("moim in-process query p50 %.2f ms (max %.2f ms)" % (
    statistics.median(inproc), max(inproc)))
print("bench archive: moim_mps=%d notmuch_mps=%d notmuch_cjk_mps=%d "
      "ratio_import=%.2f moim_query_p50_ms=%.1f notmuch_query_p50_ms=%.1f "
      "moim_ko_recall=%.4f notmuch_ko_recall=%.4f" % (
      mps, nm_mps, nmc_mps, mps / nm_mps, p50(res["moim"]),
      p50(res["notmuch"]), ko_recall(res["moim"]), ko_recall(res["notmuch"])))
PYEOF
