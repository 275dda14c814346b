package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition between the two nodes (nftables drops every frame between their bridge ports, both ways) while a
 * client on the same segment still reaches both; then the partition heals. Nodes a (advskew 0) and b (advskew 100),
 * advbase 1 s, no preempt.
 */
@LinuxRootTest("a partition made with nftables between network namespaces")
class PartitionRootTest {
    private static final String VIP = FaultSegment.SUBNET + "100";
    private static final int PORT = 18_080;

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static Host client;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final StateLog log = new StateLog();

    @BeforeAll
    static void createNetwork() {
        lab = FaultSegment.create();
        a = lab.host("a", 1);
        b = lab.host("b", 2);
        client = lab.host("cl", 50);
        runtimeA = lab.runtime(a);
        runtimeB = lab.runtime(b);
    }

    @AfterEach
    void endTest() {
        lab.endTest();
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldHaveTwoMastersDuringPartitionAndOneReachableMasterAfterHeal() {
        int vhid = 46;
        String macA = a.mac();
        String macB = b.mac();
        CarpGroup groupA = group(runtimeA, a, vhid, 0);
        CarpGroup groupB = group(runtimeB, b, vhid, 100);
        groupA.start();
        groupB.start();
        Await.await("a MASTER with the VIP, b BACKUP", 10_000,
                () -> groupA.state() == CarpState.MASTER && groupB.state() == CarpState.BACKUP
                        && groupB.stats().ipv4PacketsReceived() > 0 && lab.holders(VIP).equals(List.of("a")),
                log::toString);
        lab.closeAfterTest(NameServer.start(a, PORT));
        lab.closeAfterTest(NameServer.start(b, PORT));
        assertEquals("a", NameServer.ask(client, VIP, PORT), "before the partition the client reaches a");
        assertEquals(macA, client.neighbourMac(VIP).orElse(null));

        long cut = System.nanoTime();
        lab.partition(a, b);
        CarpStateEvent split = log.await(vhid, b.ifname(), CarpState.MASTER, cut, 6_000);
        assertEquals("master timed out", split.reason());
        Await.await("both masters hold the VIP", 3_000, () -> lab.holders(VIP).equals(List.of("a", "b")),
                () -> "holders " + lab.holders(VIP));
        assertEquals(CarpState.MASTER, groupA.state(), "a hears nothing better and stays MASTER");
        Await.await("b's gratuitous ARP moves the client to b (split brain, as expected)", 4_000,
                () -> macB.equals(client.neighbourMac(VIP).orElse(null)),
                () -> "client's entry " + client.neighbourMac(VIP).orElse(null));
        assertEquals("b", NameServer.ask(client, VIP, PORT), "during the partition the client reaches b");

        long heal = System.nanoTime();
        lab.clearFaults();
        CarpStateEvent yielded = log.await(vhid, b.ifname(), CarpState.BACKUP, heal, 5_000);
        assertEquals("preempted by " + a.address(), yielded.reason());
        long oneMasterMillis = StateLog.millisBetween(heal, yielded);
        Await.await("the VIP on a only", 3_000, () -> lab.holders(VIP).equals(List.of("a")),
                () -> "holders " + lab.holders(VIP));
        long vipMillis = (System.nanoTime() - heal) / 1_000_000L;
        Await.await("a's gratuitous ARP moves the client back to a", 4_000,
                () -> macA.equals(client.neighbourMac(VIP).orElse(null)),
                () -> "client's entry " + client.neighbourMac(VIP).orElse(null));
        long arpMillis = (System.nanoTime() - heal) / 1_000_000L;
        assertEquals("a", NameServer.ask(client, VIP, PORT), "after the heal the client must reach the VIP on a");
        assertEquals(macA, client.neighbourMac(VIP).orElse(null));

        Await.sleep(2_000);
        assertEquals(CarpState.MASTER, groupA.state());
        assertEquals(CarpState.BACKUP, groupB.state());
        assertEquals(List.of(), log.since(vhid, a.ifname(), cut), "a never left MASTER: " + log);
        assertEquals(List.of(yielded), log.since(vhid, b.ifname(), heal), log.toString());
        assertEquals(List.of("a"), lab.holders(VIP));
        Measured.figure("partition.secondMasterMillis", StateLog.millisBetween(cut, split));
        Measured.figure("heal.oneMasterMillis", oneMasterMillis);
        Measured.figure("heal.vipOnOneNodeMillis", vipMillis);
        Measured.figure("heal.clientNeighbourOnMasterMillis", arpMillis);
        assertTrue(oneMasterMillis <= 3_000, "one master " + oneMasterMillis + " ms after the heal");
    }

    private CarpGroup group(NettyCarpRuntime runtime, Host host, int vhid, int advskew) {
        return lab.closeAfterTest(CarpGroup.builder().runtime(runtime).interfaceName(host.ifname()).vhid(vhid)
                .password("flt-secret").virtualAddress(VIP).advbase(1).advskew(advskew).onStateChange(log)
                .build());
    }
}
