#!/usr/bin/env bash
# User-space instructions per connection (close) or per request (small) of a Native AOT TcpLb, counted by callgrind:
# unlike CPU time, the count does not move with a busy host, so a change of a few percent in the proxy's own code can
# be measured on a shared machine. wrk drives the proxy (under valgrind) to an nginx that reads the PROXY header;
# counting starts after a warm-up and covers what every thread of the proxy ran during the measured wrk run.
#
#   bench/instructions.sh [AOT_BINARY] [close|small] [SECONDS] [TOP]     (defaults: out-aot/tcplb, close, 10, 40)
#
# Prints the total per connection (or request), then the TOP functions by inclusive count, named from the binary's
# .dbg file next to it (valgrind 3.19 cannot read the DWARF 5 in it, so the binary runs from a copy without it).
# Only the kernel's share is missing: that is what perf and lb-bench measure. Needs valgrind, wrk, nginx, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-out-aot/tcplb}
shape=${2:-close}
seconds=${3:-10}
top=${4:-40}
case $shape in close) wrk_header=(-H 'Connection: close') ;; small) wrk_header=() ;; *) echo "instructions.sh: shape is close or small, not '$shape'" >&2; exit 2 ;; esac
for program in valgrind callgrind_control callgrind_annotate wrk nginx python3 curl nm; do
    command -v "$program" >/dev/null || { echo "instructions.sh needs $program" >&2; exit 2; }
done
[[ -x $binary ]] || { echo "instructions.sh: $binary is missing (dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true -o out-aot)" >&2; exit 2; }
[[ -f $binary.dbg ]] || { echo "instructions.sh: $binary.dbg is missing: the symbols come from it" >&2; exit 2; }

source bench/lib/proxy-backend.sh

cp "$binary" "$work/tcplb"
listen=$(free_port)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
    "$work/tcplb" run --listen "127.0.0.1:$listen" --backend "127.0.0.1:$backend" --send-proxy v1 --admin-listen 127.0.0.1:0 \
    >"$work/tcplb.log" 2>&1 &
proxy=$!
pids+=("$proxy")
url=http://127.0.0.1:$listen/
for _ in $(seq 1 100); do curl -s -o /dev/null "$url" && break; sleep 0.3; done
curl -s -o /dev/null "$url" || { echo "instructions.sh: the proxy did not answer; its log:" >&2; cat "$work/tcplb.log" >&2; exit 1; }

# Warm up uninstrumented, then instrumented (the first instrumented calls translate code), then count from zero.
wrk -t1 -c10 -d3s "${wrk_header[@]}" "$url" >/dev/null
callgrind_control --instr=on "$proxy" >/dev/null 2>&1
wrk -t1 -c10 -d2s "${wrk_header[@]}" "$url" >/dev/null
callgrind_control --zero "$proxy" >/dev/null 2>&1
count=$(wrk -t1 -c10 -d"${seconds}s" "${wrk_header[@]}" "$url" | awk '/requests in/ {print $1}')
callgrind_control --dump "$proxy" >/dev/null 2>&1

nm --defined-only "$binary.dbg" | awk '$2 ~ /^[tTwW]$/ {print $1, $3}' >"$work/symbols.txt"
dump=$(ls "$work"/callgrind.out.* | head -1)
callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null >"$work/inclusive.txt"
python3 - "$work" "$count" "$shape" "$top" <<'PY'
import bisect, collections, re, sys
work, count, shape, top = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
symbols = sorted((int(address, 16), name) for address, name in (line.split(None, 1) for line in open(f"{work}/symbols.txt")))
starts = [address for address, _ in symbols]
# valgrind loads a position-independent executable at 0x108000: an address it cannot name is that plus the symbol's.
load_base = 0x108000
total, functions = 0, collections.Counter()
for line in open(f"{work}/inclusive.txt"):
    match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if not match:
        continue
    instructions, where = int(match.group(1).replace(",", "")), match.group(2)
    if "PROGRAM TOTALS" in where:
        total = instructions
        continue
    unnamed = re.search(r"\?\?\?:0x([0-9a-f]+) \[\?\?\?\]", where)
    if unnamed:
        index = bisect.bisect_right(starts, int(unnamed.group(1), 16) - load_base) - 1
        where = symbols[index][1].strip() if index >= 0 else where
    functions[where] += instructions
unit = "connection" if shape == "close" else "request"
print(f"{count} {unit}s, {total:,} user-space instructions: {total / count:,.0f} per {unit}")
for where, instructions in functions.most_common(top):
    print(f"{instructions / count:10,.0f}  {where[:150]}")
PY
