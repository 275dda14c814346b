package io.carp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The builder for VRRP groups: defaults, ranges, and options of one protocol refused for the other. */
class VrrpConfigTest {
    private static CarpGroupBuilder v3() {
        return CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(51).virtualAddress("198.18.0.100");
    }

    private static CarpGroupBuilder v2() {
        return CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(51).virtualAddress("198.18.0.100");
    }

    private static String refused(Supplier<CarpGroupBuilder> builder) {
        return assertThrows(IllegalArgumentException.class, () -> builder.get().buildConfig()).getMessage();
    }

    @Test
    void shouldApplyVrrpDefaults() {
        CarpConfig c = v3().buildConfig();
        assertEquals(Protocol.VRRP_V3, c.protocol());
        assertEquals(100, c.priority());
        assertEquals(100, c.vrrpIntervalCentis());
        assertTrue(c.preempt(), "preempt on by default for VRRP (RFC 9568 §6.1)");
        assertTrue(c.acceptMode());
        assertEquals("none", c.authenticationMode());
        assertEquals(Duration.ofSeconds(1), c.advertisementInterval());
        // 3 s + (256 - 100)/256 s
        assertEquals(Duration.ofNanos(3_609_375_000L), c.masterDownInterval());
        assertFalse(CarpGroup.builder().vhid(1).password("x").virtualAddress("198.18.0.1").buildConfig().preempt(),
                "CARP keeps preempt off by default");
        assertTrue(c.toString().contains("vrid=51"), c.toString());
    }

    @Test
    void shouldTakeCentisecondIntervalsForV3AndWholeSecondsForV2() {
        assertEquals(5, v3().advertisementInterval(Duration.ofMillis(50)).buildConfig().vrrpIntervalCentis());
        assertEquals(4095, v3().advertisementInterval(Duration.ofMillis(40_950)).buildConfig().vrrpIntervalCentis());
        assertEquals(300, v2().advertisementInterval(Duration.ofSeconds(3)).buildConfig().vrrpIntervalCentis());
        assertEquals("advertisementInterval: PT0.055S (expected: 10 ms to 40.95 s in steps of 10 ms with VRRP_V3,"
                + " RFC 9568 §5.2.7)", refused(() -> v3().advertisementInterval(Duration.ofMillis(55))));
        assertTrue(refused(() -> v3().advertisementInterval(Duration.ofMillis(40_960))).startsWith(
                "advertisementInterval: PT40.96S"));
        assertEquals("advertisementInterval: PT0.5S (expected: 1-255 whole seconds with VRRP_V2, RFC 3768 §5.3.7)",
                refused(() -> v2().advertisementInterval(Duration.ofMillis(500))));
        assertThrows(IllegalArgumentException.class, () -> v3().advertisementInterval(Duration.ZERO));
        // VRRPv2 skew is not scaled by the interval: 9 s + 156/256 s
        assertEquals(Duration.ofNanos(9_609_375_000L),
                v2().advertisementInterval(Duration.ofSeconds(3)).buildConfig().masterDownInterval());
    }

    @Test
    void shouldCheckPriorityRange() {
        assertEquals(255, v3().priority(255).buildConfig().priority());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v3().priority(0));
        assertEquals("priority: 0 (expected: 1-255)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v3().priority(256));
    }

    @Test
    void shouldRefuseCarpOptionsForVrrpNamingThem() {
        assertEquals("advskew: set for protocol VRRP_V3 (expected: only with protocol CARP; VRRP elects by priority"
                + " and advertisementInterval)", refused(() -> v3().advskew(10)));
        assertTrue(refused(() -> v3().advbase(2)).startsWith("advbase: set for protocol VRRP_V3"));
        assertTrue(refused(() -> v2().deadRatio(4)).startsWith("deadRatio: set for protocol VRRP_V2"));
        assertTrue(refused(() -> v3().adaptToLoss(false)).startsWith("adaptToLoss: set for protocol VRRP_V3"));
        assertTrue(refused(() -> v2().alignAdverts(true)).startsWith("alignAdverts: set for protocol VRRP_V2"));
    }

