package io.carp.netty.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A child process of a root test: a program or a JVM, usually inside a network namespace ({@code ip netns exec}
 * and {@code setpriv} exec their command, so the pid is the program's and signals reach it). Its standard output and
 * error are read line by line as they arrive, each line stamped with {@link System#nanoTime()} and echoed to the test
 * output with the process name in front.
 *
 * <p>Thread-safe. {@link #close()} SIGKILLs the process if it is still alive (after a SIGCONT, should it be stopped).
 */
public final class LiveProcess implements AutoCloseable {
    /** Small, quick-starting JVMs: the machines running these tests are small and shared. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xms16m", "-Xmx96m", "-Xss512k", "-XX:-UsePerfData");

    /**
     * One line of output.
     *
     * @param index    counts every line of both streams, in arrival order, from 0
     * @param nanoTime when it was read ({@link System#nanoTime()})
     * @param stream   {@code out} or {@code err}
     * @param text     the line
     */
    public record Line(int index, long nanoTime, String stream, String text) {
        @Override
        public String toString() {
            return "#" + index + " [" + stream + "] " + text;
        }
    }

    private final String name;
    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    /** Streams read to their end (guarded by {@code lines}): at 2 the process has exited and said everything. */
    private int streamsDone;

    private LiveProcess(String name, List<String> command) {
        this.name = name;
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        readInBackground("out", process.getInputStream());
        readInBackground("err", process.getErrorStream());
        log(name, "started pid " + process.pid() + ": " + String.join(" ", command));
    }

    /**
     * Starts a command as it is (e.g. {@code ip netns exec NS setpriv ... java ...}).
     *
     * @param name    a name for messages
     * @param command the program and its arguments
     * @return the process
     */
    public static LiveProcess start(String name, List<String> command) {
        return new LiveProcess(name, List.copyOf(command));
    }

    /**
     * Starts {@code ip netns exec NS COMMAND...}.
     *
     * @param name      a name for messages
     * @param namespace the namespace (its real name: {@link LiveLab#ns})
     * @param command   the program and its arguments
     * @return the process
     */
    public static LiveProcess in(String name, String namespace, List<String> command) {
        return start(name, inNamespace(namespace, command));
    }

    /**
     * Starts {@code ip netns exec NS java <small-JVM options> -cp <this JVM's test class path> MAIN ARGS...}.
     *
     * @param name      a name for messages
     * @param namespace the namespace (its real name: {@link LiveLab#ns})
     * @param mainClass the main class
     * @param args      its arguments
     * @return the process
     */
    public static LiveProcess javaIn(String name, String namespace, Class<?> mainClass, String... args) {
        return in(name, namespace, javaCommand(classPath(), List.of(), mainClass, args));
    }

    /**
     * {@code ip netns exec NS COMMAND...}.
     *
     * @param namespace the namespace
     * @param command   the command
     * @return the full command
     */
    public static List<String> inNamespace(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /**
     * {@code java <small-JVM options> JVMARGS... -cp CLASSPATH MAIN ARGS...} with this JVM's {@code java}.
     *
     * @param classPath the class path ({@link #classPath()}, or {@link #copyClassPath})
     * @param jvmArgs   extra JVM options
     * @param mainClass the main class
     * @param args      its arguments
     * @return the command
     */
    public static List<String> javaCommand(String classPath, List<String> jvmArgs, Class<?> mainClass,
                                           String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The test class path. Surefire runs tests from a manifest-only jar, which a child JVM can use as well, but it also
     * publishes the real path in {@code surefire.test.class.path}.
     *
     * @return the class path for a child JVM
     */
    public static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /**
     * Copies this JVM's class path into a directory every user can read (the Maven repository under /root is not),
     * for a child running as another user.
     *
     * @param dir an empty directory
     * @return the new class path
     * @throws IOException if a copy fails
     */
    public static String copyClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve((i++) + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Path t = target.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
            entries.add(target.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    // ------------------------------------------------------------------------------------------------ output

    /** The name given at the start. */
    public String name() {
        return name;
    }

    /** The process id (the program's: {@code ip netns exec} execs it). */
    public long pid() {
        return process.pid();
    }

    /** A snapshot of every line so far. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The text of every line so far. */
    public List<String> texts() {
        return lines().stream().map(Line::text).toList();
    }

    /** How many lines arrived so far: pass it to {@link #awaitLine(int, Predicate, Duration, String)}. */
    public int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Whether a line matching has been printed. */
    public boolean printed(Predicate<String> match) {
        return texts().stream().anyMatch(match);
    }

    /** How many lines matching have been printed. */
    public long count(Predicate<String> match) {
        return texts().stream().filter(match).count();
    }

    /** The last line matching, or {@code ""}. */
    public String last(Predicate<String> match) {
        String found = "";
        for (String line : texts()) {
            if (match.test(line)) {
                found = line;
            }
        }
        return found;
    }

    /** Lines containing a match of the pattern, from the first. */
    public List<Line> linesMatching(Pattern pattern) {
        return lines().stream().filter(l -> pattern.matcher(l.text()).find()).toList();
    }

    /** The lines starting with a prefix read at or after a {@link System#nanoTime()} reading. */
    public List<Line> since(String prefix, long afterNanos) {
        return lines().stream().filter(l -> l.nanoTime() >= afterNanos && l.text().startsWith(prefix)).toList();
    }

    /** Waits for a line, from the first, that contains a match of {@code pattern}; fails with the transcript. */
    public Line awaitLine(Pattern pattern, Duration timeout) {
        return awaitLine(0, l -> pattern.matcher(l.text()).find(), timeout, "a line matching " + pattern.pattern());
    }

    /**
     * Waits for a line starting with a prefix read at or after a {@link System#nanoTime()} reading.
     *
     * @return the line
     * @throws AssertionError with the transcript if none came in time or the process ended
     */
    public Line await(String prefix, long afterNanos, long timeoutMillis) {
        return awaitLine(0, l -> l.nanoTime() >= afterNanos && l.text().startsWith(prefix),
                Duration.ofMillis(timeoutMillis), "line '" + prefix + "'");
    }

    /** Waits for a line starting with a prefix; returns its text, or {@code null} on timeout or exit. */
    public String awaitLine(String prefix, long timeoutMillis) {
        return pollLine(0, l -> l.text().startsWith(prefix), Duration.ofMillis(timeoutMillis))
                .map(Line::text).orElse(null);
    }

    /**
     * Waits for a line with index {@code >= fromIndex} accepted by {@code test}.
     *
     * @param what what the test looks for, for the failure message
     * @throws AssertionError with the whole transcript if none came within the timeout or the process ended
     */
    public Line awaitLine(int fromIndex, Predicate<Line> test, Duration timeout, String what) {
        return pollLine(fromIndex, test, timeout).orElseThrow(() -> new AssertionError(name + ": no " + what
                + " within " + timeout.toMillis() + " ms (alive=" + isAlive() + "); output so far:\n" + transcript()));
    }

    /** Waits for a matching line; empty if none arrived within the timeout or the process ended without one. */
    public Optional<Line> pollLine(int fromIndex, Predicate<Line> test, Duration timeout) {
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
    public String transcript() {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines()) {
            sb.append("    ").append(l).append('\n');
        }
        return sb.toString();
    }

    /** The output so far, for failure messages: {@code NAME output:} then each line, indented by two spaces. */
    public String output() {
        return name + " output:\n  " + String.join("\n  ", texts());
    }

    // ------------------------------------------------------------------------------------------------ signals

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (no cleanup at all), then waits up to 10 s for the process to end. */
    public void kill() {
        signal("KILL");
        awaitExit(10_000);
    }

    /** SIGTERM (a clean stop: the JVM runs its shutdown hooks) and returns at once. */
    public void terminate() {
        signal("TERM");
    }

    /**
     * SIGTERM (a graceful stop, as systemd or Kubernetes sends it), then waits for the process to end.
     *
     * @param timeoutMillis how long to wait
     * @return whether it ended in time
     */
    public boolean terminate(long timeoutMillis) {
        signal("TERM");
        return awaitExit(timeoutMillis);
    }

    /** SIGSTOP: the process freezes without exiting (its sockets stay open). */
    public void stop() {
        signal("STOP");
    }

    /** SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    /**
     * Sends a signal with kill(1), by pid ({@link Process#destroy()} would also close the output still to be read).
     *
     * @param signal e.g. {@code KILL}, {@code TERM}, {@code STOP}, {@code CONT}, {@code USR1}
     */
    public void signal(String signal) {
        if (!process.isAlive()) {
            return;
        }
        log(name, "sending SIG" + signal + " to pid " + process.pid());
        LiveLab.run(false, "kill", "-" + signal, Long.toString(process.pid()));
    }

    /**
     * Waits for the process to end and for its output to be read to the end.
     *
     * @param timeoutMillis how long to wait
     * @return whether it ended in time
     */
    public boolean awaitExit(long timeoutMillis) {
        try {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            for (Thread reader : readers) {
                reader.join(2000);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits for the process to end (see {@link #awaitExit}) and returns its exit code.
     *
     * @param timeoutMillis how long to wait
     * @return the exit code, or -1 if it is still running
     */
    public int exitCode(long timeoutMillis) {
        return awaitExit(timeoutMillis) ? process.exitValue() : -1;
    }

    /** SIGKILLs the process if it is alive (SIGCONT first, in case it was stopped) and waits up to 5 s. */
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
        return name + "(pid " + process.pid() + ")";
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
        }, "live-" + name + "-" + stream);
        t.setDaemon(true);
        readers.add(t);
        t.start();
    }

    /**
     * Prints a time-stamped line to the test output, as the output of the processes is echoed.
     *
     * @param who  a name, e.g. the process's
     * @param text the line
     */
    public static void log(String who, String text) {
        System.out.printf("%tT.%<tL %-12s %s%n", System.currentTimeMillis(), who, text);
    }
}
