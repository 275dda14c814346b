package io.carp.internal.protocol;

import io.carp.IpFamily;

import static io.carp.internal.protocol.TestPackets.hex;
import static io.carp.internal.protocol.TestPackets.v4;
import static io.carp.internal.protocol.TestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of {@link CarpCodec} against test vectors computed from the BSD/ucarp definitions (ucarp src/carp.c, FreeBSD sys/netinet/ip_carp.c), which were validated against the
 * real ucarp binary in both directions. Every byte of a golden array is commented with its field.
 */
class CarpCodecTest {
    static final byte[] KEY = "testpass".getBytes(StandardCharsets.US_ASCII);
    static final long COUNTER = 0x0102030405060708L;
    static final List<InetAddress> VIP = List.of(v4("192.168.1.50"));
    static final byte[] MD = {
        0x02, (byte) 0x8f, (byte) 0xac, (byte) 0xbc,                     // md[0..3]   HMAC-SHA1
        0x44, 0x3a, (byte) 0xf6, 0x47,                                   // md[4..7]
        0x3d, (byte) 0xca, 0x2c, (byte) 0xe3,                            // md[8..11]
        (byte) 0x8c, 0x3c, 0x78, (byte) 0x94,                            // md[12..15]
        0x49, 0x14, (byte) 0xa4, 0x06,                                   // md[16..19]
    };

    /** Test vector (validated against ucarp 1.5.2): vhid 1, advbase 1, advskew 0, demote 0, counter 0x0102030405060708. */
    static final byte[] HEADER = {
        0x21,                                                            // version 2 (high nibble) | type 1 = advertisement
        0x01,                                                            // vhid 1
        0x00,                                                            // advskew 0
        0x07,                                                            // authlen 7 (counter + md in 32-bit words)
        0x00,                                                            // demote (OpenBSD) / pad1 (FreeBSD, ucarp): 0
        0x01,                                                            // advbase 1 s
        (byte) 0x88, 0x7b,                                               // checksum 0x887b
        0x01, 0x02, 0x03, 0x04,                                          // counter[0], big-endian
        0x05, 0x06, 0x07, 0x08,                                          // counter[1], big-endian
        0x02, (byte) 0x8f, (byte) 0xac, (byte) 0xbc,                     // md[0..3]
        0x44, 0x3a, (byte) 0xf6, 0x47,                                   // md[4..7]
        0x3d, (byte) 0xca, 0x2c, (byte) 0xe3,                            // md[8..11]
        (byte) 0x8c, 0x3c, 0x78, (byte) 0x94,                            // md[12..15]
        0x49, 0x14, (byte) 0xa4, 0x06,                                   // md[16..19]
    };

    /** The same advert with advskew 100: only the advskew byte and the checksum change (the md does not cover them). */
    static final byte[] HEADER_ADVSKEW_100 = {
        0x21,                                                            // version 2 | type 1
        0x01,                                                            // vhid 1
        0x64,                                                            // advskew 100
        0x07,                                                            // authlen 7
        0x00,                                                            // demote 0
        0x01,                                                            // advbase 1 s
        0x24, 0x7b,                                                      // checksum 0x247b
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
        0x02, (byte) 0x8f, (byte) 0xac, (byte) 0xbc,                     // md[0..3] (unchanged)
        0x44, 0x3a, (byte) 0xf6, 0x47,                                   // md[4..7]
        0x3d, (byte) 0xca, 0x2c, (byte) 0xe3,                            // md[8..11]
        (byte) 0x8c, 0x3c, 0x78, (byte) 0x94,                            // md[12..15]
        0x49, 0x14, (byte) 0xa4, 0x06,                                   // md[16..19]
    };

