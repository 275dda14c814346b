#!/usr/bin/env python3
"""Figures of one VRRP failover trial from its capture and probe files.

    vrrp_trial.py FAULT_EPOCH CAPTURE PROBE MASTER_IP BACKUP_IP VRID VERSION ADVERT_INT_CS BACKUP_PRIORITY MODE

CAPTURE is `tcpdump -tt -n` text taken on the bridge (tcpdump decodes VRRP: "VRRPv3, Advertisement, vrid 1,
prio 200, intvl 100cs"); PROBE is probe.py output; MODE is kill or term. Prints one line of key=value pairs (seconds,
relative to the fault):

  outage     the first reply from the VIP after the first lost probe sent after the fault, minus the fault (0 if none
             was lost while the probe ran past the bound + 0.5 s)
  gap        how long the VIP did not answer (outage minus the last reply before the lost probe)
  last_adv   the master's last regular advert (priority > 0), minus the fault (negative)
  bound      kill: last_adv + Master_Down_Interval = 3 * interval + skew; term: the master's priority-0 advert + the
             backup's Skew_Time = (256 - priority) * interval / 256 (RFC 9568 section 6.1; RFC 3768 section 6.1 for
             VRRPv2, skew in seconds: (256 - priority) / 256)
  overhead   takeover - bound: how late the backup's first advert came beyond what the protocol allows
  takeover   the backup's first advert after the fault (it advertises as soon as it is master)
  bowout     1 if the master sent a priority-0 advert after the fault
  pre_ok     1 if the VIP answered in the second before the fault
"""
import re
import sys

from trialio import outage, print_line, read_replies

ADV = re.compile(r"^(\d+\.\d+) IP (\S+) > \S+: VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)")


def main() -> None:
    fault, cap, probe, master, backup, vrid, version, advert_cs, prio, mode = sys.argv[1:11]
    fault, vrid, version, prio = float(fault), int(vrid), int(version), int(prio)
    interval = int(advert_cs) / 100.0
    skew = (256 - prio) * interval / 256.0 if version == 3 else (256 - prio) / 256.0
    master_down = 3 * interval + skew
    last_regular = bowout_at = takeover = None
    with open(cap) as f:
        for line in f:
            m = ADV.match(line)
            if not m or int(m.group(4)) != vrid:
                continue
            t, src, p = float(m.group(1)), m.group(2), int(m.group(5))
            if src == master:
                if p == 0:
                    if t >= fault and bowout_at is None:
                        bowout_at = t
                elif t <= fault:
                    last_regular = t
            elif src == backup and t > fault and takeover is None:
                takeover = t
    if mode == "term":
        bound = None if bowout_at is None else bowout_at + skew - fault
    else:
        bound = None if last_regular is None else last_regular + master_down - fault
    restored, gap, pre_ok = outage(read_replies(probe), fault, master_down)
    fields = {
        "outage": restored,
        "gap": gap,
        "last_adv": None if last_regular is None else last_regular - fault,
        "bound": bound,
        "takeover": None if takeover is None else takeover - fault,
        "master_down": master_down,
        "skew": skew,
    }
    fields["overhead"] = None if takeover is None or bound is None else fields["takeover"] - bound
    print_line(fields, 0 if bowout_at is None else 1, pre_ok)


if __name__ == "__main__":
    main()
