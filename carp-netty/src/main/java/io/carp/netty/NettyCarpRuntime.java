package io.carp.netty;

import io.carp.spi.CarpRuntime;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.RuntimeBinding;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;

/**
 * The Linux runtime: raw protocol-112 sockets on Netty's native epoll loop, one socket per interface and family shared
 * by every vhid on it, rtnetlink for addresses and link state, gratuitous ARP and unsolicited NA.
 *
 * <p>STUB: the API is fixed, the implementation is being written (issue 3).
 */
public final class NettyCarpRuntime implements CarpRuntime, AutoCloseable {
    private final EventLoopGroup eventLoopGroup;
    private final boolean shutdownHook;

    private NettyCarpRuntime(Builder builder) {
        this.eventLoopGroup = builder.eventLoopGroup;
        this.shutdownHook = builder.shutdownHook;
    }

    /**
     * A runtime with its own single epoll thread.
     *
     * @return a new runtime
     */
    public static NettyCarpRuntime create() {
        return builder().build();
    }

    /**
     * Configures a runtime.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Closes every group still attached (bow-out, addresses released), the sockets, and the loop if it owns it. */
    @Override
    public void close() {
    }

    /** Builder of {@link NettyCarpRuntime}. */
    public static final class Builder {
        private EventLoopGroup eventLoopGroup;
        private boolean shutdownHook;

        private Builder() {
        }

        /**
         * Runs on an existing epoll {@link EventLoopGroup} (e.g. your Netty server's), so the library adds no thread.
         * The group is not shut down by {@link NettyCarpRuntime#close()}.
         *
         * @param group an epoll event loop group
         * @return this builder
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = Objects.requireNonNull(group, "eventLoopGroup");
            return this;
        }

        /**
         * Whether a JVM shutdown hook closes the runtime (bow-out, addresses released). Default {@code false}.
         *
         * @param install whether to install the hook
         * @return this builder
         */
        public Builder shutdownHook(boolean install) {
            this.shutdownHook = install;
            return this;
        }

        /**
         * Creates the runtime. Sockets are opened when the first group on an interface starts.
         *
         * @return the runtime
         */
        public NettyCarpRuntime build() {
            return new NettyCarpRuntime(this);
        }
    }
}
