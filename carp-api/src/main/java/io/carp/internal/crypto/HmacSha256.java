package io.carp.internal.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) over {@link MessageDigest}, with its padded keys held in arrays this class owns so
 * that {@link #destroy()} can zero them ({@code javax.crypto.Mac} keeps its key where nobody can wipe it). Tests check
 * it against {@code javax.crypto.Mac}. Not thread-safe.
 */
public final class HmacSha256 {
    /** SHA-256 block length, bytes. */
    public static final int BLOCK = 64;
    /** Tag length, bytes. */
    public static final int LENGTH = 32;

    private final MessageDigest sha256;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    /**
     * Prepares an HMAC with a key.
     *
     * @param key any length; longer than 64 bytes is hashed first, as RFC 2104 says
     */
    public HmacSha256(byte[] key) {
        this.sha256 = newSha256();
        byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5c);
        }
        if (k != key) {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** A new SHA-256 digest. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Starts a MAC: feed the message with {@link #update} and end with {@link #doFinal}. */
    public HmacSha256 begin() {
        sha256.reset();
        sha256.update(ipad);
        return this;
    }

    /** Feeds part of an array. */
    public HmacSha256 update(byte[] b, int off, int len) {
        sha256.update(b, off, len);
        return this;
    }

    /** Feeds an array. */
    public HmacSha256 update(byte[] b) {
        sha256.update(b);
        return this;
    }

    /** Feeds one byte. */
    public HmacSha256 update(byte b) {
        sha256.update(b);
        return this;
    }

    /**
     * Ends the MAC begun by {@link #begin()}.
     *
     * @param out    destination of the 32 bytes
     * @param offset where they go
     */
    public void doFinal(byte[] out, int offset) {
        if (offset < 0 || offset > out.length - LENGTH) {
            sha256.reset();
            throw new IllegalArgumentException("out: need 32 bytes at offset " + offset + " of a " + out.length
                    + "-byte array");
        }
        try {
            sha256.digest(inner, 0, LENGTH);
            sha256.update(opad);
            sha256.update(inner);
            sha256.digest(out, offset, LENGTH);
        } catch (DigestException e) {
            sha256.reset();
            throw new IllegalStateException("SHA-256 digest did not fit a checked 32-byte buffer", e);
        }
    }

    /** One-shot MAC of a message. */
    public byte[] mac(byte[] message) {
        byte[] out = new byte[LENGTH];
        begin().update(message).doFinal(out, 0);
        return out;
    }

    /** Zeroes the key material; the instance must not be used afterwards. */
    public void destroy() {
        Arrays.fill(ipad, (byte) 0);
        Arrays.fill(opad, (byte) 0);
        Arrays.fill(inner, (byte) 0);
        sha256.reset();
    }
}
