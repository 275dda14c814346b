package io.carp.netty.testing;

import io.carp.netty.NetnsLab;
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
import java.util.function.Predicate;

/**
 * A child process in a namespace ({@code ip netns exec} execs it, so its pid is the program's) whose merged output is
 * collected line by line.
 */
public final class LiveProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LiveProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
        }, "live-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code ip netns exec NS java -cp <this JVM's class path> MAIN ARGS...}.
     *
     * @param name      a name for messages
     * @param namespace the namespace
     * @param mainClass the main class
     * @param args      its arguments
     * @return the process
     */
    public static LiveProcess javaIn(String name, String namespace, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return in(name, namespace, command);
    }

    /**
     * Starts {@code ip netns exec NS COMMAND...}, standard error merged into standard output.
     *
     * @param name      a name for messages
     * @param namespace the namespace
     * @param command   the program and its arguments
     * @return the process
     */
    public static LiveProcess in(String name, String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        try {
            return new LiveProcess(name, new ProcessBuilder(full).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    /** Whether a line matching has been printed. */
    public boolean printed(Predicate<String> match) {
        return lines.stream().anyMatch(match);
    }

    /** How many lines matching have been printed. */
    public long count(Predicate<String> match) {
        return lines.stream().filter(match).count();
    }

    /** The last line matching, or {@code ""}. */
    public String last(Predicate<String> match) {
        String found = "";
        for (String line : lines) {
            if (match.test(line)) {
                found = line;
            }
        }
        return found;
    }

    /** The output so far, for failure messages. */
    public String output() {
        return name + " output:\n  " + String.join("\n  ", lines);
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits for the process to end. */
    public void kill() throws InterruptedException {
        NetnsLab.run(false, "kill", "-KILL", Long.toString(process.pid()));
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM (a clean stop: the JVM runs its shutdown hooks) and returns at once. */
    public void terminate() {
        NetnsLab.run(false, "kill", "-TERM", Long.toString(process.pid()));
    }

    /**
     * SIGTERM (a graceful stop, as systemd or Kubernetes sends it), then waits for the process to end.
     *
     * @param timeoutMillis how long to wait
     * @return whether it ended in time
     */
    public boolean terminate(long timeoutMillis) throws InterruptedException {
        terminate();
        return awaitExit(timeoutMillis);
    }

    /** Waits for the process to end. */
    public boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
