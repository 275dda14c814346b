package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User callbacks that throw and that block, on the default callback executor: node a (advskew 0, preempt) has an
 * {@code onStateChange} that always throws and an {@code onMaster} that blocks for up to 15 s; node b (advskew 100,
 * preempt) is plain. Adverts are captured with tcpdump on b's interface (kernel timestamps).
 */
@LinuxRootTest("callbacks that throw and block, with adverts captured by tcpdump")
class CallbackFaultsRootTest {
    private static final String VIP = FaultSegment.SUBNET + "100";
    private static final long BLOCK_SECONDS = 15;

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final StateLog log = new StateLog();

    @BeforeAll
    static void createNetwork() {
        lab = FaultSegment.create();
        a = lab.host("a", 1);
        b = lab.host("b", 2);
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
    void shouldAdvertiseOnTimeAndFailOverAndBackWhileCallbacksThrowAndBlock() throws Exception {
        int vhid = 49;
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstBlockReturned = new AtomicBoolean();
        AdvertCapture capture = lab.closeAfterTest(AdvertCapture.start(b));
        lab.closeAfterTest(release::countDown); // never leave a callback thread blocked behind a failed test
        CarpGroup groupA = lab.closeAfterTest(CarpGroup.builder().runtime(runtimeA).interfaceName(a.ifname())
                .vhid(vhid).password("flt-secret").virtualAddress(VIP).advbase(1).advskew(0).preempt(true)
                .onStateChange(e -> {
                    throw new IllegalStateException("injected by the test: a callback that throws");
                })
                .onMaster(e -> {
                    boolean first = blocking.getCount() > 0;
                    blocking.countDown();
                    try {
                        release.await(BLOCK_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    if (first) {
                        firstBlockReturned.set(true);
                    }
                })
                .build());
        CarpGroup groupB = lab.closeAfterTest(CarpGroup.builder().runtime(runtimeB).interfaceName(b.ifname())
                .vhid(vhid).password("flt-secret").virtualAddress(VIP).advbase(1).advskew(100).preempt(true)
                .onStateChange(log).build());
        groupA.start();
        groupB.start();
        assertTrue(blocking.await(10, TimeUnit.SECONDS), "a never became MASTER");
        double blockBegin = AdvertCapture.nowEpochSeconds();

        Await.sleep(4_000); // a's onMaster blocks; its adverts must not
        assertEquals(CarpState.MASTER, groupA.state());
        assertEquals(CarpState.BACKUP, groupB.state());

        long demote = System.nanoTime();
        groupA.setDemotion(50, "test: fail over while a's callbacks are stuck");
        Await.await("b takes over from the demoted a", 3_000,
                () -> groupB.state() == CarpState.MASTER && groupA.state() == CarpState.BACKUP, log::toString);
        long failoverMillis = (System.nanoTime() - demote) / 1_000_000L;

        long promote = System.nanoTime();
        groupA.setDemotion(0, "test: fail back while a's callbacks are stuck");
        Await.await("a preempts b again", 3_000,
                () -> groupA.state() == CarpState.MASTER && groupB.state() == CarpState.BACKUP, log::toString);
        long failbackMillis = (System.nanoTime() - promote) / 1_000_000L;
        Await.sleep(2_000);
        double blockEnd = AdvertCapture.nowEpochSeconds();
        assertFalse(firstBlockReturned.get(), "the test must run while the first onMaster still blocks");
        Await.await("the VIP on a only", 3_000, () -> lab.holders(VIP).equals(List.of("a")),
                () -> "holders " + lab.holders(VIP));
        Await.sleep(300); // let tcpdump's output catch up

        List<AdvertCapture.Advert> adverts = capture.between(vhid, blockBegin, blockEnd);
        assertTrue(adverts.size() >= 7, "adverts while a's callback blocked: " + adverts);
        assertTrue(adverts.stream().anyMatch(x -> x.source().equals(b.address())), "b advertised: " + adverts);
        double worstRatio = 0;
        double worstGap = 0;
        for (int i = 1; i < adverts.size(); i++) {
            AdvertCapture.Advert previous = adverts.get(i - 1);
            double gap = adverts.get(i).epochSeconds() - previous.epochSeconds();
            double ratio = gap / previous.intervalSeconds();
            worstGap = Math.max(worstGap, gap);
            worstRatio = Math.max(worstRatio, ratio);
            assertTrue(ratio < 1.5, String.format(Locale.ROOT, "gap of %.3f s after an advert announcing %.3f s"
                    + " (%s); all: %s", gap, previous.intervalSeconds(), previous, adverts));
        }
        double firstEdge = adverts.get(0).epochSeconds() - blockBegin;
        double lastEdge = blockEnd - adverts.get(adverts.size() - 1).epochSeconds();
        assertTrue(firstEdge < 1.5 && lastEdge < 1.5, "silence at the edges of the window: " + firstEdge + " s, "
                + lastEdge + " s");

        release.countDown();
        Await.await("every callback of a ran and threw", 5_000,
                () -> groupA.stats().callbackFailures() >= 4, () -> "failures " + groupA.stats().callbackFailures());
        assertTrue(firstBlockReturned.get());
        assertEquals(CarpState.MASTER, groupA.state());

        Measured.figure("callback.windowSeconds", String.format(Locale.ROOT, "%.1f", blockEnd - blockBegin));
        Measured.figure("callback.advertsInWindow", adverts.size());
        Measured.figure("callback.worstGapSeconds", String.format(Locale.ROOT, "%.3f", worstGap));
        Measured.figure("callback.worstGapOverAnnouncedInterval", String.format(Locale.ROOT, "%.3f", worstRatio));
        Measured.figure("callback.failoverMillis", failoverMillis);
        Measured.figure("callback.failbackMillis", failbackMillis);
        Measured.figure("callback.failuresCounted", groupA.stats().callbackFailures());
    }
}
