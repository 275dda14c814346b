package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.Vips.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol on a bad link. */
class LossyLinkTest {
    private final SimulatedNetwork network = SimulatedNetwork.create(2024);
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule (loss-adaptive master-down, opted in with {@code adaptToLoss(true)}): with distinct advskews and 30% random loss there is no flap at
     * all over ten minutes. Each backup measures that it misses about 30% of A's adverts and waits 10 intervals
     * instead of 3 before declaring A dead (0.3^10 = 6e-6 per window instead of 0.3^3 = 2.7%). The price is paid only
     * under loss: when A really dies, B takes over after about 10 intervals, still bounded by 4 x deadRatio.
     */
    @Test
    void shouldNotFlapForTenMinutesWhenLossIsThirtyPercent() {
        a.start(group(1, 0).adaptToLoss(true));
        b.start(group(1, 50).adaptToLoss(true));
        c.start(group(1, 100).adaptToLoss(true));
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
        Duration elected = network.now();
        network.linkModel(LossyLink.withLoss(0.30));

        network.advanceBy(Duration.ofMinutes(10));

        assertNoFlapping(network, 1, elected);
        assertMasterIs(a, 1);

        Duration killed = network.now();
        a.kill();
        assertTrue(network.runUntil(() -> b.state(1) == CarpState.MASTER || c.state(1) == CarpState.MASTER,
                Duration.ofSeconds(4 * 3 + 1)), "a backup took over within 4 x deadRatio intervals:\n"
                + network.timelineTail(5));
        assertTrue(network.now().minus(killed).compareTo(Duration.ofSeconds(3)) > 0,
                "under 30% loss the backup waited longer than the plain master-down interval");
    }

    /**
     * Rule (plain CARP, {@code adaptToLoss(false)}): the best node stays master through any loss, and a backup that
     * takes over because it missed adverts is preempted back on the next advert that gets through.
     *
     * <p>With advbase 1 and dead ratio 3 a backup takes over when it misses three adverts in a row. At 30% loss that
     * is 0.3^3 = 2.7% of the advert windows, so over 600 adverts each backup expects about 600 * 0.7 * 0.027 = 11
     * spurious takeovers: ucarp and the BSD kernels flap on such a link. What must hold: A (advskew 0) never leaves
     * MASTER, since it only yields to a better advert; every spurious takeover ends ("preempted by") long before ten
     * more adverts are lost in a row; the count is near the expectation.
     */
    @Test
    void shouldKeepTheBestMasterAndHealEveryFlapWhenLossIsThirtyPercentWithoutAdaptation() {
        a.start(group(1, 0).adaptToLoss(false));
        b.start(group(1, 50).adaptToLoss(false));
        c.start(group(1, 100).adaptToLoss(false));
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
        Duration elected = network.now();
        network.linkModel(LossyLink.withLoss(0.30));

        network.advanceBy(Duration.ofMinutes(10));

        assertTrue(Vips.transitionsOf(network, "A", 1).stream().allMatch(t -> t.timeNanos() < elected.toNanos()),
                "A never left MASTER:\n" + network.timelineTail(5));
        for (String backup : List.of("B", "C")) {
            List<RecordedTransition> flaps = Vips.transitionsOf(network, backup, 1).stream()
                    .filter(t -> t.timeNanos() >= elected.toNanos()).collect(Collectors.toList());
            long takeovers = flaps.stream().filter(t -> t.to() == CarpState.MASTER).count();
            assertTrue(takeovers >= 2 && takeovers <= 30, backup + " took over " + takeovers + " times (expected ~11)");
            for (int i = 0; i < flaps.size(); i += 2) {
                RecordedTransition up = flaps.get(i);
                RecordedTransition down = flaps.get(i + 1);
                assertEquals(CarpState.MASTER, up.to());
                assertEquals(CarpState.BACKUP, down.to());
                assertEquals("preempted by 198.18.0.1", down.reason());
                assertTrue(down.time().minus(up.time()).compareTo(Duration.ofSeconds(10)) < 0, up + " / " + down);
            }
        }
        network.heal();
        network.linkModel(PerfectLink.DEFAULT);
        network.advanceBy(Duration.ofSeconds(2));
        assertMasterIs(a, 1);
    }

    /**
     * Rule: at 5% loss three adverts in a row are lost in 0.0125% of the windows: about 0.14 spurious takeovers in
     * ten minutes for two backups, so this seed (2024) shows none. A seed that flapped would show real protocol
     * behaviour, not a bug.
     */
    @Test
    void shouldNotFlapForTenMinutesWhenLossIsFivePercent() {
        a.start(group(1, 0));
        b.start(group(1, 50));
        c.start(group(1, 100));
        network.advanceBy(Duration.ofSeconds(5));
        Duration elected = network.now();
        network.linkModel(LossyLink.withLoss(0.05).withJitter(Duration.ofMillis(5)));

        network.advanceBy(Duration.ofMinutes(10));

        assertNoFlapping(network, 1, elected);
        assertMasterIs(a, 1);
    }

    /** Rule: a duplicated advert is just heard twice; it changes nothing. */
    @Test
    void shouldDeliverEveryPacketTwiceWhenDuplicationIsCertain() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.linkModel(LossyLink.withLoss(0).withDuplication(1.0));
        network.advanceBy(Vips.seconds(20.5)); // no advert in flight

        long sentByA = a.group(1).stats().ipv4PacketsSent();
        long heardByC = c.group(1).stats().ipv4PacketsReceived();
        assertEquals(2 * sentByA, heardByC, "each of A's adverts arrives twice at C");
        assertMasterIs(a, 1);
    }

    @Test
    void shouldRefuseAProbabilityWhenItIsOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossyLink.withLoss(1.5));
        assertEquals("loss: 1.5 (expected: a probability 0.0-1.0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LossyLink.withLoss(0).withDuplication(-0.1));
        assertEquals("duplication: -0.1 (expected: a probability 0.0-1.0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LossyLink.withLoss(0).withJitter(Duration.ofMillis(-1)));
        assertEquals("jitter: PT-0.001S (expected: zero or more)", e.getMessage());
    }

    /** Rule: jitter delays each copy by a random amount below the bound, never more. */
    @Test
    void shouldDelayWithinTheJitterBoundWhenJitterIsSet() {
        LossyLink link = LossyLink.withLoss(0).withDelay(Duration.ofMillis(1)).withJitter(Duration.ofMillis(4));
        java.util.Random random = new java.util.Random(1);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long d = link.deliveries(a, c, random).get(0).toNanos();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min >= 1_000_000 && min < 1_010_000, "min " + min);
        assertTrue(max < 5_000_000 && max > 4_990_000, "max " + max);
    }
}
