package io.carp.netty.internal;

import io.carp.netty.internal.linux.CarpSockets;
import io.carp.netty.internal.linux.Ipv4MulticastSender;
import io.carp.netty.internal.linux.Ipv4UnicastSender;
import io.carp.netty.internal.linux.ArrivalTimes;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.internal.protocol.CarpConstants;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * IPv4 on one interface: the raw protocol-112 socket wrapped in Netty's {@link EpollDatagramChannel} (received
 * datagrams go to the interface's {@link InboundRouter}), and the packet socket that sends gratuitous ARP. Multicast
 * adverts go out through the channel; unicast adverts through an {@link Ipv4UnicastSender} on the same descriptor, so
 * that they can carry a pinned source address. The socket is a member of 224.0.0.18 only while some group on the
 * interface uses multicast ({@link #setMember}).
 */
final class Ipv4Transport implements FamilyTransport {
    private static final System.Logger LOG = System.getLogger(Ipv4Transport.class.getName());
    private static final InetSocketAddress CARP_GROUP = new InetSocketAddress(group(), 0);
    private static final int RECEIVE_BUFFER = 2048;

    private final String interfaceName;
    private final int ifindex;
    private final int fd;
    private final EpollDatagramChannel channel;
    private final NativeSocket arp;
    /** Reads the socket through a descriptor of its own, allocation-free. */
    private final Ipv4Reader reader;
    private final Ipv4UnicastSender unicast;
    private final Ipv4MulticastSender multicast;
    /** Gratuitous ARP frames by virtual address, built ahead of a takeover (see {@link #prepareAnnouncements}). */
    private final java.util.Map<Inet4Address, CarpSockets.PreparedFrame> garps =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Senders through virtual MAC interfaces, by their ifindex (loop only). */
    private final java.util.Map<Integer, Ipv4UnicastSender> via = new java.util.HashMap<>();
    private Ipv4UnicastSender lastVia;
    private int lastViaIfindex;
    private volatile boolean member;
    private volatile boolean closing;
    private ChannelFuture registration;

    private Ipv4Transport(String interfaceName, int ifindex, int fd, EpollDatagramChannel channel, NativeSocket arp,
                          boolean member, NativeSocket reading, InboundRouter router) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.fd = fd;
        this.channel = channel;
        this.arp = arp;
        this.member = member;
        this.unicast = new Ipv4UnicastSender(fd, "IPv4 CARP socket on " + interfaceName, ifindex);
        this.multicast = new Ipv4MulticastSender(fd, "IPv4 CARP socket on " + interfaceName,
                (Inet4Address) CARP_GROUP.getAddress());
        this.reader = new Ipv4Reader(reading, interfaceName, router, RECEIVE_BUFFER);
    }

    /**
     * Opens the sockets; call inside the interface's network namespace. Registration on the loop is started and its
     * future returned through {@link #registration()}.
     *
     * @param member whether to join 224.0.0.18 at once
     */
    static Ipv4Transport open(String interfaceName, int ifindex, Inet4Address source, InboundRouter router,
                              io.netty.channel.IoEventLoop loop, boolean member) {
        NativeSocket raw = CarpSockets.openIpv4(interfaceName, ifindex, source, member);
        NativeSocket arp;
        try {
            arp = CarpSockets.openArp(interfaceName);
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
        EpollDatagramChannel channel;
        int fd = raw.fd();
        try {
            channel = new EpollDatagramChannel(fd);
        } catch (RuntimeException | Error e) {
            raw.close();
            arp.close();
            throw e;
        }
        NativeSocket reading;
        try {
            reading = NativeSocket.duplicate(fd, "IPv4 CARP socket on " + interfaceName + " (reading)");
        } catch (RuntimeException e) {
            raw.close();
            arp.close();
            throw e;
        }
        raw.handOver(); // the channel owns and closes the descriptor from now on
        FixedRecvByteBufAllocator allocator = new FixedRecvByteBufAllocator(RECEIVE_BUFFER);
        channel.config().setRecvByteBufAllocator(allocator);
        allocator.maxMessagesPerRead(DatagramReader.MAX_READS_PER_EVENT);
        // The channel only writes (adverts queued while the send buffer was full); the reader reads.
        channel.config().setAutoRead(false);
        Ipv4Transport transport = new Ipv4Transport(interfaceName, ifindex, fd, channel, arp, member, reading,
                router);
        channel.pipeline().addLast(new Receiver(router, transport));
        transport.registration = loop.register(channel);
        transport.reader.register(loop);
        return transport;
    }

    @Override
    public ChannelFuture registration() {
        return registration;
    }

    @Override
    public void sendMulticast(ByteBuffer carpHeader, InetAddress source, int tos) {
        if (tos == SOCKET_TOS) {
            send(carpHeader); // the pinned source, if any, is set on the socket (pinSource)
        } else {
            // a TOS of its own needs an IP_TOS record: sendmsg, with the socket's multicast interface and TTL
            unicast.send(carpHeader, (Inet4Address) CARP_GROUP.getAddress(), (Inet4Address) source, tos);
        }
    }

    @Override
    public void sendUnicast(ByteBuffer carpHeader, InetAddress peer, InetAddress source, int tos) {
        unicast.send(carpHeader, (Inet4Address) peer, (Inet4Address) source, tos);
    }

    @Override
    public void announce(byte[] mac, InetAddress address) {
        announce(mac, (Inet4Address) address);
    }

    @Override
    public void pinSource(InetAddress source) {
        CarpSockets.setIpv4Source(fd, ifindex, (Inet4Address) source);
    }

    /** The descriptor, for diagnostics and tests. */
    int fd() {
        return fd;
    }

    /**
     * Sends the CARP bytes to 224.0.0.18; the kernel adds the IP header (TTL 255, TOS low-delay). Call on the loop.
     *
     * @param carpHeader from position to limit; not consumed
     * @throws io.carp.netty.internal.linux.NativeException if the kernel refused the packet
     * @throws UncheckedIOException if the kernel refused a packet sent through the channel
     */
    void send(ByteBuffer carpHeader) {
        // Straight to the socket: no buffer, packet or promise objects and no pipeline per advert (Netty's path
        // allocates all of them). Through the channel only if the socket's send buffer is full, or packets queued
        // that way are still waiting (the channel sends them once the socket is writable; order is kept).
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        if ((queued == null || queued.isEmpty()) && multicast.send(carpHeader)) {
            return;
        }
        sendThroughChannel(carpHeader);
    }

    private void sendThroughChannel(ByteBuffer carpHeader) {
        ByteBuf content = channel.alloc().directBuffer(carpHeader.remaining());
        content.writeBytes(carpHeader.duplicate());
        ChannelFuture f = channel.writeAndFlush(new DatagramPacket(content, CARP_GROUP));
        if (f.isDone()) {
            throwIfFailed(f);
        } else {
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    LOG.log(Level.WARNING, "{0}: a queued CARP advertisement could not be sent: {1}",
                            interfaceName, String.valueOf(done.cause()));
                }
            });
        }
    }

    /**
     * Sends the CARP bytes to one unicast peer with TTL 255 ({@code IP_TTL}). Call on the loop.
     *
     * @param carpHeader from position to limit; not consumed
     * @param peer       the peer
     * @param source     the source address, or {@code null} for the route's preferred source
     * @throws io.carp.netty.internal.linux.NativeException if the kernel refused the packet
     */
    void sendTo(ByteBuffer carpHeader, Inet4Address peer, Inet4Address source) {
        unicast.send(carpHeader, peer, source);
    }

    /**
     * Joins or leaves 224.0.0.18. Called under the runtime's lock when groups come and go; unicast adverts to this
     * host arrive either way.
     *
     * @param join whether the socket should be a member
     */
    @Override
    public void setMember(boolean join) {
        if (join == member || closing) {
            return;
        }
        if (join) {
            CarpSockets.joinIpv4(fd, ifindex);
        } else {
            CarpSockets.leaveIpv4(fd, ifindex);
        }
        member = join;
    }

    private void throwIfFailed(ChannelFuture f) {
        if (f.isSuccess()) {
            return;
        }
        Throwable cause = f.cause();
        String message = "send to 224.0.0.18 on " + interfaceName + ": " + cause.getMessage();
        throw new UncheckedIOException(message,
                cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
    }

    /**
     * Sends one gratuitous ARP request for a virtual address.
     *
     * @param mac     our MAC
     * @param address the address
     */
    void announce(byte[] mac, Inet4Address address) {
        CarpSockets.PreparedFrame frame = garps.get(address);
        if (frame == null || !frame.isFrom(mac)) {
            frame = CarpSockets.prepareGratuitousArp(interfaceName, ifindex, mac, address);
            garps.put(address, frame);
        }
        CarpSockets.send(arp, frame);
    }

    /**
     * Builds the gratuitous ARP of each address ahead of a takeover, so that the first announcement sends a frame
     * that is ready (building it the first time loads and links code: about a millisecond).
     *
     * @param mac       our MAC, 6 bytes (nothing is prepared without one)
     * @param addresses the virtual addresses
     */
    @Override
    public void prepareAnnouncements(byte[] mac, java.util.List<InetAddress> addresses) {
        if (mac == null || mac.length != 6) {
            return;
        }
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address a4) {
                CarpSockets.PreparedFrame frame = garps.get(a4);
                if (frame == null || !frame.isFrom(mac)) {
                    garps.put(a4, CarpSockets.prepareGratuitousArp(interfaceName, ifindex, mac, a4));
                }
            }
        }
    }

    @Override
    public void sendVia(ByteBuffer carpHeader, InetAddress destination, InetAddress source, int viaIfindex,
                        int tos) {
        Ipv4UnicastSender sender = lastVia;
        if (sender == null || lastViaIfindex != viaIfindex) { // no boxing or lambda per advert while it repeats
            sender = via.get(viaIfindex);
            if (sender == null) {
                sender = new Ipv4UnicastSender(fd, "IPv4 CARP socket on " + interfaceName + " via ifindex "
                        + viaIfindex, viaIfindex);
                via.put(viaIfindex, sender);
            }
            lastVia = sender;
            lastViaIfindex = viaIfindex;
        }
        sender.send(carpHeader, (Inet4Address) destination, (Inet4Address) source, tos);
    }

    @Override
    public void announceVia(byte[] mac, InetAddress address, int viaIfindex) {
        CarpSockets.sendGratuitousArp(arp, interfaceName + " (via ifindex " + viaIfindex + ")", viaIfindex, mac,
                (Inet4Address) address);
    }

    /** Leaves 224.0.0.18 (if a member) and closes both sockets. Call on the loop; idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (member && channel.isOpen()) {
            try {
                CarpSockets.leaveIpv4(fd, ifindex);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "{0}: leaving 224.0.0.18: {1}", interfaceName, e.getMessage());
            }
        }
        reader.close(); // out of epoll, then its descriptor closed; the socket stays open through the channel's
        channel.close();
        arp.close();
    }

    private static InetAddress group() {
        try {
            return InetAddress.getByAddress(CarpConstants.INADDR_CARP_GROUP);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Hands received datagrams to the dispatcher; runs on the loop. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final InboundRouter router;
        private final Ipv4Transport transport;

        Receiver(InboundRouter router, Ipv4Transport transport) {
            this.router = router;
            this.transport = transport;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) {
                    // not reached while auto-read is off (the reader reads); no kernel stamp on this path
                    router.receiveIpv4(packet.content().nioBuffer(), ArrivalTimes.UNKNOWN);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, transport.interfaceName + ": a received CARP packet could not be handled", e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "{0}: CARP socket error: {1}", transport.interfaceName, cause.toString());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!transport.closing) {
                LOG.log(Level.ERROR, "{0}: the IPv4 CARP socket closed unexpectedly; adverts are no longer received",
                        transport.interfaceName);
            }
        }
    }
}
