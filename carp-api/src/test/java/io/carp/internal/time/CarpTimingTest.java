package io.carp.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table-driven tests of CARP's timer arithmetic (FreeBSD ip_carp.c carp_setrun; ucarp carp.c). */
class CarpTimingTest {

    @ParameterizedTest(name = "advbase {0} advskew {1} -> {2} ticks")
    @CsvSource({
        // advbase, advskew, ticks   (advbase + advskew/256 s, in 1/256 s)
        "1,   0,   256",
        "1,   100, 356",
        "1,   254, 510",
        "2,   0,   512",
        "3,   7,   775",
        "255, 254, 65534",
        "255, 255, 65535",  // the bow-out advertisement
        "0,   26,  26",     // OpenBSD sub-second: about 0.1 s
        "0,   1,   1",
        "0,   0,   1",      // OpenBSD's floor: 1/256 s rather than 0
    })
    void shouldComputeAdvertisementInterval(int advbase, int advskew, int ticks) {
        assertEquals(ticks, CarpTiming.intervalTicks(advbase, advskew));
    }

    @ParameterizedTest(name = "advbase {0} advskew {1} deadRatio {2} -> {3} ticks")
    @CsvSource({
        // advbase, advskew, deadRatio, ticks   (deadRatio*advbase + advskew/256 s; the skew is not multiplied)
        "1,   0,   3,   768",
        "1,   100, 3,   868",     // 3.390625 s (a backup with advskew 100 takes 3.39 s)
        "1,   100, 1,   356",
        "1,   100, 5,   1380",
        "2,   50,  3,   1586",
        "255, 254, 3,   196094",
        "255, 254, 255, 16646654",
        // advbase 0, OpenBSD carp_setrun: deadRatio*advskew/256, or deadRatio/256 when the skew is 0 too
        "0,   26,  3,   78",
        "0,   100, 3,   300",
        "0,   0,   3,   3",
        "0,   26,  1,   26",
        "0,   254, 255, 64770",
    })
    void shouldComputeMasterDownInterval(int advbase, int advskew, int deadRatio, int ticks) {
        assertEquals(ticks, CarpTiming.masterDownTicks(advbase, advskew, deadRatio));
    }

    @ParameterizedTest(name = "{0} ticks -> {1} ns")
    @CsvSource({
        "0,     0",
        "1,     3906250",
        "26,    101562500",
        "78,    304687500",
        "256,   1000000000",
        "356,   1390625000",
        "768,   3000000000",
        "868,   3390625000",
        "65535, 255996093750",
        "16646654, 65025992187500",
    })
    void shouldConvertTicksToNanosExactly(long ticks, long nanos) {
        assertEquals(nanos, CarpTiming.ticksToNanos(ticks));
    }

    @Test
    void shouldHaveExactNanosPerTick() {
        assertEquals(3_906_250L, CarpTiming.NANOS_PER_TICK);
        assertEquals(1_000_000_000L, 256 * CarpTiming.NANOS_PER_TICK);
    }

    @ParameterizedTest(name = "advbase {0} advskew {1} deadRatio {2} -> {3} s")
    @CsvSource({
        "1, 100, 3, 3.390625",
        "1, 0,   3, 3.0",
        "0, 26,  3, 0.3046875",
    })
    void shouldGiveMasterDownInSeconds(int advbase, int advskew, int deadRatio, double seconds) {
        long nanos = CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(advbase, advskew, deadRatio));
        assertEquals(seconds, nanos / 1e9, 0.0);
    }
}
