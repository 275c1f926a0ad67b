#!/usr/bin/env bash
# The floors of the small and close scenarios: what a featureless single-threaded C relay (relay-floor.c)
# spends per request and per connection on this kernel, with epoll and with io_uring, next to TcpLb. Runs
# bench/interleaved.sh for each scenario: rounds in which each of the three takes its turn against HAProxy in an
# lb-bench invocation of its own, so every ratio is read against the HAProxy of its own run, and the medians of
# the rounds' ratios are printed last (the machine is shared and noisy: one invocation can be off by 20 %).
#
#   bench/floor/floors.sh [ROUNDS] [TCPLB_BINARY]
#       defaults: 5, out-aot/tcplb (dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true -o out-aot)
#
# Needs cc and liburing-dev (apt-get install liburing-dev) besides what lb-bench.sh needs. 5 rounds take ~15 min.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
tcplb=${2:-out-aot/tcplb}
[[ -x $tcplb ]] || { echo "floors.sh: $tcplb is missing (see the usage line at the top of this script)" >&2; exit 2; }
mkdir -p bench/floor/out
cc -O2 -Wall -Wextra -o bench/floor/out/relay-floor bench/floor/relay-floor.c -luring

for scenario in small close; do
    echo "== $scenario"
    bench/interleaved.sh "$scenario" "$rounds" \
        'floor-epoll=bench/floor/out/relay-floor epoll {listen} {backend} {proxy_protocol}' \
        'floor-uring=bench/floor/out/relay-floor uring {listen} {backend} {proxy_protocol}' \
        "tcplb=$tcplb"
done
