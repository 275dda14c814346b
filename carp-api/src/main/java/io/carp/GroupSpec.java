package io.carp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Everything a {@link CarpGroupBuilder} hands to a {@link CarpRuntime} to create a group: the validated
 * {@link CarpConfig}, the callbacks and the executors. Only the builder creates one; applications never need it.
 * Immutable; the lists are unmodifiable.
 */
public final class GroupSpec {
    private final CarpConfig config;
    private final List<Consumer<CarpStateEvent>> onMaster;
    private final List<Consumer<CarpStateEvent>> onBackup;
    private final List<Consumer<CarpStateEvent>> onStateChange;
    private final Executor callbackExecutor;
    private final List<HealthCheckEntry> healthChecks;
    private final Executor healthCheckExecutor;
    private final AddressManager addressManager;

    GroupSpec(CarpConfig config, List<Consumer<CarpStateEvent>> onMaster, List<Consumer<CarpStateEvent>> onBackup,
              List<Consumer<CarpStateEvent>> onStateChange, Executor callbackExecutor,
              List<HealthCheckEntry> healthChecks, Executor healthCheckExecutor, AddressManager addressManager) {
        this.config = Objects.requireNonNull(config, "config");
        this.onMaster = List.copyOf(onMaster);
        this.onBackup = List.copyOf(onBackup);
        this.onStateChange = List.copyOf(onStateChange);
        this.callbackExecutor = callbackExecutor;
        this.healthChecks = List.copyOf(healthChecks);
        this.healthCheckExecutor = healthCheckExecutor;
        this.addressManager = addressManager;
    }

    /** {@return the validated configuration} */
    public CarpConfig config() {
        return config;
    }

    /** {@return the callbacks for transitions to MASTER, in the order they were added} */
    public List<Consumer<CarpStateEvent>> onMaster() {
        return onMaster;
    }

    /** {@return the callbacks for transitions to BACKUP and for leaving MASTER, in the order they were added} */
    public List<Consumer<CarpStateEvent>> onBackup() {
        return onBackup;
    }

    /** {@return the callbacks for every transition, in the order they were added} */
    public List<Consumer<CarpStateEvent>> onStateChange() {
        return onStateChange;
    }

    /** {@return the executor for callbacks, or {@code null} for the default (a shared pool of daemon threads)} */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** {@return the health checks, in the order they were added} */
    public List<HealthCheckEntry> healthChecks() {
        return healthChecks;
    }

    /** {@return the executor for health checks, or {@code null} for the default (the shared callback pool)} */
    public Executor healthCheckExecutor() {
        return healthCheckExecutor;
    }

    /** {@return the application's own address manager, or {@code null} to use the runtime's} */
    public AddressManager addressManager() {
        return addressManager;
    }

    /**
     * A registered health check: what, how often, how long one run may take, and how much demotion a failure costs.
     *
     * @param name     unique in the group, for logs
     * @param check    the check
     * @param interval between the end of one run and the start of the next (100 ms to 1 hour)
     * @param timeout  after which a run that has not answered counts as failing (10 ms to 1 hour)
     * @param weight   the demotion while it fails (1-240)
     */
    public record HealthCheckEntry(String name, HealthCheck check, Duration interval, Duration timeout, int weight) {
        /**
         * Checks that no component is null.
         *
         * @param name     unique in the group, for logs
         * @param check    the check
         * @param interval between the end of one run and the start of the next
         * @param timeout  after which a run that has not answered counts as failing
         * @param weight   the demotion while it fails
         */
        public HealthCheckEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
        }
    }
}
