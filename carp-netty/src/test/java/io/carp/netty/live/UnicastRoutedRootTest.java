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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Peers in two subnets with a router between them (198.18.100.0/24 and 198.18.101.0/24), the FreeBSD {@code peer}
 * use case: A's unicast adverts reach B with TTL 254. On B's one CARP socket, the unicast group of vhid 3 accepts
 * them (they come from its peer), while the multicast group of vhid 4 drops A's vhid-4 adverts for their TTL. A sends
 * from a pinned secondary address (not the one the route would pick), which B lists as its peer.
 */
@LinuxRootTest("unicast CARP across a router")
class UnicastRoutedRootTest {
    private static final String NS_A = "uni-r-a";
    private static final String NS_RT = "uni-r-rt";
    private static final String NS_B = "uni-r-b";
    private static final String IF_A = "unira";
    private static final String IF_B = "unirb";
    private static final String A_IP = "198.18.100.1";
    /** A's second address, which A's groups pin as their source. */
    private static final String A_SOURCE = "198.18.100.11";
    private static final String B_IP = "198.18.101.2";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.namespace(NS_A);
        lab.namespace(NS_RT);
        lab.namespace(NS_B);
        lab.link(NS_A, IF_A, A_IP + "/24", NS_RT, "unirta", "198.18.100.254/24");
        lab.link(NS_B, IF_B, B_IP + "/24", NS_RT, "unirtb", "198.18.101.254/24");
        lab.in(NS_A, "ip", "addr", "add", A_SOURCE + "/24", "dev", IF_A);
        lab.in(NS_RT, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.in(NS_A, "ip", "route", "add", "default", "via", "198.18.100.254");
        lab.in(NS_B, "ip", "route", "add", "default", "via", "198.18.101.254");
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
    void shouldAcceptRoutedAdvertsFromPeerWhileMulticastGroupOnSameSocketDropsThemForTtl() {
        CountingAddressManager hookA = new CountingAddressManager();
        CountingAddressManager hookB = new CountingAddressManager();
        CarpGroup a3 = group(runtimeA, IF_A, 3, 0).unicastPeer(B_IP).sourceAddress(A_SOURCE).addressManager(hookA)
                .build();
        CarpGroup a4 = group(runtimeA, IF_A, 4, 0).unicastPeer(B_IP).sourceAddress(A_SOURCE).addressManager(hookA)
                .build();
        CarpGroup b3 = group(runtimeB, IF_B, 3, 100).unicastPeer(A_SOURCE).addressManager(hookB).build();
        CarpGroup b4 = group(runtimeB, IF_B, 4, 100).addressManager(hookB).build(); // multicast
        Supplier<String> context = () -> "events: " + events + "\nA " + hookA + ", B " + hookB + "\nB vhid 3 "
                + b3.stats() + "\nB vhid 4 " + b4.stats();
        try (NativeSocket captureOnB = RawCapture.ipv4Capture(NetworkNamespace.of(lab.ns(NS_B)), IF_B)) {
            a3.start();
            a4.start();
            b3.start();
            b4.start();
            Await.until("A MASTER of vhids 3 and 4",
                    () -> a3.state() == CarpState.MASTER && a4.state() == CarpState.MASTER, context);
            byte[] advert = RawCapture.await(captureOnB, Await.TIMEOUT_MILLIS,
                    p -> p.length >= 56 && (p[9] & 0xff) == 112 && (p[21] & 0xff) == 3);
            assertNotNull(advert, "A's vhid-3 adverts reach B");
            assertEquals(254, advert[8] & 0xff, "one router hop: TTL 254");
            assertEquals(A_SOURCE, (advert[12] & 0xff) + "." + (advert[13] & 0xff) + "." + (advert[14] & 0xff) + "."
                    + (advert[15] & 0xff), "the pinned source (IP_PKTINFO), not the route's 198.18.100.1");
        }
        Await.until("B's vhid 3 accepts TTL-254 adverts from its peer",
                () -> b3.stats().ipv4PacketsReceived() > 0, context);
        Await.until("B's multicast vhid 4 drops them for their TTL",
                () -> b4.stats().dropped(DropReason.BAD_TTL) > 0, context);
        Await.until("B's vhid 4, hearing nothing valid, becomes MASTER", () -> b4.state() == CarpState.MASTER,
                context);
        Await.holds("B stays BACKUP of vhid 3", 1_000, () -> b3.state() == CarpState.BACKUP, context);
        assertEquals(0, b3.stats().dropped(DropReason.BAD_TTL), context.get());
        assertEquals(0, b4.stats().ipv4PacketsReceived(), context.get());
        assertEquals(1, lab.carpSockets(NS_B), "one socket for both of B's vhids");

        String maddrA = lab.in(NS_A, "ip", "maddr", "show", "dev", IF_A);
        String maddrB = lab.in(NS_B, "ip", "maddr", "show", "dev", IF_B);
        assertFalse(maddrA.contains("224.0.0.18"), "only unicast groups on A: no join\n" + maddrA);
        assertTrue(maddrB.contains("224.0.0.18"), "B's vhid 4 is multicast: joined\n" + maddrB);
        b4.close();
        Await.until("B leaves 224.0.0.18 with its last multicast group", () -> !lab.in(NS_B, "ip", "maddr",
                "show", "dev", IF_B).contains("224.0.0.18"), context);
        assertEquals(CarpState.BACKUP, b3.state());
        assertEquals(1, lab.carpSockets(NS_B), "vhid 3 keeps the socket");
        a3.close();
        a4.close();
        b3.close();
    }

    private io.carp.CarpGroupBuilder group(NettyCarpRuntime runtime, String interfaceName, int vhid, int advskew) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("uni-secret").advskew(advskew)
                .virtualAddress("198.18.100." + (100 + vhid)).runtime(runtime).callbackExecutor(Runnable::run)
                .onStateChange(events::add);
    }
}
