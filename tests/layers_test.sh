#!/bin/sh
# layers_test.sh - the modules of each directory depend on each other one
# way only (STYLE 1: dependencies point down), and lib/ never includes ical/.
#
# A module is a file's name up to its first "_" (store_events.c and
# store_int.h are the module store). A file depends on the modules whose
# headers it includes with #include "x.h" from its own directory. A
# header stands for its own module and for every module whose functions
# or variables it declares, so a shared header that declares the
# functions of many modules (listd/job.h once did) counts as an include
# of each of them. A cycle among the modules of a directory fails the
# directory's test and is named with the includes that make it.
#
# TAP: one test per directory, and one for lib/ -> ical/. Run it on any
# tree with top_srcdir=DIR (it fails on main d4270f7: listd's post, event,
# moderate, digest, rsvp, privileged, request and process called each
# other through job.h).
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP python3 not installed"
	exit 0
fi
exec python3 - "$@" <<'EOF'
import os
import re
import sys

DIRS = ["lib", "ical", "listd", "milter"]

# Modules that still call each other and count as one here, with the
# reason. Remove an entry once its cycle is gone: the test fails on a
# stale one, so the list only shrinks.
ALLOWED = {
    "listd": [
        ("event", "rsvp",
         "event.c's timer tells seated and promoted people (rsvp.c), and "
         "rsvp.c's mails use event_vars(); both files were being edited "
         "when the rest of listd was layered"),
    ],
}


def module_of(name):
    base = name.rsplit(".", 1)[0]
    return base.split("_", 1)[0]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


DEF_FN = re.compile(r"^([a-z_][a-z0-9_]*)\s*\(", re.M)
DEF_VAR = re.compile(
    r"^(?!static)[a-z_][a-z0-9_ ]*?\b([a-z_][a-z0-9_]*)\s*(\[[^]]*\])?\s*=",
    re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def definitions(path):
    """Names a .c file defines for other files: functions whose return
    type line does not say static, and file-scope non-static variables."""
    out = set()
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    for i, line in enumerate(lines):
        m = DEF_FN.match(line)
        if m and i > 0 and "static" not in lines[i - 1] and \
                not lines[i - 1].rstrip().endswith((";", "}", "{")) and \
                lines[i - 1].strip() != "":
            out.add(m.group(1))
        m = DEF_VAR.match(line)
        if m and not line.startswith(("return", "else")):
            out.add(m.group(1))
    return out


def graph(d):
    files = sorted(f for f in os.listdir(d)
                   if f.endswith((".c", ".h")) and "_test." not in f)
    owner = {}
    for f in files:
        if f.endswith(".c"):
            for n in definitions(os.path.join(d, f)):
                owner.setdefault(n, module_of(f))
    stands = {}
    for f in files:
        if f.endswith(".h"):
            text = strip_comments(open(os.path.join(d, f),
                                       encoding="utf-8").read())
            mods = {module_of(f)}
            # Declared functions (a name before "(", not a member's
            # "(*name)") and extern variables.
            names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", text))
            for line in re.findall(r"^\s*extern\b[^;]*;", text, re.M):
                names |= set(re.findall(
                    r"\b([a-z_][a-z0-9_]*)\s*(?:\[[^]]*\])?\s*;", line))
            for n in names:
                if n in owner:
                    mods.add(owner[n])
            stands[f] = mods
    edges = {}
    for f in files:
        text = strip_comments(open(os.path.join(d, f),
                                   encoding="utf-8").read())
        src = stands.get(f, {module_of(f)})
        for inc in INCLUDE.findall(text):
            if inc not in stands:
                continue
            for a in src:
                for b in stands[inc]:
                    if a != b:
                        edges.setdefault((a, b), []).append(
                            "%s includes %s" % (f, inc))
    return edges


def merge(edges, groups):
    name = {}
    for g in groups:
        for m in g[:2]:
            name[m] = "+".join(sorted(g[:2]))
    out = {}
    for (a, b), why in edges.items():
        a, b = name.get(a, a), name.get(b, b)
        if a != b:
            out.setdefault((a, b), []).extend(why)
    return out


def cycles(edges):
    """The strongly connected components of more than one module."""
    adj = {}
    for a, b in edges:
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, [])
    index, low, stack, on, comps = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(adj[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(adj):
        if v not in index:
            visit(v)
    return comps, adj


def one_cycle(comp, adj):
    """A shortest cycle through the first module of comp."""
    start = comp[0]
    inside = set(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(adj[v]):
            if w not in inside:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


dirs = [d for d in DIRS if os.path.isdir(d)]
print("1..%d" % (len(dirs) + 1))
n = 0
failed = 0
for d in dirs:
    n += 1
    edges = graph(d)
    bad = []
    for g in ALLOWED.get(d, []):
        if (g[0], g[1]) not in edges or (g[1], g[0]) not in edges:
            bad.append("# %s and %s no longer depend on each other: remove "
                       "them from ALLOWED in tests/layers_test.sh"
                       % (g[0], g[1]))
    comps, adj = cycles(merge(edges, ALLOWED.get(d, [])))
    for comp in comps:
        path = one_cycle(comp, adj)
        bad.append("# cycle in %s/: %s" % (d, " -> ".join(path)))
        bad.append("#   modules in it: %s" % " ".join(comp))
        for a, b in zip(path, path[1:]):
            for ea in a.split("+"):
                for eb in b.split("+"):
                    for why in edges.get((ea, eb), [])[:3]:
                        bad.append("#   %s -> %s: %s" % (ea, eb, why))
    if bad:
        failed += 1
        print("not ok %d - %s: modules depend on each other one way" % (n, d))
        print("\n".join(bad))
    else:
        print("ok %d - %s: modules depend on each other one way" % (n, d))

n += 1
up = []
for f in sorted(os.listdir("lib")):
    if not f.endswith((".c", ".h")):
        continue
    text = strip_comments(open(os.path.join("lib", f), encoding="utf-8").read())
    for inc in INCLUDE.findall(text):
        if not os.path.exists(os.path.join("lib", inc)) and \
                os.path.exists(os.path.join("ical", inc)):
            up.append("# lib/%s includes ical/%s" % (f, inc))
if up:
    failed += 1
    print("not ok %d - lib/ does not include ical/" % n)
    print("\n".join(up))
else:
    print("ok %d - lib/ does not include ical/" % n)
sys.exit(1 if failed else 0)
EOF
