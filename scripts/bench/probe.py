#!/usr/bin/env python3
"""ICMP echo prober: one request to TARGET every INTERVAL seconds, replies timestamped by the kernel.

Run inside the client namespace as root. Prints one line per reply, flushed at once:
    R <seq> <tx_epoch> <rx_epoch>
Times are CLOCK_REALTIME seconds, the clock tcpdump -tt uses, so they can be set against captured adverts.
Runs until SIGTERM/SIGINT. A reply is counted only if it comes from TARGET and carries our identifier.
"""
import os
import select
import signal
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main() -> None:
    target = sys.argv[1]
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    ident = os.getpid() & 0xFFFF
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setblocking(False)
    running = [True]

    def stop(*_):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sent = {}
    seq = 0
    next_send = time.monotonic()
    out = sys.stdout
    while running[0]:
        now = time.monotonic()
        if now >= next_send:
            seq = (seq + 1) & 0xFFFF
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            payload = struct.pack("!d", time.time())
            packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload
            sent[seq] = time.time()
            try:
                sock.sendto(packet, (target, 0))
            except OSError:
                pass  # no route / neighbour failure while the VIP moves: just a lost probe
            next_send += interval
            if next_send < now:  # we fell behind (machine busy): do not burst
                next_send = now + interval
            continue
        try:
            r, _, _ = select.select([sock], [], [], max(0.0, next_send - now))
        except InterruptedError:
            continue
        if not r:
            continue
        while True:
            try:
                data, anc, _, addr = sock.recvmsg(2048, 64)
            except (BlockingIOError, InterruptedError):
                break
            rx = None
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", value[:16])
                    rx = sec + nsec / 1e9
            if rx is None:
                rx = time.time()
            ihl = (data[0] & 0x0F) * 4
            icmp_type, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if icmp_type != 0 or rid != ident or addr[0] != target:
                continue
            tx = sent.pop(rseq, None)
            if tx is None:
                continue
            out.write("R %d %.6f %.6f\n" % (rseq, tx, rx))
            out.flush()


if __name__ == "__main__":
    main()
