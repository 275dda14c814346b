#!/usr/bin/env python3
"""Per-thread CPU of one process, to see where a JVM's CPU goes (protocol loop, JIT compiler, GC, ...).

    threadstat.py snap PID > FILE          one line per thread: tid user-ticks kernel-ticks run-ns name
    threadstat.py diff BEFORE AFTER SECONDS  CPU % of one core per thread name over the window, largest first

Ticks are utime+stime (fields 14, 15 of /proc/PID/task/TID/stat), CLK_TCK per second: at 100 per second a 30 s
window resolves 0.033 % of a core, and the user/kernel split is sampled at the tick. "on CPU" is the thread's run time
in nanoseconds from /proc/PID/task/TID/schedstat (first field, user + kernel, exact; "-" if the kernel has no
schedstats).
"""
import os
import sys


def snap(pid):
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
            name = s[s.index("(") + 1:s.rindex(")")].replace(" ", "_")
            fields = s[s.rindex(")") + 2:].split()
            try:
                with open("/proc/%s/task/%s/schedstat" % (pid, tid)) as f:
                    run_ns = int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                run_ns = -1
            print(tid, int(fields[11]), int(fields[12]), run_ns, name)
        except (OSError, ValueError):
            continue


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            tid, user, system, run_ns, name = line.split()
            out[tid] = (int(user), int(system), int(run_ns), name)
    return out


def diff(before, after, seconds):
    hz = os.sysconf("SC_CLK_TCK")
    a, b = load(before), load(after)
    by_name = {}
    exact = True
    for tid, (user, system, run_ns, name) in b.items():
        u0, s0, r0, _ = a.get(tid, (0, 0, 0, name))
        exact = exact and run_ns >= 0 and r0 >= 0
        key = name.rstrip("0123456789")  # "GC Thread#0" and "C1 CompilerThre" group by kind
        u, s, r = by_name.get(key, (0, 0, 0))
        by_name[key] = (u + user - u0, s + system - s0, r + run_ns - r0)
    pct = lambda t: 100.0 * t / hz / seconds
    on_cpu = lambda r: ("; on CPU %.3f %%" % (100.0 * r / 1e9 / seconds)) if exact else ""
    tu = sum(u for u, _, _ in by_name.values())
    ts = sum(s for _, s, _ in by_name.values())
    tr = sum(r for _, _, r in by_name.values())
    for name, (u, s, r) in sorted(by_name.items(), key=lambda kv: -(kv[1][0] + kv[1][1]) * 1e9 - kv[1][2]):
        if u + s > 0 or r > 0:
            print("  %-24s %7.3f %% of one core (user %.3f, kernel %.3f%s)"
                  % (name, pct(u + s), pct(u), pct(s), on_cpu(r)))
    print("  %-24s %7.3f %% of one core (user %.3f, kernel %.3f%s)"
          % ("(total)", pct(tu + ts), pct(tu), pct(ts), on_cpu(tr)))


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]))
