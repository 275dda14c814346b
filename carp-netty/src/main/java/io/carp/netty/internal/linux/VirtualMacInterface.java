package io.carp.netty.internal.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A macvlan interface carrying a group's virtual MAC, created and removed by the runtime, as keepalived's
 * {@code use_vmac} does ({@code keepalived/vrrp/vrrp_vmac.c}, {@code vrrp_if_config.c}):
 * <ul>
 *   <li>the MAC is the RFC's {@code 00:00:5e:00:01:{vrid}} for VRRP over IPv4, {@code 00:00:5e:00:02:{vrid}} for
 *   VRRP over IPv6 (RFC 9568 section 7.3), and BSD CARP's {@code 00:00:5e:00:01:{vhid}} (FreeBSD {@code ip_carp.c},
 *   {@code carp_set_state}: the same IANA block);</li>
 *   <li>macvlan mode private (bridge optional), created down, with no IPv6 link-local address of its own (every node
 *   would derive the same one from the shared MAC); for IPv6 the parent's link-local address is added to it, so the
 *   adverts it sends keep the node's own source address;</li>
 *   <li>sysctls on the macvlan: {@code arp_ignore=1} (answer ARP only for its own addresses), and for IPv4
 *   {@code accept_local=1} (hear the other node's adverts for addresses it holds itself), {@code rp_filter=0} (receive
 *   on an interface whose subnet route points at the parent) and {@code promote_secondaries=1}; on the parent (IPv4)
 *   {@code arp_ignore=1} and {@code arp_filter=1}, so that the parent does not answer ARP for the virtual address with
 *   its own MAC, and {@code arp_announce=2}, so that the ARP requests it sends (for replies to clients, which leave
 *   through the parent's route) carry its own address, not the virtual one, which would point the clients' neighbour
 *   entry for the virtual address at the parent's MAC. keepalived also lowers {@code net.ipv4.conf.all.rp_filter} to 0; this class does not touch
 *   {@code all}: with a strict {@code all.rp_filter} set it by hand;</li>
 *   <li>for IPv6 (keepalived's {@code vmac_sysctl_6} in {@code vrrp_if_config.c} and {@code link_set_ipv6}):
 *   {@code arp_ignore=1} and {@code disable_ipv6=0} on the macvlan and nothing on the parent (a Linux host answers a
 *   neighbour solicitation only for addresses on the interface it arrived on, so the parent does not answer for the
 *   virtual address); the addresses go on without duplicate address detection. Every sysctl of the macvlan goes away
 *   with it.</li>
 * </ul>
 *
 * <p>The parent's previous sysctl values are written into the macvlan's alias ({@code IFLA_IFALIAS}, starting with
 * {@value #ALIAS_PREFIX}), so that {@link #create} can restore them and remove the interface when a previous run
 * crashed and left it behind. {@link #close()} restores them (unless another macvlan of ours still uses the parent) and
 * deletes the interface.
 *
 * <p>Not thread-safe. Call every method from a thread inside the interface's network namespace: the sysctl files under
 * {@code /proc/sys/net} belong to the namespace of the thread that opens them.
 */
public final class VirtualMacInterface implements AutoCloseable {
    /** Every alias of an interface this class creates starts with this. */
    public static final String ALIAS_PREFIX = "carp4j-vmac";
    private static final Pattern SAVED = Pattern.compile("(arp_ignore|arp_filter|arp_announce)=(\\d+)");
    private static final Path PROC = Path.of("/proc/sys/net");

    private final RtNetlink netlink;
    private final String name;
    private final int ifindex;
    private final String parentName;
    private final int parentIfindex;
    private final byte[] mac;
    private final Map<String, Integer> savedParent;
    private volatile Inet6Address ipv6Source;
    private boolean closed;

    private VirtualMacInterface(RtNetlink netlink, String name, int ifindex, String parentName, int parentIfindex,
                                byte[] mac, Map<String, Integer> savedParent) {
        this.netlink = netlink;
        this.name = name;
        this.ifindex = ifindex;
        this.parentName = parentName;
        this.parentIfindex = parentIfindex;
        this.mac = mac.clone();
        this.savedParent = savedParent;
    }

    /**
     * The virtual MAC of a VRRP router (RFC 9568 section 7.3).
     *
     * @param vrid 1-255
     * @param ipv6 whether the router is IPv6 ({@code 00:00:5e:00:02:XX}) or IPv4 ({@code 00:00:5e:00:01:XX})
     * @return 6 bytes
     */
    public static byte[] vrrpMac(int vrid, boolean ipv6) {
        checkId("vrid", vrid);
        return new byte[] {0, 0, 0x5e, 0, (byte) (ipv6 ? 2 : 1), (byte) vrid};
    }

    /**
     * The virtual MAC of a CARP group: FreeBSD uses {@code 00:00:5e:00:01:{vhid}} for both families.
     *
     * @param vhid 1-255
     * @return 6 bytes
     */
    public static byte[] carpMac(int vhid) {
        checkId("vhid", vhid);
        return new byte[] {0, 0, 0x5e, 0, 1, (byte) vhid};
    }

    /**
     * The interface name for a group: {@code c4j-vrrp4-61}, {@code c4j-vrrp6-61}, {@code c4j-carp-61} (at most 15
     * bytes, the kernel's limit).
     *
     * @param vrrp whether the group speaks VRRP
     * @param id   the VRID or VHID
     * @param ipv6 whether it is an IPv6 group
     * @return the name
     */
    public static String interfaceName(boolean vrrp, int id, boolean ipv6) {
        checkId("id", id);
        return vrrp ? "c4j-vrrp" + (ipv6 ? "6" : "4") + "-" + id : "c4j-carp" + (ipv6 ? "6" : "") + "-" + id;
    }

    /**
     * Creates the macvlan interface, sets the sysctls and brings it up. An interface of that name left behind by a
     * previous run of carp4j (its alias starts with {@value #ALIAS_PREFIX}) is cleaned up first.
     *
     * @param netlink    an rtnetlink socket of the namespace
     * @param parentName the interface the group runs on
     * @param name       the macvlan's name ({@link #interfaceName})
     * @param mac        the virtual MAC
     * @param ipv6       whether the group is IPv6 (copy the parent's link-local address; no IPv4 sysctls)
     * @param bridgeMode macvlan mode bridge instead of private
     * @return the interface, up
     * @throws IllegalStateException if an interface of that name exists and was not made by carp4j, or the parent has
     *                               no link-local address for an IPv6 group
     * @throws NativeException       if the kernel refuses
     */
    public static VirtualMacInterface create(RtNetlink netlink, String parentName, String name, byte[] mac,
                                             boolean ipv6, boolean bridgeMode) {
        return create(netlink, parentName, name, mac, !ipv6, ipv6, null, bridgeMode);
    }

    /**
     * Creates the macvlan interface for a group of one or both families (a CARP group may hold IPv4 and IPv6
     * addresses), sets the sysctls and brings it up; see {@link #create(RtNetlink, String, String, byte[], boolean,
     * boolean)}. For IPv6, as keepalived's {@code netlink_link_add_vmac} and {@code set_link_local_address}
     * ({@code vrrp_vmac.c}) do: IPv6 on ({@code disable_ipv6=0}), no address of its own
     * ({@code IFLA_INET6_ADDR_GEN_MODE} none), and the source address of the adverts added to it (the group's
     * configured IPv6 source, else the parent's link-local address; RFC 9568 section 5.1.2.1: the source of an IPv6
     * advert is the link-local address of the interface), without duplicate address detection (the parent holds the
     * same address), so that the adverts can leave through the macvlan from the node's own address.
     *
     * @param netlink    an rtnetlink socket of the namespace
     * @param parentName the interface the group runs on
     * @param name       the macvlan's name ({@link #interfaceName})
     * @param mac        the virtual MAC
     * @param ipv4       whether the group has IPv4 addresses (the IPv4 sysctls on the macvlan and the parent)
     * @param ipv6       whether the group has IPv6 addresses
     * @param ipv6Source the IPv6 source to copy, or {@code null} for the parent's link-local address
     * @param bridgeMode macvlan mode bridge instead of private
     * @return the interface, up
     * @throws IllegalStateException if an interface of that name exists and was not made by carp4j, or an IPv6 group's
     *                               parent has no link-local address
     * @throws NativeException       if the kernel refuses
     */
    public static VirtualMacInterface create(RtNetlink netlink, String parentName, String name, byte[] mac,
                                             boolean ipv4, boolean ipv6, InetAddress ipv6Source,
                                             boolean bridgeMode) {
        LinkInfo parent = netlink.link(parentName);
        if (parent == null) {
            throw new IllegalStateException("interface " + parentName + " does not exist");
        }
        removeStale(netlink, name);
        Map<String, Integer> saved = new LinkedHashMap<>();
        if (ipv4) {
            saved.put("arp_ignore", readSysctl("ipv4", parentName, "arp_ignore"));
            saved.put("arp_filter", readSysctl("ipv4", parentName, "arp_filter"));
            saved.put("arp_announce", readSysctl("ipv4", parentName, "arp_announce"));
        }
        // the parent's values before any macvlan of ours touched it: another one may have changed them already
        for (LinkDetails other : ours(netlink, parent.ifindex())) {
            saved.putAll(savedValues(other.alias()));
        }
        StringBuilder alias = new StringBuilder(ALIAS_PREFIX).append(" parent=").append(parentName);
        saved.forEach((k, v) -> alias.append(' ').append(k).append('=').append(v));
        LinkInfo created = netlink.createMacvlan(name, parent.ifindex(), mac, bridgeMode, alias.toString(), true);
        VirtualMacInterface vmac = new VirtualMacInterface(netlink, name, created.ifindex(), parentName,
                parent.ifindex(), mac, saved);
        try {
            writeSysctl("ipv4", name, "arp_ignore", 1);
            if (ipv6) {
                InetAddress source = ipv6Source instanceof Inet6Address ? ipv6Source
                        : parentLinkLocal(netlink, parent.ifindex(), parentName);
                writeSysctl("ipv6", name, "disable_ipv6", 0);
                // the prefix keepalived gives it; a global source gets a host prefix (no second subnet route)
                netlink.addAddress(name, created.ifindex(), source, source.isLinkLocalAddress() ? 64 : 128,
                        AddressInfo.FOREVER);
                vmac.ipv6Source = (Inet6Address) source;
            }
            if (ipv4) {
                writeSysctl("ipv4", name, "accept_local", 1);
                writeSysctl("ipv4", name, "rp_filter", 0);
                writeSysctl("ipv4", name, "promote_secondaries", 1);
                writeSysctl("ipv4", parentName, "arp_ignore", 1);
                writeSysctl("ipv4", parentName, "arp_filter", 1);
                writeSysctl("ipv4", parentName, "arp_announce", 2);
            }
            netlink.setUp(name, created.ifindex(), true);
            return vmac;
        } catch (RuntimeException e) {
            vmac.close();
            throw e;
        }
    }

    /**
     * Removes an interface of that name if carp4j made it (its alias starts with {@value #ALIAS_PREFIX}), restoring
     * the parent sysctls saved in the alias.
     *
     * @param netlink an rtnetlink socket of the namespace
     * @param name    the interface name
     * @return whether one was removed
     * @throws IllegalStateException if an interface of that name exists and is not ours
     */
    public static boolean removeStale(RtNetlink netlink, String name) {
        for (LinkDetails d : netlink.links()) {
            if (!name.equals(d.link().name())) {
                continue;
            }
            if (d.alias() == null || !d.alias().startsWith(ALIAS_PREFIX)) {
                throw new IllegalStateException("interface " + name + " exists and was not created by carp4j (alias "
                        + d.alias() + "); remove it or turn the virtual MAC off");
            }
            netlink.deleteLink(name, d.link().ifindex());
            if (ours(netlink, d.parent()).isEmpty()) {
                LinkInfo parent = netlink.link(d.parent());
                if (parent != null) {
                    savedValues(d.alias()).forEach((k, v) -> writeSysctl("ipv4", parent.name(), k, v));
                }
            }
            return true;
        }
        return false;
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /** Its interface index. */
    public int ifindex() {
        return ifindex;
    }

    /**
     * The IPv6 address added to the macvlan as the source of the adverts it sends (see {@link #create(RtNetlink,
     * String, String, byte[], boolean, boolean, InetAddress, boolean)}), or {@code null} for an IPv4-only group.
     */
    public Inet6Address ipv6Source() {
        return ipv6Source;
    }

    /** The parent's name. */
    public String parentName() {
        return parentName;
    }

    /** A copy of the virtual MAC. */
    public byte[] mac() {
        return mac.clone();
    }

    /** The MAC as text, {@code 00:00:5e:00:01:3d}. */
    public String macText() {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    /**
     * Deletes the interface (with the addresses on it) and restores the parent's sysctls unless another macvlan of
     * ours remains on it. Idempotent; a failure is thrown once (the interface may be gone already).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            netlink.deleteLink(name, ifindex);
        } catch (NativeException e) {
            if (e.errno() != Errno.ENODEV) {
                throw e;
            }
        }
        if (ours(netlink, parentIfindex).isEmpty()) {
            savedParent.forEach((k, v) -> writeSysctl("ipv4", parentName, k, v));
        }
    }

    @Override
    public String toString() {
        return name + " (macvlan on " + parentName + ", " + macText() + ")";
    }

    private static List<LinkDetails> ours(RtNetlink netlink, int parentIfindex) {
        List<LinkDetails> out = new ArrayList<>();
        for (LinkDetails d : netlink.links()) {
            if (d.parent() == parentIfindex && d.alias() != null && d.alias().startsWith(ALIAS_PREFIX)) {
                out.add(d);
            }
        }
        return out;
    }

    static Map<String, Integer> savedValues(String alias) {
        Map<String, Integer> values = new LinkedHashMap<>();
        Matcher m = SAVED.matcher(alias == null ? "" : alias);
        while (m.find()) {
            values.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return values;
    }

    private static InetAddress parentLinkLocal(RtNetlink netlink, int parentIfindex, String parentName) {
        for (AddressInfo a : netlink.addresses(parentIfindex)) {
            if (a.address() instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                return v6;
            }
        }
        throw new IllegalStateException("interface " + parentName + " has no IPv6 link-local address for the"
                + " virtual MAC interface's adverts");
    }

    /**
     * Reads {@code /proc/sys/net/FAMILY/conf/IF/KEY} of the calling thread's namespace.
     *
     * @return the value
     */
    static int readSysctl(String family, String interfaceName, String key) {
        Path file = PROC.resolve(family).resolve("conf").resolve(interfaceName).resolve(key);
        try {
            return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes {@code /proc/sys/net/FAMILY/conf/IF/KEY} of the calling thread's namespace. */
    static void writeSysctl(String family, String interfaceName, String key, int value) {
        Path file = PROC.resolve(family).resolve("conf").resolve(interfaceName).resolve(key);
        try {
            Files.writeString(file, Integer.toString(value), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value + " to " + file, e);
        }
    }

    private static void checkId(String what, int id) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException(what + ": " + id + " (expected: 1-255)");
        }
    }
}
