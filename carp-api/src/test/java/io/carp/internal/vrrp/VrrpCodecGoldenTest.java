package io.carp.internal.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against the real keepalived's advertisements ({@link VrrpGoldenVector}, captured on the wire, fields by
 * tshark): the decoder reads every field as tshark did, and the encoder, given the same fields and source address,
 * writes the same bytes.
 */
class VrrpCodecGoldenTest {
    static Iterable<VrrpGoldenVector> vectors() {
        return VrrpGoldenVector.all();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldDecodeEveryFieldOfKeepalivedsAdvert(VrrpGoldenVector v) {
        VrrpPacket packet = v.ipv6() ? VrrpCodec.decodeIpv6(ByteBuffer.wrap(v.ip()), true)
                : VrrpCodec.decodeIpv4(ByteBuffer.wrap(v.ip()), true);
        assertFalse(packet.isDropped(), () -> "dropped: " + packet.dropReason());
        VrrpAdvertisement a = packet.advertisement();
        assertEquals(v.version(), a.version());
        assertEquals(v.vrid(), a.vrid());
        assertEquals(v.vrid(), packet.vrid());
        assertEquals(v.priority(), a.priority());
        assertEquals(v.count(), a.count());
        assertEquals(v.addresses(), a.addresses());
        assertEquals(v.version() == 3 ? v.interval() : v.interval() * 100, a.intervalCentis());
        assertEquals(v.version() == 3 ? 0 : v.authType(), a.authType());
        assertEquals(v.checksum(), a.checksum());
        byte[] auth = v.password() == null ? new byte[8] : Arrays.copyOf(v.password().getBytes(StandardCharsets.US_ASCII), 8);
        assertArrayEquals(v.version() == 3 ? new byte[0] : auth, a.authData());
        assertEquals(v.source(), packet.envelope().source());
        assertEquals(v.destination(), packet.envelope().destination());
        assertEquals(v.hopLimit(), packet.envelope().ttl());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldDecodeThePayloadAloneWithTheEnvelopeOfTheSocket(VrrpGoldenVector v) {
        // an IPv6 raw socket delivers no header: the runtime passes the envelope it read from ancillary data
        VrrpPacket whole = v.ipv6() ? VrrpCodec.decodeIpv6(ByteBuffer.wrap(v.ip()), true)
                : VrrpCodec.decodeIpv4(ByteBuffer.wrap(v.ip()), true);
        VrrpPacket payload = VrrpCodec.decode(whole.envelope(), ByteBuffer.wrap(v.vrrp()), true);
        assertEquals(whole.advertisement(), payload.advertisement());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldEncodeTheSameBytesFromTheSameFields(VrrpGoldenVector v) {
        byte[] ours;
        if (v.version() == 3) {
            ours = VrrpCodec.encodeV3(v.source(), v.destination(), v.vrid(), v.priority(), v.interval(), v.addresses());
        } else {
            byte[] auth = v.password() == null ? new byte[8]
                    : VrrpCodec.simpleTextAuthData(v.password().getBytes(StandardCharsets.US_ASCII));
            ours = VrrpCodec.encodeV2(v.vrid(), v.priority(), v.interval(), v.authType(), auth, v.addresses());
        }
        assertEquals(VrrpGoldenVectorTest.hex(v.vrrp()), VrrpGoldenVectorTest.hex(ours));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldWrapItInTheIpHeaderKeepalivedSends(VrrpGoldenVector v) {
        byte[] ip;
        if (v.ipv6()) {
            ip = VrrpCodec.encodeIpv6((Inet6Address) v.source(), (Inet6Address) v.destination(), v.hopLimit(), v.vrrp());
            // keepalived's kernel-built IPv6 header carries traffic class 0xc0 (IPV6_TCLASS on its socket), as ours
            // does, and a flow label the kernel picks (ours: 0): compare everything but the flow label
            assertEquals(0xc0, ((v.ip()[0] & 0x0f) << 4) | ((v.ip()[1] & 0xf0) >>> 4), "keepalived's traffic class");
            assertEquals(0xc0, ((ip[0] & 0x0f) << 4) | ((ip[1] & 0xf0) >>> 4), "our traffic class");
            byte[] theirs = v.ip().clone();
            theirs[1] &= (byte) 0xf0;
            theirs[2] = 0;
            theirs[3] = 0;
            assertEquals(VrrpGoldenVectorTest.hex(theirs), VrrpGoldenVectorTest.hex(ip));
        } else {
            assertEquals(0xc0, v.ip()[1] & 0xff, "keepalived's TOS (and ours: compared byte for byte below)");
            int id = ((v.ip()[4] & 0xff) << 8) | (v.ip()[5] & 0xff);
            ip = VrrpCodec.encodeIpv4((Inet4Address) v.source(), (Inet4Address) v.destination(), v.hopLimit(), id,
                    v.vrrp());
            assertEquals(VrrpGoldenVectorTest.hex(v.ip()), VrrpGoldenVectorTest.hex(ip));
        }
    }
}
