/**
 * Multi-node tests of the Linux runtime on network namespaces, run as root, tagged {@code linux-root}.
 *
 * <p>Each test builds its own layer-2 segment ({@link io.carp.netty.testing.CarpOptions#lab}: a
 * {@link io.carp.netty.testing.LiveLab} with hosts {@code n1..nN} and a client {@code cl}, addresses in 198.18.60.0/24
 * only) and starts library nodes (a JVM per namespace running {@link io.carp.netty.testing.LiveNodeMain}) and/or the
 * real ucarp, or the real keepalived
 * ({@link io.carp.netty.it.KeepalivedNode}: one VRRP instance per process, configuration from
 * {@link io.carp.netty.it.KeepalivedConfig}, state from its log, its complaints about received packets from its log,
 * SIGKILL of its VRRP child as a crash). {@link io.carp.netty.it.KeepalivedGoldenVectorTest} captures keepalived's
 * adverts with tcpdump, has tshark decode them and keeps them as golden vectors for the VRRP codec. Everything is
 * killed and deleted after each test, by a JVM shutdown hook if the run is interrupted, and leftovers of dead runs are swept at the next start
 * ({@code scripts/netns-cleanup.sh} removes them by hand).
 *
 * <p>Requirements: root, {@code ip netns}, {@code ucarp} (Debian 1.5.2) and {@code keepalived} (Debian 2.2.7) for the
 * interop tests, {@code tcpdump} and {@code tshark} for the captures, and {@code ping} or
 * Perl's Net::Ping for the reachability tests ({@link io.carp.netty.testing.LinuxRootTest}). Without them the classes
 * are skipped with a banner; with {@code -Dcarp.requireRootTests=true} (CI) they fail instead. Run only these:
 * {@code mvn -B -o -pl carp-netty -am test -Dtest='io.carp.netty.it.**' -Dsurefire.failIfNoSpecifiedTests=false};
 * leave them out with {@code -Dcarp.excludedGroups=linux-root}. Measured times are printed as {@code MEASURED ...}
 * lines on the console, never asserted tightly.
 */
package io.carp.netty.it;
