#!/usr/bin/env python3
"""Per-thread CPU of one process, to see where a JVM's CPU goes (protocol loop, JIT compiler, GC, ...).

    threadstat.py snap PID > FILE          one line per thread: tid ticks name
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
            print(tid, int(fields[11]) + int(fields[12]), name)
        except (OSError, ValueError):
            continue


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            tid, ticks, name = line.split()
            out[tid] = (int(ticks), name)
    return out


def diff(before, after, seconds):
    hz = os.sysconf("SC_CLK_TCK")
    a, b = load(before), load(after)
    by_name = {}
    for tid, (ticks, name) in b.items():
        d = ticks - a.get(tid, (0, name))[0]
        key = name.rstrip("0123456789")  # "GC Thread#0" and "C1 CompilerThre" group by kind
        by_name[key] = by_name.get(key, 0) + d
    total = sum(by_name.values())
    for name, d in sorted(by_name.items(), key=lambda kv: -kv[1]):
        if d > 0:
            print("  %-24s %7.3f %% of one core" % (name, 100.0 * d / hz / seconds))
    print("  %-24s %7.3f %% of one core" % ("(total)", 100.0 * total / hz / seconds))


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]))
