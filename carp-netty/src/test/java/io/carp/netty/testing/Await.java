package io.carp.netty.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling waits for the root tests: bounds on a hang, never a speed assertion. */
public final class Await {
    /** The default bound of {@link #until}. */
    public static final long TIMEOUT_MILLIS = 15_000;

    private Await() {
    }

    /**
     * Waits until a condition holds, failing with its description and some context after {@link #TIMEOUT_MILLIS}.
     *
     * @param what    what is awaited
     * @param check   the condition
     * @param context what to print on failure
     */
    public static void until(String what, BooleanSupplier check, Supplier<String> context) {
        await(what, TIMEOUT_MILLIS, check, context);
    }

    /**
     * Polls a condition every 20 ms.
     *
     * @param what          what is awaited, for the failure message
     * @param timeoutMillis how long
     * @param check         the condition
     * @param context       what to add to the failure message
     * @return how long it took, in milliseconds
     */
    public static long await(String what, long timeoutMillis, BooleanSupplier check, Supplier<String> context) {
        long begin = System.nanoTime();
        long deadline = begin + timeoutMillis * 1_000_000L;
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for: " + what + "\n" + context.get());
            }
            sleep(20);
        }
        return (System.nanoTime() - begin) / 1_000_000L;
    }

    /**
     * Checks that a condition keeps holding for a while (e.g. "still one master"), failing at the first violation.
     *
     * @param what    what must hold
     * @param millis  how long to watch
     * @param check   the condition
     * @param context what to print on failure
     */
    public static void holds(String what, long millis, BooleanSupplier check, Supplier<String> context) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            if (!check.getAsBoolean()) {
                fail("no longer true: " + what + "\n" + context.get());
            }
            sleep(20);
        }
    }

    /**
     * Sleeps; an interrupt is kept and turned into an exception.
     *
     * @param millis how long
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
