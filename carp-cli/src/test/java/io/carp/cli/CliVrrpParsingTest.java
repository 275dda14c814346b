package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The VRRP flags (--vrrp, --priority, --advert-int, -p with VRRPv2, --no-preempt), --vmac and --peer. */
class CliVrrpParsingTest {
    /** A VRRP command line without a password (VRRPv3 has none). */
    static final List<String> VRRP = List.of("-i", "eth0", "-s", "198.18.71.1", "-v", "61", "-a", "198.18.71.100");

    static CliSettings vrrp(String... more) throws CliUsageException {
        List<String> all = new ArrayList<>(VRRP);
        all.addAll(List.of(more));
        return Cli.parse(all.toArray(String[]::new));
    }

    @Test
    void shouldChangeNothingWithoutVrrp() throws Exception {
        CliSettings s = Cli.parse(Cli.REQUIRED.toArray(String[]::new));
        assertAll(
                () -> assertFalse(s.vrrp()),
                () -> assertEquals(0, s.vrrpVersion()),
                () -> assertEquals(0, s.priority()),
                () -> assertEquals(0, s.advertIntCentis()),
                () -> assertFalse(s.virtualMac()),
                () -> assertEquals(List.of(), s.peers()),
                () -> assertFalse(s.preempt(), "CARP: no preemption unless --preempt"));
    }

    @Test
    void shouldUseVrrpDefaultsWithVrrp3() throws Exception {
        CliSettings s = vrrp("--vrrp", "3");
        assertAll(
                () -> assertTrue(s.vrrp()),
                () -> assertEquals(3, s.vrrpVersion()),
                () -> assertEquals(61, s.vhid(), "the --vhid is the VRID"),
                () -> assertEquals(100, s.priority(), "default priority 100"),
                () -> assertEquals(100, s.advertIntCentis(), "default 1 s"),
                () -> assertTrue(s.preempt(), "VRRP preempts by default"),
                () -> assertNull(s.password(), "VRRPv3: no password"),
                () -> assertTrue(s.toString().contains("password=<none>"), s.toString()));
    }

    @Test
    void shouldReadEveryVrrpFlag() throws Exception {
        CliSettings s = vrrp("--vrrp=3", "--priority", "200", "--advert-int", "5", "--no-preempt", "--vmac",
                "--peer", "198.18.71.2", "--peer=198.18.71.3");
        assertAll(
                () -> assertEquals(200, s.priority()),
                () -> assertEquals(5, s.advertIntCentis(), "keepalived's advert_int 0.05"),
                () -> assertFalse(s.preempt()),
                () -> assertTrue(s.virtualMac()),
                () -> assertEquals(List.of("198.18.71.2", "198.18.71.3"), s.peers()));
    }

    @Test
    void shouldTakeATextPasswordAndWholeSecondsWithVrrp2() throws Exception {
        CliSettings s = vrrp("--vrrp", "2", "-p", "cit-pw", "--advert-int", "200", "--preempt");
        assertAll(
                () -> assertEquals(2, s.vrrpVersion()),
                () -> assertArrayEquals("cit-pw".getBytes(StandardCharsets.US_ASCII), s.password()),
                () -> assertEquals(200, s.advertIntCentis()),
                () -> assertTrue(s.preempt()),
                () -> assertFalse(s.toString().contains("cit-pw"), "the password is never printed"));
        assertNull(vrrp("--vrrp", "2").password(), "VRRPv2 without authentication");
    }

    @Test
    void shouldBuildAVrrpGroupConfigurationFromTheFlags() throws Exception {
        var v3 = vrrp("--vrrp", "3", "--priority", "200", "--advert-int", "5", "--no-preempt", "--peer", "198.18.71.2",
                "--vmac").groupBuilder().buildConfig();
        assertAll(
                () -> assertEquals(io.carp.Protocol.VRRP_V3, v3.protocol()),
                () -> assertEquals(61, v3.vhid()),
                () -> assertEquals(200, v3.priority()),
                () -> assertEquals(java.time.Duration.ofMillis(50), v3.advertisementInterval()),
                () -> assertFalse(v3.preempt()),
                () -> assertTrue(v3.virtualMac()),
                () -> assertEquals("198.18.71.2", v3.unicastPeers().get(0).getHostAddress()));
        var v2 = vrrp("--vrrp", "2", "-p", "cit-pw", "--advert-int", "200").groupBuilder().buildConfig();
        assertAll(
                () -> assertEquals(io.carp.Protocol.VRRP_V2, v2.protocol()),
                () -> assertEquals(java.time.Duration.ofSeconds(2), v2.advertisementInterval()),
                () -> assertTrue(v2.preempt(), "VRRP preempts by default"),
                () -> assertEquals("vrrp2 simple text password", v2.authenticationMode()));
    }

    @Test
    void shouldAcceptTheRangeLimits() throws Exception {
        assertEquals(1, vrrp("--vrrp", "3", "--priority", "1").priority());
        assertEquals(255, vrrp("--vrrp", "3", "--priority", "255").priority());
        assertEquals(1, vrrp("--vrrp", "3", "--advert-int", "1").advertIntCentis());
        assertEquals(4095, vrrp("--vrrp", "3", "--advert-int", "4095").advertIntCentis());
        assertEquals(25500, vrrp("--vrrp", "2", "--advert-int", "25500").advertIntCentis());
        assertEquals(8, vrrp("--vrrp", "2", "-p", "12345678").password().length);
    }

