package io.carp.cli;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpRuntime;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * One running carp-cli: the group, its scripts and its signal actions. Lifecycle: {@link #start()}, then
 * {@link #awaitStopRequest()} on the main thread, then {@link #stop()}.
 */
final class CliDaemon implements SignalActions {
    private static final System.Logger LOG = System.getLogger(CliDaemon.class.getName());

    private final CliSettings settings;
    private final StateScripts scripts;
    private final CarpGroup group;
    private final String label;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /**
     * Prepares the group; nothing runs yet.
     *
     * @param settings  the validated command line
     * @param runtime   the runtime to run on
     * @param callbacks where callbacks and scripts run; one thread keeps the scripts in order
     * @param runner    runs the scripts
     */
    CliDaemon(CliSettings settings, CarpRuntime runtime, Executor callbacks, ScriptRunner runner) {
        this.settings = settings;
        this.scripts = new StateScripts(settings, runner);
        this.label = "vhid " + settings.vhid() + "@" + settings.interfaceName();
        this.group = settings.groupBuilder()
                .runtime(runtime).ignoreLinkState(settings.ignoreIfState())
                .callbackExecutor(callbacks)
                .onStateChange(scripts)
                .build();
    }

    /**
     * Starts the group (INIT to BACKUP; the downscript runs unless --neutral).
     *
     * @throws RuntimeException if the runtime cannot carry the group (no privileges, unknown interface, ...)
     */
    void start() {
        String addresses = settings.parsedAddresses().stream().map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", ", "[", "]"));
        String how = settings.manageAddresses() ? "carp-cli adds and removes the addresses itself (--manage-address)"
                : "the scripts move the addresses";
        if (settings.vrrp()) {
            LOG.log(Level.INFO, "{0}: VRRPv{1} with addresses {2}, priority {3}, advert-int {4} cs, preempt {5},"
                            + " source {6}{7}{8}{9}; {10}", label, settings.vrrpVersion(), addresses,
                    settings.priority(), settings.advertIntCentis(), settings.preempt() ? "on" : "off",
                    settings.sourceAddress(), settings.password() == null ? "" : ", text password",
                    settings.peers().isEmpty() ? "" : ", unicast peers " + settings.peers(),
                    settings.virtualMac() ? ", virtual MAC" : "", how);
        } else {
            LOG.log(Level.INFO, "{0}: starting with addresses {1}, advbase {2} s, advskew {3}, deadratio {4}, preempt"
                            + " {5}, source {6}{7}{8}; {9}", label, addresses, settings.advbase(), settings.advskew(),
                    settings.deadRatio(), settings.preempt() ? "on" : "off", settings.sourceAddress(),
                    settings.peers().isEmpty() ? "" : ", unicast peers " + settings.peers(),
                    settings.virtualMac() ? ", virtual MAC" : "", how);
        }
        group.start();
    }

    /** The group's state. */
    CarpState state() {
        return group.state();
    }

    @Override
    public void logStatus() {
        LOG.log(Level.INFO, "{0} on {1} id {2}", group.state(), settings.interfaceName(), settings.vhid());
    }

    @Override
    public void stepDown() {
        if (group.state() != CarpState.MASTER) {
            LOG.log(Level.DEBUG, "Caught SIGUSR2 while {0}: nothing to do", group.state());
            return;
        }
        LOG.log(Level.INFO, "Caught SIGUSR2: stepping down");
        try {
            group.forceBackup("SIGUSR2");
        } catch (IllegalStateException e) {
            LOG.log(Level.DEBUG, "SIGUSR2 ignored: {0}", e.getMessage());
        }
    }

    @Override
    public void requestStop(String signal) {
        if (stopRequested.getCount() == 0) {
            LOG.log(Level.INFO, "Caught {0}: already stopping", signal);
            return;
        }
        LOG.log(Level.INFO, "Caught {0}: stopping", signal);
        stopRequested.countDown();
    }

    /**
     * Blocks until {@link #requestStop} is called, possibly forever.
     *
     * @throws InterruptedException if interrupted
     */
    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Leaves the group: a MASTER sends the bow-out advertisement and releases the addresses it manages; with
     * --shutdown the downscript runs if it was MASTER. Returns when the group is closed; the caller then waits for the
     * callbacks (see {@link CallbackThread#drain}).
     */
    void stop() {
        scripts.stopping();
        CarpState last = group.state();
        group.close();
        LOG.log(Level.INFO, "{0}: stopped (was {1})", label, last);
    }
}
