package io.carp.netty.internal.linux;

import io.carp.CarpClock;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A request/answer rtnetlink socket ({@code AF_NETLINK}, {@code NETLINK_ROUTE}): interface lookups and address
 * changes. The kernel answers rtnetlink requests while handling the send, so a call takes tens of microseconds; a
 * receive timeout of {@value #TIMEOUT_MILLIS} ms guards against the unexpected. Methods are synchronized: one request
 * at a time. The socket works on the network namespace it was opened in.
 */
public final class RtNetlink implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 2000;
    private static final int BUFFER_SIZE = 64 * 1024;

    /** Most prepared requests sent in one datagram by {@link #send(AddressRequest[], int)}. */
    public static final int MAX_BATCH = 32;
    private static final byte[] KERNEL = SocketAddresses.netlink(0);
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            int[].class, java.nio.ByteOrder.nativeOrder());
    private static final java.lang.invoke.VarHandle SHORT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            short[].class, java.nio.ByteOrder.nativeOrder());

    private final NativeSocket socket;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    /**
     * Acknowledgements are read into a small buffer of their own: JNA copies a Java array into native memory and
     * back on every call, so reading a 36-byte ack into the 64 KiB dump buffer would copy 128 KiB.
     */
    private final byte[] ackBuffer = new byte[4096];
    private final ByteBuffer view = ByteBuffer.wrap(ackBuffer).order(java.nio.ByteOrder.nativeOrder());
    private final byte[] batch = new byte[MAX_BATCH * 128];
    private final AddressRequest[] single = new AddressRequest[1];
    private int seq = (int) (CarpClock.system().nanoTime() & 0x3fff_ffff);

    private RtNetlink(NativeSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens a socket in the calling thread's network namespace. Needs no privilege; changing addresses later needs
     * {@code CAP_NET_ADMIN}.
     *
     * @return the socket
     * @throws NativeException if the socket cannot be opened
     */
    public static RtNetlink open() {
        NativeSocket s = NativeSocket.open(Linux.AF_NETLINK, Linux.SOCK_RAW | Linux.SOCK_CLOEXEC,
                Linux.NETLINK_ROUTE, "rtnetlink socket");
        try {
            s.bind(SocketAddresses.netlink(0), "AF_NETLINK");
            s.setReceiveTimeoutMillis(TIMEOUT_MILLIS);
            try {
                s.setInt(Linux.SOL_NETLINK, Linux.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            } catch (NativeException e) {
                // Older kernels: errors come without the kernel's explanation text.
            }
            return new RtNetlink(s);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Opens a non-blocking socket subscribed to link events ({@code RTMGRP_LINK}): every interface's
     * {@code RTM_NEWLINK}/{@code RTM_DELLINK}. Read it with {@link #readLinkEvents}.
     *
     * @return the socket
     */
    public static NativeSocket openLinkEvents() {
        NativeSocket s = NativeSocket.open(Linux.AF_NETLINK, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                Linux.NETLINK_ROUTE, "rtnetlink link-event socket");
        try {
            s.bind(SocketAddresses.netlink(Linux.RTMGRP_LINK), "AF_NETLINK RTMGRP_LINK");
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Reads every link event waiting on a socket from {@link #openLinkEvents()}, without blocking.
     *
     * @param socket the socket
     * @param buffer a scratch buffer of at least 8 KiB
     * @return the events in order (possibly empty)
     * @throws NativeException with {@link Errno#ENOBUFS} if the kernel dropped events (query the state again)
     */
    public static List<LinkInfo> readLinkEvents(NativeSocket socket, byte[] buffer) {
        List<LinkInfo> events = new ArrayList<>();
        int n;
        while ((n = socket.receive(buffer, false)) >= 0) {
            for (Netlink.Message m : Netlink.messages(ByteBuffer.wrap(buffer, 0, Math.min(n, buffer.length)))) {
                if (m.type() == Netlink.RTM_NEWLINK || m.type() == Netlink.RTM_DELLINK) {
                    LinkInfo link = Netlink.link(m);
                    if (link != null) {
                        events.add(link);
                    }
                }
            }
        }
        return events;
    }

    /**
     * Looks an interface up by name.
     *
     * @param name the interface name
     * @return the interface, or {@code null} if there is none of that name
     * @throws NativeException on any other failure
     */
    public synchronized LinkInfo link(String name) {
        return linkOrNull(Netlink.getLink(nextSeq(), name), "RTM_GETLINK " + name);
    }

    /**
     * Looks an interface up by index.
     *
     * @param ifindex the index
     * @return the interface, or {@code null} if it is gone
     */
    public synchronized LinkInfo link(int ifindex) {
        return linkOrNull(Netlink.getLink(nextSeq(), ifindex), "RTM_GETLINK ifindex " + ifindex);
    }

    /** Sends an {@code RTM_GETLINK} request: its one answer, or {@code null} on {@code ENODEV}. */
    private LinkInfo linkOrNull(byte[] message, String what) {
        try {
            return single(request(message, what, false));
        } catch (NativeException e) {
            if (e.errno() == Errno.ENODEV) {
                return null;
            }
            throw e;
        }
    }

    private static LinkInfo single(List<Netlink.Message> answers) {
        for (Netlink.Message m : answers) {
            if (m.type() == Netlink.RTM_NEWLINK) {
                return Netlink.link(m);
            }
        }
        return null;
    }

    /**
     * Every address of an interface.
     *
     * @param ifindex the interface index
     * @return its IPv4 and IPv6 addresses, in the kernel's order (primary first)
     */
    public synchronized List<AddressInfo> addresses(int ifindex) {
        List<AddressInfo> out = new ArrayList<>();
        for (Netlink.Message m : request(Netlink.dumpAddresses(nextSeq(), 0), "RTM_GETADDR", true)) {
            if (m.type() == Netlink.RTM_NEWADDR) {
                AddressInfo a = Netlink.address(m);
                if (a != null && a.ifindex() == ifindex) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /**
     * Adds an address, or renews its lifetimes if it is already there with the same prefix
     * ({@code NLM_F_CREATE | NLM_F_REPLACE}). IPv6 addresses are added without duplicate address detection.
     *
     * @param interfaceName   for the error message
     * @param ifindex         the interface index
     * @param address         the address
     * @param prefixLength    its prefix length
     * @param lifetimeSeconds the valid and preferred lifetime, or {@link AddressInfo#FOREVER}
     * @throws NativeException e.g. {@code RTM_NEWADDR 198.18.0.100/32 on veth0: EPERM (Operation not permitted)}
     */
    public synchronized void addAddress(String interfaceName, int ifindex, InetAddress address, int prefixLength,
                                        long lifetimeSeconds) {
        request(Netlink.newAddress(nextSeq(), ifindex, address, prefixLength, lifetimeSeconds),
                "RTM_NEWADDR " + cidr(address, prefixLength) + " on " + interfaceName, false);
    }

    /**
     * Removes an address.
     *
     * @param interfaceName for the error message
     * @param ifindex       the interface index
     * @param address       the address
     * @param prefixLength  its prefix length
     * @throws NativeException e.g. {@code EADDRNOTAVAIL} if it is not there
     */
    public synchronized void deleteAddress(String interfaceName, int ifindex, InetAddress address, int prefixLength) {
        request(Netlink.deleteAddress(nextSeq(), ifindex, address, prefixLength),
                "RTM_DELADDR " + cidr(address, prefixLength) + " on " + interfaceName, false);
    }

    /**
     * Prepares an {@code RTM_NEWADDR} (add, or renew the lifetimes of) one address, to be sent many times by
     * {@link #send(AddressRequest)} or {@link #send(AddressRequest[], int)}: the message and its description are built
     * once, so that sending allocates nothing.
     *
     * @param interfaceName   for the error message
     * @param ifindex         the interface index
     * @param address         the address
     * @param prefixLength    its prefix length
     * @param lifetimeSeconds the valid and preferred lifetime, or {@link AddressInfo#FOREVER}
     * @return the request
     */
    public static AddressRequest prepareAdd(String interfaceName, int ifindex, InetAddress address, int prefixLength,
                                            long lifetimeSeconds) {
        return prepareAdd(interfaceName, ifindex, address, prefixLength, lifetimeSeconds, false);
    }

    /**
     * As {@link #prepareAdd(String, int, InetAddress, int, long)}; with {@code exclusive} the request only adds
     * ({@code NLM_F_CREATE | NLM_F_EXCL}): the kernel refuses it with {@code EEXIST} if the address is already on the
     * interface, instead of renewing it.
     */
    public static AddressRequest prepareAdd(String interfaceName, int ifindex, InetAddress address, int prefixLength,
                                            long lifetimeSeconds, boolean exclusive) {
        byte[] message = Netlink.newAddress(0, ifindex, address, prefixLength, lifetimeSeconds);
        if (exclusive) {
            int flags = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL;
            java.nio.ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder()).putShort(6, (short) flags);
        }
        return new AddressRequest(message,
                "RTM_NEWADDR " + cidr(address, prefixLength) + " on " + interfaceName, address, prefixLength);
    }

    /** A prepared request for one address; see {@link #prepareAdd}. Not thread-safe: one sender at a time. */
    public static final class AddressRequest {
        private final byte[] message;
        private final String what;
        private final InetAddress address;
        private final int prefixLength;
        private int seq;
        private int errno;
        private String detail;

        AddressRequest(byte[] message, String what, InetAddress address, int prefixLength) {
            this.message = message;
            this.what = what;
            this.address = address;
            this.prefixLength = prefixLength;
        }

        /** The address. */
        public InetAddress address() {
            return address;
        }

        /** The prefix length it is added with. */
        public int prefixLength() {
            return prefixLength;
        }

        /** The failure of the last send, or {@code null} if the kernel acknowledged it. */
        public NativeException failure() {
            return errno == 0 ? null : new NativeException(what, errno, detail);
        }
    }

    /**
     * Sends one prepared request and waits for its acknowledgement. Allocates nothing when the kernel accepts it.
     *
     * @param request the request
     * @throws NativeException if the kernel refused it (or did not answer)
     */
    public synchronized void send(AddressRequest request) {
        request.seq = nextSeq();
        INT.set(request.message, 8, request.seq);
        request.errno = 0;
        request.detail = null;
        socket.sendTo(request.message, request.message.length, KERNEL, request.what);
        single[0] = request;
        try {
            awaitAcks(single, 1);
        } finally {
            single[0] = null;
        }
        NativeException f = request.failure();
        if (f != null) {
            throw f;
        }
    }

    /**
     * Sends up to {@link #MAX_BATCH} prepared requests in one datagram (one system call; the kernel handles them in
     * order) and waits for every acknowledgement. Each request's outcome is then in {@link AddressRequest#failure()}.
     * Allocates nothing when every request is accepted.
     *
     * @param requests the requests
     * @param count    how many of them, 1-{@link #MAX_BATCH}
     * @return how many failed
     * @throws NativeException if the datagram could not be sent or the kernel did not answer
     */
    public synchronized int send(AddressRequest[] requests, int count) {
        if (count < 1 || count > MAX_BATCH) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1-" + MAX_BATCH + ")");
        }
        int length = 0;
        for (int i = 0; i < count; i++) {
            AddressRequest r = requests[i];
            r.seq = nextSeq();
            r.errno = 0;
            r.detail = null;
            INT.set(r.message, 8, r.seq);
            if (length + r.message.length > batch.length) {
                throw new IllegalArgumentException("batch too large: " + (length + r.message.length) + " bytes");
            }
            System.arraycopy(r.message, 0, batch, length, r.message.length); // each message is 4-byte aligned
            length += r.message.length;
        }
        socket.sendTo(batch, length, KERNEL, "rtnetlink batch of RTM_NEWADDR requests");
        awaitAcks(requests, count);
        int failed = 0;
        for (int i = 0; i < count; i++) {
            if (requests[i].errno != 0) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * Sends up to {@link #MAX_BATCH} prepared requests in one datagram <i>without</i> asking for acknowledgements
     * ({@code NLM_F_ACK} cleared in the copy sent): the kernel answers only the requests it refuses (netlink always
     * reports an error, {@code netlink_rcv_skb} in net/netlink/af_netlink.c). rtnetlink handles a request inside the
     * sender's {@code sendmsg} (the kernel socket's input runs in the caller's context), so every error is queued on
     * this socket when the call returns; they are read without waiting until none is left. So a batch that succeeds
     * costs one {@code sendmsg} and one {@code poll}, not one {@code recv} per acknowledgement. Each request's outcome
     * is then in {@link AddressRequest#failure()}. Allocates nothing when every request is accepted.
     *
     * @param requests the requests
     * @param offset   the first one to send
     * @param count    how many, 1-{@link #MAX_BATCH}
     * @return how many failed
     * @throws NativeException if the datagram could not be sent, or errors were lost ({@code ENOBUFS}: the outcome of
     *                         the batch is unknown)
     */
    public synchronized int sendUnacknowledged(AddressRequest[] requests, int offset, int count) {
        if (count < 1 || count > MAX_BATCH) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1-" + MAX_BATCH + ")");
        }
        int length = 0;
        for (int i = 0; i < count; i++) {
            AddressRequest r = requests[offset + i];
            r.seq = nextSeq();
            r.errno = 0;
            r.detail = null;
            INT.set(r.message, 8, r.seq);
            if (length + r.message.length > batch.length) {
                throw new IllegalArgumentException("batch too large: " + (length + r.message.length) + " bytes");
            }
            System.arraycopy(r.message, 0, batch, length, r.message.length);
            short flags = (short) SHORT.get(batch, length + 6);
            SHORT.set(batch, length + 6, (short) (flags & ~Netlink.NLM_F_ACK));
            length += r.message.length;
        }
        socket.sendTo(batch, length, KERNEL, "rtnetlink batch of RTM_NEWADDR renewals");
        int failed = 0;
        while (socket.readable()) {
            int n = socket.receive(ackBuffer, false);
            if (n < 0) {
                break;
            }
            failed += readAcks(n, requests, offset, count) >>> 16;
        }
        return failed;
    }

    /**
     * Runs the code of {@link #send(AddressRequest)} once, ahead of a takeover, with a request the kernel refuses
     * without touching anything (an address for interface index 0: {@code ENODEV}), so that the first real claim does
     * not pay for loading and linking it. Failures are ignored.
     */
    public void warmUp() {
        try {
            send(prepareAdd("(warm-up)", 0, java.net.InetAddress.getByAddress(new byte[4]), 32, 1));
        } catch (NativeException | java.net.UnknownHostException e) {
            // expected: ENODEV
        }
    }

    /** Reads acknowledgements until each of the first {@code count} requests has one. */
    private void awaitAcks(AddressRequest[] requests, int count) {
        int pending = count;
        while (pending > 0) {
            int n = socket.receive(ackBuffer, true);
            if (n < 0) {
                throw new NativeException(requests[0].what + " (no answer from the kernel within " + TIMEOUT_MILLIS
                        + " ms)", Errno.EAGAIN);
            }
            pending -= readAcks(n, requests, 0, count) & 0xffff;
        }
    }

    /**
     * Reads the {@code NLMSG_ERROR} answers (acknowledgements and errors) in the first {@code n} bytes of the answer
     * buffer to {@code requests[offset..offset+count)}, and records each error in its request (the first one only;
     * a request's errno is reset when it is sent). Allocates nothing unless an error is recorded.
     *
     * @return the answers matched in the low 16 bits, the errors recorded in the high 16 bits (each at most
     *         the answers of one datagram: both fit)
     */
    private int readAcks(int n, AddressRequest[] requests, int offset, int count) {
        int firstSeq = requests[offset].seq;
        int answers = 0;
        int errors = 0;
        int end = Math.min(n, ackBuffer.length);
        int p = 0;
        while (p + Netlink.HEADER_LEN <= end) {
            int len = view.getInt(p);
            if (len < Netlink.HEADER_LEN || p + len > end) {
                break;
            }
            int type = view.getShort(p + 4) & 0xffff;
            int seq = view.getInt(p + 8);
            int i = seq - firstSeq;
            if (type == Netlink.NLMSG_ERROR && i >= 0 && i < count && requests[offset + i].seq == seq) {
                answers++;
                int code = len >= Netlink.HEADER_LEN + 4 ? view.getInt(p + Netlink.HEADER_LEN) : -Errno.EINVAL;
                AddressRequest r = requests[offset + i];
                if (code != 0 && r.errno == 0) {
                    r.errno = -code;
                    r.detail = errorText(p, len);
                    errors++;
                }
            }
            p += Netlink.align(len);
        }
        return errors << 16 | answers;
    }

    private String errorText(int p, int len) {
        List<Netlink.Message> one = Netlink.messages(ByteBuffer.wrap(ackBuffer, p, len));
        return one.isEmpty() ? null : Netlink.errorText(one.get(0));
    }

    /**
     * Creates a macvlan interface on a parent, down (see {@link Netlink#newMacvlan}), and returns it.
     *
     * @param name          at most 15 bytes
     * @param parentIfindex the parent
     * @param mac           its MAC, 6 bytes
     * @param bridgeMode    macvlan mode bridge instead of private
     * @param alias         its alias, or {@code null}
     * @param noLinkLocal   whether the kernel should give it no IPv6 link-local address (a second request)
     * @return the new interface
     * @throws NativeException e.g. {@code EEXIST} if the name is taken, {@code EADDRINUSE} if another macvlan of the
     *                         parent has the MAC
     */
    public synchronized LinkInfo createMacvlan(String name, int parentIfindex, byte[] mac, boolean bridgeMode,
                                               String alias, boolean noLinkLocal) {
        if (name.isEmpty() || name.length() > 15 || mac.length != 6) {
            throw new IllegalArgumentException("name " + name + " / mac " + mac.length
                    + " bytes (expected: 1-15 characters / 6 bytes)");
        }
        request(Netlink.newMacvlan(nextSeq(), name, parentIfindex, mac,
                bridgeMode ? Netlink.MACVLAN_MODE_BRIDGE : Netlink.MACVLAN_MODE_PRIVATE),
                "RTM_NEWLINK macvlan " + name + " on ifindex " + parentIfindex, false);
        LinkInfo created = link(name);
        if (created == null) {
            throw new NativeException("RTM_NEWLINK macvlan " + name + " (gone right after creation)", Errno.ENODEV);
        }
        try {
            request(Netlink.configureLink(nextSeq(), created.ifindex(), alias == null ? "" : alias, noLinkLocal),
                    "RTM_NEWLINK " + name + " alias" + (noLinkLocal ? ", IFLA_INET6_ADDR_GEN_MODE none" : ""), false);
        } catch (NativeException e) {
            request(Netlink.deleteLink(nextSeq(), created.ifindex()), "RTM_DELLINK " + name, false);
            throw e;
        }
        return created;
    }

    /**
     * Sets an interface administratively up or down.
     *
     * @param interfaceName for the error message
     * @param ifindex       the interface
     * @param up            up or down
     */
    public synchronized void setUp(String interfaceName, int ifindex, boolean up) {
        request(Netlink.setLinkUp(nextSeq(), ifindex, up), "RTM_NEWLINK " + (up ? "up " : "down ") + interfaceName,
                false);
    }

    /**
     * Deletes an interface.
     *
     * @param interfaceName for the error message
     * @param ifindex       the interface
     * @throws NativeException {@code ENODEV} if it is gone already
     */
    public synchronized void deleteLink(String interfaceName, int ifindex) {
        request(Netlink.deleteLink(nextSeq(), ifindex), "RTM_DELLINK " + interfaceName, false);
    }

    /**
     * Every interface of the namespace with its parent, kind and alias.
     *
     * @return the interfaces
     */
    public synchronized List<LinkDetails> links() {
        List<LinkDetails> out = new ArrayList<>();
        for (Netlink.Message m : request(Netlink.dumpLinks(nextSeq()), "RTM_GETLINK dump", true)) {
            if (m.type() == Netlink.RTM_NEWLINK) {
                LinkDetails d = Netlink.linkDetails(m);
                if (d != null) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    static String cidr(InetAddress address, int prefixLength) {
        return address.getHostAddress() + "/" + prefixLength;
    }

    /** Sends one request and collects the answers up to its ack (or the end of a dump). */
    private List<Netlink.Message> request(byte[] message, String what, boolean dump) {
        int requestSeq = ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder()).getInt(8);
        socket.sendTo(message, message.length, SocketAddresses.netlink(0), what);
        List<Netlink.Message> answers = new ArrayList<>();
        while (true) {
            int n = socket.receive(buffer, true);
            if (n < 0) {
                throw new NativeException(what + " (no answer from the kernel within " + TIMEOUT_MILLIS + " ms)",
                        Errno.EAGAIN);
            }
            for (Netlink.Message m : Netlink.messages(ByteBuffer.wrap(buffer, 0, Math.min(n, buffer.length)))) {
                if (m.seq() != requestSeq) {
                    continue; // a late answer to an earlier, timed-out request
                }
                if (m.type() == Netlink.NLMSG_ERROR) {
                    int code = Netlink.errorCode(m);
                    if (code != 0) {
                        String text = Netlink.errorText(m);
                        throw new NativeException(what, code, text);
                    }
                    return answers;
                }
                if (m.type() == Netlink.NLMSG_DONE) {
                    return answers;
                }
                answers.add(copy(m));
                if (!dump && (m.flags() & Netlink.NLM_F_MULTI) == 0) {
                    return answers; // a plain GET answer comes without an ack unless NLM_F_ACK was set
                }
            }
        }
    }

    private static Netlink.Message copy(Netlink.Message m) {
        ByteBuffer p = ByteBuffer.allocate(m.payload().remaining()).order(java.nio.ByteOrder.nativeOrder());
        p.put(m.payload().duplicate()).flip();
        return new Netlink.Message(m.type(), m.flags(), m.seq(), m.pid(), p);
    }

    private int nextSeq() {
        return ++seq;
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close() {
        socket.close();
    }
}
