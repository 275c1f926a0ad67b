#!/usr/bin/env bash
# System calls per connection or per request, TcpLb next to HAProxy: wrk through the proxy to an nginx that reads
# the PROXY header, either one connection per request (close: Connection: close) or keep-alive requests (small).
# strace -c -f counts every call of the proxy's process while wrk runs; each count is divided by wrk's requests.
#
#   bench/syscalls.sh [TCPLB_BINARY] [SECONDS] [close|small]     (defaults: out/tcplb, 5, close)
#
# strace slows the proxy down a lot: the counts per connection are what this measures, not the rate.
# Needs strace, wrk, nginx (with the stream-free http module) and haproxy. Ports are free ones on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
tcplb=${1:-out/tcplb}
seconds=${2:-5}
shape=${3:-close}
case $shape in close) wrk_header=(-H 'Connection: close') ;; small) wrk_header=() ;; *) echo "syscalls.sh: shape is close or small, not '$shape'" >&2; exit 2 ;; esac
for program in strace wrk nginx haproxy python3 curl; do
    command -v "$program" >/dev/null || { echo "syscalls.sh needs $program" >&2; exit 2; }
done
[[ -x $tcplb ]] || { echo "syscalls.sh: $tcplb is missing (dotnet publish src/TcpLb -c Release -o out)" >&2; exit 2; }

source bench/lib/proxy-backend.sh

# One proxy: start it, warm it up, count its calls while wrk runs, print the table per connection.
measure() { # name listen-port command...
    local name=$1 port=$2; shift 2
    "$@" >"$work/$name.log" 2>&1 &
    local proxy=$!
    pids+=("$proxy")
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
    curl -sf -o /dev/null "http://127.0.0.1:$port/" || { echo "$name does not answer on $port" >&2; cat "$work/$name.log" >&2; exit 1; }
    wrk -t1 -c50 -d3s "${wrk_header[@]}" "http://127.0.0.1:$port/" >/dev/null # warm-up (JIT, pools)
    strace -f -c -p "$proxy" -o "$work/$name.strace" &
    local tracer=$!
    sleep 0.5
    local requests
    requests=$(wrk -t1 -c50 -d"${seconds}s" "${wrk_header[@]}" "http://127.0.0.1:$port/" | awk '/requests in/ {print $1}')
    kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
    kill "$proxy"; wait "$proxy" 2>/dev/null || true
    python3 - "$name" "$requests" "$work/$name.strace" "$shape" <<'PY'
import sys
name, requests, path, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
unit = "connection" if shape == "close" else "request"
rows = []
for line in open(path):
    parts = line.split()
    if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] not in ("total",):
        calls = int(parts[3]); errors = int(parts[4]) if len(parts) == 6 else 0
        rows.append((parts[-1], calls, errors))
total = sum(c for _, c, _ in rows)
print(f"{name}: {requests} {unit}s, {total / requests:.2f} system calls per {unit}")
for call, calls, errors in sorted(rows, key=lambda r: -r[1]):
    if calls / requests >= 0.05:
        print(f"  {call:<16} {calls / requests:6.2f}" + (f"  ({errors / requests:.2f} failed)" if errors else ""))
PY
}

port=$(free_port)
cat >"$work/haproxy.cfg" <<CFG
global
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 600s
  timeout server 600s
listen lb
  bind 127.0.0.1:$port
  server s1 127.0.0.1:$backend send-proxy
CFG
measure haproxy "$port" haproxy -db -f "$work/haproxy.cfg"

port=$(free_port)
measure tcplb "$port" "$tcplb" run --listen "127.0.0.1:$port" --backend "127.0.0.1:$backend" --send-proxy v1 --admin-listen off --threads 1
