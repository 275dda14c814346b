package io.carp;

import io.carp.internal.crypto.AuthKeys;
import io.carp.internal.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The replay-protected authentication mode, for groups whose members all run this library (opt-in; see
 * {@code docs/SECURITY.md}). Adverts stay IP protocol 112 with the 36-byte CARP header, followed by a 48-byte trailer
 * with an HMAC-SHA256 over the whole advert, the sender's epoch and a sequence number, so that a captured advert sent
 * again later is dropped ({@link DropReason#REPLAY}). Plain CARP peers (ucarp, BSD kernels, this library without this
 * mode) and replay-protected ones never accept each other's adverts: each side counts the other's under
 * {@link DropReason#BAD_AUTH}.
 *
 * <pre>{@code
 * CarpGroup.builder().vhid(7).virtualAddress("198.18.0.100")
 *         .authentication(Authentication.replayProtected("web-vip", 1, secret))
 * }</pre>
 *
 * <p>The key is derived from the secret with PBKDF2-HMAC-SHA256 (600,000 iterations, salted with the group id), once,
 * in the factory method: it takes a few hundred milliseconds, on the calling thread. Neither the secret nor the key is
 * kept by this object in a form a getter returns; the group zeroes its own copy of the key when it closes.
 *
 * <p>Changing the key without a flap, on a running group ({@link CarpGroup#setAuthentication}), in three steps, each
 * done on every node before the next: (1) keep sending with the old key and also accept the new one,
 * {@code replayProtected(id, 1, old).alsoAccepting(2, neu)}; (2) send with the new key and still accept the old one,
 * {@code replayProtected(id, 2, neu).alsoAccepting(1, old)}; (3) only the new key, {@code replayProtected(id, 2, neu)}.
 * Immutable and thread-safe.
 */
public final class Authentication {
    /** Shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_LENGTH = 8;
    /** Longest secret accepted, in bytes. */
    public static final int MAX_SECRET_LENGTH = 1024;

    static {
        Secrets.installAuthenticationAccess(a -> ((Authentication) a).keys);
    }

    private final AuthKeys keys;

    private Authentication(AuthKeys keys) {
        this.keys = keys;
    }

    /**
     * The replay-protected mode with one key.
     *
     * @param groupId the same on every node of the group, e.g. the service name (1-64 bytes in UTF-8); it salts the
     *                key derivation, so one secret gives unrelated keys in two groups
     * @param keyId   0-255, sent in every advert so that receivers pick the right key while keys change
     * @param secret  8-1024 bytes, shared by every node; prefer 16 or more random bytes
     * @return the mode
     * @throws IllegalArgumentException naming the field and what is allowed (never showing the secret)
     */
    public static Authentication replayProtected(String groupId, int keyId, byte[] secret) {
        AuthKeys.checkGroupId(groupId);
        AuthKeys.checkKeyId(keyId);
        return new Authentication(new AuthKeys(groupId, keyId, Map.of(keyId, derive(groupId, secret))));
    }

    /**
     * The replay-protected mode with one key, the secret given as text (taken as UTF-8).
     *
     * @param groupId see {@link #replayProtected(String, int, byte[])}
     * @param keyId   0-255
     * @param secret  8-1024 bytes in UTF-8
     * @return the mode
     */
    public static Authentication replayProtected(String groupId, int keyId, String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return replayProtected(groupId, keyId, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * The same mode, sending with the same key, that also accepts adverts made with a second key: a step of a key
     * change (see the class comment).
     *
     * @param keyId  0-255, not the id of the key already here
     * @param secret 8-1024 bytes
     * @return a new mode with two keys
     * @throws IllegalStateException if this mode already has two keys
     */
    public Authentication alsoAccepting(int keyId, byte[] secret) {
        AuthKeys.checkKeyId(keyId);
        if (keys.keyIds().size() >= 2) {
            throw new IllegalStateException("alsoAccepting(" + keyId + "): this mode already accepts keys "
                    + keys.keyIds() + " (expected: at most two keys, the old and the new one)");
        }
        if (keys.keyIds().contains(keyId)) {
            throw new IllegalArgumentException("keyId: " + keyId + " (expected: an id other than the sending key's)");
        }
        Map<Integer, byte[]> masters = new LinkedHashMap<>();
        byte[] sending = null;
        byte[] other = derive(keys.groupId(), secret);
        try {
            masters.put(keys.sendKeyId(), sending = keys.masterCopy(keys.sendKeyId()));
            masters.put(keyId, other);
            return new Authentication(new AuthKeys(keys.groupId(), keys.sendKeyId(), masters));
        } finally {
            if (sending != null) {
                Arrays.fill(sending, (byte) 0);
            }
            Arrays.fill(other, (byte) 0);
        }
    }

    /**
     * {@link #alsoAccepting(int, byte[])} with the secret as text (UTF-8).
     *
     * @param keyId  0-255
     * @param secret 8-1024 bytes in UTF-8
     * @return a new mode with two keys
     */
    public Authentication alsoAccepting(int keyId, String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return alsoAccepting(keyId, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** {@return the group id the keys were derived with; never {@code null}} */
    public String groupId() {
        return keys.groupId();
    }

    /** {@return the id of the key adverts are sent with} */
    public int sendKeyId() {
        return keys.sendKeyId();
    }

    /** {@return the ids of the keys accepted on receipt (one, or two while a key changes), ascending; unmodifiable} */
    public Set<Integer> acceptedKeyIds() {
        return keys.keyIds();
    }

    private static byte[] derive(String groupId, byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("secret: " + secret.length + " bytes (expected: 8-1024 bytes; prefer"
                    + " 16 or more random bytes)");
        }
        return AuthKeys.deriveMaster(groupId, secret);
    }

    /** {@code replay-protected(group "web-vip", sends key 2, accepts keys [1, 2])}: never a secret. */
    @Override
    public String toString() {
        return "replay-protected(" + keys + ")";
    }
}
