package io.carp.internal.group;

import io.carp.CarpGroup;
import io.carp.GroupSpec;
import io.carp.spi.ProtocolLoop;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs a group's health checks: a timer on the protocol loop submits each check to the health-check executor, and the
 * result comes back to the loop, where a failing check sets its demotion part ("health:NAME" = weight) and a passing
 * one clears it. The next run is scheduled one interval after the result arrives, so a slow check never piles up.
 *
 * <p>Each run has a timeout, also a timer on the loop: a check that has not answered by then counts as failing (its
 * demotion is applied), and its thread is interrupted once. No second run of that check is started while the first
 * one still hangs (they would pile up on the executor); when it finally returns, its result applies as usual and the
 * next run follows one interval later.
 */
final class HealthChecks {
    private static final System.Logger LOG = System.getLogger(CarpGroup.class.getName());

    private final DefaultCarpGroup group;
    private final List<GroupSpec.HealthCheckEntry> specs;
    private final Executor executor;
    private final Map<String, ProtocolLoop.Cancellable> timers = new HashMap<>();
    /** The timeout timer of each run in progress. */
    private final Map<String, ProtocolLoop.Cancellable> timeouts = new HashMap<>();
    private ProtocolLoop loop;
    private volatile boolean stopped;

    HealthChecks(DefaultCarpGroup group, List<GroupSpec.HealthCheckEntry> specs, Executor executor) {
        this.group = group;
        this.specs = specs;
        this.executor = executor;
    }

    /** Starts every check now. Protocol thread. */
    void start(ProtocolLoop protocolLoop) {
        this.loop = protocolLoop;
        for (GroupSpec.HealthCheckEntry spec : specs) {
            submit(spec);
        }
    }

    /** Stops scheduling; a check already running finishes and is ignored. Protocol thread. */
    void stop() {
        stopped = true;
        timers.values().forEach(ProtocolLoop.Cancellable::cancel);
        timers.clear();
        timeouts.values().forEach(ProtocolLoop.Cancellable::cancel);
        timeouts.clear();
    }

    /** One run of one check. The runner fields are shared between the check's thread and the protocol thread. */
    private static final class Run {
        final GroupSpec.HealthCheckEntry spec;
        /** Protocol thread only: the timeout fired before the result arrived. */
        boolean timedOut;
        /** Guarded by this. */
        Thread runner;
        /** Guarded by this. */
        boolean finished;
        /** Guarded by this: the timeout interrupted the runner, whose flag must be cleared afterwards. */
        boolean interrupted;

        Run(GroupSpec.HealthCheckEntry spec) {
            this.spec = spec;
        }

        /** The check's thread: about to call the check. */
        synchronized void began() {
            runner = Thread.currentThread();
        }

        /** The check's thread: the check returned or threw. Clears an interrupt the timeout made. */
        void ended() {
            boolean clear;
            synchronized (this) {
                finished = true;
                runner = null;
                clear = interrupted;
            }
            if (clear) {
                Thread.interrupted(); // do not leak our interrupt into the executor's next task
            }
        }

        /** The protocol thread: interrupts the check if it is still running. */
        synchronized void interruptIfRunning() {
            if (!finished && runner != null) {
                interrupted = true;
                runner.interrupt();
            }
        }
    }

    private void submit(GroupSpec.HealthCheckEntry spec) {
        timers.remove(spec.name());
        if (stopped) {
            return;
        }
        Run run = new Run(spec);
        try {
            executor.execute(() -> {
                boolean healthy;
                String failure = null;
                run.began();
                try {
                    healthy = spec.check().isHealthy();
                    if (!healthy) {
                        failure = "returned false";
                    }
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) { // an Error too (an assertion, a class that failed to load): a failure
                    healthy = false;
                    failure = t.toString();
                } finally {
                    run.ended();
                }
                boolean result = healthy;
                String why = failure;
                if (!stopped) {
                    try {
                        loop.execute(() -> onResult(run, result, why));
                    } catch (RuntimeException e) {
                        // The runtime's loop is gone (shut down under a check that was still running): nothing to do.
                    }
                }
            });
        } catch (RuntimeException e) {
            onResult(run, false, "health-check executor refused it: " + e);
            return;
        }
        if (!stopped && !timers.containsKey(spec.name())) { // an inline executor may have answered and rescheduled
            timeouts.put(spec.name(), loop.schedule(() -> onTimeout(run),
                    loop.clock().nanoTime() + spec.timeout().toNanos()));
        }
    }

    /** Protocol thread: the run has not answered within its timeout. */
    private void onTimeout(Run run) {
        timeouts.remove(run.spec.name());
        if (stopped) {
            return;
        }
        run.timedOut = true;
        run.interruptIfRunning();
        apply(run.spec, false, "no answer within " + seconds(run.spec.timeout().toNanos()) + " s (timeout)");
    }

    private void onResult(Run run, boolean healthy, String failure) {
        ProtocolLoop.Cancellable timeout = timeouts.remove(run.spec.name());
        if (timeout != null) {
            timeout.cancel();
        }
        if (stopped) {
            return;
        }
        GroupSpec.HealthCheckEntry spec = run.spec;
        apply(spec, healthy, run.timedOut && !healthy ? failure + ", after its timeout" : failure);
        timers.put(spec.name(), loop.schedule(() -> submit(spec), loop.clock().nanoTime() + spec.interval().toNanos()));
    }

    private void apply(GroupSpec.HealthCheckEntry spec, boolean healthy, String failure) {
        String source = "health:" + spec.name();
        group.setDemotionSource(source, current -> {
            if (healthy && current != 0) {
                LOG.log(Level.INFO, "{0}: health check {1} passes again", group.label(), spec.name());
            } else if (!healthy && current == 0) {
                LOG.log(Level.WARNING, "{0}: health check {1} failed ({2}); demoting by {3}", group.label(),
                        spec.name(), failure, spec.weight());
            }
            return healthy ? 0 : spec.weight();
        }, healthy ? "health check " + spec.name() + " passes" : "health check " + spec.name() + " fails");
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
