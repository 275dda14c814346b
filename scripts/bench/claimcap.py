#!/usr/bin/env python3
"""Reads one pcap (nanosecond or microsecond timestamps, Ethernet) captured on the backup's link and prints the
claim latency of one takeover as key=value pairs:

    claimcap.py FILE --master-ip A --backup-ip B --backup-mac M --vips V1,V2,... --master-down SECONDS

last_advert   timestamp of the master's last CARP advert (IP protocol 112 from A) before the backup's first GARP
first_garp    timestamp of the backup's first gratuitous ARP (sender MAC M, sender IP one of the VIPs)
all_garp      timestamp of the gratuitous ARP that completed the set (every VIP announced once)
first_advert  timestamp of the backup's first advert as master (CARP from B after last_advert)
latency       first_garp - (last_advert + master_down), in seconds: the claim latency
latency_all   all_garp - (last_advert + master_down)
advert_delta  first_advert - (last_advert + master_down)

All timestamps come from the same capture (the kernel's receive/transmit timestamps of one packet socket), so no
clock of the processes under test is involved. Prints failed=<why> if a packet is missing.
"""
import argparse
import socket
import struct
import sys

from pcapio import frames


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--master-ip", required=True)
    p.add_argument("--backup-ip", required=True)
    p.add_argument("--backup-mac", required=True)
    p.add_argument("--vips", required=True)
    p.add_argument("--master-down", type=float, required=True)
    a = p.parse_args()
    master = socket.inet_aton(a.master_ip)
    backup = socket.inet_aton(a.backup_ip)
    mac = bytes.fromhex(a.backup_mac.replace(":", ""))
    vips = {socket.inet_aton(v) for v in a.vips.split(",") if v}

    adverts = []  # master's adverts
    backup_adverts = []
    garps = []  # (ts, vip)
    for ts, d in frames(a.file):
        if len(d) < 14:
            continue
        ethertype = struct.unpack("!H", d[12:14])[0]
        if ethertype == 0x0800 and len(d) >= 34 and d[23] == 112:
            src = d[26:30]
            if src == master:
                adverts.append(ts)
            elif src == backup:
                backup_adverts.append(ts)
        elif ethertype == 0x0806 and len(d) >= 42:
            sha, spa = d[22:28], d[28:32]
            if sha == mac and spa in vips:
                garps.append((ts, spa))
    if not garps:
        print("failed=no-garp adverts=%d" % len(adverts))
        return
    first_garp = garps[0][0]
    before = [t for t in adverts if t < first_garp]
    if not before:
        print("failed=no-master-advert-before-garp")
        return
    last = before[-1]
    seen = set()
    all_garp = None
    for ts, v in garps:
        seen.add(v)
        if len(seen) == len(vips):
            all_garp = ts
            break
    due = last + a.master_down
    first_adv = next((t for t in backup_adverts if t > last), None)
    out = {
        "last_advert": "%.9f" % last,
        "first_garp": "%.9f" % first_garp,
        "all_garp": "%.9f" % all_garp if all_garp is not None else "NA",
        "first_advert": "%.9f" % first_adv if first_adv is not None else "NA",
        "latency": "%.6f" % (first_garp - due),
        "latency_all": "%.6f" % (all_garp - due) if all_garp is not None else "NA",
        "advert_delta": "%.6f" % (first_adv - due) if first_adv is not None else "NA",
        "garps": str(len(garps)),
    }
    print(" ".join("%s=%s" % kv for kv in out.items()))


if __name__ == "__main__":
    sys.exit(main())
