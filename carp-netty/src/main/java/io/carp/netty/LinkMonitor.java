package io.carp.netty;

import io.carp.netty.linux.Errno;
import io.carp.netty.linux.LinkInfo;
import io.carp.netty.linux.NativeException;
import io.carp.netty.linux.NativeSocket;
import io.carp.netty.linux.RtNetlink;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches one interface's link state through rtnetlink link events ({@code RTMGRP_LINK}), read on the epoll loop.
 * Every event for the interface is handed to the listener; if the kernel dropped events ({@code ENOBUFS}) the state
 * is queried again.
 */
final class LinkMonitor implements EpollIoHandle {
    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private final String interfaceName;
    private final int ifindex;
    private final NativeSocket socket;
    private final FileDescriptor fd;
    private final RtNetlink query;
    private final Consumer<LinkInfo> listener;
    private final byte[] buffer = new byte[32 * 1024];
    private volatile IoRegistration registration;
    private Future<IoRegistration> registering;
    private volatile boolean closed;

    private LinkMonitor(String interfaceName, int ifindex, NativeSocket socket, RtNetlink query,
                        Consumer<LinkInfo> listener) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.socket = socket;
        this.fd = new FileDescriptor(socket.fd());
        this.query = query;
        this.listener = listener;
    }

    /**
     * Subscribes (call inside the interface's namespace) and starts registering on the loop. Subscribe before
     * reading the initial state, so that no change falls between the two.
     */
    static LinkMonitor open(String interfaceName, int ifindex, RtNetlink query, Consumer<LinkInfo> listener,
                            IoEventLoop loop) {
        LinkMonitor monitor = new LinkMonitor(interfaceName, ifindex, RtNetlink.openLinkEvents(), query, listener);
        monitor.registering = loop.register(monitor);
        monitor.registering.addListener(f -> {
            if (f.isSuccess()) {
                IoRegistration r = (IoRegistration) f.getNow();
                monitor.registration = r;
                if (monitor.closed) {
                    r.cancel();
                } else {
                    r.submit(EpollIoOps.EPOLLIN);
                }
            }
        });
        return monitor;
    }

    Future<IoRegistration> registration() {
        return registering;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        if (closed) {
            return;
        }
        List<LinkInfo> events;
        try {
            events = RtNetlink.readLinkEvents(socket, buffer);
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOBUFS) {
                LOG.log(Level.WARNING, "{0}: link events were lost; reading the link state again", interfaceName);
                resync();
            } else {
                LOG.log(Level.WARNING, "{0}: reading link events: {1}", interfaceName, e.getMessage());
            }
            return;
        }
        for (LinkInfo link : events) {
            if (link.ifindex() == ifindex) {
                listener.accept(link);
            }
        }
    }

    private void resync() {
        try {
            LinkInfo now = query.link(ifindex);
            listener.accept(now != null ? now : new LinkInfo(ifindex, interfaceName, 0, -1, new byte[0], true));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: reading the link state: {1}", interfaceName, e.getMessage());
        }
    }

    /** Unsubscribes and closes the socket. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IoRegistration r = registration;
        if (r != null) {
            r.cancel();
        } else if (registering != null) {
            registering.cancel(false);
        }
        socket.close();
    }
}
