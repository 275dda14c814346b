package io.carp.internal.group;

import io.carp.spi.ProtocolLoop;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** Moves a public call onto the protocol loop: at once when already on it, queued otherwise. */
final class LoopHops {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());

    private LoopHops() {
    }

    /** Runs the task on the loop, without waiting for it. */
    static void run(ProtocolLoop loop, Runnable task) {
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /**
     * Runs the task on the loop and waits up to {@code timeoutMillis} for it; a failure or time-out is logged. If the
     * loop refuses the task (it was shut down), runs it on the calling thread.
     */
    static void runAndWait(ProtocolLoop loop, Runnable task, long timeoutMillis, String label) {
        if (loop.inLoop()) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    task.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            // The loop was shut down (e.g. the application's EventLoopGroup, before the group was closed): no thread
            // runs the group any more, so the caller may run the task itself.
            LOG.log(Level.WARNING, "{0}: the protocol loop was shut down first; closing on the calling thread",
                    label);
            try {
                task.run();
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "{0}: close did not finish cleanly: {1}", label, ex.toString());
            }
            return;
        }
        try {
            done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: close did not finish cleanly: {1}", label, e.toString());
        }
    }
}
