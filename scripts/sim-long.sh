#!/usr/bin/env bash
# Long run of the carp-testkit random-schedule test (GroupInvariantsTest): whole groups of carp4j nodes, mixed with
# ucarp, FreeBSD and OpenBSD peer models, under random starts, kills, restarts, freezes, link changes, partitions,
# loss bursts, bad packets and demotions, checked against the invariants after every 100 ms of virtual time.
# Prints, per test: schedules, steps, checks, violations by kind, elapsed time; then the seed, minimal steps and
# timeline of the first failing schedule of each kind, if any. No root, no network.
#
#   scripts/sim-long.sh [schedules-per-test] [base-seed] [max-steps]
#
# Reproduce one schedule: scripts/sim-long.sh 1 <seed> [max-steps] (the same max-steps as the run that found it).
# Uses the local Maven repository only (-o); run from anywhere inside the repository.
set -euo pipefail

schedules="${1:-20000}"
seed="${2:-1}"
steps="${3:-40}"
root="$(cd "$(dirname "$0")/.." && pwd)"
report="$root/carp-testkit/target/surefire-reports/io.carp.testkit.sim.GroupInvariantsTest-output.txt"
mkdir -p "$root/carp-testkit/target"

cd "$root"
rm -f "$report"
echo "carp-testkit random schedules: $schedules per test, seeds $seed.., at most $steps steps each"
echo "command: scripts/sim-long.sh $schedules $seed $steps"
date -u '+date: %Y-%m-%d %H:%M UTC'
start=$(date +%s)
status=0
mvn -B -o -q -Dstyle.color=never -pl carp-testkit -am test -Dtest='GroupInvariantsTest' \
    -Dsurefire.failIfNoSpecifiedTests=false \
    -Dcarp.sim.schedules="$schedules" -Dcarp.sim.seed="$seed" -Dcarp.sim.steps="$steps" \
    >"$root/carp-testkit/target/sim-long-maven.log" 2>&1 || status=$?
end=$(date +%s)

if [[ -f "$report" ]]; then
    grep -v '^[A-Z][a-z][a-z] [0-9]' "$report" | grep -v '^\(INFO\|WARNING\|SEVERE\):' || true
else
    echo "no test output found at $report" >&2
fi
echo "wall time including the Maven build: $((end - start)) s"
if [[ $status -ne 0 ]]; then
    tail -n 40 "$root/carp-testkit/target/sim-long-maven.log" >&2
    echo "SIMULATION FOUND VIOLATIONS (exit $status): see carp-testkit/target/surefire-reports/" >&2
fi
exit $status
