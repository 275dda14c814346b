package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.DropReason;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VRRPv3 with unicast peers (keepalived's {@code unicast_peer}) between two carp4j nodes through a bridge that drops
 * every frame to 224.0.0.18: each advert carries the checksum of its own destination (RFC 9568 §5.2.8), and the
 * nodes elect one master and hand over on a clean stop. A multicast VRRP pair on the same link is the control.
 */
@LinuxRootTest("unicast VRRPv3 through a bridge that drops multicast")
class VrrpUnicastRootTest {
    private static final String NS_A = "uni-vu-a";
    private static final String NS_B = "uni-vu-b";
    private static final String NS_BR = "uni-vu-br";
    private static final String IF_A = "univua";
    private static final String IF_B = "univub";
    private static final String A_IP = "198.18.103.1";
    private static final String B_IP = "198.18.103.2";
    private static final String VIP = "198.18.103.100";
    private static final String VIP_CONTROL = "198.18.103.101";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, A_IP + "/24", "univupa"),
                new Plug(NS_B, IF_B, B_IP + "/24", "univupb"));
        lab.dropCarpMulticast(NS_BR);
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    private CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int vrid, int priority, String vip,
                            boolean unicast) {
        var b = CarpGroup.builder().protocol(Protocol.VRRP_V3).interfaceName(interfaceName).vhid(vrid)
                .priority(priority).advertisementInterval(Duration.ofMillis(200)).virtualAddress(vip)
                .runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add);
        if (unicast) {
            b.unicastPeer(A_IP).unicastPeer(B_IP); // every node lists every node; its own address is skipped
        }
        return b.build();
    }

    @Test
    void shouldElectOverUnicastAndHandOverOnCleanStop() {
        CarpGroup a = group(runtimeA, IF_A, 61, 200, VIP, true);
        CarpGroup b = group(runtimeB, IF_B, 61, 100, VIP, true);
        CarpGroup a9 = group(runtimeA, IF_A, 69, 200, VIP_CONTROL, false);
        CarpGroup b9 = group(runtimeB, IF_B, 69, 100, VIP_CONTROL, false);
        Supplier<String> context = () -> "events: " + events + "\nA " + a.stats() + "\nB " + b.stats();
        try {
            b.start();
            a.start();
            a9.start();
            b9.start();
            Await.until("A MASTER, B BACKUP over unicast", () -> a.state() == CarpState.MASTER
                    && b.state() == CarpState.BACKUP && lab.has(NS_A, IF_A, VIP), context);
            Await.until("control: both MASTER of the multicast pair", () -> a9.state() == CarpState.MASTER
                    && b9.state() == CarpState.MASTER, context);
            assertTrue(lab.carpMulticastDropped(NS_BR) > 0, "the bridge dropped the multicast adverts");
            Await.holds("one master: A", 1_000, () -> a.state() == CarpState.MASTER
                    && b.state() == CarpState.BACKUP, context);
            assertTrue(b.stats().ipv4PacketsReceived() > 3, context.get());
            assertEquals(0, b.stats().dropped(DropReason.BAD_CHECKSUM), "each peer gets its own checksum");

            events.clear();
            a.close();
            Await.until("B MASTER after A's clean stop", () -> b.state() == CarpState.MASTER
                    && events.stream().anyMatch(e -> e.interfaceName().equals(IF_B) && e.to() == CarpState.MASTER)
                    && lab.has(NS_B, IF_B, VIP), context);
            assertTrue(events.stream().anyMatch(e -> e.interfaceName().equals(IF_B) && e.to() == CarpState.MASTER
                    && e.cause() == StateChangeCause.BOW_OUT_RECEIVED), context.get());
        } finally {
            a.close();
            b.close();
            a9.close();
            b9.close();
        }
    }
}
