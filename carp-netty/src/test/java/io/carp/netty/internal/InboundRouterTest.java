package io.carp.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.spi.GroupEndpoint;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TTL rule per group on one shared socket, with packets built by the codec. */
class InboundRouterTest {
    private static final String PEER = "198.18.100.2";
    private static final String STRANGER = "198.18.100.9";
    private static final String SELF = "198.18.100.1";

    private final InboundRouter router = new InboundRouter(IpFamily.IPV4);

    @Test
    void shouldDropTtl254ForMulticastGroupButAcceptItFromPeerOfUnicastGroupOnSameSocket() throws Exception {
        RecordingGroup multicast = new RecordingGroup(config(1));
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(multicast, AdvertTargets.of(multicast.config()));
        router.register(unicast, AdvertTargets.of(unicast.config()));

        router.receiveIpv4(ipv4(PEER, 254, 1));
        router.receiveIpv4(ipv4(PEER, 254, 2));

        assertEquals(List.of("drop bad_ttl"), multicast.seen);
        assertEquals(List.of("advert from " + PEER + " ttl 254"), unicast.seen);
    }

    @Test
    void shouldDropTtl254FromNonPeerButAcceptTtl255FromAnyoneWhenGroupIsUnicast() throws Exception {
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(unicast, AdvertTargets.of(unicast.config()));

        router.receiveIpv4(ipv4(STRANGER, 254, 2));
        router.receiveIpv4(ipv4(STRANGER, 255, 2));

        assertEquals(List.of("drop bad_ttl", "advert from " + STRANGER + " ttl 255"), unicast.seen);
    }

    @Test
    void shouldStillDropCorruptPacketOfUnicastGroup() throws Exception {
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(unicast, AdvertTargets.of(unicast.config()));
        ByteBuffer packet = ipv4(PEER, 200, 2);
        packet.put(20 + 10, (byte) (packet.get(20 + 10) ^ 0x55)); // a counter byte: the checksum no longer matches

        router.receiveIpv4(packet);

        assertEquals(List.of("drop bad_checksum"), unicast.seen);
    }

    @Test
    void shouldCountUnmatchedVhidAndNotThrowWhenPacketIsTooShortForVhid() throws Exception {
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(unicast, AdvertTargets.of(unicast.config()));

        router.receiveIpv4(ipv4(PEER, 255, 3));
        router.receiveIpv4(ByteBuffer.wrap(new byte[] {0x45}));
        router.receiveIpv4(ByteBuffer.allocate(0));

        assertEquals(1, router.unmatchedDrops(DropReason.OTHER_VHID));
        assertTrue(unicast.seen.isEmpty(), unicast.seen.toString());
    }

    @Test
    void shouldApplyPeerRuleToIpv6HopLimit() throws Exception {
        InboundRouter v6 = new InboundRouter(IpFamily.IPV6);
        RecordingGroup unicast = new RecordingGroup(CarpGroup.builder().interfaceName("uni0").vhid(4).password("pw")
                .virtualAddress("fd00:18::100").unicastPeer("fd00:18::2").buildConfig());
        RecordingGroup multicast = new RecordingGroup(CarpGroup.builder().interfaceName("uni0").vhid(5)
                .password("pw").virtualAddress("fd00:18::101").buildConfig());
        v6.register(unicast, AdvertTargets.of(unicast.config()));
        v6.register(multicast, AdvertTargets.of(multicast.config()));
        InetAddress peer = InetAddress.getByName("fd00:18::2");
        InetAddress self = InetAddress.getByName("fd00:18::1");

        v6.receive(new IpEnvelope(IpFamily.IPV6, peer, self, 64), ByteBuffer.wrap(carp(4)));
        v6.receive(new IpEnvelope(IpFamily.IPV6, peer, self, 64), ByteBuffer.wrap(carp(5)));

        assertEquals(List.of("advert from fd00:18:0:0:0:0:0:2 ttl 64"), unicast.seen);
        assertEquals(List.of("drop bad_ttl"), multicast.seen);
    }

    @Test
    void shouldNeedMulticastMembershipOnlyWhileAMulticastGroupIsRegistered() {
        RecordingGroup multicast = new RecordingGroup(config(1));
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        assertTrue(router.isEmpty());
        router.register(unicast, AdvertTargets.of(unicast.config()));
        assertFalse(router.hasMulticastGroup());
        router.register(multicast, AdvertTargets.of(multicast.config()));
        assertTrue(router.hasMulticastGroup());
        router.unregister(multicast);
        assertFalse(router.hasMulticastGroup());
        assertFalse(router.isEmpty());
        router.unregister(unicast);
        router.unregister(unicast);
        assertTrue(router.isEmpty());
    }

    @Test
    void shouldRouteVhidToCheckingDispatcherAgainAfterUnicastGroupLeaves() throws Exception {
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(unicast, AdvertTargets.of(unicast.config()));
        router.unregister(unicast);
        RecordingGroup multicast = new RecordingGroup(config(2));
        router.register(multicast, AdvertTargets.of(multicast.config()));

        router.receiveIpv4(ipv4(PEER, 254, 2));

        assertEquals(List.of("drop bad_ttl"), multicast.seen);
        assertTrue(unicast.seen.isEmpty());
    }

