package io.carp.cli;

import io.carp.CarpConfig;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.AddressManager;
import io.carp.spi.CarpDispatcher;
import io.carp.CarpGroup;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.internal.group.DefaultCarpGroup;
import io.carp.spi.GroupAttacher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A runtime for one group, on a {@link ManualLoop}: records the advertisements sent and the address calls, lets the
 * test inject a peer's advertisement (through the shared {@link CarpDispatcher}, as a real runtime does) and flip the
 * link.
 */
public final class FakeRuntime implements CarpRuntime, GroupAttacher {
    /** What the group sent: the advertised interval fields. */
    public record Sent(int advbase, int advskew) {
        /** Whether this is the bow-out advertisement (255/255). */
        public boolean isBowOut() {
            return advbase == 255 && advskew == 255;
        }
    }

    private final ManualLoop loop = new ManualLoop();
    private final CarpDispatcher dispatcher = new CarpDispatcher();
    private final InetAddress self;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> addressCalls = new CopyOnWriteArrayList<>();
    private volatile boolean linkUp = true;
    private volatile boolean detached;
    private GroupEndpoint group;
    private long peerCounter = 1000;

    /** A runtime whose own address is 198.18.71.1. */
    public FakeRuntime() {
        this.self = address("198.18.71.1");
    }

    @Override
    public CarpGroup createGroup(GroupSpec spec) {
        return DefaultCarpGroup.create(spec, this);
    }

    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        this.group = group;
        dispatcher.register(group);
        return new Binding();
    }

    /** The loop; drive time with {@link ManualLoop#advance}. */
    public ManualLoop loop() {
        return loop;
    }

    /**
     * Moves time forward.
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        loop.advance(duration);
    }

    /** The advertisements sent so far. */
    public List<Sent> sent() {
        return sent;
    }

    /** The address manager calls so far, e.g. {@code "claim [198.18.71.100]"}. */
    public List<String> addressCalls() {
        return addressCalls;
    }

    /** Whether the group detached (closed). */
    public boolean detached() {
        return detached;
    }

    /**
     * A valid advertisement from a peer arrives, as if received on the wire.
     *
     * @param peer    the peer's address
     * @param advbase its advbase
     * @param advskew its advskew
     */
    public void advertisementFrom(String peer, int advbase, int advskew) {
        CarpConfig c = group.config();
        CarpAuthenticator auth = new CarpAuthenticator(c.password(), c.vhid(), c.virtualAddresses());
        long counter = peerCounter++;
        byte[] header = CarpCodec.encode(c.vhid(), advskew, 0, advbase, counter, auth.digest(counter));
        dispatcher.receive(new IpEnvelope(IpFamily.IPV4, address(peer), address("224.0.0.18"), 255),
                ByteBuffer.wrap(header));
        loop.runPending();
    }

    /**
     * The link goes down or comes back.
     *
     * @param up the new link state
     */
    public void link(boolean up) {
        linkUp = up;
        dispatcher.forEachGroup(g -> g.onLinkStateChanged(up));
        loop.runPending();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final class Binding implements RuntimeBinding {
        @Override
        public ProtocolLoop loop() {
            return loop;
        }

        @Override
        public void send(IpFamily family, ByteBuffer carpHeader) {
            int p = carpHeader.position();
            sent.add(new Sent(carpHeader.get(p + 5) & 0xff, carpHeader.get(p + 2) & 0xff));
        }

        @Override
        public AddressManager addressManager() {
            return new AddressManager() {
                @Override
                public void claim(List<InetAddress> addresses) {
                    addressCalls.add("claim " + names(addresses));
                }

                @Override
                public void release(List<InetAddress> addresses) {
                    addressCalls.add("release " + names(addresses));
                }

                @Override
                public void announce(List<InetAddress> addresses) {
                    addressCalls.add("announce " + names(addresses));
                }
            };
        }

        @Override
        public InetAddress sourceAddress(IpFamily family) {
            return self;
        }

        @Override
        public boolean linkUp() {
            return linkUp;
        }

        @Override
        public long randomLong() {
            return 42;
        }

        @Override
        public void detach() {
            detached = true;
            dispatcher.unregister(group);
        }

        private List<String> names(List<InetAddress> addresses) {
            return addresses.stream().map(InetAddress::getHostAddress).toList();
        }
    }
}
