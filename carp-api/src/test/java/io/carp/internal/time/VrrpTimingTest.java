package io.carp.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 9568 §6.1 and RFC 3768 §6.1 timer arithmetic, with values worked out by hand. */
class VrrpTimingTest {
    @Test
    void shouldScaleV3SkewWithTheMasterInterval() {
        // priority 100, interval 100 cs (1 s): (256-100)*1 s/256 = 156/256 s = 609,375,000 ns
        assertEquals(609_375_000L, VrrpTiming.skewNanos(3, 100, 100));
        // interval 5 cs: 156 * 50 ms / 256 = 30,468,750 ns
        assertEquals(30_468_750L, VrrpTiming.skewNanos(3, 100, 5));
        // priority 255: 1/256 of the interval
        assertEquals(3_906_250L, VrrpTiming.skewNanos(3, 255, 100));
    }

    @Test
    void shouldNotScaleV2SkewWithTheInterval() {
        // RFC 3768: (256 - priority)/256 seconds whatever the interval
        assertEquals(609_375_000L, VrrpTiming.skewNanos(2, 100, 300));
        assertEquals(609_375_000L, VrrpTiming.skewNanos(2, 100, 100));
    }

    @Test
    void shouldComputeMasterDownAsThreeIntervalsPlusSkew() {
        assertEquals(3_000_000_000L + 609_375_000L, VrrpTiming.masterDownNanos(3, 100, 100));
        // 50 ms, priority 200: 150 ms + 56*50/256 ms = 150 ms + 10.9375 ms
        assertEquals(150_000_000L + 10_937_500L, VrrpTiming.masterDownNanos(3, 200, 5));
        // VRRPv2, 3 s interval, priority 200: 9 s + 56/256 s
        assertEquals(9_000_000_000L + 218_750_000L, VrrpTiming.masterDownNanos(2, 200, 300));
        // largest VRRPv3 interval, 40.95 s, priority 1
        assertEquals(3 * 40_950_000_000L + 255L * 40_950_000_000L / 256, VrrpTiming.masterDownNanos(3, 1, 4095));
    }
}
