package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.DropReason;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RawCapture;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import io.carp.netty.testing.LiveNodeMain;
import io.carp.netty.testing.LiveProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a bridge that drops every frame to 224.0.0.18 (nftables in the bridge's namespace), so they can only
 * talk unicast: node A is a child JVM (SIGKILL-able), node B a runtime in this JVM. Both move their address with a
 * user hook (as a cloud API would) instead of rtnetlink and gratuitous ARP. A multicast group pair (vhid 9) on the
 * same interfaces is the control: it cannot hear across the bridge, so each side becomes its master.
 */
@LinuxRootTest("unicast CARP through a bridge that drops multicast")
class UnicastFailoverRootTest {
    private static final String NS_A = "uni-u-a";
    private static final String NS_B = "uni-u-b";
    private static final String NS_BR = "uni-u-br";
    private static final String IF_A = "uniua";
    private static final String IF_B = "uniub";
    private static final String A_IP = "198.18.100.1";
    private static final String B_IP = "198.18.100.2";
    private static final String VIP = "198.18.100.100";
    private static final String VIP9 = "198.18.100.109";
    /** The NAT64 form of 198.18.100.106; never configured anywhere: the hooks "move" it. */
    private static final String VIP6 = "64:ff9b::c612:646a";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, A_IP + "/24", "uniupa"),
                new Plug(NS_B, IF_B, B_IP + "/24", "uniupb"));
        lab.dropCarpMulticast(NS_BR);
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close(); // closes the runtimes first
        }
    }

    @Test
    void shouldElectOneMasterAndFailOverOnKillThroughHookInsteadOfArpWhenOnlyUnicastPasses() throws Exception {
        NetworkNamespace nsA = NetworkNamespace.of(lab.ns(NS_A));
        NetworkNamespace nsB = NetworkNamespace.of(lab.ns(NS_B));
        try (NativeSocket arpOnB = RawCapture.arpCapture(nsB, IF_B)) {
            LiveProcess a = lab.java("node A", NS_A, LiveNodeMain.class, "-i", IF_A, "-v", "1", "-p", "uni-secret",
                    "-a", VIP, "-k", "0", "--peer", B_IP, "--hook");
            CountingAddressManager hookB = new CountingAddressManager();
            Supplier<String> started = a::output;
            // A first: B's master-down (3 s + 100/256 s) then starts after A's (3 s), so A wins without preempt.
            Await.until("A running", () -> a.printed(l -> l.equals("STARTED 1")), started);
            CarpGroup b1 = group(runtimeB, IF_B, 1, 100, VIP).unicastPeer(A_IP).addressManager(hookB).build();
            CarpGroup b9 = group(runtimeB, IF_B, 9, 100, VIP9).build();
            CarpGroup a9 = group(runtimeA, IF_A, 9, 0, VIP9).build();
            b1.start();
            b9.start();
            a9.start();
            Supplier<String> context = () -> a.output() + "\nevents in this JVM: " + events + "\nhook B: " + hookB;

            Await.until("A MASTER of vhid 1", () -> a.printed(l -> l.startsWith("STATE 1 BACKUP MASTER")), context);
            Await.until("B hears A's unicast adverts", () -> b1.stats().ipv4PacketsReceived() > 0, context);
            Await.until("control: both sides MASTER of multicast vhid 9",
                    () -> a9.state() == CarpState.MASTER && b9.state() == CarpState.MASTER, context);
            assertTrue(lab.carpMulticastDropped(NS_BR) > 0, "the bridge dropped the vhid-9 multicast adverts");
            Await.holds("one master of vhid 1: A", 3_000,
                    () -> b1.state() == CarpState.BACKUP && !a.printed(l -> l.startsWith("STATE 1 MASTER"))
                            && a.isAlive(), context);
            assertEquals(1, a.count(l -> l.equals("CLAIM 1")), context.get());
            assertEquals(0, hookB.claims.get(), context.get());
            assertEquals(0, b1.stats().dropped(DropReason.BAD_TTL));
            assertEquals(1, lab.carpSockets(NS_B), "vhid 1 (unicast) and vhid 9 (multicast) share B's socket");

            a.kill();
            try (NativeSocket captureOnA = RawCapture.ipv4Capture(nsA, IF_A)) {
                // Wait for the event, not only the state: the state flips on the protocol thread, the event reaches
                // the listener a moment later on the callback thread.
                Await.until("B MASTER of vhid 1 after A was killed", () -> b1.state() == CarpState.MASTER
                        && !reason(1, CarpState.MASTER).equals("none"), context);
                assertTrue(reason(1, CarpState.MASTER).startsWith("master timed out"), context.get());
                Await.until("B's hook claimed", () -> hookB.claims.get() == 1, context);
                byte[] advert = RawCapture.await(captureOnA, Await.TIMEOUT_MILLIS,
                        p -> p.length >= 56 && (p[9] & 0xff) == 112 && (p[21] & 0xff) == 1);
                assertNotNull(advert, "B's vhid-1 adverts reach A's address");
                assertEquals(B_IP, ip(advert, 12));
                assertEquals(A_IP, ip(advert, 16), "sent to the peer, not to 224.0.0.18");
                assertEquals(255, advert[8] & 0xff, "TTL of a unicast advert");
            }
            assertFalse(lab.has(NS_B, IF_B, VIP), "the hook, not the runtime, moves the address");
            assertTrue(lab.has(NS_B, IF_B, VIP9), "vhid 9 has no hook: the runtime added its address");
            List<String> announced = arpSenders(arpOnB);
            assertTrue(announced.contains(VIP9), "control: gratuitous ARP for vhid 9 was captured: " + announced);
            assertFalse(announced.contains(VIP), "no gratuitous ARP for the hooked vhid 1: " + announced);
            assertEquals(1, hookB.claims.get(), context.get());
        }
    }

    @Test
    void shouldElectOverIpv6LinkLocalPeersWhenBridgeDropsFf0212() {
        String linkLocalA = lab.linkLocal(NS_A, IF_A);
        String linkLocalB = lab.linkLocal(NS_B, IF_B);
        CountingAddressManager hookA = new CountingAddressManager();
        CountingAddressManager hookB = new CountingAddressManager();
        CarpGroup a6 = group(runtimeA, IF_A, 6, 0, VIP6).unicastPeer(linkLocalB).addressManager(hookA).build();
        CarpGroup b6 = group(runtimeB, IF_B, 6, 100, VIP6).unicastPeer(linkLocalA).addressManager(hookB).build();
        Supplier<String> context = () -> "events: " + events + "\nA " + a6.stats() + " " + hookA + "\nB "
                + b6.stats() + " " + hookB;
        try {
            a6.start();
            b6.start();
            Await.until("A MASTER over IPv6 unicast", () -> a6.state() == CarpState.MASTER, context);
            Await.until("B hears A's IPv6 adverts", () -> b6.stats().ipv6PacketsReceived() > 0, context);
            Await.holds("B stays BACKUP", 1_000, () -> b6.state() == CarpState.BACKUP, context);
            assertEquals(0, b6.stats().dropped(DropReason.BAD_TTL), context.get());
            assertEquals(1, hookA.claims.get(), context.get());
            assertEquals(0, hookB.claims.get(), context.get());
            String maddrB = lab.in(NS_B, "ip", "-6", "maddr", "show", "dev", IF_B);
            assertFalse(maddrB.contains("ff02::12"), "an IPv6 unicast group joins no group\n" + maddrB);
        } finally {
            a6.close();
            b6.close();
        }
    }

    private io.carp.CarpGroupBuilder group(NettyCarpRuntime runtime, String interfaceName, int vhid, int advskew,
                                           String address) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("uni-secret").advskew(advskew)
                .virtualAddress(address).runtime(runtime).callbackExecutor(Runnable::run)
                .onStateChange(events::add);
    }

    private String reason(int vhid, CarpState to) {
        return events.stream().filter(e -> e.vhid() == vhid && e.to() == to && e.interfaceName().equals(IF_B))
                .map(CarpStateEvent::reason).findFirst().orElse("none");
    }

    private static String ip(byte[] p, int offset) {
        return (p[offset] & 0xff) + "." + (p[offset + 1] & 0xff) + "." + (p[offset + 2] & 0xff) + "."
                + (p[offset + 3] & 0xff);
    }

    /** The sender addresses of every ARP frame captured so far (Ethernet header, then ARP: SPA at 14 + 14). */
    private static List<String> arpSenders(NativeSocket capture) {
        List<String> senders = new ArrayList<>();
        RawCapture.await(capture, 500, frame -> {
            if (frame.length >= 42) {
                senders.add(ip(frame, 28));
            }
            return false;
        });
        return senders;
    }
}
