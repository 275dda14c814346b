package io.carp;

import java.time.Instant;
import java.util.Objects;

/**
 * A state transition of one CARP group, as delivered to {@code onMaster}, {@code onBackup} and {@code onStateChange}
 * callbacks.
 *
 * <p>{@link #toString()} reads like FreeBSD's log line: {@code vhid 1@eth0: BACKUP -> MASTER (master timed out)}.
 */
public final class CarpStateEvent {
    private final int vhid;
    private final String interfaceName;
    private final CarpState from;
    private final CarpState to;
    private final StateChangeCause cause;
    private final String reason;
    private final long nanoTime;
    private final Instant wallTime;

    /**
     * Creates an event.
     *
     * @param vhid          the group's virtual host id (1-255)
     * @param interfaceName the interface the group runs on, or {@code "-"} if none was configured
     * @param from          the state left
     * @param to            the state entered
     * @param cause         the typed cause of the transition
     * @param reason        a short human-readable reason, e.g. {@code "master timed out"}
     * @param nanoTime      the group clock's monotonic time of the transition, in nanoseconds
     * @param wallTime      the wall-clock time of the transition
     */
    public CarpStateEvent(int vhid, String interfaceName, CarpState from, CarpState to, StateChangeCause cause,
                          String reason, long nanoTime, Instant wallTime) {
        this.vhid = vhid;
        this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.cause = Objects.requireNonNull(cause, "cause");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.nanoTime = nanoTime;
        this.wallTime = Objects.requireNonNull(wallTime, "wallTime");
    }

    /** {@return the group's virtual host id, 1-255} */
    public int vhid() {
        return vhid;
    }

    /** {@return the interface the group runs on, or {@code "-"} if it has none (testkit)} */
    public String interfaceName() {
        return interfaceName;
    }

    /** {@return the state that was left} */
    public CarpState from() {
        return from;
    }

    /** {@return the state that was entered} */
    public CarpState to() {
        return to;
    }

    /** {@return the typed cause of the transition, e.g. {@link StateChangeCause#MASTER_TIMED_OUT}} */
    public StateChangeCause cause() {
        return cause;
    }

    /**
     * {@return why the transition happened, in words for logs, e.g. {@code "master timed out"},
     * {@code "preempted by 198.18.0.1"}}
     */
    public String reason() {
        return reason;
    }

    /**
     * {@return the group clock's monotonic time of the transition, in nanoseconds (see {@link CarpClock#nanoTime()})}
     */
    public long nanoTime() {
        return nanoTime;
    }

    /** {@return the wall-clock time of the transition (see {@link CarpClock#wallTime()})} */
    public Instant wallTime() {
        return wallTime;
    }

    @Override
    public String toString() {
        return "vhid " + vhid + "@" + interfaceName + ": " + from + " -> " + to + " (" + reason + ")";
    }
}
