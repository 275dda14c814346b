package io.carp.internal.group;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor that may have many threads (the pattern from
 * {@link Executor}'s javadoc). Keeps one group's callbacks ordered.
 */
final class SerialExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor delegate;
    private Runnable active;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(() -> {
            try {
                task.run();
            } finally {
                scheduleNext();
            }
        });
        if (active == null) {
            scheduleNext();
        }
    }

    private synchronized void scheduleNext() {
        active = tasks.poll();
        if (active != null) {
            try {
                delegate.execute(active);
            } catch (RuntimeException e) {
                active = null;
                tasks.clear();
                throw e;
            }
        }
    }
}
