package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.internal.util.LogThrottle;
import io.carp.netty.internal.linux.ArrivalTimes;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.StampedReceiver;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoOps;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Reads the IPv4 protocol-112 socket on the epoll loop through a descriptor of its own (a {@code dup} of the one the
 * Netty channel owns, which no longer reads: its auto-read is off), into one buffer reused for every datagram. Netty's
 * datagram read allocates per packet (a {@code DatagramPacket}, two socket addresses, a sliced buffer and its NIO
 * view); this allocates nothing, so the protocol thread of a backup allocates nothing per advert heard. One
 * {@code recvmsg} per datagram brings its bytes and the kernel's receive timestamp ({@link StampedReceiver}).
 */
final class Ipv4Reader extends EpollReader {
    private static final System.Logger LOG = System.getLogger(Ipv4Transport.class.getName());
    /** Datagrams read per readiness event: see {@link Ipv4Transport#MAX_READS_PER_EVENT}. */
    private static final int MAX_READS_PER_EVENT = Ipv4Transport.MAX_READS_PER_EVENT;
    private static final long ERROR_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final NativeSocket socket;
    private final String interfaceName;
    private final InboundRouter router;
    private final byte[] buffer;
    private final ByteBuffer view;
    private final StampedReceiver receiver;
    private final ArrivalTimes arrivals = new ArrivalTimes();
    private final LogThrottle errorLog = new LogThrottle(ERROR_LOG_INTERVAL_NANOS);

    /**
     * @param socket        the duplicated descriptor, closed with this reader
     * @param interfaceName for log messages
     * @param router        where datagrams go (IP header included)
     * @param bufferSize    the largest datagram read whole
     * @throws io.carp.netty.internal.linux.NativeException if the socket's receive timestamps cannot be turned on
     */
    Ipv4Reader(NativeSocket socket, String interfaceName, InboundRouter router, int bufferSize) {
        super(socket.fd());
        this.receiver = new StampedReceiver(socket);
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.router = router;
        this.buffer = new byte[bufferSize];
        this.view = ByteBuffer.wrap(buffer);
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (!ops.contains(EpollIoOps.EPOLLIN) && !ops.contains(EpollIoOps.EPOLLERR)) {
            return;
        }
        arrivals.startBatch();
        for (int i = 0; i < MAX_READS_PER_EVENT && !isClosed(); i++) {
            int n;
            try {
                n = receiver.receive(buffer);
            } catch (RuntimeException e) {
                logError("receive", e);
                return;
            }
            if (n < 0) {
                return;
            }
            view.clear().limit(n);
            try {
                router.receiveIpv4(view, receiver.lastArrival(arrivals));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, interfaceName + ": a received CARP packet could not be handled", e);
            }
        }
    }

    private void logError(String what, RuntimeException e) {
        if (errorLog.tryAcquire(CarpClock.system().nanoTime())) {
            LOG.log(Level.WARNING, "{0}: IPv4 CARP socket {1} failed: {2} (logged at most once a second)",
                    interfaceName, what, e.getMessage());
        }
    }

    @Override
    void closeDescriptors() {
        socket.close();
    }
}
