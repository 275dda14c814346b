package io.carp.internal.crypto;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How the engine reaches key material that the public API deliberately has no getter for: the CARP password kept in
 * {@code io.carp.CarpConfig} and the keys derived in {@code io.carp.Authentication}. Those classes install accessors
 * here when they are initialised (before any instance exists), in the manner of the JDK's {@code SharedSecrets}. The
 * accessors take {@code Object} so that this package does not depend on the API package (no package cycle). Not for
 * applications: the package is not exported to them.
 */
public final class Secrets {
    private static volatile Function<Object, byte[]> password;
    private static volatile Consumer<Object> destroyPassword;
    private static volatile Function<Object, AuthKeys> keys;

    private Secrets() {
    }

    /**
     * Installs the config accessors; called once by {@code CarpConfig}'s static initialiser.
     *
     * @param passwordOf      a copy of a config's CARP password, or {@code null} in the replay-protected mode
     * @param destroyPassword zeroes a config's copy
     */
    public static void installConfigAccess(Function<Object, byte[]> passwordOf, Consumer<Object> destroyPassword) {
        Secrets.password = Objects.requireNonNull(passwordOf, "passwordOf");
        Secrets.destroyPassword = Objects.requireNonNull(destroyPassword, "destroyPassword");
    }

    /**
     * Installs the authentication accessor; called once by {@code Authentication}'s static initialiser.
     *
     * @param keysOf the derived keys of an {@code Authentication}
     */
    public static void installAuthenticationAccess(Function<Object, AuthKeys> keysOf) {
        Secrets.keys = Objects.requireNonNull(keysOf, "keysOf");
    }

    /**
     * A copy of a config's CARP password (1-19 bytes, or 20 zero bytes for {@code noPassword()}), or {@code null} in
     * the replay-protected mode.
     *
     * @param config an {@code io.carp.CarpConfig} (its class is initialised, since it exists)
     * @return the bytes; zero them when done
     */
    public static byte[] password(Object config) {
        return password.apply(config);
    }

    /**
     * Zeroes a config's copy of the password (when its group closes).
     *
     * @param config an {@code io.carp.CarpConfig}
     */
    public static void destroyPassword(Object config) {
        destroyPassword.accept(config);
    }

    /**
     * The keys of an authentication mode.
     *
     * @param authentication an {@code io.carp.Authentication}
     * @return its keys
     */
    public static AuthKeys keys(Object authentication) {
        return keys.apply(authentication);
    }
}
