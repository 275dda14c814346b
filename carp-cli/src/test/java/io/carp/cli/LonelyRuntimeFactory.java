package io.carp.cli;

import io.carp.CarpClock;
import io.carp.AddressManager;
import io.carp.CarpGroup;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.internal.group.DefaultCarpGroup;
import io.carp.spi.GroupAttacher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import io.carp.IpFamily;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * For {@link CarpCliProcessTest}: selected in the child JVM with {@code -Dcarp.cli.runtimeFactory=...}. A real-time
 * runtime on one thread with no network: adverts go nowhere and no peer ever answers, so the group becomes MASTER
 * after its master-down interval. Needs no root.
 */
public final class LonelyRuntimeFactory implements Supplier<CarpRuntime> {

    @Override
    public CarpRuntime get() {
        return new LonelyRuntime();
    }

    private static final class LonelyRuntime implements CarpRuntime, GroupAttacher, AutoCloseable {
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lonely-carp-loop");
            t.setDaemon(true);
            return t;
        });
        private volatile Thread loopThread;

        LonelyRuntime() {
            executor.execute(() -> loopThread = Thread.currentThread());
        }

        @Override
        public CarpGroup createGroup(GroupSpec spec) {
            return DefaultCarpGroup.create(spec, this);
        }

        @Override
        public RuntimeBinding attach(GroupEndpoint group) {
            ProtocolLoop loop = new ProtocolLoop() {
                @Override
                public CarpClock clock() {
                    return CarpClock.system();
                }

                @Override
                public boolean inLoop() {
                    return Thread.currentThread() == loopThread;
                }

                @Override
                public void execute(Runnable task) {
                    executor.execute(task);
                }

                @Override
                public Cancellable schedule(Runnable task, long deadlineNanos) {
                    long delay = deadlineNanos - clock().nanoTime();
                    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay), TimeUnit.NANOSECONDS);
                    return () -> f.cancel(false);
                }
            };
            return new RuntimeBinding() {
                @Override
                public ProtocolLoop loop() {
                    return loop;
                }

                @Override
                public void send(IpFamily family, ByteBuffer carpHeader) {
                }

                @Override
                public AddressManager addressManager() {
                    return AddressManager.NONE;
                }

                @Override
                public InetAddress sourceAddress(IpFamily family) {
                    return group.config().sourceAddress().orElse(null);
                }

                @Override
                public boolean linkUp() {
                    return true;
                }

                @Override
                public long randomLong() {
                    return System.nanoTime();
                }

                @Override
                public void detach() {
                }
            };
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
