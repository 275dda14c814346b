package io.carp.internal.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogThrottleTest {

    /** Rule: the first line always passes, then at most one per interval, counted from the last line let through. */
    @Test
    void shouldLetOneLineThroughPerIntervalWhenCalledRepeatedly() {
        LogThrottle throttle = new LogThrottle(1_000);
        assertTrue(throttle.tryAcquire(0), "first line, even at time 0");
        assertFalse(throttle.tryAcquire(999));
        assertTrue(throttle.tryAcquire(1_000));
        assertFalse(throttle.tryAcquire(1_500));
        assertTrue(throttle.tryAcquire(2_000));
    }

    /** Rule: a negative clock reading (System.nanoTime may be negative) still lets the first line through. */
    @Test
    void shouldLetTheFirstLineThroughWhenTheClockIsNegative() {
        LogThrottle throttle = new LogThrottle(1_000);
        assertTrue(throttle.tryAcquire(-5_000_000));
        assertFalse(throttle.tryAcquire(-4_999_500));
    }
}
