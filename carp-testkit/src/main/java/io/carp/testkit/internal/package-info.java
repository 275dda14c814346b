/**
 * Internals of the testkit, not part of its API and subject to change: the election rules of the other CARP
 * implementations that {@link io.carp.testkit.SimulatedPeer}s follow ({@link io.carp.testkit.internal.PeerRules}).
 */
package io.carp.testkit.internal;
