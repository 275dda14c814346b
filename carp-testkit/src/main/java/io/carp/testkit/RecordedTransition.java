package io.carp.testkit;

import io.carp.CarpState;
import java.time.Duration;
import java.util.Objects;

/** An immutable record of one state transition of one group on one simulated node. */
public final class RecordedTransition {
    private final long timeNanos;
    private final String node;
    private final int vhid;
    private final CarpState from;
    private final CarpState to;
    private final String reason;

    RecordedTransition(long timeNanos, String node, int vhid, CarpState from, CarpState to, String reason) {
        this.timeNanos = timeNanos;
        this.node = Objects.requireNonNull(node, "node");
        this.vhid = vhid;
        this.from = from;
        this.to = to;
        this.reason = reason;
    }

    /** When it happened: virtual time since the network was created. */
    public Duration time() {
        return Duration.ofNanos(timeNanos);
    }

    /** When it happened, in virtual nanoseconds since the network was created. */
    public long timeNanos() {
        return timeNanos;
    }

    /** The name of the node. */
    public String node() {
        return node;
    }

    /** The group's vhid. */
    public int vhid() {
        return vhid;
    }

    /** The state left. */
    public CarpState from() {
        return from;
    }

    /** The state entered. */
    public CarpState to() {
        return to;
    }

    /** Why, as the group said it, e.g. {@code "master timed out"}. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RecordedTransition)) {
            return false;
        }
        RecordedTransition that = (RecordedTransition) o;
        return timeNanos == that.timeNanos && vhid == that.vhid && node.equals(that.node) && from == that.from
                && to == that.to && reason.equals(that.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeNanos, node, vhid, from, to, reason);
    }

    /** A timeline line: {@code t=3.391s C vhid 1: BACKUP -> MASTER (master timed out)}. */
    @Override
    public String toString() {
        return "t=" + Times.format(timeNanos) + " " + node + " vhid " + vhid + ": " + from + " -> " + to + " ("
                + reason + ")";
    }
}
