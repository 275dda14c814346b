package io.carp.netty.internal.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure encoder and decoder of the rtnetlink messages the transport uses: {@code RTM_NEWADDR}, {@code RTM_DELADDR},
 * {@code RTM_GETADDR}, {@code RTM_GETLINK}, {@code RTM_NEWLINK}/{@code RTM_DELLINK} of macvlan interfaces (virtual
 * MAC), their answers, acks and link events. No I/O; host byte order, as the
 * kernel expects.
 */
final class Netlink {
    static final int HEADER_LEN = 16;
    static final int IFADDRMSG_LEN = 8;
    static final int IFINFOMSG_LEN = 16;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_CREATE = 0x400;
    /** In an error message: the original request was cut to its header. */
    static final int NLM_F_CAPPED = 0x100;
    /** In an error message: extended-ack attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_CACHEINFO = 6;
    static final int IFA_FLAGS = 8;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINK = 5;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_IFALIAS = 20;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int IFLA_MACVLAN_MODE = 1;
    static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    /** {@code IN6_ADDR_GEN_MODE_NONE}: the kernel gives the interface no link-local address of its own. */
    static final int IN6_ADDR_GEN_MODE_NONE = 1;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLM_F_EXCL = 0x200;
    /** {@code MACVLAN_MODE_PRIVATE}: no traffic between macvlans of one parent (keepalived's use_vmac default). */
    static final int MACVLAN_MODE_PRIVATE = 1;
    /** {@code MACVLAN_MODE_BRIDGE}: macvlans of one parent reach each other directly. */
    static final int MACVLAN_MODE_BRIDGE = 4;

    private static final int NLA_TYPE_MASK = 0x3fff;

    private Netlink() {
    }

    /** One message out of a netlink datagram; {@code payload} covers the bytes after the 16-byte header. */
    record Message(int type, int flags, int seq, int pid, ByteBuffer payload) {
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /**
     * {@code RTM_NEWADDR} with {@code NLM_F_CREATE | NLM_F_REPLACE}: adds the address, or renews its lifetimes if it is
     * already there with the same prefix.
     *
     * @param seq             sequence number
     * @param ifindex         interface index
     * @param address         the address
     * @param prefixLength    the prefix length
     * @param lifetimeSeconds valid and preferred lifetime, or {@link AddressInfo#FOREVER}
     * @return the message
     */
    static byte[] newAddress(int seq, int ifindex, InetAddress address, int prefixLength, long lifetimeSeconds) {
        boolean v6 = !(address instanceof Inet4Address);
        int ifaFlags = v6 ? AddressInfo.IFA_F_NODAD : 0;
        byte[] raw = address.getAddress();
        int length = HEADER_LEN + IFADDRMSG_LEN + 2 * attrLen(raw.length) + attrLen(16) + attrLen(4);
        ByteBuffer b = header(length, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, seq);
        ifaddrmsg(b, v6, prefixLength, ifaFlags, ifindex);
        attr(b, IFA_LOCAL, raw);
        attr(b, IFA_ADDRESS, raw);
        ByteBuffer cacheinfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        cacheinfo.putInt(0, (int) lifetimeSeconds).putInt(4, (int) lifetimeSeconds); // ifa_prefered, ifa_valid
        attr(b, IFA_CACHEINFO, cacheinfo.array());
        attr(b, IFA_FLAGS, NativeSocket.intBytes(ifaFlags));
        return b.array();
    }

