#!/usr/bin/env python3
"""Figures of one gc-jitter.sh run (one collector): advert interval jitter per group from a capture on the segment,
false takeovers by the backup, and the master JVM's pauses from its GC/safepoint log.

    gcjitter.py --pcap CAP --master-ip A --backup-ip B --groups SPEC[,SPEC...] --gc-log GC --master-out M
                --backup-out O --collector NAME [--results FILE]

SPEC: label:protocol:id:nominal-interval-s:master-down-s (master-down as computed by the script; replaced by the
backup's own figure when its output has a `masterdown_us` line, i.e. CarpStats.currentMasterDownNanos()).

Per group, over the capture (kernel timestamps of one packet socket on the bridge, so no clock of the processes under
test is involved):
  intervals    every interval between two consecutive adverts from the master's address
  jitter       interval - nominal, in ms: p50, p99, p99.9, max (nearest-rank percentiles)
  max gap      the longest interval, s
  margin       master-down(backup) - max gap, s: how much longer the master could have stopped without a takeover
  false takeovers  the backup's BACKUP -> MASTER transitions during the capture (its `event` lines), and the adverts
               from the backup's address in the capture (should be 0 and 0)
  stop at worst gap  the longest safepoint of the master JVM overlapping the group's longest gap, ms
Per collector, from the master's log (-Xlog:gc*,safepoint with utctime) restricted to the capture window: the longest
GC pause (the `Pause ...` lines), the longest safepoint (reaching + at safepoint: the time Java threads were
stopped), ZGC allocation and relocation stalls (one thread each; those of the library's carp-* threads apart), pause
counts; and the allocation rate the application reached (its status lines).
Then the smallest safe interval per protocol: the smallest nominal interval whose group had 0 false takeovers and
adverts in the capture, with its margin.
"""
import argparse
import datetime
import re
import socket
import struct
import sys

from pcapio import frames


def adverts(path):
    """(time, source address bytes, 'carp'|'vrrp3', id) of every CARP/VRRP advert (IPv4, protocol 112)."""
    for ts, d in frames(path):
        off = 14
        etype = struct.unpack("!H", d[12:14])[0]
        if etype == 0x8100:
            etype = struct.unpack("!H", d[16:18])[0]
            off = 18
        if etype != 0x0800 or len(d) < off + 20:
            continue
        ihl = (d[off] & 0x0F) * 4
        if d[off + 9] != 112 or len(d) < off + ihl + 2:
            continue
        src = d[off + 12:off + 16]
        first, ident = d[off + ihl], d[off + ihl + 1]
        kind = {0x21: "carp", 0x31: "vrrp3"}.get(first)
        if kind:
            yield ts, src, kind, ident


def pct(sorted_vals, p):
    """Nearest-rank percentile of a sorted list."""
    if not sorted_vals:
        return float("nan")
    k = max(1, -(-len(sorted_vals) * p // 100))
    return sorted_vals[int(min(k, len(sorted_vals))) - 1]


TS_RE = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)([+-]\d{4})\]")
PAUSE_RE = re.compile(r"\[gc(?:,phases)?\s*\].*GC\(\d+\) (Pause .*?)(?: \d+M->\d+M\(\d+M\))? ([0-9.]+)ms$")
STALL_RE = re.compile(r"(?:Allocation|Relocation) Stall \(([^)]*)\) ([0-9.]+)ms")
SAFEPOINT_RE = re.compile(r'Safepoint "([^"]+)".*Reaching safepoint: (\d+) ns,.* At safepoint: (\d+) ns, Total: (\d+) ns')


def log_time(line):
    m = TS_RE.match(line)
    if not m:
        return None
    t = datetime.datetime.strptime(m.group(1) + m.group(2), "%Y-%m-%dT%H:%M:%S.%f%z")
    return t.timestamp()


