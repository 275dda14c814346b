#!/usr/bin/env python3
"""CPU ticks and memory of a set of processes, summed.

    procstat.py PID...  ->  "alive=<n> ticks=<utime+stime, all threads> rss_kb=<sum VmRSS> pss_kb=<sum Pss>"

utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (getconf CLK_TCK, 100 here). VmRSS counts
shared pages (libc, libpcap) once per process, so a sum over many small processes overstates their real footprint;
Pss (/proc/PID/smaps_rollup) divides each shared page among its users and is printed alongside for that reason.
Processes that are gone are skipped and not counted as alive.
"""
import sys


def main() -> None:
    alive = ticks = rss = pss = 0
    for pid in sys.argv[1:]:
        try:
            with open("/proc/%s/stat" % pid) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            t = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 counting from 1)
            r = p = 0
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        r = int(line.split()[1])
            try:
                with open("/proc/%s/smaps_rollup" % pid) as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            p = int(line.split()[1])
            except OSError:
                pass
        except (OSError, ValueError):
            continue
        alive += 1
        ticks += t
        rss += r
        pss += p
    print("alive=%d ticks=%d rss_kb=%d pss_kb=%d" % (alive, ticks, rss, pss))


if __name__ == "__main__":
    main()
