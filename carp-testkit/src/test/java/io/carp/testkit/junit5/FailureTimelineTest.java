package io.carp.testkit.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.carp.CarpGroup;
import io.carp.testkit.SimulatedNetwork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** The extension prints a failing test's timeline. */
class FailureTimelineTest {

    /** Fails on purpose; run only through the launcher below (surefire skips nested classes). */
    @ExtendWith(CarpTestkitExtension.class)
    static class AlwaysFails {
        @Test
        void failsAfterAnElection(SimulatedNetwork network) {
            network.node("A").start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.1.1"));
            network.advanceBy(Duration.ofSeconds(4));
            throw new AssertionError("deliberate");
        }
    }

    @Test
    void shouldPrintTheTimelineWhenATestFails() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(AlwaysFails.class))
                    .build(), summary);
        } finally {
            System.setErr(original);
        }
        String err = captured.toString(StandardCharsets.UTF_8);

        assertEquals(1, summary.getSummary().getTestsFailedCount());
        assertTrue(err.contains("--- carp-testkit timeline of SimulatedNetwork{seed=" + SimulatedNetwork.DEFAULT_SEED
                + ", t=4.000s, nodes=[A]} in failsAfterAnElection(SimulatedNetwork) ---"), err);
        assertTrue(err.contains("  t=3.000s A vhid 1: BACKUP -> MASTER (master timed out)"), err);
    }
}
