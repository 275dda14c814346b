package io.carp.examples.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for the examples' live tests: names start with {@code uni-}, addresses are in 198.18.100.0/24
 * and exist only inside them. {@link #close()} kills the processes started through it, then deletes the namespaces.
 */
final class LiveNetwork implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();
    private final List<LiveProcess> processes = new ArrayList<>();

    /**
     * Creates a namespace with loopback up (a leftover of a crashed run is deleted first).
     *
     * @param name starting with {@code uni-}
     * @return the name
     */
    String namespace(String name) {
        if (!name.startsWith("uni-")) {
            throw new IllegalArgumentException("namespace: " + name + " (expected: a name starting with uni-)");
        }
        run(false, "ip", "netns", "del", name);
        run(true, "ip", "netns", "add", name);
        namespaces.add(name);
        in(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair between two namespaces, each end with an address and up. */
    void link(String nsA, String ifA, String addressA, String nsB, String ifB, String addressB) {
        run(true, "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        in(nsA, "ip", "addr", "add", addressA, "dev", ifA);
        in(nsB, "ip", "addr", "add", addressB, "dev", ifB);
        in(nsA, "ip", "link", "set", ifA, "up");
        in(nsB, "ip", "link", "set", ifB, "up");
    }

    /** Runs a command in a namespace; a non-zero exit throws. */
    String in(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(true, full.toArray(new String[0]));
    }

    /** Whether an IPv4 address is on an interface. */
    boolean has(String ns, String interfaceName, String address) {
        return run(true, "ip", "-n", ns, "-o", "addr", "show", "dev", interfaceName).contains("inet " + address + "/");
    }

    /** Starts a program in a namespace; {@link #close()} kills it at the latest. */
    LiveProcess start(String name, String ns, List<String> command) {
        LiveProcess p = LiveProcess.in(name, ns, command);
        processes.add(p);
        return p;
    }

    /**
     * Runs a command.
     *
     * @param check   whether a non-zero exit throws
     * @param command the command
     * @return its output (standard error merged)
     */
    static String run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = out.toString(StandardCharsets.UTF_8);
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Kills the processes, then deletes the namespaces; never throws. */
    @Override
    public void close() {
        for (LiveProcess p : processes) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("could not stop a child process: " + e.getMessage());
            }
        }
        processes.clear();
        for (String ns : namespaces) {
            try {
                run(false, "ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}
