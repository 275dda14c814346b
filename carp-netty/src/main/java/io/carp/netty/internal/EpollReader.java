package io.carp.netty.internal;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;

/**
 * A native socket read on a Netty epoll loop: registers its descriptor as an {@link EpollIoHandle} and asks for
 * {@code EPOLLIN}; the subclass reads in {@link #handle}. {@link #close()} removes the descriptor from epoll while it
 * is still open, then lets the subclass close its sockets. Registration that completes after {@code close()} is
 * cancelled at once.
 */
abstract class EpollReader implements EpollIoHandle {
    private final FileDescriptor fd;
    private volatile IoRegistration registration;
    private Future<IoRegistration> registering;
    private volatile boolean closed;

    /**
     * Watches a descriptor; nothing is registered until {@link #register}.
     *
     * @param fd the descriptor to watch, owned by the subclass (closed in {@link #closeDescriptors()})
     */
    EpollReader(int fd) {
        this.fd = new FileDescriptor(fd);
    }

    /**
     * Starts registering on the loop. Call once, right after construction.
     *
     * @param loop an epoll {@link IoEventLoop}
     */
    final void register(IoEventLoop loop) {
        registering = loop.register(this);
        registering.addListener(f -> {
            if (f.isSuccess()) {
                IoRegistration r = (IoRegistration) f.getNow();
                registration = r;
                if (closed) {
                    r.cancel();
                } else {
                    r.submit(EpollIoOps.EPOLLIN);
                }
            }
        });
    }

    /** The registration started by {@link #register}, for callers that wait for it. */
    public final Future<IoRegistration> registration() {
        return registering;
    }

    @Override
    public final FileDescriptor fd() {
        return fd;
    }

    /** Whether {@link #close()} has been called. */
    final boolean isClosed() {
        return closed;
    }

    /**
     * Called by {@link #close()} once, before the descriptor leaves epoll (e.g. to leave a multicast group while the
     * socket is open). Must not throw. Does nothing by default.
     */
    void beforeUnregister() {
    }

    /** Called by {@link #close()} once, after the descriptor left epoll: closes the subclass's sockets. */
    abstract void closeDescriptors();

    /** Unregisters from the loop and closes the sockets. Idempotent. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        beforeUnregister();
        IoRegistration r = registration;
        if (r != null) {
            r.cancel(); // removes the descriptor from epoll while it is still open
        } else if (registering != null) {
            registering.cancel(false);
        }
        closeDescriptors();
    }
}
