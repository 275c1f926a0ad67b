#!/usr/bin/env bash
# Starts a published tcplb for /work/shared/bench/lb-bench.sh from a config file, with or without routes, so the
# benchmark compares the same listener and backend with routing on and off (bench/results/routing-2026-11-30.md).
#   tcplb-config.sh PUBLISH_DIR routes|plain TMPDIR LISTEN BACKEND PROXY_PROTOCOL
# routes: two Host routes; wrk's requests carry "Host: 127.0.0.1:PORT", so every connection is inspected and
# matches the second route after the first was tried. plain: the listener's own backend, no inspection.
set -euo pipefail
publish=$1 mode=$2 tmpdir=$3 listen=$4 backend=$5 proxy=$6
config=$tmpdir/tcplb-$mode.yaml
case $mode in
  routes)
    cat > "$config" <<YAML
pools:
  other: {backends: ["$backend"]}
  web: {backends: ["$backend"]}
listeners:
  - listen: ["$listen"]
    sendProxy: $proxy
    routes:
      - {match: {host: www.example.com}, pool: other}
      - {match: {host: "127.0.0.1"}, pool: web}
    defaultPool: other
YAML
    ;;
  plain)
    cat > "$config" <<YAML
listeners:
  - listen: ["$listen"]
    sendProxy: $proxy
    backends: ["$backend"]
YAML
    ;;
  *) echo "tcplb-config.sh: mode is routes or plain, not '$mode'" >&2; exit 2 ;;
esac
exec "$publish/tcplb" run --config "$config" --admin-listen off
