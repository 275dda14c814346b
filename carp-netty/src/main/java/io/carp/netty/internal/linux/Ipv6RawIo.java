package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code recvmsg}/{@code sendmsg} on a non-blocking raw IPv6 socket, with the ancillary data Netty does not expose:
 * each received packet's hop limit and destination, and the source address of each sent one. Buffers are allocated
 * once; not thread-safe (used from the socket's event loop only).
 */
public final class Ipv6RawIo {
    private static final int MAX_PACKET = 2048;
    private static final int CONTROL_LEN = 256;
    private static final int MSGHDR_LEN = 56;
    private static final int IOVEC_LEN = 16;

    private final NativeSocket socket;
    private final int ifindex;
    private final Memory data = new Memory(MAX_PACKET);
    private final Memory name = new Memory(SocketAddresses.SOCKADDR_IN6_LEN);
    private final Memory control = new Memory(CONTROL_LEN);
    private final Memory iov = new Memory(IOVEC_LEN);
    private final Memory msghdr = new Memory(MSGHDR_LEN);

    /** A received packet. */
    public record Received(Inet6Address source, Inet6Address destination, int hopLimit, ByteBuffer payload) {
    }

    /**
     * Wraps a socket from {@link CarpSockets#openIpv6}.
     *
     * @param socket  the socket
     * @param ifindex its interface
     */
    public Ipv6RawIo(NativeSocket socket, int ifindex) {
        if (Native.POINTER_SIZE != 8) {
            throw new IllegalStateException("the Linux transport needs a 64-bit JVM (pointer size "
                    + Native.POINTER_SIZE + ")");
        }
        this.socket = socket;
        this.ifindex = ifindex;
    }

    /**
     * Reads one packet without blocking.
     *
     * @return the packet (its payload is a copy), or {@code null} if none is waiting
     * @throws NativeException on a socket error
     */
    public Received receive() {
        prepare(MAX_PACKET, name, SocketAddresses.SOCKADDR_IN6_LEN, control, CONTROL_LEN);
        long n;
        try {
            n = LibC.recvmsg(socket.fd(), msghdr, Linux.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) {
                return null;
            }
            throw new NativeException("recvmsg() on the " + socket.label(), e.getErrorCode());
        }
        int length = (int) Math.min(n, MAX_PACKET);
        long controlLength = Math.min(msghdr.getLong(40), CONTROL_LEN);
        ControlMessages.Ipv6Info info = ControlMessages.parseIpv6(
                control.getByteBuffer(0, controlLength).order(ByteOrder.nativeOrder()));
        Inet6Address source = SocketAddresses.decodeIpv6(
                name.getByteBuffer(0, SocketAddresses.SOCKADDR_IN6_LEN).order(ByteOrder.nativeOrder()), 0);
        Inet6Address destination = info.destination() != null ? info.destination()
                : SocketAddresses.ipv6Address(io.carp.internal.protocol.CarpConstants.IN6ADDR_CARP_GROUP);
        byte[] payload = data.getByteArray(0, length);
        return new Received(source, destination, info.hopLimit(), ByteBuffer.wrap(payload));
    }

    /**
     * Sends one packet without blocking.
     *
     * @param payload     the bytes, from position to limit (not consumed)
     * @param destination e.g. ff02::12
     * @param source      the source address, or {@code null} to let the kernel choose
     * @throws NativeException on failure
     */
    public void send(ByteBuffer payload, Inet6Address destination, Inet6Address source) {
        send(payload, destination, source, -1);
    }

    /**
     * Sends one packet without blocking, with a traffic class of its own.
     *
     * @param payload      the bytes, from position to limit (not consumed)
     * @param destination  e.g. ff02::12
     * @param source       the source address, or {@code null} to let the kernel choose
     * @param trafficClass the traffic class of this packet ({@code IPV6_TCLASS} record), or -1 for the socket's (0)
     * @throws NativeException on failure
     */
    public void send(ByteBuffer payload, Inet6Address destination, Inet6Address source, int trafficClass) {
        int length = Math.min(payload.remaining(), MAX_PACKET);
        byte[] bytes = new byte[length];
        payload.duplicate().get(bytes);
        data.write(0, bytes, 0, length);
        byte[] to = SocketAddresses.ipv6(destination, ifindex);
        name.write(0, to, 0, to.length);
        int controlLength = 0;
        if (source != null) {
            ControlMessages.writePktinfo(control.getByteBuffer(0, ControlMessages.PKTINFO_SPACE), source, ifindex);
            controlLength += ControlMessages.PKTINFO_SPACE;
        }
        if (trafficClass >= 0) {
            ControlMessages.writeInt(control.getByteBuffer(controlLength, ControlMessages.INT_SPACE),
                    Linux.IPPROTO_IPV6, Linux.IPV6_TCLASS, trafficClass);
            controlLength += ControlMessages.INT_SPACE;
        }
        prepare(length, name, to.length, controlLength > 0 ? control : null, controlLength);
        try {
            LibC.sendmsg(socket.fd(), msghdr, Linux.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            throw new NativeException("sendmsg() to " + destination.getHostAddress()
                    + (source == null ? "" : " from " + source.getHostAddress()) + " on the " + socket.label(),
                    e.getErrorCode());
        }
    }

    private void prepare(int dataLength, Pointer nameBuffer, int nameLength, Pointer controlBuffer,
                         int controlLength) {
        iov.setPointer(0, data);
        iov.setLong(8, dataLength);
        msghdr.clear();
        msghdr.setPointer(0, nameBuffer);
        msghdr.setInt(8, nameLength);
        msghdr.setPointer(16, iov);
        msghdr.setLong(24, 1);
        msghdr.setPointer(32, controlBuffer);
        msghdr.setLong(40, controlLength);
        msghdr.setInt(48, 0);
    }
}
