package io.carp;

import io.carp.protocol.CarpAdvertisement;
import io.carp.protocol.CarpAuthenticator;
import io.carp.protocol.CarpCodec;
import io.carp.protocol.CarpConstants;
import io.carp.protocol.IpEnvelope;
import io.carp.protocol.IpFamily;
import io.carp.spi.AddressManager;
import io.carp.spi.CarpRuntime;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.LogThrottle;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Glue between a {@link CarpStateMachine}, the codec and authenticator, and a {@link CarpRuntime}. Everything that
 * touches the machine runs on the runtime's protocol loop; public methods hop onto it.
 */
final class DefaultCarpGroup implements CarpGroup, GroupEndpoint, CarpStateMachine.Effects {
    private static final System.Logger LOG = System.getLogger(CarpGroup.class.getName());
    private static final long AUTH_LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final long DROP_LOG_INTERVAL_NANOS = 1_000_000_000L;
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;
    /**
     * The demotion a group gives itself when it cannot add its addresses, or cannot renew them as a master (FreeBSD's
     * senderr/ifdown factor).
     */
    static final int CLAIM_FAILURE_DEMOTION = 240;

    private final CarpConfig config;
    private final String label;
    private final List<Consumer<CarpStateEvent>> onMaster;
    private final List<Consumer<CarpStateEvent>> onBackup;
    private final List<Consumer<CarpStateEvent>> onStateChange;
    private final Executor callbacks;
    private final CarpRuntime runtime;
    private final CarpStateMachine machine;
    private final CarpAuthenticator authenticator;
    private final DefaultCarpStats stats = new DefaultCarpStats();
    private final DemotionSources demotions;
    private final AuthDiagnosis diagnosis;
    private final HealthChecks healthChecks;
    private final AddressManager addressManagerOverride;
    private final boolean hasIpv4;
    private final boolean hasIpv6;
    private final ByteBuffer tx = ByteBuffer.allocate(CarpConstants.CARP_HEADER_LEN);
    private final byte[] md = new byte[CarpConstants.CARP_MD_LEN];

    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;
    private volatile CarpState state = CarpState.INIT;
    private volatile int demotion;
    private volatile boolean waitingForLink;
    private final List<Runnable> linkWaitListeners = new CopyOnWriteArrayList<>();

    // Protocol-loop state.
    private RuntimeBinding binding;
    private ProtocolLoop loop;
    private ProtocolLoop.Cancellable timer;
    private long scheduledDeadline = CarpStateMachine.NO_DEADLINE;
    private long counter;
    private final LogThrottle authLog = new LogThrottle(AUTH_LOG_INTERVAL_NANOS);
    private final LogThrottle dropLog = new LogThrottle(DROP_LOG_INTERVAL_NANOS);

    DefaultCarpGroup(CarpConfig config, List<Consumer<CarpStateEvent>> onMaster,
                     List<Consumer<CarpStateEvent>> onBackup, List<Consumer<CarpStateEvent>> onStateChange,
                     Executor callbackExecutor, CarpRuntime runtime) {
        this(config, onMaster, onBackup, onStateChange, callbackExecutor, runtime, List.of(), null, null);
    }

