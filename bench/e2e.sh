#!/usr/bin/env bash
# TcpLb end to end, next to HAProxy, nginx and no proxy at all, through the shared lb-bench harness.
#
#   bench/e2e.sh [--quick] [--aot] [--no-publish] [--proxy-protocol v1|v2] [--env 'K=V ...'] [-- lb-bench options]
#
# Publishes Release to out/ (and, with --aot, Native AOT to out-aot/), runs
# lb-bench.sh --compare none,haproxy,nginx,custom with out/tcplb as the custom proxy pinned to CPU 1
# (every scenario: small, close, bulk, idle with 10 000 connections, slow), once per binary, and writes medians with
# ratios to HAProxy and to `none` into bench/results/e2e-<date>-<host>.md. See bench/README.md.
set -euo pipefail

invocation="bench/e2e.sh${*:+ $*}"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lb_bench=${TCPLB_LB_BENCH:-$repo/../shared/bench/lb-bench.sh}

quick=0 aot=0 publish=1 proxy_protocol=v1 runtime_env="" extra=()
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; cat <<'TEXT'

Options:
  --quick              3 s per run, 2 repeats (default: 10 s, 3 repeats); idle keeps 10 000 connections
  --aot                also publish Native AOT (out-aot/tcplb) and measure it in a second invocation;
                       without it, an existing out-aot/tcplb is measured too (as it is, not rebuilt)
  --no-publish         use out/ (and out-aot/) as they are
  --proxy-protocol V   v1 (default: nginx's stream module sends only v1) or v2 (nginx is then skipped)
  --env 'K=V ...'      runtime settings for TcpLb only, e.g. --env 'DOTNET_gcServer=1'
  -- ARGS              passed to lb-bench.sh as they are (they win over the above), e.g. -- --scenarios idle
Environment:
  TCPLB_LB_BENCH       path of lb-bench.sh (default: ../shared/bench/lb-bench.sh from the repository root)
TEXT
}

while (($#)); do
    case $1 in
        --quick) quick=1 ;;
        --aot) aot=1 ;;
        --no-publish) publish=0 ;;
        --proxy-protocol) proxy_protocol=${2:?--proxy-protocol needs v1 or v2}; shift ;;
        --env) runtime_env=${2?--env needs 'K=V ...'}; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "e2e.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

case $proxy_protocol in v1|v2) ;; *) echo "e2e.sh: --proxy-protocol must be v1 or v2, not '$proxy_protocol'" >&2; exit 2 ;; esac
[[ -x $lb_bench ]] || { echo "e2e.sh: lb-bench.sh not found at '$lb_bench' (set TCPLB_LB_BENCH)" >&2; exit 2; }
for word in $runtime_env; do
    [[ $word == *=* ]] || { echo "e2e.sh: --env takes K=V words, '$word' is not one" >&2; exit 2; }
done

cd "$repo"
if ((publish)); then
    echo "[e2e] dotnet publish src/TcpLb -c Release -o out" >&2
    dotnet publish src/TcpLb -c Release -o out --nologo -v quiet >&2
    if ((aot)); then
        echo "[e2e] dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true -o out-aot" >&2
        dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true -o out-aot --nologo -v quiet >&2
    fi
fi

binaries=(out/tcplb)
labels=(tcplb)
if ((aot)) || [[ -x out-aot/tcplb ]]; then
    binaries+=(out-aot/tcplb)
    labels+=(tcplb-aot)
fi
for binary in "${binaries[@]}"; do
    [[ -x $binary ]] || { echo "e2e.sh: $binary is missing (publish first, or drop --no-publish)" >&2; exit 2; }
done

timing=(--duration 10 --repeat 3)
((quick)) && timing=(--duration 3 --repeat 2)
stamp=$(date -u +%Y-%m-%d-%H%M)
host=$(hostname -s)
mkdir -p bench/results
work=$(mktemp -d "${TMPDIR:-/tmp}/tcplb-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT

jsons=()
for i in "${!binaries[@]}"; do
    binary=$repo/${binaries[$i]}
    command="$binary run --listen {listen} --backend {backend} --send-proxy {proxy_protocol}"
    [[ -n $runtime_env ]] && command="env $runtime_env $command"
    args=(--compare none,haproxy,nginx,custom --name "${labels[$i]}" --cmd "$command"
          --proxy-protocol "$proxy_protocol" --proxy-cpu 1 --load-cpu 0
          --scenarios all --idle-conns 10000 "${timing[@]}"
          --out "$work/${labels[$i]}.json" "${extra[@]}")
    echo "[e2e] $lb_bench ${args[*]}" >&2
    "$lb_bench" "${args[@]}" > "$work/${labels[$i]}.txt"
    jsons+=("$work/${labels[$i]}.json")
done

report=bench/results/e2e-$stamp-$host.md
python3 bench/e2e/e2e_report.py --runtime-env "$runtime_env" --command "$invocation" \
    --runtimeconfig out/tcplb.runtimeconfig.json "${jsons[@]}" > "$report"
cat "$report"
echo "[e2e] written to $report" >&2
