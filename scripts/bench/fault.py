#!/usr/bin/env python3
"""Injects the fault of one trial and prints its time (CLOCK_REALTIME seconds) and how long the injection took.

    fault.py PID SIGNAL [NETNS IFNAME]   ->  "<fault_epoch> <window_seconds>"

Without NETNS: the signal alone; the fault time is when it was sent, the window is 0.
With NETNS and IFNAME the host "dies": the node gets the signal and its link goes down. An `ip -batch -` process is
started in the namespace beforehand, so the critical path is one signal plus one line written to ip (no fork/exec).
The signal is sent first, then the link-down command, then `link show` whose answer tells that the link is down.
The fault time is that confirmation (from then on nothing of the host can answer); the window from the signal to
the confirmation is printed so a reader can see how long "the same instant" lasted (typically 1-2 ms).
"""
import os
import signal
import subprocess
import sys
import time


def main() -> None:
    pid = int(sys.argv[1])
    sig = getattr(signal, "SIG" + sys.argv[2].upper())
    if len(sys.argv) <= 3:
        t = time.time()
        os.kill(pid, sig)
        print("%.6f 0.0" % t)
        return
    netns, ifname = sys.argv[3], sys.argv[4]
    ip = subprocess.Popen(["ip", "-n", netns, "-batch", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True)
    time.sleep(0.05)  # let ip start and open its netlink socket
    command = "link set dev %s down\nlink show dev %s\n" % (ifname, ifname)
    start = time.time()
    os.kill(pid, sig)
    ip.stdin.write(command)
    ip.stdin.flush()
    ip.stdout.readline()
    done = time.time()
    ip.stdin.close()
    ip.wait(timeout=5)
    print("%.6f %.1f" % (done, (done - start) * 1000))


if __name__ == "__main__":
    main()
