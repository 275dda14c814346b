package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.lastAdvertFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health-driven demotion between two nodes: A (198.18.0.1, advskew 0) is master, B (198.18.0.2, advskew 100) backs
 * it up. A has a health check (every 1.3 s, weight 100) whose result the test sets. The testkit runs health checks
 * inline on the simulation thread, so each run happens at a known virtual instant.
 */
class HealthDemotionTest {
    /** Off A's one-second advert schedule: A's check runs at 0, 1.3, 2.6, ... 9.1, 10.4 s. */
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(1300);

    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");
    private final AtomicBoolean healthy = new AtomicBoolean(true);

    @AfterEach
    void close() {
        network.close();
    }

    private CarpGroupBuilder checkedGroup() {
        return group(1, 0).healthCheck("app", healthy::get, CHECK_INTERVAL, 100);
    }

    private void elect(CarpGroupBuilder groupA, CarpGroupBuilder groupB) {
        a.start(groupA);
        b.start(groupB);
        network.advanceBy(Duration.ofSeconds(10));
        assertMasterIs(a, 1);
        assertEquals(0, a.group(1).demotion());
    }

    /** Makes A's check fail and waits until B has taken over; returns when the check started failing. */
    private Duration failAndHandOver() {
        Duration failed = network.now();
        healthy.set(false);
        assertTrue(network.runUntil(() -> b.state(1) == CarpState.MASTER && a.state(1) == CarpState.BACKUP,
                Duration.ofSeconds(5)), network.timelineTail(8));
        return failed;
    }

    @Test
    void shouldHandOverToTheBackupWithoutPreemptWhenTheMastersCheckFails() {
        // Rule: a failing check raises the demotion by its weight; a backup takes over from a master whose demote
        // byte is higher than its own (OpenBSD), preempt or not, and the demoted master steps down on hearing it.
        elect(checkedGroup(), group(1, 100));

        Duration failed = failAndHandOver();

        assertEquals(100, a.group(1).demotion());
        assertTookOverWithin(b, 1, failed, CHECK_INTERVAL.plus(LINK_DELAY));
        RecordedTransition takeover = last(Vips.transitionsOf(network, "B", 1));
        assertEquals("master 198.18.0.1 is demoted (100 > 0)", takeover.reason());
        RecordedTransition stepDown = last(Vips.transitionsOf(network, "A", 1));
        assertEquals(CarpState.BACKUP, stepDown.to());
        assertEquals("demoted below 198.18.0.2 (100 > 0)", stepDown.reason());
        network.advanceBy(Duration.ofSeconds(1));
        assertTrue(b.holdsAddress(Vips.VIP1));
        assertTrue(!a.holdsAddress(Vips.VIP1), "A released the address");
    }

    @Test
    void shouldAdvertiseTheDemotionAtOnceWhenTheMastersCheckFails() {
        // Rule: a MASTER advertises a demotion change at once: one extra advert at the instant the check failed
        // (10.4 s), before its next scheduled one (11 s), with advskew 0 + 100 and demote byte 100.
        elect(checkedGroup(), group(1, 100));
        RecordedAdvertisement regular = lastAdvertFrom(network, "A", 1);
        assertEquals(Duration.ofSeconds(10), regular.time(), "A advertises every second since 3 s");

        failAndHandOver();

        RecordedAdvertisement demoted = network.advertisements().stream()
                .filter(ad -> ad.sender().equals("A") && ad.sequenceNumber() > regular.sequenceNumber())
                .findFirst().orElseThrow();
        assertEquals(Duration.ofMillis(10_400), demoted.time(), "at the instant of the failing check");
        assertEquals(1, demoted.advbase());
        assertEquals(100, demoted.advskew());
        assertEquals(100, demoted.demote());
        assertEquals(0, regular.demote());
    }

    @Test
    void shouldDropTheDemotionButKeepTheNewMasterWithoutPreemptWhenTheCheckPassesAgain() {
        // Rule: a passing check removes its demotion; without preempt the recovered node stays BACKUP (the first
        // node up stays master), so B keeps the address.
        elect(checkedGroup(), group(1, 100));
        failAndHandOver();
        network.advanceBy(Duration.ofSeconds(1));
        Duration recovered = network.now();
        healthy.set(true);

        network.advanceBy(CHECK_INTERVAL.plus(Duration.ofMillis(10)));
        assertEquals(0, a.group(1).demotion());

        network.advanceBy(Duration.ofSeconds(30));
        assertMasterIs(b, 1);
        assertState(a, 1, CarpState.BACKUP);
        assertNoFlapping(network, 1, recovered);
    }

