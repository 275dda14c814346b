package io.carp.netty.testing;

import io.carp.netty.testing.LiveLab.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running CARP node (ucarp or a library JVM) in one {@link Host} of a {@link LiveLab} segment: its state
 * transitions as parsed from its output, and signals. Transitions carry the arrival time of their line ({@link System#nanoTime()}), so the tests can measure
 * failover from the moment they killed a master.
 */
public abstract class CarpNode implements AutoCloseable {
    public static final String INIT = "INIT";
    public static final String BACKUP = "BACKUP";
    public static final String MASTER = "MASTER";

    /** One state change, read from output line {@code line}. */
    public record Transition(int line, long nanoTime, String from, String to, String reason) {
        @Override
        public String toString() {
            return from + " -> " + to + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    private final Host host;
    private final LiveProcess process;
    private final CarpOptions options;

    protected CarpNode(Host host, LiveProcess process, CarpOptions options) {
        this.host = host;
        this.process = process;
        this.options = options;
    }

    /** Parses the transition on {@code line}, given the state before it; empty if the line is not one. */
    public abstract Optional<Transition> parse(LiveProcess.Line line, String previous);

    public Host host() {
        return host;
    }

    public LiveProcess process() {
        return process;
    }

    public CarpOptions options() {
        return options;
    }

    public String name() {
        return process.name();
    }

    /** Every transition so far, in order. */
    public List<Transition> transitions() {
        List<Transition> result = new ArrayList<>();
        String state = INIT;
        for (LiveProcess.Line line : process.lines()) {
            Optional<Transition> t = parse(line, state);
            if (t.isPresent()) {
                result.add(t.get());
                state = t.get().to();
            }
        }
        return result;
    }

    /** The state after the last transition printed so far (INIT before any). */
    public String state() {
        List<Transition> all = transitions();
        return all.isEmpty() ? INIT : all.get(all.size() - 1).to();
    }

    /** A position in the output: transitions printed after it are "new". */
    public int mark() {
        return process.lineCount();
    }

    /** Waits for a transition into {@code to} printed at or after {@code mark}. */
    public Transition awaitTransition(int mark, String to, Duration timeout) {
        LiveProcess.Line line = process.awaitLine(mark, l -> parse(l, "?").map(t -> t.to().equals(to)).orElse(false),
                timeout, "transition to " + to + " (after output line " + mark + ")");
        return transitions().stream().filter(t -> t.line() == line.index()).findFirst().orElseThrow();
    }

    /** Waits until the current state is {@code state} (returns at once if it already is). */
    public Transition awaitState(String state, Duration timeout) {
        List<Transition> all = transitions();
        if (!all.isEmpty() && all.get(all.size() - 1).to().equals(state)) {
            return all.get(all.size() - 1);
        }
        return awaitTransition(mark(), state, timeout);
    }

    /**
     * Watches for {@code duration} and returns the transitions printed meanwhile (none, for a stable node).
     */
    public List<Transition> transitionsDuring(Duration duration) {
        int before = transitions().size();
        Await.sleep(duration.toMillis());
        List<Transition> all = transitions();
        return List.copyOf(all.subList(before, all.size()));
    }

    /** SIGKILL: no bow-out, no script, no cleanup. Waits for the exit. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM: the graceful stop (bow-out for the library, downscript for ucarp -z). Does not wait. */
    public void terminate() {
        process.terminate();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return name() + "[" + state() + "]";
    }
}
