package io.carp.internal.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * HMAC-SHA1 of CARP advertisements, exactly as FreeBSD, OpenBSD and ucarp compute it (FreeBSD sys/netinet/ip_carp.c carp_hmac_prepare and carp_hmac_generate; ucarp src/carp.c).
 *
 * <p>Key: the password bytes (the kernels zero-pad them to 20 bytes, which does not change HMAC). Message:
 * {@code 0x02 0x01 [lladdr(6), OpenBSD only] vhid, every IPv4 address of the group sorted ascending, every IPv6
 * address sorted ascending (scope id not included), counter (8 bytes, big-endian)}. advbase, advskew, demote and the
 * checksum are not authenticated.
 *
 * <p>The constant part of the message is prepared once, as {@code carp_hmac_prepare()} does. HMAC (RFC 2104) is
 * computed over {@link MessageDigest} SHA-1 directly rather than {@code javax.crypto.Mac}, because the JDK's
 * {@code Mac.doFinal} allocates on every call and an advertisement should cost no garbage; the golden vectors of
 * CarpAuthenticatorTest pin the result. Each hash gets its whole input in one array (ipad block, prefix, counter; then
 * opad block and inner digest, which the inner {@code digest} writes in place), so an advert costs two
 * {@code update} and two {@code digest} calls over the JDK's SHA-1, which uses the CPU's SHA instructions where there
 * are some. That is four SHA-1 compressions; keeping the keyed states after the ipad and opad blocks would save two,
 * but {@code MessageDigest} restores a state only through {@code clone()}, which allocates, and a SHA-1 compression
 * in plain Java costs more than the two it saves (carp-benchmarks' {@code HmacSha1Benchmark} measures both). Not
 * thread-safe: each group keeps its own instance on its protocol thread.
 */
public final class CarpAuthenticator {
    private static final int SHA1_BLOCK = 64;
    private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final MessageDigest sha1;
    /** The inner hash's input: ipad block, the constant prefix, then the counter, rewritten per advert. */
    private final byte[] innerInput;
    /** The outer hash's input: opad block, then the inner digest, written in place per advert. */
    private final byte[] outerInput = new byte[SHA1_BLOCK + CarpConstants.CARP_MD_LEN];
    private final int counterOffset;
    private final byte[] scratch = new byte[CarpConstants.CARP_MD_LEN];

    /**
     * Prepares an authenticator.
     *
     * @param key       the password bytes (1-20 bytes; 20 zero bytes is the BSD key when no password is set)
     * @param vhid      the virtual host id
     * @param addresses every virtual address of the group, in any order
     */
    public CarpAuthenticator(byte[] key, int vhid, Collection<? extends InetAddress> addresses) {
        this(key, vhid, addresses, null);
    }

    /**
     * Prepares an authenticator that also hashes a link-layer address after the type byte, as OpenBSD does when its
     * carp interface's lladdr was set by hand to something other than the default virtual MAC.
     *
     * @param key       the password bytes
     * @param vhid      the virtual host id
     * @param addresses every virtual address of the group
     * @param lladdr    6 bytes, or {@code null} for the usual message (FreeBSD, ucarp, OpenBSD default)
     */
    public CarpAuthenticator(byte[] key, int vhid, Collection<? extends InetAddress> addresses, byte[] lladdr) {
        if (key.length == 0 || key.length > SHA1_BLOCK) {
            throw new IllegalArgumentException("key: " + key.length + " bytes (expected: 1-20 bytes)");
        }
        byte[] prefix = messagePrefix(vhid, addresses, lladdr);
        this.innerInput = new byte[SHA1_BLOCK + prefix.length + 8];
        this.counterOffset = SHA1_BLOCK + prefix.length;
        System.arraycopy(prefix, 0, innerInput, SHA1_BLOCK, prefix.length);
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
        for (int i = 0; i < SHA1_BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerInput[i] = (byte) (k ^ 0x36);
            outerInput[i] = (byte) (k ^ 0x5c);
        }
    }

    /**
     * The exact HMAC input for the given values, for tests and diagnostics.
     *
     * @param vhid      the virtual host id
     * @param addresses every virtual address of the group
     * @param counter   the counter
     * @return {@code 02 01 vhid ipv4... ipv6... counter}
     */
    public static byte[] message(int vhid, Collection<? extends InetAddress> addresses, long counter) {
        byte[] prefix = messagePrefix(vhid, addresses, null);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(counter).array();
    }

    private static byte[] messagePrefix(int vhid, Collection<? extends InetAddress> addresses, byte[] lladdr) {
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address) {
                v4.add(a.getAddress());
            } else if (a instanceof Inet6Address) {
                v6.add(a.getAddress()); // getAddress() never embeds a scope id: the BSD scope word is already zero
            } else {
                throw new IllegalArgumentException("unknown address family: " + a);
            }
        }
        v4.sort(UNSIGNED);  // FreeBSD sorts by ntohl(): unsigned, most significant byte first
        v6.sort(UNSIGNED);  // memcmp order
        if (lladdr != null && lladdr.length != 6) {
            throw new IllegalArgumentException("lladdr: " + lladdr.length + " bytes (expected: 6 bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate(3 + (lladdr == null ? 0 : 6) + 4 * v4.size() + 16 * v6.size());
        b.put((byte) CarpConstants.CARP_VERSION).put((byte) CarpConstants.CARP_ADVERTISEMENT);
        if (lladdr != null) {
            b.put(lladdr);
        }
        b.put((byte) vhid);
        v4.forEach(b::put);
        v6.forEach(b::put);
        return b.array();
    }

    /**
     * Computes the digest for a counter into {@code out[offset..offset+20)}.
     *
     * @param counter the advertisement's counter
     * @param out     destination
     * @param offset  where the 20 bytes go
     */
    public void digest(long counter, byte[] out, int offset) {
        // Checked before the Mac is touched: a failed doFinal would leave it updated and corrupt the next digest.
        if (offset < 0 || offset > out.length - CarpConstants.CARP_MD_LEN) {
            throw new IllegalArgumentException("out: need 20 bytes at offset " + offset + " of a " + out.length
                    + "-byte array");
        }
        LONG_BE.set(innerInput, counterOffset, counter);
        try {
            sha1.update(innerInput);
            sha1.digest(outerInput, SHA1_BLOCK, CarpConstants.CARP_MD_LEN);
            sha1.update(outerInput);
            sha1.digest(out, offset, CarpConstants.CARP_MD_LEN);
        } catch (DigestException e) {
            sha1.reset();
            throw new IllegalStateException("SHA-1 digest of 20 bytes did not fit a checked 20-byte buffer", e);
        }
    }

    /**
     * Computes the digest for a counter.
     *
     * @param counter the advertisement's counter
     * @return the 20-byte HMAC-SHA1
     */
    public byte[] digest(long counter) {
        byte[] md = new byte[CarpConstants.CARP_MD_LEN];
        digest(counter, md, 0);
        return md;
    }

    /**
     * Whether the advertisement's digest is the one our password and addresses give for its counter. Compares in
     * constant time.
     *
     * @param advertisement a received advertisement
     * @return {@code true} if authentic
     */
    public boolean verify(CarpAdvertisement advertisement) {
        digest(advertisement.counter(), scratch, 0);
        return advertisement.mdEquals(scratch);
    }

    /** Zeroes the padded keys (which are the password XOR a constant); the instance must not be used afterwards. */
    public void destroy() {
        Arrays.fill(innerInput, 0, SHA1_BLOCK, (byte) 0);
        Arrays.fill(outerInput, (byte) 0);
        Arrays.fill(scratch, (byte) 0);
        sha1.reset();
    }
}
