package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.internal.util.LogThrottle;
import io.carp.netty.internal.linux.ArrivalTimes;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoOps;
import java.lang.System.Logger.Level;

/**
 * A CARP socket read on the epoll loop (IPv4: {@link Ipv4Reader}, IPv6: {@link Ipv6Transport}): on each readiness
 * event the clocks that map the kernel's receive timestamps are read once ({@link ArrivalTimes#startBatch}), then up
 * to {@link #MAX_READS_PER_EVENT} datagrams are read by the subclass, one per {@link #readOne()}. A failure to read
 * ends the batch and is logged at most once a second.
 */
abstract class DatagramReader extends EpollReader {
    /**
     * Datagrams read per readiness event: enough to empty the socket's queue after a stall (Netty's default for a
     * datagram channel is 16). The loop runs due timers only after the I/O of its turn; whatever stays unread would be
     * read after them, so a backup that was stalled (a GC pause, a starved host) could time its master out while the
     * master's adverts still wait in the socket. See {@code NettyProtocolLoop.PreciseTimer#handle}. Level-triggered:
     * the rest wait for the next turn.
     */
    static final int MAX_READS_PER_EVENT = 1024;
    private static final long ERROR_LOG_INTERVAL_NANOS = 1_000_000_000L;

    /** The socket's mapping of receive timestamps to the monotonic clock, valid for the current batch. */
    final ArrivalTimes arrivals = new ArrivalTimes();
    private final System.Logger log;
    private final String interfaceName;
    private final String socketLabel;
    private final LogThrottle errorLog = new LogThrottle(ERROR_LOG_INTERVAL_NANOS);

    /**
     * @param fd            the descriptor to read, owned by the subclass
     * @param log           where its failures are logged
     * @param interfaceName for log messages
     * @param socketLabel   what the socket is, for log messages (e.g. {@code IPv4 CARP socket})
     */
    DatagramReader(int fd, System.Logger log, String interfaceName, String socketLabel) {
        super(fd);
        this.log = log;
        this.interfaceName = interfaceName;
        this.socketLabel = socketLabel;
    }

    @Override
    public final void handle(IoRegistration registration, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (!ops.contains(EpollIoOps.EPOLLIN) && !ops.contains(EpollIoOps.EPOLLERR)) {
            return;
        }
        arrivals.startBatch();
        for (int i = 0; i < MAX_READS_PER_EVENT && !isClosed(); i++) {
            try {
                if (!readOne()) {
                    return;
                }
            } catch (RuntimeException e) {
                logError("receive", e);
                return;
            }
        }
    }

    /**
     * Reads one datagram without blocking and hands it on; a failure to hand it on is the subclass's to catch.
     *
     * @return {@code false} if none was waiting
     * @throws RuntimeException if the socket failed
     */
    abstract boolean readOne();

    /** Logs a failure of the socket (at most once a second). */
    final void logError(String what, RuntimeException e) {
        if (errorLog.tryAcquire(CarpClock.system().nanoTime())) {
            log.log(Level.WARNING, "{0}: {1} {2} failed: {3} (logged at most once a second)",
                    interfaceName, socketLabel, what, e.getMessage());
        }
    }
}
