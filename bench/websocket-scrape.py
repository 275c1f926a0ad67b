# A real WebSocket through `tcplb demo` (its router echoes on /ws): 50 messages of 10,000 bytes each way over 5 s,
# then the connection stays open; /metrics is scraped 7 s later, mid-life, before the close.
import base64, os, socket, struct, subprocess, sys, time, urllib.request

# usage: python3 bench/websocket-scrape.py [TCPLB_BINARY]   (default out/tcplb: dotnet publish src/TcpLb -c Release -o out)
tcplb = sys.argv[1] if len(sys.argv) > 1 else "out/tcplb"
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
port, admin = free(), free()
proc = subprocess.Popen([tcplb, "demo", "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try: socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
        except OSError: time.sleep(0.05)
    ws = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    ws.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head: head += ws.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    def recv_exact(n):
        b = b""
        while len(b) < n: b += ws.recv(n - len(b))
        return b
    for i in range(50):
        payload = os.urandom(10000); mask = os.urandom(4)
        masked = bytes(c ^ mask[j % 4] for j, c in enumerate(payload))
        ws.sendall(struct.pack("!BBH", 0x82, 0x80 | 126, len(payload)) + mask + masked)
        b0, b1 = recv_exact(2); n = b1 & 0x7F
        if n == 126: n = struct.unpack("!H", recv_exact(2))[0]
        assert recv_exact(n) == payload
        time.sleep(0.1)
    time.sleep(7)  # past the 5 s sweep; the connection is still open
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=5).read().decode()
    print(f"# tcplb demo --listen 127.0.0.1:{port} --admin-listen 127.0.0.1:{admin}; one WebSocket to /ws, 50 binary messages")
    print("# of 10,000 bytes echoed (each frame 10,008 bytes up with its mask, 10,004 down), scraped while still open:")
    for line in metrics.splitlines():
        if line.startswith(("tcplb_io_bytes_total", "tcplb_connection_open", "tcplb_connection_oldest")):
            print(line)
    ws.close()
finally:
    proc.terminate(); proc.wait()
