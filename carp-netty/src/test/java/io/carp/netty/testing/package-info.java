/**
 * Test support shared by the root tests of carp-netty, carp-cli and the examples (the other modules get it through
 * carp-netty's test-jar):
 * <ul>
 *   <li>{@link io.carp.netty.testing.LinuxRootTest}: runs a class only as root with {@code ip netns} (and the tools it
 *       names), otherwise skips it loudly, or fails it with {@code -Dcarp.requireRootTests=true};</li>
 *   <li>{@link io.carp.netty.testing.LiveLab}: the one network-namespace lab (namespaces unique per run, veth pairs,
 *       bridges, routers, a segment with nftables faults, addresses, neighbours; cleanup of dead runs);</li>
 *   <li>{@link io.carp.netty.testing.LiveProcess}: the one child-process wrapper (programs and JVMs in a namespace,
 *       their output line by line, signals);</li>
 *   <li>{@link io.carp.netty.testing.LiveNodeMain}: the one node main, a CARP group on {@code NettyCarpRuntime} in a
 *       child JVM;</li>
 *   <li>{@link io.carp.netty.testing.UcarpNode}, {@link io.carp.netty.testing.LibraryNode} (both
 *       {@link io.carp.netty.testing.CarpNode}s with their transitions), {@link io.carp.netty.testing.CarpOptions}
 *       and {@link io.carp.netty.testing.Election}; {@link io.carp.netty.testing.Await},
 *       {@link io.carp.netty.testing.Measured} and {@link io.carp.netty.testing.Tools}.</li>
 * </ul>
 */
package io.carp.netty.testing;
