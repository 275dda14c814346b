package io.carp.internal.protocol;

import static io.carp.internal.protocol.ReplayWindow.Verdict.FRESH;
import static io.carp.internal.protocol.ReplayWindow.Verdict.NEW_EPOCH;
import static io.carp.internal.protocol.ReplayWindow.Verdict.REORDERED;
import static io.carp.internal.protocol.ReplayWindow.Verdict.REPLAY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private static final InetAddress A = address(1);
    private static final InetAddress B = address(2);

    @Test
    void shouldAcceptIncreasingSequenceAndRefuseEachOneAgain() {
        ReplayWindow w = new ReplayWindow();
        for (long seq = 0; seq < 200; seq++) {
            assertEquals(FRESH, w.accept(A, 100, seq));
        }
        for (long seq = 0; seq < 200; seq++) {
            assertEquals(REPLAY, w.accept(A, 100, seq), "seq " + seq);
        }
    }

    @Test
    void shouldAcceptReorderedPacketOnceInsideWindowOnly() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(FRESH, w.accept(A, 1, 100));
        assertEquals(REORDERED, w.accept(A, 1, 99));
        assertEquals(REPLAY, w.accept(A, 1, 99));
        assertEquals(REORDERED, w.accept(A, 1, 100 - 63));
        assertEquals(REPLAY, w.accept(A, 1, 100 - 64), "just outside the 64-packet window");
        assertEquals(FRESH, w.accept(A, 1, 300));
        assertEquals(REPLAY, w.accept(A, 1, 100), "a jump forward leaves the old window behind");
    }

    @Test
    void shouldAcceptNewerEpochFromRestartedSenderAndRefuseOlderOne() {
        ReplayWindow w = new ReplayWindow();
        w.accept(A, 1000, 5000);
        assertEquals(NEW_EPOCH, w.accept(A, 2000, 0), "restarted: counter back to 0 in a newer epoch");
        assertEquals(FRESH, w.accept(A, 2000, 1));
        assertEquals(REPLAY, w.accept(A, 1000, 5001), "the old epoch is over for good");
        assertEquals(2000, w.epochOf(A).getAsLong());
    }

    @Test
    void shouldKeepOneWindowPerSender() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(FRESH, w.accept(A, 1, 10));
        assertEquals(FRESH, w.accept(B, 1, 3), "B has its own numbers");
        assertEquals(REPLAY, w.accept(A, 1, 10));
        assertEquals(2, w.size());
    }

    @Test
    void shouldNotChangeAnythingOnCheckOrReplay() {
        ReplayWindow w = new ReplayWindow();
        w.accept(A, 1, 10);
        assertEquals(FRESH, w.check(A, 1, 11));
        assertEquals(FRESH, w.check(A, 1, 11), "check alone records nothing");
        assertEquals(REPLAY, w.accept(A, 0, 50));
        assertEquals(FRESH, w.accept(A, 1, 11));
    }

    @Test
    void shouldCompareUnsigned() {
        ReplayWindow w = new ReplayWindow();
        w.accept(A, 1, Long.MAX_VALUE);
        assertEquals(FRESH, w.accept(A, 1, Long.MIN_VALUE), "2^63 is above 2^63-1");
        assertEquals(NEW_EPOCH, w.accept(A, -1L, 0));
    }

    @Test
    void shouldForgetLeastRecentSenderBeyondLimit() {
        ReplayWindow w = new ReplayWindow();
        for (int i = 0; i < ReplayWindow.MAX_SENDERS + 1; i++) {
            w.accept(address(10 + i), 1, 1);
        }
        assertEquals(ReplayWindow.MAX_SENDERS, w.size());
        assertEquals(1, w.evictions());
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
