package io.carp.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.carp.IpFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder's envelope cache: the same envelope for the same peer, never one of another peer, in any byte order. */
class CarpDecoderTest {
    private static final byte[] HEADER = CarpCodec.encode(1, 0, 0, 1, 42L, new byte[20]);

    @Test
    void shouldReuseEnvelopeOfSamePeerAndNeverGiveOneOfAnotherAddressTtlOrFamily() throws Exception {
        Random random = new Random(8);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            CarpDecoder decoder = new CarpDecoder();
            for (int trial = 0; trial < 2000; trial++) {
                boolean v6 = random.nextBoolean();
                byte[] source = new byte[v6 ? 16 : 4];
                byte[] destination = new byte[v6 ? 16 : 4];
                random.nextBytes(source);
                random.nextBytes(destination);
                if (random.nextBoolean()) { // few distinct peers, so that the cache hits; one byte apart at most
                    java.util.Arrays.fill(source, (byte) 0);
                    java.util.Arrays.fill(destination, (byte) 0);
                    source[random.nextInt(source.length)] = (byte) random.nextInt(3);
                }
                int ttl = 254 + random.nextInt(2);
                IpEnvelope first = decode(decoder, order, v6, source, destination, ttl);
                assertEnvelope(first, v6, source, destination, ttl);
                IpEnvelope again = decode(decoder, order, v6, source, destination, ttl);
                assertSame(first, again, "the same peer's next advert reuses its envelope");
            }
        }
    }

    @Test
    void shouldKeepEightPeersAndReplaceTheOldestForANinth() throws Exception {
        CarpDecoder decoder = new CarpDecoder();
        byte[] group = TestPackets.CARP_GROUP_V4.getAddress();
        IpEnvelope[] seen = new IpEnvelope[9];
        for (int i = 0; i < 9; i++) {
            seen[i] = decode(decoder, ByteOrder.BIG_ENDIAN, false, new byte[] {(byte) 198, 18, 0, (byte) i}, group,
                    255);
        }
        for (int i = 1; i < 9; i++) {
            assertSame(seen[i], decode(decoder, ByteOrder.BIG_ENDIAN, false,
                    new byte[] {(byte) 198, 18, 0, (byte) i}, group, 255), "peer " + i);
        }
        IpEnvelope oldest = decode(decoder, ByteOrder.BIG_ENDIAN, false, new byte[] {(byte) 198, 18, 0, 0}, group, 255);
        assertNotSame(seen[0], oldest, "the first peer's slot was taken by the ninth");
        assertEquals(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 0}), oldest.source());
    }

    private static IpEnvelope decode(CarpDecoder decoder, ByteOrder order, boolean v6, byte[] source,
                                     byte[] destination, int ttl) throws Exception {
        byte[] packet = v6
                ? CarpCodec.encodeIpv6((Inet6Address) InetAddress.getByAddress(source),
                        (Inet6Address) InetAddress.getByAddress(destination), ttl, HEADER)
                : CarpCodec.encodeIpv4((Inet4Address) InetAddress.getByAddress(source),
                        (Inet4Address) InetAddress.getByAddress(destination), ttl, 0, HEADER);
        ByteBuffer b = ByteBuffer.wrap(packet).order(order);
        if (v6) {
            decoder.decodeIpv6(b, false);
        } else {
            decoder.decodeIpv4(b, false);
        }
        assertNull(decoder.dropReason());
        return decoder.envelope();
    }

    private static void assertEnvelope(IpEnvelope e, boolean v6, byte[] source, byte[] destination, int ttl)
            throws Exception {
        assertEquals(v6 ? IpFamily.IPV6 : IpFamily.IPV4, e.family());
        assertEquals(InetAddress.getByAddress(source), e.source());
        assertEquals(InetAddress.getByAddress(destination), e.destination());
        assertEquals(ttl, e.ttl());
    }
}
