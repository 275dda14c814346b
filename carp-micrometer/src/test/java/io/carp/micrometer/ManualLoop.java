package io.carp.micrometer;

import io.carp.CarpClock;
import io.carp.spi.ProtocolLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A protocol loop on a manual clock, driven by the test thread: tasks run only inside {@link #advanceBy} /
 * {@link #runPending}, in deadline order, with the clock set to each task's deadline. Time never moves by itself.
 */
final class ManualLoop implements ProtocolLoop {
    private static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.deadline).thenComparingLong(t -> t.seq));
    private final CarpClock clock = new CarpClock() {
        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Instant wallTime() {
            return EPOCH.plusNanos(now);
        }
    };
    private long now;
    private long seq;

    ManualLoop(long startNanos) {
        this.now = startNanos;
    }

    long now() {
        return now;
    }

    /** Time passes inside a running task (e.g. an address claim that takes a while). */
    void elapse(Duration d) {
        now += d.toNanos();
    }

    /** Runs every task due up to {@code now + d}, then sets the clock there. */
    void advanceBy(Duration d) {
        advanceTo(now + d.toNanos());
    }

    void advanceByNanos(long nanos) {
        advanceTo(now + nanos);
    }

    /** Runs the tasks that are already due. */
    void runPending() {
        advanceTo(now);
    }

    private void advanceTo(long target) {
        while (!tasks.isEmpty() && tasks.peek().deadline <= Math.max(target, now)) {
            Task t = tasks.poll();
            now = Math.max(now, t.deadline);
            if (!t.cancelled) {
                t.task.run();
            }
        }
        now = Math.max(now, target);
    }

    @Override
    public CarpClock clock() {
        return clock;
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, now);
    }

    @Override
    public Cancellable schedule(Runnable task, long deadlineNanos) {
        Task t = new Task(task, deadlineNanos, seq++);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    private static final class Task {
        final Runnable task;
        final long deadline;
        final long seq;
        boolean cancelled;

        Task(Runnable task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }
    }
}
