package io.carp.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Network namespaces for root-tagged tests: creates them with {@code ip}, runs commands in them, and deletes them
 * (which also removes their veths and bridges). Every name starts with {@code cnx-}; addresses are in
 * 198.18.50.0/24 and exist only inside these namespaces.
 */
public final class NetnsLab implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();

    /**
     * Aborts the calling test class (skipped, not failed) with a loud banner when not running as root.
     *
     * @param what what the tests need root for
     */
    public static void assumeRoot(String what) {
        boolean root = isRoot();
        if (!root) {
            String banner = "\n" + "*".repeat(100) + "\n*** SKIPPED linux-root tests (" + what + "): not running as"
                    + " root; run `mvn verify` as root, or exclude them with -Dcarp.excludedGroups=linux-root\n"
                    + "*".repeat(100);
            System.err.println(banner);
            System.out.println(banner);
        }
        Assumptions.assumeTrue(root, "linux-root tests need root: " + what);
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * Creates a namespace with loopback up and IPv6 duplicate address detection off (so link-local addresses are
     * usable at once). A leftover namespace of the same name from a crashed run is deleted first.
     *
     * @param name the name, starting with {@code cnx-}
     * @return the name
     */
    public String namespace(String name) {
        if (!name.startsWith("cnx-")) {
            throw new IllegalArgumentException("namespace: " + name + " (expected: a name starting with cnx-)");
        }
        run(false, "ip", "netns", "del", name);
        run(true, "ip", "netns", "add", name);
        namespaces.add(name);
        in(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        in(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /**
     * Creates a veth pair between two namespaces, both ends up.
     *
     * @param nsA   the first namespace
     * @param nameA the interface name there
     * @param nsB   the second namespace
     * @param nameB the interface name there
     */
    public void veth(String nsA, String nameA, String nsB, String nameB) {
        run(true, "ip", "link", "add", nameA, "netns", nsA, "type", "veth", "peer", "name", nameB, "netns", nsB);
        in(nsA, "ip", "link", "set", nameA, "up");
        in(nsB, "ip", "link", "set", nameB, "up");
    }

    /**
     * Runs a command inside a namespace and fails on a non-zero exit.
     *
     * @param ns      the namespace
     * @param command the command
     * @return its standard output
     */
    public String in(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(true, full.toArray(new String[0]));
    }

    /**
     * One interface's addresses, one per line ({@code ip -o addr show dev IF}).
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return the output
     */
    public String addresses(String ns, String interfaceName) {
        return run(true, "ip", "-n", ns, "-o", "addr", "show", "dev", interfaceName);
    }

    /**
     * Runs a command.
     *
     * @param check   whether a non-zero exit throws
     * @param command the command
     * @return standard output (and error)
     */
    public static String run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = read(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Deletes every namespace this lab created (and with them their interfaces); never throws. */
    @Override
    public void close() {
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
