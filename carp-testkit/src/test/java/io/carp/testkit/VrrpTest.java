package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertHoldsAddress;
import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertSingleMaster;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.VIP2;
import static io.carp.testkit.Vips.lastAdvertFrom;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.DropReason;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VRRP groups on the simulated network: the election rules of RFC 9568 §6.4 (and RFC 3768 for VRRPv2), end to end. */
class VrrpTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        network.close();
    }

    private CarpGroupBuilder v3(int priority) {
        return CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(1).priority(priority).virtualAddress(VIP1)
                .onStateChange(events::add);
    }

    /** {@code 3 * interval + (256 - priority) * interval / 256}, RFC 9568 §6.1. */
    private static Duration masterDown(int priority, Duration interval) {
        return interval.multipliedBy(3).plus(skew(priority, interval));
    }

    private static Duration skew(int priority, Duration interval) {
        return Duration.ofNanos(interval.toNanos() * (256 - priority) / 256);
    }

    private StateChangeCause lastCause(String node) {
        CarpStateEvent last = null;
        for (CarpStateEvent e : events) {
            if (e.toString().contains(node)) {
                last = e;
            }
        }
        return last == null ? null : last.cause();
    }

    /** Rule (§6.4.2): the backup takes over when the master-down timer fires, 3 intervals plus its skew. */
    @Test
    void shouldFailOverWithinMasterDownWhenTheMasterDies() {
        a.start(v3(200));
        b.start(v3(100));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        assertHoldsAddress(a, VIP1);
        RecordedAdvertisement advert = lastAdvertFrom(network, "A", 1);
        assertEquals(Protocol.VRRP_V3, advert.protocol());
        assertEquals(200, advert.priority());
        assertEquals(100, advert.intervalCentis());

        a.kill();
        Duration last = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(seconds(10));

        Duration took = assertTookOverWithin(b, 1, last, masterDown(100, Duration.ofSeconds(1)).plus(LINK_DELAY));
        assertEquals(masterDown(100, Duration.ofSeconds(1)).plus(LINK_DELAY), took, "perfect link: exactly");
        assertHoldsAddress(b, VIP1);
    }

    /** Rule (§6.4.3 Shutdown, §6.4.2): a clean stop sends priority 0 and the backup takes over after its skew time. */
    @Test
    void shouldHandOverWithinSkewTimeOnCleanStop() {
        a.start(v3(200));
        b.start(v3(100));
        network.advanceBy(seconds(10.3));
        assertMasterIs(a, 1);

        a.group(1).close();
        RecordedAdvertisement bye = lastAdvertFrom(network, "A", 1);
        assertTrue(bye.isBowOut(), "the last advert has priority 0: " + bye);
        assertEquals(0, bye.priority());
        assertFalse(a.holdsAddress(VIP1));
        network.advanceBy(seconds(5));

        Duration took = assertTookOverWithin(b, 1, bye.time(), skew(100, Duration.ofSeconds(1)).plus(LINK_DELAY));
        assertEquals(skew(100, Duration.ofSeconds(1)).plus(LINK_DELAY), took, "156/256 s after the priority 0");
        assertEquals(StateChangeCause.BOW_OUT_RECEIVED, lastCause("BACKUP -> MASTER"));
    }

    /** Rule (§6.4.2): with preemption (the default), a higher priority takes over from a lower master by timeout. */
    @Test
    void shouldPreemptLowerMasterByDefault() {
        a.start(v3(100));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);
        b.start(v3(200));
        Duration started = network.now();
        network.advanceBy(seconds(10));

        assertMasterIs(b, 1);
        assertState(a, 1, CarpState.BACKUP);
        assertTookOverWithin(b, 1, started, masterDown(200, Duration.ofSeconds(1)).plus(LINK_DELAY));
        List<RecordedTransition> toMaster = network.transitions().stream()
                .filter(t -> t.node().equals("B") && t.to() == CarpState.MASTER).toList();
        assertEquals(1, toMaster.size());
        assertTrue(events.stream().anyMatch(e -> e.cause() == StateChangeCause.PREEMPTING));
        assertTrue(events.stream().anyMatch(e -> e.cause() == StateChangeCause.PREEMPTED
                && e.to() == CarpState.BACKUP));
    }

    /** Rule (§6.4.2): without preemption a higher priority stays backup behind a live lower master. */
    @Test
    void shouldNotPreemptWhenPreemptIsOff() {
        a.start(v3(100));
        network.advanceBy(seconds(10));
        b.start(v3(200).preempt(false));
        network.advanceBy(seconds(1));
        Duration since = network.now();
        network.advanceBy(seconds(60));

        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        assertNoFlapping(network, 1, since);
    }

    /** Rule (§6.4.2): a VRRPv3 backup learns the master's interval and times out on it, not on its own. */
    @Test
    void shouldLearnTheMastersIntervalAndTimeOutOnIt() {
        a.start(v3(200).advertisementInterval(Duration.ofMillis(50)));
        b.start(v3(100)); // configured 1 s
        network.advanceBy(seconds(5));
        assertMasterIs(a, 1);
        assertEquals(5, lastAdvertFrom(network, "A", 1).intervalCentis());

        a.kill();
        Duration last = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(seconds(5));

        Duration bound = masterDown(100, Duration.ofMillis(50)); // 150 ms + 30.47 ms, not 3.6 s
        Duration took = assertTookOverWithin(b, 1, last, bound.plus(LINK_DELAY));
        assertEquals(bound.plus(LINK_DELAY), took);
    }

    /** Rule (§6.4.3): equal priorities: the higher primary address wins (B is 198.18.0.2, A 198.18.0.1). */
    @Test
    void shouldElectTheHigherAddressOnEqualPriority() {
        a.start(v3(100));
        b.start(v3(100));
        network.advanceBy(seconds(20));
        assertSingleMaster(network, 1);
        assertMasterIs(b, 1);
    }

    /** Demotion lowers the advertised priority; a higher backup then preempts and the cause says why. */
    @Test
    void shouldHandOverWhenTheMasterIsDemotedBelowTheBackup() {
        CarpGroup ga = a.start(v3(200));
        b.start(v3(150));
        network.advanceBy(seconds(10));
        assertMasterIs(a, 1);

        ga.demote(100, "test");
        network.advanceBy(seconds(1));
        assertEquals(100, lastAdvertFrom(network, "A", 1).priority(), "advertised at once, lowered by the demotion");
        network.advanceBy(seconds(10));

        assertMasterIs(b, 1);
        assertTrue(events.stream().anyMatch(e -> e.cause() == StateChangeCause.DEMOTED && e.to() == CarpState.BACKUP),
                events::toString);
    }

    /** The owner (priority 255) becomes master at once on start (§6.4.1). */
    @Test
    void shouldStartTheOwnerAsMasterAtOnce() {
        b.start(v3(100));
        network.advanceBy(seconds(10));
        assertMasterIs(b, 1);
        a.start(v3(255));
        network.advanceBy(Duration.ofMillis(100));
        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        assertTrue(events.stream().anyMatch(e -> e.cause() == StateChangeCause.ADDRESS_OWNER));
    }

    /** VRRPv2 (RFC 3768): failover with a simple text password; a wrong password is dropped as BAD_AUTH. */
    @Test
    void shouldRunVrrpV2WithPasswordAndDropAWrongOne() {
        a.start(CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1).priority(200).password("secret")
                .virtualAddress(VIP1));
        b.start(CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1).priority(100).password("secret")
                .virtualAddress(VIP1));
        SimulatedNode c = network.node("C");
        c.start(CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1).priority(50).password("wrong")
                .virtualAddress(VIP1));
        network.advanceBy(seconds(10));
        assertState(a, 1, CarpState.MASTER);
        assertState(b, 1, CarpState.BACKUP);
        assertState(c, 1, CarpState.MASTER); // alone behind its password, as keepalived would be
        assertEquals(Protocol.VRRP_V2, lastAdvertFrom(network, "A", 1).protocol());
        assertTrue(b.group(1).stats().dropped(DropReason.BAD_AUTH) > 0, "C's adverts fail B's password check");
        assertTrue(c.group(1).stats().dropped(DropReason.BAD_AUTH) > 0);

        a.kill();
        Duration last = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(seconds(10));
        // VRRPv2: skew (256 - 100)/256 s, not scaled by the interval (RFC 3768 §6.1)
        assertTookOverWithin(b, 1, last, Duration.ofSeconds(3).plus(skew(100, Duration.ofSeconds(1)))
                .plus(LINK_DELAY));
    }

    /** VRRPv2 drops an advert with another interval (RFC 3768 §7.1): both sides become master. */
    @Test
    void shouldDropVrrpV2AdvertsWithAnotherInterval() {
        a.start(CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1).priority(200).virtualAddress(VIP1));
        b.start(CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1).priority(100).virtualAddress(VIP1)
                .advertisementInterval(Duration.ofSeconds(2)));
        network.advanceBy(seconds(20));
        assertState(a, 1, CarpState.MASTER);
        assertState(b, 1, CarpState.MASTER);
        assertTrue(b.group(1).stats().dropped(DropReason.BAD_INTERVAL) > 0);
    }

    /** CARP and VRRP groups share the network: each elects on its own; the other protocol is foreign. */
    @Test
    void shouldRunCarpAndVrrpGroupsSideBySide() {
        a.start(v3(200));
        b.start(v3(100));
        a.start(Vips.group(2, 0));
        b.start(Vips.group(2, 100));
        network.advanceBy(seconds(20));
        assertMasterIs(a, 1);
        assertMasterIs(a, 2);
        assertState(b, 1, CarpState.BACKUP);
        assertState(b, 2, CarpState.BACKUP);
        assertHoldsAddress(a, VIP2);

        b.kill();
        b.restart();
        a.kill();
        network.advanceBy(seconds(10));
        assertMasterIs(b, 1);
        assertMasterIs(b, 2);
    }

    /**
     * A CARP advert carrying a VRRP group's id is foreign to it, and the other way round: the two never elect
     * together (the dispatcher counts them as unmatched FOREIGN, see CarpDispatcherTest).
     */
    @Test
    void shouldDropTheOtherProtocolOnTheSameIdAsForeign() {
        a.start(v3(200));
        b.start(Vips.group(1, 0));
        network.advanceBy(seconds(10));
        assertState(a, 1, CarpState.MASTER);
        assertState(b, 1, CarpState.MASTER); // different protocols never elect together
        assertEquals(0, a.group(1).stats().ipv4PacketsReceived());
        assertEquals(0, b.group(1).stats().ipv4PacketsReceived());
    }
}
