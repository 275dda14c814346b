package io.carp.spi;

import io.carp.CarpClock;

/**
 * A single thread with a clock: the protocol of a group runs only here. A Netty event loop in production, the test
 * thread on a virtual clock in the testkit.
 */
public interface ProtocolLoop {

    /** The clock on which deadlines are given. */
    CarpClock clock();

    /** Whether the calling thread is this loop's thread. */
    boolean inLoop();

    /**
     * Runs a task on the loop, soon.
     *
     * @param task the task
     */
    void execute(Runnable task);

    /**
     * Runs a task on the loop at a deadline.
     *
     * @param task          the task
     * @param deadlineNanos a time on {@link #clock()}; a past deadline runs as soon as possible
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(Runnable task, long deadlineNanos);

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run yet; idempotent. */
        void cancel();
    }
}
