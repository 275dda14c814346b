package io.carp.netty.internal;

import io.carp.netty.internal.linux.Errno;
import io.carp.netty.internal.linux.LinkInfo;
import io.carp.netty.internal.linux.NativeException;
import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.RtNetlink;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches one interface's link state through rtnetlink link events ({@code RTMGRP_LINK}), read on the epoll loop.
 * Every event for the interface is handed to the listener; if the kernel dropped events ({@code ENOBUFS}) the state
 * is queried again.
 */
final class LinkMonitor extends EpollReader {
    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private final String interfaceName;
    /** The interface index followed; changes when the interface is re-created. Loop thread. */
    private int ifindex;
    private final NativeSocket socket;
    private final RtNetlink query;
    private final Consumer<LinkInfo> listener;
    private final Consumer<LinkInfo> replaced;
    private final byte[] buffer = new byte[32 * 1024];

    private LinkMonitor(String interfaceName, int ifindex, NativeSocket socket, RtNetlink query,
                        Consumer<LinkInfo> listener, Consumer<LinkInfo> replaced) {
        super(socket.fd());
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.socket = socket;
        this.query = query;
        this.listener = listener;
        this.replaced = replaced;
    }

    /**
     * Subscribes (call inside the interface's namespace) and starts registering on the loop. Subscribe before
     * reading the initial state, so that no change falls between the two.
     */
    static LinkMonitor open(String interfaceName, int ifindex, RtNetlink query, Consumer<LinkInfo> listener,
                            IoEventLoop loop) {
        return open(interfaceName, ifindex, query, listener, null, loop);
    }

    /**
     * As {@link #open(String, int, RtNetlink, Consumer, IoEventLoop)}, and follows the interface when it is deleted
     * and created again under the same name.
     *
     * @param replaced called on the loop with the new interface (new ifindex) before its state goes to
     *                 {@code listener}; {@code null} to stay with the first ifindex
     */
    static LinkMonitor open(String interfaceName, int ifindex, RtNetlink query, Consumer<LinkInfo> listener,
                            Consumer<LinkInfo> replaced, IoEventLoop loop) {
        LinkMonitor monitor = new LinkMonitor(interfaceName, ifindex, RtNetlink.openLinkEvents(), query, listener,
                replaced);
        monitor.register(loop);
        return monitor;
    }

    /** The interface index followed now. Loop thread. */
    int ifindex() {
        return ifindex;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        if (isClosed()) {
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
            } else if (isReplacement(link)) {
                follow(link);
            }
        }
    }

    /** Another interface that now bears our name (the old one was deleted, or renamed away). */
    private boolean isReplacement(LinkInfo link) {
        return replaced != null && !link.deleted() && interfaceName.equals(link.name());
    }

    private void follow(LinkInfo link) {
        LOG.log(Level.INFO, "{0}: the interface was created again (ifindex {1} -> {2}); following it",
                interfaceName, ifindex, link.ifindex());
        ifindex = link.ifindex();
        try {
            replaced.accept(link);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, interfaceName + ": could not move to the new interface", e);
            return;
        }
        listener.accept(link);
    }

    private void resync() {
        try {
            LinkInfo now = query.link(ifindex);
            if (now == null && replaced != null) {
                LinkInfo byName = query.link(interfaceName);
                if (byName != null && byName.ifindex() != ifindex) {
                    listener.accept(new LinkInfo(ifindex, interfaceName, 0, -1, new byte[0], true));
                    follow(byName);
                    return;
                }
            }
            listener.accept(now != null ? now : new LinkInfo(ifindex, interfaceName, 0, -1, new byte[0], true));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: reading the link state: {1}", interfaceName, e.getMessage());
        }
    }

    /** On {@link #close()}, after the socket left the loop: closes it, which unsubscribes. */
    @Override
    void closeDescriptors() {
        socket.close();
    }
}
