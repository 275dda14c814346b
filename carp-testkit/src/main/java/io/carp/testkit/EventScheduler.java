package io.carp.testkit;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * The single discrete-event scheduler of a simulated network: a priority queue ordered by virtual time, then by
 * insertion sequence, so that the same inputs always run in the same order. Single-threaded.
 */
final class EventScheduler {
    private final VirtualClock clock;
    private final PriorityQueue<ScheduledEvent> queue = new PriorityQueue<>(ScheduledEvent.ORDER);
    private long nextSeq;
    private boolean running;
    private int protocolDepth;

    EventScheduler(VirtualClock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.nanoTime();
    }

    /** Queues a task; a time in the past runs at the current time (after what is already due then). */
    ScheduledEvent schedule(long time, Runnable task, EventOwner owner) {
        ScheduledEvent event = new ScheduledEvent(Math.max(time, now()), nextSeq++, task, owner);
        queue.add(event);
        return event;
    }

    /** An event stamped now but not queued, for an owner that keeps it aside (a frozen process). */
    ScheduledEvent unqueued(Runnable task, EventOwner owner) {
        return new ScheduledEvent(now(), nextSeq++, task, owner);
    }

    /** Runs every event due up to and including {@code target}, then sets the clock to it. */
    void runTo(long target, String method) {
        enter(method);
        try {
            ScheduledEvent next;
            while ((next = queue.peek()) != null && next.time <= target) {
                runOne(queue.poll());
            }
            clock.advanceTo(target);
        } finally {
            running = false;
        }
    }

    /**
     * Runs events one at a time until the condition holds (checked before the first and after every event) or the
     * deadline passes.
     *
     * @return whether the condition held
     */
    boolean runUntil(BooleanSupplier condition, long deadline, String method) {
        enter(method);
        try {
            if (condition.getAsBoolean()) {
                return true;
            }
            ScheduledEvent next;
            while ((next = queue.peek()) != null && next.time <= deadline) {
                runOne(queue.poll());
                if (condition.getAsBoolean()) {
                    return true;
                }
            }
            clock.advanceTo(deadline);
        } finally {
            running = false;
        }
        return condition.getAsBoolean();
    }

    void clear() {
        queue.clear();
    }

    private void runOne(ScheduledEvent event) {
        clock.advanceTo(event.time);
        if (event.isCancelled()) {
            return;
        }
        if (event.owner == null || event.owner.admit(event)) {
            boolean protocol = event.owner instanceof NodeProcess;
            if (protocol) {
                protocolDepth++;
            }
            try {
                event.task.run();
            } finally {
                if (protocol) {
                    protocolDepth--;
                }
            }
        }
    }

    /** Whether a node's protocol work (a timer of its loop, or a packet being handled) is running now. */
    boolean inProtocol() {
        return protocolDepth > 0;
    }

    void enterProtocol() {
        protocolDepth++;
    }

    void exitProtocol() {
        protocolDepth--;
    }

    private void enter(String method) {
        if (running) {
            throw new IllegalStateException(method + ": the simulation is already running (called from a callback or"
                    + " a timer?); advance time only from the test itself");
        }
        running = true;
    }
}
