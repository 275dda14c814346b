package io.carp.examples.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child process in a namespace ({@code ip netns exec} execs it, so its pid is the program's), output collected. */
final class LiveProcess implements AutoCloseable {
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
     * Starts {@code ip netns exec NS COMMAND...}, standard error merged into standard output.
     *
     * @param name      a name for messages
     * @param namespace the namespace
     * @param command   the program and its arguments
     * @return the process
     */
    static LiveProcess in(String name, String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        try {
            return new LiveProcess(name, new ProcessBuilder(full).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    /** How many lines matching have been printed. */
    long count(Predicate<String> match) {
        return lines.stream().filter(match).count();
    }

    /** The last line matching, or {@code ""}. */
    String last(Predicate<String> match) {
        String found = "";
        for (String line : lines) {
            if (match.test(line)) {
                found = line;
            }
        }
        return found;
    }

    /** The output so far, for failure messages. */
    String output() {
        return name + " output:\n  " + String.join("\n  ", lines);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits for the process to end. */
    void kill() throws InterruptedException {
        LiveNetwork.run(false, "kill", "-KILL", Long.toString(process.pid()));
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
