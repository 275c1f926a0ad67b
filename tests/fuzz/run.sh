#!/usr/bin/env bash
# Fuzzes one parser of wire bytes with AFL++ for a while, then says what it found; exit 1 on any crash or hang.
#   tests/fuzz/run.sh TARGET SECONDS [WORK_DIR]      e.g. tests/fuzz/run.sh proxy-header 1800
#   tests/fuzz/run.sh --list                         the targets (one file each in TcpLb.Fuzz/Targets/)
# Needs afl-fuzz (Debian: afl++) and the .NET SDK; the sharpfuzz tool comes from .config/dotnet-tools.json.
# WORK_DIR (default /tmp/tcplb-fuzz/TARGET) gets the harness (bin/), its instrumented copy (afl/) and AFL++'s
# findings (findings/). Findings are replayed on the plain copy: instrumented code needs AFL++'s shared memory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bin_of() { echo "$1/bin"; }
publish() {
  dotnet publish "$here/TcpLb.Fuzz" -c Release -o "$1" -p:TreatWarningsAsErrors=true > "$1.publish.log" 2>&1 \
    || { cat "$1.publish.log"; echo "run.sh: the harness did not build" >&2; exit 2; }
}

if [ "${1:-}" = "--list" ]; then
  work=/tmp/tcplb-fuzz/list; mkdir -p "$work"; publish "$(bin_of "$work")"
  exec dotnet "$(bin_of "$work")/TcpLb.Fuzz.dll" --list
fi

target=${1:?usage: run.sh TARGET SECONDS [WORK_DIR] | --list}
seconds=${2:?usage: run.sh TARGET SECONDS [WORK_DIR]}
work=${3:-/tmp/tcplb-fuzz/$target}
corpus="$here/corpus/$target"
[ -d "$corpus" ] || { echo "run.sh: no seed corpus at $corpus" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz is missing (apt-get install afl++)" >&2; exit 2; }

rm -rf "$work"; mkdir -p "$work"
bin=$(bin_of "$work")
echo "building the harness into $bin"
publish "$bin"
harness=(dotnet "$bin/TcpLb.Fuzz.dll")

# The seeds must pass before the fuzzer starts from them: a seed that breaks an invariant is a finding already.
"${harness[@]}" "$target" --replay "$corpus"

# Coverage comes from the assembly the target names, instrumented in a copy (only the types it names, if any).
mapfile -t instrument < <("${harness[@]}" --instrument "$target")
cp -r "$bin" "$work/afl"
(cd "$here" && dotnet tool restore > /dev/null && dotnet tool run sharpfuzz "$work/afl/${instrument[0]}" "${instrument[@]:1}")

# dotnet itself is not instrumented (SharpFuzz speaks AFL's fork-server protocol from managed code); no UI off a
# terminal; a machine whose core_pattern pipes cores elsewhere or whose CPU governor is not "performance" is fine here.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
echo "fuzzing $target for $seconds s (findings in $work/findings)"
# On a loaded machine afl-fuzz's dry run now and then sees no coverage from the first seed ("No instrumentation
# detected") and aborts before fuzzing; the same build then runs fine. Up to three tries, each from scratch.
for try in 1 2 3; do
  rm -rf "$work/findings"
  if afl-fuzz -i "$corpus" -o "$work/findings" -V "$seconds" -t 10000 -m none -- dotnet "$work/afl/TcpLb.Fuzz.dll" "$target" > "$work/afl.log" 2>&1; then
    break
  fi
  tail -n 5 "$work/afl.log"
  [ "$try" -lt 3 ] && grep -q "No instrumentation detected" "$work/afl.log" || { echo "run.sh: afl-fuzz failed to run" >&2; exit 2; }
  echo "run.sh: afl-fuzz aborted in its dry run; trying again ($try of 3)"
done

stats="$work/findings/default/fuzzer_stats"
stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
execs=$(stat execs_done); paths=$(stat corpus_count); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
elapsed=$(( $(stat last_update) - $(stat start_time) ))
echo "$target: $execs executions in $elapsed s ($(stat execs_per_sec) per s), $paths paths in the corpus, $crashes crashes, $hangs hangs"
for found in "$work"/findings/default/crashes/id:* "$work"/findings/default/hangs/id:*; do
  [ -e "$found" ] || continue
  echo "finding: $found"; od -A d -t x1 "$found" | head -n 8
  "${harness[@]}" "$target" --replay "$found" 2>&1 | tail -n 5 || true
done
[ "${crashes:-0}" -eq 0 ] && [ "${hangs:-0}" -eq 0 ]
