package io.carp.internal.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * Wraps a CARP or VRRP message (both IP protocol 112) in the IP header a raw socket would deliver with it: IPv4
 * (RFC 791, 20 bytes, header checksum computed) or the fixed IPv6 header (RFC 8200, no extension headers). For tests,
 * the testkit's simulated wire and captures; the Linux runtime lets the kernel write the header.
 */
public final class IpPackets {
    private IpPackets() {
    }

    /**
     * An IPv4 datagram of protocol 112.
     *
     * @param tos          the type-of-service byte (CARP: low delay 0x10; VRRP as keepalived: 0xc0)
     * @param ttl          255 on a link
     * @param id           the identification field
     * @param dontFragment whether to set DF
     * @param payload      the CARP or VRRP bytes
     * @return header and payload
     */
    public static byte[] ipv4(Inet4Address source, Inet4Address destination, int tos, int ttl, int id,
                              boolean dontFragment, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(CarpConstants.IPV4_HEADER_LEN + payload.length);
        b.put((byte) 0x45);
        b.put((byte) tos);
        b.putShort((short) (CarpConstants.IPV4_HEADER_LEN + payload.length));
        b.putShort((short) id);
        b.putShort((short) (dontFragment ? 0x4000 : 0));
        b.put((byte) ttl);
        b.put((byte) CarpConstants.IPPROTO_CARP);
        b.putShort((short) 0);
        b.put(source.getAddress());
        b.put(destination.getAddress());
        b.putShort(10, (short) InternetChecksum.compute(b, 0, CarpConstants.IPV4_HEADER_LEN));
        b.put(payload);
        return b.array();
    }

    /**
     * An IPv6 packet of next header 112, traffic class 0, flow label 0.
     *
     * @param hopLimit 255 on a link
     * @param payload  the CARP or VRRP bytes
     * @return header and payload
     */
    public static byte[] ipv6(Inet6Address source, Inet6Address destination, int hopLimit, byte[] payload) {
        return ipv6(source, destination, 0, hopLimit, payload);
    }

    /**
     * An IPv6 packet of next header 112 with a traffic class, flow label 0.
     *
     * @param trafficClass 0-255 (CARP: 0; VRRP as keepalived: 0xc0)
     * @param hopLimit     255 on a link
     * @param payload      the CARP or VRRP bytes
     * @return header and payload
     */
    public static byte[] ipv6(Inet6Address source, Inet6Address destination, int trafficClass, int hopLimit,
                              byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(CarpConstants.IPV6_HEADER_LEN + payload.length);
        b.putInt(0x6000_0000 | (trafficClass & 0xff) << 20);
        b.putShort((short) payload.length);
        b.put((byte) CarpConstants.IPPROTO_CARP);
        b.put((byte) hopLimit);
        b.put(source.getAddress());
        b.put(destination.getAddress());
        b.put(payload);
        return b.array();
    }
}
