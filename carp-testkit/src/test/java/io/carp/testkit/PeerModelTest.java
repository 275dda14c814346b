package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertSingleMaster;
import static io.carp.testkit.Vips.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import io.carp.DropReason;
import io.carp.internal.time.CarpTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peers that follow ucarp's, FreeBSD's and OpenBSD's rules, next to carp4j nodes. */
class PeerModelTest {
    private final SimulatedNetwork network = SimulatedNetwork.create(77);

    @AfterEach
    void close() {
        network.close();
    }

    private static Duration ticks(long t) {
        return Duration.ofNanos(CarpTiming.ticksToNanos(t));
    }

    private Duration lastAdvertFrom(String sender) {
        List<RecordedAdvertisement> ads = network.advertisements();
        for (int i = ads.size() - 1; i >= 0; i--) {
            if (ads.get(i).sender().equals(sender)) {
                return ads.get(i).time();
            }
        }
        throw new AssertionError("no advertisement from " + sender);
    }

    private Duration takeoverTime(String node) {
        return network.transitions().stream().filter(t -> t.node().equals(node) && t.to() == CarpState.MASTER)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(node + " never became MASTER:\n"
                        + network.timelineTail(20))).time();
    }

    /** Peers speak the real wire format: each side authenticates the other's adverts, nothing is dropped. */
    @Test
    void peersAndCarp4jNodesAuthenticateEachOther() {
        SimulatedNode a = network.node("A");
        SimulatedPeer u = network.peer("U", PeerModel.ucarp()).start(group(1, 100));
        SimulatedPeer f = network.peer("F", PeerModel.freebsd()).start(group(1, 150));
        SimulatedPeer o = network.peer("O", PeerModel.openbsd()).start(group(1, 200));
        a.start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(10));

        assertMasterIs(a, 1);
        assertEquals(CarpState.BACKUP, u.state());
        assertEquals(CarpState.BACKUP, f.state());
        assertEquals(CarpState.BACKUP, o.state());
        assertEquals(0, u.dropped() + f.dropped() + o.dropped());
        assertTrue(a.holdsAddress(Vips.VIP1));

        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        // U has the best skew left (100), but ucarp checks its timer only when its poll loop wakes (at 4.17 s):
        // F (150) times out at 3.59 s and wins; U then hears a slower master and, without preempt, stays BACKUP.
        assertEquals(CarpState.MASTER, f.state(), network.timelineTail(10));
        assertEquals(CarpState.BACKUP, u.state());
        assertTrue(f.node().holdsAddress(Vips.VIP1));
        assertEquals(List.of(f.node()), network.masters(1));
        assertEquals(0, u.dropped() + f.dropped() + o.dropped());
        assertThrows(IllegalStateException.class, () -> u.node().group(1));
        assertThrows(IllegalStateException.class, () -> u.node().start(group(1, 0)));
        assertThrows(UnsupportedOperationException.class, () -> u.setDemotion(1));
    }

    /**
     * ucarp checks its master-down timer only when its poll loop wakes up: after advbase + advskew/256 s without a
     * packet. With advskew 100 a carp4j backup takes over 3.391 s after the last advert; ucarp at its third wake-up,
     * 3 x 1.390 = 4.170 s after it.
     */
    @Test
    void ucarpTakesOverAtTheFirstPollWakeUpAfterMasterDown() {
        SimulatedNode a = network.node("A");
        a.start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(5));
        SimulatedPeer u = network.peer("U", PeerModel.ucarp()).start(group(1, 100));
        network.advanceBy(Duration.ofMillis(5_500));
        assertEquals(CarpState.BACKUP, u.state());
        Duration last = lastAdvertFrom("A");
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));

        Duration delay = takeoverTime("U").minus(last).minus(Vips.LINK_DELAY);
        assertEquals(Duration.ofMillis(3 * 1390), delay, network.timelineTail(10));
        assertTrue(delay.compareTo(ticks(3 * 256 + 100)) > 0);
    }

    @Test
    void carp4jBackupTakesOverAtMasterDownForComparison() {
        SimulatedNode a = network.node("A");
        SimulatedNode b = network.node("B");
        a.start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(5));
        b.start(group(1, 100).adaptToLoss(false));
        network.advanceBy(Duration.ofMillis(5_500));
        Duration last = lastAdvertFrom("A");
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(ticks(3 * 256 + 100), takeoverTime("B").minus(last).minus(Vips.LINK_DELAY));
    }

    /** ucarp's tie rule when both orders agree (addresses that differ in the last octet only): one master. */
    @Test
    void carp4jAndUcarpTieResolvesWhenByteOrdersAgree() {
        SimulatedNode a = network.node("A", "198.18.0.1");
        SimulatedPeer u = network.peer("U", "198.18.0.2", PeerModel.ucarp()).start(group(1, 100));
        a.start(group(1, 100));
        network.partition(Set.of(a));
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(2, network.masters(1).size());
        network.heal();
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1); // lower in both orders
        assertEquals(CarpState.BACKUP, u.state());
        assertFalse(u.node().holdsAddress(Vips.VIP1));
        assertTrue(network.timeline().stream().anyMatch(l -> l.contains("U vhid 1: MASTER -> BACKUP (ucarp:"
                + " preferred master advertised (equal, lower s_addr")), network.timelineTail(10));
    }

    /**
     * Issue 12: 198.18.1.2 is lower in network order, 198.18.2.1 is lower read as a little-endian integer (ucarp's
     * order). With the network-order rule both kept MASTER for good after the heal (and re-announced the address on
     * every advert of the other); with ucarp's order A yields.
     */
    @Test
    void carp4jAndUcarpTieResolvesWhenByteOrdersDisagree() {
        SimulatedNode a = network.node("A", "198.18.1.2");
        SimulatedPeer u = network.peer("U", "198.18.2.1", PeerModel.ucarp()).start(group(1, 100));
        a.start(group(1, 100));
        network.partition(Set.of(a));
        network.advanceBy(Duration.ofSeconds(10));
        network.heal();
        network.advanceBy(Duration.ofSeconds(10));
        assertSingleMaster(network, 1);
        assertEquals(CarpState.MASTER, u.state(), network.timelineTail(10));
        long announcements = a.announcements(1) + u.node().announcements(1);
        network.advanceBy(Duration.ofSeconds(30));
        assertEquals(announcements, a.announcements(1) + u.node().announcements(1), "no gratuitous ARP fight");
    }

    /** FreeBSD steps down on an equal advertisement, so after a heal both masters step down and race again. */
    @Test
    void freebsdMastersBothStepDownOnATie() {
        network.linkModel(LossyLink.withLoss(0).withJitter(Duration.ofMillis(1))); // without it: lockstep for ever
        SimulatedPeer f1 = network.peer("F1", PeerModel.freebsd()).start(group(1, 100));
        SimulatedPeer f2 = network.peer("F2", PeerModel.freebsd()).start(group(1, 100));
        network.partition(Set.of(f1.node()));
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(2, network.masters(1).size());
        network.heal();
        network.advanceBy(Duration.ofSeconds(2));
        List<String> stepDowns = network.timeline().stream()
                .filter(l -> l.contains("MASTER -> BACKUP (FreeBSD: more frequent advertisement received (equal"))
                .collect(Collectors.toList());
        assertEquals(2, stepDowns.size(), network.timelineTail(10));
        assertTrue(network.runUntil(() -> network.masters(1).size() == 1, Duration.ofSeconds(60)),
                network.timelineTail(20));
    }

    /** carp4j pair in the same situation: only the higher address steps down. */
    @Test
    void carp4jMastersTieGoesToTheLowerAddressInOneAdvert() {
        SimulatedNode a = network.node("A");
        SimulatedNode b = network.node("B");
        a.start(group(1, 100));
        b.start(group(1, 100));
        network.partition(Set.of(a));
        network.advanceBy(Duration.ofSeconds(10));
        network.heal();
        network.advanceBy(Duration.ofSeconds(2));
        assertMasterIs(a, 1);
        assertEquals(1, network.transitions().stream().filter(t -> t.from() == CarpState.MASTER).count());
    }

    /** OpenBSD's demote byte: a demoted OpenBSD master hands over to a carp4j backup with a worse skew. */
    @Test
    void openbsdDemoteByteHandsOverToACarp4jBackup() {
        SimulatedPeer o = network.peer("O", PeerModel.openbsd()).start(group(1, 0));
        SimulatedNode c = network.node("C");
        c.start(group(1, 100));
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(CarpState.MASTER, o.state());

        o.setDemotion(1);
        network.advanceBy(Duration.ofSeconds(3));

        assertMasterIs(c, 1);
        assertEquals(CarpState.BACKUP, o.state());
        assertTrue(network.timeline().stream().anyMatch(l -> l.contains("C vhid 1: BACKUP -> MASTER (master"
                + " 198.18.0.1 is demoted (1 > 0))")), network.timelineTail(10));
        assertTrue(network.advertisements().stream().anyMatch(ad -> ad.sender().equals("O")
                && ad.advertisement().demote() == 1));
        assertEquals(0, c.group(1).stats().dropped(DropReason.BAD_AUTH));
    }

    /** An OpenBSD backup takes over from a demoted carp4j master whatever the skews, without preempt. */
    @Test
    void openbsdBackupTakesOverFromADemotedCarp4jMaster() {
        SimulatedNode c = network.node("C");
        c.start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(5));
        SimulatedPeer o = network.peer("O", PeerModel.openbsd()).start(group(1, 200));
        network.advanceBy(Duration.ofSeconds(5));
        c.group(1).setDemotion(5, "test");
        network.advanceBy(Duration.ofSeconds(3));
        assertEquals(CarpState.MASTER, o.state(), network.timelineTail(10));
        assertEquals(CarpState.BACKUP, c.state(1));
    }

    /** A clean stop: OpenBSD bows out (the backup takes over at once), ucarp and FreeBSD send nothing. */
    @Test
    void cleanStopBowsOutOnlyForOpenbsd() {
        List<Duration> handovers = new ArrayList<>();
        for (PeerModel model : List.of(PeerModel.openbsd(), PeerModel.ucarp(), PeerModel.freebsd())) {
            try (SimulatedNetwork net = SimulatedNetwork.create(5)) {
                SimulatedPeer p = net.peer("P", model).start(group(1, 0));
                SimulatedNode c = net.node("C");
                c.start(group(1, 100).adaptToLoss(false));
                net.advanceBy(Duration.ofSeconds(10));
                Duration stopped = net.now();
                p.node().close();
                assertEquals(CarpState.INIT, p.state());
                assertFalse(p.node().holdsAddress(Vips.VIP1));
                assertTrue(net.runUntil(() -> c.state(1) == CarpState.MASTER, Duration.ofSeconds(5)));
                handovers.add(net.now().minus(stopped));
                assertEquals(model == PeerModel.openbsd(), net.advertisements().stream()
                        .anyMatch(RecordedAdvertisement::isBowOut), model.name());
            }
        }
        assertEquals(Vips.LINK_DELAY, handovers.get(0));
        assertTrue(handovers.get(1).compareTo(Duration.ofSeconds(2)) > 0, handovers.toString());
        assertTrue(handovers.get(2).compareTo(Duration.ofSeconds(2)) > 0, handovers.toString());
    }

    /** A killed peer's addresses expire; a restarted one starts as BACKUP without them. */
    @Test
    void killedPeerLosesItsAddressesAndRestartsAsBackup() {
        SimulatedPeer u = network.peer("U", PeerModel.ucarp()).start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(5));
        assertTrue(u.node().holdsAddress(Vips.VIP1));
        u.node().kill();
        u.node().restart();
        assertEquals(CarpState.BACKUP, u.state());
        assertFalse(u.node().holdsAddress(Vips.VIP1));
        network.advanceBy(Duration.ofSeconds(5));
        assertEquals(CarpState.MASTER, u.state());
    }

    /** The separate callback thread: callbacks run outside protocol work; inline ones are seen inside it. */
    @Test
    void callbacksRunOutsideProtocolWorkOnlyOnTheSeparateThread() {
        List<Boolean> inline = new ArrayList<>();
        SimulatedNode a = network.node("A");
        a.start(group(1, 0).onStateChange(e -> inline.add(network.inProtocolEvent())));
        network.separateCallbackThread(true);
        List<Boolean> separate = new ArrayList<>();
        SimulatedNode b = network.node("B");
        b.start(group(2, 0).onStateChange(e -> separate.add(network.inProtocolEvent())));
        network.advanceBy(Duration.ofSeconds(5));
        assertEquals(List.of(true, true), inline);   // INIT -> BACKUP (inside start), BACKUP -> MASTER
        assertEquals(List.of(false, false), separate);
        assertFalse(network.inProtocolEvent());
    }

    /** Packets the groups drop (bad checksum, digest, TTL) change no state, and the network says so. */
    @Test
    void droppedPacketsChangeNoState() {
        SimulatedNode a = network.node("A");
        SimulatedNode b = network.node("B");
        a.start(group(1, 0));
        b.start(group(1, 100));
        network.advanceBy(Duration.ofSeconds(5));
        network.inject(LinkFault.CORRUPT_DIGEST, b);
        network.inject(LinkFault.BAD_CHECKSUM, a);
        network.advanceBy(Duration.ofSeconds(2));
        assertTrue(b.group(1).stats().dropped(DropReason.BAD_CHECKSUM) > 0);
        assertEquals(List.of(), network.droppedPacketStateChanges());
    }
}
