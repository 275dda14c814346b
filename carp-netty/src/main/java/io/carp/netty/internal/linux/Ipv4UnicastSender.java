package io.carp.netty.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * {@code sendmsg} of CARP bytes to a unicast IPv4 peer on the raw protocol-112 socket, optionally from a chosen source
 * address ({@code IP_PKTINFO}: a raw socket's {@code IP_MULTICAST_IF} source applies to multicast only, and binding
 * the socket to an address would filter what it receives). The kernel builds the IP header with the socket's
 * {@code IP_TTL} (255, set by {@link CarpSockets#openIpv4}). Buffers are allocated once; not thread-safe (used from the
 * socket's event loop only).
 */
public final class Ipv4UnicastSender {
    private final int fd;
    private final String label;
    private final int ifindex;
    private final MessageHeader message = new MessageHeader();
    private final Memory name = new Memory(SocketAddresses.SOCKADDR_IN_LEN);
    private final Memory control = new Memory(ControlMessages.IPV4_PKTINFO_SPACE + ControlMessages.INT_SPACE);
    /** A view of {@link #control} made once (each {@code getByteBuffer} makes a new one). */
    private final ByteBuffer controlView;
    /**
     * What {@link #name} and {@link #control} hold, by identity of the address objects: rewritten only when another
     * destination, source or TOS comes (the callers pass the same objects advert after advert).
     */
    private Inet4Address nameFor;
    private Inet4Address controlSource;
    private int controlTos = -1;
    private int controlLength;

    /**
     * Wraps the descriptor of a socket from {@link CarpSockets#openIpv4} (which may be owned by a Netty channel).
     *
     * @param fd      the descriptor
     * @param label   what it is, for error messages (e.g. {@code IPv4 CARP socket on eth0})
     * @param ifindex its interface
     */
    public Ipv4UnicastSender(int fd, String label, int ifindex) {
        this.fd = fd;
        this.label = label;
        this.ifindex = ifindex;
        this.controlView = control.getByteBuffer(0, control.size()).order(java.nio.ByteOrder.nativeOrder());
    }

    /**
     * Sends one datagram without blocking.
     *
     * @param payload     the CARP bytes, from position to limit (not consumed)
     * @param destination the peer
     * @param source      the source address (an address of the interface), or {@code null} for the kernel's choice
     *                    (the route's preferred source)
     * @throws NativeException on failure, naming the peer
     */
    public void send(ByteBuffer payload, Inet4Address destination, Inet4Address source) {
        send(payload, destination, source, -1);
    }

    /**
     * Sends one datagram without blocking, with a TOS of its own.
     *
     * @param payload     the CARP bytes, from position to limit (not consumed)
     * @param destination the peer, or the multicast group (the socket's multicast TTL and interface apply)
     * @param source      the source address (an address of the interface), or {@code null} for the kernel's choice
     * @param tos         the IPv4 TOS byte of this packet ({@code IP_TOS} record), or -1 for the socket's
     * @throws NativeException on failure, naming the peer
     */
    public void send(ByteBuffer payload, Inet4Address destination, Inet4Address source, int tos) {
        int length = message.copyIn(payload);
        if (destination != nameFor) {
            name.write(0, SocketAddresses.ipv4(destination), 0, SocketAddresses.SOCKADDR_IN_LEN);
            nameFor = destination;
        }
        if (source != controlSource || tos != controlTos) {
            int at = 0;
            if (source != null) {
                ControlMessages.writeIpv4Pktinfo(controlView, at, source.getAddress(), ifindex);
                at += ControlMessages.IPV4_PKTINFO_SPACE;
            }
            if (tos >= 0) {
                ControlMessages.writeInt(controlView, at, Linux.IPPROTO_IP, Linux.IP_TOS, tos);
                at += ControlMessages.INT_SPACE;
            }
            controlSource = source;
            controlTos = tos;
            controlLength = at;
        }
        message.prepare(length, name, SocketAddresses.SOCKADDR_IN_LEN, control, controlLength);
        if (LibC.Quiet.sendmsg(fd, message.msghdr, Linux.MSG_DONTWAIT) < 0) {
            throw new NativeException("sendmsg() to " + destination.getHostAddress()
                    + (source == null ? "" : " from " + source.getHostAddress()) + " on the " + label,
                    Native.getLastError());
        }
    }
}
