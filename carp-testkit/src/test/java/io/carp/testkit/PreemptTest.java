package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.interval;
import static io.carp.testkit.Vips.seconds;
import static io.carp.testkit.Vips.transitionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a faster node does when it comes back after a failover. */
class PreemptTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule: with preempt, a backup takes over from a master that advertises slower than itself. A (advskew 0) comes
     * back after C (advskew 100) took over and takes mastership back on C's next advert.
     */
    @Test
    void shouldTakeMastershipBackWhenARestartedFasterNodePreempts() {
        CarpGroupBuilder aGroup = group(1, 0).preempt(true);
        a.start(aGroup);
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        assertMasterIs(c, 1);

        a.restart();
        Duration restartedAt = network.now();
        network.advanceBy(Duration.ofSeconds(5));

        assertMasterIs(a, 1);
        assertTookOverWithin(a, 1, restartedAt, interval(1, 100).plus(LINK_DELAY));
        List<RecordedTransition> fromA = transitionsOf(network, "A", 1);
        assertEquals("preempting slower master 198.18.0.2", fromA.get(fromA.size() - 1).reason());
        List<RecordedTransition> fromC = transitionsOf(network, "C", 1);
        assertEquals("preempted by 198.18.0.1", fromC.get(fromC.size() - 1).reason());
        assertState(c, 1, CarpState.BACKUP);
        assertFalse(c.holdsAddress(VIP1));
        CarpAssertions.assertHoldsAddress(a, VIP1);
    }

    /** Rule: without preempt (the default, as ucarp and the BSDs), the first master stays: A comes back as BACKUP. */
    @Test
    void shouldStayBackupWhenARestartedFasterNodeDoesNotPreempt() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));

        a.restart();
        Duration restartedAt = network.now();
        network.advanceBy(Duration.ofSeconds(60));

        assertMasterIs(c, 1);
        assertState(a, 1, CarpState.BACKUP);
        assertNoFlapping(network, 1, restartedAt.plus(seconds(0.001)));
    }
}
