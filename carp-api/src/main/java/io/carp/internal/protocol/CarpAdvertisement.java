package io.carp.internal.protocol;

import io.carp.internal.time.CarpTiming;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A decoded 36-byte CARP header. Field names follow {@code struct carp_header} in the BSD {@code ip_carp.h}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  |     VHID      |    AdvSkew    |    Auth Len   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Demote (pad1) |    AdvBase    |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Counter (1)                           |
 * |                         Counter (2)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   SHA-1 HMAC (20 bytes)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Byte 4 is padding in FreeBSD and ucarp (always 0) and the demotion counter in OpenBSD; this library sends its
 * demotion there too, so OpenBSD peers and other instances of this library see it.
 *
 * <p>Immutable when built with the public constructor or {@link #copy()}. The instance a {@link CarpDecoder} hands
 * over is the decoder's own and is refilled by its next packet: valid during the call it is passed to.
 */
public final class CarpAdvertisement {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private int version;
    private int type;
    private int vhid;
    private int advskew;
    private int authlen;
    private int demote;
    private int advbase;
    private int checksum;
    private long counter;
    private final byte[] md;
    private byte[] extension;
    private int extensionLength;

    /**
     * Creates a header value. Fields are taken as unsigned bytes; {@code md} is copied.
     *
     * @param version  CARP version (2)
     * @param type     message type (1 = advertisement)
     * @param vhid     virtual host id
     * @param advskew  advertisement skew, in 1/256 s
     * @param authlen  authentication length in 32-bit words (7)
     * @param demote   OpenBSD demotion counter (0 from FreeBSD and ucarp)
     * @param advbase  advertisement base interval, in seconds
     * @param checksum the Internet checksum as carried in the packet
     * @param counter  the 64-bit counter
     * @param md       the 20-byte HMAC-SHA1 digest
     */
    public CarpAdvertisement(int version, int type, int vhid, int advskew, int authlen, int demote, int advbase,
                             int checksum, long counter, byte[] md) {
        this(version, type, vhid, advskew, authlen, demote, advbase, checksum, counter, md, NO_EXTENSION);
    }

    /**
     * Creates a header value followed by extension bytes (the replay-protected mode's trailer; see
     * {@code docs/SECURITY.md}). Fields are taken as unsigned bytes; {@code md} and {@code extension} are copied.
     *
     * @param version   CARP version (2)
     * @param type      message type (1 = advertisement)
     * @param vhid      virtual host id
     * @param advskew   advertisement skew, in 1/256 s
     * @param authlen   authentication length in 32-bit words (7)
     * @param demote    OpenBSD demotion counter (0 from FreeBSD and ucarp)
     * @param advbase   advertisement base interval, in seconds
     * @param checksum  the Internet checksum as carried in the packet
     * @param counter   the 64-bit counter
     * @param md        the 20-byte HMAC-SHA1 digest
     * @param extension the bytes after the 36-byte header, empty for a plain CARP advertisement
     */
    public CarpAdvertisement(int version, int type, int vhid, int advskew, int authlen, int demote, int advbase,
                             int checksum, long counter, byte[] md, byte[] extension) {
        if (md.length != CarpConstants.CARP_MD_LEN) {
            throw new IllegalArgumentException("md: " + md.length + " bytes (expected: 20 bytes)");
        }
        this.version = version;
        this.type = type;
        this.vhid = vhid;
        this.advskew = advskew;
        this.authlen = authlen;
        this.demote = demote;
        this.advbase = advbase;
        this.checksum = checksum;
        this.counter = counter;
        this.md = md.clone();
        this.extension = extension.length == 0 ? NO_EXTENSION : extension.clone();
        this.extensionLength = extension.length;
    }

    private static final byte[] NO_EXTENSION = new byte[0];

    /**
     * A copy of the bytes that followed the 36-byte header in the packet: empty for plain CARP (BSD kernels, ucarp and
     * this library send none), the 48-byte trailer of the replay-protected mode.
     */
    public byte[] extension() {
        return extensionLength == 0 ? NO_EXTENSION : Arrays.copyOf(extension, extensionLength);
    }

    /** How many bytes followed the 36-byte header. */
    public int extensionLength() {
        return extensionLength;
    }

    /** An empty advertisement that a {@link CarpDecoder} fills again for every packet it decodes. */
    CarpAdvertisement() {
        this.md = new byte[CarpConstants.CARP_MD_LEN];
        this.extension = NO_EXTENSION;
    }

    /**
     * Refills a decoder's advertisement from the header at {@code off} and the {@code extensionLength} bytes after it;
     * allocates nothing once its extension buffer is large enough (plain CARP has no extension).
     */
    void fill(java.nio.ByteBuffer b, int off, int extensionLength) {
        if (extension.length < extensionLength) {
            extension = new byte[Math.max(extensionLength, 64)];
        }
        b.get(off + CarpConstants.CARP_HEADER_LEN, extension, 0, extensionLength);
        this.extensionLength = extensionLength;
        int versionType = b.get(off) & 0xff;
        this.version = versionType >>> 4;
        this.type = versionType & 0x0f;
        this.vhid = b.get(off + 1) & 0xff;
        this.advskew = b.get(off + 2) & 0xff;
        this.authlen = b.get(off + 3) & 0xff;
        this.demote = b.get(off + 4) & 0xff;
        this.advbase = b.get(off + 5) & 0xff;
        this.checksum = b.getShort(off + 6) & 0xffff;
        this.counter = b.getLong(off + 8);
        b.get(off + 16, md, 0, CarpConstants.CARP_MD_LEN);
    }

    /**
     * An independent copy: a {@link CarpDecoder} reuses its advertisement for the next packet, so whoever keeps one
     * beyond the call that handed it over copies it.
     *
     * @return a copy
     */
    public CarpAdvertisement copy() {
        return new CarpAdvertisement(version, type, vhid, advskew, authlen, demote, advbase, checksum, counter, md,
                extension());
    }

    /** CARP version, 2. */
    public int version() {
        return version;
    }

    /** Message type, 1 (advertisement). */
    public int type() {
        return type;
    }

    /** Virtual host id, 1-255. */
    public int vhid() {
        return vhid;
    }

    /** Advertisement skew in 1/256 s (0-255). */
    public int advskew() {
        return advskew;
    }

    /** Authentication length in 32-bit words (7). */
    public int authlen() {
        return authlen;
    }

    /** OpenBSD demotion counter carried in byte 4 (0 from FreeBSD and ucarp). */
    public int demote() {
        return demote;
    }

    /** Advertisement base interval in seconds (0-255). */
    public int advbase() {
        return advbase;
    }

    /** The checksum as carried in the packet. */
    public int checksum() {
        return checksum;
    }

    /** The 64-bit counter (FreeBSD/ucarp: random until a peer is heard, then the peer's value plus one per advert). */
    public long counter() {
        return counter;
    }

    /** A copy of the 20-byte HMAC-SHA1 digest. */
    public byte[] md() {
        return md.clone();
    }

    /** The advertised interval {@code advbase + advskew/256} s, in 1/256 s units. */
    public int intervalTicks() {
        return CarpTiming.intervalTicks(advbase, advskew);
    }

    /** Whether this is the OpenBSD bow-out advertisement (advbase 255, advskew 255) of a master that shuts down. */
    public boolean isBowOut() {
        return advbase == CarpConstants.CARP_BOW_OUT && advskew == CarpConstants.CARP_BOW_OUT;
    }

    /**
     * Whether {@code expected} is this advertisement's digest, in time that depends on neither value: the 20 bytes are
     * XORed as two longs and an int and the differences ORed together, with no early exit.
     */
    boolean mdEquals(byte[] expected) {
        if (expected.length != CarpConstants.CARP_MD_LEN) {
            return false;
        }
        long diff = ((long) LONG.get(md, 0) ^ (long) LONG.get(expected, 0))
                | ((long) LONG.get(md, 8) ^ (long) LONG.get(expected, 8))
                | ((int) INT.get(md, 16) ^ (int) INT.get(expected, 16));
        return diff == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CarpAdvertisement)) {
            return false;
        }
        CarpAdvertisement that = (CarpAdvertisement) o;
        return version == that.version && type == that.type && vhid == that.vhid && advskew == that.advskew
                && authlen == that.authlen && demote == that.demote && advbase == that.advbase
                && checksum == that.checksum && counter == that.counter && Arrays.equals(md, that.md)
                && Arrays.equals(extension, 0, extensionLength, that.extension, 0, that.extensionLength);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(counter) * 31 + vhid;
    }

    @Override
    public String toString() {
        return "CarpAdvertisement{vhid=" + vhid + ", advbase=" + advbase + ", advskew=" + advskew + ", demote="
                + demote + ", counter=" + String.format("%016x", counter) + ", md=" + HexFormat.of().formatHex(md)
                + (extensionLength == 0 ? "" : ", extension=" + extensionLength + " bytes") + "}";
    }
}
