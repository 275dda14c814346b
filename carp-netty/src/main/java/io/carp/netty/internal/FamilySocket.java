package io.carp.netty.internal;

import io.carp.internal.protocol.CarpConstants;
import io.carp.spi.RuntimeBinding;

import io.carp.IpFamily;
import io.carp.netty.internal.linux.AddressInfo;
import io.carp.spi.GroupEndpoint;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What an interface holds for one address family: the shared CARP socket ({@link FamilyTransport}, opened when the
 * first group of the family attaches and closed after the last one), the {@link InboundRouter} that hands its packets
 * to the groups, and the source address adverts are sent from (pinned by a group's configuration, else the
 * interface's own, cached). One class for both families: what differs lives in the transports.
 *
 * <p>Threads: open, register, membership and pinning run under the runtime's lock; sends, announcements and the
 * source look-up run on the event loop.
 */
final class FamilySocket {
    private static final InetAddress GROUP_V4 = group(CarpConstants.INADDR_CARP_GROUP);
    private static final InetAddress GROUP_V6 = group(CarpConstants.IN6ADDR_CARP_GROUP);
    private static final System.Logger LOG = System.getLogger(InterfaceContext.class.getName());
    /** How long an interface's own source address is cached. */
    private static final long SOURCE_REFRESH_NANOS = 10_000_000_000L;
    /**
     * How many times an interface's source address was read (an {@code RTM_GETADDR} dump on the protocol thread, which
     * allocates: the one periodic allocation of a master in steady state, every {@link #SOURCE_REFRESH_NANOS}). Read
     * by the allocation root test, which measures again when a read fell into its window.
     */
    static final java.util.concurrent.atomic.LongAdder SOURCE_READS = new java.util.concurrent.atomic.LongAdder();
    /** How soon to look again when the interface had no usable address (e.g. IPv6 link-local still tentative). */
    private static final long SOURCE_RETRY_NANOS = 1_000_000_000L;
    /**
     * IPv4 TOS and IPv6 traffic class of VRRP adverts: 0xc0 (IPTOS_PREC_INTERNETCONTROL, DSCP CS6), as keepalived
     * sends them ({@code vrrp_build_ip4} in keepalived's {@code vrrp.c}, {@code if_setsockopt_priority} in
     * {@code vrrp_if.c}); RFC 9568 section 5.1 sets no value for either. CARP adverts keep the socket's (low delay /
     * 0).
     */
    static final int VRRP_TOS = io.carp.internal.vrrp.VrrpCodec.IPV4_TOS;

    final IpFamily family;
    final InboundRouter router;
    private final String interfaceName;
    private final String groupName;
    private final Supplier<Iterable<AddressInfo>> interfaceAddresses;
    private final Predicate<InetAddress> isVirtual;
    private final io.carp.CarpClock clock;
    private volatile FamilyTransport transport;
    private volatile InetAddress pinned;
    private volatile InetAddress resolved;
    private volatile long resolvedAt;
    private volatile boolean valid;

    FamilySocket(IpFamily family, String interfaceName, Supplier<Iterable<AddressInfo>> interfaceAddresses,
                 Predicate<InetAddress> isVirtual, io.carp.CarpClock clock) {
        this.family = family;
        this.router = new InboundRouter(family);
        this.interfaceName = interfaceName;
        this.groupName = family == IpFamily.IPV4 ? "224.0.0.18" : "ff02::12";
        this.interfaceAddresses = interfaceAddresses;
        this.isVirtual = isVirtual;
        this.clock = clock;
    }

    /** {@code IPv4} or {@code IPv6}, for messages. */
    String label() {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }

    /** The socket, or {@code null} while no group of the family is attached. */
    FamilyTransport transport() {
        return transport;
    }

    /** Under the runtime lock: opens the socket if none is open; {@code open} gets the source to pin, or null. */
    void ensureOpen(Function<InetAddress, FamilyTransport> open, InetAddress pinnedSource) {
        if (transport == null) {
            transport = open.apply(pinnedSource);
        }
    }

    /**
     * Under the runtime lock: refuses a pinned source that differs from the one another group on the interface
     * already sends from (the socket is shared, and so is its source).
     */
    void checkSource(InetAddress wanted) {
        InetAddress current = pinned;
        if (wanted != null && current != null && !current.equals(wanted)) {
            throw new IllegalStateException("sourceAddress " + wanted.getHostAddress() + " differs from "
                    + current.getHostAddress() + ", which another group on " + interfaceName + " already sends from;"
                    + " every group on an interface shares its CARP socket and so its source address");
        }
    }

    /** Under the runtime lock: pins the source address (on the socket too where the family needs it). */
    void pin(InetAddress source) {
        FamilyTransport t = transport;
        if (!source.equals(pinned) && t != null) {
            t.pinSource(source);
        }
        pinned = source;
    }

    /** The source pinned by a group's configuration, or {@code null}. */
    InetAddress pinnedSource() {
        return pinned;
    }

    /** Under the runtime lock: no remaining group pins a source; forget it (and unpin the socket if it stays open). */
    void unpin() {
        FamilyTransport t = transport;
        if (pinned != null && t != null && !router.isEmpty()) {
            t.pinSource(null);
        }
        pinned = null;
    }

    void register(GroupEndpoint group, AdvertTargets targets) {
        router.register(group, targets);
    }

    void unregister(GroupEndpoint group) {
        router.unregister(group);
    }

    /**
     * Under the runtime lock: the socket is a member of its multicast group while some group of the family uses
     * multicast. A failure to leave is only logged: the group is still filtered out by the vhid look-up.
     */
    void updateMembership() {
        FamilyTransport t = transport;
        if (t == null) {
            return;
        }
        try {
            t.setMember(router.hasMulticastGroup());
        } catch (RuntimeException e) {
            if (router.hasMulticastGroup()) {
                throw e; // a multicast group would not hear its peers
            }
            LOG.log(Level.DEBUG, "{0}: leaving {1}: {2}", interfaceName, groupName, e.getMessage());
        }
    }

    /** Under the runtime lock: the socket if no group needs it any more (the caller closes it on the loop). */
    FamilyTransport detachIfUnused() {
        FamilyTransport t = transport;
        if (t != null && router.isEmpty()) {
            transport = null;
            pinned = null;
            return t;
        }
        return null;
    }

    /** Detaches the socket whatever uses it (the interface closes). */
    FamilyTransport detachAll() {
        FamilyTransport t = transport;
        transport = null;
        return t;
    }

    /** Completes when the socket (if any) is registered on the loop. */
    Future<?> registration() {
        FamilyTransport t = transport;
        return t == null ? null : t.registration();
    }

    /**
     * On the loop: sends one advert to the multicast group, or in unicast mode to each peer but our own source
     * address (so that every node can be given the same peer list). A peer that cannot be reached does not stop the
     * others; the first failure is thrown afterwards.
     */
    void send(ByteBuffer carpHeader, AdvertTargets targets) {
        sendEach(carpHeader, null, targets, false, FamilyTransport.SOCKET_TOS);
    }

    /**
     * On the loop: sends one VRRP advert as {@link #send} does, asking {@code message} for the bytes of each
     * destination, since VRRPv3's checksum covers the source and destination addresses (RFC 9568 §5.2.8). The source
     * given to it is {@link #sourceAddress()}: the pinned address, else the one the kernel picks (IPv4: the first
     * primary address; IPv6: the link-local one).
     *
     * @throws IllegalStateException if the interface has no usable address of the family yet
     */
    void sendVrrp(RuntimeBinding.VrrpMessage message, AdvertTargets targets) {
        sendEach(null, message, targets, true, VRRP_TOS);
    }

    /**
     * Sends adverts out of a virtual MAC interface through a socket of its own (IPv6: the socket on this interface
     * cannot send through another one).
     */
    interface ViaSender {
        /** The source address the packets leave with (an address on the virtual MAC interface). */
        InetAddress source();

        /**
         * Sends the bytes (from position to limit, not consumed) to one destination.
         *
         * @param tos the traffic class, or {@link FamilyTransport#SOCKET_TOS} for the socket's
         */
        void send(ByteBuffer bytes, InetAddress destination, int tos);
    }

    /**
     * On the loop: as {@link #sendVrrp}, out of a virtual MAC interface ({@code ifindex}) stacked on this one: through
     * {@code via} if given, else through this family's socket ({@code IP_PKTINFO} names the interface; IPv4).
     */
    void sendVrrpVia(RuntimeBinding.VrrpMessage message, AdvertTargets targets, int ifindex, ViaSender via) {
        sendThrough(null, message, targets, ifindex, via, VRRP_TOS);
    }

    /** The bytes for one destination: the fixed CARP bytes, or the VRRP message's (no lambda per advert). */
    private static ByteBuffer bytes(ByteBuffer fixed, RuntimeBinding.VrrpMessage message, InetAddress self,
                                    InetAddress destination) {
        return message == null ? fixed : message.bytes(self, destination);
    }

    private void sendEach(ByteBuffer fixed, RuntimeBinding.VrrpMessage message, AdvertTargets targets,
                          boolean needSource, int tos) {
        FamilyTransport t = transport;
        if (t == null) {
            throw new IllegalStateException("no " + label() + " CARP socket is open on " + interfaceName);
        }
        InetAddress source = pinned;
        InetAddress self = sourceAddress();
        if (needSource && self == null) {
            throw new IllegalStateException("no usable " + label() + " address on " + interfaceName
                    + " to send VRRP from");
        }
        if (!targets.isUnicast(family)) {
            t.sendMulticast(bytes(fixed, message, self, family == IpFamily.IPV4 ? GROUP_V4 : GROUP_V6), source, tos);
            return;
        }
        RuntimeException first = null;
        int failed = 0;
        java.util.List<InetAddress> peers = targets.peers(family);
        for (int i = 0; i < peers.size(); i++) { // indexed: no iterator per advert
            InetAddress peer = peers.get(i);
            if (peer.equals(self)) {
                continue;
            }
            try {
                t.sendUnicast(bytes(fixed, message, self, peer), peer, source, tos);
            } catch (RuntimeException e) {
                failed++;
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw failed == 1 ? first : new IllegalStateException(first.getMessage() + " (and " + (failed - 1)
                    + " more peer" + (failed > 2 ? "s" : "") + ")", first);
        }
    }

    /**
     * On the loop: as {@link #send}, but out of a virtual MAC interface ({@code ifindex}) stacked on this one, from
     * this family's source address (pinned or the interface's own), or through {@code via} from its source.
     */
    void sendVia(ByteBuffer carpHeader, AdvertTargets targets, int ifindex, ViaSender via) {
        sendThrough(carpHeader, null, targets, ifindex, via, FamilyTransport.SOCKET_TOS);
    }

    private void sendThrough(ByteBuffer fixed, RuntimeBinding.VrrpMessage message, AdvertTargets targets,
                             int ifindex, ViaSender via, int tos) {
        FamilyTransport t = transport;
        InetAddress self = via != null ? via.source() : sourceAddress();
        if (t == null || self == null) {
            throw new IllegalStateException("no " + label() + " socket or source address on " + interfaceName
                    + " to send from through the virtual MAC interface");
        }
        if (!targets.isUnicast(family)) {
            InetAddress group = family == IpFamily.IPV4 ? GROUP_V4 : GROUP_V6;
            if (via != null) {
                via.send(bytes(fixed, message, self, group), group, tos);
            } else {
                t.sendVia(bytes(fixed, message, self, group), group, self, ifindex, tos);
            }
            return;
        }
        java.util.List<InetAddress> peers = targets.peers(family);
        for (int i = 0; i < peers.size(); i++) {
            InetAddress peer = peers.get(i);
            if (peer.equals(self) || peer.equals(sourceAddress())) {
                continue;
            }
            if (via != null) {
                via.send(bytes(fixed, message, self, peer), peer, tos);
            } else {
                t.sendVia(bytes(fixed, message, self, peer), peer, self, ifindex, tos);
            }
        }
    }

    /** On the loop: a gratuitous ARP out of a virtual MAC interface, if the socket is open. */
    void announceVia(byte[] mac, InetAddress address, int ifindex) {
        FamilyTransport t = transport;
        if (t != null) {
            t.announceVia(mac, address, ifindex);
        }
    }

    /** On the loop: a gratuitous ARP / unsolicited NA for a virtual address, if the socket is open. */
    void announce(byte[] mac, InetAddress address) {
        FamilyTransport t = transport;
        if (t != null) {
            t.announce(mac, address);
        }
    }

    /** Prepares the announcements of a group's addresses (see {@link FamilyTransport#prepareAnnouncements}). */
    void prepareAnnouncements(byte[] mac, java.util.List<InetAddress> addresses) {
        FamilyTransport t = transport;
        if (t != null) {
            t.prepareAnnouncements(mac, addresses);
        }
    }

    /** The source address of the family: pinned by a group's configuration, else the interface's own (cached). */
    InetAddress sourceAddress() {
        InetAddress p = pinned;
        if (p != null) {
            return p;
        }
        long now = clock.nanoTime();
        long maxAge = resolved == null ? SOURCE_RETRY_NANOS : SOURCE_REFRESH_NANOS;
        if (!valid || now - resolvedAt >= maxAge) {
            SOURCE_READS.increment();
            try {
                InetAddress fresh = resolveSource();
                if (!java.util.Objects.equals(fresh, resolved)) {
                    resolved = fresh; // the same object while the address stays: senders cache by identity
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "{0}: reading the interface addresses: {1}", interfaceName, e.getMessage());
            }
            resolvedAt = now;
            valid = true;
        }
        return resolved;
    }

    /** The link came back: look the source address up again. */
    void invalidateSource() {
        valid = false;
    }

    /** IPv4: the first primary address, as the kernel picks; IPv6: the usable link-local address. */
    private InetAddress resolveSource() {
        InetAddress fallback = null;
        for (AddressInfo a : interfaceAddresses.get()) {
            InetAddress address = a.address();
            if (IpFamily.of(address) != family || isVirtual.test(address) || !a.usable()) {
                continue;
            }
            boolean preferred = family == IpFamily.IPV4 ? !a.secondary() : address.isLinkLocalAddress();
            if (preferred) {
                return address;
            }
            if (fallback == null) {
                fallback = address;
            }
        }
        return fallback;
    }

    private static InetAddress group(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
