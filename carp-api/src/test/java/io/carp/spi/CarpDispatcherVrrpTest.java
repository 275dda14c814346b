package io.carp.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.DropReason;
import io.carp.IpFamily;
import io.carp.Protocol;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpCodec;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CarpDispatcher} with VRRP groups: routing by the registered group's protocol, FOREIGN across protocols. */
class CarpDispatcherVrrpTest {
    private static final Inet4Address PEER = (Inet4Address) literal("198.18.0.2");
    private static final Inet4Address GROUP = (Inet4Address) literal("224.0.0.18");
    private static final Inet6Address PEER6 = (Inet6Address) literal("fe80::2");
    private static final Inet6Address GROUP6 = (Inet6Address) literal("ff02::12");

    private static InetAddress literal(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** Records what it is handed. */
    private static final class Endpoint implements GroupEndpoint {
        final CarpConfig config;
        final List<VrrpAdvertisement> vrrp = new ArrayList<>();
        final List<CarpAdvertisement> carp = new ArrayList<>();
        final List<DropReason> drops = new ArrayList<>();

        Endpoint(CarpConfig config) {
            this.config = config;
        }

        @Override
        public CarpConfig config() {
            return config;
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
            carp.add(advertisement);
        }

        @Override
        public void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement) {
            vrrp.add(advertisement);
        }

        @Override
        public void onDropped(DropReason reason, IpEnvelope envelope) {
            drops.add(reason);
        }

        @Override
        public void onLinkStateChanged(boolean up) {
        }
    }

    private static Endpoint vrrpGroup(int vrid, String vip) {
        return new Endpoint(CarpGroup.builder().protocol(Protocol.VRRP_V3).interfaceName("eth0").vhid(vrid)
                .virtualAddress(vip).buildConfig());
    }

    private static Endpoint carpGroup(int vhid) {
        return new Endpoint(CarpGroup.builder().interfaceName("eth0").vhid(vhid).password("secret")
                .virtualAddress("198.18.0.20" + vhid).buildConfig());
    }

    private static byte[] vrrpV4(int vrid) {
        return VrrpCodec.encodeIpv4(PEER, GROUP, 255, 1,
                VrrpCodec.encodeV3(PEER, GROUP, vrid, 100, 100, List.of(literal("198.18.0.100"))));
    }

    private static byte[] carpV4(int vhid) {
        return CarpCodec.encodeIpv4(PEER, GROUP, 255, 1, CarpCodec.encode(vhid, 0, 0, 1, 7L, new byte[20]));
    }

    private final CarpDispatcher dispatcher = new CarpDispatcher();

    @Test
    void shouldHandVrrpAdvertsToTheVrrpGroupOfTheirVrid() {
        Endpoint v = vrrpGroup(1, "198.18.0.100");
        Endpoint c = carpGroup(2);
        dispatcher.register(v);
        dispatcher.register(c);
        dispatcher.receiveIpv4(ByteBuffer.wrap(vrrpV4(1)));
        dispatcher.receiveIpv4(ByteBuffer.wrap(carpV4(2)));
        assertEquals(1, v.vrrp.size());
        assertEquals(100, v.vrrp.get(0).priority());
        assertEquals(1, c.carp.size());
        assertTrue(v.drops.isEmpty() && c.drops.isEmpty());
    }

    @Test
    void shouldCountTheOtherProtocolOnAnIdAsForeign() {
        Endpoint v = vrrpGroup(1, "198.18.0.100");
        Endpoint c = carpGroup(2);
        dispatcher.register(v);
        dispatcher.register(c);
        dispatcher.receiveIpv4(ByteBuffer.wrap(carpV4(1))); // CARP to the VRRP group's id
        dispatcher.receiveIpv4(ByteBuffer.wrap(vrrpV4(2))); // VRRP to the CARP group's id
        assertTrue(v.vrrp.isEmpty() && v.carp.isEmpty() && c.carp.isEmpty() && c.vrrp.isEmpty());
        assertEquals(2, dispatcher.unmatchedDrops(DropReason.FOREIGN));
    }

