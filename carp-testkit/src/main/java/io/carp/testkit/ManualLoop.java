package io.carp.testkit;

import io.carp.CarpClock;
import io.carp.spi.ProtocolLoop;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A protocol loop on a manual clock, driven by the thread that created it (the test thread): tasks run only inside
 * {@link #advanceTo} and {@link #runPending}, on that thread, in deadline order, with the clock set to each task's
 * deadline. Time never moves by itself. Other threads (a callback, a signal handler) may hand tasks over; they run at
 * the test thread's next {@code runPending} or {@code advanceTo}.
 */
final class ManualLoop implements ProtocolLoop {
    private final Thread owner = Thread.currentThread();
    private final VirtualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.deadline).thenComparingLong(t -> t.seq));
    private long seq;

    ManualLoop(VirtualClock clock) {
        this.clock = clock;
    }

    synchronized long now() {
        return clock.nanoTime();
    }

    /** Time passes inside a running task (e.g. an address claim that takes a while). */
    synchronized void elapse(Duration d) {
        clock.advance(d);
    }

    /** Runs the tasks that are already due. */
    void runPending() {
        advanceTo(now());
    }

    /** Runs every task due up to {@code target}, in order, then sets the clock there. */
    void advanceTo(long target) {
        while (true) {
            Task t;
            synchronized (this) {
                if (tasks.isEmpty() || tasks.peek().deadline > Math.max(target, now())) {
                    clock.advanceTo(Math.max(now(), target));
                    return;
                }
                t = tasks.poll();
                clock.advanceTo(Math.max(now(), t.deadline));
            }
            if (!t.cancelled) {
                t.task.run();
            }
        }
    }

    @Override
    public CarpClock clock() {
        return clock;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, now());
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long deadlineNanos) {
        Task t = new Task(task, deadlineNanos, seq++);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    private static final class Task {
        final Runnable task;
        final long deadline;
        final long seq;
        volatile boolean cancelled;

        Task(Runnable task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }
    }
}
