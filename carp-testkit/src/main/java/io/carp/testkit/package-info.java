/**
 * Test CARP failover in plain unit tests: a {@link io.carp.testkit.SimulatedNetwork} of
 * {@link io.carp.testkit.SimulatedNode}s runs real {@link io.carp.CarpGroup}s, built with {@code CarpGroup.builder()},
 * on a virtual clock, with no root, no sockets and no threads.
 *
 * <ul>
 *   <li>Time is virtual and moves only in {@link io.carp.testkit.SimulatedNetwork#advanceBy} and
 *       {@link io.carp.testkit.SimulatedNetwork#runUntil}; all times reported are since the network was created.</li>
 *   <li>Runs are deterministic: one event queue ordered by time then insertion, one seeded random generator.</li>
 *   <li>Single-threaded, not thread-safe: use a network from the thread that created it. Group callbacks run inline
 *       on that thread, or as events of their own with
 *       {@link io.carp.testkit.SimulatedNetwork#separateCallbackThread(boolean)}.</li>
 *   <li>Packets are real: the groups' adverts are wrapped in IPv4/IPv6 headers and decoded, authenticated and counted
 *       by the receivers exactly as on a real network.</li>
 * </ul>
 *
 * <p>Other implementations: {@link io.carp.testkit.SimulatedNetwork#peer} adds a host whose group follows ucarp's,
 * FreeBSD's or OpenBSD's election rules ({@link io.carp.testkit.PeerModel}) next to the carp4j nodes, on the same
 * wire format.
 *
 * <p>Faults: {@link io.carp.testkit.SimulatedNode#kill()}, {@code restart()}, {@code freeze()}, {@code thaw()},
 * {@code linkDown()}, {@code close()}; {@link io.carp.testkit.SimulatedNetwork#partition},
 * {@link io.carp.testkit.LinkFault}, {@link io.carp.testkit.LossyLink}. Check results with
 * {@link io.carp.testkit.CarpAssertions}, the recorded advertisements and the timeline. JUnit 5 users can have
 * networks injected by {@code io.carp.testkit.junit5.CarpTestkitExtension}.
 */
package io.carp.testkit;