    @Test
    void shouldAttributeVrrpDropsToTheGroup() {
        Endpoint v = vrrpGroup(1, "198.18.0.100");
        dispatcher.register(v);
        byte[] bad = vrrpV4(1);
        bad[bad.length - 1] ^= 1;
        dispatcher.receiveIpv4(ByteBuffer.wrap(bad));
        byte[] ttl = vrrpV4(1);
        ttl[8] = 64;
        dispatcher.receiveIpv4(ByteBuffer.wrap(ttl));
        assertEquals(List.of(DropReason.BAD_CHECKSUM, DropReason.BAD_TTL), v.drops);
    }

    @Test
    void shouldRouteIpv6PayloadsWithSeparateEnvelope() {
        Endpoint v = vrrpGroup(7, "fe80::100");
        dispatcher.register(v);
        byte[] message = VrrpCodec.encodeV3(PEER6, GROUP6, 7, 150, 5, List.of(literal("fe80::100")));
        dispatcher.receive(new IpEnvelope(IpFamily.IPV6, PEER6, GROUP6, 255), ByteBuffer.wrap(message));
        dispatcher.receiveIpv6(ByteBuffer.wrap(VrrpCodec.encodeIpv6(PEER6, GROUP6, 255, message)));
        assertEquals(2, v.vrrp.size());
        assertEquals(5, v.vrrp.get(1).intervalCentis());
    }

    @Test
    void shouldRunACarpGroupAndAVrrpv3GroupOnTheSameIdApartByTheVersionNibble() {
        Endpoint v = vrrpGroup(1, "198.18.0.100");
        Endpoint c = carpGroup(1);
        dispatcher.register(v);
        dispatcher.register(c);
        dispatcher.receiveIpv4(ByteBuffer.wrap(vrrpV4(1)));
        dispatcher.receiveIpv4(ByteBuffer.wrap(carpV4(1)));
        byte[] message = VrrpCodec.encodeV3(PEER6, GROUP6, 1, 150, 100, List.of(literal("fd00::100")));
        dispatcher.receive(new IpEnvelope(IpFamily.IPV6, PEER6, GROUP6, 255), ByteBuffer.wrap(message));
        assertEquals(2, v.vrrp.size(), "both VRRPv3 adverts reach the VRRP group");
        assertEquals(1, c.carp.size(), "the CARP advert reaches the CARP group");
        assertTrue(v.carp.isEmpty() && c.vrrp.isEmpty());
        assertTrue(v.drops.isEmpty() && c.drops.isEmpty(), v.drops + " " + c.drops);
        assertEquals(0, dispatcher.unmatchedDrops(DropReason.FOREIGN));

        dispatcher.unregister(c);
        dispatcher.receiveIpv4(ByteBuffer.wrap(carpV4(1))); // CARP for an id only a VRRPv3 group runs now
        assertEquals(1, c.carp.size());
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.FOREIGN), "as before: foreign to the VRRP group's id");
        dispatcher.register(c);
        dispatcher.unregister(v);
        dispatcher.receiveIpv4(ByteBuffer.wrap(carpV4(1)));
        assertEquals(2, c.carp.size());
    }

    @Test
    void shouldRefuseACarpAndAVrrpv2GroupOnTheSameIdAndTwoOfAKind() {
        // CARP and VRRPv2 are both version 2 on the wire (first byte 0x21): one id space
        dispatcher.register(carpGroup(1));
        Endpoint v2 = new Endpoint(CarpGroup.builder().protocol(Protocol.VRRP_V2).interfaceName("eth0").vhid(1)
                .virtualAddress("198.18.0.100").buildConfig());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dispatcher.register(v2));
        assertEquals("vhid 1 is already running on eth0 in this process (CARP; CARP vhids and VRRPv2 VRIDs share one"
                + " id space per interface and family, as both are version 2 on the wire; VRRPv3 VRIDs have their"
                + " own)", e.getMessage());
        dispatcher.register(vrrpGroup(1, "198.18.0.100"));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> dispatcher.register(vrrpGroup(1, "198.18.0.101")));
        assertTrue(twice.getMessage().startsWith("vhid 1 is already running on eth0 in this process (VRRP_V3;"),
                twice.getMessage());
    }
}
