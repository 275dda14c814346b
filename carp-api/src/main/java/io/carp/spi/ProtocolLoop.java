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

    /**
     * A timer for one task that is re-armed again and again (a group's advert or master-down deadline): a runtime
     * can implement it without allocating per deadline. The default wraps {@link #schedule}. Use it on the loop.
     *
     * @param task what runs when a deadline passes
     * @return the timer, disarmed
     */
    default Timer newTimer(Runnable task) {
        return new Timer() {
            private Cancellable pending;

            @Override
            public void setDeadline(long deadlineNanos) {
                cancel();
                pending = schedule(() -> {
                    pending = null;
                    task.run();
                }, deadlineNanos);
            }

            @Override
            public void cancel() {
                if (pending != null) {
                    pending.cancel();
                    pending = null;
                }
            }
        };
    }

    /** A re-armable timer of one task; see {@link #newTimer}. Loop thread only. */
    interface Timer {
        /**
         * Arms (or re-arms) the timer: the task runs once at this deadline unless the timer is re-armed or cancelled
         * first.
         *
         * @param deadlineNanos a time on {@link #clock()}; a past deadline runs as soon as possible
         */
        void setDeadline(long deadlineNanos);

        /**
         * As {@link #setDeadline(long)}, allowing the task to run up to {@code toleranceNanos} after the deadline, so
         * that a runtime can serve deadlines that fall close together with one wake-up. The default ignores the
         * tolerance.
         *
         * @param deadlineNanos  a time on {@link #clock()}
         * @param toleranceNanos how late the task may run, 0 for as close to the deadline as the runtime can
         */
        default void setDeadline(long deadlineNanos, long toleranceNanos) {
            setDeadline(deadlineNanos);
        }

        /** Disarms the timer; idempotent. */
        void cancel();
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run yet; idempotent. */
        void cancel();
    }
}
