#!/usr/bin/env python3
"""webcheck.py - fetch moim-web pages and check that nothing in them runs.

Usage: webcheck.py BASE PATH...   (a PATH of "@FILE" reads paths from FILE)

For every path: the answer is 200; it carries the Content-Security-Policy
of moim-web and X-Content-Type-Options: nosniff; an HTML page holds no
element that runs or loads anything (script, iframe, object, embed, img,
style, base, form targets elsewhere, meta refresh), no event handler
attribute (on...), no style attribute, and no link whose scheme is not
http(s) or relative (javascript:, data:, vbscript:). SVG is allowed with
shapes and text only. Prints one line per problem and a last line
"checked N pages, M problems"; exits 1 when there is a problem.
"""
import http.client
import sys
import urllib.parse
from html.parser import HTMLParser

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
ALLOWED = {
    "html", "head", "body", "meta", "title", "link", "header", "footer",
    "main", "nav", "section", "article", "h1", "h2", "h3", "h4", "p", "a",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "pre",
    "details", "summary", "span", "div", "br", "time", "form", "label",
    "input", "button", "strong", "em", "mark", "small", "dl", "dt", "dd",
    "svg", "g", "rect", "text", "title", "line", "circle", "path",
    "hr", "code", "blockquote", "abbr", "caption",
}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}


class Checker(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems = []

    def bad(self, what):
        self.problems.append("%s: %s" % (self.path, what))

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        if tag not in ALLOWED:
            self.bad("element <%s>" % tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.bad("<%s %s=...>" % (tag, name))
            if name == "style":
                self.bad("<%s style=...>" % tag)
            if tag == "meta" and name == "http-equiv":
                self.bad("<meta http-equiv>")
            if tag == "link" and name == "rel" and value != "stylesheet":
                self.bad("<link rel=%s>" % value)
            if name in URL_ATTRS:
                scheme = urllib.parse.urlsplit(value.strip()).scheme.lower()
                if scheme not in ("", "http", "https"):
                    self.bad("<%s %s=%r>" % (tag, name, value[:60]))


def fetch(conn, base, path):
    url = urllib.parse.urlsplit(base)
    conn.request("GET", url.path.rstrip("/") + path)
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


def check_one(conn, base, path):
    problems = []
    status, hdr, body = fetch(conn, base, path)
    if status != 200:
        return ["%s: status %d" % (path, status)]
    if hdr.get("content-security-policy") != CSP:
        problems.append("%s: CSP %r" % (path, hdr.get("content-security-policy")))
    if hdr.get("x-content-type-options") != "nosniff":
        problems.append("%s: no nosniff" % path)
    ctype = hdr.get("content-type", "")
    if ctype.startswith("text/html"):
        text = body.decode("utf-8")  # pages are UTF-8; a bad byte fails
        if "<script" in text.lower():
            problems.append("%s: <script in the text" % path)
        c = Checker(path)
        c.feed(text)
        c.close()
        problems += c.problems
    elif not hdr.get("content-disposition", "").startswith("attachment"):
        if not ctype.startswith(("text/css", "application/atom+xml")):
            problems.append("%s: %s not as attachment" % (path, ctype))
    return problems


def main():
    base, paths = sys.argv[1], []
    for a in sys.argv[2:]:
        if a.startswith("@"):
            with open(a[1:], encoding="utf-8") as f:
                paths += [line.rstrip("\n") for line in f if line.strip()]
        else:
            paths.append(a)
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    problems = []
    for p in paths:
        try:
            problems += check_one(conn, base, p)
        except (http.client.HTTPException, OSError, UnicodeError) as e:
            problems.append("%s: %s" % (p, e))
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for p in problems:
        print(p)
    print("checked %d pages, %d problems" % (len(paths), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
