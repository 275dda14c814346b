package io.carp.micrometer;

import io.carp.CarpState;
import java.util.List;

/**
 * The bounded set of values of the {@code reason} tag on {@link CarpMetricNames#TRANSITIONS}. A transition's reason
 * text ({@link io.carp.CarpStateEvent#reason()}) can contain a peer address or a number; it is mapped here to a
 * stable class so that the number of time series stays fixed. Text that matches no class becomes {@link #OTHER}.
 *
 * <p>The texts are those written by carp-api's {@code CarpStateMachine} (table in {@code docs/ARCHITECTURE.md}).
 * {@code CarpMeterBinderReasonTest} drives a real group into each of them, so a change of wording there fails a
 * test here instead of silently turning into {@code other}.
 *
 * <p>Each class also lists the transitions it can label; the binder registers those at 0 when it binds, so that a
 * first failover shows up as an increase (Prometheus {@code increase()} does not see a series that starts at 1).
 */
enum TransitionReason {
    /** {@code started}: INIT to BACKUP on {@code start()}. */
    STARTED("started", edge(CarpState.INIT, CarpState.BACKUP)),
    /** {@code link up}: INIT to BACKUP when the interface comes back. */
    LINK_UP("link_up", edge(CarpState.INIT, CarpState.BACKUP)),
    /** {@code link down}: to INIT when the interface goes down or loses carrier. */
    LINK_DOWN("link_down", edge(CarpState.BACKUP, CarpState.INIT), edge(CarpState.MASTER, CarpState.INIT)),
    /** {@code stopped}: to INIT on {@code close()}. */
    STOPPED("stopped", edge(CarpState.BACKUP, CarpState.INIT), edge(CarpState.MASTER, CarpState.INIT)),
    /** {@code master timed out}: a backup heard no master for the master-down interval. */
    MASTER_TIMED_OUT("master_timed_out", edge(CarpState.BACKUP, CarpState.MASTER)),
    /** {@code bow-out received from X}: the master shut down and handed over at once. */
    BOW_OUT("bow_out", edge(CarpState.BACKUP, CarpState.MASTER)),
    /** {@code master X will time out (...)}: the master advertises slower than our master-down interval. */
    MASTER_WILL_TIME_OUT("master_will_time_out", edge(CarpState.BACKUP, CarpState.MASTER)),
    /** {@code master X is demoted (...)}: the master's demote byte is higher than ours. */
    MASTER_DEMOTED("master_demoted", edge(CarpState.BACKUP, CarpState.MASTER)),
    /** {@code preempting slower master X}: preempt is on and we advertise faster. */
    PREEMPTING("preempting", edge(CarpState.BACKUP, CarpState.MASTER)),
    /** {@code preempted by X}: a peer advertises faster than this master. */
    PREEMPTED("preempted", edge(CarpState.MASTER, CarpState.BACKUP)),
    /** {@code demoted below X (...)}: a peer's demote byte is lower than this master's. */
    DEMOTED("demoted", edge(CarpState.MASTER, CarpState.BACKUP)),
    /** {@code equal advertisement from X...}: two equal masters; the lower address won. */
    EQUAL_ADVERTISEMENT("equal_advertisement", edge(CarpState.MASTER, CarpState.BACKUP)),
    /** {@code forced: ...}: {@code forceMaster} or {@code forceBackup} by an operator. */
    FORCED("forced", edge(CarpState.BACKUP, CarpState.MASTER), edge(CarpState.MASTER, CarpState.BACKUP)),
    /** Any other text. Not registered in advance. */
    OTHER("other");

    private final String tag;
    private final List<Edge> edges;

    TransitionReason(String tag, Edge... edges) {
        this.tag = tag;
        this.edges = List.of(edges);
    }

    /** The tag value, lower case with underscores. */
    String tag() {
        return tag;
    }

    /** The transitions this reason can label, registered at 0 in advance. */
    List<Edge> edges() {
        return edges;
    }

    /**
     * Maps a reason text to its class.
     *
     * @param reason the text of {@link io.carp.CarpStateEvent#reason()}
     * @return its class, {@link #OTHER} if unknown
     */
    static TransitionReason classify(String reason) {
        switch (reason) {
            case "started":
                return STARTED;
            case "link up":
                return LINK_UP;
            case "link down":
                return LINK_DOWN;
            case "stopped":
                return STOPPED;
            case "master timed out":
                return MASTER_TIMED_OUT;
            default:
                break;
        }
        if (reason.startsWith("bow-out received from ")) {
            return BOW_OUT;
        }
        if (reason.startsWith("master ") && reason.contains(" will time out")) {
            return MASTER_WILL_TIME_OUT;
        }
        if (reason.startsWith("master ") && reason.contains(" is demoted")) {
            return MASTER_DEMOTED;
        }
        if (reason.startsWith("preempting slower master ")) {
            return PREEMPTING;
        }
        if (reason.startsWith("preempted by ")) {
            return PREEMPTED;
        }
        if (reason.startsWith("demoted below ")) {
            return DEMOTED;
        }
        if (reason.startsWith("equal advertisement from ")) {
            return EQUAL_ADVERTISEMENT;
        }
        if (reason.startsWith("forced:")) {
            return FORCED;
        }
        return OTHER;
    }

    private static Edge edge(CarpState from, CarpState to) {
        return new Edge(from, to);
    }

    /** A transition between two states. */
    record Edge(CarpState from, CarpState to) {
    }
}
