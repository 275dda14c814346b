package io.carp.micrometer;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import java.util.List;

/**
 * The transitions each {@link StateChangeCause} can label, so that the binder registers every
 * {@link CarpMetricNames#TRANSITIONS} series at 0 when it binds (Prometheus {@code increase()} does not see a series
 * that starts at 1, so a first failover would not show). The {@code reason} tag is {@link StateChangeCause#tag()}.
 */
final class TransitionEdges {
    private TransitionEdges() {
    }

    /** A transition between two states. */
    record Edge(CarpState from, CarpState to) {
    }

    private static final Edge INIT_BACKUP = new Edge(CarpState.INIT, CarpState.BACKUP);
    private static final Edge BACKUP_INIT = new Edge(CarpState.BACKUP, CarpState.INIT);
    private static final Edge MASTER_INIT = new Edge(CarpState.MASTER, CarpState.INIT);
    private static final Edge BACKUP_MASTER = new Edge(CarpState.BACKUP, CarpState.MASTER);
    private static final Edge MASTER_BACKUP = new Edge(CarpState.MASTER, CarpState.BACKUP);
    private static final Edge INIT_MASTER = new Edge(CarpState.INIT, CarpState.MASTER);

    /** The transitions a cause can label. A new cause fails to compile here until its edges are listed. */
    static List<Edge> of(StateChangeCause cause) {
        return switch (cause) {
            case STARTED, LINK_UP -> List.of(INIT_BACKUP);
            case LINK_DOWN, STOPPED -> List.of(BACKUP_INIT, MASTER_INIT);
            case MASTER_TIMED_OUT, BOW_OUT_RECEIVED, MASTER_WILL_TIME_OUT, MASTER_DEMOTED, PREEMPTING ->
                    List.of(BACKUP_MASTER);
            case PREEMPTED, DEMOTED, ADDRESS_CLAIM_FAILED, EQUAL_ADVERTISEMENT -> List.of(MASTER_BACKUP);
            case FORCED -> List.of(BACKUP_MASTER, MASTER_BACKUP);
            case ADDRESS_OWNER -> List.of(INIT_MASTER);
        };
    }
}
