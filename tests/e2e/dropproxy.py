#!/usr/bin/env python3
"""dropproxy.py - a relay that fails: a TCP proxy to the real relay that
drops its first DROP sessions when the client sends MAIL FROM, as a relay
restarted or cut off in mid-transaction does, and passes every later
session through unchanged.

usage: dropproxy.py LISTEN_PORT UPSTREAM_PORT DROP COUNT_FILE
COUNT_FILE gets the number of sessions dropped so far, one line."""
import socket
import sys
import threading

listen_port, upstream_port, drop = (int(a) for a in sys.argv[1:4])
count_file = sys.argv[4]
lock = threading.Lock()
state = {"sessions": 0, "dropped": 0}


def pipe(src, dst, watch):
    """copy src to dst; with watch, stop at a MAIL command instead"""
    buf = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if watch:
                buf = (buf + data)[-4096:]
                if b"MAIL FROM" in buf.upper():
                    with lock:
                        state["dropped"] += 1
                        with open(count_file, "w") as f:
                            f.write("%d\n" % state["dropped"])
                    break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client):
    with lock:
        state["sessions"] += 1
        watch = state["sessions"] <= drop
    up = socket.create_connection(("127.0.0.1", upstream_port), timeout=30)
    up.settimeout(None)
    threading.Thread(target=pipe, args=(up, client, False), daemon=True).start()
    pipe(client, up, watch)


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(16)
with open(count_file, "w") as f:
    f.write("0\n")
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
