package io.carp.spi;

import static io.carp.internal.protocol.TestPackets.CARP_GROUP_V4;
import static io.carp.internal.protocol.TestPackets.v4;
import static io.carp.internal.protocol.TestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.internal.protocol.TestPackets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CarpDispatcher}: routing by vhid, attribution of drops, unmatched counters, registration. */
class CarpDispatcherTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.US_ASCII);
    private static final Inet4Address PEER = v4("198.18.0.2");

    /** A group endpoint that records what it is handed. */
    private static final class RecordingEndpoint implements GroupEndpoint {
        final CarpConfig config;
        final List<CarpAdvertisement> adverts = new ArrayList<>();
        final List<IpEnvelope> envelopes = new ArrayList<>();
        final List<DropReason> drops = new ArrayList<>();
        final List<Boolean> links = new ArrayList<>();

        RecordingEndpoint(int vhid, String interfaceName) {
            this.config = CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("secret")
                    .virtualAddress("198.18.0." + (100 + vhid)).buildConfig();
        }

        @Override
        public CarpConfig config() {
            return config;
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
            envelopes.add(envelope);
            adverts.add(advertisement.copy()); // the dispatcher refills its own for the next packet
        }

        @Override
        public void onDropped(DropReason reason, IpEnvelope envelope) {
            drops.add(reason);
        }

        @Override
        public void onLinkStateChanged(boolean up) {
            links.add(up);
        }
    }

    private final CarpDispatcher dispatcher = new CarpDispatcher();
    private final RecordingEndpoint group1 = new RecordingEndpoint(1, "eth0");
    private final RecordingEndpoint group2 = new RecordingEndpoint(2, "eth0");

    private static byte[] advert(int vhid) {
        return TestPackets.ipv4Advert(PEER, KEY, vhid, List.of(v4("198.18.0." + (100 + vhid))), 1, 0, 0, 42L);
    }

    private long unmatchedTotal() {
        return Arrays.stream(DropReason.values()).mapToLong(dispatcher::unmatchedDrops).sum();
    }

    @Test
    void shouldRouteAdvertToGroupOfItsVhid() {
        dispatcher.register(group1);
        dispatcher.register(group2);

        dispatcher.receiveIpv4(ByteBuffer.wrap(advert(2)));

        assertEquals(0, group1.adverts.size());
        assertEquals(1, group2.adverts.size());
        assertEquals(2, group2.adverts.get(0).vhid());
        assertEquals(42L, group2.adverts.get(0).counter());
        assertEquals(PEER, group2.envelopes.get(0).source());
        assertEquals(0, unmatchedTotal());
    }

    @Test
    void shouldCountAdvertOfUnregisteredVhidAsOtherVhid() {
        dispatcher.register(group1);
        dispatcher.receiveIpv4(ByteBuffer.wrap(advert(3)));
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.OTHER_VHID));
        assertEquals(1, unmatchedTotal());
        assertEquals(0, group1.adverts.size() + group1.drops.size());
    }

    @Test
    void shouldCountVrrpAsUnmatchedForeignEvenWhenVridMatchesAGroup() {
        dispatcher.register(group1);
        byte[] vrrp = TestPackets.vrrpv2(1, 100, 0, List.of(v4("198.18.0.101")));
        dispatcher.receiveIpv4(ByteBuffer.wrap(TestPackets.ipv4(PEER, CARP_GROUP_V4, 255, 112, new byte[0], vrrp)));
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.FOREIGN));
        assertEquals(List.of(), group1.drops);
    }

    @Test
    void shouldCountOtherProtocolAsUnmatchedForeign() {
        dispatcher.register(group1);
        byte[] packet = advert(1);
        packet[9] = 17;
        dispatcher.receiveIpv4(ByteBuffer.wrap(packet));
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.FOREIGN));
        assertEquals(List.of(), group1.drops);
    }

    @Test
    void shouldCountShortPacketWithoutReadableVhidAsUnmatched() {
        dispatcher.register(group1);
        dispatcher.receiveIpv4(ByteBuffer.wrap(Arrays.copyOf(advert(1), 10)));
        dispatcher.receiveIpv4(ByteBuffer.wrap(Arrays.copyOf(advert(1), 21)));
        assertEquals(2, dispatcher.unmatchedDrops(DropReason.SHORT));
        assertEquals(List.of(), group1.drops);
    }

    @Test
    void shouldAttributeDropsWithReadableVhidToRegisteredGroup() {
        dispatcher.register(group1);
        byte[] badChecksum = advert(1);
        badChecksum[20 + 7] ^= 1;
        byte[] badTtl = advert(1);
        badTtl[8] = 64;
        byte[] badVersion = advert(1);
        badVersion[20] = 0x11;
        TestPackets.fixCarpChecksum(badVersion, 20);
        byte[] shortCarp = Arrays.copyOf(advert(1), 30);

        for (byte[] p : List.of(badChecksum, badTtl, badVersion, shortCarp)) {
            dispatcher.receiveIpv4(ByteBuffer.wrap(p));
        }

        assertEquals(List.of(DropReason.BAD_CHECKSUM, DropReason.BAD_TTL, DropReason.BAD_VERSION, DropReason.SHORT),
                group1.drops);
        assertEquals(0, unmatchedTotal());
        assertEquals(List.of(), group1.adverts);
    }

    @Test
    void shouldCountAttributableDropOfUnregisteredVhidAsUnmatched() {
        dispatcher.register(group1);
        byte[] badChecksum = advert(9);
        badChecksum[20 + 7] ^= 1;
        dispatcher.receiveIpv4(ByteBuffer.wrap(badChecksum));
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.BAD_CHECKSUM));
        assertEquals(List.of(), group1.drops);
    }

    @Test
    void shouldNotDropTtlWhenCheckDisabled() {
        CarpDispatcher unicast = new CarpDispatcher(false);
        unicast.register(group1);
        byte[] packet = advert(1);
        packet[8] = 3;
        unicast.receiveIpv4(ByteBuffer.wrap(packet));
        assertEquals(1, group1.adverts.size());
        assertEquals(3, group1.envelopes.get(0).ttl());
    }

    @Test
    void shouldRouteIpv6AndSeparateEnvelopePackets() {
        dispatcher.register(group1);
        byte[] header = TestPackets.carpHeader(KEY, 1, List.of(v4("198.18.0.101")), 1, 0, 0, 7L);
        dispatcher.receiveIpv6(ByteBuffer.wrap(
                CarpCodec.encodeIpv6(v6("2001:db8::2"), TestPackets.CARP_GROUP_V6, 255, header)));
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, v6("fe80::2"), TestPackets.CARP_GROUP_V6, 255);
        dispatcher.receive(envelope, ByteBuffer.wrap(header));

        assertEquals(2, group1.adverts.size());
        assertEquals(v6("2001:db8::2"), group1.envelopes.get(0).source());
        assertSame(envelope, group1.envelopes.get(1));
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        dispatcher.register(group1);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            byte[] garbage = new byte[random.nextInt(80)];
            random.nextBytes(garbage);
            dispatcher.receiveIpv4(ByteBuffer.wrap(garbage));
            dispatcher.receiveIpv6(ByteBuffer.wrap(garbage));
        }
        assertEquals(2L * n, unmatchedTotal() + group1.drops.size() + group1.adverts.size());
    }

    // ------------------------------------------------------------------------------------------------ registration

    @Test
    void shouldRejectSecondGroupWithSameVhidWithClearMessage() {
        dispatcher.register(group1);
        RecordingEndpoint other = new RecordingEndpoint(1, "eth0");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dispatcher.register(other));

        assertEquals("vhid 1 is already running on eth0 in this process (CARP; CARP vhids and VRRPv2 VRIDs share one"
                + " id space per interface and family, as both are version 2 on the wire; VRRPv3 VRIDs have their"
                + " own)", e.getMessage());
        dispatcher.receiveIpv4(ByteBuffer.wrap(advert(1)));
        assertEquals(1, group1.adverts.size(), "the first group keeps the vhid");
        assertEquals(0, other.adverts.size());
    }

    @Test
    void shouldStopRoutingToGroupWhenUnregistered() {
        dispatcher.register(group1);
        assertFalse(dispatcher.isEmpty());
        dispatcher.unregister(group1);
        dispatcher.unregister(group1);
        assertTrue(dispatcher.isEmpty());

        dispatcher.receiveIpv4(ByteBuffer.wrap(advert(1)));

        assertEquals(0, group1.adverts.size());
        assertEquals(1, dispatcher.unmatchedDrops(DropReason.OTHER_VHID));
    }

    @Test
    void shouldBeEmptyAfterUnregisteringGroupThatWasRegisteredTwice() {
        dispatcher.register(group1);
        dispatcher.register(group1); // allowed: the same group again
        dispatcher.register(group2);
        dispatcher.unregister(group1);
        dispatcher.unregister(group2);
        assertTrue(dispatcher.isEmpty(), "a runtime closes the socket when its dispatcher is empty");
    }

    @Test
    void shouldNotUnregisterAnotherGroupWithSameVhid() {
        dispatcher.register(group1);
        dispatcher.unregister(new RecordingEndpoint(1, "eth0"));
        assertFalse(dispatcher.isEmpty());
        dispatcher.receiveIpv4(ByteBuffer.wrap(advert(1)));
        assertEquals(1, group1.adverts.size());
    }

    @Test
    void shouldVisitEveryRegisteredGroup() {
        assertTrue(dispatcher.isEmpty());
        dispatcher.register(group1);
        dispatcher.register(group2);
        List<InetAddress> seen = new ArrayList<>();
        dispatcher.forEachGroup(g -> {
            seen.add(g.config().virtualAddresses().get(0));
            g.onLinkStateChanged(false);
        });
        assertEquals(List.of(v4("198.18.0.101"), v4("198.18.0.102")), seen);
        assertEquals(List.of(false), group1.links);
        assertEquals(List.of(false), group2.links);
    }
}
