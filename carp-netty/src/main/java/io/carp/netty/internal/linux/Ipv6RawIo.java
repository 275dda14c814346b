package io.carp.netty.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code recvmsg}/{@code sendmsg} on a non-blocking raw IPv6 socket, with the ancillary data Netty does not expose:
 * each received packet's hop limit and destination, and the source address of each sent one. Buffers are allocated
 * once; not thread-safe (used from the socket's event loop only).
 */
public final class Ipv6RawIo {
    private static final int MAX_PACKET = MessageHeader.MAX_PACKET;
    private static final int CONTROL_LEN = 256;

    private final NativeSocket socket;
    private final int ifindex;
    private final MessageHeader message = new MessageHeader();
    private final Memory name = new Memory(SocketAddresses.SOCKADDR_IN6_LEN);
    private final Memory control = new Memory(CONTROL_LEN);
    // Views of the native buffers and Java copies, made once: nothing is allocated per packet in steady state.
    private final ByteBuffer nameView;
    private final ByteBuffer controlView;
    private final ByteBuffer payloadView = ByteBuffer.wrap(message.bytes);
    private final byte[] raw = new byte[16];
    /** The last destination and source written into {@link #name} / {@link #control} (by identity), and the TC. */
    private Inet6Address nameFor;
    private Inet6Address controlSource;
    private int controlTrafficClass = -1;
    private int controlLength;
    /** The kernel's receive timestamp of the packet last received, if it came with one. */
    private long stampSeconds;
    private long stampNanos;
    private boolean stamped;
    /** The addresses last received, reused while the next packet's bytes are the same. */
    private final AddressCache sources = new AddressCache();
    private final AddressCache destinations = new AddressCache();

    /** A received packet. */
    public record Received(Inet6Address source, Inet6Address destination, int hopLimit, ByteBuffer payload) {
    }

    /** Takes a packet read by {@link #receive(Sink)}; called on the reading thread, before it returns. */
    public interface Sink {
        /**
         * One packet.
         *
         * @param source      its source (an object reused while the source stays the same)
         * @param destination its destination (ff02::12 if the kernel did not say)
         * @param hopLimit    its hop limit, -1 if the kernel did not say
         * @param payload     the bytes, position 0 to limit; valid only during this call (the buffer is reused)
         */
        void accept(Inet6Address source, Inet6Address destination, int hopLimit, ByteBuffer payload);
    }

    /**
     * Wraps a socket from {@link CarpSockets#openIpv6}.
     *
     * @param socket  the socket
     * @param ifindex its interface
     */
    public Ipv6RawIo(NativeSocket socket, int ifindex) {
        this.socket = socket;
        this.ifindex = ifindex;
        this.nameView = name.getByteBuffer(0, SocketAddresses.SOCKADDR_IN6_LEN).order(ByteOrder.nativeOrder());
        this.controlView = control.getByteBuffer(0, CONTROL_LEN).order(ByteOrder.nativeOrder());
        destinations.preset(SocketAddresses.ipv6Address(io.carp.internal.protocol.CarpConstants.IN6ADDR_CARP_GROUP));
    }

    /**
     * Reads one packet without blocking.
     *
     * @return the packet (its payload is a copy), or {@code null} if none is waiting
     * @throws NativeException on a socket error
     */
    public Received receive() {
        Received[] out = new Received[1];
        receive((source, destination, hopLimit, payload) -> {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            out[0] = new Received(source, destination, hopLimit, ByteBuffer.wrap(copy));
        });
        return out[0];
    }

    /**
     * Reads one packet without blocking and hands it to {@code sink}, allocating nothing in steady state (the
     * addresses are reused while they repeat, the payload buffer always).
     *
     * @param sink takes the packet
     * @return {@code false} if none was waiting
     * @throws NativeException on a socket error
     */
    public boolean receive(Sink sink) {
        message.prepare(MAX_PACKET, name, SocketAddresses.SOCKADDR_IN6_LEN, control, CONTROL_LEN);
        long n = LibC.Quiet.recvmsg(socket.fd(), message.msghdr, Linux.MSG_DONTWAIT);
        if (n < 0) {
            // no LastErrorException here: building one (message, stack trace) would allocate at every EAGAIN
            int errno = Native.getLastError();
            if (errno == Errno.EAGAIN) {
                return false;
            }
            throw new NativeException("recvmsg() on the " + socket.label(), errno);
        }
        int length = (int) Math.min(n, MAX_PACKET);
        int controlLimit = (int) Math.min(message.receivedControlLength(), CONTROL_LEN);
        int hopLimit = -1;
        stamped = false;
        Inet6Address destination = destinations.preset;
        int p = 0;
        while (p + ControlMessages.HEADER_LEN <= controlLimit) {
            long cmsgLength = controlView.getLong(p);
            if (cmsgLength < ControlMessages.HEADER_LEN || p + cmsgLength > controlLimit) {
                break;
            }
            int level = controlView.getInt(p + 8);
            int type = controlView.getInt(p + 12);
            int at = p + ControlMessages.HEADER_LEN;
            int dataLength = (int) cmsgLength - ControlMessages.HEADER_LEN;
            if (level == Linux.IPPROTO_IPV6 && type == Linux.IPV6_HOPLIMIT && dataLength >= 4) {
                hopLimit = controlView.getInt(at);
            } else if (level == Linux.IPPROTO_IPV6 && type == Linux.IPV6_PKTINFO
                    && dataLength >= ControlMessages.IN6_PKTINFO_LEN) {
                controlView.get(at, raw);
                destination = destinations.get(raw);
            } else if (level == Linux.SOL_SOCKET && type == Linux.SCM_TIMESTAMPNS && dataLength >= 16) {
                stampSeconds = controlView.getLong(at);
                stampNanos = controlView.getLong(at + 8);
                stamped = true;
            }
            p += (int) ((cmsgLength + 7) & ~7L);
        }
        nameView.get(8, raw);
        Inet6Address source = sources.get(raw);
        message.data.read(0, message.bytes, 0, length);
        payloadView.clear().limit(length);
        sink.accept(source, destination, hopLimit, payloadView);
        return true;
    }

    /**
     * The arrival of the packet last received (during {@link Sink#accept} or after it), from its
     * {@code SCM_TIMESTAMPNS} record (the socket's owner turns the stamps on: {@link ArrivalTimes#enable}).
     *
     * @param times the socket's clock mapping ({@link ArrivalTimes#startBatch} called for this batch)
     * @return a {@link io.carp.CarpClock#system()} time, or {@link ArrivalTimes#UNKNOWN} if it came without a stamp
     */
    public long lastArrival(ArrivalTimes times) {
        return stamped ? times.toMonotonic(stampSeconds, stampNanos) : ArrivalTimes.UNKNOWN;
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
     * Sends one packet without blocking, with a traffic class of its own. Allocates nothing while the destination and
     * source are the same objects as in the previous call (the socket addresses and control records are rewritten
     * only when they change).
     *
     * @param payload      the bytes, from position to limit (not consumed)
     * @param destination  e.g. ff02::12
     * @param source       the source address, or {@code null} to let the kernel choose
     * @param trafficClass the traffic class of this packet ({@code IPV6_TCLASS} record), or -1 for the socket's (0)
     * @throws NativeException on failure
     */
    public void send(ByteBuffer payload, Inet6Address destination, Inet6Address source, int trafficClass) {
        int length = message.copyIn(payload);
        if (destination != nameFor) {
            name.write(0, SocketAddresses.ipv6(destination, ifindex), 0, SocketAddresses.SOCKADDR_IN6_LEN);
            nameFor = destination;
        }
        if (source != controlSource || trafficClass != controlTrafficClass) {
            int at = 0;
            if (source != null) {
                ControlMessages.writePktinfo(controlView, at, source.getAddress(), ifindex);
                at += ControlMessages.PKTINFO_SPACE;
            }
            if (trafficClass >= 0) {
                ControlMessages.writeInt(controlView, at, Linux.IPPROTO_IPV6, Linux.IPV6_TCLASS, trafficClass);
                at += ControlMessages.INT_SPACE;
            }
            controlSource = source;
            controlTrafficClass = trafficClass;
            controlLength = at;
        }
        message.prepare(length, name, SocketAddresses.SOCKADDR_IN6_LEN, control, controlLength);
        long n = LibC.Quiet.sendmsg(socket.fd(), message.msghdr, Linux.MSG_DONTWAIT);
        if (n < 0) {
            throw new NativeException("sendmsg() to " + destination.getHostAddress()
                    + (source == null ? "" : " from " + source.getHostAddress()) + " on the " + socket.label(),
                    Native.getLastError());
        }
    }

    /** The address object of the last bytes seen, made again only when the bytes change. */
    private static final class AddressCache {
        private final byte[] last = new byte[16];
        private Inet6Address address;
        private Inet6Address preset;

        void preset(Inet6Address a) {
            preset = a;
        }

        Inet6Address get(byte[] raw) {
            if (address == null || !java.util.Arrays.equals(last, raw)) {
                System.arraycopy(raw, 0, last, 0, 16);
                address = preset != null && java.util.Arrays.equals(raw, preset.getAddress()) ? preset
                        : SocketAddresses.ipv6Address(raw.clone());
            }
            return address;
        }
    }
}