    @Test
    void shouldTakePeersAndTheVirtualMacInCarpModeToo() throws Exception {
        CliSettings s = Cli.parseWith("--peer", "198.18.71.2", "--peer", "fd00:71::2", "--vmac");
        assertEquals(List.of("198.18.71.2", "fd00:71::2"), s.peers());
        assertTrue(s.virtualMac());
        var config = Cli.parseWith("--peer", "198.18.71.2").groupBuilder().buildConfig();
        assertEquals("198.18.71.2", config.unicastPeers().get(0).getHostAddress(), "FreeBSD peer semantics");
    }

    @Test
    void shouldAcceptIpv6AddressesWithVrrp3() throws Exception {
        CliSettings s = Cli.parse("-i", "eth0", "-s", "fd00:71::1", "-v", "61", "-a", "fd00:71::100", "--vrrp", "3");
        assertEquals(List.of("fd00:71::100"), s.addresses());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                bad(List.of("--vrrp", "4"), "--vrrp '4': unknown VRRP version (expected: 3 (RFC 9568) or 2"),
                bad(List.of("--vrrp", "v3"), "--vrrp 'v3': unknown VRRP version"),
                bad(List.of("--vrrp"), "Missing required parameter for option '--vrrp'"),
                bad(List.of("--vrrp", "3", "-p", "secret"), "--pass: VRRPv3 has no authentication (RFC 9568)"
                        + " (expected: no password, or --vrrp 2 for a text password)"),
                bad(List.of("--vrrp", "3", "--priority", "0"), "--priority '0': out of range (expected: an integer"
                        + " 1-255)"),
                bad(List.of("--vrrp", "3", "--priority", "256"), "--priority '256': out of range"),
                bad(List.of("--vrrp", "3", "--priority", "high"), "--priority 'high': not a number"),
                bad(List.of("--vrrp", "3", "--advert-int", "0"), "--advert-int '0': out of range (expected: an"
                        + " integer 1-4095)"),
                bad(List.of("--vrrp", "3", "--advert-int", "4096"), "--advert-int '4096': out of range"),
                bad(List.of("--vrrp", "3", "--advert-int", "0.05"), "--advert-int '0.05': not a number"),
                bad(List.of("--vrrp", "2", "--advert-int", "150"), "--advert-int '150': not a whole number of"
                        + " seconds (expected: with --vrrp 2 a multiple of 100 centiseconds"),
                bad(List.of("--vrrp", "2", "--advert-int", "50"), "--advert-int '50': out of range (expected: an"
                        + " integer 100-25500)"),
                bad(List.of("--vrrp", "2", "-p", "123456789"), "--pass: password of 9 bytes (expected: 1-8 bytes"),
                bad(List.of("--vrrp", "2", "-a", "fd00:71::100"), "--addr 'fd00:71::100': VRRPv2 is IPv4 only"),
                bad(List.of("--vrrp", "3", "--preempt", "--no-preempt"), "--no-preempt: contradicts --preempt"),
                bad(List.of("--vrrp", "3", "-k", "10"), "--advskew '10': a CARP option (expected: with --vrrp,"
                        + " --priority)"),
                bad(List.of("--vrrp", "3", "-b", "2"), "--advbase '2': a CARP option (expected: with --vrrp,"
                        + " --advert-int)"),
                bad(List.of("--vrrp", "3", "-r", "4"), "--deadratio '4': a CARP option"),
                bad(List.of("--vrrp", "3", "--adapt-to-loss"), "--adapt-to-loss: a CARP option (expected: without"
                        + " --vrrp"),
                bad(List.of("--vrrp", "3", "--peer", "peer.example"), "--peer 'peer.example': invalid (expected: an IPv4 or IPv6"
                        + " address literal"),
                bad(List.of("--vrrp", "3", "--peer", "224.0.0.18"), "--peer '224.0.0.18': invalid (expected: a unicast address"),
                bad(List.of("--vrrp", "3", "--peer", "198.18.71.2", "--peer", "198.18.71.2"), "--peer '198.18.71.2': invalid"
                        + " (expected: each peer once"));
    }

    static Stream<Arguments> carpOnlyCommandLines() {
        return Stream.of(
                bad(List.of("--peer", "peer.example"), "--peer 'peer.example': invalid (expected: an IPv4 or IPv6"
                        + " address literal"),
                bad(List.of("--priority", "200"), "--priority '200': a VRRP option (expected: --vrrp 3 or --vrrp 2"
                        + " with it)"),
                bad(List.of("--advert-int", "100"), "--advert-int '100': a VRRP option"),
                bad(List.of("--no-preempt"), "--no-preempt: a VRRP option"));
    }

    private static Arguments bad(List<String> extra, String message) {
        return Arguments.of(String.join(" ", extra), extra, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void shouldPrintOneLineAndExitOneForABadVrrpValue(String label, List<String> extra, String message) {
        List<String> args = new ArrayList<>(VRRP);
        args.addAll(extra);
        assertOneLine(Cli.run(args.toArray(String[]::new)), message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carpOnlyCommandLines")
    void shouldRefuseVrrpOptionsAndBadPeersInCarpMode(String label, List<String> extra, String message) {
        List<String> args = new ArrayList<>(Cli.REQUIRED);
        args.addAll(extra);
        assertOneLine(Cli.run(args.toArray(String[]::new)), message);
    }

    private static void assertOneLine(Cli.Result r, String message) {
        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("carp-cli: " + message), "got: " + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("secret"), r.err());
    }

    @Test
    void shouldListTheNewFlagsAmongTheExtensionsInHelp() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.status());
        String extensions = r.out().substring(r.out().indexOf("--manage-address") - 40);
        for (String flag : List.of("--vrrp", "--priority", "--advert-int", "--no-preempt", "--vmac", "--peer")) {
            assertTrue(extensions.contains(flag), flag + " in the extensions section:\n" + r.out());
        }
    }
}
