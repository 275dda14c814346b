package io.carp.internal.protocol;

import static io.carp.internal.protocol.CarpCodecTest.COUNTER;
import static io.carp.internal.protocol.CarpCodecTest.KEY;
import static io.carp.internal.protocol.CarpCodecTest.MD;
import static io.carp.internal.protocol.TestPackets.hex;
import static io.carp.internal.protocol.TestPackets.v4;
import static io.carp.internal.protocol.TestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the HMAC-SHA1 as FreeBSD ({@code carp_hmac_prepare}, {@code carp_hmac_generate} in
 * sys/netinet/ip_carp.c) and ucarp (src/carp.c) compute it: every variant of the test vector (vhid 1, password
 * {@code testpass}, counter 0x0102030405060708), byte for byte.
 */
class CarpAuthenticatorTest {

    /** The HMAC message of the base vector: 15 bytes. */
    private static final byte[] MESSAGE = {
        0x02,                                                            // CARP_VERSION
        0x01,                                                            // CARP_ADVERTISEMENT
        0x01,                                                            // vhid 1
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x32,                            // IPv4 192.168.1.50
        0x01, 0x02, 0x03, 0x04,                                          // counter[0], as on the wire
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
    };

    /** Two IPv4 VIPs, given unsorted, hashed ascending. */
    private static final byte[] MESSAGE_TWO_V4 = {
        0x02,                                                            // CARP_VERSION
        0x01,                                                            // CARP_ADVERTISEMENT
        0x01,                                                            // vhid 1
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x32,                            // IPv4 192.168.1.50 (lower first)
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x33,                            // IPv4 192.168.1.51
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
    };

    /** IPv4 addresses first, then IPv6. */
    private static final byte[] MESSAGE_V4_V6 = {
        0x02,                                                            // CARP_VERSION
        0x01,                                                            // CARP_ADVERTISEMENT
        0x01,                                                            // vhid 1
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x32,                            // IPv4 192.168.1.50
        0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0,                       // IPv6 2001:db8::50, bytes 0-7
        0, 0, 0, 0, 0, 0, 0, 0x50,                                       // IPv6, bytes 8-15
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
    };

    private static final byte[] MESSAGE_V6 = {
        0x02,                                                            // CARP_VERSION
        0x01,                                                            // CARP_ADVERTISEMENT
        0x01,                                                            // vhid 1
        0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0,                       // IPv6 2001:db8::50, bytes 0-7
        0, 0, 0, 0, 0, 0, 0, 0x50,                                       // IPv6, bytes 8-15
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
    };

