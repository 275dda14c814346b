package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V4;
import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V6;
import static io.carp.internal.vrrp.VrrpTestPackets.v4;
import static io.carp.internal.vrrp.VrrpTestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.DropReason;
import io.carp.IpFamily;
import io.carp.internal.protocol.IpEnvelope;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link VrrpDecoder}, reused for every packet as the dispatcher uses it, decodes exactly as {@link VrrpCodec}'s fresh
 * decode does, and hands the same packet again only for a byte-for-byte repeat in the same envelope.
 */
class VrrpDecoderTest {
    private static final Inet4Address PEER = v4("198.18.0.2");
    private static final Inet6Address PEER6 = v6("fe80::2");

    private static byte[] v3Ipv4() {
        return VrrpCodec.encodeIpv4(PEER, GROUP_V4, 255, 1,
                VrrpCodec.encodeV3(PEER, GROUP_V4, 5, 200, 100, List.of(v4("198.18.0.100"), v4("198.18.0.101"))));
    }

    private static byte[] v2Ipv4() {
        return VrrpCodec.encodeIpv4(PEER, GROUP_V4, 255, 1, VrrpCodec.encodeV2(7, 200, 1, 1,
                VrrpCodec.simpleTextAuthData("secret".getBytes(StandardCharsets.UTF_8)), List.of(v4("198.18.0.100"))));
    }

    private static byte[] v3Ipv6() {
        return VrrpCodec.encodeIpv6(PEER6, GROUP_V6, 255,
                VrrpCodec.encodeV3(PEER6, GROUP_V6, 6, 200, 100, List.of(v6("fd00::100"))));
    }

    @Test
    void shouldHandTheSamePacketForARepeatAndDecodeAnyChange() {
        VrrpDecoder decoder = new VrrpDecoder();
        byte[] advert = v3Ipv4();
        VrrpPacket first = decoder.decodeIpv4(ByteBuffer.wrap(advert), true);
        assertNull(first.dropReason());
        assertSame(first, decoder.decodeIpv4(ByteBuffer.wrap(advert.clone()), true), "a repeat");
        byte[] ttl = advert.clone();
        ttl[8] = 64; // TTL 64; the IP header checksum is not checked by the decoder
        assertEquals(DropReason.BAD_TTL, decoder.decodeIpv4(ByteBuffer.wrap(ttl), true).dropReason());
        VrrpPacket unchecked = decoder.decodeIpv4(ByteBuffer.wrap(ttl), false);
        assertNull(unchecked.dropReason());
        assertEquals(64, unchecked.envelope().ttl());
        byte[] priority = advert.clone();
        priority[20 + 2] = 100; // checksum not fixed
        assertEquals(DropReason.BAD_CHECKSUM, decoder.decodeIpv4(ByteBuffer.wrap(priority), true).dropReason());
        assertEquals(first.advertisement(), decoder.decodeIpv4(ByteBuffer.wrap(advert), true).advertisement());
    }

    @Test
    void shouldCheckTheChecksumAgainForAnotherEnvelope() {
        VrrpDecoder decoder = new VrrpDecoder();
        byte[] message = VrrpCodec.encodeV3(PEER6, GROUP_V6, 6, 200, 100, List.of(v6("fd00::100")));
        IpEnvelope multicast = new IpEnvelope(IpFamily.IPV6, PEER6, GROUP_V6, 255);
        IpEnvelope unicast = new IpEnvelope(IpFamily.IPV6, PEER6, v6("fe80::1"), 255);
        VrrpPacket first = decoder.decode(multicast, ByteBuffer.wrap(message), true);
        assertNull(first.dropReason());
        assertSame(first, decoder.decode(multicast, ByteBuffer.wrap(message), true), "the same envelope");
        IpEnvelope equal = new IpEnvelope(IpFamily.IPV6, PEER6, GROUP_V6, 255);
        VrrpPacket again = decoder.decode(equal, ByteBuffer.wrap(message), true);
        assertSame(equal, again.envelope(), "another envelope object: decoded again, with it");
        assertEquals(first.advertisement(), again.advertisement());
        assertEquals(DropReason.BAD_CHECKSUM, decoder.decode(unicast, ByteBuffer.wrap(message), true).dropReason(),
                "VRRPv3's checksum covers the destination");
    }

    /** Mutated packets and repeats through one decoder: the results of a fresh decode, field for field. */
    @Test
    void shouldDecodeAsTheCodecDoesWhenReused() {
        SplittableRandom r = new SplittableRandom(0x5EED);
        VrrpDecoder decoder = new VrrpDecoder();
        byte[][] bases = {v3Ipv4(), v2Ipv4(), v3Ipv6()};
        byte[] previous = bases[0];
        boolean previousIpv6 = false;
        int repeats = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] packet;
            boolean ipv6;
            if (r.nextInt(3) == 0) {
                packet = previous.clone();
                ipv6 = previousIpv6;
                repeats++;
            } else {
                int k = r.nextInt(bases.length);
                ipv6 = k == 2;
                packet = r.nextBoolean() ? bases[k].clone() : VrrpMutations.mutate(bases[k], ipv6, r);
            }
            boolean checkTtl = r.nextInt(8) != 0;
            VrrpPacket reused = ipv6 ? decoder.decodeIpv6(ByteBuffer.wrap(packet), checkTtl)
                    : decoder.decodeIpv4(ByteBuffer.wrap(packet), checkTtl);
            VrrpPacket fresh = ipv6 ? VrrpCodec.decodeIpv6(ByteBuffer.wrap(packet), checkTtl)
                    : VrrpCodec.decodeIpv4(ByteBuffer.wrap(packet), checkTtl);
            String context = "packet " + i + ": " + VrrpTestPackets.hex(packet);
            assertEquals(fresh.dropReason(), reused.dropReason(), context);
            assertEquals(fresh.vrid(), reused.vrid(), context);
            assertEquals(String.valueOf(fresh.envelope()), String.valueOf(reused.envelope()), context);
            assertEquals(fresh.advertisement(), reused.advertisement(), context);
            if (fresh.advertisement() != null) {
                assertTrue(Arrays.equals(fresh.advertisement().authData(), reused.advertisement().authData()), context);
            }
            previous = packet;
            previousIpv6 = ipv6;
        }
        assertTrue(repeats > 10_000, "repeats: " + repeats);
    }
}
