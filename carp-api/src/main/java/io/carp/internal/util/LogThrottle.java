package io.carp.internal.util;

/**
 * Lets a log line through at most once per interval, so that a flood of bad packets or socket errors cannot fill a
 * disk. Times come from the caller's {@link io.carp.CarpClock}. Not thread-safe: one per thread that logs.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private long last = Long.MIN_VALUE;

    /**
     * A throttle.
     *
     * @param intervalNanos the shortest time between two lines, in nanoseconds
     */
    public LogThrottle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Whether a line may be logged now; if so, the interval starts again.
     *
     * @param nowNanos the current monotonic time
     * @return {@code true} for the first call and then at most once per interval
     */
    public boolean tryAcquire(long nowNanos) {
        if (last != Long.MIN_VALUE && nowNanos - last < intervalNanos) {
            return false;
        }
        last = nowNanos;
        return true;
    }
}