    /** FreeBSD with a link-local on the vhid (OpenBSD HMAC_ORIG): scope word zero, scope id not hashed. */
    private static final byte[] MESSAGE_V4_LINK_LOCAL = {
        0x02,                                                            // CARP_VERSION
        0x01,                                                            // CARP_ADVERTISEMENT
        0x01,                                                            // vhid 1
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x32,                            // IPv4 192.168.1.50
        (byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0,                      // IPv6 fe80::1, bytes 0-7 (scope word 0)
        0, 0, 0, 0, 0, 0, 0, 0x01,                                       // IPv6, bytes 8-15
        0x01, 0x02, 0x03, 0x04,                                          // counter[0]
        0x05, 0x06, 0x07, 0x08,                                          // counter[1]
    };

    // ------------------------------------------------------------------------------------------------ messages

    @Test
    void shouldBuildTestVectorMessageByteForByte() {
        assertArrayEquals(MESSAGE, CarpAuthenticator.message(1, List.of(v4("192.168.1.50")), COUNTER));
        assertEquals("020101c0a801320102030405060708", hex(MESSAGE));
    }

    @Test
    void shouldSortIpv4AddressesAscendingWhenGivenUnsorted() {
        assertArrayEquals(MESSAGE_TWO_V4,
                CarpAuthenticator.message(1, List.of(v4("192.168.1.51"), v4("192.168.1.50")), COUNTER));
    }

    @Test
    void shouldPutIpv4BeforeIpv6WhateverTheOrderGiven() {
        assertArrayEquals(MESSAGE_V4_V6,
                CarpAuthenticator.message(1, List.of(v6("2001:db8::50"), v4("192.168.1.50")), COUNTER));
    }

    @Test
    void shouldHashIpv6OnlyGroup() {
        assertArrayEquals(MESSAGE_V6, CarpAuthenticator.message(1, List.of(v6("2001:db8::50")), COUNTER));
    }

    @Test
    void shouldHashLinkLocalWithoutScopeId() {
        assertArrayEquals(MESSAGE_V4_LINK_LOCAL,
                CarpAuthenticator.message(1, List.of(v4("192.168.1.50"), v6("fe80::1%1")), COUNTER));
    }

    @Test
    void shouldSortIpv4AsUnsignedBytes() {
        // 10.0.0.1 < 192.168.1.50 unsigned; a signed comparison would put 192 (-64) first.
        byte[] m = CarpAuthenticator.message(1, List.of(v4("192.168.1.50"), v4("10.0.0.1")), 0);
        assertEquals("0201010a000001c0a801320000000000000000", hex(m));
    }

    // ------------------------------------------------------------------------------------------------ digests

    @Test
    void shouldComputeTestVectorDigest() {
        CarpAuthenticator auth = new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")));
        assertArrayEquals(MD, auth.digest(COUNTER));
        assertEquals("028facbc443af6473dca2ce38c3c78944914a406", hex(auth.digest(COUNTER)));
    }

    @Test
    void shouldComputeDigestOfTwoIpv4VipsGivenUnsorted() {
        assertDigest("5ba359a582188c201df7aa2a9b109e385b93c7d1",
                new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.51"), v4("192.168.1.50"))));
    }

    @Test
    void shouldComputeDigestOfIpv4PlusIpv6() {
        assertDigest("90b1d578273f02cd65280a998f8daf034c47e5cd",
                new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50"), v6("2001:db8::50"))));
    }

    @Test
    void shouldComputeDigestOfIpv6Only() {
        assertDigest("09f12a15413012246846f9a0a0d439f3670e31c3",
                new CarpAuthenticator(KEY, 1, List.of(v6("2001:db8::50"))));
    }

    @Test
    void shouldComputeDigestOfIpv4PlusLinkLocal() {
        assertDigest("9e30fe9cd1382c97afea2acc07a334111cdde4e0",
                new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50"), v6("fe80::1"))));
        assertDigest("9e30fe9cd1382c97afea2acc07a334111cdde4e0",
                new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50"), v6("fe80::1%2"))));
    }

    @Test
    void shouldHashLladdrAfterTypeByteAsOpenBsd() {
        byte[] lladdr = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};             // 02:00:00:00:00:01
        assertDigest("9fbb8746d42840709a5661b90bc765959c7ad05f",
                new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")), lladdr));
    }

    @Test
    void shouldComputeUsualDigestWhenLladdrIsNull() {
        assertArrayEquals(MD, new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")), null).digest(COUNTER));
    }

    @Test
    void shouldComputeDigestWithAllZeroKeyAsBsdWithoutPass() {
        assertDigest("9a8b6c401d3ddbc28b61147f4ed4607f5b3d98b1",
                new CarpAuthenticator(new byte[20], 1, List.of(v4("192.168.1.50"))));
    }

    @Test
    void shouldGiveSameDigestForKeyWithTrailingZeroPaddingAsKernelsDo() {
        byte[] padded = new byte[20];
        System.arraycopy(KEY, 0, padded, 0, KEY.length);
        assertArrayEquals(MD, new CarpAuthenticator(padded, 1, List.of(v4("192.168.1.50"))).digest(COUNTER));
    }

    @Test
    void shouldWriteDigestAtOffset() {
        byte[] out = new byte[30];
        new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50"))).digest(COUNTER, out, 7);
        byte[] md = new byte[20];
        System.arraycopy(out, 7, md, 0, 20);
        assertArrayEquals(MD, md);
        assertEquals(0, out[6]);
        assertEquals(0, out[27]);
    }

    @Test
    void shouldGiveSameDigestOnEveryCall() {
        CarpAuthenticator auth = new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(MD, auth.digest(COUNTER));
            auth.digest(i);
        }
    }

    /**
     * The digest is javax.crypto.Mac's HMAC-SHA1 of {@link CarpAuthenticator#message} for random keys (1-64 bytes),
     * address sets (inner input from 11 to 171 bytes, so the counter falls in the first, second or third block and the
     * padding takes one block or two), with and without an lladdr, and for several counters on one instance.
     */
    @Test
    void shouldAgreeWithJdkMacOverRandomKeysAddressSetsAndCounters() throws Exception {
        Random random = new Random(14);
        Mac mac = Mac.getInstance("HmacSHA1");
        for (int trial = 0; trial < 2000; trial++) {
            byte[] key = new byte[1 + random.nextInt(64)];
            random.nextBytes(key);
            int vhid = random.nextInt(256);
            List<InetAddress> addresses = randomAddresses(random, random.nextInt(8), random.nextInt(6));
            byte[] lladdr = random.nextInt(4) == 0 ? new byte[6] : null;
            if (lladdr != null) {
                random.nextBytes(lladdr);
            }
            CarpAuthenticator auth = new CarpAuthenticator(key, vhid, addresses, lladdr);
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            for (int call = 0; call < 3; call++) {
                long counter = random.nextLong();
                byte[] message = CarpAuthenticator.message(vhid, addresses, counter);
                if (lladdr != null) { // OpenBSD: lladdr after the type byte
                    message = ByteBuffer.allocate(message.length + 6).put(message, 0, 2).put(lladdr)
                            .put(message, 2, message.length - 2).array();
                }
                byte[] expected = mac.doFinal(message);
                assertArrayEquals(expected, auth.digest(counter), "trial " + trial + " call " + call);
                assertTrue(auth.verify(new CarpAdvertisement(2, 1, vhid, 0, 7, 0, 1, 0, counter, expected)));
            }
        }
    }

    private static List<InetAddress> randomAddresses(Random random, int v4, int v6) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < v4 + v6; i++) {
            byte[] raw = new byte[i < v4 ? 4 : 16];
            random.nextBytes(raw);
            addresses.add(InetAddress.getByAddress(raw));
        }
        return addresses;
    }

    // ------------------------------------------------------------------------------------------------ verify

    @Test
    void shouldVerifyTestVectorAndRejectOneFlippedBit() {
        CarpAuthenticator auth = new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")));
        assertTrue(auth.verify(new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER, MD)));
        for (int bit = 0; bit < 160; bit++) {
            byte[] md = MD.clone();
            md[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(auth.verify(new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER, md)), "bit " + bit);
        }
        assertFalse(auth.verify(new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER + 1, MD)));
    }

    @Test
    void shouldRejectAdvertOfOtherPasswordVhidOrAddressSet() {
        CarpAdvertisement a = new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER, MD);
        List<InetAddress> vip = List.of(v4("192.168.1.50"));
        assertFalse(new CarpAuthenticator("testpas".getBytes(), 1, vip).verify(a));
        assertFalse(new CarpAuthenticator(KEY, 2, vip).verify(a));
        assertFalse(new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50"), v4("192.168.1.51"))).verify(a));
        assertFalse(new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")), new byte[6]).verify(a));
    }

    // ------------------------------------------------------------------------------------------------ arguments

    @Test
    void shouldRejectEmptyKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CarpAuthenticator(new byte[0], 1, List.of(v4("192.168.1.50"))));
        assertEquals("key: 0 bytes (expected: 1-20 bytes)", e.getMessage());
    }

