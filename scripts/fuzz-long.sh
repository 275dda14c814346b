#!/usr/bin/env bash
# Long run of the carp-api receive-path fuzz tests, CarpFuzzTest (CARP), VrrpFuzzTest (VRRPv2/v3 codec and election)
# and VrrpGroupFuzzTest (VRRP through the dispatcher into groups):
# 10 million mutated packets each by default. Prints packets fed, accepted, drops by reason and the elapsed time.
# No root, no network.
#
#   scripts/fuzz-long.sh [packets] [seed] [carp|vrrp|both]
#
# Uses the local Maven repository only (-o); run from anywhere inside the repository.
set -euo pipefail

packets="${1:-10000000}"
seed="${2:-51787}"
which="${3:-both}"
root="$(cd "$(dirname "$0")/.." && pwd)"
reports="$root/carp-api/target/surefire-reports"
carp_test='CarpFuzzTest#shouldAcceptOrCountEveryMutatedPacketExactlyOnceWithoutDroppedPacketsChangingState'
vrrp_test='VrrpFuzzTest#shouldAcceptOrDropEveryMutatedPacketExactlyOnce,VrrpGroupFuzzTest#shouldCountEveryPacketOnceWithoutDroppedPacketsChangingState'
case "$which" in
    carp) tests="$carp_test" ;;
    vrrp) tests="$vrrp_test" ;;
    both) tests="$carp_test,$vrrp_test" ;;
    *) echo "third argument: carp, vrrp or both (got: $which)" >&2; exit 2 ;;
esac
mkdir -p "$root/carp-api/target"

cd "$root"
carp_report="$reports/io.carp.internal.group.CarpFuzzTest-output.txt"
vrrp_reports=("$reports/io.carp.internal.vrrp.VrrpFuzzTest-output.txt"
    "$reports/io.carp.internal.group.VrrpGroupFuzzTest-output.txt")
rm -f "$carp_report" "${vrrp_reports[@]}"
echo "carp-api fuzz ($which): $packets packets per protocol, seed $seed"
start=$(date +%s)
status=0
mvn -B -o -q -Dstyle.color=never -pl carp-api test \
    -Dtest="$tests" \
    -Dcarp.fuzz.packets="$packets" -Dcarp.fuzz.seed="$seed" >"$root/carp-api/target/fuzz-long-maven.log" 2>&1 \
    || status=$?
end=$(date +%s)

case "$which" in
    carp) expected=("$carp_report") ;;
    vrrp) expected=("${vrrp_reports[@]}") ;;
    both) expected=("$carp_report" "${vrrp_reports[@]}") ;;
esac
for report in "${expected[@]}"; do
    if [[ -f "$report" ]]; then
        grep -A 10 -E '^(CARP|VRRP|VRRP group) fuzz:' "$report" || cat "$report"
    else
        echo "no test output found at $report" >&2
    fi
done
echo "wall time including the Maven build: $((end - start)) s"
if [[ $status -ne 0 ]]; then
    tail -n 40 "$root/carp-api/target/fuzz-long-maven.log" >&2
    echo "FUZZ FAILED (exit $status): see carp-api/target/surefire-reports/*FuzzTest.txt" >&2
fi
exit $status
