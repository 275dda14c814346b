package io.carp.testkit;

import io.carp.AddressManager;
import io.carp.CarpClock;
import io.carp.CarpGroup;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.IpFamily;
import io.carp.internal.group.DefaultCarpGroup;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpConstants;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.InboundPacket;
import io.carp.spi.CarpDispatcher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One node's runtime driven by hand: the groups built on it run on a virtual clock that moves only inside
 * {@link #advanceBy(Duration)} and {@link #runPending()}, on the calling (test) thread; what they send is recorded in
 * {@link #sent()}; and the test plays every peer by handing in {@link PeerAdvertisement}s or raw packets (the
 * MockWebServer idea). No network, no other node, no root. Use it to test code that reacts to one group, or a metrics
 * or logging integration; use {@link SimulatedNetwork} to test elections between nodes.
 *
 * <pre>{@code
 * ManualRuntime runtime = ManualRuntime.create();
 * CarpGroup group = CarpGroup.builder().runtime(runtime).vhid(1).password("s3cret")
 *         .virtualAddress("198.18.0.100").advskew(100).callbackExecutor(Runnable::run).build();
 * group.start();                                         // BACKUP
 * runtime.advanceBy(Duration.ofMillis(3391));            // nobody advertised: MASTER
 * runtime.receive(PeerAdvertisement.from("198.18.0.1").vhid(1).password("s3cret")
 *         .virtualAddress("198.18.0.100").advskew(0));   // a faster master preempts: BACKUP
 * }</pre>
 *
 * <p>Addresses are "held" in memory only (see {@link #heldAddresses()}); every call to the address manager is listed
 * in {@link #addressCalls()}. Several groups (distinct vhids) may share one runtime.
 *
 * <p>Threads: the thread that creates the runtime is the groups' protocol thread; drive the runtime from it. Calls
 * that other threads make on a group (a callback, a signal handler) are queued and run at that thread's next
 * {@link #runPending()} or {@link #advanceBy}. Give groups a direct callback executor ({@code Runnable::run}) to have
 * callbacks run inline.
 */
public final class ManualRuntime implements CarpRuntime {
    private final VirtualClock clock = new VirtualClock();
    private final ManualLoop loop = new ManualLoop(clock);
    private final CarpDispatcher dispatcher = new CarpDispatcher();
    private final InetAddress ipv4;
    private final InetAddress ipv6;
    private final List<RecordedAdvertisement> sent = new ArrayList<>();
    private final List<String> addressCalls = new ArrayList<>();
    private final Set<InetAddress> held = new LinkedHashSet<>();
    private final AddressManager addresses = new RecordingAddresses();
    private boolean linkUp = true;
    private int failingSends;
    private boolean failClaim;
    private boolean failRelease;
    private boolean failRefresh;
    private Duration claimTakes = Duration.ZERO;
    private long ipId;
    private int attached;

    private ManualRuntime(InetAddress ipv4, InetAddress ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** A runtime whose node has the addresses 198.18.0.2 and 2001:db8::2, at virtual time 0, link up. */
    public static ManualRuntime create() {
        return create("198.18.0.2", "2001:db8::2");
    }

    /**
     * A runtime whose node has these addresses (its adverts' sources, and how it recognises its own packets and breaks
     * ties).
     *
     * @param ipv4 an IPv4 literal
     * @param ipv6 an IPv6 literal
     * @throws IllegalArgumentException if either is not a literal of its family
     */
    public static ManualRuntime create(String ipv4, String ipv6) {
        return new ManualRuntime(Addresses.parse("ipv4", ipv4, Inet4Address.class),
                Addresses.parse("ipv6", ipv6, Inet6Address.class));
    }

    // ------------------------------------------------------------------------------------------------ time

    /** The runtime's clock (virtual nanoseconds from 0). */
    public CarpClock clock() {
        return clock;
    }

    /** The virtual time elapsed since the runtime was created. */
    public Duration now() {
        return clock.elapsed();
    }

    /**
     * Lets time pass: runs every timer due within {@code duration}, in order, each at its own deadline.
     *
     * @param duration zero or more
     */
    public void advanceBy(Duration duration) {
        loop.advanceTo(clock.nanoTime() + Times.checkNonNegative("duration", duration));
    }

    /** Runs the tasks already due (e.g. work a group queued for the next turn of its loop), without moving time. */
    public void runPending() {
        loop.runPending();
    }

    // ------------------------------------------------------------------------------------------------ peers

    /**
     * Delivers a peer's advertisement to the groups on this runtime, as the socket would, and runs what is due.
     *
     * @param advertisement the packet; its source decides IPv4 or IPv6
     */
    public void receive(PeerAdvertisement advertisement) {
        byte[] packet = advertisement.toPacket();
        if (advertisement.isIpv6()) {
            receiveIpv6(packet);
        } else {
            receiveIpv4(packet);
        }
    }

    /**
     * Delivers raw bytes as an IPv4 raw socket receives them (IP header included): anything, including VRRP, garbage
     * or a truncated packet; what is not a valid advertisement is dropped and counted.
     *
     * @param datagram the IPv4 datagram
     */
    public void receiveIpv4(byte[] datagram) {
        dispatcher.receiveIpv4(ByteBuffer.wrap(datagram.clone()));
        runPending();
    }

    /**
     * Delivers raw bytes as an IPv6 packet with its fixed header.
     *
     * @param packet the IPv6 packet
     */
    public void receiveIpv6(byte[] packet) {
        dispatcher.receiveIpv6(ByteBuffer.wrap(packet.clone()));
        runPending();
    }

    // ------------------------------------------------------------------------------------------------ faults

    /** The interface goes down (or loses carrier): every group goes to INIT. */
    public void linkDown() {
        setLink(false);
    }

    /** The interface comes back: every group rejoins as BACKUP. */
    public void linkUp() {
        setLink(true);
    }

    private void setLink(boolean up) {
        if (linkUp != up) {
            linkUp = up;
            dispatcher.forEachGroup(g -> g.onLinkStateChanged(up));
            runPending();
        }
    }

    /** The next {@code count} advertisement sends fail as a socket would (the group counts send errors). */
    public void failNextSends(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: 0 or more)");
        }
        this.failingSends = count;
    }

    /** Whether adding the virtual addresses fails (the group demotes itself, as when the kernel refuses them). */
    public void failClaim(boolean fail) {
        this.failClaim = fail;
    }

    /** Whether removing the virtual addresses fails. */
    public void failRelease(boolean fail) {
        this.failRelease = fail;
    }

    /** Whether renewing the virtual addresses' lifetime fails (the group demotes itself). */
    public void failRefresh(boolean fail) {
        this.failRefresh = fail;
    }

    /** How long each claim of the addresses takes, in virtual time (default zero). */
    public void claimTakes(Duration duration) {
        this.claimTakes = Duration.ofNanos(Times.checkNonNegative("duration", duration));
    }

    // ------------------------------------------------------------------------------------------------ observations

    /** Every advertisement the groups sent, in order (the bow-out included). */
    public List<RecordedAdvertisement> sent() {
        return Collections.unmodifiableList(sent);
    }

    /**
     * The calls made to the address manager, in order, with the addresses: e.g. {@code claim [198.18.0.100]},
     * {@code release [...]}, {@code announce [...]}, {@code refresh [...]}.
     */
    public List<String> addressCalls() {
        return Collections.unmodifiableList(addressCalls);
    }

    /** The addresses currently held by a MASTER on this runtime. */
    public List<InetAddress> heldAddresses() {
        return List.copyOf(held);
    }

    /** Whether the address (a literal) is currently held. */
    public boolean holdsAddress(String address) {
        return held.contains(Addresses.parse("address", address, InetAddress.class));
    }

    /** Forgets what {@link #sent()} and {@link #addressCalls()} recorded so far. */
    public void clearRecorded() {
        sent.clear();
        addressCalls.clear();
    }

    // ------------------------------------------------------------------------------------------------ runtime

    /** Creates a group on this runtime; called by {@link io.carp.CarpGroupBuilder#build()}. */
    @Override
    public CarpGroup createGroup(GroupSpec spec) {
        return DefaultCarpGroup.create(Objects.requireNonNull(spec, "spec"), this::attach);
    }

    private RuntimeBinding attach(GroupEndpoint group) {
        dispatcher.register(group);
        attached++;
        return new Binding(group);
    }

    /** How many groups are attached: started and not yet closed. */
    public int attachedGroups() {
        return attached;
    }

    private InetAddress source(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4 : ipv6;
    }

    private void record(IpFamily family, ByteBuffer carpHeader) {
        byte[] header = new byte[carpHeader.remaining()];
        carpHeader.get(header);
        InetAddress src = source(family);
        byte[] packet = family == IpFamily.IPV4
                ? CarpCodec.encodeIpv4((Inet4Address) src,
                (Inet4Address) Addresses.of(CarpConstants.INADDR_CARP_GROUP),
                CarpConstants.CARP_DFLTTL, (int) (++ipId & 0xffff), header)
                : CarpCodec.encodeIpv6((Inet6Address) src,
                (Inet6Address) Addresses.of(CarpConstants.IN6ADDR_CARP_GROUP),
                CarpConstants.CARP_DFLTTL, header);
        sent.add(RecordedAdvertisement.decode(sent.size(), clock.nanoTime(), "manual", family, src, packet));
    }

    private void recordVrrp(IpFamily family, RuntimeBinding.VrrpMessage message) {
        InetAddress src = source(family);
        boolean v4 = family == IpFamily.IPV4;
        InetAddress group = Addresses.of(v4 ? CarpConstants.INADDR_CARP_GROUP : CarpConstants.IN6ADDR_CARP_GROUP);
        ByteBuffer bytes = message.bytes(src, group);
        byte[] vrrp = new byte[bytes.remaining()];
        bytes.get(vrrp);
        byte[] packet = v4 ? VrrpCodec.encodeIpv4((Inet4Address) src, (Inet4Address) group, VrrpConstants.VRRP_TTL,
                (int) (++ipId & 0xffff), vrrp)
                : VrrpCodec.encodeIpv6((Inet6Address) src, (Inet6Address) group, VrrpConstants.VRRP_TTL, vrrp);
        sent.add(RecordedAdvertisement.decode(sent.size(), clock.nanoTime(), "manual", family, src, packet));
    }

    private static String names(List<InetAddress> addresses) {
        StringBuilder out = new StringBuilder("[");
        for (InetAddress a : addresses) {
            out.append(out.length() > 1 ? ", " : "").append(a.getHostAddress());
        }
        return out.append(']').toString();
    }

    private final class RecordingAddresses implements AddressManager {
        @Override
        public void claim(List<InetAddress> list) {
            addressCalls.add("claim " + names(list));
            loop.elapse(claimTakes);
            if (failClaim) {
                throw new IllegalStateException("RTM_NEWADDR: EPERM (scripted by the test)");
            }
            held.addAll(list);
        }

        @Override
        public void release(List<InetAddress> list) {
            addressCalls.add("release " + names(list));
            if (failRelease) {
                throw new IllegalStateException("RTM_DELADDR: EPERM (scripted by the test)");
            }
            held.removeAll(list);
        }

        @Override
        public void announce(List<InetAddress> list) {
            addressCalls.add("announce " + names(list));
        }

        @Override
        public void refresh(List<InetAddress> list) {
            addressCalls.add("refresh " + names(list));
            if (failRefresh) {
                throw new IllegalStateException("RTM_NEWADDR: ENOBUFS (scripted by the test)");
            }
        }
    }

    private final class Binding implements RuntimeBinding {
        private final GroupEndpoint group;

        Binding(GroupEndpoint group) {
            this.group = group;
        }

        @Override
        public ProtocolLoop loop() {
            return loop;
        }

        @Override
        public void send(IpFamily family, ByteBuffer carpHeader) {
            if (!linkUp) {
                throw new UncheckedIOException(new IOException("network is down (link down)"));
            }
            if (failingSends > 0) {
                failingSends--;
                throw new UncheckedIOException(new IOException("ENOBUFS (scripted by the test)"));
            }
            record(family, carpHeader);
        }

        @Override
        public void sendVrrp(IpFamily family, VrrpMessage message) {
            if (!linkUp) {
                throw new UncheckedIOException(new IOException("network is down (link down)"));
            }
            if (failingSends > 0) {
                failingSends--;
                throw new UncheckedIOException(new IOException("ENOBUFS (scripted by the test)"));
            }
            recordVrrp(family, message);
        }

        @Override
        public AddressManager addressManager() {
            return addresses;
        }

        @Override
        public InetAddress sourceAddress(IpFamily family) {
            return source(family);
        }

        @Override
        public boolean linkUp() {
            return linkUp;
        }

        @Override
        public long randomLong() {
            return 0x1234_5678L;
        }

        @Override
        public void detach() {
            dispatcher.unregister(group);
            attached--;
        }
    }
}
