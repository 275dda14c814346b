package io.carp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.DropReason;
import io.carp.netty.internal.linux.Ipv6RawIo;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RawCapture;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two runtimes in one JVM, each opening its sockets in its own network namespace, joined through a bridge in a
 * third namespace (so that one side's link can go down without the other losing carrier).
 */
@LinuxRootTest("two CARP runtimes in network namespaces")
class NettyCarpRuntimeRootTest {
    private static final String NS_A = "cnx-rt-a";
    private static final String NS_B = "cnx-rt-b";
    private static final String NS_BR = "cnx-rt-br";
    private static final String IF_A = "cnxra";
    private static final String IF_B = "cnxrb";
    private static final String VIP = "198.18.50.100";
    private static final String VIP6 = "fd00:cafe:51::100";
    private static final long TIMEOUT_MILLIS = 10_000;

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpGroup> groups = new CopyOnWriteArrayList<>();
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, "198.18.50.1/24", "cnxpa"),
                new Plug(NS_B, IF_B, "198.18.50.2/24", "cnxpb"));
        lab.in(NS_A, "ip", "addr", "add", "fd00:cafe:50::1/64", "dev", IF_A);
        lab.in(NS_B, "ip", "addr", "add", "fd00:cafe:50::2/64", "dev", IF_B);
        runtimeA = NettyCarpRuntime.builder().networkNamespace(lab.ns(NS_A)).build();
        runtimeB = NettyCarpRuntime.builder().networkNamespace(lab.ns(NS_B)).build();
    }

    @AfterAll
    static void deleteNetwork() {
        try {
            if (runtimeA != null) {
                runtimeA.close();
            }
            if (runtimeB != null) {
                runtimeB.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @AfterEach
    void closeGroups() {
        for (CarpGroup g : groups) {
            g.close();
        }
        lab.in(NS_A, "ip", "link", "set", IF_A, "up");
        lab.in(NS_BR, "ip", "link", "set", "cnxpa", "up");
    }

    @Test
    void shouldElectOneMasterHoldingVipWithFiniteLifetimeAndHandOverOnBowOut() {
        CarpGroup a = group(runtimeA, IF_A, 11, 0, VIP);
        CarpGroup b = group(runtimeB, IF_B, 11, 100, VIP);
        a.start();
        b.start();
        await("A MASTER, B BACKUP", () -> a.state() == CarpState.MASTER && b.state() == CarpState.BACKUP);
        String onA = lab.addresses(NS_A, IF_A);
        assertTrue(onA.contains("inet " + VIP + "/24"), onA);
        int valid = validLifetime(onA, VIP);
        assertTrue(valid >= 1 && valid <= 4, "valid_lft " + valid + " s: " + onA);
        assertFalse(lab.addresses(NS_B, IF_B).contains(VIP), "the backup must not hold the VIP");
        await("B hears A's adverts", () -> b.stats().ipv4PacketsReceived() > 0);

        events.clear(); // on a loaded machine B may have been MASTER for a moment before A's first advert
        a.close(); // bow-out
        assertTrue(awaitTransition(11, CarpState.MASTER, IF_B).startsWith("bow-out received from 198.18.50.1"),
                events.toString());
        await("VIP moved to B", () -> lab.addresses(NS_B, IF_B).contains(VIP));
        assertFalse(lab.addresses(NS_A, IF_A).contains(VIP), "the old master must have removed the VIP");
    }

    @Test
    void shouldSendAdvertsWithTtl255SeenByPeer() {
        try (NativeSocket capture = RawCapture.ipv4Capture(NetworkNamespace.of(lab.ns(NS_B)), IF_B)) {
            CarpGroup a = group(runtimeA, IF_A, 12, 0, VIP);
            a.start();
            byte[] advert = RawCapture.await(capture, TIMEOUT_MILLIS,
                    p -> p.length >= 56 && (p[9] & 0xff) == 112 && (p[21] & 0xff) == 12);
            assertNotNull(advert, "no advertisement of vhid 12 reached " + NS_B);
            assertEquals(255, advert[8] & 0xff, "TTL of the received advertisement");
            assertEquals(0x10, advert[1] & 0xff, "TOS");
            assertEquals(0x21, advert[20] & 0xff, "CARP version 2, type advertisement");
        }
    }

    @Test
    void shouldGoToInitOnLinkDownOrCarrierLossAndBackToBackupWhenUp() {
        CarpGroup a = group(runtimeA, IF_A, 13, 0, VIP);
        CarpGroup b = group(runtimeB, IF_B, 13, 100, VIP);
        a.start();
        b.start();
        await("A MASTER", () -> a.state() == CarpState.MASTER && b.state() == CarpState.BACKUP);

        lab.in(NS_A, "ip", "link", "set", IF_A, "down");
        assertEquals("link down", awaitTransition(13, CarpState.INIT, IF_A));
        await("B MASTER", () -> b.state() == CarpState.MASTER);
        events.clear();
        lab.in(NS_A, "ip", "link", "set", IF_A, "up");
        assertEquals("link up", awaitTransition(13, CarpState.BACKUP, IF_A));

        events.clear();
        lab.in(NS_BR, "ip", "link", "set", "cnxpa", "down"); // A's interface stays up but loses carrier
        assertEquals("link down", awaitTransition(13, CarpState.INIT, IF_A));
        events.clear();
        lab.in(NS_BR, "ip", "link", "set", "cnxpa", "up");
        assertEquals("link up", awaitTransition(13, CarpState.BACKUP, IF_A));
        assertEquals(CarpState.MASTER, b.state());
    }

    @Test
    void shouldRemoveStaleCopyOfVipWhenGroupStarts() {
        // A copy left by a killed run carries the group's own lifetime (3 s here: the master-down of advskew 0).
        lab.in(NS_A, "ip", "addr", "add", VIP + "/32", "dev", IF_A, "valid_lft", "3", "preferred_lft", "3");
        CarpGroup a = group(runtimeA, IF_A, 14, 0, VIP);
        a.start();
        assertTrue(a.state() != CarpState.MASTER, "the master-down timer (3 s) cannot have run out yet");
        assertFalse(lab.addresses(NS_A, IF_A).contains(VIP), "the stale VIP must be gone after start()");
    }

    @Test
    void shouldRefuseToStartAndLeaveTheAddressWhenAVirtualAddressIsAPermanentAddressOfTheHost() {
        // Rule: never touch an address the group does not own: a permanent address (no lifetime) is the host's.
        lab.in(NS_A, "ip", "addr", "add", VIP + "/24", "dev", IF_A);
        try {
            CarpGroup a = group(runtimeA, IF_A, 16, 100, VIP);
            IllegalStateException e = assertThrows(IllegalStateException.class, a::start);
            assertEquals("vhid 16@" + IF_A + ": virtual address " + VIP + " is already on " + IF_A + " as a permanent"
                    + " address (no lifetime), not one this group added; refusing to start, since the group would"
                    + " remove it (remove it from the interface or from the group's virtual addresses)",
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            assertTrue(lab.addresses(NS_A, IF_A).contains("inet " + VIP + "/24"), "the host's address is still there");
            assertEquals(0, lab.carpSockets(NS_A), "nothing left open by the refused start");
        } finally {
            lab.in(NS_A, "ip", "addr", "del", VIP + "/24", "dev", IF_A);
        }
    }

    @Test
    void shouldRefuseToStartWhenAVirtualAddressHasALongerLifetimeThanTheGroupGives() {
        // Rule: an address with a lifetime longer than the group's (e.g. from DHCP) is not a stale copy either.
        lab.in(NS_A, "ip", "addr", "add", VIP + "/32", "dev", IF_A, "valid_lft", "3600", "preferred_lft", "3600");
        try {
            CarpGroup a = group(runtimeA, IF_A, 17, 100, VIP);
            IllegalStateException e = assertThrows(IllegalStateException.class, a::start);
            assertTrue(e.getMessage().contains("virtual address " + VIP + " is already on " + IF_A
                    + " as an address with a lifetime of "), e.getMessage());
            // advskew 100: master-down 3.39 s -> 4 s, plus one advert interval (1.39 s -> 2 s)
            assertTrue(e.getMessage().contains("longer than this group's 6 s"), e.getMessage());
            assertTrue(lab.addresses(NS_A, IF_A).contains(VIP));
        } finally {
            lab.in(NS_A, "ip", "addr", "del", VIP + "/32", "dev", IF_A);
        }
    }

    @Test
    void shouldNotClaimNorRemoveAPermanentAddressAddedWhileTheGroupRuns() {
        // Rule: an address the host gets after the start (an operator's `ip addr add`) is not claimed either: the
        // claim fails for it (counted, demotion 240) and it is still there after the group leaves MASTER.
        CarpGroup a = group(runtimeA, IF_A, 18, 0, VIP);
        a.start();
        await("BACKUP", () -> a.state() == CarpState.BACKUP);
        lab.in(NS_A, "ip", "addr", "add", VIP + "/24", "dev", IF_A);
        try {
            await("MASTER", () -> a.state() == CarpState.MASTER);
            await("the failed claim is counted", () -> a.stats().addressFailures() >= 1);
            await("demoted", () -> a.demotion() == 240);
            a.close();
            String after = lab.addresses(NS_A, IF_A);
            assertTrue(after.contains("inet " + VIP + "/24"), "the host's address is still there: " + after);
            assertTrue(after.contains("valid_lft forever"), after);
        } finally {
            lab.in(NS_A, "ip", "addr", "del", VIP + "/24", "dev", IF_A);
        }
    }

    @Test
    void shouldCarryIpv6WithHopLimitCheckedAndNeighborAdvertised() {
        CarpGroup a = group(runtimeA, IF_A, 15, 0, VIP, VIP6);
        CarpGroup b = group(runtimeB, IF_B, 15, 100, VIP, VIP6);
        a.start();
        b.start();
        await("A MASTER", () -> a.state() == CarpState.MASTER && b.state() == CarpState.BACKUP);
        await("IPv6 adverts received", () -> b.stats().ipv6PacketsReceived() > 0);
        String onA = lab.addresses(NS_A, IF_A);
        assertTrue(onA.contains("inet6 " + VIP6 + "/128"), onA);
        assertTrue(validLifetime(onA, VIP6) <= 4, onA);

        NetworkNamespace nsA = NetworkNamespace.of(lab.ns(NS_A));
        int ifindexA = RawCapture.ifindex(nsA, IF_A);
        long before = b.stats().dropped(DropReason.BAD_TTL);
        try (NativeSocket forged = RawCapture.ipv6Socket(nsA, IF_A, 254)) {
            byte[] carp = new byte[36];
            carp[0] = 0x21;
            carp[1] = 15;
            RawCapture.sendIpv6(forged, ifindexA, carp);
            await("hop-limit-254 packet dropped", () -> b.stats().dropped(DropReason.BAD_TTL) > before);
        }
        assertEquals(CarpState.BACKUP, b.state());
    }

    @Test
    void shouldNameUnknownInterfaceAndRefuseDuplicateVhid() {
        CarpGroup unknown = group(runtimeA, "cnxnope0", 16, 0, VIP);
        IllegalStateException e = assertThrows(IllegalStateException.class, unknown::start);
        assertTrue(e.getMessage().contains("'cnxnope0' does not exist"), e.getMessage());

        CarpGroup first = group(runtimeA, IF_A, 17, 0, VIP);
        first.start();
        CarpGroup second = group(runtimeA, IF_A, 17, 0, "198.18.50.101");
        IllegalStateException dup = assertThrows(IllegalStateException.class, second::start);
        assertTrue(dup.getMessage().contains("vhid 17 is already running on " + IF_A), dup.getMessage());
    }

    @Test
    void shouldSendTheAdvertsOfAlignedGroupsTogetherOneIntervalApart() throws Exception {
        // alignAdverts: three groups that become MASTER 400 ms apart (started 400 ms apart, no peer) advertise in the
        // same instant from their second advert on, every second. Without the option their phases stay 400 ms apart
        // (at least 200 ms on the 1 s circle), which the 100 ms bound below tells apart.
        int[] vhids = {24, 25, 26};
        String[] vips = {"198.18.50.124", "198.18.50.125", "198.18.50.126"};
        try (NativeSocket capture = RawCapture.ipv4Capture(NetworkNamespace.of(lab.ns(NS_B)), IF_B)) {
            for (int i = 0; i < vhids.length; i++) {
                CarpGroup g = CarpGroup.builder().interfaceName(IF_A).vhid(vhids[i]).password("cnx-secret")
                        .virtualAddress(vips[i]).runtime(runtimeA).alignAdverts(true).callbackExecutor(Runnable::run)
                        .onStateChange(events::add).build();
                groups.add(g);
                g.start();
                Thread.sleep(400);
            }
            await("all three MASTER", () -> groups.stream().allMatch(g -> g.state() == CarpState.MASTER));
            Thread.sleep(1_500); // past each group's first (early) aligned advert
            RawCapture.await(capture, 100, p -> false); // drops what the socket holds from before the window
            List<long[]> seen = new java.util.ArrayList<>(); // {vhid, nanos when read (polled every 10 ms)}
            RawCapture.await(capture, 4_200, p -> {
                int vhid = p.length >= 56 ? p[21] & 0xff : 0;
                if ((p[9] & 0xff) == 112 && vhid >= 24 && vhid <= 26) {
                    seen.add(new long[] {vhid, System.nanoTime()});
                }
                return false; // read for the whole window
            });
            long t0 = seen.isEmpty() ? 0 : seen.get(0)[1];
            String trace = seen.stream().map(e -> e[0] + "@" + (e[1] - t0) / 1_000_000 + "ms").toList().toString();
            List<Long> first = seen.stream().filter(e -> e[0] == 24).map(e -> e[1]).toList();
            assertTrue(first.size() >= 3, "adverts of vhid 24 captured: " + first.size());
            for (int i = 1; i < first.size(); i++) {
                long gap = first.get(i) - first.get(i - 1);
                assertTrue(Math.abs(gap - 1_000_000_000L) < 150_000_000L, "vhid 24 advertises every second: " + gap + " " + trace);
            }
            for (long[] e : seen) {
                long nearest = first.stream().mapToLong(t -> Math.abs(t - e[1])).min().orElseThrow();
                assertTrue(nearest < 100_000_000L, "vhid " + e[0] + " advertised " + nearest / 1_000_000
                        + " ms away from vhid 24's nearest advert: " + trace);
            }
            assertTrue(seen.stream().filter(e -> e[0] == 26).count() >= 3, "adverts of vhid 26 captured");
        }
    }

    @Test
    void shouldShareOneSocketBetweenVhidsAndCloseItWithTheLast() {
        CarpGroup one = group(runtimeA, IF_A, 18, 0, VIP);
        CarpGroup two = group(runtimeA, IF_A, 19, 0, "198.18.50.101");
        one.start();
        two.start();
        assertEquals(1, lab.carpSockets(NS_A), "one protocol-112 socket for both vhids");
        one.close();
        assertEquals(1, lab.carpSockets(NS_A));
        two.close();
        await("socket closed", () -> lab.carpSockets(NS_A) == 0);
        String maddr = lab.in(NS_A, "ip", "maddr", "show", "dev", IF_A);
        assertFalse(maddr.contains("224.0.0.18"), maddr);
    }

    @Test
    void shouldSendIpv6FromConfiguredSourceWithHopLimit255() throws Exception {
        NetworkNamespace nsB = NetworkNamespace.of(lab.ns(NS_B));
        int ifindexB = RawCapture.ifindex(nsB, IF_B);
        try (NativeSocket capture = RawCapture.ipv6Socket(nsB, IF_B, 255)) {
            CarpGroup a = CarpGroup.builder().interfaceName(IF_A).vhid(20).password("cnx-secret")
                    .virtualAddress("fd00:cafe:50::100").sourceAddress("fd00:cafe:50::1").runtime(runtimeA)
                    .callbackExecutor(Runnable::run).onStateChange(events::add).build();
            groups.add(a);
            a.start();
            Ipv6RawIo.Received r = RawCapture.awaitIpv6(capture, ifindexB, TIMEOUT_MILLIS);
            assertNotNull(r, "no IPv6 advertisement reached " + NS_B);
            assertEquals(java.net.InetAddress.getByName("fd00:cafe:50::1"), r.source());
            assertEquals(255, r.hopLimit());
            assertEquals(20, r.payload().get(1));
            await("A MASTER", () -> a.state() == CarpState.MASTER);
            await("VIP in the /64", () -> lab.addresses(NS_A, IF_A).contains("inet6 fd00:cafe:50::100/64"));
        }
    }

    @Test
    void shouldRunOnSharedEventLoopGroupAndLeaveItRunning() throws Exception {
        MultiThreadIoEventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            List<Thread> callbackThreads = new CopyOnWriteArrayList<>();
            try (NettyCarpRuntime runtime = NettyCarpRuntime.builder().eventLoopGroup(shared)
                    .networkNamespace(lab.ns(NS_A)).build()) {
                CarpGroup g = CarpGroup.builder().interfaceName(IF_A).vhid(22).password("cnx-secret")
                        .virtualAddress(VIP).runtime(runtime).callbackExecutor(Runnable::run)
                        .onStateChange(e -> callbackThreads.add(Thread.currentThread())).build();
                groups.add(g);
                g.start();
                await("BACKUP", () -> g.state() == CarpState.BACKUP && !callbackThreads.isEmpty());
            }
            Thread loopThread = shared.next().submit(Thread::currentThread).get();
            assertEquals(loopThread, callbackThreads.get(0), "the protocol runs on the shared loop");
            assertFalse(shared.isShuttingDown(), "the runtime must not shut down a group it does not own");
        } finally {
            shared.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5000);
        }
    }

    @Test
    void shouldCloseGroupAndRuntimeWhenTheUsersEventLoopGroupWasShutDownFirst() throws Exception {
        // Rule: close() works when the application shut its EventLoopGroup down first: no exception, the group ends
        // in INIT, its address is removed and its sockets closed (no bow-out is possible any more).
        MultiThreadIoEventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().eventLoopGroup(shared).networkNamespace(lab.ns(NS_A))
                .bowOutOnShutdown(false).build();
        CarpGroup g = CarpGroup.builder().interfaceName(IF_A).vhid(23).password("cnx-secret").virtualAddress(VIP)
                .runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add).build();
        try {
            g.start();
            await("MASTER", () -> g.state() == CarpState.MASTER);
            await("VIP on A", () -> lab.addresses(NS_A, IF_A).contains(VIP));
            assertTrue(shared.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS)
                    .awaitUninterruptibly(5000), "the application's loop group is shut down");

            long begin = System.nanoTime();
            g.close();
            runtime.close();
            long tookMillis = (System.nanoTime() - begin) / 1_000_000L;

            assertEquals(CarpState.INIT, g.state());
            assertFalse(lab.addresses(NS_A, IF_A).contains(VIP), "the VIP was removed");
            assertEquals(0, lab.carpSockets(NS_A), "the CARP sockets are closed");
            assertTrue(tookMillis < 5_000, "close() returned in " + tookMillis + " ms");
        } finally {
            runtime.close();
            shared.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5000);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int vhid, int advskew,
                            String... addresses) {
        var builder = CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("cnx-secret")
                .advskew(advskew).runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add);
        for (String a : addresses) {
            builder.virtualAddress(a);
        }
        CarpGroup g = builder.build();
        groups.add(g);
        return g;
    }

    /** Waits for a transition (callbacks run after the state is visible, so wait for the event itself). */
    private String awaitTransition(int vhid, CarpState to, String interfaceName) {
        String[] reason = new String[1];
        await("vhid " + vhid + " on " + interfaceName + " to " + to, () -> {
            for (CarpStateEvent e : events) {
                if (e.vhid() == vhid && e.to() == to && e.interfaceName().equals(interfaceName)) {
                    reason[0] = e.reason();
                    return true;
                }
            }
            return false;
        });
        return reason[0];
    }

    private static int validLifetime(String addresses, String vip) {
        for (String line : addresses.split("\n")) {
            if (line.contains(" " + vip + "/")) {
                Matcher m = Pattern.compile("valid_lft (\\d+)sec").matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                return fail("the VIP has no finite lifetime: " + line);
            }
        }
        return fail(vip + " not found in: " + addresses);
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "; events: " + events);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
