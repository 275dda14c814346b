package io.carp.internal.group;

import io.carp.CarpClock;

import io.carp.spi.ProtocolLoop;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * A {@link ProtocolLoop} on a manual clock, driven by the test thread (the thread that created it). {@code execute}
 * queues; {@link #runPending()} and {@link #advanceBy} run the queue and the timers that fall due, in deadline order,
 * setting the clock to each deadline. Tasks may be queued from other threads.
 */
final class ManualLoop implements ProtocolLoop, CarpClock {
    private final Thread owner = Thread.currentThread();
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now;
    private long sequence;
    private volatile boolean shutDown;

    ManualLoop(long startNanos) {
        this.now = startNanos;
    }

    private final class Timer implements Comparable<Timer>, Cancellable {
        final long deadline;
        final long seq = sequence++;
        final Runnable task;

        Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (ManualLoop.this) {
                timers.remove(this);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ CarpClock

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public Instant wallTime() {
        return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanoTime());
    }

    // ------------------------------------------------------------------------------------------------ ProtocolLoop

    @Override
    public CarpClock clock() {
        return this;
    }

    @Override
    public boolean inLoop() {
        return !shutDown && Thread.currentThread() == owner;
    }

    @Override
    public synchronized void execute(Runnable task) {
        if (shutDown) {
            throw new java.util.concurrent.RejectedExecutionException("event executor terminated");
        }
        pending.add(task);
    }

    /**
     * Shuts the loop down as Netty's does: from now on no thread is "in" it, and execute and schedule throw
     * {@link java.util.concurrent.RejectedExecutionException}; queued tasks and timers are dropped.
     */
    synchronized void shutDown() {
        shutDown = true;
        pending.clear();
        timers.clear();
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long deadlineNanos) {
        if (shutDown) {
            throw new java.util.concurrent.RejectedExecutionException("event executor terminated");
        }
        Timer t = new Timer(deadlineNanos, task);
        timers.add(t);
        return t;
    }

    // ------------------------------------------------------------------------------------------------ driving

    /** Runs every queued task, including tasks queued by them. */
    void runPending() {
        checkOwner();
        Runnable task;
        while ((task = poll()) != null) {
            task.run();
        }
    }

    private synchronized Runnable poll() {
        return pending.poll();
    }

    /** Moves the clock forward, running queued tasks and due timers in order. */
    void advanceBy(long nanos) {
        advanceTo(nanoTime() + nanos);
    }

    /** Moves the clock to {@code target}, running queued tasks and due timers in deadline order. */
    void advanceTo(long target) {
        checkOwner();
        runPending();
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.deadline > target) {
                    break;
                }
                timers.poll();
                now = Math.max(now, next.deadline);
            }
            next.task.run();
            runPending();
        }
        synchronized (this) {
            now = Math.max(now, target);
        }
        runPending();
    }

    /** Whether {@link #shutDown()} was called. */
    boolean isShutDown() {
        return shutDown;
    }

    /** The earliest armed deadline, or {@link Long#MAX_VALUE}. */
    synchronized long nextDeadline() {
        Timer t = timers.peek();
        return t == null ? Long.MAX_VALUE : t.deadline;
    }

    /** How many timers are armed. */
    synchronized int timerCount() {
        return timers.size();
    }

    private void checkOwner() {
        if (shutDown) {
            return;
        }
        if (!inLoop()) {
            throw new IllegalStateException("drive the ManualLoop from the thread that created it");
        }
    }
}
