package io.carp.internal.protocol;

import io.carp.internal.time.CarpTiming;

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
 */
public final class CarpAdvertisement {
    private final int version;
    private final int type;
    private final int vhid;
    private final int advskew;
    private final int authlen;
    private final int demote;
    private final int advbase;
    private final int checksum;
    private final long counter;
    private final byte[] md;
    private final byte[] extension;

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
    }

    private static final byte[] NO_EXTENSION = new byte[0];

    /**
     * A copy of the bytes that followed the 36-byte header in the packet: empty for plain CARP (BSD kernels, ucarp and
     * this library send none), the 48-byte trailer of the replay-protected mode.
     */
    public byte[] extension() {
        return extension.length == 0 ? NO_EXTENSION : extension.clone();
    }

    /** How many bytes followed the 36-byte header. */
    public int extensionLength() {
        return extension.length;
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

    boolean mdEquals(byte[] expected) {
        return java.security.MessageDigest.isEqual(md, expected);
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
                && Arrays.equals(extension, that.extension);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(counter) * 31 + vhid;
    }

    @Override
    public String toString() {
        return "CarpAdvertisement{vhid=" + vhid + ", advbase=" + advbase + ", advskew=" + advskew + ", demote="
                + demote + ", counter=" + String.format("%016x", counter) + ", md=" + HexFormat.of().formatHex(md)
                + (extension.length == 0 ? "" : ", extension=" + extension.length + " bytes") + "}";
    }
}
