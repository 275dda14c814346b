package io.carp;

import io.carp.internal.group.DefaultCarpGroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.crypto.Secrets;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CarpGroupBuilder} and {@link CarpConfig}: every invalid field fails with a message naming the field, the value
 * and the allowed range; rules across fields are checked in {@code buildConfig()}.
 */
class CarpConfigTest {

    private static CarpGroupBuilder valid() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100").runtime(UNATTACHED);
    }

    /** A runtime whose groups are built but never started in these tests. */
    private static final CarpRuntime UNATTACHED = spec -> DefaultCarpGroup.create(spec, group -> {
        throw new IllegalStateException("these tests do not start groups");
    });

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ defaults

    @Test
    void shouldApplyDefaultsWhenOnlyRequiredFieldsAreSet() {
        CarpConfig config = valid().buildConfig();

        assertEquals(1, config.vhid());
        assertEquals(CarpConfig.DEFAULT_ADVBASE, config.advbase());
        assertEquals(1, config.advbase());
        assertEquals(CarpConfig.DEFAULT_ADVSKEW, config.advskew());
        assertEquals(0, config.advskew());
        assertEquals(CarpConfig.DEFAULT_DEAD_RATIO, config.deadRatio());
        assertEquals(3, config.deadRatio());
        assertEquals(0, config.demotion());
        assertFalse(config.preempt());
        assertTrue(config.manageAddresses());
        assertEquals(Optional.empty(), config.interfaceName());
        assertEquals("-", config.interfaceLabel());
        assertEquals(Optional.empty(), config.sourceAddress());
        assertEquals(Duration.ofSeconds(1), config.advertisementInterval());
        assertEquals(Duration.ofSeconds(3), config.masterDownInterval());
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), Secrets.password(config));
    }

    @Test
    void shouldKeepEveryValueSet() throws Exception {
        CarpConfig config = CarpGroup.builder().interfaceName("eth0").vhid(255).password("p")
                .virtualAddress("198.18.0.100").virtualAddress("2001:db8::100").advbase(2).advskew(100).preempt(true)
                .deadRatio(5).demotion(240).sourceAddress("198.18.0.1").manageAddresses(false).buildConfig();

        assertEquals(Optional.of("eth0"), config.interfaceName());
        assertEquals("eth0", config.interfaceLabel());
        assertEquals(255, config.vhid());
        assertEquals(List.of(InetAddress.getByName("198.18.0.100"), InetAddress.getByName("2001:db8::100")),
                config.virtualAddresses());
        assertEquals(2, config.advbase());
        assertEquals(100, config.advskew());
        assertTrue(config.preempt());
        assertEquals(5, config.deadRatio());
        assertEquals(240, config.demotion());
        assertEquals(Optional.of(InetAddress.getByName("198.18.0.1")), config.sourceAddress());
        assertFalse(config.manageAddresses());
        assertEquals(Duration.ofNanos(2_390_625_000L), config.advertisementInterval());
        assertEquals(Duration.ofNanos(10_390_625_000L), config.masterDownInterval());
    }

    @Test
    void shouldAcceptBoundaryValues() {
        CarpConfig low = valid().vhid(1).advbase(0).advskew(1).deadRatio(1).demotion(0).buildConfig();
        assertEquals(0, low.advbase());
        assertEquals(Duration.ofNanos(3_906_250), low.advertisementInterval());
        CarpConfig high = valid().vhid(255).advbase(255).advskew(254).deadRatio(255).demotion(240)
                .password("1234567890123456789").interfaceName("a23456789012345").buildConfig();
        assertEquals(19, Secrets.password(high).length);
    }

    @Test
    void shouldReturnNewConfigFromEveryBuild() {
        CarpGroupBuilder builder = valid();
        CarpConfig first = builder.buildConfig();
        builder.virtualAddress("198.18.0.101");
        assertEquals(1, first.virtualAddresses().size());
        assertEquals(2, builder.buildConfig().virtualAddresses().size());
        assertNotSame(first, builder.buildConfig());
    }

    @Test
    void shouldNotExposePasswordArrayForMutation() {
        byte[] password = "secret".getBytes(StandardCharsets.UTF_8);
        CarpConfig config = valid().password(password).buildConfig();
        password[0] = 'X';
        Secrets.password(config)[1] = 'X';
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), Secrets.password(config));
    }

    @Test
    void shouldHaveNoPublicMethodReturningBytes() {
        for (java.lang.reflect.Method m : CarpConfig.class.getMethods()) {
            assertFalse(m.getReturnType() == byte[].class, "public getter of bytes: " + m);
        }
        for (java.lang.reflect.Method m : Authentication.class.getMethods()) {
            assertFalse(m.getReturnType() == byte[].class, "public getter of bytes: " + m);
        }
    }

    @Test
    void shouldLeaveAdvertsUnalignedByDefaultAndShowTheOptionWhenSet() {
        assertFalse(valid().buildConfig().alignAdverts());
        assertFalse(valid().buildConfig().toString().contains("alignAdverts"));
        CarpConfig aligned = valid().alignAdverts(true).buildConfig();
        assertTrue(aligned.alignAdverts());
        assertTrue(aligned.toString().contains("alignAdverts=true"), aligned.toString());
    }

    @Test
    void shouldNeverShowPasswordInToString() {
        CarpConfig config = valid().password("hunter2-Sup3rSecret").interfaceName("eth0").buildConfig();
        String s = config.toString();
        assertFalse(s.contains("hunter2"), s);
        assertFalse(s.contains("Sup3r"), s);
        assertTrue(s.contains("auth=hmac-sha1 (password)"), s);
        assertFalse(s.contains("19 bytes") || s.contains("<"), "not even the length: " + s);
        assertTrue(s.contains("vhid=1"), s);
        assertTrue(s.contains("198.18.0.100"), s);
    }

    @Test
    void shouldRefusePasswordWithNulAndPointToNoPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().password(new byte[] {'a', 0, 'b'}));
        assertEquals("password: a NUL byte at index 1 (expected: no NUL; BSD and ucarp read the password as a C string;"
                + " for BSD's all-zero key use noPassword())", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> valid().password(new byte[] {0}));
    }

    @Test
    void shouldNameNoPasswordModeAndKeyWithTwentyZeroBytes() {
        CarpConfig config = CarpGroup.builder().vhid(1).virtualAddress("198.18.0.100").noPassword().buildConfig();
        assertEquals("hmac-sha1 (no password, all-zero key)", config.authenticationMode());
        assertTrue(config.toString().contains("auth=hmac-sha1 (no password, all-zero key)"), config.toString());
        CarpConfig later = CarpGroup.builder().vhid(1).virtualAddress("198.18.0.100").noPassword().password("pw")
                .buildConfig();
        assertEquals("hmac-sha1 (password)", later.authenticationMode(), "the last of password/noPassword wins");
    }

    @Test
    void shouldRequireExactlyOneAuthenticationChoice() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> CarpGroup.builder().vhid(1).virtualAddress("198.18.0.100").buildConfig());
        assertEquals("password: not set (expected: 1-19 bytes; or noPassword() for BSD's all-zero key; or"
                + " authentication(Authentication.replayProtected(...)))", none.getMessage());
        Authentication auth = Authentication.replayProtected("cfg-test", 1, "a secret for tests");
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> valid().authentication(auth).buildConfig());
        assertTrue(both.getMessage().startsWith("authentication: set together with password(...)"),
                both.getMessage());
        CarpConfig config = CarpGroup.builder().vhid(1).virtualAddress("198.18.0.100").authentication(auth)
                .buildConfig();
        assertEquals("replay-protected(group \"cfg-test\", sends key 1, accepts keys [1])",
                config.authenticationMode());
        assertEquals(auth, config.authentication().orElseThrow());
    }

    @Test
    void shouldCheckReplayProtectedSecretGroupIdAndKeyIdWithoutShowingSecret() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> Authentication.replayProtected("g", 1, "seven77"));
        assertEquals("secret: 7 bytes (expected: 8-1024 bytes; prefer 16 or more random bytes)",
                shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Authentication.replayProtected("", 1, "long enough"));
        assertThrows(IllegalArgumentException.class, () -> Authentication.replayProtected("g", 256, "long enough"));
        Authentication two = Authentication.replayProtected("g", 1, "long enough").alsoAccepting(2, "another one");
        assertEquals(java.util.Set.of(1, 2), two.acceptedKeyIds());
        assertEquals(1, two.sendKeyId());
        assertThrows(IllegalStateException.class, () -> two.alsoAccepting(3, "a third one"));
        assertFalse(two.toString().contains("long enough"), two.toString());
    }

    // ------------------------------------------------------------------------------------------------ vhid

    @ParameterizedTest(name = "vhid {0}")
    @ValueSource(ints = {0, 256, -1, Integer.MIN_VALUE})
    void shouldRejectVhidOutOfRange(int vhid) {
        assertMessage("vhid: " + vhid + " (expected: 1-255)", () -> CarpGroup.builder().vhid(vhid));
    }

    // ------------------------------------------------------------------------------------------------ password

    @Test
    void shouldRejectEmptyPassword() {
        assertMessage("password: 0 bytes (expected: 1-19 bytes; ucarp and the BSD kernels key HMAC-SHA1 with at"
                + " most 19 bytes)", () -> CarpGroup.builder().password(""));
        assertMessage("password: 0 bytes (expected: 1-19 bytes; ucarp and the BSD kernels key HMAC-SHA1 with at"
                + " most 19 bytes)", () -> CarpGroup.builder().password(new byte[0]));
    }

    @Test
    void shouldRejectTwentyBytePasswordWithoutShowingIt() {
        String password = "Abcdefghij0123456789";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CarpGroup.builder().password(password));
        assertEquals("password: 20 bytes (expected: 1-19 bytes; ucarp and the BSD kernels key HMAC-SHA1 with at most"
                + " 19 bytes)", e.getMessage());
        assertFalse(e.getMessage().contains(password));
        assertFalse(e.getMessage().contains("Abcdefghij"));
    }

    @Test
    void shouldCountPasswordInUtf8Bytes() {
        String password = "\u00e9".repeat(10); // 10 characters, 20 bytes in UTF-8
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CarpGroup.builder().password(password));
        assertTrue(e.getMessage().startsWith("password: 20 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("\u00e9"));
    }

    // ------------------------------------------------------------------------------------------------ timing fields

    @ParameterizedTest(name = "advbase {0}")
    @ValueSource(ints = {-1, 256})
    void shouldRejectAdvbaseOutOfRange(int advbase) {
        assertMessage("advbase: " + advbase + " (expected: 0-255)", () -> CarpGroup.builder().advbase(advbase));
    }

    @ParameterizedTest(name = "advskew {0}")
    @ValueSource(ints = {-1, 255})
    void shouldRejectAdvskewOutOfRangeAnd255ReservedForBowOut(int advskew) {
        assertMessage("advskew: " + advskew + " (expected: 0-254)", () -> CarpGroup.builder().advskew(advskew));
    }

    @ParameterizedTest(name = "deadRatio {0}")
    @ValueSource(ints = {0, 256})
    void shouldRejectDeadRatioOutOfRange(int ratio) {
        assertMessage("deadRatio: " + ratio + " (expected: 1-255)", () -> CarpGroup.builder().deadRatio(ratio));
    }

    @ParameterizedTest(name = "demotion {0}")
    @ValueSource(ints = {-1, 241})
    void shouldRejectDemotionOutOfRange(int demotion) {
        assertMessage("demotion: " + demotion + " (expected: 0-240)", () -> CarpGroup.builder().demotion(demotion));
    }

    @Test
    void shouldRejectDemotionOutOfRangeOnRunningGroupApi() {
        CarpGroup group = valid().build();
        assertMessage("demotion: 241 (expected: 0-240)", () -> group.setDemotion(241, "test"));
        assertEquals(0, group.demotion());
    }

    // ------------------------------------------------------------------------------------------------ addresses

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "abc", "localhost", "carp.example.com", "198.18.0", "198.18.0.1.2", "198.18.0.1/24",
        "1:2:3", "::::1", "2001:db8::1::2", "198.18.0.1:80", "[2001:db8::1]", "fe80::1%eth0"})
    void shouldRejectNonLiteralVirtualAddress(String literal) {
        assertMessage("virtualAddress: \"" + literal + "\" (expected: an IPv4 or IPv6 address literal such as"
                + " 198.18.0.100 or 2001:db8::100)", () -> CarpGroup.builder().virtualAddress(literal));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"198.18.0.256", "999.1.1.1", "256.0.0.1", "..:", ".:1", "localhost", "carp.example.com"})
    void shouldRejectInvalidLiteralWithoutDnsLookup(String literal) {
        NoDnsGuard.run(() -> {
            assertMessage("virtualAddress: \"" + literal + "\" (expected: an IPv4 or IPv6 address literal such as"
                    + " 198.18.0.100 or 2001:db8::100)", () -> CarpGroup.builder().virtualAddress(literal));
            assertMessage("sourceAddress: \"" + literal + "\" (expected: an IPv4 or IPv6 address literal such as"
                    + " 198.18.0.100 or 2001:db8::100)", () -> CarpGroup.builder().sourceAddress(literal));
        });
    }

    @Test
    void shouldParseValidLiteralsWithoutDnsLookup() {
        NoDnsGuard.run(() -> {
            CarpConfig config = valid().virtualAddress("198.18.255.255").virtualAddress("0.0.0.1")
                    .virtualAddress("2001:db8::1").virtualAddress("::ffff:198.18.0.7").virtualAddress("fe80::1")
                    .sourceAddress("198.18.0.1").buildConfig();
            assertEquals(List.of("198.18.0.100", "198.18.255.255", "0.0.0.1", "2001:db8:0:0:0:0:0:1", "198.18.0.7",
                    "fe80:0:0:0:0:0:0:1"), config.virtualAddresses().stream().map(InetAddress::getHostAddress).toList());
        });
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"localhost", "carp.example.com", "abc"})
    void shouldRejectHostnameAsSourceAddress(String literal) {
        assertMessage("sourceAddress: \"" + literal + "\" (expected: an IPv4 or IPv6 address literal such as"
                + " 198.18.0.100 or 2001:db8::100)", () -> CarpGroup.builder().sourceAddress(literal));
    }

    @Test
    void shouldAcceptAddressLiteralsWithSurroundingSpaces() throws Exception {
        CarpConfig config = valid().virtualAddress(" 198.18.0.101 ").buildConfig();
        assertEquals(InetAddress.getByName("198.18.0.101"), config.virtualAddresses().get(1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"224.0.0.18", "239.1.2.3", "ff02::12", "127.0.0.1", "::1", "0.0.0.0", "::"})
    void shouldRejectMulticastLoopbackAndWildcardVirtualAddress(String literal) throws Exception {
        String shown = InetAddress.getByName(literal).getHostAddress();
        assertMessage("virtualAddress: " + shown + " (expected: a unicast address, not multicast, wildcard or"
                + " loopback)", () -> CarpGroup.builder().virtualAddress(literal));
    }

    @Test
    void shouldRejectDuplicateVirtualAddress() {
        assertMessage("virtualAddress: 198.18.0.100 (expected: each address once; it was already added)",
                () -> valid().virtualAddress("198.18.0.100"));
        assertMessage("virtualAddress: 2001:db8:0:0:0:0:0:100 (expected: each address once; it was already added)",
                () -> valid().virtualAddress("2001:db8::100").virtualAddress("2001:db8:0::100"));
    }

    @Test
    void shouldRejectDuplicateInCollection() throws Exception {
        InetAddress a = InetAddress.getByName("198.18.0.101");
        assertThrows(IllegalArgumentException.class, () -> valid().virtualAddresses(List.of(a, a)));
    }

    @Test
    void shouldRejectNullAddressesByName() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> CarpGroup.builder().virtualAddress((String) null));
        assertEquals("virtualAddress", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> CarpGroup.builder().virtualAddress((InetAddress) null));
        assertEquals("virtualAddress", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> CarpGroup.builder().password((String) null));
        assertEquals("password", e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ interface

    @Test
    void shouldRejectInterfaceNameLongerThan15Characters() {
        assertMessage("interfaceName: \"a234567890123456\" (expected: 1-15 characters without '/', ':' or white space)",
                () -> CarpGroup.builder().interfaceName("a234567890123456"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "eth 0", "eth0/1", "eth0:1", "eth\t0"})
    void shouldRejectInvalidInterfaceName(String name) {
        assertMessage("interfaceName: \"" + name + "\" (expected: 1-15 characters without '/', ':' or white space)",
                () -> CarpGroup.builder().interfaceName(name));
    }

    // ------------------------------------------------------------------------------------------------ build()

    @Test
    void shouldRejectMissingVhid() {
        assertMessage("vhid: not set (expected: 1-255)",
                () -> CarpGroup.builder().password("secret").virtualAddress("198.18.0.100").buildConfig());
    }

    @Test
    void shouldRejectMissingPassword() {
        assertMessage("password: not set (expected: 1-19 bytes; or noPassword() for BSD's all-zero key; or"
                + " authentication(Authentication.replayProtected(...)))",
                () -> CarpGroup.builder().vhid(1).virtualAddress("198.18.0.100").buildConfig());
    }

    @Test
    void shouldRejectMissingVirtualAddress() {
        assertMessage("virtualAddress: none set (expected: at least one IPv4 or IPv6 address)",
                () -> CarpGroup.builder().vhid(1).password("secret").buildConfig());
    }

    @Test
    void shouldRejectAdvbaseZeroWithAdvskewZero() {
        assertMessage("advbase: 0 with advskew: 0 (expected: advskew 1-254 when advbase is 0, as ucarp requires;"
                + " the interval would be 0 s)", () -> valid().advbase(0).advskew(0).buildConfig());
    }

    @Test
    void shouldCheckCrossFieldRulesInBuildToo() {
        assertThrows(IllegalArgumentException.class, () -> CarpGroup.builder().build());
        assertThrows(IllegalArgumentException.class, () -> valid().advbase(0).build());
    }

    @Test
    void shouldBuildGroupInInitWithItsConfig() {
        CarpGroup group = valid().advskew(100).build();
        assertEquals(CarpState.INIT, group.state());
        assertEquals(100, group.config().advskew());
        assertEquals(0, group.stats().transitions());
    }
}
