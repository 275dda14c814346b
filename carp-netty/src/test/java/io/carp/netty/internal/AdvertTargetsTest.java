package io.carp.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.IpFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvertTargetsTest {

    @Test
    void shouldUseMulticastInBothFamiliesWhenNoPeerIsConfigured() {
        AdvertTargets t = AdvertTargets.of(config());
        assertFalse(t.isUnicast(IpFamily.IPV4));
        assertFalse(t.isUnicast(IpFamily.IPV6));
        assertEquals("AdvertTargets{ipv4=224.0.0.18, ipv6=ff02::12}", t.toString());
    }

    @Test
    void shouldDecideUnicastPerFamilyWhenOnlyIpv4PeersAreConfigured() throws Exception {
        AdvertTargets t = AdvertTargets.of(config("198.18.100.2", "198.18.100.3"));
        assertTrue(t.isUnicast(IpFamily.IPV4));
        assertFalse(t.isUnicast(IpFamily.IPV6), "FreeBSD: peer6 unset means ff02::12");
        assertEquals(List.of(InetAddress.getByName("198.18.100.2"), InetAddress.getByName("198.18.100.3")),
                t.peers(IpFamily.IPV4));
        assertEquals(List.of(), t.peers(IpFamily.IPV6));
    }

    @Test
    void shouldListPeersPerFamilyInConfigurationOrderWhenFamiliesAreMixed() throws Exception {
        // The builder refuses a peer given twice (CarpGroupBuilder.unicastPeer), so each appears once here.
        AdvertTargets t = AdvertTargets.of(config("198.18.100.3", "fd00:18::2", "198.18.100.2"));
        assertEquals(List.of(InetAddress.getByName("198.18.100.3"), InetAddress.getByName("198.18.100.2")),
                t.peers(IpFamily.IPV4));
        assertEquals(List.of(InetAddress.getByName("fd00:18::2")), t.peers(IpFamily.IPV6));
    }

    @Test
    void shouldRecognisePeerByAddressBytesIgnoringScopeWhenSourceIsLinkLocal() throws Exception {
        AdvertTargets t = AdvertTargets.of(config("fe80::2"));
        InetAddress scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::2").getAddress(), 7);
        assertTrue(t.isPeer(IpFamily.IPV6, scoped));
        assertFalse(t.isPeer(IpFamily.IPV6, InetAddress.getByName("fe80::3")));
        assertFalse(t.isPeer(IpFamily.IPV4, InetAddress.getByName("198.18.100.2")));
        assertFalse(t.isPeer(IpFamily.IPV6, null));
    }

    private static CarpConfig config(String... peers) {
        var b = CarpGroup.builder().interfaceName("uni0").vhid(1).password("pw").virtualAddress("198.18.100.100")
                .virtualAddress("fd00:18::100");
        for (String p : peers) {
            b.unicastPeer(p);
        }
        return b.buildConfig();
    }
}
