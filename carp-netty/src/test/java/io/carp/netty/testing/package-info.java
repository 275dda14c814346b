/**
 * Test support shared by carp-netty's and the examples' root tests (the examples get it through carp-netty's
 * test-jar): {@link io.carp.netty.testing.LinuxRootTest}, which runs a class only as root with {@code ip netns} (and
 * the tools it names) and otherwise skips it loudly, or fails it with {@code -Dcarp.requireRootTests=true}; and
 * {@link io.carp.netty.testing.LiveLab}, namespaces, bridges and child processes for the live tests.
 */
package io.carp.netty.testing;
