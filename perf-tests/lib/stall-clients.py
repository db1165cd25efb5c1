#!/usr/bin/env python3
"""Stalled downloads for perf-tests/overload-memory.sh: N clients each ask for a large response and never read it.

    stall-clients.py --host 127.0.0.1 --port 28081 --path /big -n 100 [--rcvbuf 4096] [--max-hold 300]

Each client opens its own connection (a small receive buffer, set before the connect, so the bytes in flight wait
in the proxy rather than in this process's kernel buffers), sends one HTTP/1.1 GET and reads nothing. Once every
request is sent the script prints "ready SENT FAILED" and holds the connections until SIGTERM or SIGINT (or
--max-hold seconds). On release it prints "released ESTABLISHED CLOSED_BY_PEER" from each connection's TCP state: one
the proxy closed or reset while it was held is no longer ESTABLISHED. Then every socket is closed with SO_LINGER 0
(an RST, as a client that gives up), so the proxy frees what it held at once. Standard library only.
"""
import argparse
import signal
import socket
import struct
import sys
import threading

TCP_ESTABLISHED = 1


def tcp_state(sock):
    """The socket's TCP state from TCP_INFO (its first byte), or 0 when it cannot be read."""
    try:
        return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    except OSError:
        return 0


def open_client(host, port, path, rcvbuf, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf > 0:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: stall-clients\r\n\r\n".encode())
    except OSError:
        sock.close()
        return None
    return sock


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/big")
    ap.add_argument("-n", type=int, required=True, help="clients (1..5000)")
    ap.add_argument("--rcvbuf", type=int, default=4096, help="SO_RCVBUF before the connect (0: the kernel's)")
    ap.add_argument("--max-hold", type=float, default=300.0, help="release after this many seconds at most")
    ap.add_argument("--timeout", type=float, default=5.0, help="connect and send timeout per client, seconds")
    args = ap.parse_args()
    if not 1 <= args.n <= 5000:
        sys.exit("stall-clients.py: -n must be within 1..5000")

    release = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: release.set())
    signal.signal(signal.SIGINT, lambda *_: release.set())

    socks = []
    failed = 0
    for _ in range(args.n):
        s = open_client(args.host, args.port, args.path, args.rcvbuf, args.timeout)
        if s is None:
            failed += 1
        else:
            socks.append(s)
    print(f"ready {len(socks)} {failed}", flush=True)

    # Hold until a signal, never reading the sockets; --max-hold bounds it if the caller forgets to release.
    release.wait(args.max_hold)

    established = sum(1 for s in socks if tcp_state(s) == TCP_ESTABLISHED)
    print(f"released {established} {len(socks) - established}", flush=True)
    for s in socks:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()


if __name__ == "__main__":
    main()
