#!/usr/bin/env bash
# Ratios to HAProxy in rounds: each round runs one lb-bench invocation per variant (HAProxy and that variant, the
# proxy pinned to CPU 1), variants taking turns, and prints each invocation's ratio. On a shared machine one
# invocation can be off by 20 % either way; the median of the rounds' ratios is the figure to quote.
#
#   bench/interleaved.sh SCENARIO ROUNDS 'LABEL=BINARY [tcplb run flags]' ...
#
# e.g. bench/interleaved.sh close 5 'aot=out-aot/tcplb' 'jit=out/tcplb' 'nolog=out-aot/tcplb --access-log off'
# A variant whose text holds {listen} is a whole command line with lb-bench's placeholders instead, run as it is:
#      'floor=bench/floor/out/relay-floor epoll {listen} {backend} {proxy_protocol}'
# SCENARIO is close or small (4 s x 2 repeats, 2 s warm-up, PROXY v1). The admin endpoint listens on a free port
# unless the flags say otherwise. Each round's JSON and log: $TMPDIR/tcplb-interleaved.*/LABEL-ROUND.{json,txt}.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lb_bench=${TCPLB_LB_BENCH:-$repo/../shared/bench/lb-bench.sh}
(($# >= 3)) || { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
scenario=$1 rounds=$2
shift 2
case $scenario in close|small) ;; *) echo "interleaved.sh: SCENARIO is close or small, not '$scenario'" >&2; exit 2 ;; esac
[[ $rounds =~ ^[1-9][0-9]?$ ]] || { echo "interleaved.sh: ROUNDS is 1-99, not '$rounds'" >&2; exit 2; }
[[ -x $lb_bench ]] || { echo "interleaved.sh: lb-bench.sh not found at '$lb_bench' (set TCPLB_LB_BENCH)" >&2; exit 2; }
for variant in "$@"; do
    [[ $variant == *=* ]] || { echo "interleaved.sh: a variant is LABEL=BINARY [flags], not '$variant'" >&2; exit 2; }
    read -r binary _ <<<"${variant#*=}"
    [[ -x $repo/$binary || -x $binary ]] || { echo "interleaved.sh: $binary is not an executable" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/tcplb-interleaved.XXXXXX")
echo "rounds in $work" >&2

for round in $(seq 1 "$rounds"); do
    for variant in "$@"; do
        label=${variant%%=*}
        read -r binary flags <<<"${variant#*=}"
        [[ -x $repo/$binary ]] && binary=$repo/$binary
        if [[ $variant == *{listen}* ]]; then
            command="$binary $flags"
        else
            [[ $flags == *--admin-listen* ]] || flags="--admin-listen 127.0.0.1:0 $flags"
            command="$binary run --listen {listen} --backend {backend} --send-proxy {proxy_protocol} $flags"
        fi
        "$lb_bench" --compare haproxy,custom --name "$label" --cmd "$command" \
            --proxy-protocol v1 --proxy-cpu 1 --load-cpu 0 --scenarios "$scenario" --duration 4 --repeat 2 --warmup 2 \
            --no-sniff --out "$work/$label-$round.json" > "$work/$label-$round.txt" 2>&1
        python3 - "$label" "$round" "$work/$label-$round.json" <<'PY'
import json, sys
label, round_, path = sys.argv[1:]
rows = {row["proxy"]: row for row in json.load(open(path))["summary"]}
ours, theirs = rows[label], rows["haproxy"]
print(f'{label:10} round {round_}: {ours["value"]:.0f} vs {theirs["value"]:.0f} {ours["unit"]} = {ours["value"] / theirs["value"]:.3f}x; '
      f'CPU {ours["cost"]:.4f} vs {theirs["cost"]:.4f} {ours["cost_unit"]} = {ours["cost"] / theirs["cost"]:.3f}x; '
      f'p99 {ours["p99_ms"]:.1f} vs {theirs["p99_ms"]:.1f} ms', flush=True)
PY
    done
done

# The figures to quote: per variant, the median over the rounds of each ratio to HAProxy.
python3 - "$work" "$@" <<'PY'
import glob, json, statistics, sys
work, variants = sys.argv[1], sys.argv[2:]
for label in (v.split("=", 1)[0] for v in variants):
    ratios = {"rate": [], "CPU": [], "p99": []}
    for path in glob.glob(f"{work}/{label}-*.json"):
        rows = {row["proxy"]: row for row in json.load(open(path))["summary"]}
        ours, theirs = rows[label], rows["haproxy"]
        ratios["rate"].append(ours["value"] / theirs["value"])
        ratios["CPU"].append(ours["cost"] / theirs["cost"])
        ratios["p99"].append(ours["p99_ms"] / theirs["p99_ms"])
    print(f'{label:10} median of {len(ratios["rate"])} rounds: ' +
          "; ".join(f'{name} {statistics.median(values):.3f}x' for name, values in ratios.items()), flush=True)
PY
