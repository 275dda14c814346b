package io.carp.netty.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A long-running process inside a network namespace ({@code ip netns exec NS cmd...}, which execs, so our pid is the
 * command's pid). Its stdout and stderr lines are collected as they arrive, each stamped with
 * {@link System#nanoTime()}, and echoed to the test output with the process name in front.
 *
 * <p>Thread-safe. {@link #close()} SIGKILLs it if still alive.
 */
final class NsProcess implements AutoCloseable {
    /** One line of output. {@code index} counts every line of both streams, in arrival order. */
    record Line(int index, long nanoTime, String stream, String text) {
        @Override
        public String toString() {
            return "#" + index + " [" + stream + "] " + text;
        }
    }

    private final String name;
    private final String namespace;
    private final List<String> command;
    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    /** Streams read to their end (guarded by {@code lines}): at 2 the process has exited and said everything. */
    private int streamsDone;

    private NsProcess(String name, String namespace, List<String> command, Process process) {
        this.name = name;
        this.namespace = namespace;
        this.command = command;
        this.process = process;
    }

    /**
     * Starts {@code command} in namespace {@code namespace}.
     *
     * @param name a short label for the echoed output, e.g. {@code ucarp@n1}
     */
    static NsProcess start(String name, String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", full), e);
        }
        NsProcess p = new NsProcess(name, namespace, List.copyOf(full), process);
        p.readInBackground("out", process.getInputStream());
        p.readInBackground("err", process.getErrorStream());
        log(name, "started pid " + process.pid() + ": " + String.join(" ", full));
        return p;
    }

    String name() {
        return name;
    }

    String namespace() {
        return namespace;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A snapshot of every line so far. */
    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** How many lines arrived so far: pass it to {@link #awaitLine(int, Predicate, Duration, String)} to wait for new ones. */
    int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Lines matching the pattern (find, not whole-line match), from the first. */
    List<Line> linesMatching(Pattern pattern) {
        return lines().stream().filter(l -> pattern.matcher(l.text()).find()).toList();
    }

    /** Waits for a line, from the first, that contains a match of {@code pattern}. */
    Line awaitLine(Pattern pattern, Duration timeout) {
        return doAwaitLine(0, l -> pattern.matcher(l.text()).find(), timeout, "a line matching " + pattern.pattern());
    }

    /**
     * Waits for a line with index {@code >= fromIndex} accepted by {@code test}.
     *
     * @param what what the test looks for, for the failure message
     * @throws AssertionError with the whole transcript if none came within the timeout or the process ended
     */
    Line awaitLine(int fromIndex, Predicate<Line> test, Duration timeout, String what) {
        return doAwaitLine(fromIndex, test, timeout, what);
    }

    private Line doAwaitLine(int fromIndex, Predicate<Line> test, Duration timeout, String what) {
        Optional<Line> found = pollLine(fromIndex, test, timeout);
        return found.orElseThrow(() -> new AssertionError(name + ": no " + what + " within "
                + timeout.toMillis() + " ms (alive=" + isAlive() + "); output so far:\n" + transcript()));
    }

    /** Waits for a matching line; empty if none arrived within the timeout or the process ended without one. */
    Optional<Line> pollLine(int fromIndex, Predicate<Line> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int next = fromIndex;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (test.test(lines.get(next))) {
                        return Optional.of(lines.get(next));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || streamsDone == 2) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    /** Every line so far, one per line, for failure messages. */
    String transcript() {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines()) {
            sb.append("    ").append(l).append('\n');
        }
        return sb.toString();
    }

    /** Sends SIGKILL and waits for the process to exit. */
    void kill() {
        signal("KILL");
        awaitExit(Duration.ofSeconds(5));
    }

    /** Sends SIGTERM (does not wait). */
    void terminate() {
        signal("TERM");
    }

    /** Sends SIGSTOP: the process freezes without exiting (its sockets stay open). */
    void stop() {
        signal("STOP");
    }

    /** Sends SIGCONT. */
    void resume() {
        signal("CONT");
    }

    /** Sends a signal by name (KILL, TERM, STOP, CONT, USR1...) to our process, by pid. */
    void signal(String signal) {
        if (!process.isAlive()) {
            return;
        }
        log(name, "sending SIG" + signal + " to pid " + process.pid());
        Commands.run("kill", "-" + signal, Long.toString(process.pid()));
    }

    /**
     * Waits for the process to exit and for its output to be read to the end.
     *
     * @return the exit code
     * @throws AssertionError if it is still running after the timeout
     */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running " + timeout.toMillis() + " ms after being asked to stop");
            }
            for (Thread reader : readers) {
                reader.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /** SIGKILLs the process if it is alive (SIGCONT first, in case it was stopped). */
    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + " in " + namespace + ")";
    }

    private void readInBackground(String stream, InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String text;
                while ((text = reader.readLine()) != null) {
                    long now = System.nanoTime();
                    synchronized (lines) {
                        lines.add(new Line(lines.size(), now, stream, text));
                        lines.notifyAll();
                    }
                    log(name, text);
                }
            } catch (IOException e) {
                // the process is gone
            }
            synchronized (lines) {
                streamsDone++;
                lines.notifyAll();
            }
        }, "nsproc-" + name + "-" + stream);
        t.setDaemon(true);
        readers.add(t);
        t.start();
    }

    static void log(String who, String text) {
        System.out.printf("%tT.%<tL %-12s %s%n", System.currentTimeMillis(), who, text);
    }
}
