package io.carp.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void shouldMoveOnlyWhenAdvanced() {
        VirtualClock clock = new VirtualClock(Instant.parse("2001-02-03T04:05:06Z"));
        assertEquals(0, clock.nanoTime());
        clock.advance(Duration.ofNanos(1_500_000_001L));
        assertEquals(1_500_000_001L, clock.nanoTime());
        assertEquals(Duration.ofNanos(1_500_000_001L), clock.elapsed());
        assertEquals(Instant.parse("2001-02-03T04:05:07.500000001Z"), clock.wallTime());
    }

    @Test
    void shouldRefuseToGoBackWhenTheDurationIsNegative() {
        VirtualClock clock = new VirtualClock();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clock.advance(Duration.ofMillis(-5)));
        assertEquals("duration: PT-0.005S (expected: zero or more)", e.getMessage());
        assertEquals(VirtualClock.DEFAULT_EPOCH, clock.wallTime());
    }
}
