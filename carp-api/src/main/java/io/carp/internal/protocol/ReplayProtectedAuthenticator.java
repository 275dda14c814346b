package io.carp.internal.protocol;

import io.carp.DropReason;
import io.carp.internal.crypto.AuthKeys;
import io.carp.internal.crypto.HmacSha256;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seals and opens the adverts of the replay-protected mode: the 36-byte CARP header (its digest field all zero)
 * followed by a 48-byte trailer carrying a key id, the sender's epoch and an HMAC-SHA256 over the whole advert; the
 * header's counter is the sender's sequence number in its epoch. The wire format is in {@code docs/SECURITY.md}.
 *
 * <pre>
 * trailer  0: magic 0x63 0x34 ("c4")     2: version 1       3: key id (0-255)
 *          4: reserved (0, 2 bytes)      6: checksum adjustment (2 bytes)
 *          8: epoch (8 bytes, big-endian: the sender's wall clock in ms when it started)
 *         16: HMAC-SHA256 tag (32 bytes)
 * </pre>
 *
 * <p>MAC input: {@code family (4 or 6), the sender's source address (4 or 16 bytes), the number of IPv4 virtual
 * addresses (2 bytes), those addresses sorted, the number of IPv6 ones (2 bytes), those sorted, then the 84 bytes of
 * header and trailer} with the CARP checksum, the adjustment and the tag set to zero. The adjustment makes the
 * trailer's one's-complement sum zero, so the CARP checksum is right both over the 36 header bytes (as ucarp and this
 * library check it) and over the whole payload (as FreeBSD checks it): a plain CARP peer drops the advert at its HMAC
 * check ({@code carps_badauth}, ucarp's "Bad digest"), never at its checksum.
 *
 * <p>Receiving: no trailer (a plain CARP advert) or an unknown trailer is refused; then the key id must be one we
 * accept, the tag must verify (constant time), and the (epoch, sequence) pair must pass the sender's
 * {@link ReplayWindow}. Not thread-safe: each group keeps one on its protocol thread.
 */
public final class ReplayProtectedAuthenticator {
    /** Length of the trailer. */
    public static final int TRAILER_LEN = 48;
    /** Length of a sealed advert: header and trailer. */
    public static final int PAYLOAD_LEN = CarpConstants.CARP_HEADER_LEN + TRAILER_LEN;
    /** Trailer version. */
    public static final int VERSION = 1;
    static final byte MAGIC_0 = 0x63;
    static final byte MAGIC_1 = 0x34;
    static final int T_VERSION = 2;
    static final int T_KEY_ID = 3;
    static final int T_ADJUST = 6;
    static final int T_EPOCH = 8;
    static final int T_TAG = 16;
    private static final byte[] ZERO_MD = new byte[CarpConstants.CARP_MD_LEN];
    private static final AtomicLong LAST_EPOCH = new AtomicLong();

    /** What {@link #open} decided about a received advert. */
    public enum Outcome {
        /** Authentic and newer than anything heard from the sender. */
        ACCEPTED(null),
        /** Authentic, from a sender that restarted (a newer epoch). */
        ACCEPTED_NEW_EPOCH(null),
        /** Authentic, inside the replay window and not seen before (reordered). */
        ACCEPTED_REORDERED(null),
        /** A plain CARP advert (no trailer): a peer that does not run the replay-protected mode. */
        PLAIN_CARP(DropReason.BAD_AUTH),
        /** Bytes after the header that are not a trailer of a version we know. */
        MALFORMED(DropReason.BAD_AUTH),
        /** A key id we do not accept. */
        UNKNOWN_KEY(DropReason.BAD_AUTH),
        /** The tag does not verify: another secret or group id, another address set, or a changed packet. */
        BAD_MAC(DropReason.BAD_AUTH),
        /** Authentic but already heard, or older than the sender's window or epoch: a replay. */
        REPLAY(DropReason.REPLAY);

        private final DropReason dropReason;

        Outcome(DropReason dropReason) {
            this.dropReason = dropReason;
        }

        /** Whether the advert is accepted. */
        public boolean accepted() {
            return dropReason == null;
        }

        /** The reason it is dropped under, or {@code null} if accepted. */
        public DropReason dropReason() {
            return dropReason;
        }
    }

    private final int vhid;
    private final byte[] addressPart;
    private final ReplayWindow window = new ReplayWindow();
    private final byte[] scratch = new byte[PAYLOAD_LEN];
    private final byte[] tag = new byte[HmacSha256.LENGTH];
    private final Map<Integer, HmacSha256> macs = new TreeMap<>();
    private AuthKeys keys;
    private HmacSha256 sendMac;
    private int lastKeyId = -1;
    private long lastEpoch;
    private long lastSeq;

    /**
     * Prepares the authenticator of one group.
     *
     * @param vhid      1-255
     * @param addresses every virtual address of the group
     * @param keys      the keys
     */
    public ReplayProtectedAuthenticator(int vhid, Collection<? extends InetAddress> addresses, AuthKeys keys) {
        this.vhid = vhid;
        this.addressPart = addressPart(addresses);
        setKeys(keys);
    }

    /**
     * Changes the keys (a key rotation step); the replay windows are kept.
     *
     * @param newKeys the new key set
     */
    public void setKeys(AuthKeys newKeys) {
        Map<Integer, HmacSha256> fresh = new TreeMap<>();
        for (int id : newKeys.keyIds()) {
            byte[] k = newKeys.vhidKey(id, vhid);
            fresh.put(id, new HmacSha256(k));
            Arrays.fill(k, (byte) 0);
        }
        macs.values().forEach(HmacSha256::destroy);
        macs.clear();
        macs.putAll(fresh);
        keys = newKeys;
        sendMac = macs.get(newKeys.sendKeyId());
    }

    /** The key set in use. */
    public AuthKeys keys() {
        return keys;
    }

    /**
     * A new epoch for a sender that starts now: its wall clock in milliseconds, but always above any epoch this
     * process gave out before, so that two groups started in the same millisecond, or a group rebuilt at once, never
     * reuse one.
     *
     * @param wallMillis the wall clock, ms since 1970
     * @return the epoch
     */
    public static long newEpoch(long wallMillis) {
        return LAST_EPOCH.updateAndGet(last -> Math.max(wallMillis, last + 1));
    }

    /**
     * Writes a sealed advert (84 bytes) at the buffer's position and advances it.
     *
     * @param out     at least 84 bytes remaining
     * @param source  the address the advert is sent from (the receiver checks it against the IP header)
     * @param advskew 0-255
     * @param demote  0-255
     * @param advbase 0-255
     * @param epoch   the sender's epoch ({@link #newEpoch})
     * @param seq     the sequence number in that epoch, one more for every advert sent
     */
    public void seal(ByteBuffer out, InetAddress source, int advskew, int demote, int advbase, long epoch, long seq) {
        int start = out.position();
        CarpCodec.encode(out, vhid, advskew, demote, advbase, seq, ZERO_MD);
        int t = out.position();
        out.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) keys.sendKeyId());
        out.putShort((short) 0).putShort((short) 0).putLong(epoch);
        out.put(new byte[HmacSha256.LENGTH]);
        for (int i = 0; i < PAYLOAD_LEN; i++) {
            scratch[i] = out.get(start + i);
        }
        scratch[6] = 0;
        scratch[7] = 0;
        mac(sendMac, source, scratch, tag);
        for (int i = 0; i < tag.length; i++) {
            out.put(t + T_TAG + i, tag[i]);
        }
        out.putShort(t + T_ADJUST, (short) InternetChecksum.compute(out, t, TRAILER_LEN));
    }

    /**
     * Checks a received advert and, if it is accepted, records it in the sender's replay window.
     *
     * @param source        the IP source of the packet
     * @param advertisement the decoded advert with its {@linkplain CarpAdvertisement#extension() extension}
     * @return the outcome; only an accepted one changes the window
     */
    public Outcome open(InetAddress source, CarpAdvertisement advertisement) {
        int extensionLength = advertisement.extensionLength();
        if (extensionLength == 0) {
            return Outcome.PLAIN_CARP;
        }
        byte[] ext = advertisement.extension();
        if (ext.length != TRAILER_LEN || ext[0] != MAGIC_0 || ext[1] != MAGIC_1 || ext[T_VERSION] != VERSION) {
            return Outcome.MALFORMED;
        }
        int keyId = ext[T_KEY_ID] & 0xff;
        HmacSha256 mac = macs.get(keyId);
        lastKeyId = keyId;
        if (mac == null) {
            return Outcome.UNKNOWN_KEY;
        }
        ByteBuffer b = ByteBuffer.wrap(scratch);
        b.put((byte) ((advertisement.version() << 4) | advertisement.type())).put((byte) advertisement.vhid())
                .put((byte) advertisement.advskew()).put((byte) advertisement.authlen())
                .put((byte) advertisement.demote()).put((byte) advertisement.advbase()).putShort((short) 0)
                .putLong(advertisement.counter());
        b.put(advertisement.md());
        b.put(ext);
        Arrays.fill(scratch, CarpConstants.CARP_HEADER_LEN + T_ADJUST, CarpConstants.CARP_HEADER_LEN + T_ADJUST + 2,
                (byte) 0);
        Arrays.fill(scratch, CarpConstants.CARP_HEADER_LEN + T_TAG, PAYLOAD_LEN, (byte) 0);
        mac(mac, source, scratch, tag);
        if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(ext, T_TAG, TRAILER_LEN))) {
            return Outcome.BAD_MAC;
        }
        long epoch = ByteBuffer.wrap(ext, T_EPOCH, 8).getLong();
        long seq = advertisement.counter();
        lastEpoch = epoch;
        lastSeq = seq;
        switch (window.accept(source, epoch, seq)) {
            case FRESH:
                return Outcome.ACCEPTED;
            case NEW_EPOCH:
                return Outcome.ACCEPTED_NEW_EPOCH;
            case REORDERED:
                return Outcome.ACCEPTED_REORDERED;
            default:
                return Outcome.REPLAY;
        }
    }

    /** The key id of the last advert opened, or -1: for logs. */
    public int lastKeyId() {
        return lastKeyId;
    }

    /** The epoch of the last advert whose tag verified: for logs. */
    public long lastEpoch() {
        return lastEpoch;
    }

    /** The sequence number of the last advert whose tag verified: for logs. */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * The epoch last accepted from a sender, for logs.
     *
     * @param sender the sender
     * @return the epoch, or -1 if none
     */
    public long acceptedEpochOf(InetAddress sender) {
        return window.epochOf(sender).orElse(-1);
    }

    /** Zeroes the keys; the instance must not be used afterwards. */
    public void destroy() {
        macs.values().forEach(HmacSha256::destroy);
        macs.clear();
        sendMac = null;
        Arrays.fill(scratch, (byte) 0);
        Arrays.fill(tag, (byte) 0);
    }

    private void mac(HmacSha256 mac, InetAddress source, byte[] payload, byte[] out) {
        mac.begin();
        byte[] src = source.getAddress();
        mac.update((byte) (src.length == 4 ? 4 : 6)).update(src);
        mac.update(addressPart).update(payload, 0, PAYLOAD_LEN);
        mac.doFinal(out, 0);
    }

    /** {@code count4(2) v4... count6(2) v6...}, each family sorted as unsigned bytes (as CARP's HMAC sorts them). */
    static byte[] addressPart(Collection<? extends InetAddress> addresses) {
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address) {
                v4.add(a.getAddress());
            } else if (a instanceof Inet6Address) {
                v6.add(a.getAddress());
            } else {
                throw new IllegalArgumentException("unknown address family: " + a);
            }
        }
        v4.sort(Arrays::compareUnsigned);
        v6.sort(Arrays::compareUnsigned);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * v4.size() + 16 * v6.size());
        b.putShort((short) v4.size());
        v4.forEach(b::put);
        b.putShort((short) v6.size());
        v6.forEach(b::put);
        return b.array();
    }
}
