package io.carp.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.netty.internal.linux.AddressInfo;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    @Test
    void shouldUsePrefixOfInterfaceSubnetThatContainsVip() throws Exception {
        List<AddressInfo> existing = List.of(addr("10.1.0.1", 16), addr("198.18.50.1", 24), addr("fe80::1", 64));
        assertEquals(24, AddressPolicy.prefixLength(ip("198.18.50.100"), existing, List.of(ip("198.18.50.100"))));
    }

    @Test
    void shouldPreferMostSpecificSubnetWhenSeveralContainVip() throws Exception {
        List<AddressInfo> existing = List.of(addr("198.18.0.1", 15), addr("198.18.50.1", 24));
        assertEquals(24, AddressPolicy.prefixLength(ip("198.18.50.100"), existing, List.of()));
    }

    @Test
    void shouldUseHostPrefixWhenNoSubnetContainsVip() throws Exception {
        List<AddressInfo> existing = List.of(addr("198.18.50.1", 24), addr("fe80::1", 64));
        assertEquals(32, AddressPolicy.prefixLength(ip("198.19.1.1"), existing, List.of()));
        assertEquals(128, AddressPolicy.prefixLength(ip("fd00:cafe::100"), existing, List.of()));
        assertEquals(64, AddressPolicy.prefixLength(ip("fe80::100"), existing, List.of()));
    }

    @Test
    void shouldNotTakeSubnetFromStaleCopyOfVirtualAddress() throws Exception {
        List<AddressInfo> existing = List.of(addr("198.18.50.100", 24));
        assertEquals(32, AddressPolicy.prefixLength(ip("198.18.50.100"), existing, List.of(ip("198.18.50.100"))));
    }

    @Test
    void shouldCompareSubnetsOnPartialBytes() throws Exception {
        assertTrue(AddressPolicy.sameSubnet(ip("198.18.50.1"), ip("198.19.1.1"), 15));
        assertFalse(AddressPolicy.sameSubnet(ip("198.18.50.1"), ip("198.20.1.1"), 15));
        assertTrue(AddressPolicy.sameSubnet(ip("1.2.3.4"), ip("9.9.9.9"), 0));
    }

    @Test
    void shouldGiveLifetimeOfMasterDownRoundedUp() {
        assertEquals(3, AddressPolicy.lifetimeSeconds(config(1, 0, 3)));    // 3 s exactly
        assertEquals(4, AddressPolicy.lifetimeSeconds(config(1, 10, 3)));   // 3.04 s
        assertEquals(31, AddressPolicy.lifetimeSeconds(config(10, 100, 3))); // 30.39 s
    }

    @Test
    void shouldKeepLifetimeAboveAdvertIntervalAndMinimum() {
        assertEquals(2, AddressPolicy.lifetimeSeconds(config(0, 50, 3)));  // sub-second: floor of 2 s
        assertEquals(3, AddressPolicy.lifetimeSeconds(config(2, 0, 1)));  // dead ratio 1: interval 2 s + 1
    }

    private static io.carp.CarpConfig config(int advbase, int advskew, int deadRatio) {
        return CarpGroup.builder().interfaceName("cnx0").vhid(1).password("pw").virtualAddress("198.18.50.100")
                .advbase(advbase).advskew(advskew).deadRatio(deadRatio).buildConfig();
    }

    private static AddressInfo addr(String a, int prefix) throws Exception {
        return new AddressInfo(2, ip(a), prefix, 0, AddressInfo.FOREVER, AddressInfo.FOREVER);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }
}
