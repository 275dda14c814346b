package io.carp;

import java.time.Duration;

/** A registered health check: what, how often, how long it may take, and how much demotion a failure costs. */
final class HealthCheckSpec {
    final String name;
    final HealthCheck check;
    final long intervalNanos;
    final long timeoutNanos;
    final int weight;

    HealthCheckSpec(String name, HealthCheck check, Duration interval, Duration timeout, int weight) {
        this.name = name;
        this.check = check;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.weight = weight;
    }
}
