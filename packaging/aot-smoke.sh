#!/usr/bin/env bash
# Publishes tcplb as a Native AOT binary for linux-x64 (it must give 0 warnings: trim and AOT analysis
# findings fail the publish) and runs the tests that drive that binary for real (AotBinaryTests):
# bytes forwarded after a PROXY v1/v2 header, a socket passed by systemd-socket-activate, SIGTERM.
# Publishing takes 2-4 minutes here, which is why CI does not run it on every change.
# Usage: packaging/aot-smoke.sh [output directory, default out/aot]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/aot}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s)
dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true -o "$out" 2>&1 | tee "$log"
echo "AOT publish took $(( $(date +%s) - start )) s"
if grep -E -q ': warning [A-Z]+[0-9]+' "$log"; then
  echo "aot-smoke: the Native AOT publish gave warnings (above); fix the code, do not suppress them blindly"
  exit 1
fi
echo "aot-smoke: $out/tcplb is $(stat -c %s "$out/tcplb") bytes"

TCPLB_AOT_BINARY="$PWD/$out/tcplb" dotnet test --project tests/TcpLb.IntegrationTests -- --filter-class 'TcpLb.IntegrationTests.Lifecycle.AotBinaryTests'