    DefaultCarpGroup(CarpConfig config, List<Consumer<CarpStateEvent>> onMaster,
                     List<Consumer<CarpStateEvent>> onBackup, List<Consumer<CarpStateEvent>> onStateChange,
                     Executor callbackExecutor, CarpRuntime runtime, List<HealthCheckSpec> healthChecks,
                     Executor healthCheckExecutor, AddressManager addressManager) {
        this.addressManagerOverride = addressManager;
        this.config = config;
        this.label = "vhid " + config.vhid() + "@" + config.interfaceLabel();
        this.onMaster = onMaster;
        this.onBackup = onBackup;
        this.onStateChange = new CopyOnWriteArrayList<>(onStateChange);
        this.callbacks = new SerialExecutor(callbackExecutor != null ? callbackExecutor : DefaultCallbackExecutor.get());
        this.runtime = runtime;
        this.demotion = config.demotion();
        this.demotions = new DemotionSources(config.demotion());
        this.diagnosis = new AuthDiagnosis(config.password(), config.vhid(), config.virtualAddresses());
        this.healthChecks = new HealthChecks(this, healthChecks,
                healthCheckExecutor != null ? healthCheckExecutor : DefaultCallbackExecutor.get());
        this.machine = new CarpStateMachine(config.advbase(), config.advskew(), config.deadRatio(), config.preempt(),
                config.demotion(), config.adaptToLoss(), this);
        this.authenticator = new CarpAuthenticator(config.password(), config.vhid(), config.virtualAddresses());
        this.hasIpv4 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV4);
        this.hasIpv6 = config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPV6);
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
            if (runtime == null) {
                throw new IllegalStateException("start(): no runtime; set CarpGroupBuilder.runtime(...)"
                        + " (NettyCarpRuntime on Linux, a testkit SimulatedNode in tests)");
            }
            binding = runtime.attach(this);
            loop = binding.loop();
            stats.clock(loop.clock());
            started = true;
        }
        onLoop(() -> {
            counter = binding.randomLong();
            machine.start(now(), binding.linkUp());
            if (machine.state() == CarpState.INIT) {
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
                return;
            }
        }
        onLoopAndWait(() -> {
            healthChecks.stop();
            machine.stop(now());
            setWaitingForLink(false);
            cancelTimer();
            binding.detach();
        });
    }

    @Override
    public void addListener(Consumer<CarpStateEvent> listener) {
        onStateChange.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(Consumer<CarpStateEvent> listener) {
        onStateChange.remove(listener);
    }

    @Override
    public void setDemotion(int newDemotion, String reason) {
        CarpChecks.inRange("demotion", newDemotion, 0, 240);
        setDemotionSource(DemotionSources.OPERATOR, current -> newDemotion, reason);
    }

    @Override
    public void demote(int amount, String reason) {
        CarpChecks.inRange("amount", amount, 0, 240);
        setDemotionSource(DemotionSources.OPERATOR, current -> Math.min(240, current + amount), reason);
    }

    @Override
    public void promote(int amount, String reason) {
        CarpChecks.inRange("amount", amount, 0, 240);
        setDemotionSource(DemotionSources.OPERATOR, current -> Math.max(0, current - amount), reason);
    }

    /**
     * Sets one part of the demotion (see {@link DemotionSources}), on the protocol thread; before start, directly.
     *
     * @param source the part, e.g. "operator" or "health:db"
     * @param update from the part's current value to its new one
     * @param reason why, for the log
     */
    void setDemotionSource(String source, java.util.function.IntUnaryOperator update, String reason) {
        synchronized (lifecycle) {
            if (!started) {
                demotions.set(source, update.applyAsInt(demotions.get(source)));
                machine.setDemotion(0, demotions.total()); // INIT: only stored
                demotion = demotions.total();
                return;
            }
        }
        onLoop(() -> {
            demotions.set(source, update.applyAsInt(demotions.get(source)));
            applyDemotion(demotions.total(), reason);
        });
    }

    @Override
    public void forceMaster(String reason) {
        requireStarted("forceMaster()");
        onLoop(() -> {
            machine.forceMaster(now(), reason);
            reschedule();
        });
    }

    @Override
    public void forceBackup(String reason) {
        requireStarted("forceBackup()");
        onLoop(() -> {
            machine.forceBackup(now(), reason);
            reschedule();
        });
    }

    // ------------------------------------------------------------------------------------------------ from the runtime

    @Override
    public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
        if (machine.state() == CarpState.INIT && !started) {
            return;
        }
        InetAddress self = binding.sourceAddress(envelope.family());
        if (envelope.source().equals(self)) {
            onDropped(DropReason.OWN_PACKET, envelope);
            return;
        }
        if (!authenticator.verify(advertisement)) {
            stats.countDrop(DropReason.BAD_AUTH);
            long now = now();
            if (authLog.tryAcquire(now)) {
                LOG.log(Level.WARNING, "{0}: advertisement from {1} failed authentication ({2} so far): {3}"
                                + " (logged at most once a minute)", label, envelope.source().getHostAddress(),
                        String.valueOf(stats.dropped(DropReason.BAD_AUTH)), diagnosis.explain(advertisement));
            }
            return;
        }
        long now = now();
        stats.received(envelope.family(), now);
        counter = advertisement.counter() + 1; // FreeBSD/ucarp: continue from the peer's counter
        machine.onAdvertisement(now, advertisement.advbase(), advertisement.advskew(), advertisement.demote(),
                envelope.source(), self);
        reschedule();
    }

    @Override
    public void onDropped(DropReason reason, IpEnvelope envelope) {
        stats.countDrop(reason);
        long now = now();
        if (LOG.isLoggable(Level.DEBUG)
                && dropLog.tryAcquire(now)) {
            LOG.log(Level.DEBUG, "{0}: dropped packet ({1}) {2} (logged at most once a second)", label, reason.tag(),
                    envelope);
        }
    }

    @Override
    public void onLinkStateChanged(boolean up) {
        machine.onLinkStateChanged(now(), up);
        setWaitingForLink(!up);
        reschedule();
    }

    /** Whether the group runs but waits in INIT for its link to come up (see {@link CarpGroupUnit}). */
    boolean isWaitingForLink() {
        return waitingForLink;
    }

    /**
     * Adds a listener called, on the callback executor, whenever {@link #isWaitingForLink()} changes; unlike state
     * events this includes a group that starts with its link down, which never leaves INIT.
     */
    void addLinkWaitListener(Runnable listener) {
        linkWaitListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Protocol thread. */
    private void setWaitingForLink(boolean waiting) {
        if (waiting == waitingForLink) {
            return;
        }
        waitingForLink = waiting;
        try {
            callbacks.execute(() -> linkWaitListeners.forEach(l -> {
                try {
                    l.run();
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    stats.callbackFailure();
                    LOG.log(Level.WARNING, label + ": a link listener threw; the protocol goes on", t);
                }
            }));
        } catch (RuntimeException e) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, "{0}: callback executor refused a link event: {1}", label, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ effects

    @Override
    public void sendAdvertisement(int advbase, int advskew, int demote) {
        if (hasIpv4) {
            sendOne(IpFamily.IPV4, advbase, advskew, demote);
        }
        if (hasIpv6) {
            sendOne(IpFamily.IPV6, advbase, advskew, demote);
        }
        if (machine.state() == CarpState.MASTER && advbase != CarpConstants.CARP_BOW_OUT) {
            try {
                addresses().refresh(config.virtualAddresses());
            } catch (RuntimeException e) {
                addressFailure("refresh", e);
                // The kernel lifetime of the addresses is running out: step aside before they vanish, as for a
                // failed claim, rather than go on advertising as a master without them.
                setAddressDemotionLater(DemotionSources.ADDRESS_REFRESH, "could not renew the virtual addresses");
                return;
            }
            clearAddressDemotionLater(DemotionSources.ADDRESS_REFRESH, "virtual addresses renewed again");
        }
    }

    private void sendOne(IpFamily family, int advbase, int advskew, int demote) {
        long c = counter++;
        authenticator.digest(c, md, 0);
        tx.clear();
        CarpCodec.encode(tx, config.vhid(), advskew, demote, advbase, c, md);
        tx.flip();
        try {
            binding.send(family, tx);
            stats.sent(family);
        } catch (RuntimeException e) {
            stats.sendError();
            LOG.log(Level.WARNING, "{0}: could not send {1} advertisement: {2}", label, family, e.toString());
        }
    }

    @Override
    public void claimAddresses() {
        try {
            long begin = now();
            addresses().claim(config.virtualAddresses());
            stats.claimed(now() - begin);
        } catch (RuntimeException e) {
            addressFailure("add", e);
            // So as not to advertise as a master that does not hold its addresses: healthy peers take over.
            setAddressDemotionLater(DemotionSources.ADDRESS_CLAIM, "could not add the virtual addresses");
            return;
        }
        clearAddressDemotionLater(DemotionSources.ADDRESS_CLAIM, "virtual addresses added again");
        clearAddressDemotionLater(DemotionSources.ADDRESS_REFRESH, "virtual addresses added again");
    }

    /**
     * Demotes by {@link #CLAIM_FAILURE_DEMOTION} for an address failure. Not from inside the machine (this runs in
     * one of its effects): on the next turn of the loop.
     */
    private void setAddressDemotionLater(String source, String reason) {
        if (demotions.get(source) == 0) {
            loop.execute(() -> {
                demotions.set(source, CLAIM_FAILURE_DEMOTION);
                applyDemotion(demotions.total(), reason);
            });
        }
    }

    /** Lifts the demotion of an address failure that is over, on the next turn of the loop. */
    private void clearAddressDemotionLater(String source, String reason) {
        if (demotions.get(source) != 0) {
            loop.execute(() -> {
                demotions.set(source, 0);
                applyDemotion(demotions.total(), reason);
            });
        }
    }

    @Override
    public void releaseAddresses() {
        try {
            addresses().release(config.virtualAddresses());
        } catch (RuntimeException e) {
            addressFailure("remove", e);
        }
    }

    @Override
    public void announceAddresses() {
        try {
            addresses().announce(config.virtualAddresses());
        } catch (RuntimeException e) {
            addressFailure("announce", e);
        }
    }

    @Override
    public void stateChanged(CarpState from, CarpState to, String reason) {
        state = to;
        stats.transition();
        CarpClock clock = loop.clock();
        CarpStateEvent event = new CarpStateEvent(config.vhid(), config.interfaceLabel(), from, to, reason,
                clock.nanoTime(), clock.wallTime());
        LOG.log(Level.INFO, event.toString());
        try {
            callbacks.execute(() -> deliver(event));
        } catch (RuntimeException e) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, "{0}: callback executor refused the {1} event: {2}", label, to, e.toString());
        }
    }

    private void deliver(CarpStateEvent event) {
        for (Consumer<CarpStateEvent> listener : onStateChange) {
            invoke(listener, event);
        }
        if (event.to() == CarpState.MASTER) {
            onMaster.forEach(l -> invoke(l, event));
        } else if (event.to() == CarpState.BACKUP || event.from() == CarpState.MASTER) {
            onBackup.forEach(l -> invoke(l, event));
        }
    }

    private void invoke(Consumer<CarpStateEvent> listener, CarpStateEvent event) {
        try {
            listener.accept(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            stats.callbackFailure();
            LOG.log(Level.WARNING, label + ": a callback for " + event.to() + " threw; the protocol goes on", t);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void applyDemotion(int newDemotion, String reason) {
        int old = machine.demotion();
        if (old == newDemotion) {
            return;
        }
        machine.setDemotion(now(), newDemotion);
        demotion = newDemotion;
        LOG.log(Level.INFO, "{0}: demotion {1} -> {2} ({3})", label, old, newDemotion, reason);
        reschedule();
    }

    private AddressManager addresses() {
        return addressManagerOverride != null ? addressManagerOverride : binding.addressManager();
    }

    private void addressFailure(String what, RuntimeException e) {
        stats.addressFailure();
        LOG.log(Level.WARNING, "{0}: could not {1} {2}: {3}", label, what, addressList(), e.getMessage());
    }

    private String addressList() {
        return config.virtualAddresses().stream().map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private long now() {
        return loop.clock().nanoTime();
    }

    private void reschedule() {
        long deadline = machine.nextDeadline();
        if (deadline == scheduledDeadline) {
            return;
        }
        cancelTimer();
        if (deadline != CarpStateMachine.NO_DEADLINE) {
            scheduledDeadline = deadline;
            timer = loop.schedule(this::onTimer, deadline);
        }
    }

    private void onTimer() {
        timer = null;
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
        machine.onTimer(now());
        reschedule();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
    }

    private void requireStarted(String method) {
        synchronized (lifecycle) {
            if (!started || closed) {
                throw new IllegalStateException(method + ": the group is not running (start() it first)");
            }
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private void onLoopAndWait(Runnable task) {
        if (loop.inLoop()) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: close did not finish cleanly: {1}", label, e.toString());
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
