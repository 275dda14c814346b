package io.carp.testkit.internal;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.internal.protocol.CarpConstants;

/**
 * The election rules of another CARP implementation, as a passive state machine fed {@code (now, event)}: what the
 * testkit's simulated peers ({@code io.carp.testkit.SimulatedPeer}) decide. A model of the rules, written from the
 * upstream sources, not a copy of their code. Times are virtual nanoseconds; intervals are in ticks of 1/256 s.
 *
 * <p>Sources (behaviour read, not code copied):
 * <ul>
 *   <li><b>ucarp</b> 1.5.2, {@code src/carp.c}: {@code packethandler}, {@code carp_master_down}, {@code carp_setrun},
 *       {@code docarp}.
 *       <ul>
 *         <li>Tie (equal intervals, both MASTER): the master whose {@code ip_src.s_addr} is lower keeps the role;
 *             {@code s_addr} holds the address in network order and is compared as a host integer, so on the
 *             little-endian machines ucarp runs on the <em>last</em> octet is the most significant (198.18.2.1 beats
 *             198.18.1.2). The loser sends one last advertisement, then goes BACKUP; the winner re-announces.</li>
 *         <li>The demote byte is ignored (sent as 0).</li>
 *         <li>Late master-down check: the timer is only compared when the {@code poll()} loop wakes up, which in
 *             BACKUP happens after {@code advbase*1000 + advskew*1000/256} ms without a packet, or when any protocol
 *             112 packet arrives (any vhid, even one that fails authentication). A backup therefore takes over at
 *             the first wake-up after {@code deadRatio*advbase + advskew/256} s (advbase 1, advskew 100: 4.17 s,
 *             not 3.39 s).</li>
 *         <li>"Will time out": {@code deadRatio*advbase} s plus its own skew is compared with the master's
 *             interval.</li>
 *         <li>Link down: BACKUP (not INIT), timers stopped; a clean stop (SIGTERM) sends nothing.</li>
 *       </ul></li>
 *   <li><b>FreeBSD</b>, {@code sys/netinet/ip_carp.c} {@code carp_input_c}, {@code carp_master_down_locked},
 *       {@code carp_setrun}: a MASTER steps down on an advertisement whose interval is <em>equal to or shorter
 *       than</em> its own, without sending anything, so two equal masters both step down and race again; demotion
 *       ({@code net.inet.carp.demotion}) is added to the advertised skew, capped at 240 ({@code DEMOTE_ADVSKEW});
 *       master-down is {@code 3*advbase + advskew/256} with the configured skew; no bow-out; link down: INIT.</li>
 *   <li><b>OpenBSD</b>, {@code sys/netinet/ip_carp.c} {@code carp_proto_input_c}, {@code carp_send_ad}: the demote
 *       count travels in byte 4; a MASTER steps down on an advertisement that is equal or faster and not more
 *       demoted, or less demoted whatever its interval; a BACKUP takes over from a more demoted master regardless
 *       of preempt; a clean stop ({@code ifconfig carpN down}) sends the bow-out advertisement (255/255); the
 *       counter is a constant random cookie.</li>
 * </ul>
 */
public final class PeerRules {
    /** Which implementation's rules. */
    public enum Kind {
        /** ucarp 1.5.2 on a little-endian host. */
        UCARP,
        /** FreeBSD's kernel CARP. */
        FREEBSD,
        /** OpenBSD's kernel CARP. */
        OPENBSD
    }

    /** What the rules ask the driver to do. Called synchronously from inside the machine's methods. */
    public interface Effects {
        /** Sends one advertisement with these fields. */
        void send(int advbase, int advskew, int demote);

        /** Becoming MASTER: the up-script adds the addresses (and announces them). */
        void claim();

        /** Leaving MASTER: the down-script removes the addresses. */
        void release();

        /** Announces the addresses again (gratuitous ARP). */
        void announce();

