package io.carp.spring.boot;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The CARP groups configured under {@code carp.groups}, by name: look one up, ask its state, and act on it as an
 * operator would (force MASTER or BACKUP, demote). Also the lifecycle that runs them.
 *
 * <p>Lifecycle: a {@link SmartLifecycle} in phase {@link #PHASE}. Spring Boot starts the web server in phase
 * {@code DEFAULT_PHASE - 2048} and begins a graceful shutdown of it in phase {@code DEFAULT_PHASE - 1024}; this
 * phase lies above both, so the groups join only once the web server accepts requests, and, on shutdown, every group
 * is closed first: a MASTER sends the bow-out advertisement and releases its addresses, so a backup takes over at
 * once, while this node's web server still finishes the requests it has (with {@code server.shutdown=graceful}).
 *
 * <p>Events: one daemon thread, {@code carp-events}, publishes every group's {@link CarpStateChangedEvent}s in order.
 *
 * <p>Threads: every method may be called from any thread (with {@code carp.runtime=simulated} operations run on the
 * simulation thread and wait for it).
 */
public final class CarpGroups implements SmartLifecycle, AutoCloseable {
    /**
     * The lifecycle phase: after the web server's start ({@code DEFAULT_PHASE - 2048}) and its graceful shutdown
     * ({@code DEFAULT_PHASE - 1024}), so groups start after the server and stop (bow out) before it.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;
    private static final System.Logger LOG = System.getLogger(CarpGroups.class.getName());
    /**
     * For what happens during shutdown: Spring Boot removes its java.util.logging bridge when the context closes,
     * before the lifecycle stops, so the library's own lines (System.Logger, through JUL by default) about the
     * bow-out and the release delay would be lost; Spring's commons-logging still reaches the application's logs.
     */
    private static final org.apache.commons.logging.Log SHUTDOWN_LOG =
            org.apache.commons.logging.LogFactory.getLog(CarpGroups.class);
    /** How long {@link #stop()} waits for the listeners of the last transitions (the bow-out's MASTER -> INIT). */
    private static final long EVENT_DRAIN_SECONDS = 30;

    private final Map<String, CarpGroup> groups;
    private final GroupRunner runner;
    private final Object lock = new Object();
    private final List<String> started = new ArrayList<>();
    private final ExecutorService events;
    private volatile Thread eventThread;
    private volatile boolean running;

    CarpGroups(CarpProperties properties, GroupRunner runner, ApplicationEventPublisher publisher) {
        this(properties, runner, publisher, List.of());
    }

    CarpGroups(CarpProperties properties, GroupRunner runner, ApplicationEventPublisher publisher,
               List<CarpGroupCustomizer> customizers) {
        this.runner = runner;
        // One thread delivers every group's events, in order; stop() waits for it, so that what listeners do on
        // leaving MASTER is done before the web server shuts down.
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "carp-events");
            t.setDaemon(true);
            eventThread = t;
            return t;
        });
        Map<String, CarpGroupBuilder> builders = GroupSettings.builders(properties, runner.requiresInterface(),
                (name, b) -> {
                    for (CarpGroupCustomizer c : customizers) {
                        try {
                            c.customize(name, b);
                        } catch (IllegalArgumentException e) {
                            throw new CarpConfigurationException("carp.groups." + name, "carp.groups." + name
                                    + ": refused by a CarpGroupCustomizer: " + e.getMessage(), e);
                        }
                    }
                    b.callbackExecutor(events)
                            .onStateChange(e -> publisher.publishEvent(new CarpStateChangedEvent(this, name, e)));
                });
        Map<String, CarpGroup> built = new LinkedHashMap<>();
        builders.forEach((name, b) -> built.put(name, runner.build(b)));
        this.groups = Collections.unmodifiableMap(built);
    }

    /** The group names, in the order of the configuration. */
    public Set<String> names() {
        return groups.keySet();
    }

    /**
     * A group by name. Its read methods ({@code state()}, {@code stats()}, {@code config()}) may be used from any
     * thread; prefer the methods of this class to act on it, which also work on the simulated network.
     *
     * @param name the name under {@code carp.groups}
     * @return the group
     * @throws NoSuchElementException naming the configured groups if there is no such group
     */
    public CarpGroup group(String name) {
        CarpGroup g = groups.get(name);
        if (g == null) {
            throw new NoSuchElementException("carp.groups." + name + ": no such group (configured: " + names() + ")");
        }
        return g;
    }

    /** Every group, by name, in the order of the configuration. */
    public Map<String, CarpGroup> all() {
        return groups;
    }

    /**
     * The state of a group: INIT before the application has started and after it stopped.
     *
     * @param name the group's name
     * @return its state
     */
    public CarpState state(String name) {
        return group(name).state();
    }

    /** Whether this node is MASTER of the group now. */
    public boolean isMaster(String name) {
        return state(name) == CarpState.MASTER;
    }

    /**
     * Become MASTER now, whatever the peers advertise; peers that advertise better take over again by the normal
     * rules (see {@link CarpGroup#forceMaster}).
     */
    public void forceMaster(String name, String reason) {
        CarpGroup g = group(name);
        runner.call(() -> {
            g.forceMaster(reason);
            return null;
        });
    }

    /**
     * Step down: a MASTER bows out so a backup takes over at once, and does not preempt for one master-down interval
     * (see {@link CarpGroup#forceBackup}).
     */
    public void forceBackup(String name, String reason) {
        CarpGroup g = group(name);
        runner.call(() -> {
            g.forceBackup(reason);
            return null;
        });
    }

    /** Raises the operator demotion of a group (0-240; see {@link CarpGroup#demote}). */
    public void demote(String name, int amount, String reason) {
        CarpGroup g = group(name);
        runner.call(() -> {
            g.demote(amount, reason);
            return null;
        });
    }

    /** Lowers the operator demotion of a group (see {@link CarpGroup#promote}). */
    public void promote(String name, int amount, String reason) {
        CarpGroup g = group(name);
        runner.call(() -> {
            g.promote(amount, reason);
            return null;
        });
    }

    /** Sets the operator demotion of a group (0-240; see {@link CarpGroup#setDemotion}). */
    public void setDemotion(String name, int demotion, String reason) {
        CarpGroup g = group(name);
        runner.call(() -> {
            g.setDemotion(demotion, reason);
            return null;
        });
    }

    /** What carries the groups: {@code linux}, {@code simulated (...)}, or the class of the application's runtime. */
    public String runtimeDescription() {
        return runner.describe();
    }

    /**
     * Starts every group (they join as BACKUP). A group that cannot start (missing privileges, unknown interface)
     * closes the ones already started and fails the application's start, naming the group.
     */
    @Override
    public void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            for (Map.Entry<String, CarpGroup> e : groups.entrySet()) {
                CarpGroup g = e.getValue();
                try {
                    runner.call(() -> {
                        g.start();
                        return null;
                    });
                } catch (RuntimeException ex) {
                    closeStarted();
                    throw new IllegalStateException("carp.groups." + e.getKey() + ": cannot start on "
                            + runner.describe() + ": " + ex.getMessage(), ex);
                }
                started.add(e.getKey());
                LOG.log(Level.INFO, "carp.groups.{0}: started ({1}) on {2}", e.getKey(), g.config(),
                        runner.describe());
            }
            running = true;
        }
    }

    /**
     * Closes every group: each MASTER bows out and releases its addresses. Then waits (up to 30 s) until the
     * listeners of the resulting events have run, so that what they stop on leaving MASTER is stopped before the
     * next lifecycle phase (the web server's graceful shutdown) begins.
     */
    @Override
    public void stop() {
        synchronized (lock) {
            closeStarted();
            running = false;
        }
        awaitEvents();
    }

    private void awaitEvents() {
        if (Thread.currentThread() == eventThread) {
            return; // stopped by a listener: waiting for ourselves would only time out
        }
        try {
            events.submit(() -> { }).get(EVENT_DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "CARP event listeners did not finish: {0}", e.toString());
        }
    }

    /** Stops the event thread (Spring calls this when the context is destroyed, after {@link #stop()}). */
    @Override
    public void close() {
        synchronized (lock) {
            if (!started.isEmpty()) {
                closeStarted();
                running = false;
            }
        }
        events.shutdown();
    }

    private void closeStarted() {
        // Each close() may wait for its group's release-delay: the groups close side by side, so stopping takes one
        // delay, not one per group.
        List<Thread> closing = new ArrayList<>();
        for (String name : started) {
            CarpGroup g = groups.get(name);
            Runnable close = () -> {
                try {
                    io.carp.CarpState before = g.state();
                    long drains = g.stats().releaseDelays();
                    long begin = io.carp.CarpClock.system().nanoTime();
                    runner.call(() -> {
                        g.close();
                        return null;
                    });
                    awaitDrain(g);
                    long millis = (io.carp.CarpClock.system().nanoTime() - begin) / 1_000_000;
                    if (g.stats().releaseDelays() != drains) {
                        SHUTDOWN_LOG.info("carp.groups." + name + ": closed: bowed out as " + before + ", kept the"
                                + " virtual addresses for the release-delay of " + g.config().releaseDelay().toMillis()
                                + " ms" + (g.stats().draining() ? " (still draining after the wait)"
                                : ", removed them; close took " + millis + " ms"));
                    } else {
                        SHUTDOWN_LOG.info("carp.groups." + name + ": closed (was " + before + ")");
                    }
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "carp.groups.{0}: close failed: {1}", name, ex.toString());
                }
            };
            if (started.size() > 1 && !g.config().releaseDelay().isZero()) {
                Thread t = new Thread(close, "carp-close-" + name);
                t.setDaemon(true);
                t.start();
                closing.add(t);
            } else {
                close.run();
            }
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        started.clear();
    }

    /**
     * On the simulated runtime close() runs on the simulation thread and returns at once, the release-delay going on
     * on the simulated clock: waits for it here, as the Linux runtime's close() does, so that the next phase (the web
     * server's shutdown) begins after it on both. Bounded: the delay plus 5 s of wall-clock time.
     */
    private static void awaitDrain(CarpGroup g) {
        long limit = io.carp.CarpClock.system().nanoTime() + g.config().releaseDelay().toNanos() + 5_000_000_000L;
        while (g.stats().draining() && io.carp.CarpClock.system().nanoTime() - limit < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("CarpGroups[");
        groups.forEach((name, g) -> b.append(name).append('=').append(g.state()).append(' '));
        return b.append("on ").append(runner.describe()).append(']').toString();
    }
}
