#!/usr/bin/env python3
"""Figures of one failover trial from its capture and probe files.

    trial.py IMPL FAULT_EPOCH CAPTURE PROBE MASTER_IP BACKUP_IP VHID ADVBASE BACKUP_ADVSKEW [DEADRATIO]

CAPTURE is `tcpdump -tt -n -T carp` text taken on the bridge; PROBE is probe.py output. Prints one line of
key=value pairs (seconds, relative to the fault unless said otherwise):

  outage     the first reply from the VIP after the first lost probe sent after the fault, minus the fault (0 if
             none was lost while the probe ran past fault + master-down + 0.5 s). When the host dies (link down)
             the first probe after the fault is lost, so this is the first reply to a probe sent after the fault;
             with SIGTERM the old master may answer a few ms longer, and that is not outage.
  gap        how long the VIP did not answer: outage minus the last reply before that lost probe (what a client
             sees; the headline of the graceful test)
  last_adv   the master's last regular advert (not a bow-out), minus the fault (negative)
  bound      last_adv + master-down: when the protocol lets the backup take over without a bow-out
  overhead   outage - bound
  takeover   the backup's first advert after the fault (it advertises as soon as it is MASTER)
  bowout     1 if the master sent a bow-out advert (advbase 255, advskew 255) after its last regular one
  pre_ok     1 if the VIP answered in the second before the fault (the trial started from a working master)

Master-down (the backup's): deadratio*advbase + advskew/256 s for both implementations when advbase >= 1.
With advbase 0, ucarp keeps the same formula (advskew/256), the library follows OpenBSD (deadratio*advskew/256).
"""
import re
import sys

from trialio import outage, print_line, read_replies

ADV = re.compile(r"^(\d+\.\d+) IP (\S+) > \S+: CARPv2-advertise \d+: vhid=(\d+) advbase=(\d+) advskew=(\d+)")


def master_down(impl: str, advbase: int, advskew: int, deadratio: int) -> float:
    if advbase == 0:
        if impl == "carp":
            return deadratio * max(advskew, 1) / 256.0
        return advskew / 256.0
    return deadratio * advbase + advskew / 256.0


def main() -> None:
    impl, fault, cap, probe, master, backup, vhid, advbase, skew = sys.argv[1:10]
    deadratio = int(sys.argv[10]) if len(sys.argv) > 10 else 3
    fault = float(fault)
    vhid = int(vhid)
    md = master_down(impl, int(advbase), int(skew), deadratio)
    last_regular = None
    bowout = 0
    takeover = None
    with open(cap) as f:
        for line in f:
            m = ADV.match(line)
            if not m or int(m.group(3)) != vhid:
                continue
            t, src, ab, sk = float(m.group(1)), m.group(2), int(m.group(4)), int(m.group(5))
            if src == master:
                if ab == 255 and sk == 255:
                    bowout = 1
                else:
                    last_regular = t
                    bowout = 0
            elif src == backup and t > fault and takeover is None:
                takeover = t
    restored, gap, pre_ok = outage(read_replies(probe), fault, md)
    fields = {
        "outage": restored,
        "gap": gap,
        "last_adv": None if last_regular is None else last_regular - fault,
        "bound": None if last_regular is None else last_regular + md - fault,
        "takeover": None if takeover is None else takeover - fault,
        "master_down": md,
    }
    fields["overhead"] = (None if restored is None or fields["bound"] is None
                          else restored - fields["bound"])
    print_line(fields, bowout, pre_ok)


if __name__ == "__main__":
    main()
