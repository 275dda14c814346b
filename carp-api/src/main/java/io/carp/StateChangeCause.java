package io.carp;

/**
 * Why a group changed state: the typed cause carried by every {@link CarpStateEvent} beside its human-readable
 * {@link CarpStateEvent#reason() reason} text. Use it to react to a kind of transition (metrics, alerts, deciding
 * whether a takeover was planned) without parsing log text.
 *
 * <p>{@link #tag()} is a stable lower-case name for metric tags and logs; it does not change between releases.
 */
public enum StateChangeCause {
    /** INIT to BACKUP: {@link CarpGroup#start()} was called. */
    STARTED("started"),
    /** To INIT: {@link CarpGroup#close()} was called (a MASTER bowed out first). */
    STOPPED("stopped"),
    /** INIT to BACKUP: the interface came back up with carrier. */
    LINK_UP("link_up"),
    /** To INIT: the interface went down or lost carrier. */
    LINK_DOWN("link_down"),
    /** BACKUP to MASTER: no advertisement was heard for the master-down interval. */
    MASTER_TIMED_OUT("master_timed_out"),
    /**
     * BACKUP to MASTER: the master sent its bow-out advertisement (it is shutting down or stepping down); for VRRP, its
     * priority-0 advertisement, after which a backup waits its skew time only.
     */
    BOW_OUT_RECEIVED("bow_out"),
    /** BACKUP to MASTER: the master advertises more slowly than our master-down interval, so it would time out. */
    MASTER_WILL_TIME_OUT("master_will_time_out"),
    /** BACKUP to MASTER: the master is demoted (its demote byte is higher than ours). */
    MASTER_DEMOTED("master_demoted"),
    /**
     * BACKUP to MASTER: preempt is on and this node advertises faster than the master; for VRRP, it has a higher
     * priority, ignored the master's advertisements and took over when its master-down timer fired (RFC 9568 §6.4.2).
     */
    PREEMPTING("preempting"),
    /** MASTER to BACKUP: a peer that advertises faster (VRRP: with a higher priority) took over. */
    PREEMPTED("preempted"),
    /** MASTER to BACKUP: this node is demoted below a peer (operator demotion or a failing health check). */
    DEMOTED("demoted"),
    /** MASTER to BACKUP: this node demoted itself because it could not add or renew its virtual addresses. */
    ADDRESS_CLAIM_FAILED("address_claim_failed"),
    /**
     * MASTER to BACKUP: two masters advertised the same interval (VRRP: the same priority); the tie rule chose the
     * peer (VRRP: the higher primary address wins, RFC 9568 §6.4.3).
     */
    EQUAL_ADVERTISEMENT("equal_advertisement"),
    /** {@link CarpGroup#forceMaster} or {@link CarpGroup#forceBackup} by an operator. */
    FORCED("forced"),
    /** VRRP, INIT to MASTER: priority 255, the address owner, starts as master (RFC 9568 §6.4.1). */
    ADDRESS_OWNER("address_owner");

    private final String tag;

    StateChangeCause(String tag) {
        this.tag = tag;
    }

    /** {@return the stable lower-case name of this cause, for metric tags and logs, e.g. {@code master_timed_out}} */
    public String tag() {
        return tag;
    }
}
