#!/usr/bin/env python3
"""Per-thread CPU of one process, to see where a JVM's CPU goes (protocol loop, JIT compiler, GC, ...).

    threadstat.py snap PID > FILE          one line per thread: tid user-ticks kernel-ticks name
    threadstat.py diff BEFORE AFTER SECONDS  CPU % of one core per thread name over the window, largest first

Ticks are utime+stime (fields 14, 15 of /proc/PID/task/TID/stat), CLK_TCK per second.
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
            print(tid, int(fields[11]), int(fields[12]), name)
        except (OSError, ValueError):
            continue


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            tid, user, system, name = line.split()
            out[tid] = (int(user), int(system), name)
    return out


def diff(before, after, seconds):
    hz = os.sysconf("SC_CLK_TCK")
    a, b = load(before), load(after)
    by_name = {}
    for tid, (user, system, name) in b.items():
        u0, s0, _ = a.get(tid, (0, 0, name))
        key = name.rstrip("0123456789")  # "GC Thread#0" and "C1 CompilerThre" group by kind
        u, s = by_name.get(key, (0, 0))
        by_name[key] = (u + user - u0, s + system - s0)
    pct = lambda t: 100.0 * t / hz / seconds
    tu = sum(u for u, _ in by_name.values())
    ts = sum(s for _, s in by_name.values())
    for name, (u, s) in sorted(by_name.items(), key=lambda kv: -sum(kv[1])):
        if u + s > 0:
            print("  %-24s %7.3f %% of one core (user %.3f, kernel %.3f)" % (name, pct(u + s), pct(u), pct(s)))
    print("  %-24s %7.3f %% of one core (user %.3f, kernel %.3f)" % ("(total)", pct(tu + ts), pct(tu), pct(ts)))


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]))
