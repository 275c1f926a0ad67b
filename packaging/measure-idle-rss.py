#!/usr/bin/env python3
"""Idle memory of a tcplb build: VmRSS after start with one listener, then with N idle proxied connections.

Usage: packaging/measure-idle-rss.py N COMMAND...   e.g.  packaging/measure-idle-rss.py 1000 out/aot/tcplb
The script adds `run --listen 127.0.0.1:PORT --backend 127.0.0.1:BACKEND --send-proxy v1` to COMMAND, starts a
backend that accepts and holds connections, opens N clients that each send one byte (so TcpLb dials the backend
and holds both sockets), waits until the backend holds all N, settles 3 s, and reads /proc/PID/status.
A hand measurement (loopback only, bounded: N <= 5000, every wait has a deadline); not run by CI.
"""
import os, selectors, signal, socket, subprocess, sys, time

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")

def main():
    count = int(sys.argv[1]); command = sys.argv[2:]
    assert 0 < count <= 5000 and command
    backend = socket.socket(); backend.bind(("127.0.0.1", 0)); backend.listen(4096); backend.setblocking(False)
    probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
    tcplb = subprocess.Popen(command + ["run", "--listen", f"127.0.0.1:{port}", "--backend", f"127.0.0.1:{backend.getsockname()[1]}",
                                        "--send-proxy", "v1", "--log-level", "warning", "--drain-timeout", "1s"])
    try:
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
            except OSError:
                if time.time() > deadline: raise
                time.sleep(0.05)
        time.sleep(3)
        started = rss_kib(tcplb.pid)
        clients, held = [], []
        for _ in range(count):
            client = socket.create_connection(("127.0.0.1", port), timeout=5); client.sendall(b"x"); clients.append(client)
        deadline = time.time() + 30
        while len(held) < count and time.time() < deadline:
            try:
                connection, _ = backend.accept(); held.append(connection)
            except BlockingIOError:
                time.sleep(0.01)
        assert len(held) == count, f"backend holds {len(held)} of {count}"
        time.sleep(3)
        idle = rss_kib(tcplb.pid)
        print(f"{' '.join(command)}: VmRSS {started / 1024:.1f} MiB after start, {idle / 1024:.1f} MiB with {count} idle connections "
              f"({(idle - started) / count:.1f} KiB each)")
    finally:
        tcplb.send_signal(signal.SIGTERM)
        tcplb.wait(timeout=60)

main()
