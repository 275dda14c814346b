package io.carp.netty.faults;

import io.carp.netty.NettyCarpNodeMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link NettyCarpNodeMain} in a child JVM inside a host's namespace ({@code ip netns exec} execs the JVM, so the
 * process is the JVM itself and signals reach it), its output recorded line by line with the time each was read.
 */
final class NodeProcess implements AutoCloseable {
    /** A line of output and the {@link System#nanoTime()} at which it was read. */
    record Line(long nanos, String text) {
    }

    private final Process process;
    private final String label;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private NodeProcess(Process process, String label) {
        this.process = process;
        this.label = label;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(new Line(System.nanoTime(), line));
                }
            } catch (IOException e) {
                lines.add(new Line(System.nanoTime(), "READ FAILED " + e));
            }
        }, "flt-node-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node in a host's namespace with this JVM's class path; small JIT and GC settings keep it light.
     *
     * @param host the host
     * @param args the node's arguments (see {@link NettyCarpNodeMain})
     * @return the running node
     */
    static NodeProcess start(FaultLab.Host host, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host.ns(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NettyCarpNodeMain.class.getName()));
        command.addAll(List.of(args));
        try {
            return new NodeProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), host.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Waits for a line starting with a prefix read at or after a time.
     *
     * @return the line
     */
    Line await(String prefix, long afterNanos, long timeoutMillis) {
        FaultLab.await("line '" + prefix + "' from node " + label, timeoutMillis,
                () -> find(prefix, afterNanos) != null, this::toString);
        return find(prefix, afterNanos);
    }

    private Line find(String prefix, long afterNanos) {
        for (Line l : lines) {
            if (l.nanos() >= afterNanos && l.text().startsWith(prefix)) {
                return l;
            }
        }
        return null;
    }

    /** The lines starting with a prefix read at or after a time. */
    List<Line> since(String prefix, long afterNanos) {
        return lines.stream().filter(l -> l.nanos() >= afterNanos && l.text().startsWith(prefix)).toList();
    }

    /**
     * Sends a signal with kill(1).
     *
     * @param name e.g. {@code STOP}, {@code CONT}, {@code KILL}
     */
    void signal(String name) {
        FaultLab.run(true, "kill", "-" + name, String.valueOf(process.pid()));
    }

    /** Waits for the process to end; whether it did. */
    boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** SIGKILL if still alive (it also ends a stopped process), and waits up to 5 s for it to end. */
    @Override
    public void close() {
        if (process.isAlive()) {
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
        StringBuilder b = new StringBuilder("node " + label + " (pid " + process.pid() + ", "
                + (process.isAlive() ? "alive" : "exited") + ") output:");
        for (Line l : lines) {
            b.append("\n  ").append(l.text());
        }
        return b.toString();
    }
}
