package io.carp.internal.protocol;

import io.carp.IpFamily;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The IP envelopes (source, destination, TTL) of the packets a receiving thread saw last, so that a steady stream of
 * adverts from a few peers reads its envelope without allocating: the address bytes are compared as words, and an
 * {@link IpEnvelope} (with its {@link InetAddress} objects) is created only for a combination not in the cache. Used
 * by {@link CarpDecoder} and the VRRP decoder. Not thread-safe: one cache per receiving thread.
 */
public final class EnvelopeCache {
    /** Envelopes cached; a node hears few peers, so a handful covers the steady state. */
    private static final int CACHE = 8;

    private final IpEnvelope[] cache = new IpEnvelope[CACHE];
    /**
     * Each cached envelope's source and destination address bytes as big-endian words, four per slot: source high,
     * source low, destination high, destination low (IPv4: the low words only).
     */
    private final long[] cacheKeys = new long[4 * CACHE];
    private int nextSlot;

    /** An empty cache. */
    public EnvelopeCache() {
    }

    /**
     * The envelope of these address bytes and TTL: a cached one if it matches, else a new one put in the cache.
     *
     * @param family IPv4 (4-byte addresses) or IPv6 (16-byte addresses)
     * @param b      the packet
     * @param src    absolute index of the source address
     * @param dst    absolute index of the destination address
     * @param len    4 or 16
     * @param ttl    the TTL / hop limit
     * @return the envelope
     */
    public IpEnvelope envelope(IpFamily family, ByteBuffer b, int src, int dst, int len, int ttl) {
        boolean v4 = len == 4;
        long sourceHigh = v4 ? 0 : word64(b, src);
        long sourceLow = v4 ? word32(b, src) : word64(b, src + 8);
        long destinationHigh = v4 ? 0 : word64(b, dst);
        long destinationLow = v4 ? word32(b, dst) : word64(b, dst + 8);
        for (int i = 0; i < CACHE; i++) {
            IpEnvelope e = cache[i];
            int k = 4 * i;
            if (e != null && e.ttl() == ttl && e.family() == family && cacheKeys[k + 1] == sourceLow
                    && cacheKeys[k + 3] == destinationLow && cacheKeys[k] == sourceHigh
                    && cacheKeys[k + 2] == destinationHigh) {
                return e;
            }
        }
        IpEnvelope e = new IpEnvelope(family, address(bytes(b, src, len)), address(bytes(b, dst, len)), ttl);
        int slot = nextSlot;
        nextSlot = (slot + 1) % CACHE;
        cache[slot] = e;
        cacheKeys[4 * slot] = sourceHigh;
        cacheKeys[4 * slot + 1] = sourceLow;
        cacheKeys[4 * slot + 2] = destinationHigh;
        cacheKeys[4 * slot + 3] = destinationLow;
        return e;
    }

    /** Four bytes as a big-endian word, whatever the buffer's byte order. */
    private static long word32(ByteBuffer b, int off) {
        int v = b.getInt(off);
        return Integer.toUnsignedLong(b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v));
    }

    /** Eight bytes as a big-endian word whatever the buffer's byte order. */
    private static long word64(ByteBuffer b, int off) {
        long v = b.getLong(off);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] a = new byte[len];
        for (int i = 0; i < len; i++) {
            a[i] = b.get(off + i);
        }
        return a;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always a valid address", e);
        }
    }
}
