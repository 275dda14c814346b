package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;

/**
 * A {@code timerfd} on {@code CLOCK_MONOTONIC} (the clock of {@link System#nanoTime()} on Linux), armed with absolute
 * deadlines: the kernel wakes its reader with hrtimer precision (the thread's timer slack, 50 us by default), where
 * a plain {@code epoll_wait} timeout is rounded down to whole milliseconds and may fire up to 0.1 % of the wait late
 * (3.4 ms for a 3.4 s master-down interval). Non-blocking; not thread-safe. No call allocates.
 */
public final class TimerFd implements AutoCloseable {
    private static final int CLOCK_MONOTONIC = 1;
    private static final int TFD_NONBLOCK = 0x800;
    private static final int TFD_CLOEXEC = 0x80000;
    private static final int TFD_TIMER_ABSTIME = 1;

    private final int fd;
    private final long[] spec = new long[4]; // struct itimerspec: it_interval {sec, nsec}, it_value {sec, nsec}
    private final byte[] expirations = new byte[8];
    private boolean closed;

    private TimerFd(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a disarmed timer.
     *
     * @return the timer
     * @throws NativeException if the kernel refuses
     */
    public static TimerFd open() {
        try {
            return new TimerFd(LibC.timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        } catch (LastErrorException e) {
            throw new NativeException("timerfd_create(CLOCK_MONOTONIC)", e.getErrorCode());
        }
    }

    /** The descriptor (readable once the deadline has passed). */
    public int fd() {
        return fd;
    }

    /**
     * Arms the timer for one expiry at an absolute monotonic time; a time in the past expires at once.
     *
     * @param monotonicNanos a {@link System#nanoTime()} value
     */
    public void armAt(long monotonicNanos) {
        long t = Math.max(1, monotonicNanos); // 0 would disarm
        spec[0] = 0;
        spec[1] = 0;
        spec[2] = t / 1_000_000_000L;
        spec[3] = t % 1_000_000_000L;
        settime(TFD_TIMER_ABSTIME);
    }

    /** Disarms the timer. */
    public void disarm() {
        spec[0] = 0;
        spec[1] = 0;
        spec[2] = 0;
        spec[3] = 0;
        settime(0);
    }

    private void settime(int flags) {
        try {
            LibC.timerfd_settime(fd, flags, spec, null);
        } catch (LastErrorException e) {
            throw new NativeException("timerfd_settime", e.getErrorCode());
        }
    }

    /**
     * Reads (and so clears) the expiry count without blocking.
     *
     * @return whether the timer had expired since the last read
     */
    public boolean drain() {
        try {
            return LibC.read(fd, expirations, 8) == 8;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) {
                return false;
            }
            throw new NativeException("read(timerfd)", e.getErrorCode());
        }
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.closeQuietly(fd);
    }
}
