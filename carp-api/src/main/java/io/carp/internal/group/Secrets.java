package io.carp.internal.group;

import io.carp.Authentication;
import io.carp.CarpConfig;
import io.carp.internal.protocol.AuthKeys;
import java.util.Objects;

/**
 * How the engine reaches key material that the public API deliberately has no getter for: the CARP password kept in
 * {@link CarpConfig} and the keys derived in {@link Authentication}. Those classes install an accessor here when they
 * are initialised (before any instance exists), in the manner of the JDK's {@code SharedSecrets}; this package is
 * exported only to the runtime modules. Not for applications.
 */
public final class Secrets {
    /** Implemented by {@link CarpConfig}. */
    public interface ConfigAccess {
        /**
         * A copy of the CARP password (1-19 bytes, or 20 zero bytes for {@code noPassword()}), or {@code null} in the
         * replay-protected mode; the caller zeroes it.
         */
        byte[] password(CarpConfig config);

        /** Zeroes the config's copy of the password. */
        void destroyPassword(CarpConfig config);
    }

    /** Implemented by {@link Authentication}. */
    public interface AuthenticationAccess {
        /** The derived keys. */
        AuthKeys keys(Authentication authentication);
    }

    private static volatile ConfigAccess configAccess;
    private static volatile AuthenticationAccess authenticationAccess;

    private Secrets() {
    }

    /**
     * Installs the config accessor; called once by {@link CarpConfig}'s static initialiser.
     *
     * @param access the accessor
     */
    public static void install(ConfigAccess access) {
        configAccess = Objects.requireNonNull(access, "access");
    }

    /**
     * Installs the authentication accessor; called once by {@link Authentication}'s static initialiser.
     *
     * @param access the accessor
     */
    public static void install(AuthenticationAccess access) {
        authenticationAccess = Objects.requireNonNull(access, "access");
    }

    /**
     * A copy of a config's CARP password, or {@code null} in the replay-protected mode.
     *
     * @param config the config (its class is initialised, since it exists)
     * @return the bytes; zero them when done
     */
    public static byte[] password(CarpConfig config) {
        return configAccess.password(config);
    }

    /**
     * Zeroes a config's copy of the password (when its group closes).
     *
     * @param config the config
     */
    public static void destroyPassword(CarpConfig config) {
        configAccess.destroyPassword(config);
    }

    /**
     * The keys of an authentication mode.
     *
     * @param authentication the mode
     * @return its keys
     */
    public static AuthKeys keys(Authentication authentication) {
        return authenticationAccess.keys(authentication);
    }
}