    @Test
    void shouldRefuseSecondGroupWithSameVhidWhatEverItsMode() {
        RecordingGroup unicast = new RecordingGroup(config(2, PEER));
        router.register(unicast, AdvertTargets.of(unicast.config()));
        RecordingGroup other = new RecordingGroup(config(2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> router.register(other, AdvertTargets.of(other.config())));
        assertTrue(e.getMessage().contains("vhid 2 is already running on uni0"), e.getMessage());
        router.register(unicast, AdvertTargets.of(unicast.config())); // the same group again: nothing happens
    }

    @Test
    void shouldRouteACarpAndAVrrpv3GroupOfTheSameIdByVersionEachWithItsTtlRule() throws Exception {
        RecordingGroup carpMulticast = new RecordingGroup(config(3));
        var vrrp = CarpGroup.builder().protocol(io.carp.Protocol.VRRP_V3).interfaceName("uni0").vhid(3)
                .virtualAddress("198.18.100.200").unicastPeer(PEER).buildConfig();
        RecordingGroup vrrpUnicast = new RecordingGroup(vrrp);
        router.register(carpMulticast, AdvertTargets.of(carpMulticast.config()));
        router.register(vrrpUnicast, AdvertTargets.of(vrrpUnicast.config()));

        router.receiveIpv4(ipv4(PEER, 254, 3)); // CARP, TTL 254: the multicast CARP group drops it
        router.receiveIpv4(vrrpIpv4(PEER, 254, 3)); // VRRPv3 from the unicast peer, TTL 254: accepted
        router.receiveIpv4(ipv4(PEER, 255, 3));

        assertEquals(List.of("drop bad_ttl", "advert from " + PEER + " ttl 255"), carpMulticast.seen);
        assertEquals(List.of("vrrp from " + PEER + " ttl 254"), vrrpUnicast.seen);
        assertEquals(3, InboundRouter.ipv4Slot(ipv4(PEER, 255, 3)));
        assertEquals(256 + 3, InboundRouter.ipv4Slot(vrrpIpv4(PEER, 255, 3)));

        RecordingGroup vrrpAgain = new RecordingGroup(vrrp);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> router.register(vrrpAgain, AdvertTargets.of(vrrpAgain.config())));
        assertTrue(e.getMessage().contains("vhid 3 is already running on uni0"), e.getMessage());
    }

    @Test
    void shouldReadVhidAfterIpv4HeaderOfAnyLength() {
        ByteBuffer withOptions = ByteBuffer.allocate(24 + 36);
        withOptions.put(0, (byte) 0x46).put(24 + 1, (byte) 77);
        assertEquals(77, InboundRouter.ipv4Slot(withOptions));
        assertEquals(-1, InboundRouter.ipv4Slot(ByteBuffer.allocate(21).put(0, (byte) 0x45)));
        ByteBuffer offset = ByteBuffer.allocate(30);
        offset.put(4, (byte) 0x45).put(4 + 21, (byte) 9).position(4);
        assertEquals(9, InboundRouter.ipv4Slot(offset));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static CarpConfig config(int vhid, String... peers) {
        var b = CarpGroup.builder().interfaceName("uni0").vhid(vhid).password("pw")
                .virtualAddress("198.18.100." + (100 + vhid));
        for (String p : peers) {
            b.unicastPeer(p);
        }
        return b.buildConfig();
    }

    private static byte[] carp(int vhid) {
        return CarpCodec.encode(vhid, 0, 0, 1, 42L, new byte[20]);
    }

    private static ByteBuffer ipv4(String source, int ttl, int vhid) throws Exception {
        return ByteBuffer.wrap(CarpCodec.encodeIpv4((Inet4Address) InetAddress.getByName(source),
                (Inet4Address) InetAddress.getByName(SELF), ttl, 1, carp(vhid)));
    }

    private static ByteBuffer vrrpIpv4(String source, int ttl, int vrid) throws Exception {
        Inet4Address from = (Inet4Address) InetAddress.getByName(source);
        Inet4Address to = (Inet4Address) InetAddress.getByName(SELF);
        return ByteBuffer.wrap(io.carp.internal.vrrp.VrrpCodec.encodeIpv4(from, to, ttl, 1,
                io.carp.internal.vrrp.VrrpCodec.encodeV3(from, to, vrid, 100, 100,
                        List.of(InetAddress.getByName("198.18.100.200")))));
    }

    /** Records what reaches a group. */
    private static final class RecordingGroup implements GroupEndpoint {
        private final CarpConfig config;
        final List<String> seen = new ArrayList<>();

        RecordingGroup(CarpConfig config) {
            this.config = config;
        }

        @Override
        public CarpConfig config() {
            return config;
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
            seen.add("advert from " + envelope.source().getHostAddress() + " ttl " + envelope.ttl());
        }

        @Override
        public void onVrrpAdvertisement(IpEnvelope envelope, io.carp.internal.vrrp.VrrpAdvertisement advertisement) {
            seen.add("vrrp from " + envelope.source().getHostAddress() + " ttl " + envelope.ttl());
        }

        @Override
        public void onDropped(DropReason reason, IpEnvelope envelope) {
            seen.add("drop " + reason.tag());
        }

        @Override
        public void onLinkStateChanged(boolean up) {
            seen.add("link " + up);
        }
    }
}
