package io.carp.micrometer;

import io.carp.protocol.CarpAuthenticator;
import io.carp.protocol.CarpCodec;
import io.carp.protocol.CarpConstants;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds the packets a peer would send, with the real codec and authenticator. */
final class Adverts {
    static final Inet4Address GROUP_V4 = (Inet4Address) FakeRuntime.address("224.0.0.18");
    static final Inet6Address GROUP_V6 = (Inet6Address) FakeRuntime.address("ff02::12");

    private final byte[] password;
    private final int vhid;
    private final List<InetAddress> addresses;

    Adverts(String password, int vhid, List<InetAddress> addresses) {
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.vhid = vhid;
        this.addresses = addresses;
    }

    /** The digest a peer with the same password and addresses computes. */
    byte[] digest(long counter) {
        return new CarpAuthenticator(password, vhid, addresses).digest(counter);
    }

    /** An authentic IPv4 advertisement. */
    byte[] ipv4(InetAddress source, int ttl, int advbase, int advskew, int demote, long counter) {
        return ipv4(source, ttl, advbase, advskew, demote, counter, digest(counter));
    }

    /** An IPv4 advertisement with the given digest. */
    byte[] ipv4(InetAddress source, int ttl, int advbase, int advskew, int demote, long counter, byte[] md) {
        byte[] carp = CarpCodec.encode(vhid, advskew, demote, advbase, counter, md);
        return CarpCodec.encodeIpv4((Inet4Address) source, GROUP_V4, ttl, 1, carp);
    }

    /** An authentic IPv6 advertisement with hop limit 255. */
    byte[] ipv6(InetAddress source, int advbase, int advskew, int demote, long counter) {
        byte[] carp = CarpCodec.encode(vhid, advskew, demote, advbase, counter, digest(counter));
        return CarpCodec.encodeIpv6((Inet6Address) source, GROUP_V6, CarpConstants.CARP_DFLTTL, carp);
    }
}
