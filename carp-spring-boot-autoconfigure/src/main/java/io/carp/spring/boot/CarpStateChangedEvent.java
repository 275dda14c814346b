package io.carp.spring.boot;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.StateChangeCause;
import java.time.Instant;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * A state transition of a group configured under {@code carp.groups.<name>}, published to the application context so
 * that {@code @EventListener} methods can start on MASTER what must run on one node only, and stop it on leaving
 * MASTER:
 *
 * <pre>{@code
 * @EventListener
 * void onCarp(CarpStateChangedEvent e) {
 *     if (e.groupName().equals("web") && e.becameMaster()) { scheduler.start(); }
 *     if (e.groupName().equals("web") && e.leftMaster()) { scheduler.stop(); }
 * }
 * }</pre>
 *
 * <p>Threads: published on one thread, {@code carp-events}, in transition order, never on the protocol thread; a
 * listener that throws is logged and counted by the group
 * ({@code stats().callbackFailures()}) and does not affect the protocol. Listeners run one after the other: keep them
 * short or hand work to another thread. The transition to INIT when the application stops (the bow-out) is published
 * too, and its listeners finish before the web server's graceful shutdown begins.
 */
public final class CarpStateChangedEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;

    private final String groupName;
    private final transient CarpStateEvent event;

    CarpStateChangedEvent(Object source, String groupName, CarpStateEvent event) {
        super(source);
        this.groupName = Objects.requireNonNull(groupName, "groupName");
        this.event = Objects.requireNonNull(event, "event");
    }

    /** The group's name under {@code carp.groups}. */
    public String groupName() {
        return groupName;
    }

    /** The group's virtual host id (1-255). */
    public int vhid() {
        return event.vhid();
    }

    /** The state that was left. */
    public CarpState from() {
        return event.from();
    }

    /** The state that was entered. */
    public CarpState to() {
        return event.to();
    }

    /** The typed cause, e.g. {@link StateChangeCause#MASTER_TIMED_OUT}, {@link StateChangeCause#STOPPED}. */
    public StateChangeCause cause() {
        return event.cause();
    }

    /** The cause in words for logs, e.g. {@code "master timed out"}, {@code "preempted by 198.18.0.1"}. */
    public String reason() {
        return event.reason();
    }

    /** Whether this node became MASTER. */
    public boolean becameMaster() {
        return event.to() == CarpState.MASTER && event.from() != CarpState.MASTER;
    }

    /** Whether this node stopped being MASTER (to BACKUP, or to INIT on link loss or shutdown). */
    public boolean leftMaster() {
        return event.from() == CarpState.MASTER && event.to() != CarpState.MASTER;
    }

    /** The wall-clock time of the transition. */
    public Instant transitionTime() {
        return event.wallTime();
    }

    /** The group's own event, with the interface and the monotonic time. */
    public CarpStateEvent carpEvent() {
        return event;
    }

    @Override
    public String toString() {
        return "carp.groups." + groupName + ": " + event;
    }
}
