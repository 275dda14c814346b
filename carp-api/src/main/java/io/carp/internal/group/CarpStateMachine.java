package io.carp.internal.group;

import io.carp.CarpState;

import io.carp.StateChangeCause;

import static io.carp.internal.protocol.CarpConstants.CARP_BOW_OUT;
import static io.carp.internal.protocol.CarpConstants.CARP_MAXSKEW;

import io.carp.internal.time.CarpTiming;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The CARP protocol of one group as a passive, deterministic state machine: it is fed {@code (now, event)} and
 * answers with {@link Effects} and {@link #nextDeadline()}. No threads, no clock of its own, no I/O. Not
 * thread-safe: one protocol thread drives it.
 *
 * <h2>Rules</h2>
 * From FreeBSD sys/netinet/ip_carp.c ({@code carp_input_c}, {@code carp_master_down}, {@code carp_setrun}), OpenBSD
 * sys/netinet/ip_carp.c and ucarp src/carp.c; FreeBSD where they differ.
 * <ul>
 *   <li>The master advertises every {@code advbase + advskew'/256} s, where {@code advskew'} is the advertised skew:
 *       the configured skew plus the demotion, capped at 240 (FreeBSD {@code DEMOTE_ADVSKEW}). A configured skew
 *       above 240 is advertised as is: demotion never makes a node look better.</li>
 *   <li>A backup takes over when it hears nothing for {@code deadRatio*advbase + advskew/256} s ("master timed out"),
 *       or at once on an advertisement whose interval is longer than that (FreeBSD/ucarp "master will time out"; this
 *       is how the bow-out advertisement 255/255 hands over in the same instant).</li>
 *   <li>Demotion is also sent in the OpenBSD demote byte. A lower demote byte always wins, whatever the intervals and
 *       without preempt (OpenBSD {@code carp_proto_input_c}); peers that send 0 there (FreeBSD, ucarp) see the
 *       demotion in the advskew instead.</li>
 *   <li>With preempt, a backup takes over from a master that advertises slower than itself (equal demotion).</li>
 *   <li>A master steps down on an advertisement that is better, and sends one last advertisement first (ucarp) so
 *       the new master hears a weaker master and re-announces the addresses. A master that hears a weaker master
 *       re-announces its addresses (split-brain heal).</li>
 *   <li><b>Tie rule</b> (equal interval and demotion, two masters): the source address that is lower <i>in ucarp's
 *       order</i> wins, and the other master steps down (after one last advertisement). ucarp's order is that of
 *       {@code ip_src.s_addr < srcip.s_addr} in its {@code carp.c}: the network-order address read as a host 32-bit
 *       integer, which on the little-endian machines ucarp runs on (x86, ARM) compares the bytes from the last to
 *       the first: 198.18.1.0 is lower than 198.18.0.1 there, though higher in network order. carp4j compares the
 *       same way ({@link #tieOrder}), so a group of carp4j and ucarp nodes in any mix ends with exactly one master
 *       (the lowest in that order), and carp4j nodes alone converge on the first advertisement of the winner.
 *       <ul>
 *         <li>In a group with IPv4 addresses, only IPv4 advertisements decide a tie: an equal IPv6 advertisement is
 *             ignored, since the same peer's IPv4 advertisement, sent in the same instant, decides, and the two
 *             families' addresses are unrelated (their orders could disagree and make each master yield on one
 *             family and win on the other). An IPv6-only group compares its IPv6 source addresses the same way,
 *             last byte first.</li>
 *         <li>If our own address is unknown, the FreeBSD rule applies: step down (FreeBSD always makes both masters
 *             step down on a tie; they then time out together and may repeat, which a deterministic winner
 *             avoids).</li>
 *         <li>A ucarp on a big-endian host compares in network order; do not mix it with little-endian ucarp or
 *             carp4j nodes at equal skews.</li>
 *       </ul>
 *       Ties are best avoided anyway: give every node a distinct advskew.</li>
 *   <li><b>Loss-adaptive master-down</b> (an extension, on by default in groups, see
 *       {@link CarpGroupBuilder#adaptToLoss}): a backup estimates the share of the master's adverts it misses (from
 *       the gaps between the adverts it hears, so it works with any peer). While that estimate is at least 5% (after
 *       16 gaps), it waits as many intervals as it takes for a false takeover to have a chance below 1e-5 per
 *       window, between deadRatio and 4 x deadRatio: at 30% loss, 10 intervals instead of 3. Without loss the
 *       protocol's own bound applies unchanged. The wait in force is reported through
 *       {@link Effects#masterDownChanged} (stats and the takeover log line).</li>
 * </ul>
 */
final class CarpStateMachine implements Election {
    /** {@link #nextDeadline()} when no timer is armed. */
    static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Adverts after a takeover before the addresses are announced again (OpenBSD and ucarp {@code sc_delayed_arp}). */
    static final int DELAYED_ANNOUNCE_ADVERTS = 2;
    /** Weight of one observation in the advert-loss averages (exponentially weighted moving averages). */
    static final double LOSS_ALPHA = 1.0 / 32;
    /** Adverts heard before the loss estimate is trusted. */
    static final int LOSS_MIN_SAMPLES = 16;
    /** Loss below which the configured dead ratio is used as is. */
    static final double LOSS_THRESHOLD = 0.05;
    /** Accepted chance that every advert of one master-down window is lost although the master lives. */
    static final double FALSE_TAKEOVER_TARGET = 1e-5;
    /** The adaptive dead ratio never exceeds this multiple of the configured one. */
    static final int MAX_RATIO_FACTOR = 4;

    /** What the machine asks its driver to do. Called synchronously, in order, from inside the machine's methods. */
    interface Effects {
        /** Send one advertisement with these fields (per configured address family). */
        void sendAdvertisement(int advbase, int advskew, int demote);

        /** Becoming MASTER: add the virtual addresses and announce them. */
        void claimAddresses();

        /** Leaving MASTER: remove the virtual addresses. */
        void releaseAddresses();

        /** Announce the addresses again (gratuitous ARP / unsolicited NA). */
        void announceAddresses();

        /** The state changed; callbacks and logs. */
        void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason);

        /**
         * The master-down interval in force ({@link #waitTicks()}) changed: at start, and whenever loss adaptation
         * lengthens or shortens it. Only stats and logs; nothing to schedule.
         */
        default void masterDownChanged(int ticks) {
        }
    }

    private final int advbase;
    private final int advskew;
    private final int deadRatio;
    private final boolean preempt;
    private final boolean adaptToLoss;
    private final Effects effects;
    private boolean tiesByIpv4Only;
    private boolean alignAdverts;

    private CarpState state = CarpState.INIT;
    private boolean running;
    private boolean linkUp = true;
    private int demotion;
    private long deadline = NO_DEADLINE;
    private long preemptSuppressedUntil = Long.MIN_VALUE;
    private int advertsUntilAnnounce = -1;
    private long lastHeard = Long.MIN_VALUE;
    private double lostAverage;
    private double intervalsAverage;
    private double lossEstimate;
    private int lossSamples;
    private int reportedWaitTicks = -1;

    CarpStateMachine(int advbase, int advskew, int deadRatio, boolean preempt, int demotion, Effects effects) {
        this(advbase, advskew, deadRatio, preempt, demotion, false, effects);
    }

    CarpStateMachine(int advbase, int advskew, int deadRatio, boolean preempt, int demotion, boolean adaptToLoss,
                     Effects effects) {
        this.adaptToLoss = adaptToLoss;
        this.advbase = advbase;
        this.advskew = advskew;
        this.deadRatio = deadRatio;
        this.preempt = preempt;
        this.demotion = demotion;
        this.effects = effects;
    }

    @Override
    public CarpState state() {
        return state;
    }

    /**
     * Opt-in ({@link CarpGroupBuilder#alignAdverts}): a MASTER puts its adverts on a grid of its advertisement
     * interval counted from the clock's zero, so that the groups of one process (one loop) with the same interval
     * advertise in the same instant and cost one wake-up instead of one each. Call before {@link #start}.
     *
     * <p>Only the phase moves, never the interval: when a group becomes MASTER (or re-advertises at once on a
     * demotion change) it sends at once as before; the next advert, normally one interval later, is sent at the last
     * grid instant not after that, i.e. between 0 and one interval later; from then on every advert comes one
     * interval after the previous one, as without the option. What a peer can see is one shortened gap per such
     * event, never a longer one. A peer resets its master-down timer on every advert (FreeBSD {@code carp_input_c},
     * RFC 5798 section 6.4.2, ucarp {@code carp.c}), and none of them checks that adverts are not early (no gap
     * shorter than the interval is an error anywhere), so an early advert only restarts that timer sooner, while the
     * next advert still follows one interval later, within the master-down interval as always. The content of the
     * adverts is unchanged. Opt-in all the same, since the shortened gap is a change of timing on the wire.
     */
    void alignAdverts(boolean align) {
        this.alignAdverts = align;
    }

    /**
     * The deadline of the advert after one sent at {@code now}: one interval later, or with {@link #alignAdverts} the
     * last instant of the interval's grid not after that (always after {@code now}).
     */
    private long nextAdvertAfter(long now) {
        long interval = CarpTiming.ticksToNanos(intervalTicks());
        if (!alignAdverts) {
            return now + interval;
        }
        return Math.floorDiv(now + interval, interval) * interval;
    }

    /**
     * Set for a group that has IPv4 addresses and IPv6 ones: only IPv4 advertisements then decide a tie (see the
     * tie rule in the class javadoc). Call before {@link #start}.
     */
    void decideTiesByIpv4Only(boolean ipv4Only) {
        this.tiesByIpv4Only = ipv4Only;
    }

    /**
     * ucarp's tie order (its {@code carp.c}: {@code iphead.ip_src.s_addr < srcip.s_addr} on a little-endian host):
     * addresses compared as unsigned integers whose most significant byte is the <i>last</i> byte of the address.
     * Used for IPv6 source addresses too (same length on both sides).
     *
     * @return negative if {@code a} wins a tie against {@code b}, positive if {@code b} wins, 0 if equal
     */
    static int tieOrder(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        for (int i = x.length - 1; i >= 0; i--) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The next time {@link #onTimer} has something to do, or {@link #NO_DEADLINE}. */
    @Override
    public long nextDeadline() {
        return deadline;
    }

    @Override
    public int demotion() {
        return demotion;
    }

    /** The skew this node advertises: configured skew plus demotion, capped at 240 (FreeBSD {@code DEMOTE_ADVSKEW}). */
    int advertisedSkew() {
        return advskew >= CARP_MAXSKEW ? advskew : Math.min(advskew + demotion, CARP_MAXSKEW);
    }

    /** This node's advertisement interval in 1/256 s, demotion included. */
    int intervalTicks() {
        return CarpTiming.intervalTicks(advbase, advertisedSkew());
    }

    /** How long this node, as a backup, waits for the master, in 1/256 s (configured skew, as FreeBSD). */
    int masterDownTicks() {
        return CarpTiming.masterDownTicks(advbase, advskew, deadRatio);
    }

    /** The master-down interval in force: {@link #masterDownTicks()} unless loss adaptation lengthened it. */
    int waitTicks() {
        return CarpTiming.masterDownTicks(advbase, advskew, effectiveDeadRatio());
    }

    /** The dead ratio in force (see the loss-adaptive rule in the class javadoc). */
    int effectiveDeadRatio() {
        if (!adaptToLoss || lossSamples < LOSS_MIN_SAMPLES || lossEstimate < LOSS_THRESHOLD) {
            return deadRatio;
        }
        int needed = (int) Math.ceil(Math.log(FALSE_TAKEOVER_TARGET) / Math.log(lossEstimate));
        return Math.max(deadRatio, Math.min(needed, MAX_RATIO_FACTOR * deadRatio));
    }

    /**
     * The master-down interval in force as last reported to {@link Effects#masterDownChanged}, in 1/256 s, or -1
     * before start.
     */
    int reportedWaitTicks() {
        return reportedWaitTicks;
    }

    /** The estimated share of the master's adverts this backup misses, 0-1. */
    double lossEstimate() {
        return lossEstimate;
    }

    /**
     * A gap of n master intervals between two adverts heard means n - 1 were lost. The estimate is the ratio of the
     * averages, lost / sent, which converges to the loss probability (averaging (n-1)/n per gap would not: at 30%
     * loss it gives 0.17).
     */
    private void observeGap(long now, int theirTicks) {
        if (lastHeard != Long.MIN_VALUE && now > lastHeard) {
            long interval = CarpTiming.ticksToNanos(theirTicks);
            long n = Math.max(1, Math.round((double) (now - lastHeard) / interval));
            lostAverage += LOSS_ALPHA * ((n - 1) - lostAverage);
            intervalsAverage += LOSS_ALPHA * (n - intervalsAverage);
            lossEstimate = lostAverage / intervalsAverage;
            lossSamples++;
        }
        lastHeard = now;
    }

    // ------------------------------------------------------------------------------------------------ events

    /** Joins the group: INIT -> BACKUP with the master-down timer armed (INIT -> MASTER was removed in ucarp 1.3). */
    @Override
    public void start(long now, boolean linkIsUp) {
        if (running) {
            return;
        }
        running = true;
        linkUp = linkIsUp;
        publishWait(waitTicks());
        if (linkUp) {
            enterBackup(now, StateChangeCause.STARTED, "started", false);
        }
    }

    /**
     * An authenticated advertisement from a peer.
     *
     * @param peer  the sender's address
     * @param self  our own source address in the same family, or {@code null} if unknown
     */
    void onAdvertisement(long now, int peerAdvbase, int peerAdvskew, int peerDemote, InetAddress peer,
                         InetAddress self) {
        int theirs = CarpTiming.intervalTicks(peerAdvbase, peerAdvskew);
        if (state == CarpState.BACKUP) {
            if (theirs > masterDownTicks()) {
                boolean bowOut = peerAdvbase == CARP_BOW_OUT && peerAdvskew == CARP_BOW_OUT;
                enterMaster(now, bowOut ? StateChangeCause.BOW_OUT_RECEIVED : StateChangeCause.MASTER_WILL_TIME_OUT,
                        bowOut ? "bow-out received from " + who(peer)
                        : "master " + who(peer) + " will time out (advertises every " + seconds(theirs) + " s)");
            } else if (peerDemote > demoteByte()) {
                enterMaster(now, StateChangeCause.MASTER_DEMOTED, "master " + who(peer) + " is demoted (" + peerDemote + " > " + demoteByte() + ")");
            } else if (preempt && now >= preemptSuppressedUntil && peerDemote == demoteByte()
                    && theirs > intervalTicks()) {
                enterMaster(now, StateChangeCause.PREEMPTING, "preempting slower master " + who(peer));
            } else {
                observeGap(now, theirs);
                int wait = waitTicks();
                deadline = now + CarpTiming.ticksToNanos(wait);
                publishWait(wait);
            }
        } else if (state == CarpState.MASTER) {
            if (peerDemote != demoteByte()) {
                if (peerDemote < demoteByte()) {
                    enterBackup(now, StateChangeCause.DEMOTED,
                            "demoted below " + who(peer) + " (" + demoteByte() + " > " + peerDemote + ")", true);
                } else {
                    effects.announceAddresses();
                }
            } else if (theirs < intervalTicks()) {
                enterBackup(now, StateChangeCause.PREEMPTED, "preempted by " + who(peer), true);
            } else if (theirs > intervalTicks()) {
                effects.announceAddresses();
            } else if (tiesByIpv4Only && peer instanceof Inet6Address) {
                // A tie: the same peer's IPv4 advertisement decides it (tie rule).
            } else if (self == null || tieOrder(peer, self) < 0) {
                enterBackup(now, StateChangeCause.EQUAL_ADVERTISEMENT, "equal advertisement from " + who(peer)
                        + (self == null ? "" : ": lower address wins (ucarp order)"), true);
            } else {
                effects.announceAddresses();
            }
        }
    }

    /**
     * A timer deadline passed: BACKUP takes over, MASTER advertises. Early or spurious calls do nothing. A MASTER's
     * next advert is due one interval after the one that was due, not after the late wake-up, so a late wake-up (a
     * busy loop, a GC pause) sends at once and the schedule does not drift; if the wake-up came a whole interval or
     * more late, the schedule restarts from now rather than sending a burst of adverts.
     */
    @Override
    public void onTimer(long now) {
        if (now < deadline) {
            return;
        }
        if (state == CarpState.BACKUP) {
            enterMaster(now, StateChangeCause.MASTER_TIMED_OUT, "master timed out");
        } else if (state == CarpState.MASTER) {
            sendAdvertisement();
            long interval = CarpTiming.ticksToNanos(intervalTicks());
            long next = deadline + interval;
            deadline = next - now > 0 ? next : nextAdvertAfter(now);
        } else {
            deadline = NO_DEADLINE;
        }
    }

    /** Link down or no carrier: INIT, addresses released. Link up again: rejoin as BACKUP. */
    @Override
    public void onLinkStateChanged(long now, boolean up) {
        linkUp = up;
        if (!running) {
            return;
        }
        if (!up && state != CarpState.INIT) {
            enterInit(StateChangeCause.LINK_DOWN, "link down", false);
        } else if (up && state == CarpState.INIT) {
            enterBackup(now, StateChangeCause.LINK_UP, "link up", false);
        }
    }

    /** Leaves the group; a MASTER sends the bow-out advertisement first. */
    @Override
    public void stop(long now) {
        if (!running) {
            return;
        }
        running = false;
        enterInit(StateChangeCause.STOPPED, "stopped", true);
    }

    /** Operator take-over. */
    @Override
    public void forceMaster(long now, String reason) {
        if (running && linkUp && state != CarpState.MASTER) {
            enterMaster(now, StateChangeCause.FORCED, "forced: " + reason);
        }
    }

    /** Operator step-down: bow out, become BACKUP, no preemption for one master-down interval. */
    @Override
    public void forceBackup(long now, String reason) {
        if (!running || !linkUp) {
            return;
        }
        preemptSuppressedUntil = now + CarpTiming.ticksToNanos(masterDownTicks());
        if (state == CarpState.MASTER) {
            effects.sendAdvertisement(CARP_BOW_OUT, CARP_BOW_OUT, demoteByte());
            effects.releaseAddresses();
            lastHeard = Long.MIN_VALUE; // as enterBackup: the time spent as MASTER is no lost advert
            transition(CarpState.BACKUP, StateChangeCause.FORCED, "forced: " + reason);
            deadline = now + CarpTiming.ticksToNanos(masterDownTicks());
            publishWait(masterDownTicks());
        }
    }

    /** Changes the demotion; a MASTER advertises the change at once (FreeBSD {@code carp_demote_adj}). */
    @Override
    public void setDemotion(long now, int newDemotion) {
        if (newDemotion == demotion) {
            return;
        }
        demotion = newDemotion;
        if (state == CarpState.MASTER) {
            sendAdvertisement();
            deadline = nextAdvertAfter(now);
        }
    }

    // ------------------------------------------------------------------------------------------------ transitions

    private void enterMaster(long now, StateChangeCause cause, String reason) {
        effects.claimAddresses();
        CarpState from = state;
        state = CarpState.MASTER;
        sendAdvertisement();
        advertsUntilAnnounce = DELAYED_ANNOUNCE_ADVERTS;
        deadline = nextAdvertAfter(now);
        effects.stateChanged(from, CarpState.MASTER, cause, reason);
    }

    private void enterBackup(long now, StateChangeCause cause, String reason, boolean lastAdvertisement) {
        if (state == CarpState.MASTER) {
            if (lastAdvertisement) {
                sendAdvertisement();
            }
            effects.releaseAddresses();
        }
        advertsUntilAnnounce = -1;
        lastHeard = Long.MIN_VALUE;
        int wait = waitTicks();
        deadline = now + CarpTiming.ticksToNanos(wait);
        publishWait(wait);
        transition(CarpState.BACKUP, cause, reason);
    }

    private void enterInit(StateChangeCause cause, String reason, boolean bowOut) {
        if (state == CarpState.MASTER) {
            if (bowOut) {
                effects.sendAdvertisement(CARP_BOW_OUT, CARP_BOW_OUT, demoteByte());
            }
            effects.releaseAddresses();
        }
        advertsUntilAnnounce = -1;
        deadline = NO_DEADLINE;
        transition(CarpState.INIT, cause, reason);
    }

    private void transition(CarpState to, StateChangeCause cause, String reason) {
        CarpState from = state;
        state = to;
        if (from != to) {
            effects.stateChanged(from, to, cause, reason);
        }
    }

    private void sendAdvertisement() {
        effects.sendAdvertisement(advbase, advertisedSkew(), demoteByte());
        if (advertsUntilAnnounce > 0 && --advertsUntilAnnounce == 0) {
            effects.announceAddresses();
        }
    }

    private void publishWait(int ticks) {
        if (ticks != reportedWaitTicks) {
            reportedWaitTicks = ticks;
            effects.masterDownChanged(ticks);
        }
    }

    private int demoteByte() {
        return Math.min(demotion, 255);
    }

    /** Only on a transition: building the string on every advert would allocate in the steady state. */
    private static String who(InetAddress peer) {
        return peer.getHostAddress();
    }

    private static String seconds(int ticks) {
        return String.format(java.util.Locale.ROOT, "%.3f", ticks / 256.0);
    }
}
