/**
 * carp4j's public API: build a {@link io.carp.CarpGroup} with {@link io.carp.CarpGroup#builder()}, run it on a
 * {@link io.carp.CarpRuntime} ({@code io.carp.netty.NettyCarpRuntime} on Linux, {@code carp-testkit}'s simulated
 * network in tests). Depends on the JDK only.
 *
 * <p>Only {@code io.carp} is exported to applications. The runtime SPI and the engine are exported only to the
 * modules that implement runtimes.
 */
module io.carp {
    exports io.carp;

    exports io.carp.spi to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.protocol to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.crypto to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.group to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.time to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.util to io.carp.netty, io.carp.testkit;
    exports io.carp.internal.vrrp to io.carp.netty, io.carp.testkit;
}
