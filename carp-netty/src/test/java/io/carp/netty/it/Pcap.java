package io.carp.netty.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the Ethernet captures {@code tcpdump -w} writes (classic pcap, link type 1) down to the IP packets in them, and
 * writes such captures from IP packets (with made-up Ethernet headers) for tshark to dissect.
 */
final class Pcap {
    private static final int MAGIC = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86dd;

    private Pcap() {
    }

    /**
     * One IPv4 or IPv6 packet of a capture.
     *
     * @param frame       1-based frame number (tshark's {@code frame.number})
     * @param sourceMac   the Ethernet source, e.g. {@code 02:00:c6:12:3c:01}
     * @param ipv6        whether it is IPv6
     * @param ip          the IP packet, header included (trimmed to its total length for IPv4)
     * @param protocol    IPv4 protocol / IPv6 next header
     * @param hopLimit    TTL / hop limit
     * @param source      the IP source
     * @param destination the IP destination
     * @param payload     what follows the IP header
     */
    record Packet(int frame, String sourceMac, boolean ipv6, byte[] ip, int protocol, int hopLimit,
                  InetAddress source, InetAddress destination, byte[] payload) {
    }

    /** The IP packets of a pcap file, in order; other frames are skipped (but still counted in frame numbers). */
    static List<Packet> read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == Integer.reverseBytes(MAGIC)) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != MAGIC) {
            throw new IllegalArgumentException(file + ": not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        if (b.getInt(20) != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException(file + ": link type " + b.getInt(20) + " (expected: 1, Ethernet)");
        }
        List<Packet> packets = new ArrayList<>();
        int pos = 24;
        int frame = 0;
        while (pos + 16 <= all.length) {
            int captured = b.getInt(pos + 8);
            int start = pos + 16;
            pos = start + captured;
            frame++;
            if (pos > all.length || captured < 14) {
                break;
            }
            byte[] f = Arrays.copyOfRange(all, start, start + captured);
            int ethertype = ((f[12] & 0xff) << 8) | (f[13] & 0xff);
            String mac = mac(f, 6);
            byte[] ip = Arrays.copyOfRange(f, 14, f.length);
            if (ethertype == ETHERTYPE_IPV4 && ip.length >= 20) {
                int headerLength = (ip[0] & 0x0f) * 4;
                int total = Math.min(ip.length, ((ip[2] & 0xff) << 8) | (ip[3] & 0xff));
                ip = Arrays.copyOf(ip, total);
                packets.add(new Packet(frame, mac, false, ip, ip[9] & 0xff, ip[8] & 0xff,
                        address(ip, 12, 4), address(ip, 16, 4), Arrays.copyOfRange(ip, headerLength, total)));
            } else if (ethertype == ETHERTYPE_IPV6 && ip.length >= 40) {
                int total = Math.min(ip.length, 40 + (((ip[4] & 0xff) << 8) | (ip[5] & 0xff)));
                ip = Arrays.copyOf(ip, total);
                packets.add(new Packet(frame, mac, true, ip, ip[6] & 0xff, ip[7] & 0xff,
                        address(ip, 8, 16), address(ip, 24, 16), Arrays.copyOfRange(ip, 40, total)));
            }
        }
        return packets;
    }

    /**
     * Writes IP packets into a pcap file, each behind an Ethernet header from {@code 02:00:00:00:00:01} to the
     * multicast MAC of its destination.
     */
    static void write(Path file, List<byte[]> ipPackets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        header.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LINKTYPE_ETHERNET);
        out.writeBytes(header.array());
        int second = 1;
        for (byte[] ip : ipPackets) {
            boolean v6 = (ip[0] & 0xf0) == 0x60;
            byte[] eth = new byte[14];
            if (v6) {
                eth[0] = 0x33;
                eth[1] = 0x33;
                System.arraycopy(ip, 24 + 12, eth, 2, 4);
            } else {
                eth[0] = 0x01;
                eth[1] = 0x00;
                eth[2] = 0x5e;
                eth[3] = (byte) (ip[17] & 0x7f);
                eth[4] = ip[18];
                eth[5] = ip[19];
            }
            eth[6] = 0x02;
            eth[11] = 0x01;
            int type = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
            eth[12] = (byte) (type >> 8);
            eth[13] = (byte) type;
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
            int length = eth.length + ip.length;
            record.putInt(second++).putInt(0).putInt(length).putInt(length);
            out.writeBytes(record.array());
            out.writeBytes(eth);
            out.writeBytes(ip);
        }
        try {
            Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static String mac(byte[] f, int offset) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", f[offset + i] & 0xff));
        }
        return sb.toString();
    }

    private static InetAddress address(byte[] b, int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, offset, offset + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
