package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * {@code sendto} of CARP bytes to one fixed IPv4 destination (224.0.0.18) on the raw protocol-112 socket, with
 * buffers made once in native memory: nothing is allocated or copied by JNA per packet (with {@code byte[]}
 * arguments, JNA's direct mapping allocates a native buffer per array and copies the whole array in and out on every
 * call). The kernel builds the IP header from the socket's options
 * ({@code IP_MULTICAST_TTL} 255, {@code IP_MULTICAST_IF}, TOS: set by {@link CarpSockets#openIpv4} and
 * {@link CarpSockets#setIpv4Source}). Not thread-safe (used from the socket's event loop only).
 */
public final class Ipv4MulticastSender {
    private static final int MAX_PACKET = 2048;

    private final int fd;
    private final String label;
    private final Memory destination;
    private final int destinationLength;
    private final Memory data = new Memory(MAX_PACKET);
    /** {@link #data} as a direct buffer, for a plain Java copy of the payload into it. */
    private final ByteBuffer dataView = data.getByteBuffer(0, MAX_PACKET);

    /**
     * @param fd          the descriptor of a socket from {@link CarpSockets#openIpv4} (may be owned by a Netty channel)
     * @param label       what it is, for error messages
     * @param destination where every packet goes
     */
    public Ipv4MulticastSender(int fd, String label, Inet4Address destination) {
        this.fd = fd;
        this.label = label;
        byte[] address = SocketAddresses.ipv4(destination);
        this.destination = new Memory(address.length);
        this.destination.write(0, address, 0, address.length);
        this.destinationLength = address.length;
    }

    /**
     * Sends one datagram without blocking.
     *
     * @param payload the CARP bytes, from position to limit (not consumed)
     * @return {@code false} if the socket's send buffer is full ({@code EAGAIN}; nothing sent), {@code true} if sent
     * @throws NativeException on any other failure
     */
    public boolean send(ByteBuffer payload) {
        int length = Math.min(payload.remaining(), MAX_PACKET);
        dataView.put(0, payload, payload.position(), length);
        try {
            LibC.sendto(fd, data, length, Linux.MSG_DONTWAIT, destination, destinationLength);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) {
                return false;
            }
            throw new NativeException("sendto() 224.0.0.18 on the " + label, e.getErrorCode());
        }
    }
}