    @Test
    void shouldKeepTheNewMasterWhenOnlyTheNewMasterHasPreempt() {
        // Rule: preempt is a backup's rule; B's preempt changes nothing once B is master, and A has none.
        elect(checkedGroup(), group(1, 100).preempt(true));
        failAndHandOver();
        network.advanceBy(Duration.ofSeconds(1));
        Duration recovered = network.now();
        healthy.set(true);

        network.advanceBy(Duration.ofSeconds(30));

        assertEquals(0, a.group(1).demotion());
        assertMasterIs(b, 1);
        assertNoFlapping(network, 1, recovered);
    }

    @Test
    void shouldTakeMastershipBackWhenTheRecoveredNodeHasPreempt() {
        // Rule: with preempt, A (advskew 0) takes over from the slower B once its demotion is 0 again ("preempting
        // slower master"), but not while it is still demoted (equal demote bytes are required).
        elect(checkedGroup().preempt(true), group(1, 100).preempt(true));
        failAndHandOver();
        network.advanceBy(Duration.ofSeconds(10));
        assertMasterIs(b, 1);
        Duration recovered = network.now();
        healthy.set(true);

        network.advanceBy(Duration.ofSeconds(3));

        assertMasterIs(a, 1);
        assertState(b, 1, CarpState.BACKUP);
        RecordedTransition takeBack = last(Vips.transitionsOf(network, "A", 1));
        assertEquals("preempting slower master 198.18.0.2", takeBack.reason());
        assertTrue(takeBack.time().minus(recovered).compareTo(CHECK_INTERVAL.plus(Duration.ofMillis(1500))) < 0,
                "at B's first advert after the check passed: " + takeBack);
    }

    @Test
    void shouldRunChecksOnTheSimulationThreadAtVirtualInstants() {
        // Rule (testkit): SimulatedNode.start runs health checks inline, so they are deterministic: one run at
        // start and one per interval after, on the simulation thread.
        AtomicInteger runs = new AtomicInteger();
        Thread simulation = Thread.currentThread();
        AtomicBoolean onSimulationThread = new AtomicBoolean(true);
        a.start(group(1, 0).healthCheck("count", () -> {
            onSimulationThread.compareAndSet(true, Thread.currentThread() == simulation);
            runs.incrementAndGet();
            return true;
        }, Duration.ofSeconds(1), 10));

        network.advanceBy(Duration.ofSeconds(10).plusMillis(500));

        assertEquals(11, runs.get(), "at 0 s, then every second up to 10 s");
        assertTrue(onSimulationThread.get());
    }

    @Test
    void shouldRunTheChecksOfTheNewProcessWhenANodeRestarts() {
        // Rule (testkit): a restart builds the group again, health checks included; the dead process runs none.
        AtomicInteger runs = new AtomicInteger();
        a.start(group(1, 0).healthCheck("count", () -> runs.incrementAndGet() > 0, Duration.ofSeconds(1), 10));
        network.advanceBy(Duration.ofMillis(2500));
        assertEquals(3, runs.get());
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(3, runs.get(), "a dead process checks nothing");

        a.restart();
        network.advanceBy(Duration.ofMillis(1500));

        assertEquals(5, runs.get());
    }

    @Test
    void shouldProduceTheSameTimelineWhenAScenarioWithHealthChecksRunsTwice() {
        // Rule (testkit): health checks keep a simulation deterministic: same seed, same timeline and adverts.
        assertEquals(flappingHealthScenario(), flappingHealthScenario());
    }

    /** A check that fails every third run, on a lossy link, with preempt: many hand-overs. */
    private static List<String> flappingHealthScenario() {
        try (SimulatedNetwork net = SimulatedNetwork.create(77)) {
            SimulatedNode x = net.node("X");
            SimulatedNode y = net.node("Y");
            AtomicInteger runs = new AtomicInteger();
            x.start(group(1, 0).preempt(true)
                    .healthCheck("flaky", () -> runs.incrementAndGet() % 3 != 0, Duration.ofMillis(1700), 50));
            y.start(group(1, 100).preempt(true));
            net.linkModel(LossyLink.withLoss(0.1).withJitter(Duration.ofMillis(3)));
            net.advanceBy(Duration.ofMinutes(2));
            assertTrue(Vips.transitionsOf(net, "Y", 1).size() > 10, "the scenario hands over often");
            List<String> out = new java.util.ArrayList<>(net.timeline());
            net.advertisements().forEach(ad -> out.add(ad.toString()));
            return out;
        }
    }

    private static RecordedTransition last(List<RecordedTransition> transitions) {
        return transitions.get(transitions.size() - 1);
    }
}
