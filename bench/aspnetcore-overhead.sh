#!/usr/bin/env bash
# Kestrel without and with UseProxyProtocol, measured in one run with the two arms interleaved (ABBA rounds,
# so drift on a shared machine hits both): keep-alive requests/s and new connections/s, medians and min..max, and
# Kestrel's CPU time per request (utime+stime from /proc, which a noisy neighbour moves far less than a rate).
#
#   keep-alive: wrk -> HAProxy (tcp) -> Kestrel; HAProxy sends a v2 header (send-proxy-v2) to the middleware
#               port only, once per connection, then every request rides the same connection.
#   new conns:  wrk -> Kestrel directly, one request per connection (Connection: close); the middleware arm's
#               request string starts with a 28-byte v2 header, so every connection carries one.
# Kestrel is pinned to CPU 0, wrk and HAProxy to CPU 1 (taskset). Needs wrk and haproxy.
# Environment: ROUNDS (5), DURATION (5s), KEEPALIVE_CONNECTIONS (32), NEWCONN_CONNECTIONS (16).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5s}
KEEPALIVE_CONNECTIONS=${KEEPALIVE_CONNECTIONS:-32}
NEWCONN_CONNECTIONS=${NEWCONN_CONNECTIONS:-16}
for program in wrk haproxy taskset python3; do
  command -v "$program" >/dev/null || { echo "aspnetcore-overhead.sh needs $program"; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet build -c Release bench/TcpLb.Benchmarks.KestrelPair -o "$work/app" >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
plain=$(free_port); proxy=$(free_port); front_plain=$(free_port); front_proxy=$(free_port)
taskset -c 0 dotnet "$work/app/TcpLb.Benchmarks.KestrelPair.dll" "$plain" "$proxy" >"$work/kestrel.log" 2>&1 &
kestrel=$!
pids+=($kestrel)
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen plain
  bind 127.0.0.1:$front_plain
  server kestrel 127.0.0.1:$plain
listen proxy
  bind 127.0.0.1:$front_proxy
  server kestrel 127.0.0.1:$proxy send-proxy-v2
CFG
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

# A v2 PROXY header (INET, 192.0.2.1:5555 -> 127.0.0.1:80) then the request, as one string per connection.
# wrk first checks that the script's request parses as HTTP, which a header does not: that one check gets the
# plain request, every request sent gets the header (wrk's requests have no connection of their own to track).
cat >"$work/newconn.lua" <<'LUA'
local plain = "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
local header = os.getenv("WITH_HEADER") == "1"
  and "\13\10\13\10\0\13\10QUIT\10\33\17\0\12\192\0\2\1\127\0\0\1\21\179\0\80" or ""
local checked = false
request = function()
  if not checked then checked = true; return plain end
  return header .. plain
end
LUA

# Ready when each answers (the middleware port only after a header, so through HAProxy): 10 s at most.
for port in $plain $front_plain $front_proxy; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/" || { echo "127.0.0.1:$port does not answer"; cat "$work/kestrel.log" "$work/haproxy.log"; exit 1; }
done

# Kestrel's CPU time so far, in clock ticks (utime + stime of every thread: fields 14 and 15 of /proc/PID/stat).
kestrel_ticks() { awk '{print $14 + $15}' "/proc/$kestrel/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# One wrk run; records "NAME RATE ERRORS CPU_US_PER_REQUEST".
run() { # name url connections [WITH_HEADER]
  local out before after
  before=$(kestrel_ticks)
  out=$(WITH_HEADER=${4:-0} taskset -c 1 wrk -t1 -c"$3" -d"$DURATION" ${5:+-s "$5"} "$2")
  after=$(kestrel_ticks)
  local rate errors requests cpu
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {n++} END {print n+0}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN {printf "%.3f", t * 1e6 / hz / n}')
  echo "$1 $rate $errors $cpu" >>"$work/results.txt"
  echo "  $1: $rate/s, Kestrel CPU $cpu us/request$( [ "$errors" != 0 ] && echo " (errors: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' '))")"
}

echo "Kestrel without / with UseProxyProtocol: $ROUNDS interleaved rounds of $DURATION per arm ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  if (( round % 2 )); then order="without with"; else order="with without"; fi
  for arm in $order; do
    if [ "$arm" = without ]; then run keepalive_without "http://127.0.0.1:$front_plain/" "$KEEPALIVE_CONNECTIONS"
    else run keepalive_with "http://127.0.0.1:$front_proxy/" "$KEEPALIVE_CONNECTIONS"; fi
  done
  for arm in $order; do
    if [ "$arm" = without ]; then run newconn_without "http://127.0.0.1:$plain/" "$NEWCONN_CONNECTIONS" 0 "$work/newconn.lua"
    else run newconn_with "http://127.0.0.1:$proxy/" "$NEWCONN_CONNECTIONS" 1 "$work/newconn.lua"; fi
  done
done

python3 - "$work/results.txt" <<'PY'
import statistics, sys
rows, cpu = {}, {}
for line in open(sys.argv[1]):
    name, rate, errors, us = line.split()
    rows.setdefault(name, []).append((float(rate), int(errors)))
    cpu.setdefault(name, []).append(float(us))
print()
print("| metric | without: median (min..max) | with: median (min..max) | ratio of medians | per-round ratio: median (min..max) | runs with errors |")
print("|---|---|---|---|---|---|")
for metric, label in (("keepalive", "keep-alive requests/s (via HAProxy)"), ("newconn", "new connections/s (direct)"),
                      ("keepalive_cpu", "Kestrel CPU µs per keep-alive request"), ("newconn_cpu", "Kestrel CPU µs per new connection")):
    base, source = (metric[:-4], cpu) if metric.endswith("_cpu") else (metric, {k: [r for r, _ in v] for k, v in rows.items()})
    a = source[base + "_without"]; b = source[base + "_with"]
    errors = sum(e for _, e in rows[base + "_without"] + rows[base + "_with"])
    ma, mb = statistics.median(a), statistics.median(b)
    paired = [y / x for x, y in zip(a, b)]  # the two arms of one round ran back to back
    mp = statistics.median(paired)
    digits = 1 if metric.endswith("_cpu") else 0
    print(f"| {label} | {ma:,.{digits}f} ({min(a):,.{digits}f}..{max(a):,.{digits}f}) | {mb:,.{digits}f} ({min(b):,.{digits}f}..{max(b):,.{digits}f}) | {mb / ma:.3f} ({(mb / ma - 1) * 100:+.1f} %) "
          f"| {mp:.3f} ({(mp - 1) * 100:+.1f} %; {min(paired):.2f}..{max(paired):.2f}) | {errors} |")
PY
