package io.carp.netty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A child JVM running {@link NettyCarpNodeMain}, its output collected line by line. */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
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
        }, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code prefix... java -cp classpath jvmArgs... NettyCarpNodeMain args...}.
     *
     * @param prefix    e.g. {@code ip netns exec NS setpriv ...}
     * @param classpath the class path
     * @param jvmArgs   extra JVM options
     * @param args      the node's arguments
     * @return the running child
     */
    static ChildJvm start(List<String> prefix, String classpath, List<String> jvmArgs, String... args) {
        return start(prefix, classpath, jvmArgs, NettyCarpNodeMain.class, args);
    }

    /**
     * Starts {@code prefix... java -cp classpath jvmArgs... mainClass args...}.
     *
     * @param prefix    e.g. {@code ip netns exec NS setpriv ...}
     * @param classpath the class path
     * @param jvmArgs   extra JVM options
     * @param mainClass the class to run
     * @param args      its arguments
     * @return the running child
     */
    static ChildJvm start(List<String> prefix, String classpath, List<String> jvmArgs, Class<?> mainClass,
                          String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Copies this JVM's class path into a directory every user can read (the Maven repository under /root is not),
     * for a child running as another user.
     *
     * @param dir an empty directory
     * @return the new class path
     */
    static String copyClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
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
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** The output so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for a line starting with a prefix; returns it, or {@code null} on timeout or exit. */
    String awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!process.isAlive() && System.nanoTime() > deadline - (timeoutMillis - 200) * 1_000_000L) {
                Thread.sleep(100); // let the reader drain what the process printed last
                return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** Waits for the process to end and returns its exit code, or -1 on timeout. */
    int awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM (with kill(1): {@link Process#destroy()} would also close the output we still want to read). */
    void terminate() {
        signal("TERM");
    }

    /** SIGKILL. */
    void kill() {
        signal("KILL");
    }

    private void signal(String name) {
        // `ip netns exec` and setpriv exec the JVM, so the process we started is the JVM itself.
        NetnsLab.run(true, "kill", "-" + name, String.valueOf(process.pid()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
