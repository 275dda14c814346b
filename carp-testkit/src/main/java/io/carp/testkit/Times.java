package io.carp.testkit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** Formatting and checking of virtual times. */
final class Times {
    private Times() {
    }

    /** {@code 3390625000} ns as {@code "3.391s"}. */
    static String format(long nanos) {
        return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
    }

    static String format(Duration duration) {
        return format(duration.toNanos());
    }

    /** The duration in nanoseconds, refusing negative ones with a message naming the parameter. */
    static long checkNonNegative(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + ": " + duration + " (expected: zero or more)");
        }
        return duration.toNanos();
    }
}