    @Test
    void shouldRefuseVrrpOptionsForCarpNamingThem() {
        Supplier<CarpGroupBuilder> carp = () -> CarpGroup.builder().vhid(1).password("x").virtualAddress("198.18.0.1");
        assertEquals("priority: set for protocol CARP (expected: only with protocol VRRP_V2 or VRRP_V3; CARP elects"
                + " by advbase and advskew)", refused(() -> carp.get().priority(200)));
        assertTrue(refused(() -> carp.get().advertisementInterval(Duration.ofSeconds(1)))
                .startsWith("advertisementInterval: set for protocol CARP"));
        assertTrue(refused(() -> carp.get().acceptMode(true)).startsWith("acceptMode: set for protocol CARP"));
        assertTrue(refused(() -> carp.get().vrrpAuthType(0)).startsWith("vrrpAuthType: set for protocol CARP"));
    }

    @Test
    void shouldTakeTheSimpleTextPasswordForV2Only() {
        CarpConfig c = v2().password("secret").buildConfig();
        assertEquals(6, io.carp.internal.crypto.Secrets.password(c).length);
        assertEquals("vrrp2 simple text password", c.authenticationMode());
        assertFalse(c.toString().contains("secret"));
        assertEquals("password: 9 bytes (expected: 1-8 bytes with VRRP_V2: the simple text password has 8 bytes,"
                + " RFC 2338 §5.3.6.1)", refused(() -> v2().password("123456789")));
        assertEquals("password: set for protocol VRRP_V3 (expected: none; VRRPv3 has no authentication, RFC 9568 §9;"
                + " the simple text password exists in VRRP_V2 only)", refused(() -> v3().password("secret")));
        assertEquals("password: not set with vrrpAuthType 1 (expected: 1-8 bytes)",
                refused(() -> v2().vrrpAuthType(1)));
        assertTrue(refused(() -> v2().vrrpAuthType(0).password("x")).startsWith("password: set with vrrpAuthType 0"));
    }

    @Test
    void shouldRefuseAhAuthenticationWithAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v2().vrrpAuthType(2));
        assertTrue(e.getMessage().startsWith("vrrpAuthType: 2 (expected: 0 (none) or 1 (simple text password);"
                + " 2, the IP Authentication Header"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v2().vrrpAuthType(3));
    }

    @Test
    void shouldKeepOneFamilyPerGroupAndIpv4ForV2() {
        assertTrue(refused(() -> v3().virtualAddress("fd00::100")).startsWith(
                "virtualAddress: fd00:0:0:0:0:0:0:100 is IPV6 but 198.18.0.100 is IPV4 (expected: one family per"
                        + " VRRP group"));
        assertEquals("virtualAddress: fd00:0:0:0:0:0:0:100 (expected: IPv4 with VRRP_V2, RFC 3768; use VRRP_V3 for"
                        + " IPv6)", refused(() -> CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(1)
                .virtualAddress("fd00::100")));
        assertEquals(Protocol.VRRP_V3, CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(1)
                .virtualAddress("fe80::1:1").virtualAddress("fd00::100").buildConfig().protocol());
        assertTrue(refused(() -> v3().unicastPeer("fd00::2")).startsWith("unicastPeer: fd00:0:0:0:0:0:0:2"));
    }

    @Test
    void shouldAcceptOnlyAcceptModeTrueUnlessOwner() {
        assertTrue(refused(() -> v3().acceptMode(false)).startsWith("acceptMode: false (expected: true unless"
                + " priority is 255"));
        assertFalse(v3().priority(255).acceptMode(false).buildConfig().acceptMode());
    }

    @Test
    void shouldTurnPreemptOffAndTakeUnicastPeers() {
        CarpConfig c = v3().preempt(false).unicastPeer("198.18.0.2").unicastPeer("198.18.0.3").buildConfig();
        assertFalse(c.preempt());
        assertEquals(2, c.unicastPeers().size());
    }
}