    /** OpenBSD's header with demote 1 in byte 4. */
    static final byte[] HEADER_DEMOTE_1 = {
        0x21,                                                            // version 2 | type 1
        0x01,                                                            // vhid 1
        0x00,                                                            // advskew 0
        0x07,                                                            // authlen 7
        0x01,                                                            // demote 1 (OpenBSD carp_demote)
        0x01,                                                            // advbase 1 s
        (byte) 0x87, 0x7b,                                               // checksum 0x877b
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
        0x02, (byte) 0x8f, (byte) 0xac, (byte) 0xbc,                     // md[0..3] (unchanged)
        0x44, 0x3a, (byte) 0xf6, 0x47,                                   // md[4..7]
        0x3d, (byte) 0xca, 0x2c, (byte) 0xe3,                            // md[8..11]
        (byte) 0x8c, 0x3c, 0x78, (byte) 0x94,                            // md[12..15]
        0x49, 0x14, (byte) 0xa4, 0x06,                                   // md[16..19]
    };

    /** Test vector (validated against ucarp 1.5.2): src 192.168.1.10, id 0, TOS 0x10, DF, TTL 255, to 224.0.0.18. */
    static final byte[] IPV4_HEADER = {
        0x45,                                                            // version 4 | IHL 5 (20 bytes)
        0x10,                                                            // TOS IPTOS_LOWDELAY
        0x00, 0x38,                                                      // total length 56
        0x00, 0x00,                                                      // identification 0
        0x40, 0x00,                                                      // flags DF, fragment offset 0
        (byte) 0xff,                                                     // TTL 255
        0x70,                                                            // protocol 112 (CARP)
        (byte) 0xd9, (byte) 0x80,                                        // header checksum 0xd980
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x0a,                            // source 192.168.1.10
        (byte) 0xe0, 0x00, 0x00, 0x12,                                   // destination 224.0.0.18
    };

