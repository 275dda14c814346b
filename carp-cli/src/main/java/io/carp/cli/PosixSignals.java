package io.carp.cli;

import java.lang.System.Logger.Level;
import sun.misc.Signal;

/**
 * Installs carp-cli's signal handlers with {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK 17+
 * and the only way to catch SIGUSR1/SIGUSR2 without native code). Handlers run on a thread the JVM starts for each
 * signal; the actions they call only hand work over, so they return at once.
 */
final class PosixSignals {
    private static final System.Logger LOG = System.getLogger(PosixSignals.class.getName());

    private PosixSignals() {
    }

    /**
     * Routes SIGUSR1, SIGUSR2, SIGTERM, SIGINT and SIGHUP to the actions. A signal the JVM refuses to hand over is
     * logged and skipped.
     *
     * @param actions what to do
     */
    static void install(SignalActions actions) {
        handle("USR1", actions::logStatus);
        handle("USR2", actions::stepDown);
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            handle(name, () -> actions.requestStop("SIG" + name));
        }
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Cannot handle SIG{0}: {1}", name, e.getMessage());
        }
    }
}
