package io.carp;

import java.time.Duration;

/** A registered health check: what, how often, and how much demotion a failure costs. */
final class HealthCheckSpec {
    final String name;
    final HealthCheck check;
    final long intervalNanos;
    final int weight;

    HealthCheckSpec(String name, HealthCheck check, Duration interval, int weight) {
        this.name = name;
        this.check = check;
        this.intervalNanos = interval.toNanos();
        this.weight = weight;
    }
}
