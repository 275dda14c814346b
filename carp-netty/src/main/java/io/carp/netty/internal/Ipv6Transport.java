package io.carp.netty.internal;

import io.carp.netty.internal.linux.ArrivalTimes;
import io.carp.netty.internal.linux.CarpSockets;
import io.carp.netty.internal.linux.Ipv6RawIo;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * IPv6 on one interface: the raw protocol-112 socket, registered on the epoll loop as an {@link EpollIoHandle} and
 * read with {@code recvmsg} (Netty's datagram channel does not expose the hop limit, which CARP must check), and the
 * raw ICMPv6 socket that sends unsolicited neighbour advertisements. Received packets go to the interface's
 * {@link InboundRouter}. The socket is a member of ff02::12 only while some group on the interface uses multicast
 * ({@link #setMember}).
 */
final class Ipv6Transport extends DatagramReader implements FamilyTransport {
    private static final System.Logger LOG = System.getLogger(Ipv6Transport.class.getName());
    private static final Inet6Address CARP_GROUP = group();

    private final String interfaceName;
    private final int ifindex;
    private final NativeSocket socket;
    private final NativeSocket advertiser;
    private final Ipv6RawIo io;
    private final InboundRouter router;
    private volatile boolean member;
    private final Dispatch sink = new Dispatch();

    private Ipv6Transport(String interfaceName, int ifindex, NativeSocket socket, NativeSocket advertiser,
                          InboundRouter router, boolean member) {
        super(socket.fd(), LOG, interfaceName, "IPv6 CARP socket");
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.socket = socket;
        this.advertiser = advertiser;
        this.io = new Ipv6RawIo(socket, ifindex);
        // each recvmsg brings the packet's SCM_TIMESTAMPNS (Ipv6RawIo reads it): a BACKUP counts master-down from an
        // advert's arrival
        ArrivalTimes.enable(socket);
        this.router = router;
        this.member = member;
    }

    /**
     * Opens the sockets (call inside the interface's namespace) and starts registering on the loop.
     *
     * @param member whether to join ff02::12 at once
     */
    static Ipv6Transport open(String interfaceName, int ifindex, InboundRouter router, IoEventLoop loop,
                              boolean member) {
        NativeSocket socket = CarpSockets.openIpv6(interfaceName, ifindex, member);
        NativeSocket advertiser;
        try {
            advertiser = CarpSockets.openNeighborAdvertiser(interfaceName, ifindex);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        Ipv6Transport transport = new Ipv6Transport(interfaceName, ifindex, socket, advertiser, router, member);
        transport.register(loop);
        return transport;
    }

    @Override
    boolean readOne() {
        return io.receive(sink);
    }

    /**
     * Hands each packet to the router, with the envelope of the previous packet when its source, destination and hop
     * limit are the same (the raw I/O reuses the address objects): nothing is allocated per packet in steady state.
     */
    private final class Dispatch implements Ipv6RawIo.Sink {
        private IpEnvelope last;

        @Override
        public void accept(Inet6Address source, Inet6Address destination, int hopLimit, ByteBuffer payload) {
            IpEnvelope e = last;
            if (e == null || e.source() != source || e.destination() != destination || e.ttl() != hopLimit) {
                e = new IpEnvelope(IpFamily.IPV6, source, destination, hopLimit);
                last = e;
            }
            try {
                router.receive(e, payload, io.lastArrival(arrivals));
            } catch (RuntimeException ex) {
                logError("dispatch", ex);
            }
        }
    }

    /**
     * Sends the CARP bytes to ff02::12 with hop limit 255. Call on the loop.
     *
     * @param carpHeader from position to limit; not consumed
     * @param source     the source address, or {@code null} for the kernel's choice (the link-local address)
     */
    @Override
    public void sendMulticast(ByteBuffer carpHeader, InetAddress source, int tos) {
        io.send(carpHeader, CARP_GROUP, (Inet6Address) source, tos);
    }

    @Override
    public void sendUnicast(ByteBuffer carpHeader, InetAddress peer, InetAddress source, int tos) {
        io.send(carpHeader, (Inet6Address) peer, (Inet6Address) source, tos);
    }

    @Override
    public void announce(byte[] mac, InetAddress address) {
        announce(mac, (Inet6Address) address);
    }

    /** IPv6 passes the pinned source with every send; nothing to set on the socket. */
    @Override
    public void pinSource(InetAddress source) {
    }

    void send(ByteBuffer carpHeader, Inet6Address source) {
        io.send(carpHeader, CARP_GROUP, source);
    }

    /**
     * Sends the CARP bytes to one unicast peer with hop limit 255 ({@code IPV6_UNICAST_HOPS}). Call on the loop.
     *
     * @param carpHeader from position to limit; not consumed
     * @param peer       the peer (a link-local peer is reached through this interface)
     * @param source     the source address, or {@code null} for the kernel's choice
     */
    void sendTo(ByteBuffer carpHeader, Inet6Address peer, Inet6Address source) {
        io.send(carpHeader, peer, source);
    }

    /**
     * Joins or leaves ff02::12. Called under the runtime's lock when groups come and go.
     *
     * @param join whether the socket should be a member
     */
    @Override
    public void setMember(boolean join) {
        if (join == member || isClosed()) {
            return;
        }
        if (join) {
            CarpSockets.joinIpv6(socket, ifindex);
        } else {
            CarpSockets.leaveIpv6(socket, ifindex);
        }
        member = join;
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

    /** On {@link #close()}: leaves ff02::12 (if a member) while the socket is open. */
    @Override
    void beforeUnregister() {
        if (member) {
            try {
                CarpSockets.leaveIpv6(socket, ifindex);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "{0}: leaving ff02::12: {1}", interfaceName, e.getMessage());
            }
        }
    }

    /** On {@link #close()}, after the socket left the loop: closes both sockets. */
    @Override
    void closeDescriptors() {
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
