#!/bin/bash
# web_test.sh - moim-web as an HTTP server: every answer carries the
# security headers; unknown paths are 404, a method a path does not take
# is 405 with Allow; a body over 16 KiB is 413 (announced or chunked);
# HEAD has headers and no body; paths with a NUL, a dot segment or a bad
# %XX are 400; a missing trailing "/" and a bare list name are 301; list
# pages follow the list setting archive (hidden 404, members 403); error
# pages are in the list's language; a client that stops talking is
# dropped after the 30 s connection timeout (slowloris), and one that
# trickles its body 30 s after its request line; 300 idle
# connections do not stop it serving; it runs as the moim user when
# started as root, and serves on a unix socket (mode 0660) as well.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init web
e2e_require web/moim-web ctl/moimctl
moim_setup
D=$E2E_LIST_DOMAIN
moimctl secret --owner moim >/dev/null || bail_out "moimctl secret"
moimctl list create "pub@$D" --name "Public" --language en >/dev/null &&
	moimctl list set "pub@$D" archive=public >/dev/null &&
	moimctl list create "mem@$D" --name "회원" >/dev/null &&
	moimctl list create "hid@$D" --name "Hidden" >/dev/null &&
	moimctl list set "hid@$D" archive=hidden >/dev/null ||
	bail_out "list create"
chown -R moim:moim "$E2E_DIR/db"
web_start || bail_out "moim-web did not start"

# A slowloris client: half a request, then silence. It notes how long
# the server kept it (checked at the end; the other checks run meanwhile).
python3 - "$WEB_PORT" "$E2E_DIR/idle.out" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=90)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
t = time.monotonic()
try:
    while s.recv(4096):
        pass
    how = "closed"
except OSError as e:
    how = "error " + str(e)
open(sys.argv[2] + ".tmp", "w").write("%s %d\n" % (how, time.monotonic() - t))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
PY
idle_pid=$!
# A client that trickles its body, a byte every 2 s: each byte resets the
# connection timeout, so the server drops it 30 s after the request line.
python3 - "$WEB_PORT" "$E2E_DIR/trickle.out" <<'PY' &
import os, select, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
          b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
t = time.monotonic()
how = "never"
while time.monotonic() - t < 80:
    try:
        s.sendall(b"a")
        r, _, _ = select.select([s], [], [], 2)
        if r and not s.recv(4096):
            how = "closed"
            break
    except OSError:
        how = "closed"
        break
open(sys.argv[2] + ".tmp", "w").write("%s %d\n" % (how, time.monotonic() - t))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
PY
trickle_pid=$!

# / and the headers every answer carries
t_is "$(web_get /)" 200 "GET / answers 200"
t_like "$(web_header Content-Type)" '^text/html; charset=utf-8$' \
	"Content-Type is HTML in UTF-8"
t_is "$(web_header Content-Security-Policy)" "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
	"Content-Security-Policy as designed"
t_is "$(web_header X-Content-Type-Options)" nosniff "X-Content-Type-Options"
t_is "$(web_header Referrer-Policy)" no-referrer "Referrer-Policy"
t_is "$(web_header X-Frame-Options)" DENY "X-Frame-Options"
t_is "$(web_header Cache-Control)" no-store "Cache-Control: no-store"
t_ok "the page is HTML5 in [moim] language" grep -q '<html lang="ko">' "$WEB_BODY"
t_ok "with a viewport" grep -q '<meta name="viewport"' "$WEB_BODY"
t_ok "and the stylesheet under base_url" \
	grep -q "<link rel=\"stylesheet\" href=\"${WEB_URL}style.css\">" "$WEB_BODY"
t_not "and no script" grep -qi '<script' "$WEB_BODY"
get_len=$(web_header Content-Length)

# HEAD: the same headers, no body
# raw_head PATH - the bytes a HEAD request gets, after the header
raw_head()
{
	python3 - "$WEB_PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"HEAD " + sys.argv[2].encode() + b" HTTP/1.1\r\nHost: x\r\n"
          b"Connection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(len(data.split(b"\r\n\r\n", 1)[1]))
PY
}
t_is "$(web_get / -I)" 200 "HEAD / answers 200"
t_is "$(raw_head /)" 0 "HEAD has no body"
t_is "$(raw_head /no-such@$D/)" 0 "nor has a 404 to HEAD"
t_is "$(web_header Content-Length)" "$get_len" "HEAD's Content-Length is GET's"
t_is "$(web_header X-Frame-Options)" DENY "HEAD carries the headers too"

