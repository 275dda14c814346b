package io.carp.internal.group;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Delivers a group's state events and link-wait changes to the application's listeners, in order, on one serial
 * executor off the protocol thread. A listener that throws, or an executor that refuses a task, is logged and counted;
 * the protocol goes on.
 */
final class GroupEvents {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());

    private final String label;
    private final List<Consumer<CarpStateEvent>> onMaster;
    private final List<Consumer<CarpStateEvent>> onBackup;
    private final List<Consumer<CarpStateEvent>> onStateChange;
    private final List<Runnable> linkWaitListeners = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final DefaultCarpStats stats;

    GroupEvents(String label, List<Consumer<CarpStateEvent>> onMaster, List<Consumer<CarpStateEvent>> onBackup,
                List<Consumer<CarpStateEvent>> onStateChange, Executor callbackExecutor, DefaultCarpStats stats) {
        this.label = label;
        this.onMaster = onMaster;
        this.onBackup = onBackup;
        this.onStateChange = new CopyOnWriteArrayList<>(onStateChange);
        this.callbacks = new SerialExecutor(callbackExecutor != null ? callbackExecutor : DefaultCallbackExecutor.get());
        this.stats = stats;
    }

    void addListener(Consumer<CarpStateEvent> listener) {
        onStateChange.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeListener(Consumer<CarpStateEvent> listener) {
        onStateChange.remove(listener);
    }

    void addLinkWaitListener(Runnable listener) {
        linkWaitListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Queues a state event for the listeners. Any thread. */
    void publish(CarpStateEvent event) {
        try {
            callbacks.execute(() -> deliver(event));
        } catch (RuntimeException e) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, "{0}: callback executor refused the {1} event: {2}", label, event.to(), e.toString());
        }
    }

    /** Queues a link-wait change for its listeners. Any thread. */
    void publishLinkWait() {
        try {
            callbacks.execute(() -> linkWaitListeners.forEach(l -> {
                try {
                    l.run();
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    stats.callbackFailure();
                    LOG.log(Level.WARNING, label + ": a link listener threw; the protocol goes on", t);
                }
            }));
        } catch (RuntimeException e) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, "{0}: callback executor refused a link event: {1}", label, e.toString());
        }
    }

    private void deliver(CarpStateEvent event) {
        for (Consumer<CarpStateEvent> listener : onStateChange) {
            invoke(listener, event);
        }
        if (event.to() == CarpState.MASTER) {
            onMaster.forEach(l -> invoke(l, event));
        } else if (event.to() == CarpState.BACKUP || event.from() == CarpState.MASTER) {
            onBackup.forEach(l -> invoke(l, event));
        }
    }

    private void invoke(Consumer<CarpStateEvent> listener, CarpStateEvent event) {
        try {
            listener.accept(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, label + ": a callback for " + event.to() + " threw; the protocol goes on", t);
        }
    }
}
