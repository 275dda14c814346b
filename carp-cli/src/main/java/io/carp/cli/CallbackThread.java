package io.carp.cli;

import io.carp.CarpClock;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread on which carp-cli's callbacks, and so its scripts, run. {@link #drain} waits until every callback
 * handed over so far has run, so that the stop can wait for the last downscript.
 */
final class CallbackThread implements Executor, AutoCloseable {
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "carp-cli-callbacks");
                t.setDaemon(true);
                return t;
            });

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /**
     * Waits until the queue is empty. The library hands callbacks over one at a time (the next one is queued by the
     * one before, from this thread), so a marker that finds the queue empty when it runs comes after all of them.
     *
     * @param timeoutMillis how long to wait at most
     * @return whether everything ran within the time
     * @throws InterruptedException if interrupted while waiting
     */
    boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = CarpClock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            CountDownLatch ran = new CountDownLatch(1);
            boolean[] idle = new boolean[1];
            pool.execute(() -> {
                idle[0] = pool.getQueue().isEmpty();
                ran.countDown();
            });
            long left = deadline - CarpClock.system().nanoTime();
            if (!ran.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
            if (idle[0]) {
                return true;
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
