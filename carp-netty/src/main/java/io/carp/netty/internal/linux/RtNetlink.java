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

    private final NativeSocket socket;
    private final byte[] buffer = new byte[BUFFER_SIZE];
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
