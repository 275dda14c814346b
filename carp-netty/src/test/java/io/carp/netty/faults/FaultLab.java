package io.carp.netty.faults;

import io.carp.netty.NettyCarpRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;

/**
 * One Ethernet segment of network namespaces for a fault test class: a bridge namespace {@code flt-TAG-br} with
 * {@code br0}, and hosts {@code flt-TAG-NAME}, each joined to the bridge by a veth pair ({@code fTAGNAME} in the host,
 * port {@code pTAGNAME} on the bridge) and numbered in 198.18.110.0/24. Faults are nftables rules in the bridge's
 * forward hook (chain {@code bridge flt faults}), so every host keeps its carrier.
 *
 * <p>{@link #close()} ends what was started through the lab (runtimes, child JVMs, captures), then any process still
 * inside its namespaces, then deletes the namespaces (and so every interface); it never throws. Namespaces of the same
 * tag left by a crashed run are removed when a lab is created.
 */
final class FaultLab implements AutoCloseable {
    static final String PREFIX = "flt-";
    static final String SUBNET = "198.18.110.";
    private static final Pattern TAG = Pattern.compile("[a-z]{2}");
    private static final Pattern NAME = Pattern.compile("[a-z]{1,4}");
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final String tag;
    private final String bridge;
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Deque<AutoCloseable> classResources = new ArrayDeque<>();
    private final Deque<AutoCloseable> testResources = new ArrayDeque<>();

    /** A host of the segment. */
    record Host(String name, String ns, String ifname, String port, String address) {
        @Override
        public String toString() {
            return name + " (" + address + " on " + ifname + " in " + ns + ")";
        }
    }

