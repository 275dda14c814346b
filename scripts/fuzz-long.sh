#!/usr/bin/env bash
# Long run of the carp-api receive-path fuzz test (CarpFuzzTest): 10 million mutated packets by default.
# Prints packets fed, accepted, drops by reason and the elapsed time. No root, no network.
#
#   scripts/fuzz-long.sh [packets] [seed]
#
# Uses the local Maven repository only (-o); run from anywhere inside the repository.
set -euo pipefail

packets="${1:-10000000}"
seed="${2:-51787}"
root="$(cd "$(dirname "$0")/.." && pwd)"
report="$root/carp-api/target/surefire-reports/io.carp.CarpFuzzTest-output.txt"
mkdir -p "$root/carp-api/target"

cd "$root"
rm -f "$report"
echo "carp-api fuzz: $packets packets, seed $seed"
start=$(date +%s)
status=0
mvn -B -o -q -Dstyle.color=never -pl carp-api test \
    -Dtest='CarpFuzzTest#shouldAcceptOrCountEveryMutatedPacketExactlyOnceWithoutDroppedPacketsChangingState' \
    -Dcarp.fuzz.packets="$packets" -Dcarp.fuzz.seed="$seed" >"$root/carp-api/target/fuzz-long-maven.log" 2>&1 \
    || status=$?
end=$(date +%s)

if [[ -f "$report" ]]; then
    grep -A 8 '^CARP fuzz:' "$report" || cat "$report"
else
    echo "no test output found at $report" >&2
fi
echo "wall time including the Maven build: $((end - start)) s"
if [[ $status -ne 0 ]]; then
    tail -n 40 "$root/carp-api/target/fuzz-long-maven.log" >&2
    echo "FUZZ FAILED (exit $status): see carp-api/target/surefire-reports/io.carp.CarpFuzzTest.txt" >&2
fi
exit $status