# unknown paths
t_is "$(web_get no-such@$D/)" 404 "an unknown list is 404"
t_ok "the 404 page says so in Korean" grep -q "찾을 수 없음" "$WEB_BODY"
t_is "$(web_header Content-Security-Policy | cut -c1-18)" "default-src 'none'" \
	"a 404 carries the headers"
t_is "$(web_get nolist/x/y)" 404 "an unknown bare name is 404"
t_is "$(web_get u/)" 404 "/u/ without a token is 404"
t_is "$(web_get pub@$D/1999-13/)" 404 "a month 13 is 404"
t_is "$(web_get pub@$D/e/0x1/)" 404 "an event id that is no number is 404"

# methods
t_is "$(web_get / -X DELETE)" 405 "DELETE / is 405"
t_is "$(web_header Allow)" "GET, HEAD" "with Allow: GET, HEAD"
t_is "$(web_get / -X POST -d a=1)" 405 "POST / is 405"
t_is "$(web_get pub@$D/join)" 405 "GET join is 405"
t_is "$(web_header Allow)" "POST" "with Allow: POST"
t_ok "the 405 page is in the list's language (en)" \
	grep -q '<html lang="en">' "$WEB_BODY"
t_is "$(web_get signin -X PUT -d a=1)" 405 "PUT /signin is 405"
t_is "$(web_header Allow)" "GET, HEAD, POST" "with Allow: GET, HEAD, POST"

# bodies
head -c $((16 * 1024 + 1)) /dev/zero | tr '\0' a >"$E2E_DIR/big"
head -c $((16 * 1024)) /dev/zero | tr '\0' a >"$E2E_DIR/max"
t_is "$(web_get signin -X POST --data-binary @"$E2E_DIR/big")" 413 \
	"a body of 16 KiB + 1 is 413"
t_ok "the 413 page is a page" grep -q "<html" "$WEB_BODY"
t_is "$(web_get signin -X POST -H 'Transfer-Encoding: chunked' \
	--data-binary @"$E2E_DIR/big")" 413 "chunked, too"
t_is "$(web_get / -X POST --data-binary @"$E2E_DIR/max")" 405 \
	"a body of 16 KiB is read (and routed: 405 for /)"
t_is "$(web_get signin -X POST -H 'Content-Type: text/plain' -d x)" 400 \
	"a form of an unknown type is 400"
t_is "$(web_get signin -X POST -d 'a=%zz')" 400 "a bad form is 400"
t_is "$(web_get 'signin?q=%00')" 400 "a query with %00 is 400"

# paths
t_is "$(web_get 'a%00b/')" 400 "a path with %00 is 400"
t_is "$(web_get 'pub@'$D'/../')" 400 "a '..' segment is 400"
t_is "$(web_get 'pub@'$D'/%2e%2E/')" 400 "an encoded '..' segment is 400"
t_is "$(web_get 'pub@'$D'/./')" 400 "a '.' segment is 400"
t_is "$(web_get 'pub@'$D'/%zz/')" 400 "a bad %XX is 400"
t_is "$(web_get 'pub@'$D'/%FF/')" 400 "a segment that is not UTF-8 is 400"
t_is "$(web_get 'a//b')" 400 "an empty segment is 400"
t_is "$(web_get "$(printf 'x%.0s' $(seq 1 3000))")" 400 "a long path is 400"

t_is "$(web_get / --request-target http://x/)" 400 \
	"an absolute-form target (a proxy request) is 400"
