package io.carp.testkit;

import static io.carp.testkit.Vips.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same seed, same run. */
class DeterminismTest {

    /** What one run of a busy scenario recorded. */
    private static final class Trace {
        final List<RecordedAdvertisement> advertisements;
        final List<RecordedTransition> transitions;
        final List<String> timeline;

        Trace(SimulatedNetwork network) {
            this.advertisements = network.advertisements();
            this.transitions = network.transitions();
            this.timeline = network.timeline();
        }
    }

    /** Loss, jitter, duplication, a kill, a restart with preempt, a freeze and a partition: everything random. */
    private static Trace run(long seed) {
        try (SimulatedNetwork network = SimulatedNetwork.create(seed)) {
            SimulatedNode a = network.node("A");
            SimulatedNode b = network.node("B");
            SimulatedNode c = network.node("C");
            a.start(group(1, 0).preempt(true));
            b.start(group(1, 50));
            c.start(group(1, 100));
            c.start(group(2, 10));
            network.linkModel(LossyLink.withLoss(0.25).withDuplication(0.1).withJitter(Duration.ofMillis(30)));
            network.advanceBy(Duration.ofSeconds(60));
            a.kill();
            network.advanceBy(Duration.ofSeconds(20));
            a.restart();
            network.advanceBy(Duration.ofSeconds(20));
            b.freeze();
            network.advanceBy(Duration.ofSeconds(7));
            b.thaw();
            network.partition(java.util.Set.of(c));
            network.advanceBy(Duration.ofSeconds(20));
            network.heal();
            network.advanceBy(Duration.ofSeconds(60));
            return new Trace(network);
        }
    }

    /** Rule: one seeded generator and a (time, insertion) ordered queue make a run repeat exactly, bytes included. */
    @Test
    void shouldRecordTheSameTraceWhenTheSeedIsTheSame() {
        Trace first = run(7);
        Trace second = run(7);

        assertTrue(first.advertisements.size() > 200, "a busy run: " + first.advertisements.size());
        assertTrue(first.transitions.size() > 10, "with many transitions: " + first.transitions.size());
        assertEquals(first.advertisements, second.advertisements);
        for (int i = 0; i < first.advertisements.size(); i++) {
            assertEquals(java.util.Arrays.toString(first.advertisements.get(i).bytes()),
                    java.util.Arrays.toString(second.advertisements.get(i).bytes()));
        }
        assertEquals(first.transitions, second.transitions);
        assertEquals(first.timeline, second.timeline);
    }

    /** Rule: the seed drives the randomness: another seed gives other counters and, here, other losses. */
    @Test
    void shouldRecordADifferentTraceWhenTheSeedDiffers() {
        Trace first = run(7);
        Trace other = run(8);

        assertNotEquals(first.advertisements, other.advertisements);
        assertNotEquals(first.timeline, other.timeline);
    }
}
