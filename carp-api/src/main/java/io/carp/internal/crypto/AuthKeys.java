package io.carp.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The keys of the replay-protected mode: a group id, the id of the key adverts are sent with, and one or two master
 * keys by id (two while a key is being changed). Immutable.
 *
 * <p>A master key is {@code PBKDF2-HMAC-SHA256(secret, salt, 600000 iterations, 32 bytes)} (RFC 8018 section 5.2)
 * with {@code salt = "carp4j/replay-protected/v1" 0x00 groupId(UTF-8)}, so that the same secret gives unrelated keys
 * in two deployments and a precomputed dictionary serves one group id only. The key of one vhid is
 * {@code HKDF-Expand(master, "carp4j/replay-protected/v1 vhid" vhid, 32)} (RFC 5869 section 2.3, one block), so the
 * slow derivation runs once per secret and each vhid still has its own key.
 */
public final class AuthKeys {
    /** PBKDF2 iterations: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Part of the wire format (version 1). */
    public static final int PBKDF2_ITERATIONS = 600_000;
    /** Length of master and vhid keys, bytes. */
    public static final int KEY_LENGTH = 32;
    /** Longest group id, in UTF-8 bytes. */
    public static final int MAX_GROUP_ID = 64;
    private static final byte[] LABEL = "carp4j/replay-protected/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VHID_INFO = "carp4j/replay-protected/v1 vhid".getBytes(StandardCharsets.US_ASCII);

    private final String groupId;
    private final int sendKeyId;
    private final Map<Integer, byte[]> masters;

    /**
     * A key set from master keys already derived.
     *
     * @param groupId   the group id the keys were derived with
     * @param sendKeyId the id adverts are sent with; must be in {@code masters}
     * @param masters   1 or 2 master keys of 32 bytes by id (0-255); copied
     */
    public AuthKeys(String groupId, int sendKeyId, Map<Integer, byte[]> masters) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        if (masters.isEmpty() || masters.size() > 2) {
            throw new IllegalArgumentException("keys: " + masters.size() + " (expected: 1 or 2)");
        }
        Map<Integer, byte[]> copy = new TreeMap<>();
        masters.forEach((id, key) -> {
            checkKeyId(id);
            if (key.length != KEY_LENGTH) {
                throw new IllegalArgumentException("key " + id + ": " + key.length + " bytes (expected: 32 bytes)");
            }
            copy.put(id, key.clone());
        });
        if (!copy.containsKey(sendKeyId)) {
            throw new IllegalArgumentException("sendKeyId: " + sendKeyId + " (expected: one of " + copy.keySet() + ")");
        }
        this.sendKeyId = sendKeyId;
        this.masters = Collections.unmodifiableMap(copy);
    }

    /**
     * Checks a key id.
     *
     * @param keyId the id
     * @return the id
     * @throws IllegalArgumentException if not 0-255
     */
    public static int checkKeyId(int keyId) {
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("keyId: " + keyId + " (expected: 0-255)");
        }
        return keyId;
    }

    /**
     * Checks a group id.
     *
     * @param groupId the id
     * @return the id
     * @throws IllegalArgumentException if empty or longer than 64 UTF-8 bytes
     */
    public static String checkGroupId(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        int length = groupId.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > MAX_GROUP_ID) {
            throw new IllegalArgumentException("groupId: \"" + groupId + "\" (expected: 1-64 bytes in UTF-8, the same"
                    + " on every node of the group, e.g. the service name)");
        }
        return groupId;
    }

    /** The group id the keys were derived with. */
    public String groupId() {
        return groupId;
    }

    /** The id of the key adverts are sent with. */
    public int sendKeyId() {
        return sendKeyId;
    }

    /** Every accepted key id, ascending. */
    public java.util.Set<Integer> keyIds() {
        return masters.keySet();
    }

    /**
     * The key of one vhid for one key id; the caller owns (and should zero) the array.
     *
     * @param keyId an id of {@link #keyIds()}
     * @param vhid  1-255
     * @return 32 bytes
     */
    public byte[] vhidKey(int keyId, int vhid) {
        byte[] master = masters.get(keyId);
        if (master == null) {
            throw new IllegalArgumentException("keyId: " + keyId + " (expected: one of " + masters.keySet() + ")");
        }
        return expand(master, vhid);
    }

    /**
     * A copy of one master key, to build a new key set from this one; the caller zeroes it.
     *
     * @param keyId an id of {@link #keyIds()}
     * @return 32 bytes
     */
    public byte[] masterCopy(int keyId) {
        byte[] master = masters.get(keyId);
        if (master == null) {
            throw new IllegalArgumentException("keyId: " + keyId + " (expected: one of " + masters.keySet() + ")");
        }
        return master.clone();
    }

    /**
     * Derives a master key from a secret: PBKDF2-HMAC-SHA256 with {@link #PBKDF2_ITERATIONS} iterations.
     *
     * @param groupId the group id (the salt)
     * @param secret  the secret; not changed
     * @return 32 bytes
     */
    public static byte[] deriveMaster(String groupId, byte[] secret) {
        return pbkdf2(secret, salt(checkGroupId(groupId)), PBKDF2_ITERATIONS);
    }

    static byte[] salt(String groupId) {
        byte[] id = groupId.getBytes(StandardCharsets.UTF_8);
        byte[] salt = Arrays.copyOf(LABEL, LABEL.length + 1 + id.length);
        System.arraycopy(id, 0, salt, LABEL.length + 1, id.length);
        return salt;
    }

    /** PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) of one 32-byte block. */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        HmacSha256 prf = new HmacSha256(password);
        try {
            byte[] u = new byte[KEY_LENGTH];
            prf.begin().update(salt).update(new byte[] {0, 0, 0, 1}).doFinal(u, 0);
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                prf.begin().update(u).doFinal(u, 0);
                for (int j = 0; j < KEY_LENGTH; j++) {
                    t[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            return t;
        } finally {
            prf.destroy();
        }
    }

    /** HKDF-Expand (RFC 5869 section 2.3) of one block: {@code HMAC(master, info || vhid || 0x01)}. */
    static byte[] expand(byte[] master, int vhid) {
        HmacSha256 prf = new HmacSha256(master);
        try {
            byte[] out = new byte[KEY_LENGTH];
            prf.begin().update(VHID_INFO).update((byte) vhid).update((byte) 1).doFinal(out, 0);
            return out;
        } finally {
            prf.destroy();
        }
    }

    @Override
    public String toString() {
        return "group \"" + groupId + "\", sends key " + sendKeyId + ", accepts keys " + masters.keySet();
    }
}
