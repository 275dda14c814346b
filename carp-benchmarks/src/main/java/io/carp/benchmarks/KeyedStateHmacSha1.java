package io.carp.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * HMAC-SHA1 (RFC 2104; SHA-1 of FIPS 180-4 section 6.1) that keeps the SHA-1 states after the key's ipad and opad
 * blocks and starts every MAC from them: two SHA-1 compressions for a short message instead of four. A candidate for
 * CarpAuthenticator that was measured and not taken: on a CPU with SHA instructions, which the JDK's SHA-1 uses, one
 * plain-Java compression costs more than two of the JDK's (see docs/PERFORMANCE.md, issue 14). It stays here so that
 * {@link HmacSha1Benchmark} can repeat the comparison on other CPUs (without SHA instructions the JDK compresses in
 * Java too, and halving the compressions may win). The benchmark checks it against {@code javax.crypto.Mac} before
 * it measures. Allocation-free after construction; no table look-ups or branches on data. Not thread-safe.
 */
public final class KeyedStateHmacSha1 {
    /** SHA-1 block length, bytes. */
    public static final int BLOCK = 64;
    /** Tag length, bytes. */
    public static final int LENGTH = 20;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int K0 = 0x5a827999;
    private static final int K1 = 0x6ed9eba1;
    private static final int K2 = 0x8f1bbcdc;
    private static final int K3 = 0xca62c1d6;
    /** Bits hashed before the outer block's content: the opad block. The outer input is opad(64) + inner tag(20). */
    private static final long OUTER_BITS = (BLOCK + LENGTH) * 8L;

    /** SHA-1 state after the ipad block, and after the opad block. */
    private final int[] innerStart = new int[5];
    private final int[] outerStart = new int[5];
    /** The running state. */
    private final int[] h = new int[5];
    /** The inner hash's last block(s): the message's tail, padding and length. */
    private final byte[] tail = new byte[2 * BLOCK];
    /** The outer hash's only block: the inner tag, then constant padding and length. */
    private final byte[] outer = new byte[BLOCK];

