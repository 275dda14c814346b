package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import io.carp.CarpClock;

/**
 * When the last datagram read from a socket arrived at the host, on {@link CarpClock#system()}: the kernel's receive
 * timestamp of the packet ({@code ioctl(SIOCGSTAMPNS)}, socket(7)), taken as the packet enters the network stack, on
 * the wall clock ({@code CLOCK_REALTIME}), converted by subtracting how long ago that was on the wall clock from the
 * monotonic time now. Only the difference of two nearby wall-clock readings is used, so a wall-clock step matters
 * only if it falls between the packet's arrival and its read; the group bounds what it accepts (see its use of
 * {@code GroupEndpoint#onAdvertisement(..., long)}).
 *
 * <p>Stamping starts a moment after {@link #of} (the kernel turns it on from a deferred work item when no socket had it
 * on); a datagram that arrived before carries no stamp, and the kernel then answers with the time of the request, so
 * the arrival is taken as now, as without this class.
 *
 * <p>If a socket read several datagrams before the caller asks (a batched read), the answer is the last one's arrival:
 * never earlier than the datagram's own, never later than now. Loop-confined (one per socket); allocates nothing
 * unless a call fails.
 */
public final class ArrivalTimes {
    private static final long SIOCGSTAMPNS = 0x8907; // SIOCGSTAMPNS_OLD: struct timespec of two longs on 64-bit
    private static final int CLOCK_REALTIME = 0;
    /** No arrival time known (the same value as {@code GroupEndpoint.ARRIVAL_UNKNOWN}). */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final int fd;
    private final long[] stamp = new long[2];
    private final long[] wall = new long[2];
    private boolean failed;

    private ArrivalTimes(int fd) {
        this.fd = fd;
    }

    /**
     * Turns the kernel's receive timestamps on for a socket (the first {@code SIOCGSTAMPNS} does; it answers
     * {@code ENOENT} then, as no packet was stamped yet).
     *
     * @param fd a datagram or raw socket
     * @return the reader of its arrival times
     */
    public static ArrivalTimes of(int fd) {
        ArrivalTimes t = new ArrivalTimes(fd);
        try {
            LibC.ioctl(fd, SIOCGSTAMPNS, t.stamp);
        } catch (LastErrorException e) {
            // ENOENT expected: timestamps are on from now
        }
        return t;
    }

    /**
     * The arrival time of the last datagram read from the socket.
     *
     * @return a {@link CarpClock#system()} time, or {@link #UNKNOWN} if the kernel has none (after a failure, always)
     */
    public long lastArrival() {
        if (failed) {
            return UNKNOWN;
        }
        try {
            LibC.ioctl(fd, SIOCGSTAMPNS, stamp);
            long now = CarpClock.system().nanoTime();
            LibC.clock_gettime(CLOCK_REALTIME, wall);
            long ago = (wall[0] - stamp[0]) * 1_000_000_000L + (wall[1] - stamp[1]);
            return now - ago;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.ENOENT) {
                failed = true; // not supported here: do not pay for an exception per packet
            }
            return UNKNOWN;
        }
    }
}