    /**
     * {@code RTM_DELADDR} of one address.
     *
     * @param seq          sequence number
     * @param ifindex      interface index
     * @param address      the address
     * @param prefixLength its prefix length (IPv4 matches on it)
     * @return the message
     */
    static byte[] deleteAddress(int seq, int ifindex, InetAddress address, int prefixLength) {
        boolean v6 = !(address instanceof Inet4Address);
        byte[] raw = address.getAddress();
        int length = HEADER_LEN + IFADDRMSG_LEN + 2 * attrLen(raw.length);
        ByteBuffer b = header(length, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifaddrmsg(b, v6, prefixLength, 0, ifindex);
        attr(b, IFA_LOCAL, raw);
        attr(b, IFA_ADDRESS, raw);
        return b.array();
    }

    /**
     * {@code RTM_GETADDR} dump of every address of a family.
     *
     * @param seq    sequence number
     * @param family {@code AF_INET}, {@code AF_INET6}, or 0 for both
     * @return the message
     */
    static byte[] dumpAddresses(int seq, int family) {
        ByteBuffer b = header(HEADER_LEN + IFADDRMSG_LEN, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
        b.put(HEADER_LEN, (byte) family);
        return b.array();
    }

    /**
     * {@code RTM_GETLINK} of one interface by name.
     *
     * @param seq  sequence number
     * @param name the interface name
     * @return the message
     */
    static byte[] getLink(int seq, String name) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = header(HEADER_LEN + IFINFOMSG_LEN + attrLen(nameBytes.length), RTM_GETLINK, NLM_F_REQUEST, seq);
        b.position(HEADER_LEN + IFINFOMSG_LEN);
        attr(b, IFLA_IFNAME, nameBytes);
        return b.array();
    }

    /**
     * {@code RTM_GETLINK} of one interface by index.
     *
     * @param seq     sequence number
     * @param ifindex the interface index
     * @return the message
     */
    static byte[] getLink(int seq, int ifindex) {
        ByteBuffer b = header(HEADER_LEN + IFINFOMSG_LEN, RTM_GETLINK, NLM_F_REQUEST, seq);
        b.putInt(HEADER_LEN + 4, ifindex);
        return b.array();
    }

    /**
     * {@code RTM_NEWLINK} creating a macvlan interface ({@code NLM_F_CREATE | NLM_F_EXCL}), down, as keepalived's
     * {@code use_vmac} does ({@code vrrp_vmac.c}: kind "macvlan", {@code IFLA_MACVLAN_MODE}, {@code IFLA_LINK} the
     * parent, {@code IFLA_ADDRESS} the virtual MAC).
     *
     * @param seq           sequence number
     * @param name          the new interface's name (at most 15 bytes)
     * @param parentIfindex the parent interface
     * @param mac           6 bytes
     * @param mode          {@link #MACVLAN_MODE_PRIVATE} or {@link #MACVLAN_MODE_BRIDGE}
     * @return the message
     */
    static byte[] newMacvlan(int seq, String name, int parentIfindex, byte[] mac, int mode) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] kind = "macvlan".getBytes(StandardCharsets.US_ASCII);
        int infoData = attrLen(4);
        int linkInfo = attrLen(kind.length) + 4 + infoData;
        int length = HEADER_LEN + IFINFOMSG_LEN + attrLen(nameBytes.length) + attrLen(4) + attrLen(mac.length)
                + 4 + linkInfo;
        ByteBuffer b = header(length, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        b.position(HEADER_LEN + IFINFOMSG_LEN);
        attr(b, IFLA_IFNAME, nameBytes);
        attr(b, IFLA_LINK, NativeSocket.intBytes(parentIfindex));
        attr(b, IFLA_ADDRESS, mac);
        b.putShort((short) (4 + linkInfo)).putShort((short) (IFLA_LINKINFO | NLA_F_NESTED));
        attr(b, IFLA_INFO_KIND, kind);
        b.putShort((short) (4 + infoData)).putShort((short) (IFLA_INFO_DATA | NLA_F_NESTED));
        attr(b, IFLA_MACVLAN_MODE, NativeSocket.intBytes(mode));
        return b.array();
    }

