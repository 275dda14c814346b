package io.carp.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The RFC 1071 checksum: its worked example, and the word-at-a-time sum against a plain 16-bit loop. */
class InternetChecksumTest {

    @Test
    void shouldGiveRfc1071Example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, whose complement is 220d.
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x220d, InternetChecksum.compute(b, 0, b.length));
    }

    @Test
    void shouldMatchSixteenBitLoopForAnyOffsetLengthOrderAndBufferKind() {
        Random random = new Random(1071);
        for (int trial = 0; trial < 3000; trial++) {
            byte[] raw = new byte[140];
            random.nextBytes(raw);
            if (trial % 3 == 0) { // carries: runs of 0xff
                java.util.Arrays.fill(raw, (byte) 0xff);
            }
            int off = random.nextInt(9);
            int len = random.nextInt(raw.length - off);
            int expected = reference(raw, off, len);
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(raw), ByteBuffer.allocateDirect(raw.length).put(raw)}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                    b.order(order).position(0);
                    assertEquals(expected, InternetChecksum.compute(b, off, len),
                            "trial " + trial + " off " + off + " len " + len + " " + order + " " + b.isDirect());
                    assertEquals(0, b.position(), "position untouched");
                }
            }
        }
    }

    /** One's-complement sum of 16-bit big-endian words, the last odd byte padded with zero, complemented. */
    private static int reference(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            int word = (b[off + i] & 0xff) << 8 | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
            sum += word;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }
}
