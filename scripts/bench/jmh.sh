#!/usr/bin/env bash
# JMH micro-benchmarks (CodecBenchmark, StateMachineBenchmark) with the GC profiler, in a short configuration:
# throughput (ops/s) and allocation per operation (gc.alloc.rate.norm, B/op).
#
#   jmh.sh [--quick]
#
# Full: 3 warm-up + 5 measurement iterations of 1 s, 1 fork. Quick: 1 + 2. No ucarp counterpart.
# Then the codec operations again, timed by the thread's CPU time (CodecCpuTime: ops per CPU-second, median of 15
# rounds), which a busy shared machine distorts less than JMH's wall-clock throughput.
set -o errexit -o nounset -o pipefail
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$REPO_DIR/carp-benchmarks/target/benchmarks.jar}"
RESULTS="${BENCH_RESULTS:-/dev/null}"
WI=3 I=5
[[ "${1:-}" == --quick ]] && WI=1 I=2
[[ -f "$BENCH_JAR" ]] || { echo "jmh: $BENCH_JAR not built" >&2; exit 1; }
out="$(mktemp /tmp/carp-jmh.XXXXXX.json)"
trap 'rm -f "$out"' EXIT
java -jar "$BENCH_JAR" -prof gc -wi "$WI" -w 1s -i "$I" -r 1s -f 1 -rf json -rff "$out" \
    'CodecBenchmark|StateMachineBenchmark' >"$out.log" 2>&1 || { tail -30 "$out.log" >&2; rm -f "$out.log"; exit 1; }
rm -f "$out.log"
python3 - "$out" "$RESULTS" <<'PY'
import json
import sys

runs = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a") as res:
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)
        short = name[-2] + "." + name[-1]
        pm = r["primaryMetric"]
        raw = [v for fork in pm["rawData"] for v in fork]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm") or \
            r.get("secondaryMetrics", {}).get("\u00b7gc.alloc.rate.norm")
        b_op = alloc["score"] if alloc else float("nan")
        b_raw = [v for fork in alloc["rawData"] for v in fork] if alloc else []
        err = pm["scoreError"]
        err = "%.0f" % err if isinstance(err, float) and err == err else "n/a"
        print("jmh %-42s %14.0f ops/s (99.9%% error %s, min %.0f, max %.0f)  %10.4f B/op"
              % (short, pm["score"], err, min(raw), max(raw), b_op))
        res.write("carp\tjmh.%s.ops\tops/s\t-\t%s\n" % (short, " ".join("%.1f" % v for v in raw)))
        res.write("carp\tjmh.%s.alloc\tB/op\t-\t%s\n" % (short, " ".join("%.4f" % v for v in b_raw)))
PY
java -cp "$BENCH_JAR" io.carp.benchmarks.CodecCpuTime
