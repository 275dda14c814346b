package io.carp.netty.internal;

import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.StampedReceiver;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Reads the IPv4 protocol-112 socket on the epoll loop through a descriptor of its own (a {@code dup} of the one the
 * Netty channel owns, which no longer reads: its auto-read is off), into one buffer reused for every datagram. Netty's
 * datagram read allocates per packet (a {@code DatagramPacket}, two socket addresses, a sliced buffer and its NIO
 * view); this allocates nothing, so the protocol thread of a backup allocates nothing per advert heard. One
 * {@code recvmsg} per datagram brings its bytes and the kernel's receive timestamp ({@link StampedReceiver}).
 */
final class Ipv4Reader extends DatagramReader {
    private static final System.Logger LOG = System.getLogger(Ipv4Transport.class.getName());

    private final NativeSocket socket;
    private final String interfaceName;
    private final InboundRouter router;
    private final byte[] buffer;
    private final ByteBuffer view;
    private final StampedReceiver receiver;

    /**
     * @param socket        the duplicated descriptor, closed with this reader
     * @param interfaceName for log messages
     * @param router        where datagrams go (IP header included)
     * @param bufferSize    the largest datagram read whole
     * @throws io.carp.netty.internal.linux.NativeException if the socket's receive timestamps cannot be turned on
     */
    Ipv4Reader(NativeSocket socket, String interfaceName, InboundRouter router, int bufferSize) {
        super(socket.fd(), LOG, interfaceName, "IPv4 CARP socket");
        this.receiver = new StampedReceiver(socket);
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.router = router;
        this.buffer = new byte[bufferSize];
        this.view = ByteBuffer.wrap(buffer);
    }

    @Override
    boolean readOne() {
        int n = receiver.receive(buffer);
        if (n < 0) {
            return false;
        }
        view.clear().limit(n);
        try {
            router.receiveIpv4(view, receiver.lastArrival(arrivals));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, interfaceName + ": a received CARP packet could not be handled", e);
        }
        return true;
    }

    @Override
    void closeDescriptors() {
        socket.close();
    }
}
