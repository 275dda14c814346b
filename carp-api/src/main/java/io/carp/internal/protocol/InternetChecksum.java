package io.carp.internal.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The RFC 1071 Internet checksum, as CARP computes it over its 36-byte header (no pseudo-header). */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Computes the one's-complement checksum of {@code length} bytes of {@code buf} from absolute index {@code offset},
     * without moving the buffer's position.
     *
     * @param buf    the bytes
     * @param offset absolute index of the first byte
     * @param length number of bytes
     * @return the 16-bit checksum; a region that already contains its correct checksum yields 0
     */
    public static int compute(ByteBuffer buf, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        if (buf.order() == ByteOrder.BIG_ENDIAN) {
            // Two 16-bit words per read (RFC 1071 section 2: the sum may be taken in any grouping, then folded).
            for (; i + 3 < end; i += 4) {
                int w = buf.getInt(i);
                sum += (w >>> 16) + (w & 0xffff);
            }
        }
        for (; i + 1 < end; i += 2) {
            sum += ((buf.get(i) & 0xff) << 8) | (buf.get(i + 1) & 0xff);
        }
        if (i < end) {
            sum += (buf.get(i) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * Computes the checksum of a byte array region.
     *
     * @param bytes  the bytes
     * @param offset index of the first byte
     * @param length number of bytes
     * @return the 16-bit checksum
     */
    public static int compute(byte[] bytes, int offset, int length) {
        return compute(ByteBuffer.wrap(bytes), offset, length);
    }
}
