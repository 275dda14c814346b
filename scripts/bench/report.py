#!/usr/bin/env python3
"""The final table of run-all.sh from the results file the scripts append to.

    report.py RESULTS.tsv [--markdown] [--all]

Without --all only the headline metrics are shown (see HEADLINE); --all shows every recorded metric (bounds,
takeover times, Pss, failed-trial counts...). Failed trials are always summarised under the table.

Input lines: impl <TAB> metric <TAB> unit <TAB> target <TAB> space-separated values (NA ignored).
For each metric: median, min, max and n per implementation; the target (checked on the library's median: "met"
or "MISSED"); and the ratio of the library's median to ucarp's median from the same run (lower is better for every
metric here except JMH throughput, which has no ucarp counterpart). Other implementations recorded in the same run
(scale.sh's kernel floor and idle JVM) are listed after the two, without target or ratio.
"""
import fnmatch
import statistics
import sys

HEADLINE = ["failover.outage", "failover.bound", "failover.overhead", "graceful.gap", "subsecond.outage",
            "subsecond.bound", "subsecond.flips", "scale.*.cpu", "scale.*.rss", "jmh.*", "claim.*.latency",
            "gc.*.longest-pause", "gc.*.longest-stop", "gc.*.max-gap", "gc.*.false-takeovers", "gc.*.smallest-safe-*"]


def fmt(v: float, unit: str = "") -> str:
    if v != v:
        return "NA"
    if unit == "count" and v == int(v):
        return "%d" % v
    if unit == "ops/s":
        return "{:,.0f}".format(v)
    a = abs(v)
    if a >= 1e6:
        return "%.3g" % v
    if a >= 100:
        return "%.0f" % v
    if a >= 1:
        return "%.3f" % v if a < 10 else "%.2f" % v
    return "%.3f" % v if a >= 0.001 or a == 0 else "%.2g" % v


def check(target: str, value: float) -> str:
    t = target.strip()
    if t in ("", "-") or value != value:
        return ""
    for op in ("<=", ">=", "<", ">", "="):
        if t.startswith(op):
            bound = float(t[len(op):])
            ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound, ">": value > bound,
                  "=": value == bound}[op]
            return "met" if ok else "MISSED"
    try:
        return "met" if value == float(t) else "MISSED"
    except ValueError:
        return ""


def main() -> None:
    markdown = "--markdown" in sys.argv
    show_all = "--all" in sys.argv
    rows = {}
    order = []
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            impl, metric, unit, target, values = parts[:5]
            vals = [float(v) for v in values.split() if v not in ("NA", "")]
            if metric not in rows:
                rows[metric] = {}
                order.append(metric)
            rows[metric][impl] = (unit, target, vals)
    header = ["implementation", "metric", "unit", "median", "min", "max", "n", "target", "", "ratio vs ucarp"]
    table = []
    failed = []
    for metric in order:
        if metric.endswith(".failed-trials"):
            for impl, (_, _, vals) in rows[metric].items():
                if vals and vals[0] > 0:
                    failed.append("%s %s: %d" % ("library" if impl == "carp" else impl, metric[:-14], vals[0]))
        if not show_all and not any(fnmatch.fnmatch(metric, pat) for pat in HEADLINE):
            continue
        per = rows[metric]
        u = per.get("ucarp")
        umed = statistics.median(u[2]) if u and u[2] else float("nan")
        # the library, the peer, then references measured in the same run (scale.sh's "floor*" and "jvm-idle")
        for impl in ["carp", "ucarp"] + sorted(i for i in per if i not in ("carp", "ucarp")):
            if impl not in per:
                continue
            unit, target, vals = per[impl]
            if vals:
                med, lo, hi = statistics.median(vals), min(vals), max(vals)
            else:
                med = lo = hi = float("nan")
            ratio = ""
            if impl == "carp" and u is not None:
                if umed == umed and med == med and umed != 0:
                    ratio = "%.3g" % (med / umed)
                elif umed == 0 and med == 0:
                    ratio = "equal (0)"
                else:
                    ratio = "n/a"
            impl_target = target if impl == "carp" else ""
            verdict = check(target, med) if impl == "carp" else ""
            name = "library" if impl == "carp" else impl
            table.append([name, metric, unit, fmt(med, unit), fmt(lo, unit), fmt(hi, unit), str(len(vals)), impl_target or "", verdict,
                          ratio])
    failed_line = "failed trials (excluded from the figures): " + (", ".join(failed) if failed else "none")
    if markdown:
        print("| " + " | ".join(h or "verdict" for h in header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for r in table:
            print("| " + " | ".join(c.replace("|", "\\|").replace("<", "&lt;") for c in r) + " |")
        print()
        print(failed_line)
        return
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(header))
    print(line)
    print("-" * len(line))
    for r in table:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    print(failed_line)


if __name__ == "__main__":
    main()
