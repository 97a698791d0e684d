#!/usr/bin/env python3
# flame.py - fold "perf script" call stacks and draw them as a flame graph.
#
#   perf script -i perf.data |
#       bench/flame.py [--comm NAME] [--process REGEX] FOLDED SVG
#
# Reads perf script's text (one header line per sample, then one frame a
# line, innermost first, then a blank line), writes FOLDED with one line
# per distinct stack ("outer;...;inner COUNT", the format flame graph
# tools share) and SVG, a static flame graph: each frame a box as wide as
# its share of the samples, callers below callees, the full name and
# share in each box's <title> (a tooltip in a browser). The SVG holds no
# script. --comm keeps the samples of that command only; --process keeps
# those of the processes (pids) one of whose stacks has a frame matching
# REGEX, whole, from exec to exit (e.g. every moimctl that searched).
# Debian packages no flame graph tool, hence this one.
import collections
import html
import re
import sys

FRAME = re.compile(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$")


def frame_name(line):
    m = FRAME.match(line)
    if not m:
        return None
    sym, dso = m.group(1), m.group(2)
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    if sym == "[unknown]":
        sym = "[%s]" % dso.rsplit("/", 1)[-1]
    return sym.replace(";", ":")


def samples(lines):
    """(comm, pid, frames outermost first) for each sample"""
    header, frames = None, []
    for line in list(lines) + [""]:
        line = line.rstrip("\n")
        if not line.strip():
            if header is not None:
                yield header[0], header[1], frames[::-1]
            header, frames = None, []
        elif header is None:
            words = line.split()
            pid = words[1] if len(words) > 1 else "?"
            header = (words[0] if not line[0].isspace() else "?", pid)
        else:
            name = frame_name(line)
            if name is not None:
                frames.append(name)


def fold(lines, comm, process):
    keep = [s for s in samples(lines) if comm is None or s[0] == comm]
    if process is not None:
        rx = re.compile(process)
        pids = {pid for _, pid, fr in keep if any(rx.search(f) for f in fr)}
        keep = [s for s in keep if s[1] in pids]
    stacks = collections.Counter()
    for c, _, frames in keep:
        stacks[";".join([c] + frames)] += 1
    return stacks


def color(name):
    h = sum(ord(c) for c in name)
    if name.startswith("[k") or "kernel" in name:
        return "rgb(230,%d,80)" % (120 + h % 60)
    if name.startswith("_dl_") or "ld-linux" in name:
        return "rgb(80,%d,220)" % (130 + h % 70)
    return "rgb(%d,%d,60)" % (205 + h % 50, 80 + h % 120)


def tree(stacks):
    root = {"n": 0, "kids": {}}
    for stack, count in stacks.items():
        node = root
        node["n"] += count
        for name in stack.split(";"):
            node = node["kids"].setdefault(name, {"n": 0, "kids": {}})
            node["n"] += count
    return root


def svg(stacks, title):
    width, row, pad = 1200, 16, 10
    root = tree(stacks)
    total = max(1, root["n"])
    boxes, depth = [], 0

    def walk(node, x, level):
        nonlocal depth
        depth = max(depth, level)
        for name, kid in sorted(node["kids"].items()):
            w = (width - 2 * pad) * kid["n"] / total
            if w >= 0.3:
                boxes.append((name, x, level, w, kid["n"]))
                walk(kid, x, level + 1)
            x += w

    walk(root, pad, 0)
    height = (depth + 1) * row + 3 * pad + 20
    out = ['<?xml version="1.0" standalone="no"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="Verdana" font-size="11">' % (width, height),
           '<rect width="100%" height="100%" fill="#f8f8f0"/>',
           '<text x="%d" y="%d" font-size="14">%s (%d samples)</text>'
           % (pad, pad + 12, html.escape(title), total)]
    for name, x, level, w, n in boxes:
        y = height - pad - (level + 1) * row
        label = name if len(name) * 7 < w else name[:max(0, int(w / 7) - 2)]
        out.append('<g><title>%s (%d samples, %.2f%%)</title>'
                   '<rect x="%.1f" y="%d" width="%.1f" height="%d" '
                   'fill="%s" rx="2"/>' % (html.escape(name), n,
                                           100.0 * n / total, x, y, w,
                                           row - 1, color(name)))
        if len(label) > 2:
            out.append('<text x="%.1f" y="%d">%s</text>'
                       % (x + 3, y + row - 4, html.escape(label)))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    opts = {"--comm": None, "--process": None}
    while len(argv) > 2 and argv[1] in opts:
        opts[argv[1]] = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        sys.stderr.write("usage: flame.py [--comm NAME] [--process REGEX] "
                         "FOLDED SVG\n")
        return 2
    stacks = fold(sys.stdin, opts["--comm"], opts["--process"])
    with open(argv[1], "w") as f:
        for stack, count in sorted(stacks.items()):
            f.write("%s %d\n" % (stack, count))
    with open(argv[2], "w") as f:
        f.write(svg(stacks, argv[2].rsplit("/", 1)[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
