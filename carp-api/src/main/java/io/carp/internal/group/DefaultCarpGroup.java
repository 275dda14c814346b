package io.carp.internal.group;

import io.carp.internal.crypto.Secrets;

import io.carp.AddressManager;
import io.carp.CarpClock;
import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.CarpStats;
import io.carp.DropReason;
import io.carp.Authentication;
import io.carp.GroupSpec;
import io.carp.StateChangeCause;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.time.CarpTiming;
import io.carp.spi.GroupAttacher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * The group engine of CARP and VRRP: the lifecycle and public API of one group, wired to its {@link Election}
 * (CARP's {@link CarpStateMachine}, or {@link VrrpElection} with its own advertisements and receive checks) and to the
 * parts that carry out the machine's effects ({@link Advertiser}, {@link AddressKeeper}, {@link GroupEvents}),
 * check what comes in ({@link InboundFilter}) and keep its deadline ({@link LoopTimer}). Everything that touches the
 * machine runs on the runtime's protocol loop; public methods hop onto it ({@link LoopHops}).
 *
 * <p>Runtimes create it through {@link #create(GroupSpec, GroupAttacher)} from their
 * {@link io.carp.CarpRuntime#createGroup(GroupSpec)}.
 */
public final class DefaultCarpGroup implements CarpGroup, GroupEndpoint, CarpStateMachine.Effects,
        VrrpElection.Host {
    private static final System.Logger LOG = System.getLogger(CarpGroup.class.getName());
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

    private final CarpConfig config;
    private final String label;
    private final GroupAttacher attacher;
    /** CARP's machine, or {@code null} in a VRRP group. */
    private final CarpStateMachine machine;
    /** VRRP's election, or {@code null} in a CARP group. */
    private final VrrpElection vrrp;
    /** Whichever of the two runs. */
    private final Election election;
    private final DefaultCarpStats stats = new DefaultCarpStats();
    private final DemotionSources demotions;
    private final HealthChecks healthChecks;
    private final GroupEvents events;
    private final GroupAuthenticator authenticator;
    private final Advertiser advertiser;
    private final InboundFilter inbound;
    private final AddressKeeper addresses;
    private final AddressManager addressManagerOverride;
    private final LoopTimer timer = new LoopTimer(this::onTimer);
    /** How often the addresses' kernel lifetime is renewed during a drain (the runtimes leave at least 1 s). */
    static final long DRAIN_RENEW_NANOS = 500_000_000L;
    /** {@link CarpConfig#releaseDelay} in nanoseconds; 0 when none or the group does not manage its addresses. */
    private final long releaseDelayNanos;
    /** How late a MASTER's advert may go out so that the deadlines of many groups are served by one wake-up. */
    static final long ADVERT_TOLERANCE_NANOS = 1_000_000L;
    /**
     * The longest time between an advert's arrival (the kernel's receive timestamp, passed by the runtime) and its
     * handling for which the arrival time is used; beyond it the handling time is, as without a timestamp.
     */
    static final long MAX_RECEIVE_LAG_NANOS = 10_000_000L;

    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;
    private volatile CarpState state = CarpState.INIT;
    private volatile int demotion;
    private volatile boolean waitingForLink;

    // Protocol-loop state.
    private RuntimeBinding binding;
    private ProtocolLoop loop;
    /** Set while the election runs a bow-out (stop, forceBackup): its releaseAddresses() may start a drain. */
    private boolean bowingOut;
    /** When the current drain started (the bow-out), or -1 when none runs. */
    private long drainStart = -1;
    private long drainDeadline;
    /** When the first advert of another node was heard during the drain, or -1. */
    private long drainPeerSeen = -1;
    private InetAddress drainPeer;
    private ProtocolLoop.Timer drainTimer;
    /** Completed when close() has finished on the loop: after the drain, if one runs. */
    private java.util.concurrent.CompletableFuture<Void> closeDone;

    /**
     * Creates a group engine for a runtime.
     *
     * @param spec     what the builder validated
     * @param attacher attaches the group to the runtime when it starts
     * @return the group, in state INIT
     */
    public static DefaultCarpGroup create(GroupSpec spec, GroupAttacher attacher) {
        return new DefaultCarpGroup(spec, Objects.requireNonNull(attacher, "attacher"));
    }

    private DefaultCarpGroup(GroupSpec spec, GroupAttacher attacher) {
        this.config = spec.config();
        this.attacher = attacher;
        this.label = (config.protocol().isVrrp() ? config.protocol().tag() + " vrid " : "vhid ") + config.vhid() + "@"
                + config.interfaceLabel();
        this.addressManagerOverride = spec.addressManager();
        this.releaseDelayNanos = config.manageAddresses() ? config.releaseDelay().toNanos() : 0;
        this.demotion = config.demotion();
        this.demotions = new DemotionSources(config.demotion());
        this.events = new GroupEvents(label, spec.onMaster(), spec.onBackup(), spec.onStateChange(),
                spec.callbackExecutor(), stats);
        this.healthChecks = new HealthChecks(this, spec.healthChecks(),
                spec.healthCheckExecutor() != null ? spec.healthCheckExecutor() : DefaultCallbackExecutor.get());
        if (config.protocol().isVrrp()) {
            this.machine = null;
            this.advertiser = null;
            this.authenticator = null; // VRRP checks its own way (VrrpReceiveCheck)
            this.stats.authenticationMode(config.authenticationMode());
            this.inbound = new InboundFilter(label, null, stats); // drops only
            this.vrrp = new VrrpElection(label, config, stats, inbound, this);
            this.election = vrrp;
        } else {
            this.vrrp = null;
            this.machine = new CarpStateMachine(config.advbase(), config.advskew(), config.deadRatio(),
                    config.preempt(), config.demotion(), config.adaptToLoss(), this);
            this.election = machine;
            this.machine.alignAdverts(config.alignAdverts());
            // Tie rule: in a dual-stack group only the IPv4 adverts decide a tie (the families' orders may disagree).
            this.machine.decideTiesByIpv4Only(config.virtualAddresses().stream()
                    .anyMatch(a -> a instanceof Inet4Address)
                    && config.virtualAddresses().stream().anyMatch(a -> a instanceof Inet6Address));
            this.authenticator = GroupAuthenticator.of(config);
            this.stats.authenticationMode(authenticator.mode());
            this.advertiser = new Advertiser(label, config, authenticator, stats);
            this.inbound = new InboundFilter(label, authenticator, stats);
        }
        this.addresses = new AddressKeeper(label, config, this::addressManager, stats, this::setDemotionLater,
                this::now);
    }

    // ------------------------------------------------------------------------------------------------ public API

    @Override
    public CarpConfig config() {
        return config;
    }

    @Override
    public CarpState state() {
        return state;
    }

    @Override
    public CarpStats stats() {
        return stats;
    }

    @Override
    public int demotion() {
        return demotion;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("start(): the group was closed; build a new one");
            }
            if (started) {
                throw new IllegalStateException("start(): already started");
            }
            binding = attacher.attach(this);
            loop = binding.loop();
            timer.bind(loop);
            if (releaseDelayNanos > 0) {
                drainTimer = loop.newTimer(this::onDrainTimer);
            }
            stats.clock(loop.clock());
            started = true;
        }
        if (config.authentication().isPresent()) {
            LOG.log(Level.INFO, "{0}: adverts authenticated with {1}", label, authenticator.mode());
        } else if (config.authenticationMode().contains("no password")) {
            LOG.log(Level.WARNING, "{0}: no password (BSD''s all-zero key): anybody on the link can forge this group''s"
                    + " advertisements", label);
        }
        if (config.alignAdverts()) {
            LOG.log(Level.INFO, "{0}: adverts aligned on the grid of the advert interval (alignAdverts)", label);
        }
        LoopHops.run(loop, () -> {
            if (vrrp != null) {
                vrrp.bind(binding);
            } else {
                advertiser.bind(binding);
            }
            election.start(now(), config.ignoreLinkState() || binding.linkUp());
            if (election.state() == CarpState.INIT) {
                LOG.log(Level.WARNING, "{0}: link is down; waiting in INIT", label);
                setWaitingForLink(true); // no transition tells it: the group never left INIT
            }
            reschedule();
            healthChecks.start(loop);
        });
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                destroyKeys();
                return;
            }
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        LoopHops.runAndWait(loop, () -> {
            boolean onLoop = loop.inLoop();
            healthChecks.stop();
            bowingOut = true;
            try {
                election.stop(now());
            } finally {
                bowingOut = false;
            }
            setWaitingForLink(false);
            timer.cancel();
            closeDone = done;
            if (drainStart >= 0 && !onLoop) {
                // Running on the calling thread because the loop was shut down: no timer would end the drain.
                endDrain(true, "the protocol loop was shut down");
            } else if (drainStart < 0) {
                finishClose();
            } // else: the drain's end finishes the close (releaseDelay)
        }, CLOSE_TIMEOUT_MILLIS, label);
        if (!loop.inLoop() && !done.isDone()) {
            long wait = CLOSE_TIMEOUT_MILLIS + config.releaseDelay().toMillis();
            try {
                done.get(wait, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "{0}: close did not finish within {1} ms: {2}", label, wait, e.toString());
            }
        }
    }

    /** Protocol thread: the last step of close(), after the bow-out and the drain, if any. */
    private void finishClose() {
        binding.detach();
        destroyKeys(); // after the bow-out, which is signed; nothing is received after detach()
        closeDone.complete(null);
    }

    /** Zeroes the key material of the group and the config's copy of the password. */
    private void destroyKeys() {
        if (authenticator != null) {
            authenticator.destroy();
        }
        Secrets.destroyPassword(config);
    }

    @Override
    public void setAuthentication(Authentication authentication) {
        Objects.requireNonNull(authentication, "authentication");
        if (authenticator == null) {
            throw new IllegalStateException("setAuthentication(): a " + config.protocol()
                    + " group has no CARP authentication");
        }
        if (config.authentication().isEmpty()) {
            authenticator.update(authentication); // throws: a plain CARP group
        }
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("setAuthentication(): the group is closed");
            }
            if (!started) {
                authenticator.update(authentication);
                stats.authenticationMode(authenticator.mode());
                return;
            }
        }
        LoopHops.run(loop, () -> {
            authenticator.update(authentication);
            stats.authenticationMode(authenticator.mode());
            LOG.log(Level.INFO, "{0}: adverts now authenticated with {1}", label, authenticator.mode());
        });
    }

    @Override
    public void addListener(Consumer<CarpStateEvent> listener) {
        events.addListener(listener);
    }

    @Override
    public void removeListener(Consumer<CarpStateEvent> listener) {
        events.removeListener(listener);
    }

    @Override
    public boolean isWaitingForLink() {
        return waitingForLink;
    }

    @Override
    public void addLinkWaitListener(Runnable listener) {
        events.addLinkWaitListener(listener);
    }

    @Override
    public void setDemotion(int newDemotion, String reason) {
        DemotionSources.checkAmount("demotion", newDemotion);
        setDemotionSource(DemotionSources.OPERATOR, current -> newDemotion, reason);
    }

    @Override
    public void setDemotion(String source, int newDemotion, String reason) {
        Objects.requireNonNull(source, "source");
        if (source.isEmpty()) {
            throw new IllegalArgumentException("source: \"\" (expected: a non-empty name)");
        }
        DemotionSources.checkAmount("demotion", newDemotion);
        setDemotionSource(source, current -> newDemotion, reason);
    }

    @Override
    public void demote(int amount, String reason) {
        DemotionSources.checkAmount("amount", amount);
        setDemotionSource(DemotionSources.OPERATOR, current -> Math.min(DemotionSources.MAX, current + amount), reason);
    }

    @Override
    public void promote(int amount, String reason) {
        DemotionSources.checkAmount("amount", amount);
        setDemotionSource(DemotionSources.OPERATOR, current -> Math.max(0, current - amount), reason);
    }

    /**
     * Sets one part of the demotion (see {@link DemotionSources}), on the protocol thread; before start, directly.
     *
     * @param source the part, e.g. "operator" or "health:db"
     * @param update from the part's current value to its new one
     * @param reason why, for the log
     */
    void setDemotionSource(String source, IntUnaryOperator update, String reason) {
        synchronized (lifecycle) {
            if (!started) {
                demotions.set(source, update.applyAsInt(demotions.get(source)));
                election.setDemotion(0, demotions.total()); // INIT: only stored
                demotion = demotions.total();
                return;
            }
        }
        LoopHops.run(loop, () -> {
            demotions.set(source, update.applyAsInt(demotions.get(source)));
            applyDemotion(demotions.total(), reason);
        });
    }

    @Override
    public void forceMaster(String reason) {
        requireStarted("forceMaster()");
        LoopHops.run(loop, () -> {
            election.forceMaster(now(), reason);
            reschedule();
        });
    }

    @Override
    public void forceBackup(String reason) {
        requireStarted("forceBackup()");
        LoopHops.run(loop, () -> {
            bowingOut = true;
            try {
                election.forceBackup(now(), reason);
            } finally {
                bowingOut = false;
            }
            reschedule();
        });
    }

    // ------------------------------------------------------------------------------------------------ from the runtime

    @Override
    public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
        onAdvertisement(envelope, advertisement, ARRIVAL_UNKNOWN);
    }

    @Override
    public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement, long arrivedNanos) {
        if (election.state() == CarpState.INIT && !started) {
            return;
        }
        if (machine == null) {
            inbound.drop(DropReason.FOREIGN, envelope, now()); // a CARP advert, and this is a VRRP group
            return;
        }
        InetAddress self = binding.sourceAddress(envelope.family());
        long now = receivedAt(arrivedNanos);
        if (!inbound.accept(envelope, advertisement, self, now)) {
            return;
        }
        stats.received(envelope.family(), now);
        if (drainStart >= 0 && !advertisement.isBowOut()) {
            peerSeenDuringDrain(now, envelope.source());
        }
        machine.onAdvertisement(now, advertisement.advbase(), advertisement.advskew(), advertisement.demote(),
                envelope.source(), self);
        reschedule();
    }

    @Override
    public void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement) {
        onVrrpAdvertisement(envelope, advertisement, ARRIVAL_UNKNOWN);
    }

    @Override
    public void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement, long arrivedNanos) {
        if (election.state() == CarpState.INIT && !started) {
            return;
        }
        if (vrrp == null) {
            inbound.drop(DropReason.FOREIGN, envelope, now()); // a VRRP advert, and this is a CARP group
            return;
        }
        if (vrrp.onAdvertisement(envelope, advertisement, receivedAt(arrivedNanos))) {
            if (drainStart >= 0 && advertisement.priority() != 0) {
                peerSeenDuringDrain(now(), envelope.source());
            }
            reschedule();
        }
    }

    @Override
    public void refreshAddresses() {
        addresses.refresh();
    }

    @Override
    public void onDropped(DropReason reason, IpEnvelope envelope) {
        inbound.drop(reason, envelope, now());
    }

    @Override
    public void onLinkStateChanged(boolean up) {
        if (config.ignoreLinkState()) {
            LOG.log(Level.INFO, "{0}: link {1}, ignored (ignoreLinkState)", label, up ? "up" : "down");
            return;
        }
        if (!up && drainStart >= 0) {
            endDrain(true, "link down");
        }
        election.onLinkStateChanged(now(), up);
        setWaitingForLink(!up);
        reschedule();
    }

    /** Protocol thread. */
    private void setWaitingForLink(boolean waiting) {
        if (waiting == waitingForLink) {
            return;
        }
        waitingForLink = waiting;
        events.publishLinkWait();
    }

    // ------------------------------------------------------------------------------------------------ effects

    @Override
    public void sendAdvertisement(int advbase, int advskew, int demote) {
        advertiser.send(advbase, advskew, demote);
        if (machine.state() == CarpState.MASTER && advbase != CarpConstants.CARP_BOW_OUT) {
            addresses.refresh();
        }
    }

    @Override
    public void claimAddresses() {
        if (drainStart >= 0) {
            endDrain(false, "MASTER again");
        }
        addresses.claim();
    }

    @Override
    public void releaseAddresses() {
        if (bowingOut && releaseDelayNanos > 0) {
            startDrain();
        } else {
            addresses.release();
        }
    }

    // ------------------------------------------------------------------------------------------------ drain

    /**
     * A bow-out with a {@link CarpConfig#releaseDelay}: the addresses stay, their lifetime renewed, until the delay
     * has passed (or the link goes down, or the node becomes MASTER again). Protocol thread.
     */
    private void startDrain() {
        long now = now();
        drainStart = now;
        drainDeadline = now + releaseDelayNanos;
        drainPeerSeen = -1;
        drainPeer = null;
        stats.drain(true);
        addresses.renew();
        LOG.log(Level.INFO, "{0}: bowed out; keeping the virtual addresses for {1} ms (releaseDelay) so that accepted"
                + " requests can be answered", label, releaseDelayNanos / 1_000_000);
        armDrainTimer(now);
    }

    private void armDrainTimer(long now) {
        drainTimer.setDeadline(Math.min(drainDeadline, now + DRAIN_RENEW_NANOS));
    }

    private void onDrainTimer() {
        if (drainStart < 0) {
            return;
        }
        long now = now();
        if (now - drainDeadline >= 0) {
            endDrain(true, "releaseDelay passed");
        } else {
            addresses.renew();
            armDrainTimer(now);
        }
    }

    private void peerSeenDuringDrain(long now, InetAddress peer) {
        if (drainPeerSeen < 0) {
            drainPeerSeen = now;
            drainPeer = peer;
            LOG.log(Level.INFO, "{0}: draining: advertisement of the new master {1} heard {2} ms after the bow-out",
                    label, peer.getHostAddress(), millis(now - drainStart));
        }
    }

    /** Ends the drain: removes the addresses (or leaves them to a new claim) and finishes a pending close. */
    private void endDrain(boolean release, String why) {
        long now = now();
        long held = now - drainStart;
        drainStart = -1;
        drainTimer.cancel();
        stats.drain(false);
        if (release) {
            addresses.release();
        }
        LOG.log(Level.INFO, "{0}: drain ended after {1} ms ({2}): virtual addresses {3}{4}", label, millis(held), why,
                release ? "removed" : "kept",
                drainPeerSeen < 0 ? "; no other master heard meanwhile"
                        : "; new master " + drainPeer.getHostAddress() + " heard after "
                        + millis(drainPeerSeen - (now - held)) + " ms");
        if (closeDone != null && !closeDone.isDone()) {
            finishClose();
        }
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    @Override
    public void announceAddresses() {
        addresses.announce();
    }

    @Override
    public void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason) {
        state = to;
        stats.transition();
        if (cause == StateChangeCause.DEMOTED && (demotions.get(DemotionSources.ADDRESS_CLAIM) != 0
                || demotions.get(DemotionSources.ADDRESS_REFRESH) != 0)) {
            cause = StateChangeCause.ADDRESS_CLAIM_FAILED;
        }
        CarpClock clock = loop.clock();
        CarpStateEvent event = new CarpStateEvent(config.vhid(), config.interfaceLabel(), from, to, cause, reason,
                clock.nanoTime(), clock.wallTime());
        if (from == CarpState.BACKUP && to == CarpState.MASTER) {
            LOG.log(Level.INFO, event + masterDownNote());
        } else {
            LOG.log(Level.INFO, event.toString());
        }
        events.publish(event);
    }

    @Override
    public void masterDownChanged(int ticks) {
        stats.masterDown(CarpTiming.ticksToNanos(ticks));
    }

    /**
     * For the takeover log line: the master-down interval in force, and, when loss adaptation lengthened it, the
     * configured one and the measured loss.
     */
    private String masterDownNote() {
        if (vrrp != null) {
            return " [master-down " + String.format(java.util.Locale.ROOT, "%.3f", vrrp.masterDownNanos() / 1e9)
                    + " s: 3 x " + vrrp.masterIntervalCentis() + " cs + skew]";
        }
        int inForce = machine.reportedWaitTicks() >= 0 ? machine.reportedWaitTicks() : machine.waitTicks();
        int configured = machine.masterDownTicks();
        String note = " [master-down in force " + seconds(inForce) + " s";
        if (inForce != configured) {
            note += ", lengthened from " + seconds(configured) + " s by the measured advert loss of "
                    + Math.round(machine.lossEstimate() * 100) + "% (adaptToLoss)";
        }
        return note + "]";
    }

    private static String seconds(int ticks) {
        return String.format(java.util.Locale.ROOT, "%.3f", ticks / 256.0);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * Sets one part of the demotion on the next turn of the loop, not from inside the machine (this runs in one of
     * its effects); nothing to do when the part is already set (or already clear).
     */
    private void setDemotionLater(String source, int amount, String reason) {
        if ((amount == 0) != (demotions.get(source) == 0)) {
            loop.execute(() -> {
                demotions.set(source, amount);
                applyDemotion(demotions.total(), reason);
            });
        }
    }

    private void applyDemotion(int newDemotion, String reason) {
        int old = election.demotion();
        if (old == newDemotion) {
            return;
        }
        // Published before the election may send an advert with it: a peer that reacts to that advert (and its
        // listeners) must never read the old value from demotion().
        demotion = newDemotion;
        election.setDemotion(now(), newDemotion);
        LOG.log(Level.INFO, "{0}: demotion {1} -> {2} ({3})", label, old, newDemotion, reason);
        reschedule();
    }

    private AddressManager addressManager() {
        return addressManagerOverride != null ? addressManagerOverride : binding.addressManager();
    }

    private long now() {
        return loop.clock().nanoTime();
    }

    /**
     * The time an advert counts from: when it arrived at the host, if the runtime knows it and it lies at most
     * {@link #MAX_RECEIVE_LAG_NANOS} before now; otherwise now. A BACKUP's master-down interval thus starts when the
     * master's advert arrived, as in FreeBSD, where {@code carp_input} resets the master-down callout as the packet
     * is received by the network stack (and RFC 5798 section 6.4.2 resets Master_Down_Timer on receipt), instead of
     * when the protocol thread got to it: measured, that wake-up and read took 0.4-0.6 ms, added to every
     * master-down interval (docs/PERFORMANCE.md). The arrival is never later than now, so the wait is never longer
     * than without it; it is shorter by at most the bound, which also caps the effect of a wall-clock step (the
     * kernel stamps packets on the wall clock, the runtime converts) and leaves long stalls (a GC pause with adverts
     * queued in the socket) counted from their handling, as before.
     */
    private long receivedAt(long arrivedNanos) {
        long now = now();
        if (arrivedNanos == ARRIVAL_UNKNOWN) {
            return now;
        }
        long lag = now - arrivedNanos;
        return lag >= 0 && lag <= MAX_RECEIVE_LAG_NANOS ? arrivedNanos : now;
    }

    private void reschedule() {
        // A MASTER's next deadline is its next advert, which may run up to ADVERT_TOLERANCE late so that the adverts
        // of many groups share one wake-up; the machine keeps the schedule from drifting. A BACKUP's deadline is the
        // takeover: exact.
        timer.scheduleAt(election.nextDeadline(), election.state() == CarpState.MASTER ? ADVERT_TOLERANCE_NANOS : 0);
    }

    private void onTimer() {
        election.onTimer(now());
        reschedule();
    }

    private void requireStarted(String method) {
        synchronized (lifecycle) {
            if (!started || closed) {
                throw new IllegalStateException(method + ": the group is not running (start() it first)");
            }
        }
    }

    /** {@code vhid N@interface}, for logs. */
    String label() {
        return label;
    }

    @Override
    public String toString() {
        return "CarpGroup{" + label + ", " + state + "}";
    }
}
