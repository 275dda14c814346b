package io.carp.netty;

import io.carp.netty.linux.CarpSockets;
import io.carp.netty.linux.Ipv6RawIo;
import io.carp.netty.linux.NativeSocket;
import io.carp.protocol.CarpConstants;
import io.carp.protocol.IpEnvelope;
import io.carp.protocol.IpFamily;
import io.carp.spi.CarpDispatcher;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * IPv6 on one interface: the raw protocol-112 socket, registered on the epoll loop as an {@link EpollIoHandle} and
 * read with {@code recvmsg} (Netty's datagram channel does not expose the hop limit, which CARP must check), and the
 * raw ICMPv6 socket that sends unsolicited neighbour advertisements.
 */
final class Ipv6Transport implements EpollIoHandle {
    private static final System.Logger LOG = System.getLogger(Ipv6Transport.class.getName());
    private static final Inet6Address CARP_GROUP = group();
    /** Packets read per readiness event before yielding to the loop's other work (level-triggered: the rest wait). */
    private static final int MAX_READS_PER_EVENT = 32;
    private static final long ERROR_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String interfaceName;
    private final int ifindex;
    private final NativeSocket socket;
    private final NativeSocket advertiser;
    private final Ipv6RawIo io;
    private final FileDescriptor fd;
    private final CarpDispatcher dispatcher;
    private volatile IoRegistration registration;
    private Future<IoRegistration> registering;
    private volatile boolean closed;
    private long lastErrorLog = Long.MIN_VALUE;

    private Ipv6Transport(String interfaceName, int ifindex, NativeSocket socket, NativeSocket advertiser,
                          CarpDispatcher dispatcher) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.socket = socket;
        this.advertiser = advertiser;
        this.io = new Ipv6RawIo(socket, ifindex);
        this.fd = new FileDescriptor(socket.fd());
        this.dispatcher = dispatcher;
    }

    /** Opens the sockets (call inside the interface's namespace) and starts registering on the loop. */
    static Ipv6Transport open(String interfaceName, int ifindex, CarpDispatcher dispatcher, IoEventLoop loop) {
        NativeSocket socket = CarpSockets.openIpv6(interfaceName, ifindex);
        NativeSocket advertiser;
        try {
            advertiser = CarpSockets.openNeighborAdvertiser(interfaceName, ifindex);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        Ipv6Transport transport = new Ipv6Transport(interfaceName, ifindex, socket, advertiser, dispatcher);
        transport.registering = loop.register(transport);
        transport.registering.addListener(f -> {
            if (f.isSuccess()) {
                IoRegistration r = (IoRegistration) f.getNow();
                transport.registration = r;
                if (transport.closed) {
                    r.cancel();
                } else {
                    r.submit(EpollIoOps.EPOLLIN);
                }
            }
        });
        return transport;
    }

    Future<IoRegistration> registration() {
        return registering;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (!ops.contains(EpollIoOps.EPOLLIN) && !ops.contains(EpollIoOps.EPOLLERR)) {
            return;
        }
        for (int i = 0; i < MAX_READS_PER_EVENT && !closed; i++) {
            Ipv6RawIo.Received r;
            try {
                r = io.receive();
            } catch (RuntimeException e) {
                logError("receive", e);
                return;
            }
            if (r == null) {
                return;
            }
            try {
                dispatcher.receive(new IpEnvelope(IpFamily.IPV6, r.source(), r.destination(), r.hopLimit()),
                        r.payload());
            } catch (RuntimeException e) {
                logError("dispatch", e);
            }
        }
    }

    private void logError(String what, RuntimeException e) {
        long now = System.nanoTime();
        if (lastErrorLog == Long.MIN_VALUE || now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS) {
            lastErrorLog = now;
            LOG.log(Level.WARNING, "{0}: IPv6 CARP socket {1} failed: {2} (logged at most once a second)",
                    interfaceName, what, e.getMessage());
        }
    }

    /**
     * Sends the CARP bytes to ff02::12 with hop limit 255. Call on the loop.
     *
     * @param carpHeader from position to limit; not consumed
     * @param source     the source address, or {@code null} for the kernel's choice (the link-local address)
     */
    void send(ByteBuffer carpHeader, Inet6Address source) {
        io.send(carpHeader, CARP_GROUP, source);
    }

    /**
     * Sends one unsolicited neighbour advertisement for a virtual address.
     *
     * @param mac     our MAC
     * @param address the address
     */
    void announce(byte[] mac, Inet6Address address) {
        CarpSockets.sendNeighborAdvertisement(advertiser, interfaceName, ifindex, mac, address);
    }

    /** Leaves ff02::12, unregisters from the loop and closes both sockets. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            CarpSockets.leaveIpv6(socket, ifindex);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: leaving ff02::12: {1}", interfaceName, e.getMessage());
        }
        IoRegistration r = registration;
        if (r != null) {
            r.cancel(); // removes the descriptor from epoll while it is still open
        } else if (registering != null) {
            registering.cancel(false);
        }
        socket.close();
        advertiser.close();
    }

    private static Inet6Address group() {
        try {
            return (Inet6Address) InetAddress.getByAddress(CarpConstants.IN6ADDR_CARP_GROUP);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
