package io.carp.internal.group;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default callback executor: a shared, lazily created pool of daemon threads that end when idle. */
final class DefaultCallbackExecutor {
    private DefaultCallbackExecutor() {
    }

    private static final class Holder {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "carp-callback-" + COUNT.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    static ExecutorService get() {
        return Holder.POOL;
    }
}