    /**
     * {@code RTM_NEWLINK} on an existing interface setting its alias ({@code IFLA_IFALIAS}) and optionally
     * {@code IFLA_INET6_ADDR_GEN_MODE} none, so that it gets no IPv6 link-local address when it comes up. The kernel
     * ignores both in the request that creates a link (keepalived's {@code vrrp_vmac.c} says so for the latter),
     * hence a second request while the link is still down.
     *
     * @param seq         sequence number
     * @param ifindex     the interface
     * @param alias       the alias text
     * @param noLinkLocal whether to set the address generation mode to none
     * @return the message
     */
    static byte[] configureLink(int seq, int ifindex, String alias, boolean noLinkLocal) {
        byte[] aliasBytes = alias.getBytes(StandardCharsets.UTF_8);
        int inet6 = 4 + attrLen(1);
        int afSpec = 4 + inet6;
        ByteBuffer b = header(HEADER_LEN + IFINFOMSG_LEN + attrLen(aliasBytes.length) + (noLinkLocal ? afSpec : 0),
                RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        b.putInt(HEADER_LEN + 4, ifindex);
        b.position(HEADER_LEN + IFINFOMSG_LEN);
        attr(b, IFLA_IFALIAS, aliasBytes);
        if (noLinkLocal) {
            b.putShort((short) afSpec).putShort((short) (IFLA_AF_SPEC | NLA_F_NESTED));
            b.putShort((short) inet6).putShort((short) (Linux.AF_INET6 | NLA_F_NESTED));
            attr(b, IFLA_INET6_ADDR_GEN_MODE, new byte[] {(byte) IN6_ADDR_GEN_MODE_NONE});
        }
        return b.array();
    }

    /**
     * {@code RTM_NEWLINK} setting an interface up or down ({@code ifi_change = IFF_UP}).
     *
     * @param seq     sequence number
     * @param ifindex the interface
     * @param up      up or down
     * @return the message
     */
    static byte[] setLinkUp(int seq, int ifindex, boolean up) {
        ByteBuffer b = header(HEADER_LEN + IFINFOMSG_LEN, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        b.putInt(HEADER_LEN + 4, ifindex);
        b.putInt(HEADER_LEN + 8, up ? LinkInfo.IFF_UP : 0);
        b.putInt(HEADER_LEN + 12, LinkInfo.IFF_UP);
        return b.array();
    }

    /**
     * {@code RTM_DELLINK} of one interface.
     *
     * @param seq     sequence number
     * @param ifindex the interface
     * @return the message
     */
    static byte[] deleteLink(int seq, int ifindex) {
        ByteBuffer b = header(HEADER_LEN + IFINFOMSG_LEN, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        b.putInt(HEADER_LEN + 4, ifindex);
        return b.array();
    }

    /**
     * {@code RTM_GETLINK} dump of every interface.
     *
     * @param seq sequence number
     * @return the message
     */
    static byte[] dumpLinks(int seq) {
        return header(HEADER_LEN + IFINFOMSG_LEN, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq).array();
    }

    /**
     * The details of an interface the virtual MAC code needs: its parent, kind and alias.
     *
     * @param message an {@code RTM_NEWLINK} message
     * @return the details, or {@code null} if malformed
     */
    static LinkDetails linkDetails(Message message) {
        LinkInfo link = link(message);
        if (link == null) {
            return null;
        }
        int[] parent = {0};
        String[] alias = {null};
        String[] kind = {null};
        int[] mode = {-1};
        forEachAttribute(message.payload(), IFINFOMSG_LEN, (type, value) -> {
            switch (type) {
                case IFLA_LINK -> parent[0] = value.remaining() >= 4 ? value.getInt(0) : 0;
                case IFLA_IFALIAS -> alias[0] = cString(value);
                case IFLA_LINKINFO -> forEachAttribute(value, 0, (infoType, info) -> {
                    if (infoType == IFLA_INFO_KIND) {
                        kind[0] = cString(info);
                    } else if (infoType == IFLA_INFO_DATA) {
                        forEachAttribute(info, 0, (dataType, data) -> {
                            if (dataType == IFLA_MACVLAN_MODE && data.remaining() >= 4) {
                                mode[0] = data.getInt(0);
                            }
                        });
                    }
                });
                default -> {
                }
            }
        });
        return new LinkDetails(link, parent[0], kind[0], mode[0], alias[0]);
    }

    private static ByteBuffer header(int length, int type, int flags, int seq) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        return b;
    }

    private static void ifaddrmsg(ByteBuffer b, boolean v6, int prefixLength, int flags, int ifindex) {
        b.put((byte) (v6 ? Linux.AF_INET6 : Linux.AF_INET)).put((byte) prefixLength).put((byte) flags)
                .put((byte) 0).putInt(ifindex);
    }

    private static int attrLen(int dataLength) {
        return align(4 + dataLength);
    }

    private static void attr(ByteBuffer b, int type, byte[] data) {
        int start = b.position();
        b.putShort((short) (4 + data.length)).putShort((short) type).put(data);
        b.position(start + attrLen(data.length));
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Splits a datagram into messages. Stops at the first malformed header.
     *
     * @param datagram the bytes received, from position to limit
     * @return the messages, each with a payload slice in host order
     */
    static List<Message> messages(ByteBuffer datagram) {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<Message> out = new ArrayList<>();
        int p = 0;
        while (p + HEADER_LEN <= b.limit()) {
            int length = b.getInt(p);
            if (length < HEADER_LEN || p + length > b.limit()) {
                break;
            }
            ByteBuffer payload = b.slice(p + HEADER_LEN, length - HEADER_LEN).order(ByteOrder.nativeOrder());
            out.add(new Message(b.getShort(p + 4) & 0xffff, b.getShort(p + 6) & 0xffff, b.getInt(p + 8),
                    b.getInt(p + 12), payload));
            p += align(length);
        }
        return out;
    }

    /**
     * The error code of an {@code NLMSG_ERROR} message: 0 for an ack, a negative errno for a failure.
     *
     * @param error an {@code NLMSG_ERROR} message
     * @return the code
     */
    static int errorCode(Message error) {
        return error.payload().remaining() >= 4 ? error.payload().getInt(0) : -Errno.EINVAL;
    }

    /**
     * The kernel's extended-ack text ({@code NLMSGERR_ATTR_MSG}) of an error, if any.
     *
     * @param error an {@code NLMSG_ERROR} message
     * @return the text, or {@code null}
     */
    static String errorText(Message error) {
        if ((error.flags() & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        ByteBuffer p = error.payload();
        if (p.limit() < 4 + HEADER_LEN) {
            return null;
        }
        int originalLength = (error.flags() & NLM_F_CAPPED) != 0 ? HEADER_LEN : p.getInt(4);
        int start = 4 + align(originalLength);
        if (start > p.limit()) {
            return null;
        }
        ByteBuffer[] text = new ByteBuffer[1];
        forEachAttribute(p, start, (type, value) -> {
            if (type == NLMSGERR_ATTR_MSG) {
                text[0] = value;
            }
        });
        return text[0] == null ? null : cString(text[0]);
    }

    /**
     * Decodes an {@code RTM_NEWADDR} / {@code RTM_DELADDR} payload.
     *
     * @param message the message
     * @return the address, or {@code null} if the payload is malformed or has no address
     */
    static AddressInfo address(Message message) {
        ByteBuffer p = message.payload();
        if (p.limit() < IFADDRMSG_LEN) {
            return null;
        }
        int prefixLength = p.get(1) & 0xff;
        int[] flags = {p.get(2) & 0xff};
        int ifindex = p.getInt(4);
        byte[][] local = new byte[1][];
        byte[][] address = new byte[1][];
        long[] lifetimes = {AddressInfo.FOREVER, AddressInfo.FOREVER};
        forEachAttribute(p, IFADDRMSG_LEN, (type, value) -> {
            switch (type) {
                case IFA_LOCAL -> local[0] = bytes(value);
                case IFA_ADDRESS -> address[0] = bytes(value);
                case IFA_FLAGS -> {
                    if (value.remaining() >= 4) {
                        flags[0] = value.getInt(0);
                    }
                }
                case IFA_CACHEINFO -> {
                    if (value.remaining() >= 8) {
                        lifetimes[1] = value.getInt(0) & 0xFFFF_FFFFL; // ifa_prefered
                        lifetimes[0] = value.getInt(4) & 0xFFFF_FFFFL; // ifa_valid
                    }
                }
                default -> {
                }
            }
        });
        byte[] raw = local[0] != null ? local[0] : address[0];
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return null;
        }
        return new AddressInfo(ifindex, SocketAddresses.address(raw), prefixLength, flags[0], lifetimes[0],
                lifetimes[1]);
    }

    /**
     * Decodes an {@code RTM_NEWLINK} / {@code RTM_DELLINK} payload.
     *
     * @param message the message
     * @return the link, or {@code null} if the payload is malformed
     */
    static LinkInfo link(Message message) {
        ByteBuffer p = message.payload();
        if (p.limit() < IFINFOMSG_LEN) {
            return null;
        }
        int ifindex = p.getInt(4);
        int flags = p.getInt(8);
        String[] name = new String[1];
        int[] operState = {-1};
        byte[][] mac = {new byte[0]};
        forEachAttribute(p, IFINFOMSG_LEN, (type, value) -> {
            switch (type) {
                case IFLA_IFNAME -> name[0] = cString(value);
                case IFLA_OPERSTATE -> operState[0] = value.remaining() >= 1 ? value.get(0) & 0xff : -1;
                case IFLA_ADDRESS -> mac[0] = bytes(value);
                default -> {
                }
            }
        });
        return new LinkInfo(ifindex, name[0], flags, operState[0], mac[0], message.type() == RTM_DELLINK);
    }

    @FunctionalInterface
    interface AttributeVisitor {
        void visit(int type, ByteBuffer value);
    }

    static void forEachAttribute(ByteBuffer payload, int offset, AttributeVisitor visitor) {
        int p = offset;
        while (p + 4 <= payload.limit()) {
            int length = payload.getShort(p) & 0xffff;
            if (length < 4 || p + length > payload.limit()) {
                return;
            }
            int type = payload.getShort(p + 2) & NLA_TYPE_MASK;
            visitor.visit(type, payload.slice(p + 4, length - 4).order(ByteOrder.nativeOrder()));
            p += align(length);
        }
    }

    private static byte[] bytes(ByteBuffer value) {
        byte[] out = new byte[value.remaining()];
        value.get(0, out);
        return out;
    }

    private static String cString(ByteBuffer value) {
        byte[] raw = bytes(value);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }
}
