package io.carp.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA1 of CARP advertisements, exactly as FreeBSD, OpenBSD and ucarp compute it (carp-anchors §1.6).
 *
 * <p>Key: the password bytes (the kernels zero-pad them to 20 bytes, which does not change HMAC). Message:
 * {@code 0x02 0x01 [lladdr(6), OpenBSD only] vhid, every IPv4 address of the group sorted ascending, every IPv6
 * address sorted ascending (scope id not included), counter (8 bytes, big-endian)}. advbase, advskew, demote and the
 * checksum are not authenticated.
 *
 * <p>The constant part of the message is prepared once, as {@code carp_hmac_prepare()} does. Not thread-safe: each
 * group keeps its own instance on its protocol thread.
 */
public final class CarpAuthenticator {
    private static final String HMAC_SHA1 = "HmacSHA1";
    private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private final Mac mac;
    private final byte[] prefix;
    private final byte[] counterBytes = new byte[8];
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
        if (key.length == 0) {
            throw new IllegalArgumentException("key: 0 bytes (expected: 1-20 bytes)");
        }
        this.prefix = messagePrefix(vhid, addresses, lladdr);
        try {
            this.mac = Mac.getInstance(HMAC_SHA1);
            this.mac.init(new SecretKeySpec(key, HMAC_SHA1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every Java platform", e);
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
        for (int i = 7; i >= 0; i--) {
            counterBytes[i] = (byte) counter;
            counter >>>= 8;
        }
        mac.update(prefix);
        mac.update(counterBytes);
        try {
            mac.doFinal(out, offset);
        } catch (javax.crypto.ShortBufferException e) {
            mac.reset();
            throw new IllegalStateException("HmacSHA1 wrote more than 20 bytes", e);
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
}
