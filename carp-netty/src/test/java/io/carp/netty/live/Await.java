package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition; the timeouts only bound a hang, nothing here measures speed. */
final class Await {
    static final long TIMEOUT_MILLIS = 15_000;

    private Await() {
    }

    /**
     * Waits until a condition holds, failing with its description and some context after {@link #TIMEOUT_MILLIS}.
     *
     * @param what    what is awaited
     * @param check   the condition
     * @param context what to print on failure
     */
    static void until(String what, BooleanSupplier check, Supplier<String> context) {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "\n" + context.get());
            }
            pause(20);
        }
    }

    /**
     * Checks that a condition keeps holding for a while (e.g. "still one master"), failing at the first violation.
     *
     * @param what    what must hold
     * @param millis  how long to watch
     * @param check   the condition
     * @param context what to print on failure
     */
    static void holds(String what, long millis, BooleanSupplier check, Supplier<String> context) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            if (!check.getAsBoolean()) {
                fail("no longer true: " + what + "\n" + context.get());
            }
            pause(20);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
