package io.carp.internal.group;

import io.carp.internal.crypto.Secrets;

import io.carp.CarpConfig;
import io.carp.InetAddressLiterals;

import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.AddressManager;
import io.carp.spi.CarpDispatcher;
import io.carp.CarpGroup;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.spi.GroupAttacher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A small runtime for unit tests: a {@link ManualLoop}, a recording send that decodes and authenticates every advert
 * it is given, a {@link RecordingAddressManager}, and a {@link CarpDispatcher} that received packets go through.
 */
final class FakeRuntime implements CarpRuntime, GroupAttacher {
    /** One advert handed to {@link RuntimeBinding#send}. */
    record Sent(IpFamily family, long at, byte[] bytes, CarpAdvertisement advert, boolean authentic) {
        int advbase() {
            return advert.advbase();
        }

        int advskew() {
            return advert.advskew();
        }

        int demote() {
            return advert.demote();
        }

        long counter() {
            return advert.counter();
        }
    }

    final ManualLoop loop;
    final RecordingAddressManager addresses = new RecordingAddressManager();
    final CarpDispatcher dispatcher;
    final List<Sent> sent = new ArrayList<>();
    /** VRRP adverts handed to {@link RuntimeBinding#sendVrrp}, decoded (for the multicast destination). */
    final List<io.carp.internal.vrrp.VrrpAdvertisement> vrrpSent = new ArrayList<>();
    InetAddress source4;
    InetAddress source6;
    boolean linkUp = true;
    long randomLong = 0x1000L;
    boolean failSend;
    boolean recordSends = true;
    long sendCount;
    int attachCount;
    int detachCount;
    GroupEndpoint endpoint;
    private CarpAuthenticator authenticator;

    FakeRuntime(InetAddress source4, InetAddress source6) {
        this(new ManualLoop(1_000_000_000L), new CarpDispatcher(), source4, source6);
    }

    FakeRuntime(ManualLoop loop, CarpDispatcher dispatcher, InetAddress source4, InetAddress source6) {
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.source4 = source4;
        this.source6 = source6;
    }

    @Override
    public CarpGroup createGroup(GroupSpec spec) {
        return DefaultCarpGroup.create(spec, this);
    }

    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        attachCount++;
        dispatcher.register(group);
        endpoint = group;
        CarpConfig c = group.config();
        byte[] password = Secrets.password(c); // null for a replay-protected group: no plain peers then
        authenticator = password == null || c.protocol().isVrrp() ? null : new CarpAuthenticator(password, c.vhid(), c.virtualAddresses());
        return new Binding(group);
    }

    private final class Binding implements RuntimeBinding {
        private final GroupEndpoint group;

        Binding(GroupEndpoint group) {
            this.group = group;
        }

        @Override
        public ProtocolLoop loop() {
            return loop;
        }

        @Override
        public void send(IpFamily family, ByteBuffer carpHeader) {
            if (!loop.inLoop() && !loop.isShutDown()) { // a dead loop: the closing thread is the only one left
                throw new AssertionError("send() called off the protocol loop");
            }
            sendCount++;
            if (failSend) {
                throw new java.io.UncheckedIOException(new java.io.IOException("sendto: Network is unreachable"));
            }
            if (!recordSends) {
                carpHeader.position(carpHeader.limit());
                return;
            }
            byte[] bytes = new byte[carpHeader.remaining()];
            carpHeader.get(bytes);
            InetAddress src = family == IpFamily.IPV4 ? source4 : source6;
            InetAddress dst = family == IpFamily.IPV4 ? InetAddressLiterals.CARP_V4 : InetAddressLiterals.CARP_V6;
            InboundPacket p = CarpCodec.decode(new IpEnvelope(family, src, dst, 255), ByteBuffer.wrap(bytes), true);
            if (p.isDropped()) {
                throw new AssertionError("the group sent a packet that does not decode: " + p);
            }
            sent.add(new Sent(family, loop.nanoTime(), bytes, p.advertisement(),
                    authenticator != null && authenticator.verify(p.advertisement())));
        }

        @Override
        public void sendVrrp(IpFamily family, VrrpMessage message) {
            if (!loop.inLoop()) {
                throw new AssertionError("sendVrrp() called off the protocol loop");
            }
            sendCount++;
            if (failSend) {
                throw new java.io.UncheckedIOException(new java.io.IOException("sendto: Network is unreachable"));
            }
            if (!recordSends) {
                return;
            }
            InetAddress src = family == IpFamily.IPV4 ? source4 : source6;
            InetAddress dst = family == IpFamily.IPV4 ? InetAddressLiterals.CARP_V4 : InetAddressLiterals.CARP_V6;
            io.carp.internal.vrrp.VrrpPacket p = io.carp.internal.vrrp.VrrpCodec.decode(
                    new IpEnvelope(family, src, dst, 255), message.bytes(src, dst), true);
            if (p.isDropped()) {
                throw new AssertionError("the group sent a VRRP packet that does not decode: " + p);
            }
            vrrpSent.add(p.advertisement());
        }

        @Override
        public AddressManager addressManager() {
            return addresses;
        }

        @Override
        public InetAddress sourceAddress(IpFamily family) {
            return family == IpFamily.IPV4 ? source4 : source6;
        }

        @Override
        public boolean linkUp() {
            return linkUp;
        }

        @Override
        public long randomLong() {
            return randomLong;
        }

        @Override
        public void detach() {
            detachCount++;
            dispatcher.unregister(group);
        }
    }

    // ------------------------------------------------------------------------------------------------ test helpers

    /** Delivers an IPv4 datagram through the dispatcher, on the loop. */
    void receiveIpv4(byte[] datagram) {
        dispatcher.receiveIpv4(ByteBuffer.wrap(datagram));
    }

    /** As {@link #receiveIpv4(byte[])}, with the arrival time a runtime read from the kernel's timestamp. */
    void receiveIpv4(byte[] datagram, long arrivedNanos) {
        dispatcher.receiveIpv4(ByteBuffer.wrap(datagram), arrivedNanos);
    }

    /** Delivers an IPv6 packet (fixed header included) through the dispatcher. */
    void receiveIpv6(byte[] packet) {
        dispatcher.receiveIpv6(ByteBuffer.wrap(packet));
    }

    /** The link changed; as a runtime's link monitor would report it. */
    void link(boolean up) {
        linkUp = up;
        endpoint.onLinkStateChanged(up);
    }

    /** The last advert sent. */
    Sent lastSent() {
        return sent.get(sent.size() - 1);
    }

    /** Forgets what was recorded. */
    void clear() {
        sent.clear();
        addresses.calls.clear();
    }
}
