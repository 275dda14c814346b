package io.carp.netty.internal.linux;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * Builds the gratuitous ARP request that announces a virtual IPv4 address: an ARP request whose sender and target
 * protocol addresses are both the virtual address and whose sender hardware address is our MAC, broadcast to
 * {@code ff:ff:ff:ff:ff:ff} (RFC 5227 "ARP announcement"; what ucarp sends). Pure: no I/O.
 */
public final class GratuitousArp {
    /** Length of an Ethernet/IPv4 ARP packet without the Ethernet header. */
    public static final int ARP_LEN = 28;
    /** Length of the Ethernet header. */
    public static final int ETHERNET_HEADER_LEN = 14;
    /** EtherType of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** The Ethernet broadcast address. */
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private static final int HTYPE_ETHERNET = 1;
    private static final int PTYPE_IPV4 = 0x0800;
    private static final int OPER_REQUEST = 1;

    private GratuitousArp() {
    }

    /**
     * The ARP packet (what an {@code AF_PACKET}/{@code SOCK_DGRAM} socket sends; the kernel adds the Ethernet
     * header). The target hardware address is zero, as RFC 5227 recommends.
     *
     * @param senderMac our MAC, 6 bytes
     * @param address   the virtual address
     * @return 28 bytes
     */
    public static byte[] arpPacket(byte[] senderMac, Inet4Address address) {
        checkMac(senderMac);
        byte[] ip = address.getAddress();
        ByteBuffer b = ByteBuffer.allocate(ARP_LEN);
        b.putShort((short) HTYPE_ETHERNET).putShort((short) PTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) OPER_REQUEST);
        b.put(senderMac).put(ip); // sender hardware and protocol address
        b.put(new byte[6]).put(ip); // target hardware (unknown) and protocol address
        return b.array();
    }

    /**
     * The whole Ethernet frame (for an {@code AF_PACKET}/{@code SOCK_RAW} socket, or to compare with a capture),
     * without padding or FCS.
     *
     * @param senderMac our MAC, 6 bytes
     * @param address   the virtual address
     * @return 42 bytes
     */
    public static byte[] frame(byte[] senderMac, Inet4Address address) {
        ByteBuffer b = ByteBuffer.allocate(ETHERNET_HEADER_LEN + ARP_LEN);
        b.put(BROADCAST).put(senderMac).putShort((short) ETHERTYPE_ARP).put(arpPacket(senderMac, address));
        return b.array();
    }

    static void checkMac(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("MAC address: " + (mac == null ? "null" : mac.length + " bytes")
                    + " (expected: 6 bytes, an Ethernet interface)");
        }
    }
}