    /** An IPv6 header as the testkit builds it: source 2001:db8::10, to ff02::12, hop limit 255. */
    static final byte[] IPV6_HEADER = {
        0x60, 0x00, 0x00, 0x00,                                          // version 6 | traffic class 0 | flow label 0
        0x00, 0x24,                                                      // payload length 36
        0x70,                                                            // next header 112 (CARP)
        (byte) 0xff,                                                     // hop limit 255
        0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0,                       // source 2001:db8::10, bytes 0-7
        0, 0, 0, 0, 0, 0, 0, 0x10,                                       // source, bytes 8-15
        (byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0,                             // destination ff02::12, bytes 0-7
        0, 0, 0, 0, 0, 0, 0, 0x12,                                       // destination, bytes 8-15
    };

    static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    static final byte[] IPV4_PACKET = concat(IPV4_HEADER, HEADER);

    // ------------------------------------------------------------------------------------------------ encode

    @Test
    void shouldEncodeTestVectorHeaderByteForByte() {
        assertArrayEquals(HEADER, CarpCodec.encode(1, 0, 0, 1, COUNTER, MD));
    }

    @Test
    void shouldEncodeHeaderWithAdvskew100WithChecksum247b() {
        assertArrayEquals(HEADER_ADVSKEW_100, CarpCodec.encode(1, 100, 0, 1, COUNTER, MD));
    }

    @Test
    void shouldEncodeOpenBsdHeaderWithDemote1WithChecksum877b() {
        assertArrayEquals(HEADER_DEMOTE_1, CarpCodec.encode(1, 0, 1, 1, COUNTER, MD));
    }

    @Test
    void shouldEncodeFullIpv4PacketByteForByte() {
        byte[] packet = CarpCodec.encodeIpv4(v4("192.168.1.10"), v4("224.0.0.18"), 255, 0, HEADER);
        assertArrayEquals(IPV4_PACKET, packet);
        assertEquals("4510003800004000ff70d980c0a8010ae0000012"
                + "210100070001887b0102030405060708028facbc443af6473dca2ce38c3c78944914a406", hex(packet));
    }

    @Test
    void shouldEncodeIpv6PacketWithFixedHeader() {
        byte[] packet = CarpCodec.encodeIpv6(v6("2001:db8::10"), v6("ff02::12"), 255, HEADER);
        assertArrayEquals(concat(IPV6_HEADER, HEADER), packet);
    }

    @Test
    void shouldEncodeAtBufferPositionAndAdvanceIt() {
        ByteBuffer out = ByteBuffer.allocate(50);
        out.position(7);
        CarpCodec.encode(out, 1, 0, 0, 1, COUNTER, MD);
        assertEquals(43, out.position());
        byte[] written = new byte[36];
        out.get(7, written);
        assertArrayEquals(HEADER, written);
    }

    @Test
    void shouldComputeChecksumThatVerifiesToZero() {
        assertEquals(0, InternetChecksum.compute(HEADER, 0, 36));
        assertEquals(0, InternetChecksum.compute(HEADER_ADVSKEW_100, 0, 36));
        assertEquals(0, InternetChecksum.compute(HEADER_DEMOTE_1, 0, 36));
        assertEquals(0, InternetChecksum.compute(IPV4_HEADER, 0, 20));
    }

    @Test
    void shouldRejectDigestOfWrongLengthWhenEncoding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CarpCodec.encode(1, 0, 0, 1, COUNTER, new byte[19]));
        assertEquals("md: 19 bytes (expected: 20 bytes)", e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ decode

    private static CarpAdvertisement expected(int advskew, int demote, int checksum) {
        return new CarpAdvertisement(2, 1, 1, advskew, 7, demote, 1, checksum, COUNTER, MD);
    }

    @Test
    void shouldDecodeFullIpv4Datagram() {
        InboundPacket p = CarpCodec.decodeIpv4(ByteBuffer.wrap(IPV4_PACKET), true);

        assertFalse(p.isDropped(), p::toString);
        assertEquals(null, p.dropReason());
        assertEquals(1, p.vhid());
        assertEquals(IpFamily.IPV4, p.envelope().family());
        assertEquals(v4("192.168.1.10"), p.envelope().source());
        assertEquals(v4("224.0.0.18"), p.envelope().destination());
        assertEquals(255, p.envelope().ttl());
        assertEquals(expected(0, 0, 0x887b), p.advertisement());
        CarpAdvertisement a = p.advertisement();
        assertEquals(2, a.version());
        assertEquals(1, a.type());
        assertEquals(1, a.vhid());
        assertEquals(0, a.advskew());
        assertEquals(7, a.authlen());
        assertEquals(0, a.demote());
        assertEquals(1, a.advbase());
        assertEquals(0x887b, a.checksum());
        assertEquals(COUNTER, a.counter());
        assertArrayEquals(MD, a.md());
        assertEquals(256, a.intervalTicks());
        assertFalse(a.isBowOut());
        assertTrue(new CarpAuthenticator(KEY, 1, VIP).verify(a));
    }

    @Test
    void shouldDecodeIpv4DatagramAtNonZeroPositionWithoutMovingIt() {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.position(13);
        b.put(IPV4_PACKET);
        b.flip();
        b.position(13);
        InboundPacket p = CarpCodec.decodeIpv4(b, true);
        assertEquals(expected(0, 0, 0x887b), p.advertisement());
        assertEquals(13, b.position());
    }

    @Test
    void shouldDecodeIpv4DatagramFromDirectReadOnlyBuffer() {
        ByteBuffer b = ByteBuffer.allocateDirect(IPV4_PACKET.length).put(IPV4_PACKET).flip().asReadOnlyBuffer();
        assertEquals(expected(0, 0, 0x887b), CarpCodec.decodeIpv4(b, true).advertisement());
    }

    @Test
    void shouldDecodeAdvskew100AndDemote1Variants() {
        assertEquals(expected(100, 0, 0x247b),
                CarpCodec.decodeIpv4(ByteBuffer.wrap(concat(IPV4_HEADER, HEADER_ADVSKEW_100)), true).advertisement());
        assertEquals(expected(0, 1, 0x877b),
                CarpCodec.decodeIpv4(ByteBuffer.wrap(concat(IPV4_HEADER, HEADER_DEMOTE_1)), true).advertisement());
        // advskew and demote are not authenticated: the same md verifies.
        CarpAuthenticator auth = new CarpAuthenticator(KEY, 1, VIP);
        assertTrue(auth.verify(expected(100, 0, 0x247b)));
        assertTrue(auth.verify(expected(0, 1, 0x877b)));
    }

    @Test
    void shouldDecodeIpv6PacketWithFixedHeader() {
        InboundPacket p = CarpCodec.decodeIpv6(ByteBuffer.wrap(concat(IPV6_HEADER, HEADER)), true);

        assertFalse(p.isDropped(), p::toString);
        assertEquals(IpFamily.IPV6, p.envelope().family());
        assertEquals(v6("2001:db8::10"), p.envelope().source());
        assertEquals(v6("ff02::12"), p.envelope().destination());
        assertEquals(255, p.envelope().ttl());
        assertEquals(expected(0, 0, 0x887b), p.advertisement());
    }

    @Test
    void shouldDecodePayloadWithSeparateEnvelopeWithoutMovingPosition() {
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, v6("fe80::10"), v6("ff02::12"), 255);
        ByteBuffer b = ByteBuffer.allocate(60);
        b.position(5);
        b.put(HEADER);
        b.flip();
        b.position(5);

        InboundPacket p = CarpCodec.decode(envelope, b, true);

        assertFalse(p.isDropped(), p::toString);
        assertEquals(envelope, p.envelope());
        assertEquals(expected(0, 0, 0x887b), p.advertisement());
        assertEquals(5, b.position());
    }

