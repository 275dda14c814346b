package io.carp.internal.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds packets for tests: authentic adverts, hand-made IPv4 datagrams (options, odd IHL), VRRPv2 and VRRPv3 adverts.
 * Public so that the tests of {@code io.carp} and {@code io.carp.spi} can use it too.
 */
public final class TestPackets {
    /** 224.0.0.18. */
    public static final Inet4Address CARP_GROUP_V4 = v4("224.0.0.18");
    /** ff02::12. */
    public static final Inet6Address CARP_GROUP_V6 = v6("ff02::12");

    private TestPackets() {
    }

    /** Hex to bytes; spaces are ignored. */
    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** Bytes to lower-case hex. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** An IPv4 address literal (no DNS: literals only). */
    public static Inet4Address v4(String literal) {
        return (Inet4Address) literal(literal);
    }

    /** An IPv6 address literal. */
    public static Inet6Address v6(String literal) {
        return (Inet6Address) literal(literal);
    }

    private static InetAddress literal(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The 36 bytes of an authentic advert. */
    public static byte[] carpHeader(byte[] key, int vhid, Collection<? extends InetAddress> addresses, int advbase,
                                    int advskew, int demote, long counter) {
        byte[] md = new CarpAuthenticator(key, vhid, addresses).digest(counter);
        return CarpCodec.encode(vhid, advskew, demote, advbase, counter, md);
    }

    /** An authentic advert in an IPv4 datagram to 224.0.0.18 with TTL 255. */
    public static byte[] ipv4Advert(Inet4Address source, byte[] key, int vhid, List<? extends InetAddress> addresses,
                                    int advbase, int advskew, int demote, long counter) {
        return CarpCodec.encodeIpv4(source, CARP_GROUP_V4, 255, 0,
                carpHeader(key, vhid, addresses, advbase, advskew, demote, counter));
    }

    /**
     * An IPv4 datagram built by hand: IHL taken from {@code options} (whose length must be a multiple of 4), header
     * checksum computed.
     */
    public static byte[] ipv4(Inet4Address source, Inet4Address destination, int ttl, int protocol, byte[] options,
                              byte[] payload) {
        int ihl = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(ihl + payload.length);
        b.put((byte) (0x40 | (ihl / 4)));
        b.put((byte) 0x10);
        b.putShort((short) (ihl + payload.length));
        b.putShort((short) 0);
        b.putShort((short) 0x4000);
        b.put((byte) ttl);
        b.put((byte) protocol);
        b.putShort((short) 0);
        b.put(source.getAddress());
        b.put(destination.getAddress());
        b.put(options);
        b.putShort(10, (short) InternetChecksum.compute(b, 0, ihl));
        b.put(payload);
        return b.array();
    }

    /** Recomputes the CARP checksum of the 36 bytes at {@code offset}. */
    public static void fixCarpChecksum(byte[] packet, int offset) {
        packet[offset + 6] = 0;
        packet[offset + 7] = 0;
        int sum = InternetChecksum.compute(packet, offset, 36);
        packet[offset + 6] = (byte) (sum >>> 8);
        packet[offset + 7] = (byte) sum;
    }

    /** Recomputes the IPv4 header checksum of a datagram whose header starts at 0. */
    public static void fixIpv4Checksum(byte[] packet) {
        int ihl = (packet[0] & 0x0f) * 4;
        packet[10] = 0;
        packet[11] = 0;
        int sum = InternetChecksum.compute(packet, 0, ihl);
        packet[10] = (byte) (sum >>> 8);
        packet[11] = (byte) sum;
    }

    /**
     * A VRRPv2 advertisement (RFC 3768 §5.1): version 2 type 1 (the same 0x21 as CARP), VRID, priority, address count,
     * auth type, advertisement interval, checksum over the whole VRRP message, the addresses, 8 bytes of auth data.
     */
    public static byte[] vrrpv2(int vrid, int priority, int authType, List<Inet4Address> addresses) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * addresses.size() + 8);
        b.put((byte) 0x21).put((byte) vrid).put((byte) priority).put((byte) addresses.size());
        b.put((byte) authType).put((byte) 1).putShort((short) 0);
        addresses.forEach(a -> b.put(a.getAddress()));
        b.put(new byte[] {'s', 'e', 'c', 'r', 'e', 't', 0, 0});
        b.putShort(6, (short) InternetChecksum.compute(b, 0, b.capacity()));
        return b.array();
    }

    /**
     * A VRRPv3 advertisement (RFC 5798 §5.1): version 3 type 1 (0x31), VRID, priority, count, 4 reserved bits and a
     * 12-bit interval in centiseconds, checksum, addresses. The checksum is left 0 (its pseudo-header does not matter
     * here: the version nibble alone makes it foreign).
     */
    public static byte[] vrrpv3(int vrid, int priority, List<Inet4Address> addresses) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * addresses.size());
        b.put((byte) 0x31).put((byte) vrid).put((byte) priority).put((byte) addresses.size());
        b.putShort((short) 100).putShort((short) 0);
        addresses.forEach(a -> b.put(a.getAddress()));
        return b.array();
    }
}
