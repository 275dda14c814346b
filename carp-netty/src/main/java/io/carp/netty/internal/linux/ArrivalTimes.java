package io.carp.netty.internal.linux;

import com.sun.jna.Memory;
import io.carp.CarpClock;

/**
 * When datagrams arrived at the host, on {@link CarpClock#system()}: the kernel's receive timestamp of each packet
 * ({@code SO_TIMESTAMPNS}, socket(7): an {@code SCM_TIMESTAMPNS} control message with every {@code recvmsg}, taken
 * as the packet enters the network stack, on the wall clock, {@code CLOCK_REALTIME}), mapped to the monotonic clock
 * with the offset between the two clocks read once per batch of reads ({@link #startBatch}). A wall-clock step
 * therefore matters only if it falls between a packet's arrival and the start of the batch that reads it; the group
 * bounds what it accepts (see its use of {@code GroupEndpoint#onAdvertisement(..., long)}). A packet that entered
 * before the kernel turned stamping on is stamped when read (socket(7)), so its arrival is taken as its read, as
 * without stamps.
 *
 * <p>Before, this was an {@code ioctl(SIOCGSTAMPNS)} and a {@code clock_gettime} per packet: two more system calls
 * per advert heard than the one {@code recvmsg} that now brings the stamp.
 *
 * <p>Loop-confined (one per socket); allocates nothing.
 */
public final class ArrivalTimes {
    private static final int CLOCK_REALTIME = 0;
    /** No arrival time known (the same value as {@code GroupEndpoint.ARRIVAL_UNKNOWN}). */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final Memory wall = new Memory(16);
    /** Wall clock minus monotonic clock at the start of the batch, in nanoseconds. */
    private long offset;
    private boolean known;

    /**
     * Turns the kernel's receive timestamps on for a socket: each {@code recvmsg} from now on carries an
     * {@code SCM_TIMESTAMPNS} control message.
     *
     * @param socket a datagram or raw socket
     * @throws NativeException if the kernel refuses the option
     */
    public static void enable(NativeSocket socket) {
        socket.setInt(Linux.SOL_SOCKET, Linux.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
    }

    /** Reads the two clocks: call before a batch of reads (once per readiness event). */
    public void startBatch() {
        long monotonic = CarpClock.system().nanoTime();
        if (LibC.Quiet.clock_gettime(CLOCK_REALTIME, wall) != 0) {
            known = false;
            return;
        }
        offset = wall.getLong(0) * 1_000_000_000L + wall.getLong(8) - monotonic;
        known = true;
    }

    /**
     * The arrival of a packet on {@link CarpClock#system()}.
     *
     * @param seconds     its {@code SCM_TIMESTAMPNS} seconds
     * @param nanoseconds its {@code SCM_TIMESTAMPNS} nanoseconds
     * @return the time, never later than now; {@link #UNKNOWN} if the clocks could not be read
     */
    public long toMonotonic(long seconds, long nanoseconds) {
        if (!known) {
            return UNKNOWN;
        }
        long arrival = seconds * 1_000_000_000L + nanoseconds - offset;
        long now = CarpClock.system().nanoTime();
        return arrival - now > 0 ? now : arrival;
    }
}
