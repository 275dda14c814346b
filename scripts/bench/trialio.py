"""What trial.py (CARP) and vrrp_trial.py (VRRP) share: reading probe.py output, the outage a client saw, and the
printed line. Imported by both (they run from this directory); not a script.

Definitions (seconds, relative to the fault):

  outage  the first reply from the VIP after the first lost probe sent after the fault, minus the fault; 0 if none was
          lost while the probe ran past fault + master_down + 0.5 s; None if neither
  gap     how long the VIP did not answer: the reply that ended the outage minus the last reply before the lost probe
  pre_ok  1 if the VIP answered in the second before the fault (the trial started from a working master)
"""


def read_replies(path):
    """The replies of a probe.py file as (seq, tx, rx) sorted by seq, the sequence number unwrapped past 65535."""
    replies = []
    with open(path) as f:
        last, base = None, 0
        for line in f:
            parts = line.split()
            if len(parts) != 4 or parts[0] != "R":
                continue
            seq = int(parts[1])
            if last is not None and seq + base < last - 30000:
                base += 65536
            last = seq + base
            replies.append((seq + base, float(parts[2]), float(parts[3])))
    replies.sort()
    return replies


def outage(replies, fault, master_down):
    """(outage, gap, pre_ok) of sorted replies (read_replies) around a fault; see the module's definitions."""
    pre_ok = int(any(fault - 1.0 <= rx <= fault for _, _, rx in replies))
    after = [r for r in replies if r[1] >= fault]
    before = [r for r in replies if r[1] < fault]
    restored = gap = None
    # The first lost probe after the fault is the first hole in the sequence numbers of answered probes.
    prev = before[-1] if before else None
    for cur in after:
        if prev is not None and cur[0] - prev[0] > 1:
            restored, gap = cur[2] - fault, cur[2] - prev[2]
            break
        prev = cur
    else:
        # No probe lost: seamless if the VIP kept answering well past the time a takeover could take.
        if after and after[-1][2] >= fault + master_down + 0.5:
            restored, gap = 0.0, 0.0
    return restored, gap, pre_ok


def print_line(fields, bowout, pre_ok):
    """Prints the trial's key=value line: the fields in order (NA for None, else 3 decimals), then bowout, pre_ok."""
    out = " ".join("%s=%s" % (k, "NA" if v is None else "%.3f" % v) for k, v in fields.items())
    print("%s bowout=%d pre_ok=%d" % (out, bowout, pre_ok))
