package io.carp.cli;

import io.carp.CarpConfig;
import io.carp.DropReason;
import io.carp.protocol.CarpAdvertisement;
import io.carp.protocol.IpEnvelope;
import io.carp.protocol.IpFamily;
import io.carp.spi.AddressManager;
import io.carp.spi.CarpRuntime;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * ucarp's {@code --ignoreifstate}: a runtime wrapper that hides link state from the group. The group starts as if the
 * link were up and is never told that it went down, so a node keeps its state when the cable is pulled (useful with a
 * crossover cable, where the peer's power-off removes the carrier).
 */
final class LinkStateIgnoringRuntime implements CarpRuntime {
    private static final System.Logger LOG = System.getLogger(LinkStateIgnoringRuntime.class.getName());

    private final CarpRuntime delegate;

    LinkStateIgnoringRuntime(CarpRuntime delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        return new Binding(delegate.attach(new Endpoint(group)));
    }

    private record Endpoint(GroupEndpoint group) implements GroupEndpoint {
        @Override
        public CarpConfig config() {
            return group.config();
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
            group.onAdvertisement(envelope, advertisement);
        }

        @Override
        public void onDropped(DropReason reason, IpEnvelope envelope) {
            group.onDropped(reason, envelope);
        }

        @Override
        public void onLinkStateChanged(boolean up) {
            LOG.log(Level.INFO, "vhid {0}@{1}: link {2}, ignored (--ignoreifstate)", group.config().vhid(),
                    group.config().interfaceLabel(), up ? "up" : "down");
        }
    }

    private record Binding(RuntimeBinding delegate) implements RuntimeBinding {
        @Override
        public ProtocolLoop loop() {
            return delegate.loop();
        }

        @Override
        public void send(IpFamily family, ByteBuffer carpHeader) {
            delegate.send(family, carpHeader);
        }

        @Override
        public AddressManager addressManager() {
            return delegate.addressManager();
        }

        @Override
        public InetAddress sourceAddress(IpFamily family) {
            return delegate.sourceAddress(family);
        }

        @Override
        public boolean linkUp() {
            return true;
        }

        @Override
        public long randomLong() {
            return delegate.randomLong();
        }

        @Override
        public void detach() {
            delegate.detach();
        }
    }
}
