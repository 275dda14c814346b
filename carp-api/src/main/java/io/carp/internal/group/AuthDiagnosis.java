package io.carp.internal.group;

import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.IpFamily;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Explains an authentication failure. The HMAC covers the password and the whole address set, so the two causes look
 * the same on the wire; but if the advertisement verifies with one of a few likely subsets of our addresses (one
 * address alone, as ucarp sends; only the IPv4 or only the IPv6 ones), the password is right and the address set
 * differs. Only called when a failure is about to be logged, so its cost does not matter.
 */
final class AuthDiagnosis {
    private final byte[] password;
    private final int vhid;
    private final List<InetAddress> addresses;
    private Map<List<InetAddress>, CarpAuthenticator> candidates;

    AuthDiagnosis(byte[] password, int vhid, List<InetAddress> addresses) {
        this.password = password.clone();
        this.vhid = vhid;
        this.addresses = addresses;
    }

    /** A sentence for the log. */
    String explain(CarpAdvertisement advertisement) {
        for (Map.Entry<List<InetAddress>, CarpAuthenticator> e : candidates().entrySet()) {
            if (e.getValue().verify(advertisement)) {
                return "address set differs from peer: it authenticates " + format(e.getKey()) + " while we have "
                        + format(addresses) + "; configure exactly the same addresses on every node (ucarp peers"
                        + " support a single IPv4 address per vhid)";
            }
        }
        return "wrong password, or an address set that differs from ours " + format(addresses)
                + ", or another device using vhid " + vhid;
    }

    private Map<List<InetAddress>, CarpAuthenticator> candidates() {
        if (candidates == null) {
            candidates = new LinkedHashMap<>();
            List<List<InetAddress>> sets = new ArrayList<>();
            if (addresses.size() > 1) {
                addresses.forEach(a -> sets.add(List.of(a)));
                for (IpFamily family : IpFamily.values()) {
                    List<InetAddress> subset = addresses.stream().filter(a -> IpFamily.of(a) == family).toList();
                    if (!subset.isEmpty() && subset.size() < addresses.size() && subset.size() > 1) {
                        sets.add(subset);
                    }
                }
            }
            sets.forEach(s -> candidates.put(s, new CarpAuthenticator(password, vhid, s)));
        }
        return candidates;
    }

    /** Zeroes the password copy and the prepared candidates; not used afterwards. */
    void destroy() {
        java.util.Arrays.fill(password, (byte) 0);
        if (candidates != null) {
            candidates.values().forEach(CarpAuthenticator::destroy);
            candidates.clear();
        }
    }

    private static String format(List<InetAddress> list) {
        return list.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ", "[", "]"));
    }
}
