package io.carp.internal.group;

import io.carp.CarpGroup;
import io.carp.GroupSpec;
import io.carp.spi.ProtocolLoop;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs a group's health checks: a timer on the protocol loop submits each check to the health-check executor, and the
 * result comes back to the loop, where a failing check sets its demotion part ("health:NAME" = weight) and a passing
 * one clears it. The next run is scheduled one interval after the result arrives, so a slow check never piles up.
 */
final class HealthChecks {
    private static final System.Logger LOG = System.getLogger(CarpGroup.class.getName());

    private final DefaultCarpGroup group;
    private final List<GroupSpec.HealthCheckEntry> specs;
    private final Executor executor;
    private final Map<String, ProtocolLoop.Cancellable> timers = new HashMap<>();
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
    }

    private void submit(GroupSpec.HealthCheckEntry spec) {
        if (stopped) {
            return;
        }
        try {
            executor.execute(() -> {
                boolean healthy;
                String failure = null;
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
                }
                boolean result = healthy;
                String why = failure;
                if (!stopped) {
                    try {
                        loop.execute(() -> onResult(spec, result, why));
                    } catch (RuntimeException e) {
                        // The runtime's loop is gone (shut down under a check that was still running): nothing to do.
                    }
                }
            });
        } catch (RuntimeException e) {
            onResult(spec, false, "health-check executor refused it: " + e);
        }
    }

    private void onResult(GroupSpec.HealthCheckEntry spec, boolean healthy, String failure) {
        if (stopped) {
            return;
        }
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
        timers.put(spec.name(), loop.schedule(() -> submit(spec), loop.clock().nanoTime() + spec.interval().toNanos()));
    }
}