    /**
     * Creates the bridge namespace and the fault chain.
     *
     * @param tag two lower-case letters unique to the test class
     */
    FaultLab(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag: " + tag + " (expected: two lower-case letters)");
        }
        this.tag = tag;
        removeLeftovers();
        this.bridge = PREFIX + tag + "-br";
        try {
            namespace("br");
            ip("-n", bridge, "link", "add", "br0", "type", "bridge");
            ip("-n", bridge, "link", "set", "br0", "up");
            nft("add table bridge flt");
            nft("add chain bridge flt faults { type filter hook forward priority 0; policy accept; }");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Adds a host to the segment with the address 198.18.110.{@code lastOctet}/24.
     *
     * @param name      one to four lower-case letters
     * @param lastOctet 1-254
     * @return the host
     */
    Host host(String name, int lastOctet) {
        if (!NAME.matcher(name).matches() || hosts.containsKey(name)) {
            throw new IllegalArgumentException("host: " + name + " (expected: 1-4 lower-case letters, unique)");
        }
        String ns = namespace(name);
        String ifname = "f" + tag + name;
        String port = "p" + tag + name;
        run(true, "ip", "link", "add", ifname, "netns", ns, "type", "veth", "peer", "name", port, "netns", bridge);
        ip("-n", bridge, "link", "set", port, "master", "br0");
        ip("-n", bridge, "link", "set", port, "up");
        ip("-n", ns, "link", "set", ifname, "up");
        String address = SUBNET + lastOctet;
        ip("-n", ns, "addr", "add", address + "/24", "dev", ifname);
        Host host = new Host(name, ns, ifname, port, address);
        hosts.put(name, host);
        return host;
    }

    /**
     * A runtime whose sockets live in the host's namespace, closed with the lab.
     *
     * @param host the host
     * @return the runtime
     */
    NettyCarpRuntime runtime(Host host) {
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().networkNamespace(host.ns()).build();
        classResources.push(runtime);
        return runtime;
    }

    /**
     * Closes a resource at the end of the current test ({@link #endTest()}), in reverse order of registration.
     *
     * @param resource e.g. a group, a child JVM, a capture
     * @param <T>      its type
     * @return the resource
     */
    <T extends AutoCloseable> T closeAfterTest(T resource) {
        testResources.push(resource);
        return resource;
    }

    /** After each test: closes its resources, removes every fault rule, and brings every link up again. */
    void endTest() {
        closeAll(testResources);
        run(false, "ip", "netns", "exec", bridge, "nft", "flush chain bridge flt faults");
        for (Host h : hosts.values()) {
            run(false, "ip", "-n", h.ns(), "link", "set", h.ifname(), "up");
            run(false, "ip", "-n", bridge, "link", "set", h.port(), "up");
        }
    }

    // ------------------------------------------------------------------------------------------------ faults

    /**
     * Adds a rule to the fault chain, e.g. {@code ip protocol 112 numgen random mod 10 < 3 drop}.
     *
     * @param rule the rule in nft syntax
     */
    void addFault(String rule) {
        nft("add rule bridge flt faults " + rule);
    }

    /** Removes every rule from the fault chain. */
    void clearFaults() {
        nft("flush chain bridge flt faults");
    }

    /** Drops every frame between two hosts, both ways (a partition; both keep their carrier). */
    void partition(Host a, Host b) {
        addFault("iifname \"" + a.port() + "\" oifname \"" + b.port() + "\" drop");
        addFault("iifname \"" + b.port() + "\" oifname \"" + a.port() + "\" drop");
    }

    /** Sets a host's interface down or up inside its namespace. */
    void link(Host host, boolean up) {
        ip("-n", host.ns(), "link", "set", "dev", host.ifname(), up ? "up" : "down");
    }

    private void nft(String command) {
        run(true, "ip", "netns", "exec", bridge, "nft", command);
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** The addresses ("local") of every interface in the host's namespace, from {@code ip -n NS -j addr}. */
    Set<String> addresses(Host host) {
        String json = run(true, "ip", "-n", host.ns(), "-j", "addr");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\"local\":\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Whether the host's namespace holds the address (on any interface). */
    boolean holds(Host host, String address) {
        return addresses(host).contains(address);
    }

    /** The hosts of this lab that hold an address, by name. */
    List<String> holders(String address) {
        List<String> out = new ArrayList<>();
        for (Host h : hosts.values()) {
            if (holds(h, address)) {
                out.add(h.name());
            }
        }
        return out;
    }

    /** The valid lifetime in seconds the kernel shows for an address, or -1 if absent. */
    long validLifetime(Host host, String address) {
        String json = run(true, "ip", "-n", host.ns(), "-j", "addr");
        Matcher m = Pattern.compile("\"local\":\"" + Pattern.quote(address) + "\"[^}]*\"valid_life_time\":(\\d+)")
                .matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The Ethernet address of the host's interface. */
    String mac(Host host) {
        String json = run(true, "ip", "-n", host.ns(), "-j", "link", "show", "dev", host.ifname());
        Matcher m = Pattern.compile("\"address\":\"([0-9a-f:]{17})\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no Ethernet address in " + json);
        }
        return m.group(1);
    }

    /** The link-layer address the host's neighbour table gives for an IP address, or {@code null}. */
    String neighbour(Host host, String address) {
        String json = run(true, "ip", "-n", host.ns(), "-j", "neigh", "show", address);
        Matcher m = Pattern.compile("\"lladdr\":\"([0-9a-f:]{17})\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Runs an {@code ip} command and fails on a non-zero exit.
     *
     * @param args its arguments
     * @return its output
     */
    String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return run(true, command.toArray(new String[0]));
    }

    // ------------------------------------------------------------------------------------------------ waiting

    /**
     * Polls a condition every 20 ms.
     *
     * @param what          what is awaited, for the failure message
     * @param timeoutMillis how long
     * @param condition     the condition
     * @param diagnosis     what to add to the failure message
     * @return how long it took, in milliseconds
     */
    static long await(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> diagnosis) {
        long begin = System.nanoTime();
        long deadline = begin + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("timed out after " + timeoutMillis + " ms waiting for: " + what + "; "
                        + diagnosis.get());
            }
            sleep(20);
        }
        return (System.nanoTime() - begin) / 1_000_000L;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Prints one measured figure for the reliability notes (surefire keeps it in the class's output file). */
    static void figure(String name, Object value) {
        System.out.println("FAULT-FIGURE " + name + " = " + value);
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private String namespace(String name) {
        String ns = PREFIX + tag + "-" + name;
        ip("netns", "add", ns);
        namespaces.add(ns);
        ip("-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Namespaces of this tag left by a crashed run: the processes in them (ours) are killed, then they go. */
    private void removeLeftovers() {
        for (String line : run(true, "ip", "netns", "list").split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(PREFIX + tag + "-")) {
                System.err.println("removing network namespace " + ns + " left by an earlier run");
                killProcessesIn(ns);
                run(false, "ip", "netns", "del", ns);
            }
        }
    }

    private static void killProcessesIn(String ns) {
        for (String pid : run(false, "ip", "netns", "pids", ns).split("\\s+")) {
            if (pid.matches("\\d+")) {
                run(false, "kill", "-KILL", pid);
            }
        }
    }

    /** Ends everything, see the class comment. Never throws. */
    @Override
    public void close() {
        closeAll(testResources);
        closeAll(classResources);
        for (String ns : namespaces) {
            try {
                killProcessesIn(ns);
            } catch (RuntimeException e) {
                System.err.println("could not list the processes of " + ns + ": " + e.getMessage());
            }
        }
        for (String ns : namespaces) {
            try {
                run(false, "ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("could not close " + r + ": " + e);
            }
        }
    }

    /**
     * Runs a command.
     *
     * @param check   whether a non-zero exit throws
     * @param command the command
     * @return standard output and error
     */
    static String run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
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

    @Override
    public String toString() {
        return "FaultLab " + tag + " " + hosts.values();
    }
}
