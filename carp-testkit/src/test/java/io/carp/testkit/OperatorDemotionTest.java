package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.interval;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator's demotion ({@code demote}, {@code promote}) as the wire and the peers see it. */
class OperatorDemotionTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");

    @AfterEach
    void close() {
        network.close();
    }

    private List<RecordedAdvertisement> advertsFromASince(Duration since) {
        return network.advertisements().stream()
                .filter(ad -> ad.sender().equals("A") && ad.time().compareTo(since) >= 0)
                .collect(Collectors.toList());
    }

    @Test
    void shouldPutOneExtraAdvertOnTheWireAtTheInstantWhenAMasterIsDemotedOrPromoted() {
        // Rule: a MASTER advertises a demotion change at once: an extra advert at that instant carrying the new
        // advskew (0 + 20) and demote byte (20); the schedule then follows the new interval (1 + 20/256 s).
        a.start(group(1, 0));
        network.advanceBy(Duration.ofMillis(10_500)); // master since 3 s, adverts on the whole seconds
        assertMasterIs(a, 1);
        Duration demotedAt = network.now();

        a.group(1).demote(20, "maintenance");
        network.advanceBy(Duration.ofMillis(1500));
        Duration promotedAt = network.now();
        a.group(1).promote(20, "maintenance done");
        network.advanceBy(Duration.ofMillis(10));

        List<RecordedAdvertisement> adverts = advertsFromASince(demotedAt);
        assertEquals(List.of(demotedAt, demotedAt.plus(interval(1, 20)), promotedAt),
                adverts.stream().map(RecordedAdvertisement::time).collect(Collectors.toList()));
        assertEquals(List.of(20, 20, 0), adverts.stream().map(ad -> ad.advskew())
                .collect(Collectors.toList()));
        assertEquals(List.of(20, 20, 0), adverts.stream().map(ad -> ad.demote())
                .collect(Collectors.toList()));
        assertEquals(0, a.group(1).demotion());
    }

    @Test
    void shouldHandOverAtOnceWithoutPreemptWhenTheOperatorDemotesTheMaster() {
        // Rule: the demoted master's immediate advert makes a backup with a lower demote byte take over at once
        // (plus the link delay), without waiting for master-down and without preempt.
        a.start(group(1, 0));
        b.start(group(1, 100));
        network.advanceBy(Duration.ofMillis(10_500));
        assertMasterIs(a, 1);
        Duration demotedAt = network.now();

        a.group(1).demote(1, "drain");
        network.advanceBy(Duration.ofMillis(10));

        assertTookOverWithin(b, 1, demotedAt, LINK_DELAY);
        assertMasterIs(b, 1);
        List<RecordedTransition> ofB = Vips.transitionsOf(network, "B", 1);
        RecordedTransition takeover = ofB.get(ofB.size() - 1);
        assertEquals("master 198.18.0.1 is demoted (1 > 0)", takeover.reason());
    }
}
