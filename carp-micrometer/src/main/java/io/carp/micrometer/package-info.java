/**
 * Micrometer metrics for CARP groups, in a module of its own so that carp-api stays JDK-only (the Resilience4j
 * layout): {@link io.carp.micrometer.CarpMeterBinder} registers the meters, {@link io.carp.micrometer.CarpMetricNames}
 * names them. {@code docs/METRICS.md} lists every meter.
 */
package io.carp.micrometer;
