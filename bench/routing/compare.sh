#!/usr/bin/env bash
# Routes on vs off, interleaved: PAIRS pairs of lb-bench.sh invocations (small scenario, PROXY v2, HAProxy as the
# baseline in each), the order flipping each pair so a drift of the shared machine hits both alike. Each invocation's
# JSON goes to OUT_DIR; the CPU-cost ratio to HAProxy of each is printed at the end (lower is cheaper).
#   bench/routing/compare.sh PUBLISH_DIR OUT_DIR [PAIRS [SCENARIOS]]   (publish: dotnet publish src/TcpLb -c Release -o PUBLISH_DIR)
# SCENARIOS: lb-bench's, default small (keep-alive: one inspection per connection); close inspects every request.
set -euo pipefail
publish=$(realpath "$1") out=$(realpath -m "$2") pairs=${3:-3} scenarios=${4:-small}
here=$(dirname "$(realpath "$0")")
bench=/work/shared/bench/lb-bench.sh
mkdir -p "$out"
run() { # mode index
  "$bench" --compare haproxy,custom --name "tcplb-$1" --proxy-protocol v2 --scenarios "$scenarios" \
    --cmd "$here/tcplb-config.sh $publish $1 {tmpdir} {listen} {backend} {proxy_protocol}" \
    --out "$out/$1-$2.json" --md "$out/$1-$2.md" > "$out/$1-$2.txt" 2> "$out/$1-$2.log"
}
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then run routes "$i"; run plain "$i"; else run plain "$i"; run routes "$i"; fi
  echo "pair $i done $(date -u +%H:%M:%S)" >&2
done
python3 - "$out" "$pairs" "$scenarios" <<'PY'
import json, statistics, sys
out, pairs, scenarios = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
for scenario in scenarios:
    for mode in ("routes", "plain"):
        ratios = []
        for i in range(1, pairs + 1):
            data = json.load(open(f"{out}/{mode}-{i}.json"))
            ratios.append(data["ratios"][f"tcplb-{mode}/{scenario}"]["cpu_cost"])
        print(f"{scenario} {mode}: cpu-cost ratio to haproxy per pair {['%.3f' % r for r in ratios]}"
              f" median {statistics.median(ratios):.3f} min..max {min(ratios):.3f}..{max(ratios):.3f}")
PY
