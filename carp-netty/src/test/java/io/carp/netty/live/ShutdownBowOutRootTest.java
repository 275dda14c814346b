package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveNodeMain;
import io.carp.netty.testing.LiveProcess;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An application that embeds the library ({@link LiveNodeMain} {@code --runtime-shutdown-hook}: a NettyCarpRuntime
 * with its defaults and no shutdown hook of its own) is MASTER and gets SIGTERM. By default the runtime's shutdown hook bows out, so the backup (a
 * runtime in this JVM, advbase 1) takes over within one advertisement interval, not after the master-down interval
 * (3.39 s). The control turns the hook off ({@code bowOutOnShutdown(false)}) and shows the master-down wait.
 * Times: from just before {@code kill -TERM} to the backup's transition callback, both on this JVM's clock.
 */
@LinuxRootTest("a JVM that embeds the library is stopped with SIGTERM as MASTER")
class ShutdownBowOutRootTest {
    private static final String NS_A = "uni-sd-a";
    private static final String NS_B = "uni-sd-b";
    private static final String IF_A = "unisda";
    private static final String IF_B = "unisdb";
    private static final String A_IP = "198.18.102.1";
    private static final String B_IP = "198.18.102.2";
    private static final String VIP = "198.18.102.100";
    private static final long ADVBASE_NANOS = 1_000_000_000L;

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();
    private final List<Long> eventTimes = new CopyOnWriteArrayList<>();
    private CarpGroup backup;

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.namespace(NS_A);
        lab.namespace(NS_B);
        lab.link(NS_A, IF_A, A_IP + "/24", NS_B, IF_B, B_IP + "/24");
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void closeBackup() {
        if (backup != null) {
            backup.close();
        }
    }

    @Test
    void shouldHandOverWithinOneIntervalWhenTheEmbeddingJvmIsStoppedWithSigterm() throws Exception {
        long took = sigtermTheMaster(List.of("--runtime-shutdown-hook"), "bow-out received from " + A_IP);
        System.out.println("FIGURE shutdown.bowOut.takeoverMillis=" + took / 1_000_000.0);
        assertTrue(took < ADVBASE_NANOS, "the backup took over " + took / 1_000_000 + " ms after SIGTERM"
                + " (expected: well under the 1 s advertisement interval)");
    }

    @Test
    void shouldWaitTheMasterDownIntervalWhenTheHookIsTurnedOff() throws Exception {
        // The control: without the hook the JVM exits without a word, and the backup waits for the master-down.
        long took = sigtermTheMaster(List.of("--no-bow-out-on-shutdown"), "master timed out");
        System.out.println("FIGURE shutdown.noHook.takeoverMillis=" + took / 1_000_000.0);
        assertTrue(took > 2 * ADVBASE_NANOS, "took " + took / 1_000_000 + " ms");
    }

    /** Starts A (master) and the backup, SIGTERMs A, returns the nanoseconds from the signal to B's takeover. */
    private long sigtermTheMaster(List<String> extra, String expectedReason) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-i", IF_A, "-v", "7", "-p", "sd-secret", "-a", VIP,
                "-k", "0"));
        args.addAll(extra);
        LiveProcess a = lab.java("node A", NS_A, LiveNodeMain.class, args.toArray(new String[0]));
        await("A is MASTER", () -> a.printed(l -> l.startsWith("STATE 7 BACKUP MASTER")), 20_000, a);
        backup = CarpGroup.builder().interfaceName(IF_B).vhid(7).password("sd-secret").virtualAddress(VIP)
                .advskew(100).runtime(runtimeB).callbackExecutor(Runnable::run)
                .onStateChange(e -> {
                    eventTimes.add(System.nanoTime());
                    events.add(e);
                }).build();
        backup.start();
        await("B is BACKUP and hears A", () -> backup.state() == CarpState.BACKUP
                && backup.stats().ipv4PacketsReceived() >= 2, 10_000, a);
        assertTrue(lab.has(NS_A, IF_A, VIP), "A holds the VIP");

        long sigterm = System.nanoTime();
        a.terminate();
        // the state turns MASTER just before the callback records the event: wait for both
        await("B takes over", () -> backup.state() == CarpState.MASTER && !events.isEmpty()
                && events.get(events.size() - 1).to() == CarpState.MASTER, 10_000, a);
        CarpStateEvent takeover = events.get(events.size() - 1);
        assertEquals(CarpState.MASTER, takeover.to());
        assertTrue(takeover.reason().startsWith(expectedReason), takeover + "\n" + a.output());
        long took = eventTimes.get(events.size() - 1) - sigterm;

        assertTrue(a.awaitExit(10_000), "A exited after SIGTERM\n" + a.output());
        await("the VIP is on B only", () -> lab.has(NS_B, IF_B, VIP) && !lab.has(NS_A, IF_A, VIP), 5_000, a);
        assertFalse(a.printed(l -> l.startsWith("ERROR")), a.output());
        return took;
    }

    private static void await(String what, BooleanSupplier condition, long millis, LiveProcess a)
            throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "\n" + a.output());
            }
            Thread.sleep(5);
        }
    }
}
