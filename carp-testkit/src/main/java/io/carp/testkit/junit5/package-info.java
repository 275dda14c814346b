/**
 * JUnit 5 glue for the testkit: {@link io.carp.testkit.junit5.CarpTestkitExtension} injects a fresh
 * {@link io.carp.testkit.SimulatedNetwork} per test and closes it afterwards; {@link io.carp.testkit.junit5.NetworkSeed}
 * sets its seed. Needs {@code junit-jupiter-api} on the test class path (an optional dependency of the testkit).
 */
package io.carp.testkit.junit5;
