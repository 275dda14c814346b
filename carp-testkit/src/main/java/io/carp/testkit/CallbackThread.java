package io.carp.testkit;

import java.util.concurrent.Executor;

/**
 * The callback executor of one node process when the network runs callbacks on a separate thread
 * ({@link SimulatedNetwork#separateCallbackThread(boolean)}): each callback becomes an event of its own at the same
 * virtual instant, queued after the protocol work that raised it, as the default callback thread would run it. It
 * stops with the process and waits while the process is frozen (a stalled JVM runs no thread).
 */
final class CallbackThread implements Executor, EventOwner {
    private final NodeProcess process;
    private final EventScheduler scheduler;

    CallbackThread(NodeProcess process, EventScheduler scheduler) {
        this.process = process;
        this.scheduler = scheduler;
    }

    @Override
    public void execute(Runnable task) {
        scheduler.schedule(scheduler.now(), task, this);
    }

    @Override
    public boolean admit(ScheduledEvent event) {
        return process.admitCallback(event);
    }
}