    /**
     * Prepares an HMAC with a key.
     *
     * @param key any length; longer than 64 bytes is hashed first, as RFC 2104 section 2 says
     */
    public KeyedStateHmacSha1(byte[] key) {
        byte[] k = key.length > BLOCK ? sha1().digest(key) : key;
        byte[] pad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
        }
        reset(innerStart);
        compress(innerStart, pad, 0);
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
        }
        reset(outerStart);
        compress(outerStart, pad, 0);
        Arrays.fill(pad, (byte) 0);
        if (k != key) {
            Arrays.fill(k, (byte) 0);
        }
        outer[LENGTH] = (byte) 0x80;
        LONG_BE.set(outer, BLOCK - 8, OUTER_BITS);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    private static void reset(int[] s) {
        s[0] = 0x67452301;
        s[1] = 0xefcdab89;
        s[2] = 0x98badcfe;
        s[3] = 0x10325476;
        s[4] = 0xc3d2e1f0;
    }

    /**
     * Computes the MAC of {@code message[off..off+len)} into {@code out[outOff..outOff+20)}.
     *
     * @param message the message
     * @param off     where it starts
     * @param len     its length, bytes
     * @param out     destination
     * @param outOff  where the 20 bytes go
     * @throws IndexOutOfBoundsException if a range is outside its array (checked before anything is computed)
     */
    public void mac(byte[] message, int off, int len, byte[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, message.length);
        Objects.checkFromIndexSize(outOff, LENGTH, out.length);
        int[] s = h;
        System.arraycopy(innerStart, 0, s, 0, 5);
        int whole = len & ~(BLOCK - 1);
        for (int i = 0; i < whole; i += BLOCK) {
            compress(s, message, off + i);
        }
        // Padding (FIPS 180-4 section 5.1.1): 0x80, zeros, the bit length of ipad block + message, one or two blocks.
        int rest = len - whole;
        int blocks = rest < BLOCK - 8 ? 1 : 2;
        byte[] t = tail;
        System.arraycopy(message, off + whole, t, 0, rest);
        t[rest] = (byte) 0x80;
        Arrays.fill(t, rest + 1, blocks * BLOCK - 8, (byte) 0);
        LONG_BE.set(t, blocks * BLOCK - 8, (BLOCK + (long) len) * 8);
        compress(s, t, 0);
        if (blocks == 2) {
            compress(s, t, BLOCK);
        }
        byte[] o = outer;
        for (int i = 0; i < 5; i++) {
            INT_BE.set(o, 4 * i, s[i]);
        }
        System.arraycopy(outerStart, 0, s, 0, 5);
        compress(s, o, 0);
        for (int i = 0; i < 5; i++) {
            INT_BE.set(out, outOff + 4 * i, s[i]);
        }
    }

    /** Zeroes the keyed states and buffers; the instance must not be used afterwards. */
    public void destroy() {
        Arrays.fill(innerStart, 0);
        Arrays.fill(outerStart, 0);
        Arrays.fill(h, 0);
        Arrays.fill(tail, (byte) 0);
        Arrays.fill(outer, (byte) 0);
    }

    /**
     * One SHA-1 compression (FIPS 180-4 section 6.1.2) of {@code b[off..off+64)} into {@code h}. The 80 rounds are
     * written out, with the message schedule in 16 local variables (W[t] for t >= 16 overwrites W[t - 16]) and the
     * working variables renamed instead of moved each round, so the JIT keeps everything in registers.
     */
    static void compress(int[] h, byte[] b, int off) {
        int w0 = (int) INT_BE.get(b, off + 0);
        int w1 = (int) INT_BE.get(b, off + 4);
        int w2 = (int) INT_BE.get(b, off + 8);
        int w3 = (int) INT_BE.get(b, off + 12);
        int w4 = (int) INT_BE.get(b, off + 16);
        int w5 = (int) INT_BE.get(b, off + 20);
        int w6 = (int) INT_BE.get(b, off + 24);
        int w7 = (int) INT_BE.get(b, off + 28);
        int w8 = (int) INT_BE.get(b, off + 32);
        int w9 = (int) INT_BE.get(b, off + 36);
        int w10 = (int) INT_BE.get(b, off + 40);
        int w11 = (int) INT_BE.get(b, off + 44);
        int w12 = (int) INT_BE.get(b, off + 48);
        int w13 = (int) INT_BE.get(b, off + 52);
        int w14 = (int) INT_BE.get(b, off + 56);
        int w15 = (int) INT_BE.get(b, off + 60);
        int a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
        e += Integer.rotateLeft(a, 5) + (d ^ (bb & (c ^ d))) + K0 + w0;
        bb = Integer.rotateLeft(bb, 30);
        d += Integer.rotateLeft(e, 5) + (c ^ (a & (bb ^ c))) + K0 + w1;
        a = Integer.rotateLeft(a, 30);
        c += Integer.rotateLeft(d, 5) + (bb ^ (e & (a ^ bb))) + K0 + w2;
        e = Integer.rotateLeft(e, 30);
        bb += Integer.rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + K0 + w3;
        d = Integer.rotateLeft(d, 30);
        a += Integer.rotateLeft(bb, 5) + (e ^ (c & (d ^ e))) + K0 + w4;
        c = Integer.rotateLeft(c, 30);
        e += Integer.rotateLeft(a, 5) + (d ^ (bb & (c ^ d))) + K0 + w5;
        bb = Integer.rotateLeft(bb, 30);
        d += Integer.rotateLeft(e, 5) + (c ^ (a & (bb ^ c))) + K0 + w6;
        a = Integer.rotateLeft(a, 30);
        c += Integer.rotateLeft(d, 5) + (bb ^ (e & (a ^ bb))) + K0 + w7;
        e = Integer.rotateLeft(e, 30);
        bb += Integer.rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + K0 + w8;
        d = Integer.rotateLeft(d, 30);
        a += Integer.rotateLeft(bb, 5) + (e ^ (c & (d ^ e))) + K0 + w9;
        c = Integer.rotateLeft(c, 30);
        e += Integer.rotateLeft(a, 5) + (d ^ (bb & (c ^ d))) + K0 + w10;
        bb = Integer.rotateLeft(bb, 30);
        d += Integer.rotateLeft(e, 5) + (c ^ (a & (bb ^ c))) + K0 + w11;
        a = Integer.rotateLeft(a, 30);
        c += Integer.rotateLeft(d, 5) + (bb ^ (e & (a ^ bb))) + K0 + w12;
        e = Integer.rotateLeft(e, 30);
        bb += Integer.rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + K0 + w13;
        d = Integer.rotateLeft(d, 30);
        a += Integer.rotateLeft(bb, 5) + (e ^ (c & (d ^ e))) + K0 + w14;
        c = Integer.rotateLeft(c, 30);
        e += Integer.rotateLeft(a, 5) + (d ^ (bb & (c ^ d))) + K0 + w15;
        bb = Integer.rotateLeft(bb, 30);
        w0 = Integer.rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        d += Integer.rotateLeft(e, 5) + (c ^ (a & (bb ^ c))) + K0 + w0;
        a = Integer.rotateLeft(a, 30);
        w1 = Integer.rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        c += Integer.rotateLeft(d, 5) + (bb ^ (e & (a ^ bb))) + K0 + w1;
        e = Integer.rotateLeft(e, 30);
        w2 = Integer.rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        bb += Integer.rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + K0 + w2;
        d = Integer.rotateLeft(d, 30);
        w3 = Integer.rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        a += Integer.rotateLeft(bb, 5) + (e ^ (c & (d ^ e))) + K0 + w3;
        c = Integer.rotateLeft(c, 30);
        w4 = Integer.rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K1 + w4;
        bb = Integer.rotateLeft(bb, 30);
        w5 = Integer.rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K1 + w5;
        a = Integer.rotateLeft(a, 30);
        w6 = Integer.rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K1 + w6;
        e = Integer.rotateLeft(e, 30);
        w7 = Integer.rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K1 + w7;
        d = Integer.rotateLeft(d, 30);
        w8 = Integer.rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K1 + w8;
        c = Integer.rotateLeft(c, 30);
        w9 = Integer.rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K1 + w9;
        bb = Integer.rotateLeft(bb, 30);
        w10 = Integer.rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K1 + w10;
        a = Integer.rotateLeft(a, 30);
        w11 = Integer.rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K1 + w11;
        e = Integer.rotateLeft(e, 30);
        w12 = Integer.rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K1 + w12;
        d = Integer.rotateLeft(d, 30);
        w13 = Integer.rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K1 + w13;
        c = Integer.rotateLeft(c, 30);
        w14 = Integer.rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K1 + w14;
        bb = Integer.rotateLeft(bb, 30);
        w15 = Integer.rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K1 + w15;
        a = Integer.rotateLeft(a, 30);
        w0 = Integer.rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K1 + w0;
        e = Integer.rotateLeft(e, 30);
        w1 = Integer.rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K1 + w1;
        d = Integer.rotateLeft(d, 30);
        w2 = Integer.rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K1 + w2;
        c = Integer.rotateLeft(c, 30);
        w3 = Integer.rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K1 + w3;
        bb = Integer.rotateLeft(bb, 30);
        w4 = Integer.rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K1 + w4;
        a = Integer.rotateLeft(a, 30);
        w5 = Integer.rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K1 + w5;
        e = Integer.rotateLeft(e, 30);
        w6 = Integer.rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K1 + w6;
        d = Integer.rotateLeft(d, 30);
        w7 = Integer.rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K1 + w7;
        c = Integer.rotateLeft(c, 30);
        w8 = Integer.rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        e += Integer.rotateLeft(a, 5) + ((bb & c) | (d & (bb | c))) + K2 + w8;
        bb = Integer.rotateLeft(bb, 30);
        w9 = Integer.rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        d += Integer.rotateLeft(e, 5) + ((a & bb) | (c & (a | bb))) + K2 + w9;
        a = Integer.rotateLeft(a, 30);
        w10 = Integer.rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        c += Integer.rotateLeft(d, 5) + ((e & a) | (bb & (e | a))) + K2 + w10;
        e = Integer.rotateLeft(e, 30);
        w11 = Integer.rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        bb += Integer.rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + K2 + w11;
        d = Integer.rotateLeft(d, 30);
        w12 = Integer.rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        a += Integer.rotateLeft(bb, 5) + ((c & d) | (e & (c | d))) + K2 + w12;
        c = Integer.rotateLeft(c, 30);
        w13 = Integer.rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        e += Integer.rotateLeft(a, 5) + ((bb & c) | (d & (bb | c))) + K2 + w13;
        bb = Integer.rotateLeft(bb, 30);
        w14 = Integer.rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        d += Integer.rotateLeft(e, 5) + ((a & bb) | (c & (a | bb))) + K2 + w14;
        a = Integer.rotateLeft(a, 30);
        w15 = Integer.rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        c += Integer.rotateLeft(d, 5) + ((e & a) | (bb & (e | a))) + K2 + w15;
        e = Integer.rotateLeft(e, 30);
        w0 = Integer.rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        bb += Integer.rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + K2 + w0;
        d = Integer.rotateLeft(d, 30);
        w1 = Integer.rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        a += Integer.rotateLeft(bb, 5) + ((c & d) | (e & (c | d))) + K2 + w1;
        c = Integer.rotateLeft(c, 30);
        w2 = Integer.rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        e += Integer.rotateLeft(a, 5) + ((bb & c) | (d & (bb | c))) + K2 + w2;
        bb = Integer.rotateLeft(bb, 30);
        w3 = Integer.rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        d += Integer.rotateLeft(e, 5) + ((a & bb) | (c & (a | bb))) + K2 + w3;
        a = Integer.rotateLeft(a, 30);
        w4 = Integer.rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        c += Integer.rotateLeft(d, 5) + ((e & a) | (bb & (e | a))) + K2 + w4;
        e = Integer.rotateLeft(e, 30);
        w5 = Integer.rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        bb += Integer.rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + K2 + w5;
        d = Integer.rotateLeft(d, 30);
        w6 = Integer.rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        a += Integer.rotateLeft(bb, 5) + ((c & d) | (e & (c | d))) + K2 + w6;
        c = Integer.rotateLeft(c, 30);
        w7 = Integer.rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        e += Integer.rotateLeft(a, 5) + ((bb & c) | (d & (bb | c))) + K2 + w7;
        bb = Integer.rotateLeft(bb, 30);
        w8 = Integer.rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        d += Integer.rotateLeft(e, 5) + ((a & bb) | (c & (a | bb))) + K2 + w8;
        a = Integer.rotateLeft(a, 30);
        w9 = Integer.rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        c += Integer.rotateLeft(d, 5) + ((e & a) | (bb & (e | a))) + K2 + w9;
        e = Integer.rotateLeft(e, 30);
        w10 = Integer.rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        bb += Integer.rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + K2 + w10;
        d = Integer.rotateLeft(d, 30);
        w11 = Integer.rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        a += Integer.rotateLeft(bb, 5) + ((c & d) | (e & (c | d))) + K2 + w11;
        c = Integer.rotateLeft(c, 30);
        w12 = Integer.rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K3 + w12;
        bb = Integer.rotateLeft(bb, 30);
        w13 = Integer.rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K3 + w13;
        a = Integer.rotateLeft(a, 30);
        w14 = Integer.rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K3 + w14;
        e = Integer.rotateLeft(e, 30);
        w15 = Integer.rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K3 + w15;
        d = Integer.rotateLeft(d, 30);
        w0 = Integer.rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K3 + w0;
        c = Integer.rotateLeft(c, 30);
        w1 = Integer.rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K3 + w1;
        bb = Integer.rotateLeft(bb, 30);
        w2 = Integer.rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K3 + w2;
        a = Integer.rotateLeft(a, 30);
        w3 = Integer.rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K3 + w3;
        e = Integer.rotateLeft(e, 30);
        w4 = Integer.rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K3 + w4;
        d = Integer.rotateLeft(d, 30);
        w5 = Integer.rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K3 + w5;
        c = Integer.rotateLeft(c, 30);
        w6 = Integer.rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K3 + w6;
        bb = Integer.rotateLeft(bb, 30);
        w7 = Integer.rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K3 + w7;
        a = Integer.rotateLeft(a, 30);
        w8 = Integer.rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K3 + w8;
        e = Integer.rotateLeft(e, 30);
        w9 = Integer.rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K3 + w9;
        d = Integer.rotateLeft(d, 30);
        w10 = Integer.rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K3 + w10;
        c = Integer.rotateLeft(c, 30);
        w11 = Integer.rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        e += Integer.rotateLeft(a, 5) + (bb ^ c ^ d) + K3 + w11;
        bb = Integer.rotateLeft(bb, 30);
        w12 = Integer.rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        d += Integer.rotateLeft(e, 5) + (a ^ bb ^ c) + K3 + w12;
        a = Integer.rotateLeft(a, 30);
        w13 = Integer.rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        c += Integer.rotateLeft(d, 5) + (e ^ a ^ bb) + K3 + w13;
        e = Integer.rotateLeft(e, 30);
        w14 = Integer.rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        bb += Integer.rotateLeft(c, 5) + (d ^ e ^ a) + K3 + w14;
        d = Integer.rotateLeft(d, 30);
        w15 = Integer.rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        a += Integer.rotateLeft(bb, 5) + (c ^ d ^ e) + K3 + w15;
        c = Integer.rotateLeft(c, 30);
        h[0] += a;
        h[1] += bb;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
}
