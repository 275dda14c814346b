package io.carp.cli;

/** What carp-cli does on a signal; {@link PosixSignals} maps the signals onto it. Methods may run on any thread. */
interface SignalActions {

    /** SIGUSR1: log the state, as ucarp does ({@code MASTER on eth0 id 1}). */
    void logStatus();

    /** SIGUSR2: step down as ucarp does; nothing if not MASTER. */
    void stepDown();

    /**
     * SIGTERM, SIGINT, SIGHUP: ask the main thread to stop cleanly. Returns at once.
     *
     * @param signal the signal's name, e.g. {@code SIGTERM}, for the log
     */
    void requestStop(String signal);
}
