/**
 * Micrometer metrics for carp4j groups: {@link io.carp.micrometer.CarpMeterBinder} binds the counters, gauges and
 * transitions of one or more {@link io.carp.CarpGroup}s to a {@code MeterRegistry}. See docs/METRICS.md.
 */
module io.carp.micrometer {
    requires transitive io.carp;
    requires transitive micrometer.core;

    exports io.carp.micrometer;
}
