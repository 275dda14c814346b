#!/usr/bin/env bash
# Every benchmark, the library and ucarp side by side in one run, then one table.
#
#   sudo scripts/bench/run-all.sh [--quick] [--impls "ucarp carp"] [--trials N] [--build] [--gc] [--out DIR]
#
# Full (~15 min, plus ~12 min of VRRP): 10 trials each of failover (advbase 1, host dies), graceful handover
# (SIGTERM), sub-second failover (advbase 0, skews 26/52); 60 s flip count in sub-second mode; 255 vhids for 60 s;
# (with the kernel's floor -- scripts/bench/floor.c, built with gcc -- and an idle JVM as references, and again with
# alignAdverts); claim latency (the backup's first gratuitous ARP after the takeover is due, 1 and 32 addresses); JMH with -prof gc;
# then VRRP next to keepalived (vrrp-failover.sh): SIGKILL failover at 1 s and 0.05 s and clean stop, 10 trials each
# (keepalived runs whenever it is installed; the library's side when "carp" is among --impls).
# --quick (~3.5 min): 2 trials, 10 s flip window, 20 vhids for 10 s, shorter JMH. For checking the harness, not for
# figures.
# --gc (opt-in, ~21 min; ~3 min with --quick) adds gc-jitter.sh at the end: the library's CARP and VRRP groups in an
# allocating 4 GB JVM under G1 and then ZGC, 600 s each (60 s with --quick): advert jitter, false takeovers, longest
# pause (library only; ucarp and keepalived are not JVM programs).
# --build runs `mvn -o -q -pl carp-cli,carp-benchmarks -am package -DskipTests` first (never install); without it
# the jars are built only if missing. The library side is skipped, loudly, when its jars are not there.
# Output: the per-script figures, then the table; everything is also written to DIR (default /tmp/carp-bench-<date>):
# run.log, results.tsv, table.txt/.md (headline metrics), table-all.txt/.md (every metric).
set -o errexit -o nounset -o pipefail
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"

QUICK=0 IMPLS="ucarp carp" TRIALS="" BUILD=0 OUT="" GC=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --impls) IMPLS=$2; shift 2 ;;
        --trials) TRIALS=$2; shift 2 ;;
        --build) BUILD=1; shift ;;
        --gc) GC=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "run-all.sh: must run as root (network namespaces, raw sockets)" >&2; exit 1; }

if [[ $QUICK == 1 ]]; then
    TRIALS=${TRIALS:-2} FLIP_S=10 SCALE_N=20 SCALE_S=10 JMH=--quick GC_S=60
else
    TRIALS=${TRIALS:-10} FLIP_S=60 SCALE_N=255 SCALE_S=60 JMH="" GC_S=600
