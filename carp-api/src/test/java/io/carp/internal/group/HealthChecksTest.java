package io.carp.internal.group;

import io.carp.CarpState;
import io.carp.HealthCheck;

import io.carp.CarpGroup;
import io.carp.CarpConfig;
import io.carp.CarpGroupBuilder;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health-driven demotion ({@link CarpGroupBuilder#healthCheck}, {@link HealthChecks}) on a {@link FakeRuntime}. Checks
 * run inline ({@code healthCheckExecutor(Runnable::run)}) and their results come back through the manual loop, so
 * time moves only when the test says so.
 */
class HealthChecksTest {
    private static final InetAddress SELF4 = of("198.18.0.1");
    private static final InetAddress VIP4 = of("198.18.0.100");
    /** advbase 1, advskew 100, dead ratio 3: 3.390625 s. */
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final long INTERVAL_NANOS = INTERVAL.toNanos();

    private final FakeRuntime runtime = new FakeRuntime(SELF4, null);
    private CarpGroup group;

    @AfterEach
    void tearDown() {
        if (group != null) {
            group.close();
        }
    }

    private CarpGroupBuilder builder() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP4).advskew(100).runtime(runtime)
                .callbackExecutor(Runnable::run).healthCheckExecutor(Runnable::run);
    }

    private CarpGroup start(CarpGroupBuilder builder) {
        group = builder.build();
        group.start();
        runtime.loop.runPending();
        return group;
    }

    @Test
    void shouldDemoteByTheWeightWhenTheCheckFails() {
        // Rule: while a check fails, the group's demotion rises by its weight.
        start(builder().healthCheck("app", () -> false, INTERVAL, 50));
        assertEquals(50, group.demotion());
    }

    @Test
    void shouldNotDemoteWhenTheCheckPasses() {
        // Rule: a passing check adds nothing.
        start(builder().healthCheck("app", () -> true, INTERVAL, 50));
        runtime.loop.advanceBy(5 * INTERVAL_NANOS);
        assertEquals(0, group.demotion());
    }

    @Test
    void shouldDropTheDemotionWhenTheCheckPassesAgain() {
        // Rule: when the check passes again its part of the demotion is removed at its next run.
        AtomicBoolean healthy = new AtomicBoolean(false);
        start(builder().healthCheck("app", healthy::get, INTERVAL, 50));
        assertEquals(50, group.demotion());
        healthy.set(true);

        runtime.loop.advanceBy(INTERVAL_NANOS - 1);
        assertEquals(50, group.demotion(), "not before the next run");
        runtime.loop.advanceBy(1);

        assertEquals(0, group.demotion());
    }

    @Test
    void shouldRunACheckFirstAtStartThenOneIntervalAfterEachResult() {
        // Rule: a check first runs when the group starts, then one interval after each run completes.
        AtomicInteger runs = new AtomicInteger();
        group = builder().healthCheck("app", () -> runs.incrementAndGet() > 0, INTERVAL, 50).build();
        assertEquals(0, runs.get(), "build() runs nothing");
        group.start();
        assertEquals(1, runs.get());
        runtime.loop.advanceBy(INTERVAL_NANOS - 1);
        assertEquals(1, runs.get());
        runtime.loop.advanceBy(1);
        assertEquals(2, runs.get());
        runtime.loop.advanceBy(10 * INTERVAL_NANOS);
        assertEquals(12, runs.get());
    }

    @Test
    void shouldSumTheWeightsOfFailingChecksCappedAt240() {
        // Rule: the demotion is the sum of its parts, capped at 240 (FreeBSD's ceiling).
        AtomicBoolean db = new AtomicBoolean(true);
        AtomicBoolean disk = new AtomicBoolean(true);
        start(builder().healthCheck("db", db::get, INTERVAL, 100).healthCheck("disk", disk::get, INTERVAL, 200));
        assertEquals(0, group.demotion());

        db.set(false);
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(100, group.demotion());

        disk.set(false);
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(240, group.demotion(), "100 + 200 capped at 240");

        db.set(true);
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(200, group.demotion());
    }

    @Test
    void shouldAddTheOperatorDemotionToTheFailingChecks() {
        // Rule: the operator's part and the health parts add up.
        start(builder().demotion(30).healthCheck("app", () -> false, INTERVAL, 50));
        assertEquals(80, group.demotion());
        group.promote(30, "test");
        runtime.loop.runPending();
        assertEquals(50, group.demotion(), "promote lowers only the operator's part");
    }

    @Test
    void shouldCountACheckThatThrowsAsFailing() {
        // Rule: a check that throws an exception counts as a failure.
        start(builder().healthCheck("app", () -> {
            throw new IOException("connection refused");
        }, INTERVAL, 70));
        assertEquals(70, group.demotion());
    }

    @Test
    void shouldCountACheckThatThrowsAnErrorAsFailingAndKeepChecking() {
        // Rule: a user callback that throws never stops the protocol: a check that throws an Error (an assertion in
        // the check, a class that failed to load) is a failure like any other, and it keeps being scheduled.
        AtomicInteger runs = new AtomicInteger();
        start(builder().healthCheck("app", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new AssertionError("broken check");
            }
            return true;
        }, INTERVAL, 70));
        assertEquals(70, group.demotion());

        runtime.loop.advanceBy(INTERVAL_NANOS);

        assertEquals(2, runs.get(), "the check runs again");
        assertEquals(0, group.demotion());
    }

    @Test
    void shouldCountARefusedCheckAsFailingAndRetryNextInterval() {
        // Rule: a health-check executor that refuses the check makes it fail (we cannot know it is healthy), and
        // the check is tried again one interval later.
        AtomicInteger refusals = new AtomicInteger();
        start(builder().healthCheck("app", () -> true, INTERVAL, 60).healthCheckExecutor(task -> {
            if (refusals.incrementAndGet() == 1) {
                throw new RejectedExecutionException("pool shut down");
            }
            task.run();
        }));
        assertEquals(60, group.demotion());

        runtime.loop.advanceBy(INTERVAL_NANOS);

        assertEquals(2, refusals.get());
        assertEquals(0, group.demotion());
    }

    @Test
    void shouldAdvertiseTheDemotionAtOnceWhenAMasterCheckFails() {
        // Rule: a MASTER advertises a demotion change at once, with the demotion in the advskew and the demote byte.
        AtomicBoolean healthy = new AtomicBoolean(true);
        start(builder().healthCheck("app", healthy::get, INTERVAL, 50));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, group.state());
        healthy.set(false);
        runtime.clear();

        while (group.demotion() == 0) { // timer by timer: adverts every 1.39 s, the check every 2 s
            runtime.loop.advanceTo(runtime.loop.nextDeadline());
        }

        FakeRuntime.Sent last = runtime.lastSent();
        assertEquals(runtime.loop.nanoTime(), last.at(), "advertised at the instant the demotion changed");
        assertEquals(150, last.advskew());
        assertEquals(50, last.demote());
    }

    @Test
    void shouldStopCheckingWhenTheGroupIsClosed() {
        // Rule: close() stops the checks; nothing runs afterwards.
        AtomicInteger runs = new AtomicInteger();
        start(builder().healthCheck("app", () -> runs.incrementAndGet() > 0, INTERVAL, 50));
        group.close();
        int before = runs.get();
        runtime.loop.advanceBy(10 * INTERVAL_NANOS);
        assertEquals(before, runs.get());
    }

    @Test
    void shouldIgnoreAResultWhenItArrivesAfterClose() {
        // Rule: a check already running when the group closes finishes and is ignored: no demotion, no next run.
        java.util.List<Runnable> held = new java.util.ArrayList<>();
        group = builder().healthCheck("app", () -> false, INTERVAL, 50).healthCheckExecutor(held::add).build();
        group.start();
        assertEquals(1, held.size(), "the first run was handed to the executor");
        group.close();
        int timers = runtime.loop.timerCount();

        held.get(0).run();          // the check finishes now, on "its" thread
        runtime.loop.runPending();  // its result reaches the loop

        assertEquals(0, group.demotion());
        assertEquals(timers, runtime.loop.timerCount(), "no next run scheduled");
        runtime.loop.advanceBy(10 * INTERVAL_NANOS);
        assertEquals(1, held.size());
    }

    @Test
    void shouldCountAHungCheckAsFailingAfterItsTimeoutAndRecoverWhenItReturns() {
        // Rule: a run that has not answered after its timeout counts as failing; no second run starts while it
        // hangs; when it returns its result applies and the next run follows one interval later.
        java.util.List<Runnable> held = new java.util.ArrayList<>();
        start(builder().healthCheck("app", () -> true, INTERVAL, Duration.ofMillis(500), 50)
                .healthCheckExecutor(held::add));
        assertEquals(1, held.size(), "the first run is 'running' (held by the executor)");
        assertEquals(0, group.demotion());

        runtime.loop.advanceBy(Duration.ofMillis(500).toNanos() - 1);
        assertEquals(0, group.demotion(), "not before the timeout");
        runtime.loop.advanceBy(1);
        assertEquals(50, group.demotion(), "hung for 500 ms: failing");

        runtime.loop.advanceBy(10 * INTERVAL_NANOS);
        assertEquals(1, held.size(), "no second run while the first one hangs");
        assertEquals(50, group.demotion());

        held.get(0).run();           // the check finally answers: healthy
        runtime.loop.runPending();
        assertEquals(0, group.demotion());
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(2, held.size(), "the next run, one interval after the result");
    }

    @Test
    void shouldUseTheDefaultTimeoutOfFiveSecondsWhenNoneIsGiven() {
        // Rule: the 4-argument healthCheck uses CarpConfig.DEFAULT_HEALTH_CHECK_TIMEOUT, 5 s.
        assertEquals(Duration.ofSeconds(5), CarpConfig.DEFAULT_HEALTH_CHECK_TIMEOUT);
        java.util.List<Runnable> held = new java.util.ArrayList<>();
        start(builder().healthCheck("app", () -> true, INTERVAL, 50).healthCheckExecutor(held::add));
        runtime.loop.advanceBy(Duration.ofSeconds(5).toNanos() - 1);
        assertEquals(0, group.demotion());
        runtime.loop.advanceBy(1);
        assertEquals(50, group.demotion());
    }

    @Test
    void shouldInterruptAHungCheckOnceWhenItTimesOut() throws Exception {
        // Rule: at the timeout the check's thread is interrupted, so a check blocked in an interruptible call ends
        // (as a failure); the interrupt does not leak into the executor's next task.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
            start(builder().healthCheck("app", () -> {
                entered.countDown();
                try {
                    Thread.sleep(60_000);
                    ended.complete("slept");
                } catch (InterruptedException e) {
                    ended.complete("interrupted");
                    throw e;
                }
                return true;
            }, INTERVAL, Duration.ofMillis(100), 40).healthCheckExecutor(pool));
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));

            runtime.loop.advanceBy(Duration.ofMillis(100).toNanos());

            assertEquals(40, group.demotion());
            assertEquals("interrupted", ended.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, pool.submit(() -> Thread.currentThread().isInterrupted())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS), "the pool thread's interrupt flag was cleared");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseATimeoutWhenItIsBelow10MillisecondsOrAboveOneHour() {
        // Rule: the health-check timeout is 10 ms to 1 hour; the message names the field, the value and the range.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, INTERVAL, Duration.ofMillis(9), 1));
        assertEquals("healthCheck timeout: PT0.009S (expected: 10 ms to 1 hour)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, INTERVAL, Duration.ofHours(2), 1));
        assertEquals("healthCheck timeout: PT2H (expected: 10 ms to 1 hour)", e.getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> builder().healthCheck("x", () -> true, INTERVAL, null, 1)).getMessage());
    }

    @Test
    void shouldRunNoCheckBeforeStart() {
        // Rule: checks belong to a running group: build() alone schedules nothing.
        AtomicInteger runs = new AtomicInteger();
        group = builder().healthCheck("app", () -> runs.incrementAndGet() > 0, INTERVAL, 50).build();
        runtime.loop.advanceBy(10 * INTERVAL_NANOS);
        assertEquals(0, runs.get());
        assertEquals(0, runtime.loop.timerCount());
    }

    // ------------------------------------------------------------------------------------------------ builder

    @Test
    void shouldRefuseAnIntervalWhenItIsBelow100MillisecondsOrAboveOneHour() {
        // Rule: the interval is 100 ms to 1 hour; the message names the field, the value and the range.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, Duration.ofMillis(99), 1));
        assertEquals("healthCheck interval: PT0.099S (expected: 100 ms to 1 hour)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, Duration.ofHours(1).plusNanos(1), 1));
        assertEquals("healthCheck interval: PT1H0.000000001S (expected: 100 ms to 1 hour)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, Duration.ofSeconds(-1), 1));
        assertEquals("healthCheck interval: PT-1S (expected: 100 ms to 1 hour)", e.getMessage());
    }

    @Test
    void shouldAcceptAnIntervalWhenItIsAtTheBounds() {
        builder().healthCheck("fast", () -> true, Duration.ofMillis(100), 1)
                .healthCheck("slow", () -> true, Duration.ofHours(1), 240).build();
    }

    @Test
    void shouldRefuseAWeightWhenItIsOutside1To240() {
        // Rule: the weight is 1-240.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, INTERVAL, 0));
        assertEquals("healthCheck weight: 0 (expected: 1-240)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> builder().healthCheck("app", () -> true, INTERVAL, 241));
        assertEquals("healthCheck weight: 241 (expected: 1-240)", e.getMessage());
    }

    @Test
    void shouldRefuseANameWhenAnotherCheckOfTheGroupHasIt() {
        // Rule: check names are unique in a group (they name its part of the demotion).
        CarpGroupBuilder b = builder().healthCheck("db", () -> true, INTERVAL, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.healthCheck("db", () -> true, INTERVAL, 20));
        assertEquals("healthCheck name: \"db\" (expected: unique in the group)", e.getMessage());
    }

    @Test
    void shouldRefuseNullsNamingTheParameter() {
        assertEquals("name", assertThrows(NullPointerException.class,
                () -> builder().healthCheck(null, () -> true, INTERVAL, 1)).getMessage());
        assertEquals("check", assertThrows(NullPointerException.class,
                () -> builder().healthCheck("x", null, INTERVAL, 1)).getMessage());
        assertEquals("interval", assertThrows(NullPointerException.class,
                () -> builder().healthCheck("x", () -> true, null, 1)).getMessage());
        assertEquals("healthCheckExecutor", assertThrows(NullPointerException.class,
                () -> builder().healthCheckExecutor(null)).getMessage());
    }

    // ------------------------------------------------------------------------------------------------ tcpPort

    @Test
    void shouldPassWhenSomethingListensOnTheTcpPort() throws Exception {
        // Rule: HealthCheck.tcpPort passes while something accepts connections at host:port.
        try (ServerSocket server = new ServerSocket(0, 50, of("127.0.0.1"))) {
            HealthCheck check = HealthCheck.tcpPort("127.0.0.1", server.getLocalPort(), 1000);
            assertTrue(check.isHealthy());
        }
    }

    @Test
    void shouldFailWhenNothingListensOnTheTcpPort() throws Exception {
        // Rule: a refused connection is a failing check (it throws, which counts as a failure).
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, of("127.0.0.1"))) {
            port = server.getLocalPort();
        }
        HealthCheck check = HealthCheck.tcpPort("127.0.0.1", port, 1000);
        assertThrows(IOException.class, check::isHealthy);

        start(builder().healthCheck("tcp", check, INTERVAL, 90));
        assertEquals(90, group.demotion());
    }

    @Test
    void shouldDemoteWhenTheListenerGoesAwayAndRecoverWhenItReturns() throws Exception {
        // Rule: tcpPort follows the listener: open -> healthy, closed -> demoted, open again -> healthy.
        ServerSocket server = new ServerSocket(0, 50, of("127.0.0.1"));
        int port = server.getLocalPort();
        start(builder().healthCheck("tcp", HealthCheck.tcpPort("127.0.0.1", port, 1000), INTERVAL, 90));
        assertEquals(0, group.demotion());

        server.close();
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(90, group.demotion());

        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new java.net.InetSocketAddress(of("127.0.0.1"), port));
            runtime.loop.advanceBy(INTERVAL_NANOS);
            assertEquals(0, group.demotion());
        }
    }

    @Test
    void shouldRefuseAPortWhenItIsOutside1To65535() {
        assertEquals("port: 0 (expected: 1-65535)", assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.tcpPort("127.0.0.1", 0, 1000)).getMessage());
        assertEquals("port: 65536 (expected: 1-65535)", assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.tcpPort("127.0.0.1", 65536, 1000)).getMessage());
    }

    @Test
    void shouldRefuseATimeoutWhenItIsNotPositive() {
        // Rule: bad config fails when it is given, naming the field: a negative timeout would make every run fail,
        // and 0 (no timeout) could block the check for good.
        assertEquals("timeoutMillis: -1 (expected: 1-2147483647)", assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.tcpPort("127.0.0.1", 80, -1)).getMessage());
        assertEquals("timeoutMillis: 0 (expected: 1-2147483647)", assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.tcpPort("127.0.0.1", 80, 0)).getMessage());
        assertEquals("host", assertThrows(NullPointerException.class,
                () -> HealthCheck.tcpPort(null, 80, 1000)).getMessage());
    }
}