def parse_gc(path, t0, t1):
    pauses, stalls, safepoints = [], [], []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            t = log_time(line)
            if t is None or t < t0 or t > t1 + 1:
                continue
            m = SAFEPOINT_RE.search(line)
            if m:
                total = int(m.group(4)) / 1e6
                # The line is written when the safepoint ends: it covered [t - total, t].
                safepoints.append((t - total / 1e3, t, total, m.group(1)))
                continue
            m = STALL_RE.search(line)
            if m:
                stalls.append((float(m.group(2)), m.group(1)))
                continue
            m = PAUSE_RE.search(line)
            if m:
                pauses.append((float(m.group(2)), m.group(1).strip(), t))
    return pauses, stalls, safepoints


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pcap", required=True)
    p.add_argument("--master-ip", required=True)
    p.add_argument("--backup-ip", required=True)
    p.add_argument("--groups", required=True)
    p.add_argument("--gc-log", required=True)
    p.add_argument("--master-out", required=True)
    p.add_argument("--backup-out", required=True)
    p.add_argument("--collector", required=True)
    p.add_argument("--results")
    a = p.parse_args()
    master, backup = socket.inet_aton(a.master_ip), socket.inet_aton(a.backup_ip)

    groups = []
    for spec in a.groups.split(","):
        label, proto, ident, nominal, down = spec.split(":")
        groups.append({"label": label, "proto": proto, "id": int(ident), "nominal": float(nominal),
                       "down": float(down), "t": [], "backup_adverts": 0})
    by_key = {(g["proto"], g["id"]): g for g in groups}

    t_first = t_last = None
    for ts, src, kind, ident in adverts(a.pcap):
        t_first = ts if t_first is None else t_first
        t_last = ts
        g = by_key.get((kind, ident))
        if g is None:
            continue
        if src == master:
            g["t"].append(ts)
        elif src == backup:
            g["backup_adverts"] += 1
    if t_first is None:
        print("gcjitter %s: the capture holds no advert" % a.collector)
        sys.exit(1)

    # The backup's own master-down in force (the last masterdown_us line), and its transitions in the window.
    backup_down = {}
    takeovers = {}
    with open(a.backup_out, errors="replace") as f:
        for line in f:
            if line.startswith("masterdown_us "):
                for kv in line.split()[1:]:
                    k, v = kv.split("=")
                    backup_down[int(k)] = int(v) / 1e6
            elif line.startswith("event "):
                parts = line.split()
                if len(parts) >= 5 and parts[4] == "MASTER":
                    t = int(parts[1]) / 1e3
                    if t_first - 0.5 <= t <= t_last + 0.5:
                        takeovers[int(parts[2])] = takeovers.get(int(parts[2]), 0) + 1
    master_drops = {}
    rates = []
    with open(a.master_out, errors="replace") as f:
        for line in f:
            if line.startswith("event "):
                parts = line.split()
                if len(parts) >= 5 and parts[3] == "MASTER":
                    t = int(parts[1]) / 1e3
                    if t_first - 0.5 <= t <= t_last + 0.5:
                        master_drops[int(parts[2])] = master_drops.get(int(parts[2]), 0) + 1
            elif line.startswith("status ") and "alloc_mb_s=" in line:
                m = re.search(r"alloc_mb_s=([0-9.]+)", line)
                at = re.search(r" at (\S+)$", line)
                if m and at:
                    t = datetime.datetime.fromisoformat(at.group(1).replace("Z", "+00:00")).timestamp()
                    if t_first <= t <= t_last + 1:
                        rates.append(float(m.group(1)))

    pauses, stalls, safepoints = parse_gc(a.gc_log, t_first, t_last)
    out = open(a.results, "a") if a.results else None

    def record(metric, unit, target, value):
        if out:
            out.write("carp\tgc.%s.%s\t%s\t%s\t%s\n" % (a.collector, metric, unit, target,
                                                      "NA" if value != value else "%.6g" % value))

    c = a.collector
    print("gc-jitter %s: capture %.1f s (%s - %s UTC)" % (
        c, t_last - t_first, datetime.datetime.utcfromtimestamp(t_first).strftime("%H:%M:%S"),
        datetime.datetime.utcfromtimestamp(t_last).strftime("%H:%M:%S")))
    if rates:
        rs = sorted(rates)
        print("gc-jitter %s: application allocation rate, MB/s per 5 s status: median %.0f, min %.0f, max %.0f (n %d)"
              % (c, pct(rs, 50), rs[0], rs[-1], len(rs)))
        record("alloc-rate", "MB/s", "-", pct(rs, 50))
    pv = sorted(x[0] for x in pauses)
    sv = sorted(x[2] for x in safepoints)
    longest = max(pauses) if pauses else (float("nan"), "-", 0)
    longest_sp = max(safepoints, key=lambda x: x[2]) if safepoints else (0, 0, float("nan"), "-")
    print("gc-jitter %s: GC pauses in the window: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms (%s); >= 10 ms: %d, "
          ">= 50 ms: %d, >= 100 ms: %d" % (c, len(pv), pct(pv, 50), pct(pv, 99), longest[0], longest[1],
                                         sum(1 for x in pv if x >= 10), sum(1 for x in pv if x >= 50),
                                         sum(1 for x in pv if x >= 100)))
    # ZGC stalls stop one thread (the one that allocates or touches an object being relocated), not the JVM: those
    # of the library's threads (named carp-*) are the ones that can delay adverts.
    carp_stalls = [d for d, t in stalls if t.startswith("carp-")]
    print("gc-jitter %s: safepoints in the window: %d, longest stop %.2f ms (%s); ZGC allocation/relocation stalls: "
          "%d, longest %.2f ms; of the library's threads (carp-*): %d, longest %.2f ms" % (
              c, len(sv), longest_sp[2], longest_sp[3], len(stalls), max((d for d, _ in stalls), default=0.0),
              len(carp_stalls), max(carp_stalls, default=0.0)))
    record("longest-pause", "ms", "-", longest[0])
    record("longest-stop", "ms", "-", longest_sp[2])
    record("stalls", "count", "-", len(stalls))
    record("library-thread-stalls", "count", "-", len(carp_stalls))
    record("library-thread-stall-max", "ms", "-", max(carp_stalls, default=0.0))

    hdr = ("group", "nominal s", "adverts", "jitter p50 ms", "p99", "p99.9", "max", "max gap s", "master-down s",
           "margin s", "stop at worst gap ms", "false takeovers", "backup adverts")
    rows = []
    safe = {}
    for g in groups:
        ts = g["t"]
        iv = sorted(ts[i + 1] - ts[i] for i in range(len(ts) - 1))
        down = backup_down.get(g["id"], g["down"])
        jit = [(x - g["nominal"]) * 1e3 for x in iv]
        worst = max(range(len(ts) - 1), key=lambda i: ts[i + 1] - ts[i]) if len(ts) > 1 else None
        stop = 0.0
        if worst is not None:
            lo, hi = ts[worst], ts[worst + 1]
            stop = max((s[2] for s in safepoints if s[1] >= lo and s[0] <= hi), default=0.0)
        gap = iv[-1] if iv else float("nan")
        ft = takeovers.get(g["id"], 0)
        ba = g["backup_adverts"]
        rows.append((g["label"], "%.4f" % g["nominal"], str(len(ts)),
                     *("%.2f" % pct(jit, q) for q in (50, 99, 99.9)), "%.2f" % (jit[-1] if jit else float("nan")),
                     "%.4f" % gap, "%.3f" % down, "%.3f" % (down - gap), "%.2f" % stop, str(ft), str(ba)))
        one_second = g["nominal"] >= 1
        record(g["label"] + ".jitter-p50", "ms", "-", pct(jit, 50))
        record(g["label"] + ".jitter-p99", "ms", "-", pct(jit, 99))
        record(g["label"] + ".jitter-p999", "ms", "-", pct(jit, 99.9))
        record(g["label"] + ".jitter-max", "ms", "-", jit[-1] if jit else float("nan"))
        record(g["label"] + ".max-gap", "s", "-", gap)
        record(g["label"] + ".margin", "s", "> 0", down - gap)
        record(g["label"] + ".false-takeovers", "count", "= 0" if one_second else "-", ft)
        record(g["label"] + ".backup-adverts", "count", "= 0" if one_second else "-", ba)
        if ft == 0 and ba == 0 and len(ts) > 1:
            best = safe.get(g["proto"])
            if best is None or g["nominal"] < best[0]:
                safe[g["proto"]] = (g["nominal"], down - gap, g["label"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
    print("  ".join(h.rjust(widths[i]) if i else h.ljust(widths[i]) for i, h in enumerate(hdr)))
    for r in rows:
        print("  ".join(x.rjust(widths[i]) if i else x.ljust(widths[i]) for i, x in enumerate(r)))
    if master_drops:
        print("gc-jitter %s: the master left MASTER during the capture: %s" % (
            c, ", ".join("id %d x%d" % kv for kv in sorted(master_drops.items()))))
    for proto in ("carp", "vrrp3"):
        if proto in safe:
            n, margin, label = safe[proto]
            print("gc-jitter %s: smallest safe %s interval: %.4f s (%s), margin %.3f s; it survived the longest stop "
                  "of the window, %.2f ms" % (c, proto, n, label, margin, longest_sp[2]))
            record("smallest-safe-%s" % proto, "s", "-", n)
            record("smallest-safe-%s.margin" % proto, "s", "-", margin)
        elif any(g["proto"] == proto for g in groups):
            print("gc-jitter %s: smallest safe %s interval: none of the measured ones" % (c, proto))
    if out:
        out.close()


if __name__ == "__main__":
    main()