t_is "$(web_get / -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)")" 431 \
	"a header over the 32 KiB per connection is 431 (libmicrohttpd's)"
t_is "$(web_get /)" 200 "and the next request is served"

# redirects
t_is "$(web_get pub@$D)" 301 "a list page without '/' is 301"
t_is "$(web_header Location)" "${WEB_URL}pub@$D/" "to the path with '/'"
t_is "$(web_get pub@$D/2026-01)" 301 "a month without '/' is 301"
t_is "$(web_header Location)" "${WEB_URL}pub@$D/2026-01/" "to the month with '/'"
t_is "$(web_get pub@$D/m/a%2Fb@c)" 301 "a message without '/' is 301"
t_is "$(web_header Location)" "${WEB_URL}pub@$D/m/a%2Fb@c/" \
	"to the message with '/', its encoded '/' kept"
t_is "$(web_get pub/)" 301 "a bare list name is 301"
t_is "$(web_header Location)" "${WEB_URL}pub@$D/" "to L@D/"

# the list setting archive
t_is "$(web_get hid@$D/)" 404 "a hidden archive is 404"
t_is "$(web_get hid@$D)" 404 "without '/' too (no redirect tells it exists)"
t_is "$(web_get hid/)" 404 "and its bare name is no redirect"
t_is "$(web_get hid@$D/join -X DELETE)" 404 "nor is a method on it 405"
t_is "$(web_get mem@$D/)" 403 "a members' archive without a session is 403"
t_not "but asking to join it is no 403 (no right to read needed)" \
	test "$(web_get mem@$D/join -X POST -d address=a@example.net)" = 403
t_is "$(web_get hid@$D/join -X POST -d address=a@example.net)" 404 \
	"a hidden list takes no join on the web (404)"

# many idle connections at once: it still serves, and lives
python3 - "$WEB_PORT" >"$E2E_DIR/many.out" <<'PY'
import socket, sys, urllib.request
port = int(sys.argv[1])
conns = [socket.create_connection(("127.0.0.1", port), timeout=10)
         for _ in range(300)]
r = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10)
print(r.status)
for c in conns:
    c.close()
PY
t_is "$(cat "$E2E_DIR/many.out")" 200 "with 300 idle connections open, / answers 200"
t_ok "and moim-web is alive" e2e_daemon_running web

# the slowloris client was dropped by the connection timeout
t_ok "a silent half request is dropped (within 60 s)" \
	e2e_poll 60 test -s "$E2E_DIR/idle.out"
read -r how secs <"$E2E_DIR/idle.out"
t_is "$how" closed "the server closed it"
t_ok "after the 30 s timeout, not before ($secs s)" test "$secs" -ge 29
wait "$idle_pid"
t_ok "a body trickled a byte every 2 s is dropped (within 60 s)" \
	e2e_poll 60 test -s "$E2E_DIR/trickle.out"
read -r how secs <"$E2E_DIR/trickle.out"
t_is "$how" closed "the server closed it"
t_ok "30 s after its request line, not before ($secs s)" test "$secs" -ge 29
wait "$trickle_pid"

# privileges
pid=$(e2e_daemon_pid web)
u=$(id -u moim) g=$(id -g moim)
t_is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" \
	"$u $u $u $u" "its real, effective, saved and fs uid are moim's"
t_is "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" \
	"$g $g $g $g" "and its gids"
t_is "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$pid/status")" 1 \
	"with no_new_privs set"
t_is "$(ps -o user= -p "$pid" | tr -d ' ')" moim \
	"started as root, moim-web runs as moim"

# SIGTERM stops it cleanly
web_stop
t_is "$?" 0 "SIGTERM stops moim-web with status 0"

# a secret moim cannot read stops the start, in one line naming both
chown root:root "$E2E_DIR/etc/secret"
"$MOIM_WEB" -f -c "$MOIM_CONF" >"$E2E_DIR/refused.out" 2>&1
t_is "$?" 1 "with root's secret, moim-web does not start (exit 1)"
t_like "$(grep -v ': error: fatal:' "$E2E_DIR/refused.out")" \
	"^moim-web: .*secret.*Permission denied.*user moim.*$E2E_DIR/etc/secret" \
	"and says why: user moim, the path"
chown moim:moim "$E2E_DIR/etc/secret"

# a unix socket
# (in a directory of moim's, as systemd's RuntimeDirectory=, so that
# moim-web can remove the socket when it stops)
mkdir "$E2E_DIR/run/web" && chown moim:moim "$E2E_DIR/run/web"
WEB_SOCKET=$E2E_DIR/run/web/web.sock
sed -i "s|^listen = 127.0.0.1:$WEB_PORT\$|listen = unix:$WEB_SOCKET|" "$MOIM_CONF"
printf '[web]\nsocket_group = moim\n' >>"$MOIM_CONF"
web_start || bail_out "moim-web did not start on a unix socket"
t_is "$(stat -c '%a %G' "$WEB_SOCKET")" "660 moim" \
	"the socket is 0660 with [web] socket_group"
t_is "$(web_get /)" 200 "GET / over the unix socket answers 200"
t_is "$(web_header X-Frame-Options)" DENY "with the headers"
web_stop
t_not "the socket is removed at exit" test -e "$WEB_SOCKET"

t_done