fi
OUT=${OUT:-/tmp/carp-bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
export BENCH_RESULTS="$OUT/results.tsv"
: >"$BENCH_RESULTS"
exec > >(tee "$OUT/run.log") 2>&1

child=""
on_signal() {
    [[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
    exit 130
}
trap on_signal INT TERM

run() { # a script in the background, so a signal reaches its own cleanup trap
    local t0=$SECONDS
    "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    [[ $rc -eq 0 ]] || echo "!!! $(basename "$1") exited with status $rc (its figures may be partial)"
    child=""
    echo "-- $((SECONDS - t0)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

cli_jar="$REPO_DIR/carp-cli/target/carp-cli.jar"
bench_jar="$REPO_DIR/carp-benchmarks/target/benchmarks.jar"
if [[ $BUILD == 1 || ! -f "$bench_jar" || ! -f "$cli_jar" ]]; then
    echo "== building (mvn -o package, no install)"
    (cd "$REPO_DIR" && mvn -B -o -q -pl carp-cli,carp-benchmarks -am package -DskipTests) \
        || echo "!!! build failed: the library side will be skipped where its jar is missing"
fi

start=$SECONDS
echo "== carp side-by-side benchmarks, $(date -Is), $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== git $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), mode $([[ $QUICK == 1 ]] && echo quick || echo full), implementations: $IMPLS"
if ! [[ -f "$cli_jar" ]] || ! timeout 30 java -jar "$cli_jar" --help 2>&1 | grep -q -- '--manage-address'; then
    echo "!!! library CLI not usable ($cli_jar): failover/graceful/sub-second run for ucarp only"
fi

echo; echo "== 1. failover: master host dies (SIGKILL + link down), advbase 1, skews 0/100, $TRIALS trials"
run "$BENCH_DIR/failover.sh" --mode kill --trials "$TRIALS" --impls "$IMPLS"
echo; echo "== 2. graceful handover: SIGTERM of the master, $TRIALS trials"
run "$BENCH_DIR/failover.sh" --mode term --trials "$TRIALS" --impls "$IMPLS"
echo; echo "== 3a. sub-second failover: advbase 0, skews 26/52, $TRIALS trials"
run "$BENCH_DIR/failover.sh" --mode kill --name subsecond --advbase 0 --master-skew 26 --backup-skew 52 \
    --trials "$TRIALS" --impls "$IMPLS"
echo; echo "== 3b. sub-second stability: transitions in $FLIP_S s without a fault"
run "$BENCH_DIR/flips.sh" --duration "$FLIP_S" --impls "$IMPLS"
echo; echo "== 4. scale: $SCALE_N vhids for $SCALE_S s"
run "$BENCH_DIR/scale.sh" --count "$SCALE_N" --duration "$SCALE_S" --impls "$IMPLS floor-spread jvm-idle"
echo; echo "== 4b. scale, the library's masters with alignAdverts, next to the kernel's floor for one burst a second"
run "$BENCH_DIR/scale.sh" --count "$SCALE_N" --duration "$SCALE_S" --align-adverts true \
    --impls "floor$([[ " $IMPLS " == *" carp "* ]] && echo " carp")"
echo; echo "== 5. claim latency: first gratuitous ARP after the takeover is due, 1 and 32 addresses, $TRIALS trials"
run "$BENCH_DIR/claim-latency.sh" --trials "$TRIALS" --addresses "1 32" --impls "$IMPLS"
if [[ " $IMPLS " == *" carp "* ]]; then
    echo; echo "== 6. JMH (-prof gc)"
    run "$BENCH_DIR/jmh.sh" $JMH
fi
VRRP_IMPLS="keepalived"
[[ " $IMPLS " == *" carp "* ]] && VRRP_IMPLS+=" carp"
echo; echo "== 6a. VRRPv3 failover: master host dies, advert-int 1 s, priorities 200/100, $TRIALS trials"
run "$BENCH_DIR/vrrp-failover.sh" --mode kill --advert-int 100 --trials "$TRIALS" --impls "$VRRP_IMPLS"
echo; echo "== 6b. VRRPv3 failover: master host dies, advert-int 0.05 s, $TRIALS trials"
run "$BENCH_DIR/vrrp-failover.sh" --mode kill --advert-int 5 --trials "$TRIALS" --impls "$VRRP_IMPLS"
echo; echo "== 6c. VRRPv3 clean stop (priority 0), advert-int 1 s, $TRIALS trials"
run "$BENCH_DIR/vrrp-failover.sh" --mode term --advert-int 100 --trials "$TRIALS" --impls "$VRRP_IMPLS"
if [[ $GC == 1 && " $IMPLS " == *" carp "* ]]; then
    echo; echo "== 7. GC: CARP and VRRP groups in an allocating 4 GB JVM, G1 then ZGC, $GC_S s each"
    run "$BENCH_DIR/gc-jitter.sh" --duration "$GC_S"
fi

echo
echo "== results ($(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s; load now $(cut -d' ' -f1-3 /proc/loadavg)); seconds unless stated"
python3 "$BENCH_DIR/report.py" "$BENCH_RESULTS" | tee "$OUT/table.txt"
python3 "$BENCH_DIR/report.py" "$BENCH_RESULTS" --markdown >"$OUT/table.md"
python3 "$BENCH_DIR/report.py" "$BENCH_RESULTS" --all >"$OUT/table-all.txt"
python3 "$BENCH_DIR/report.py" "$BENCH_RESULTS" --all --markdown >"$OUT/table-all.md"
echo "== written to $OUT"