        /** The state changed. */
        void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason);
    }

    /** No timer armed. */
    public static final long NONE = Long.MAX_VALUE;
    private static final long NANOS_PER_TICK = 1_000_000_000L / 256;
    private static final int DEMOTE_ADVSKEW_CAP = 240;

    private final Kind kind;
    private final int advbase;
    private final int advskew;
    private final int deadRatio;
    private final boolean preempt;
    private final long self; // our IPv4 source address as a big-endian unsigned 32-bit value
    private final Effects effects;

    private CarpState state = CarpState.INIT;
    private boolean running;
    private int demotion;
    private long adDeadline = NONE;
    private long mdDeadline = NONE;
    private long pollDeadline = NONE;

    /**
     * A machine in INIT.
     *
     * @param kind      whose rules
     * @param advbase   seconds, 0-255
     * @param advskew   1/256 s, 0-255
     * @param deadRatio ucarp's {@code -r}; the BSD kernels always use 3 and ignore it
     * @param preempt   ucarp {@code -P} / {@code net.inet.carp.preempt}
     * @param demotion  FreeBSD {@code net.inet.carp.demotion} / OpenBSD demote count; ucarp ignores it
     * @param selfIpv4  the source address of our advertisements, 4 bytes in network order
     * @param effects   where the actions go
     */
    public PeerRules(Kind kind, int advbase, int advskew, int deadRatio, boolean preempt, int demotion,
                     byte[] selfIpv4, Effects effects) {
        this.kind = kind;
        this.advbase = advbase;
        this.advskew = advskew;
        this.deadRatio = kind == Kind.UCARP ? deadRatio : 3;
        this.preempt = preempt;
        this.demotion = kind == Kind.UCARP ? 0 : demotion;
        this.self = bigEndian(selfIpv4);
        this.effects = effects;
    }

    /** The current state. */
    public CarpState state() {
        return state;
    }

    /** The next instant {@link #onTimer} has work, or {@link #NONE}. */
    public long nextDeadline() {
        if (kind == Kind.UCARP) {
            return Math.min(adDeadline, pollDeadline); // master-down is only compared when the poll loop wakes up
        }
        return Math.min(adDeadline, Math.min(mdDeadline, pollDeadline));
    }

    /**
     * Whether a packet from {@code peerIpv4} with equal intervals beats us, by this implementation's tie rule: ucarp
     * compares {@code s_addr} as a little-endian host integer (lower wins); the BSD kernels have no tie rule (they
     * always step down), reported here as {@code true}.
     */
    public boolean tieLost(byte[] peerIpv4) {
        if (kind != Kind.UCARP) {
            return true;
        }
        return Long.compare(littleEndian(bigEndianBytes(self)), littleEndian(peerIpv4)) > 0;
    }

    // ------------------------------------------------------------------------------------------------ events

    /** Starts: INIT -> BACKUP with the master-down timer armed (all three; INIT -> MASTER was removed in ucarp 1.3). */
    public void start(long now, boolean linkUp) {
        running = true;
        if (linkUp) {
            enterBackup(now, StateChangeCause.STARTED, "started");
        } else if (kind == Kind.UCARP) {
            transition(CarpState.BACKUP, StateChangeCause.STARTED, "started, link down"); // carp_setrun(INIT) -> BACKUP, then !IFF_RUNNING
        }
    }

    /** The daemon or interface stops cleanly: OpenBSD bows out (255/255), ucarp and FreeBSD send nothing. */
    public void stop(long now) {
        if (state == CarpState.MASTER) {
            if (kind == Kind.OPENBSD) {
                effects.send(CarpConstants.CARP_BOW_OUT, CarpConstants.CARP_BOW_OUT, demoteByte());
            }
            effects.release();
        }
        running = false;
        clearTimers();
        transition(CarpState.INIT, StateChangeCause.STOPPED, "stopped");
    }

    /** Carrier lost or back. */
    public void onLink(long now, boolean up) {
        if (!running) {
            return;
        }
        if (!up) {
            if (state == CarpState.MASTER) {
                effects.release();
            }
            clearTimers();
            // ucarp: IFF_RUNNING clear -> BACKUP with the timers cleared; the kernels: INIT.
            transition(kind == Kind.UCARP ? CarpState.BACKUP : CarpState.INIT, StateChangeCause.LINK_DOWN,
                    "link down");
        } else {
            if (kind == Kind.UCARP && state == CarpState.BACKUP) {
                armBackupTimers(now); // carp_setrun() in BACKUP
            } else if (state == CarpState.INIT) {
                enterBackup(now, StateChangeCause.LINK_UP, "link up");
            }
        }
    }

    /** ucarp only: a protocol 112 packet woke the poll loop (called before and after any advert is handled). */
    public void onWake(long now) {
        if (kind == Kind.UCARP && running) {
            wake(now);
        }
    }

    /**
     * An authenticated advertisement of our vhid.
     *
     * @param peerIpv4 the sender's IPv4 address, network order
     */
    public void onAdvertisement(long now, int peerAdvbase, int peerAdvskew, int peerDemote, byte[] peerIpv4) {
        if (!running) {
            return;
        }
        int ours = ticks(advbase, comparedSkew());
        int theirs = ticks(peerAdvbase, peerAdvskew);
        if (state == CarpState.MASTER) {
            onAdvertAsMaster(now, ours, theirs, peerDemote, peerIpv4);
        } else if (state == CarpState.BACKUP && (kind != Kind.UCARP || mdDeadline != NONE)) {
            onAdvertAsBackup(now, ours, theirs, peerDemote);
        }
    }

    private void onAdvertAsMaster(long now, int ours, int theirs, int peerDemote, byte[] peer) {
        switch (kind) {
            case UCARP:
                if (ours > theirs || (ours == theirs && tieLost(peer))) {
                    sendAdvert(now); // "To be really sure the new master knows..."
                    leaveMaster(now, ours > theirs ? StateChangeCause.PREEMPTED : StateChangeCause.EQUAL_ADVERTISEMENT,
                            ours > theirs ? "preferred master advertised (faster)"
                            : "preferred master advertised (equal, lower s_addr as a little-endian integer)");
                } else {
                    effects.announce(); // "Non-preferred master advertising: reasserting control of VIP"
                }
                break;
            case FREEBSD:
                if (ours >= theirs) {
                    leaveMaster(now, ours > theirs ? StateChangeCause.PREEMPTED : StateChangeCause.EQUAL_ADVERTISEMENT,
                            ours > theirs ? "more frequent advertisement received"
                            : "more frequent advertisement received (equal: FreeBSD steps down)");
                }
                break;
            case OPENBSD:
                if ((ours >= theirs && peerDemote <= demoteByte()) || peerDemote < demoteByte()) {
                    leaveMaster(now, peerDemote < demoteByte() ? StateChangeCause.DEMOTED
                            : ours > theirs ? StateChangeCause.PREEMPTED : StateChangeCause.EQUAL_ADVERTISEMENT,
                            peerDemote < demoteByte() ? "less demoted master advertised"
                            : ours > theirs ? "more frequent advertisement received"
                            : "equal advertisement received (OpenBSD steps down)");
                }
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    private void onAdvertAsBackup(long now, int ours, int theirs, int peerDemote) {
        boolean demoteOk = kind != Kind.OPENBSD || peerDemote >= demoteByte();
        if (preempt && ours < theirs && demoteOk) {
            masterDown(now, StateChangeCause.PREEMPTING, "preempting a slower master");
            return;
        }
        if (kind == Kind.OPENBSD && peerDemote > demoteByte()) {
            masterDown(now, StateChangeCause.MASTER_DEMOTED, "master is more demoted");
            return;
        }
        int willTimeOut = deadRatio * advbase * 256 + comparedSkew();
        if ((kind != Kind.OPENBSD || advbase != 0) && willTimeOut < theirs) {
            masterDown(now, theirs == CarpConstants.CARP_BOW_OUT * 256 + CarpConstants.CARP_BOW_OUT
                    ? StateChangeCause.BOW_OUT_RECEIVED : StateChangeCause.MASTER_WILL_TIME_OUT, "master will time out");
            return;
        }
        mdDeadline = now + masterDownNanos(); // carp_setrun(sc, af)
    }

    /** Timers: MASTER advertises; BACKUP takes over (ucarp: only when its poll loop wakes up). */
    public void onTimer(long now) {
        if (!running) {
            return;
        }
        if (kind == Kind.UCARP) {
            if (now >= pollDeadline || (state == CarpState.MASTER && now >= adDeadline)) {
                wake(now);
            }
            return;
        }
        if (state == CarpState.MASTER && now >= adDeadline) {
            sendAdvert(now);
        } else if (state == CarpState.BACKUP && now >= mdDeadline) {
            masterDown(now, StateChangeCause.MASTER_TIMED_OUT, "master timed out");
        }
    }

    /** Changes the demotion (not ucarp). A MASTER advertises the change with its next advertisement. */
    public void setDemotion(int demotion) {
        if (kind == Kind.UCARP) {
            throw new UnsupportedOperationException("ucarp has no demotion");
        }
        this.demotion = demotion;
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** One turn of ucarp's main loop after poll() returned: the master-down check, then a due advertisement. */
    private void wake(long now) {
        if (state == CarpState.BACKUP && mdDeadline != NONE && now >= mdDeadline) {
            masterDown(now, StateChangeCause.MASTER_TIMED_OUT, "master timed out (checked when the poll loop woke up)");
        }
        if (state == CarpState.MASTER && now >= adDeadline) {
            sendAdvert(now);
        }
        // poll() again: in BACKUP (no advert timer) for advbase*1000 + advskew*1000/256 ms.
        pollDeadline = state == CarpState.BACKUP && mdDeadline != NONE
                ? now + (advbase * 1000L + advskew * 1000L / 256) * 1_000_000L : NONE;
    }

    private void masterDown(long now, StateChangeCause cause, String reason) {
        if (state != CarpState.BACKUP) {
            return;
        }
        effects.claim();
        transition(CarpState.MASTER, cause, reason);
        mdDeadline = NONE;
        pollDeadline = NONE;
        sendAdvert(now);
    }

    private void leaveMaster(long now, StateChangeCause cause, String reason) {
        effects.release();
        adDeadline = NONE;
        transition(CarpState.BACKUP, cause, reason);
        armBackupTimers(now);
    }

    private void enterBackup(long now, StateChangeCause cause, String reason) {
        if (state == CarpState.MASTER) {
            effects.release();
        }
        adDeadline = NONE;
        transition(CarpState.BACKUP, cause, reason);
        armBackupTimers(now);
    }

    private void armBackupTimers(long now) {
        mdDeadline = now + masterDownNanos();
        if (kind == Kind.UCARP) {
            pollDeadline = now + (advbase * 1000L + advskew * 1000L / 256) * 1_000_000L;
        }
    }

    private void sendAdvert(long now) {
        effects.send(advbase, advertisedSkew(), demoteByte());
        adDeadline = now + ticks(advbase, advertisedSkew()) * NANOS_PER_TICK;
        if (kind == Kind.UCARP) {
            pollDeadline = adDeadline;
        }
    }

    private void clearTimers() {
        adDeadline = NONE;
        mdDeadline = NONE;
        pollDeadline = NONE;
    }

    private void transition(CarpState to, StateChangeCause cause, String reason) {
        CarpState from = state;
        state = to;
        if (from != to) {
            effects.stateChanged(from, to, cause, reason);
        }
    }

    /** ucarp and OpenBSD advertise the configured skew; FreeBSD adds the demotion, capped at 240. */
    private int advertisedSkew() {
        if (kind == Kind.FREEBSD) {
            return advskew >= DEMOTE_ADVSKEW_CAP ? advskew : Math.min(advskew + demotion, DEMOTE_ADVSKEW_CAP);
        }
        return advskew;
    }

    /** The skew of our side of every interval comparison ({@code sc_tv}). */
    private int comparedSkew() {
        return advertisedSkew();
    }

    private int demoteByte() {
        return kind == Kind.OPENBSD ? Math.min(demotion, 255) : 0;
    }

    /** Master-down: deadRatio*advbase + advskew/256 with the configured skew (OpenBSD advbase 0: 3*advskew/256). */
    private long masterDownNanos() {
        long t;
        if (advbase == 0) {
            t = kind == Kind.OPENBSD ? 3L * Math.max(advskew, 1) : advskew;
        } else {
            t = (long) deadRatio * advbase * 256 + advskew;
        }
        return t * NANOS_PER_TICK;
    }

    private static int ticks(int advbase, int advskew) {
        int t = advbase * 256 + advskew;
        return t == 0 ? 1 : t;
    }

    private static long bigEndian(byte[] a) {
        return ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
    }

    private static byte[] bigEndianBytes(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** {@code s_addr} (network order in memory) read as a little-endian host {@code uint32_t}. */
    private static long littleEndian(byte[] a) {
        return ((a[3] & 0xffL) << 24) | ((a[2] & 0xffL) << 16) | ((a[1] & 0xffL) << 8) | (a[0] & 0xffL);
    }
}