    @Test
    void shouldRejectLladdrOfWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")), new byte[5]));
        assertEquals("lladdr: 5 bytes (expected: 6 bytes)", e.getMessage());
    }

    @Test
    void shouldRejectTooSmallOutputAndStillGiveCorrectDigestAfterwards() {
        CarpAuthenticator auth = new CarpAuthenticator(KEY, 1, List.of(v4("192.168.1.50")));
        for (int[] bad : new int[][] {{19, 0}, {20, 1}, {30, 11}, {30, -1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> auth.digest(COUNTER, new byte[bad[0]], bad[1]));
            assertEquals("out: need 20 bytes at offset " + bad[1] + " of a " + bad[0] + "-byte array",
                    e.getMessage());
            assertArrayEquals(MD, auth.digest(COUNTER), "a failed call must not corrupt the next digest");
            assertTrue(auth.verify(new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0x887b, COUNTER, MD)));
        }
    }

    private static void assertDigest(String expectedHex, CarpAuthenticator auth) {
        assertEquals(expectedHex, hex(auth.digest(COUNTER)));
        byte[] md = TestPackets.hex(expectedHex);
        assertTrue(auth.verify(new CarpAdvertisement(2, 1, 1, 0, 7, 0, 1, 0, COUNTER, md)));
    }
}
