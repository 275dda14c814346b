package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.netty.internal.linux.TimerFd;
import io.carp.spi.ProtocolLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A group's protocol thread: the Netty event loop that also reads the interface's sockets. A task that throws is
 * logged and the loop goes on.
 *
 * <p>Deadlines are absolute times on {@link CarpClock#system()} ({@code CLOCK_MONOTONIC}). They are kept in one heap
 * per loop and served by one {@code timerfd} armed with the earliest deadline as an absolute time ({@link TimerFd}):
 * the wake-up comes within the kernel's timer slack (50 us) of the deadline, not rounded down to a millisecond and
 * not up to 0.1 % of the wait late as Netty's {@code epoll_wait} timeout would be (3.4 ms for a 3.4 s master-down
 * interval), and a late wake-up runs every task that is due at once. Every deadline that has passed when the loop
 * wakes runs in that one wake-up, so groups whose deadlines fall together cost one wake-up. With another clock (or a
 * loop that is not an epoll loop) tasks go to Netty's scheduler instead.
 */
final class NettyProtocolLoop implements ProtocolLoop, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NettyProtocolLoop.class.getName());

    private final EventLoop loop;
    private final CarpClock clock;
    private final PreciseTimer precise;

    NettyProtocolLoop(EventLoop loop, CarpClock clock) {
        this.loop = loop;
        this.clock = clock;
        this.precise = clock == CarpClock.system() && loop instanceof IoEventLoop io ? PreciseTimer.open(io) : null;
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
        if (precise != null) {
            Entry e = new Entry(precise, task, deadlineNanos);
            if (loop.inEventLoop()) {
                precise.add(e);
            } else {
                loop.execute(() -> precise.add(e));
            }
            return e;
        }
        long delay = Math.max(0, deadlineNanos - clock.nanoTime());
        ScheduledFuture<?> future = loop.schedule(guarded(task), delay, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** With the timerfd: one heap entry, re-keyed for each deadline; nothing is allocated per deadline. */
    @Override
    public Timer newTimer(Runnable task) {
        if (precise == null) {
            return ProtocolLoop.super.newTimer(task);
        }
        Entry e = new Entry(precise, task, 0);
        return new Timer() {
            @Override
            public void setDeadline(long deadlineNanos) {
                setDeadline(deadlineNanos, 0);
            }

            @Override
            public void setDeadline(long deadlineNanos, long toleranceNanos) {
                if (loop.inEventLoop()) {
                    precise.rearm(e, deadlineNanos, toleranceNanos);
                } else {
                    loop.execute(() -> precise.rearm(e, deadlineNanos, toleranceNanos));
                }
            }

            @Override
            public void cancel() {
                if (loop.inEventLoop()) {
                    precise.remove(e);
                } else {
                    loop.execute(() -> precise.remove(e));
                }
            }
        };
    }

    /** Closes the timer descriptor; pending tasks are dropped. Idempotent. */
    @Override
    public void close() {
        if (precise != null) {
            if (loop.inEventLoop()) {
                precise.close();
            } else {
                try {
                    loop.execute(precise::close);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    precise.close(); // the loop is gone
                }
            }
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> run(task);
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a CARP protocol task failed; the loop goes on", e);
        }
    }

    /** A scheduled task; its heap position is {@code -1} once it ran or was cancelled. */
    private static final class Entry implements Cancellable {
        final PreciseTimer owner;
        final Runnable task;
        long deadline;
        /** How late the task may run (see {@link ProtocolLoop.Timer#setDeadline(long, long)}). */
        long tolerance;
        int index = -1;
        boolean cancelled;

        Entry(PreciseTimer owner, Runnable task, long deadline) {
            this.owner = owner;
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (owner.loop.inEventLoop()) {
                owner.remove(this);
            } else {
                owner.loop.execute(() -> owner.remove(this));
            }
        }
    }

    /** The heap of deadlines and the timerfd armed with its head; confined to the loop after construction. */
    private static final class PreciseTimer extends EpollReader {
        final IoEventLoop loop;
        private final TimerFd timerFd;
        private Entry[] heap = new Entry[16];
        private int size;
        private long armedAt = Long.MAX_VALUE;
        private boolean closed;
        private boolean runQueued;
        private final Runnable runDue = this::runDue;
        /** Whether {@link #runDue} is running its tasks: it arms the timer once, after the last of them. */
        private boolean running;
        private boolean armQueued;
        private final Runnable armLater = this::armLater;

        private PreciseTimer(IoEventLoop loop, TimerFd timerFd) {
            super(timerFd.fd());
            this.loop = loop;
            this.timerFd = timerFd;
        }

        static PreciseTimer open(IoEventLoop loop) {
            PreciseTimer t = new PreciseTimer(loop, TimerFd.open());
            t.register(loop);
            return t;
        }

        void add(Entry e) {
            if (e.cancelled || closed) {
                return;
            }
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            e.index = size;
            heap[size++] = e;
            siftUp(e.index);
            armSoon();
        }

        /** Moves a reusable entry to a new deadline (adding it if it is not queued). */
        void rearm(Entry e, long deadline, long tolerance) {
            if (closed) {
                return;
            }
            if (e.index >= 0) {
                removeAt(e.index);
            }
            e.cancelled = false;
            e.deadline = deadline;
            e.tolerance = Math.max(0, tolerance);
            add(e);
        }

        void remove(Entry e) {
            int i = e.index;
            if (i < 0) {
                return;
            }
            removeAt(i);
            armSoon();
        }

        /**
         * The heap changed: the timerfd is set once per turn of the loop, not once per change, since every change
         * made by the I/O and tasks of one turn happens before the loop waits again. A backup that hears 255
         * adverts in one wake-up re-keys 255 master-down deadlines; each move would otherwise be a
         * {@code timerfd_settime} (the head of the heap moves with almost every one of them), and so would each of
         * the 255 adverts a master sends in one wake-up. Inside {@link #runDue} the timer is armed after the last
         * task; elsewhere by a task queued behind this turn's I/O (queued once per turn, allocation-free).
         */
        private void armSoon() {
            if (running || armQueued) {
                return;
            }
            if (!loop.inEventLoop()) {
                arm(); // every caller runs on the loop; should one not, arm at once
                return;
            }
            armQueued = true;
            try {
                loop.execute(armLater);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                armQueued = false; // the loop is shutting down
                arm();
            }
        }

        private void armLater() {
            armQueued = false;
            arm();
        }

        /**
         * The timer fired: the due tasks run in a task queued behind this round of I/O events, not here, so that
         * packets that arrived while the thread could not run (a GC pause, a stalled host) are read first. A backup
         * whose master's adverts sat in the socket during a pause hears them before its master-down timer is looked
         * at, and does not take over by mistake.
         */
        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            if (closed) {
                return;
            }
            timerFd.drain();
            armedAt = Long.MAX_VALUE; // a one-shot timer that fired is disarmed
            if (!runQueued) {
                runQueued = true;
                loop.execute(runDue);
            }
        }

        private void runDue() {
            runQueued = false;
            if (closed) {
                return;
            }
            long now = CarpClock.system().nanoTime();
            running = true;
            try {
                while (size > 0 && heap[0].deadline - now <= 0) {
                    Entry e = heap[0];
                    removeAt(0);
                    run(e.task);
                }
            } finally {
                running = false;
            }
            arm();
        }

        private void arm() {
            if (closed) {
                return;
            }
            long next = size == 0 ? Long.MAX_VALUE : wakeAt();
            if (armedAt != Long.MAX_VALUE && next - armedAt >= 0) {
                // Armed no later than needed: the wake-up at armedAt finds nothing due and arms again then. A backup
                // that hears its masters moves its earliest master-down deadline later with nearly every advert;
                // re-arming each time would cost a timerfd_settime per advert, where leaving the earlier time
                // costs one early wake-up per master-down interval. A deadline that moves earlier re-arms at once,
                // so nothing ever runs late.
                return;
            }
            try {
                if (next == Long.MAX_VALUE) {
                    timerFd.disarm();
                } else {
                    timerFd.armAt(next);
                }
                armedAt = next;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the CARP protocol timer could not be armed: " + e.getMessage(), e);
            }
        }

        /**
         * When to wake: the earliest {@code deadline + tolerance} of all entries, so that an entry with a tolerance
         * waits for the strict deadlines that follow it within that tolerance and they share one wake-up. The heap is
         * ordered by deadline, so only entries whose deadline is below the bound found so far are visited.
         */
        private long wakeAt() {
            long bound = heap[0].deadline + heap[0].tolerance;
            if (heap[0].tolerance == 0) {
                return bound;
            }
            return bound(0, bound);
        }

        private long bound(int i, long bound) {
            if (i >= size || heap[i].deadline - bound >= 0) {
                return bound;
            }
            long latest = heap[i].deadline + heap[i].tolerance;
            if (latest - bound < 0) {
                bound = latest;
            }
            bound = bound(2 * i + 1, bound);
            return bound(2 * i + 2, bound);
        }

        private void removeAt(int i) {
            Entry removed = heap[i];
            removed.index = -1;
            int last = --size;
            if (i != last) {
                Entry moved = heap[last];
                heap[i] = moved;
                moved.index = i;
                heap[last] = null;
                siftDown(i);
                if (heap[i] == moved) {
                    siftUp(i);
                }
            } else {
                heap[last] = null;
            }
        }

        private void siftUp(int i) {
            Entry e = heap[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                Entry p = heap[parent];
                if (p.deadline - e.deadline <= 0) {
                    break;
                }
                heap[i] = p;
                p.index = i;
                i = parent;
            }
            heap[i] = e;
            e.index = i;
        }

        private void siftDown(int i) {
            Entry e = heap[i];
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                Entry c = heap[child];
                int right = child + 1;
                if (right < size && heap[right].deadline - c.deadline < 0) {
                    child = right;
                    c = heap[child];
                }
                if (e.deadline - c.deadline <= 0) {
                    break;
                }
                heap[i] = c;
                c.index = i;
                i = child;
            }
            heap[i] = e;
            e.index = i;
        }

        @Override
        void closeDescriptors() {
            closed = true;
            for (int i = 0; i < size; i++) {
                heap[i].index = -1;
                heap[i] = null;
            }
            size = 0;
            timerFd.close();
        }
    }
}
