#!/usr/bin/env python3
# gen_archive.py - the benches' archive corpus: N messages (20,000 by
# default) in threads mixing Korean and English, base64, quoted-printable
# and 8bit bodies, a share in EUC-KR, Korean words with attached particles
# (회의를, 회의에서).
#
# The corpus is the same for a given N on every run and every machine
# (fixed seed), so the archive bench (bench/archive.sh) and the web bench
# (bench/web.sh) measure the same messages. Message i has the Message-ID
# <mI@bench.example.org>; 25% of the messages start a thread, the others
# answer the newest message of one of the 200 newest threads.
#
# As a module: generate(outdir, n, maildir=False) writes outdir/corpus.mbox
# (and outdir/mail/{cur,new,tmp} when maildir) and returns a Corpus with
#   truth    {message_id: lowercased subject + decoded text}
#   threads  [[(message_id, subject), ...], ...] in the order started
# As a program: gen_archive.py OUTDIR [N] writes corpus.mbox and
# threads.json (the threads' Message-IDs, root first).
import base64
import json
import os
import quopri
import random
import sys
from email.utils import formatdate

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
# The queries the benches run: ten Korean topic words, ten English ones.
QUERIES_KO = ["모임", "회의", "참석", "포럼", "일정", "도깨비불", "데이터베이스",
              "서울", "발표", "자료"]
QUERIES_EN = ["meeting", "database", "schedule", "release", "budget",
              "agenda", "python", "server", "coffee", "deadline"]
SYL = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주"
SEED = 20261126
LIST = "ai@lists.example.org"


class Corpus:
    def __init__(self, mbox, truth, threads):
        self.mbox = mbox
        self.truth = truth
        self.threads = threads


def generate(outdir, n=20000, maildir=False):
    """generate - write the corpus under outdir; return a Corpus"""
    # The order of the calls on rnd below fixes the corpus: a change
    # changes every bench's figures, so keep it.
    rnd = random.Random(SEED)
    fill = ["".join(rnd.choice(SYL) for _ in range(rnd.randint(2, 3)))
            for _ in range(400)]

    def ko_word():
        # Most Korean words are filler; a topic word now and then, the
        # rare one (도깨비불) far less often, so queries match 1-30% of
        # messages.
        if rnd.random() < 0.85:
            w = rnd.choice(fill)
        else:
            w = rnd.choice(KO)
            if w in RARE and rnd.random() > RARE[w] * 50:
                w = rnd.choice(fill)
        return w + rnd.choice(PART)

    def sentence():
        out = []
        for _ in range(rnd.randint(6, 14)):
            out.append(ko_word() if rnd.random() < 0.6 else
                       rnd.choice(EN) if rnd.random() < 0.3 else
                       rnd.choice(["the", "and", "we", "will", "please",
                                   "to", "of", "is", "it", "for", "on",
                                   "this"]))
        return " ".join(out) + rnd.choice([".", "?", "!", "."])

    def body():
        return "\n".join(sentence()
                         for _ in range(rnd.randint(2, 8))) + "\n"

    path = os.path.join(outdir, "corpus.mbox")
    mbox = open(path, "wb")
    mdir = os.path.join(outdir, "mail", "cur")
    if maildir:
        os.makedirs(mdir)
        for d in ("new", "tmp"):
            os.makedirs(os.path.join(outdir, "mail", d))
    truth = {}
    threads = []
    t0 = 1577836800
    for i in range(n):
        mid = "m%d@bench.example.org" % i
        if threads and rnd.random() < 0.75:
            th = rnd.choice(threads[-200:])
            subj = "Re: " + th[0][1]
            refs = [m for m, _ in th[-5:]]
            th.append((mid, th[0][1]))
        else:
            subj = "%s %s %s" % (ko_word(), rnd.choice(EN), ko_word())
            refs = []
            threads.append([(mid, subj)])
        text = body()
        if rnd.random() < 0.2:
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
        hdr = ("From: User %d <user%d@example.org>\nTo: %s\n"
               "Subject: %s\nMessage-ID: <%s>\nDate: %s\n" %
               (i % 300, i % 300, LIST, subj_h, mid,
                formatdate(t0 + i * 97)))
        if refs:
            hdr += "In-Reply-To: <%s>\nReferences: %s\n" % (
                refs[-1], " ".join("<%s>" % x for x in refs))
        hdr += ("MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n"
                "Content-Transfer-Encoding: %s\n\n" % (charset, cte))
        raw = hdr.encode() + enc
        if not raw.endswith(b"\n"):
            raw += b"\n"
        mbox.write(b"From user@example.org Mon Jan  6 10:00:00 2020\n" +
                   raw + b"\n")
        if maildir:
            with open(os.path.join(mdir, "%d:2," % i), "wb") as f:
                f.write(raw)
        truth[mid] = (subj + "\n" + text).lower()
    mbox.close()
    return Corpus(path, truth, threads)


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: gen_archive.py OUTDIR [N]", file=sys.stderr)
        return 2
    outdir = argv[1]
    c = generate(outdir, int(argv[2]) if len(argv) == 3 else 20000)
    with open(os.path.join(outdir, "threads.json"), "w") as f:
        json.dump([[m for m, _ in th] for th in c.threads], f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
