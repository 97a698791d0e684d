#!/bin/bash
# archive.sh - archive benchmark: moim's import and Korean-aware search
# against notmuch (Debian), default and with XAPIAN_CJK_NGRAM=1.
#
# Generates the 20,000-message corpus of bench/gen_archive.py (threads
# mixing Korean and English, base64, quoted-printable and 8bit bodies, a
# share in EUC-KR, Korean words with attached particles: 회의를,
# 회의에서), imports it with
# "moimctl archive import", indexes the same messages with notmuch both
# ways, and runs the same 20 queries on each. Ground truth for a query is
# a substring scan of each message's decoded text. Prints messages/s,
# median query time and recall per system; then a quoted phrase ("the
# meeting") against its words anywhere, for moim and notmuch; the last
# line is
#   bench archive: moim_mps=N notmuch_mps=N notmuch_cjk_mps=N ratio_import=X
#   moim_query_p50_ms=X notmuch_query_p50_ms=X moim_ko_recall=X
#   notmuch_ko_recall=X phrase_truth=N moim_phrase=N notmuch_phrase=N
#   moim_query_cpu_p50_ms=X
# (one line; moim_phrase and notmuch_phrase count the messages the
# phrase finds). Query times are wall-clock times of one CLI run each
# (process start included, for both); moim's in-process time is printed
# beside it, and moim_query_cpu_p50_ms is the CPU time (user + system)
# of the same moimctl runs, which a loaded machine inflates less. Installs notmuch when missing (bench/deps.sh); N=... changes
# the corpus size.
#
# BENCH_PG=1 also imports the corpus into a private PostgreSQL cluster
# (tests/pg.sh, vacuumed after the import as autovacuum would) and runs
# the same queries there, adding to the last line
#   pg_mps=N pg_query_p50_ms=X pg_inproc_p50_ms=X sqlite_inproc_p50_ms=X
#   pg_same=0|1
# (pg_same: every query found the same messages on both engines).
#
# Usage: bench/archive.sh [BUILDDIR]   (default: $top_builddir or .);
# KEEP=1 keeps the work directory; BENCH_RUNS=N runs it N times and
# prints the medians and notmuch's spread (bench/lib.sh).
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" &&
	bench_runs '^notmuch(_cjk)?_(mps|query_p50_ms)$' "$0" "$@"

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

W=$W M=$M N=$N BENCHDIR=$srcdir/bench python3 - <<'PYEOF'
import os, resource, statistics, subprocess, sys, time, json

W, M, N = os.environ["W"], os.environ["M"], int(os.environ["N"])
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["BENCHDIR"])
import gen_archive
from gen_archive import QUERIES_KO, QUERIES_EN

truth = gen_archive.generate(W, N, maildir=True).truth
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

cpu = []

def children_cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000

def moim_query(q):
    c = children_cpu_ms()
    t = time.monotonic()
    r = moimctl("archive", "search", "ai", q, "--json", "--limit", "20")
    wall = (time.monotonic() - t) * 1000
    cpu.append(children_cpu_ms() - c)
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

# BENCH_PG=1: the same import and queries on PostgreSQL.
pg_keys = ""
if os.environ.get("BENCH_PG") == "1":
    pgsh = os.path.join(os.environ["BENCHDIR"], "..", "tests", "pg.sh")
    uri = subprocess.run(["sh", pgsh, "start"], capture_output=True,
                         check=True, text=True).stdout.strip()
    try:
        conf = os.path.join(W, "t-pg.conf")
        with open(os.path.join(W, "t.conf")) as f, open(conf, "w") as g:
            g.write(f.read().replace("database = %s/moim.db" % W,
                                     "database = " + uri))
        def pgctl(*args):
            return subprocess.run([M, "-c", conf] + list(args),
                                  capture_output=True, check=True)
        pgctl("list", "create", "ai@lists.example.org")
        t = time.monotonic()
        pgctl("archive", "import", "ai", os.path.join(W, "corpus.mbox"))
        pg_s = time.monotonic() - t
        subprocess.run(["psql", uri, "-qc", "VACUUM ANALYZE"], check=True)
        walls, pg_in, same = [], [], True
        for q in QUERIES_KO + QUERIES_EN + ['"%s"' % "the meeting"]:
            t = time.monotonic()
            r = pgctl("archive", "search", "ai", q, "--json", "--limit", "20")
            walls.append((time.monotonic() - t) * 1000)
            pg_in.append(json.loads(r.stdout)["took_ms"])
            r = pgctl("archive", "search", "ai", q, "--json", "--limit", "0")
            ids = {h["message_id"] for h in json.loads(r.stdout)["hits"]}
            same = same and ids == moim_query(q)[2]
        pg_keys = (" pg_mps=%d pg_query_p50_ms=%.1f pg_inproc_p50_ms=%.1f"
                   " sqlite_inproc_p50_ms=%.1f pg_same=%d" % (
                       N / pg_s, statistics.median(walls),
                       statistics.median(pg_in), statistics.median(inproc),
                       same))
    finally:
        subprocess.run(["sh", pgsh, "stop", uri], check=True)

# A phrase is its words in that order, not the words anywhere.
PHRASE = "the meeting"
ph_truth = len(truth_of(PHRASE))
ph = {"moim": len(moim_query('"%s"' % PHRASE)[2]),
      "moim_words": len(moim_query(PHRASE)[2]),
      "notmuch": len(nm_query(systems["notmuch"][0], False,
                              '"%s"' % PHRASE)[1])}
print("phrase \"%s\": truth %d, moim %d (its words anywhere: %d), "
      "notmuch %d" % (PHRASE, ph_truth, ph["moim"], ph["moim_words"],
                      ph["notmuch"]))
print("bench archive: moim_mps=%d notmuch_mps=%d notmuch_cjk_mps=%d "
      "ratio_import=%.2f moim_query_p50_ms=%.1f notmuch_query_p50_ms=%.1f "
      "moim_ko_recall=%.4f notmuch_ko_recall=%.4f phrase_truth=%d "
      "moim_phrase=%d notmuch_phrase=%d moim_query_cpu_p50_ms=%.1f" % (
      mps, nm_mps, nmc_mps, mps / nm_mps, p50(res["moim"]),
      p50(res["notmuch"]), ko_recall(res["moim"]), ko_recall(res["notmuch"]),
      ph_truth, ph["moim"], ph["notmuch"], statistics.median(cpu[:20])) + pg_keys)
PYEOF
