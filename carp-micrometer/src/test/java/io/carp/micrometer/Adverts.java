package io.carp.micrometer;

import io.carp.testkit.PeerAdvertisement;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The advertisements a peer with this password, vhid and virtual addresses sends (testkit's PeerAdvertisement). */
final class Adverts {
    private final String password;
    private final int vhid;
    private final List<InetAddress> addresses;

    Adverts(String password, int vhid, List<InetAddress> addresses) {
        this.password = password;
        this.vhid = vhid;
        this.addresses = addresses;
    }

    /** An authentic IPv4 advertisement. */
    PeerAdvertisement ipv4(InetAddress source, int ttl, int advbase, int advskew, int demote, long counter) {
        return advert(source, advbase, advskew, demote, counter).ttl(ttl);
    }

    /** An IPv4 advertisement with the given digest. */
    PeerAdvertisement ipv4(InetAddress source, int ttl, int advbase, int advskew, int demote, long counter,
                           byte[] md) {
        return ipv4(source, ttl, advbase, advskew, demote, counter).digest(md);
    }

    /** An authentic IPv6 advertisement with hop limit 255. */
    PeerAdvertisement ipv6(InetAddress source, int advbase, int advskew, int demote, long counter) {
        return advert(source, advbase, advskew, demote, counter);
    }

    private PeerAdvertisement advert(InetAddress source, int advbase, int advskew, int demote, long counter) {
        PeerAdvertisement a = PeerAdvertisement.from(source.getHostAddress()).vhid(vhid).password(password)
                .advbase(advbase).advskew(advskew).demote(demote).counter(counter);
        addresses.forEach(v -> a.virtualAddress(v.getHostAddress()));
        return a;
    }

    /** Parses a literal (never a DNS lookup: tests pass literals only). */
    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
