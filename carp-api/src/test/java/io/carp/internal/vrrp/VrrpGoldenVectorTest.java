package io.carp.internal.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads keepalived's captured advertisements byte by byte, with nothing but RFC 9568 section 5.1 / RFC 3768 section
 * 5.1 layouts, and checks them against tshark's reading of the fields: the vectors are consistent before any codec
 * uses them.
 */
class VrrpGoldenVectorTest {
    static Iterable<VrrpGoldenVector> vectors() {
        return VrrpGoldenVector.all();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldHoldTsharksFieldsAtTheRfcOffsets(VrrpGoldenVector v) throws Exception {
        byte[] m = v.vrrp();
        assertEquals(v.version(), (m[0] & 0xff) >> 4, "version");
        assertEquals(v.type(), m[0] & 0x0f, "type");
        assertEquals(v.vrid(), m[1] & 0xff, "vrid");
        assertEquals(v.priority(), m[2] & 0xff, "priority");
        assertEquals(v.count(), m[3] & 0xff, "count");
        assertEquals(v.addresses().size(), v.count(), "count");
        if (v.version() == 3) {
            assertEquals(0, (m[4] & 0xf0), "reserved bits");
            assertEquals(v.interval(), ((m[4] & 0x0f) << 8) | (m[5] & 0xff), "max advert int");
        } else {
            assertEquals(v.authType(), m[4] & 0xff, "auth type");
            assertEquals(v.interval(), m[5] & 0xff, "advert int");
        }
        assertEquals(v.checksum(), ((m[6] & 0xff) << 8) | (m[7] & 0xff), "checksum");
        int length = v.ipv6() ? 16 : 4;
        int pos = 8;
        for (InetAddress a : v.addresses()) {
            assertArrayEquals(a.getAddress(), Arrays.copyOfRange(m, pos, pos + length), "address");
            pos += length;
        }
        if (v.version() == 2) {
            byte[] auth = Arrays.copyOfRange(m, pos, pos + 8);
            pos += 8;
            byte[] expected = Arrays.copyOf(v.password() == null ? new byte[0]
                    : v.password().getBytes(StandardCharsets.US_ASCII), 8);
            assertArrayEquals(expected, auth, "authentication data");
        }
        assertEquals(pos, m.length, "nothing after the message");
        assertEquals(255, v.hopLimit());
        assertEquals(InetAddress.getByName(v.ipv6() ? "ff02::12" : "224.0.0.18"), v.destination());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldSumToAllOnesOverThePseudoHeaderForV3AndOverTheMessageForV2(VrrpGoldenVector v) {
        ByteArrayOutputStream covered = new ByteArrayOutputStream();
        if (v.version() == 3) {
            // RFC 9568 section 5.2.8: the IPv4 / IPv6 pseudo-header (RFC 8200 section 8.1) with next header 112
            covered.writeBytes(v.source().getAddress());
            covered.writeBytes(v.destination().getAddress());
            int len = v.vrrp().length;
            if (v.ipv6()) {
                covered.writeBytes(new byte[] {0, 0, (byte) (len >> 8), (byte) len, 0, 0, 0, 112});
            } else {
                covered.writeBytes(new byte[] {0, 112, (byte) (len >> 8), (byte) len});
            }
        }
        covered.writeBytes(v.vrrp());
        assertEquals(0xffff, onesComplementSum(covered.toByteArray()));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void shouldCarryTheMessageAsTheIpPayload(VrrpGoldenVector v) {
        byte[] ip = v.ip();
        int header = v.ipv6() ? 40 : (ip[0] & 0x0f) * 4;
        assertArrayEquals(v.vrrp(), Arrays.copyOfRange(ip, header, ip.length));
        assertEquals(112, ip[v.ipv6() ? 6 : 9] & 0xff, "protocol");
        assertArrayEquals(v.source().getAddress(), Arrays.copyOfRange(ip, v.ipv6() ? 8 : 12, v.ipv6() ? 24 : 16));
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    private static int onesComplementSum(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < b.length ? b[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
