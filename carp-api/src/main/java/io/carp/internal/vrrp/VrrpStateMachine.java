package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpConstants.PRIORITY_OWNER;
import static io.carp.internal.vrrp.VrrpConstants.PRIORITY_STOP;

import io.carp.CarpState;
import io.carp.internal.time.VrrpTiming;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The VRRP election of one virtual router (RFC 9568 §6.4 for VRRPv3, RFC 3768 §6.4 for VRRPv2) as a passive,
 * deterministic state machine: fed {@code (now, event)}, it answers through {@link Effects} and
 * {@link #nextDeadline()}. No threads, no clock, no I/O; not thread-safe (one protocol thread drives it). The RFC's
 * Initialize, Backup and Master (RFC 9568: Active) states are {@link CarpState#INIT}, {@link CarpState#BACKUP} and
 * {@link CarpState#MASTER}.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Initialize</b> (§6.4.1): the address owner (priority 255) becomes master at once; any other router sets
 *       Master_Adver_Interval to its own Advertisement_Interval, arms the master-down timer and becomes backup.</li>
 *   <li><b>Backup</b> (§6.4.2): when the master-down timer fires it becomes master. On an advertisement with
 *       priority 0 it sets the timer to Skew_Time (the stopping master hands over after the skew only). On one with a
 *       priority at least its own, or on any advertisement when preemption is off, it learns the master's interval
 *       (VRRPv3) and restarts the timer. With preemption on, an advertisement of lower priority is discarded, so the
 *       backup takes over when its timer fires: preemption works by timeout, as the RFC has it.</li>
 *   <li><b>Master</b> (§6.4.3): it advertises every Advertisement_Interval. On an advertisement with priority 0 it
 *       advertises at once. On one with a higher priority, or an equal priority from a higher primary address
 *       (compared as unsigned bytes in network order), it becomes backup, learning that master's interval. A lower
 *       advertisement is discarded; the addresses are announced again (gratuitous ARP / unsolicited NA) so that
 *       hosts that followed the other master come back, as keepalived does ({@code vrrp_state_master_rx} in
 *       keepalived/vrrp/vrrp.c, which also sends an extra advertisement; this machine sends none beyond the RFC's).
 *       An address owner processes advertisements like any master (RFC 9568 erratum 8298).</li>
 *   <li><b>Shutdown</b>: a master sends one advertisement with priority 0 and releases its addresses.</li>
 *   <li><b>Demotion</b> lowers the priority this router uses and advertises: {@code max(1, priority - demotion)}
 *       (an owner that is demoted stops being the owner). A master advertises a change at once; a backup with a
 *       higher priority then discards its advertisements and takes over after its master-down interval.</li>
 * </ul>
 */
public final class VrrpStateMachine {
    /** {@link #nextDeadline()} when no timer is armed. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** Why a transition happened; the group maps it to its public cause. */
    public enum Cause {
        /** Joined the group (INIT to BACKUP). */
        STARTED,
        /** Priority 255: the address owner starts as master (§6.4.1). */
        ADDRESS_OWNER,
        /** The master-down timer fired: no advertisement (or only lower ones, with preemption) for the interval. */
        MASTER_DOWN,
        /** The master-down timer fired after a priority-0 advertisement shortened it to the skew time. */
        MASTER_STOPPED,
        /** The master-down timer fired while only lower-priority advertisements were heard (preemption). */
        PREEMPTING,
        /** A master saw an advertisement with a higher priority. */
        PREEMPTED,
        /** A master saw a higher priority that its configured priority would match or beat: its demotion lost. */
        DEMOTED,
        /** A master saw an advertisement with its own priority from a higher primary address (the tie rule). */
        HIGHER_ADDRESS,
        /** The link went down. */
        LINK_DOWN,
        /** The link came back. */
        LINK_UP,
        /** The group was stopped. */
        STOPPED,
        /** An operator forced the state. */
        FORCED
    }

    /** What the machine asks its driver to do, synchronously and in order. */
    public interface Effects {
        /**
         * Send one advertisement (per configured family and destination).
         *
         * @param priority the priority to advertise: the effective priority, or 0 when stopping
         */
        void sendAdvertisement(int priority);

        /** Becoming master: add the virtual addresses and announce them. */
        void claimAddresses();

        /** Leaving master: remove the virtual addresses. */
        void releaseAddresses();

        /** Announce the addresses again (gratuitous ARP / unsolicited NA). */
        void announceAddresses();

        /**
         * The state changed.
         *
         * @param from   the old state
         * @param to     the new state
         * @param cause  why
         * @param detail a readable reason for logs and events
         */
        void stateChanged(CarpState from, CarpState to, Cause cause, String detail);
    }

    private final int version;
    private final int priority;
    private final int intervalCentis;
    private final boolean preempt;
    private final Effects effects;

    private CarpState state = CarpState.INIT;
    private boolean running;
    private boolean linkUp = true;
    private int demotion;
    private int masterIntervalCentis;
    private boolean masterStopping;
    private InetAddress lowerMaster;
    private long deadline = NO_DEADLINE;
    private long preemptSuppressedUntil = Long.MIN_VALUE;

    /**
     * Creates a machine.
     *
     * @param version        2 or 3
     * @param priority       the configured priority, 1-255
     * @param intervalCentis this router's Advertisement_Interval in centiseconds
     * @param preempt        Preempt_Mode
     * @param demotion       the initial demotion, 0 or more
     * @param effects        the driver
     */
    public VrrpStateMachine(int version, int priority, int intervalCentis, boolean preempt, int demotion,
                            Effects effects) {
        this.version = version;
        this.priority = priority;
        this.intervalCentis = intervalCentis;
        this.preempt = preempt;
        this.demotion = demotion;
        this.effects = effects;
        this.masterIntervalCentis = intervalCentis;
    }

    /** The current state. */
    public CarpState state() {
        return state;
    }

    /** The next time {@link #onTimer} has something to do, or {@link #NO_DEADLINE}. */
    public long nextDeadline() {
        return deadline;
    }

    /** The current demotion. */
    public int demotion() {
        return demotion;
    }

    /** The priority this router uses and advertises: {@code max(1, priority - demotion)}. */
    public int effectivePriority() {
        return Math.max(1, priority - demotion);
    }

    /** Master_Adver_Interval: the interval learned from the master (VRRPv3), else this router's own. */
    public int masterIntervalCentis() {
        return masterIntervalCentis;
    }

    /** Master_Down_Interval with the learned interval and the effective priority, in nanoseconds. */
    public long masterDownNanos() {
        return VrrpTiming.masterDownNanos(version, effectivePriority(), masterIntervalCentis);
    }

    /** Skew_Time with the learned interval and the effective priority, in nanoseconds. */
    public long skewNanos() {
        return VrrpTiming.skewNanos(version, effectivePriority(), masterIntervalCentis);
    }

    // ------------------------------------------------------------------------------------------------ events

    /**
     * Joins the virtual router (§6.4.1). With the link down the machine waits in INIT.
     *
     * @param now      monotonic nanoseconds
     * @param linkIsUp whether the link is up
     */
    public void start(long now, boolean linkIsUp) {
        if (running) {
            return;
        }
        running = true;
        linkUp = linkIsUp;
        if (linkUp) {
            initialize(now, Cause.STARTED, "started");
        }
    }

    /**
     * A verified advertisement from another router for this VRID (checksum, version, VRID, authentication and own
     * packet already checked by the group).
     *
     * @param now            monotonic nanoseconds
     * @param peerPriority   the advertised priority, 0-255
     * @param peerIntervalCentis the advertised interval, centiseconds
     * @param peer           the sender's primary address (IPv4) or link-local address (IPv6)
     * @param self           this router's primary address in the same family, or {@code null} if unknown (then an
     *                       equal priority never makes this master step down)
     */
    public void onAdvertisement(long now, int peerPriority, int peerIntervalCentis, InetAddress peer,
                                InetAddress self) {
        if (state == CarpState.BACKUP) {
            if (peerPriority == PRIORITY_STOP) {
                masterStopping = true;
                deadline = now + skewNanos();
            } else if (!preemptActive(now) || peerPriority >= effectivePriority()) {
                masterStopping = false;
                lowerMaster = null;
                learnInterval(peerIntervalCentis);
                deadline = now + masterDownNanos();
            } else {
                // Preemption: discard, the master-down timer will fire (§6.4.2).
                lowerMaster = peer;
            }
        } else if (state == CarpState.MASTER) {
            if (peerPriority == PRIORITY_STOP) {
                effects.sendAdvertisement(effectivePriority());
                deadline = now + VrrpTiming.centisToNanos(intervalCentis);
            } else if (peerPriority > effectivePriority() || (peerPriority == effectivePriority() && self != null
                    && Arrays.compareUnsigned(peer.getAddress(), self.getAddress()) > 0)) {
                learnInterval(peerIntervalCentis);
                masterStopping = false;
                lowerMaster = null;
                effects.releaseAddresses();
                deadline = now + masterDownNanos();
                boolean higher = peerPriority > effectivePriority();
                Cause cause = !higher ? Cause.HIGHER_ADDRESS
                        : demotion > 0 && peerPriority <= priority ? Cause.DEMOTED : Cause.PREEMPTED;
                transition(CarpState.BACKUP, cause, higher
                        ? "higher priority " + peerPriority + " from " + peer.getHostAddress()
                        : "equal priority " + peerPriority + " from higher address " + peer.getHostAddress());
            } else {
                effects.announceAddresses();
            }
        }
    }

    /**
     * A timer deadline passed: a backup becomes master, a master advertises. Early or spurious calls do nothing. A
     * master's next advert is due one interval after the one that was due, not after the late wake-up, so a late
     * wake-up (a busy loop, a GC pause) sends at once and the schedule does not drift (RFC 9568 §6.4.3 resets the
     * Adver_Timer to Advertisement_Interval when it fires; counting from the deadline keeps the same average interval
     * instead of adding the wake-up latency to every one, as CARP's machine does); a wake-up a whole interval or more
     * late restarts the schedule from now rather than sending a burst.
     *
     * @param now monotonic nanoseconds
     */
    public void onTimer(long now) {
        if (now < deadline) {
            return;
        }
        if (state == CarpState.BACKUP) {
            if (masterStopping) {
                enterMaster(now, Cause.MASTER_STOPPED, "master sent priority 0 (stopping); skew time passed");
            } else if (lowerMaster != null) {
                enterMaster(now, Cause.PREEMPTING, "preempting lower-priority master " + lowerMaster.getHostAddress());
            } else {
                enterMaster(now, Cause.MASTER_DOWN, "master down");
            }
        } else if (state == CarpState.MASTER) {
            effects.sendAdvertisement(effectivePriority());
            long interval = VrrpTiming.centisToNanos(intervalCentis);
            long next = deadline + interval;
            deadline = next - now > 0 ? next : now + interval;
        } else {
            deadline = NO_DEADLINE;
        }
    }

    /**
     * Link down: INIT, addresses released, nothing sent (the link is gone). Link up: Initialize again.
     *
     * @param now monotonic nanoseconds
     * @param up  the new link state
     */
    public void onLinkStateChanged(long now, boolean up) {
        linkUp = up;
        if (!running) {
            return;
        }
        if (!up && state != CarpState.INIT) {
            if (state == CarpState.MASTER) {
                effects.releaseAddresses();
            }
            deadline = NO_DEADLINE;
            transition(CarpState.INIT, Cause.LINK_DOWN, "link down");
        } else if (up && state == CarpState.INIT) {
            initialize(now, Cause.LINK_UP, "link up");
        }
    }

    /**
     * Leaves the virtual router (§6.4.3 Shutdown): a master sends priority 0 and releases its addresses.
     *
     * @param now monotonic nanoseconds
     */
    public void stop(long now) {
        if (!running) {
            return;
        }
        running = false;
        if (state == CarpState.MASTER) {
            effects.sendAdvertisement(PRIORITY_STOP);
            effects.releaseAddresses();
        }
        deadline = NO_DEADLINE;
        transition(CarpState.INIT, Cause.STOPPED, "stopped");
    }

    /**
     * Operator take-over: become master now.
     *
     * @param now    monotonic nanoseconds
     * @param reason for the log
     */
    public void forceMaster(long now, String reason) {
        if (running && linkUp && state != CarpState.MASTER) {
            enterMaster(now, Cause.FORCED, "forced: " + reason);
        }
    }

    /**
     * Operator step-down: a master sends priority 0 (so a backup takes over after its skew time), releases its
     * addresses and becomes backup; preemption is suspended for one master-down interval so that it does not take
     * the group straight back.
     *
     * @param now    monotonic nanoseconds
     * @param reason for the log
     */
    public void forceBackup(long now, String reason) {
        if (!running || !linkUp) {
            return;
        }
        preemptSuppressedUntil = now + masterDownNanos();
        if (state == CarpState.MASTER) {
            effects.sendAdvertisement(PRIORITY_STOP);
            effects.releaseAddresses();
            masterIntervalCentis = intervalCentis;
            masterStopping = false;
            lowerMaster = null;
            deadline = now + masterDownNanos();
            transition(CarpState.BACKUP, Cause.FORCED, "forced: " + reason);
        }
    }

    /**
     * Changes the demotion; a master advertises its new priority at once.
     *
     * @param now         monotonic nanoseconds
     * @param newDemotion 0 or more
     */
    public void setDemotion(long now, int newDemotion) {
        if (newDemotion == demotion) {
            return;
        }
        demotion = newDemotion;
        if (state == CarpState.MASTER) {
            effects.sendAdvertisement(effectivePriority());
            deadline = now + VrrpTiming.centisToNanos(intervalCentis);
        }
    }

    // ------------------------------------------------------------------------------------------------ transitions

    private void initialize(long now, Cause cause, String detail) {
        if (effectivePriority() == PRIORITY_OWNER) {
            enterMaster(now, Cause.ADDRESS_OWNER, detail + ": address owner (priority 255)");
        } else {
            masterIntervalCentis = intervalCentis;
            masterStopping = false;
            lowerMaster = null;
            deadline = now + masterDownNanos();
            transition(CarpState.BACKUP, cause, detail);
        }
    }

    private void enterMaster(long now, Cause cause, String detail) {
        // §6.4.2: send an ADVERTISEMENT, then broadcast gratuitous ARP / NA for the addresses.
        effects.sendAdvertisement(effectivePriority());
        effects.claimAddresses();
        masterStopping = false;
        lowerMaster = null;
        deadline = now + VrrpTiming.centisToNanos(intervalCentis);
        transition(CarpState.MASTER, cause, detail);
    }

    private void learnInterval(int peerIntervalCentis) {
        // VRRPv2 has no learning: a different interval is dropped before it gets here (RFC 3768 §7.1).
        if (version != VrrpConstants.VERSION_2 && peerIntervalCentis > 0) {
            masterIntervalCentis = peerIntervalCentis;
        }
    }

    private boolean preemptActive(long now) {
        return preempt && now >= preemptSuppressedUntil;
    }

    private void transition(CarpState to, Cause cause, String detail) {
        CarpState from = state;
        state = to;
        if (from != to) {
            effects.stateChanged(from, to, cause, detail);
        }
    }
}
