#!/usr/bin/env python3
"""Opens N keep-alive connections to 127.0.0.1:PORT, makes one GET / on each (so every connection has served a
request, as an idle keep-alive connection has), then holds them all open without traffic. Prints "open N" on stdout
once every connection is idle, and "lost K" for connections the server closed, then waits until stdin closes (or a
signal) and exits. Used by footprint.sh idle-connections; standard library only."""
import selectors
import socket
import sys


def read_response(sock):
    """Reads one HTTP/1.1 response with a Content-Length body; returns False when the server closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    held = []
    failed = 0
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(request)
            if read_response(s):
                s.setblocking(False)
                held.append(s)
            else:
                failed += 1
                s.close()
        except OSError as e:
            failed += 1
            if failed == 1:
                print(f"error {e}", flush=True)
    print(f"open {len(held)} failed {failed}", flush=True)
    sel = selectors.DefaultSelector()
    for s in held:
        sel.register(s, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    lost = 0
    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                if not sys.stdin.buffer.read1(4096):
                    print(f"lost {lost}", flush=True)
                    return
                continue
            try:
                if key.fileobj.recv(4096):
                    continue
            except OSError:
                pass
            sel.unregister(key.fileobj)
            key.fileobj.close()
            lost += 1


if __name__ == "__main__":
    main()
