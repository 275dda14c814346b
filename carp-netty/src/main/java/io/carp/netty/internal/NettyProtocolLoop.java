package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.spi.ProtocolLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * A group's protocol thread: the Netty event loop that also reads the interface's sockets. Deadlines are on
 * {@link CarpClock#system()} and turned into delays when scheduled. A task that throws is logged and the loop goes on.
 */
final class NettyProtocolLoop implements ProtocolLoop {
    private static final System.Logger LOG = System.getLogger(NettyProtocolLoop.class.getName());

    private final EventLoop loop;
    private final CarpClock clock;

    NettyProtocolLoop(EventLoop loop, CarpClock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    EventLoop eventLoop() {
        return loop;
    }

    @Override
    public CarpClock clock() {
        return clock;
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(guarded(task));
    }

    @Override
    public Cancellable schedule(Runnable task, long deadlineNanos) {
        long delay = Math.max(0, deadlineNanos - clock.nanoTime());
        ScheduledFuture<?> future = loop.schedule(guarded(task), delay, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a CARP protocol task failed; the loop goes on", e);
            }
        };
    }
}
