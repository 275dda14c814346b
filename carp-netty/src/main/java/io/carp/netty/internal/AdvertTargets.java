package io.carp.netty.internal;

import io.carp.CarpConfig;
import io.carp.IpFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where one group sends its adverts, per family, with FreeBSD 14's {@code peer}/{@code peer6} semantics: to each of
 * its {@linkplain CarpConfig#unicastPeers() unicast peers} of that family, or, if it has none of that family, to the
 * multicast group (224.0.0.18 or ff02::12). A family in unicast mode also receives adverts from those peers without
 * the TTL-255 check (see {@link InboundRouter}). Immutable.
 */
final class AdvertTargets {
    private final List<InetAddress> ipv4;
    private final List<InetAddress> ipv6;

    private AdvertTargets(List<InetAddress> ipv4, List<InetAddress> ipv6) {
        this.ipv4 = List.copyOf(ipv4);
        this.ipv6 = List.copyOf(ipv6);
    }

    /**
     * The targets of a group.
     *
     * @param config the group's configuration
     * @return its peers by family (each peer once, in configuration order)
     */
    static AdvertTargets of(CarpConfig config) {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress peer : config.unicastPeers()) {
            List<InetAddress> list = peer instanceof Inet4Address ? v4 : v6;
            if (indexOf(list, peer) < 0) {
                list.add(peer);
            }
        }
        return new AdvertTargets(v4, v6);
    }

    /** Whether the family's adverts go to unicast peers (else to its multicast group). */
    boolean isUnicast(IpFamily family) {
        return !peers(family).isEmpty();
    }

    /** The family's unicast peers; empty in multicast mode. */
    List<InetAddress> peers(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4 : ipv6;
    }

    /**
     * Whether an address is one of the family's peers, compared by address bytes (an IPv6 scope id is ignored).
     *
     * @param family  the family
     * @param address a packet's source
     * @return whether it is a configured peer
     */
    boolean isPeer(IpFamily family, InetAddress address) {
        return address != null && indexOf(peers(family), address) >= 0;
    }

    private static int indexOf(List<InetAddress> list, InetAddress address) {
        byte[] raw = address.getAddress();
        for (int i = 0; i < list.size(); i++) {
            if (Arrays.equals(list.get(i).getAddress(), raw)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where the family's adverts go, for logs.
     *
     * @param family the family
     * @return e.g. {@code [198.18.0.2, 198.18.0.3]} or {@code ff02::12}
     */
    String describe(IpFamily family) {
        List<InetAddress> peers = peers(family);
        if (peers.isEmpty()) {
            return family == IpFamily.IPV4 ? "224.0.0.18" : "ff02::12";
        }
        return peers.stream().map(InetAddress::getHostAddress).toList().toString();
    }

    @Override
    public String toString() {
        return "AdvertTargets{ipv4=" + describe(IpFamily.IPV4) + ", ipv6=" + describe(IpFamily.IPV6) + "}";
    }
}
