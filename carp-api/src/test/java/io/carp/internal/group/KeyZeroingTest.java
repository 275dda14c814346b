package io.carp.internal.group;

import io.carp.internal.crypto.Secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.Authentication;
import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.ReplayProtectedAuthenticator;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The group holds its password and keys as bytes and zeroes them when it closes, started or not. */
class KeyZeroingTest {
    private final FakeRuntime runtime = new FakeRuntime(address("198.18.0.1"), address("fd00::1"));

    private static java.net.InetAddress address(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private CarpGroupBuilder plain() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100").runtime(runtime)
                .callbackExecutor(Runnable::run);
    }

    @Test
    void shouldZeroPasswordAndPaddedKeysWhenStartedGroupCloses() throws Exception {
        CarpGroup group = plain().build();
        CarpConfig config = group.config();
        group.start();
        CarpAuthenticator hmac = plainAuthenticator(group);
        assertFalse(isZero(padBlock(hmac, "innerInput")), "keyed while running");
        group.close();
        assertArrayEquals(new byte[6], Secrets.password(config), "the config's copy of the password");
        assertTrue(isZero(padBlock(hmac, "innerInput")) && isZero(field(hmac, "outerInput")),
                "the HMAC pads (password XOR 0x36/0x5c) and the inner digest");
    }

    @Test
    void shouldZeroPasswordWhenGroupClosesWithoutStarting() throws Exception {
        CarpGroup group = plain().build();
        group.close();
        assertArrayEquals(new byte[6], Secrets.password(group.config()));
        assertTrue(isZero(padBlock(plainAuthenticator(group), "innerInput")));
    }

    @Test
    void shouldDropReplayProtectedKeysWhenGroupCloses() throws Exception {
        Authentication auth = Authentication.replayProtected("zeroing", 1, "zeroing secret");
        CarpGroup group = CarpGroup.builder().vhid(1).authentication(auth).virtualAddress("198.18.0.100")
                .runtime(runtime).callbackExecutor(Runnable::run).build();
        group.start();
        ReplayProtectedAuthenticator sealer = (ReplayProtectedAuthenticator) field(
                field(group, "authenticator"), "authenticator");
        assertEquals(1, ((Map<?, ?>) field(sealer, "macs")).size());
        group.close();
        assertTrue(((Map<?, ?>) field(sealer, "macs")).isEmpty(), "the per-key HMACs are zeroed and dropped");
        assertEquals(null, Secrets.password(group.config()), "a replay-protected config holds no CARP password");
        assertThrows(IllegalStateException.class, () -> group.setAuthentication(auth));
    }

    @Test
    void shouldRefuseKeyChangeOnPlainGroup() {
        CarpGroup group = plain().build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> group.setAuthentication(Authentication.replayProtected("zeroing", 1, "zeroing secret")));
        assertTrue(e.getMessage().startsWith("setAuthentication(): this group runs plain CARP"), e.getMessage());
    }

    private static CarpAuthenticator plainAuthenticator(CarpGroup group) throws Exception {
        return (CarpAuthenticator) field(field(group, "authenticator"), "authenticator");
    }

    private static Object field(Object owner, String name) throws Exception {
        Class<?> type = owner.getClass();
        java.lang.reflect.Field f = type.getDeclaredField(name);
        return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).unreflectVarHandle(f).get(owner);
    }

    /** The first 64 bytes of an HMAC input: the padded key (the rest, the message prefix, is not secret). */
    private static byte[] padBlock(CarpAuthenticator hmac, String name) throws Exception {
        return java.util.Arrays.copyOf((byte[]) field(hmac, name), 64);
    }

    private static boolean isZero(Object bytes) {
        for (byte b : (byte[]) bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
