package io.carp.micrometer;

import io.carp.protocol.IpFamily;
import io.carp.spi.AddressManager;
import io.carp.spi.CarpDispatcher;
import io.carp.spi.CarpRuntime;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-node runtime for tests: a {@link ManualLoop}, a real {@link CarpDispatcher} for received packets, and a
 * recording send path and address manager with scripted failures. Not the testkit: no network, no peers; the test
 * plays the peers by feeding packets.
 */
final class FakeRuntime implements CarpRuntime {
    static final InetAddress SELF_V4 = address("198.18.0.2");
    static final InetAddress SELF_V6 = address("2001:db8::2");

    final ManualLoop loop;
    final CarpDispatcher dispatcher = new CarpDispatcher();
    final List<IpFamily> sent = new ArrayList<>();
    final List<String> addressCalls = new ArrayList<>();
    private Duration claimTakes = Duration.ZERO;
    private int failingSends;
    private boolean failRelease;

    FakeRuntime(long startNanos) {
        this.loop = new ManualLoop(startNanos);
    }

    /** Each claim advances the clock by this much while it runs. */
    FakeRuntime claimTakes(Duration d) {
        this.claimTakes = d;
        return this;
    }

    /** The next {@code n} sends throw. */
    void failNextSends(int n) {
        failingSends = n;
    }

    /** Every release throws. */
    void failRelease(boolean fail) {
        failRelease = fail;
    }

    void receiveIpv4(byte[] packet) {
        dispatcher.receiveIpv4(ByteBuffer.wrap(packet));
    }

    void receiveIpv6(byte[] packet) {
        dispatcher.receiveIpv6(ByteBuffer.wrap(packet));
    }

    void link(boolean up) {
        dispatcher.forEachGroup(g -> g.onLinkStateChanged(up));
    }

    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        dispatcher.register(group);
        return new Binding(group);
    }

    private final class Binding implements RuntimeBinding {
        private final GroupEndpoint group;
        private final AddressManager addresses = new AddressManager() {
            @Override
            public void claim(List<InetAddress> a) {
                addressCalls.add("claim");
                loop.elapse(claimTakes);
            }

            @Override
            public void release(List<InetAddress> a) {
                addressCalls.add("release");
                if (failRelease) {
                    throw new IllegalStateException("RTM_DELADDR: EPERM (scripted by the test)");
                }
            }

            @Override
            public void announce(List<InetAddress> a) {
                addressCalls.add("announce");
            }
        };

        Binding(GroupEndpoint group) {
            this.group = group;
        }

        @Override
        public ProtocolLoop loop() {
            return loop;
        }

        @Override
        public void send(IpFamily family, ByteBuffer carpHeader) {
            if (failingSends > 0) {
                failingSends--;
                throw new UncheckedIOException(new SocketException("ENOBUFS (scripted by the test)"));
            }
            sent.add(family);
        }

        @Override
        public AddressManager addressManager() {
            return addresses;
        }

        @Override
        public InetAddress sourceAddress(IpFamily family) {
            return family == IpFamily.IPV4 ? SELF_V4 : SELF_V6;
        }

        @Override
        public boolean linkUp() {
            return true;
        }

        @Override
        public long randomLong() {
            return 0x1234_5678L;
        }

        @Override
        public void detach() {
            dispatcher.unregister(group);
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