    @Test
    void shouldRoundTripTestVectorThroughEncodeAndDecode() {
        byte[] header = CarpCodec.encode(1, 0, 0, 1, COUNTER, new CarpAuthenticator(KEY, 1, VIP).digest(COUNTER));
        byte[] packet = CarpCodec.encodeIpv4(v4("192.168.1.10"), v4("224.0.0.18"), 255, 0, header);
        InboundPacket p = CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), true);
        assertEquals(expected(0, 0, 0x887b), p.advertisement());
    }

    @Test
    void shouldRoundTripRandomFieldValuesThroughEveryDecodePath() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 2_000; i++) {
            int vhid = random.nextInt(256);
            int advskew = random.nextInt(256);
            int demote = random.nextInt(256);
            int advbase = random.nextInt(256);
            long counter = random.nextLong();
            byte[] md = new byte[20];
            random.nextBytes(md);
            byte[] header = CarpCodec.encode(vhid, advskew, demote, advbase, counter, md);
            int checksum = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            CarpAdvertisement want = new CarpAdvertisement(2, 1, vhid, advskew, 7, demote, advbase, checksum, counter,
                    md);

            byte[] v4packet = CarpCodec.encodeIpv4(v4("198.18.0.2"), v4("224.0.0.18"), 255, i, header);
            byte[] v6packet = CarpCodec.encodeIpv6(v6("2001:db8::2"), v6("ff02::12"), 255, header);
            IpEnvelope envelope = new IpEnvelope(IpFamily.IPV4, v4("198.18.0.2"), v4("224.0.0.18"), 255);
            String context = "case " + i + ": " + hex(header);
            assertEquals(want, CarpCodec.decodeIpv4(ByteBuffer.wrap(v4packet), true).advertisement(), context);
            assertEquals(want, CarpCodec.decodeIpv6(ByteBuffer.wrap(v6packet), true).advertisement(), context);
            assertEquals(want, CarpCodec.decode(envelope, ByteBuffer.wrap(header), true).advertisement(), context);
        }
    }

    @Test
    void shouldRecogniseBowOutAdvertisement() {
        byte[] header = CarpCodec.encode(1, 255, 0, 255, COUNTER, MD);
        CarpAdvertisement a = CarpCodec.decode(
                new IpEnvelope(IpFamily.IPV4, v4("198.18.0.2"), v4("224.0.0.18"), 255), ByteBuffer.wrap(header), true)
                .advertisement();
        assertNotNull(a);
        assertTrue(a.isBowOut());
        assertEquals(255 * 256 + 255, a.intervalTicks());
    }

    @Test
    void shouldCopyDigestInAndOutOfAdvertisement() {
        byte[] md = MD.clone();
        CarpAdvertisement a = new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER, md);
        md[0] = 0;
        a.md()[1] = 0;
        assertArrayEquals(MD, a.md());
    }

    @Test
    void shouldRejectAdvertisementWithDigestOfWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0, COUNTER, new byte[21]));
        assertEquals("md: 21 bytes (expected: 20 bytes)", e.getMessage());
    }
}
