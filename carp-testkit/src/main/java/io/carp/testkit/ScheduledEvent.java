package io.carp.testkit;

import io.carp.spi.ProtocolLoop;
import java.util.Comparator;

/** One task in the {@link EventScheduler}: runs at {@code time}; ties are broken by {@code seq} (insertion order). */
final class ScheduledEvent implements ProtocolLoop.Cancellable {
    /** Time, then insertion sequence: the total order that makes runs repeat. */
    static final Comparator<ScheduledEvent> ORDER =
            Comparator.comparingLong((ScheduledEvent e) -> e.time).thenComparingLong(e -> e.seq);

    final long time;
    final long seq;
    final Runnable task;
    final EventOwner owner;
    private boolean cancelled;

    ScheduledEvent(long time, long seq, Runnable task, EventOwner owner) {
        this.time = time;
        this.seq = seq;
        this.task = task;
        this.owner = owner;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }
}
