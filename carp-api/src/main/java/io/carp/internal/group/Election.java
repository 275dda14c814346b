package io.carp.internal.group;

import io.carp.CarpState;

/**
 * What {@link DefaultCarpGroup} drives, whichever protocol elects the master: CARP's {@link CarpStateMachine} or
 * VRRP's {@link VrrpElection}. Passive and deterministic: fed {@code (now, event)}, it answers through its effects and
 * {@link #nextDeadline()}. Protocol thread only.
 */
interface Election {
    /** {@link #nextDeadline()} when no timer is armed. */
    long NO_DEADLINE = Long.MAX_VALUE;

    /** The current state. */
    CarpState state();

    /** The next time {@link #onTimer} has something to do, or {@link #NO_DEADLINE}. */
    long nextDeadline();

    /** The demotion in force. */
    int demotion();

    /** Joins the group; with the link down it waits in INIT. */
    void start(long now, boolean linkIsUp);

    /** Leaves the group; a master bows out (CARP 255/255, VRRP priority 0). */
    void stop(long now);

    /** A deadline passed. */
    void onTimer(long now);

    /** The link went down or came back. */
    void onLinkStateChanged(long now, boolean up);

    /** Operator take-over. */
    void forceMaster(long now, String reason);

    /** Operator step-down. */
    void forceBackup(long now, String reason);

    /** A new demotion; a master advertises it at once. */
    void setDemotion(long now, int newDemotion);
}
