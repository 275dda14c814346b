package io.carp.cli;

import io.carp.CarpClock;
import io.carp.spi.ProtocolLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A protocol loop driven by the test: the thread that created it is the loop thread, time moves only in
 * {@link #advance}, and tasks handed over with {@link #execute} run at the next {@link #runPending()} or
 * {@link #advance}. Calls from the test thread run the group synchronously, so tests need no waiting.
 */
public final class ManualLoop implements ProtocolLoop {
    private final Thread owner = Thread.currentThread();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long sequence;

    @Override
    public CarpClock clock() {
        return this::nanoTime;
    }

    private synchronized long nanoTime() {
        return now;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long deadlineNanos) {
        Timer timer = new Timer(deadlineNanos, sequence++, task);
        timers.add(timer);
        return () -> timer.cancelled = true;
    }

    /** Runs the tasks handed over with {@link #execute}, on the calling (test) thread. */
    public void runPending() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
            }
            if (task == null) {
                return;
            }
            task.run();
        }
    }

    /**
     * Moves time forward, running every timer that falls due, in deadline order.
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            runPending();
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.deadline > target) {
                    now = target;
                    break;
                }
                timers.poll();
                now = Math.max(now, next.deadline);
            }
            if (!next.cancelled) {
                next.task.run();
            }
        }
        runPending();
    }

    private static final class Timer implements Comparable<Timer> {
        final long deadline;
        final long sequence;
        final Runnable task;
        volatile boolean cancelled;

        Timer(long deadline, long sequence, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
