package io.carp.netty.testing;

import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.NetnsLab;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network namespaces for the live tests of carp-netty and the examples. Every namespace name starts with {@code uni-};
 * addresses are in 198.18.100.0/24 and 198.18.101.0/24 and exist only inside these namespaces. {@link #close()} kills
 * the processes started through it and deletes the namespaces (with their veths and bridges).
 */
public final class LiveLab implements AutoCloseable {
    /** Every namespace name starts with this. */
    public static final String PREFIX = "uni-";
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

    private final List<String> namespaces = new ArrayList<>();
    private final List<LiveProcess> processes = new ArrayList<>();
    private final List<NettyCarpRuntime> runtimes = new ArrayList<>();

    /**
     * Creates a namespace with loopback up and IPv6 duplicate address detection off, so that link-local addresses are
     * usable at once (a leftover of a crashed run is deleted first).
     *
     * @param name starting with {@code uni-}
     * @return the name
     */
    public String namespace(String name) {
        if (!name.startsWith(PREFIX)) {
            throw new IllegalArgumentException("namespace: " + name + " (expected: a name starting with " + PREFIX + ")");
        }
        NetnsLab.run(false, "ip", "netns", "del", name);
        NetnsLab.run(true, "ip", "netns", "add", name);
        namespaces.add(name);
        in(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        in(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /**
     * Creates a bridge, up, in a namespace.
     *
     * @param ns   the namespace
     * @param name the bridge
     */
    public void bridge(String ns, String name) {
        in(ns, "ip", "link", "add", name, "type", "bridge");
        in(ns, "ip", "link", "set", name, "up");
    }

    /**
     * Connects a host namespace to a bridge: a veth pair whose host end gets an address, the other end enslaved.
     *
     * @param host        the host's namespace
     * @param hostIf      the interface name there
     * @param address     its address with prefix, e.g. {@code 198.18.100.1/24}
     * @param bridgeNs    the bridge's namespace
     * @param bridge      the bridge
     * @param bridgePort  the name of the port end
     */
    public void plug(String host, String hostIf, String address, String bridgeNs, String bridge, String bridgePort) {
        NetnsLab.run(true, "ip", "link", "add", hostIf, "netns", host, "type", "veth", "peer", "name", bridgePort,
                "netns", bridgeNs);
        in(bridgeNs, "ip", "link", "set", bridgePort, "master", bridge);
        in(bridgeNs, "ip", "link", "set", bridgePort, "up");
        in(host, "ip", "addr", "add", address, "dev", hostIf);
        in(host, "ip", "link", "set", hostIf, "up");
    }

    /**
     * A veth pair between two namespaces, each end with an address and up.
     *
     * @param nsA      the first namespace
     * @param ifA      the interface there
     * @param addressA its address with prefix
     * @param nsB      the second namespace
     * @param ifB      the interface there
     * @param addressB its address with prefix
     */
    public void link(String nsA, String ifA, String addressA, String nsB, String ifB, String addressB) {
        NetnsLab.run(true, "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        in(nsA, "ip", "addr", "add", addressA, "dev", ifA);
        in(nsB, "ip", "addr", "add", addressB, "dev", ifB);
        in(nsA, "ip", "link", "set", ifA, "up");
        in(nsB, "ip", "link", "set", ifB, "up");
    }

    /**
     * Makes a bridge drop (and count) every frame to 224.0.0.18 and to ff02::12, as a network without multicast
     * would.
     *
     * @param bridgeNs the bridge's namespace
     */
    public void dropCarpMulticast(String bridgeNs) {
        in(bridgeNs, "nft", "add", "table", "bridge", "f");
        in(bridgeNs, "nft", "add", "chain", "bridge", "f", "carpfwd", "{ type filter hook forward priority 0; }");
        in(bridgeNs, "nft", "add", "rule", "bridge", "f", "carpfwd", "ip", "daddr", "224.0.0.18", "counter", "drop");
        in(bridgeNs, "nft", "add", "rule", "bridge", "f", "carpfwd", "ip6", "daddr", "ff02::12", "counter", "drop");
    }

    /**
     * The interface's IPv6 link-local address.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return e.g. {@code fe80::1c2b:3dff:fe4e:5f60}
     */
    public String linkLocal(String ns, String interfaceName) {
        String out = NetnsLab.run(true, "ip", "-n", ns, "-6", "-o", "addr", "show", "dev", interfaceName, "scope",
                "link");
        Matcher m = Pattern.compile("inet6 (fe80:[0-9a-f:]+)/").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no link-local address on " + interfaceName + ": " + out);
        }
        return m.group(1);
    }

    /**
     * How many IPv4 frames the 224.0.0.18 rule of {@link #dropCarpMulticast} dropped.
     *
     * @param bridgeNs the bridge's namespace
     * @return the rule's packet counter
     */
    public long carpMulticastDropped(String bridgeNs) {
        String rules = in(bridgeNs, "nft", "list", "chain", "bridge", "f", "carpfwd");
        Matcher m = COUNTER.matcher(rules);
        if (!m.find()) {
            throw new IllegalStateException("no counter in: " + rules);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Runs a command in a namespace; a non-zero exit throws.
     *
     * @param ns      the namespace
     * @param command the command
     * @return its output
     */
    public String in(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return NetnsLab.run(true, full.toArray(new String[0]));
    }

    /** {@code ip -o addr show dev IF} in a namespace. */
    public String addresses(String ns, String interfaceName) {
        return NetnsLab.run(true, "ip", "-n", ns, "-o", "addr", "show", "dev", interfaceName);
    }

    /** Whether an IPv4 address is on an interface. */
    public boolean has(String ns, String interfaceName, String address) {
        return addresses(ns, interfaceName).contains("inet " + address + "/");
    }

    /** Raw protocol-112 sockets open in a namespace ({@code /proc/net/raw} lists the protocol as the local port). */
    public int carpSockets(String ns) {
        int count = 0;
        for (String line : in(ns, "cat", "/proc/net/raw").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[1].endsWith(":0070")) {
                count++;
            }
        }
        return count;
    }

    /**
     * Starts a child JVM in a namespace, killed by {@link #close()} at the latest.
     *
     * @see LiveProcess#javaIn
     */
    public LiveProcess java(String name, String ns, Class<?> mainClass, String... args) {
        LiveProcess p = LiveProcess.javaIn(name, ns, mainClass, args);
        processes.add(p);
        return p;
    }

    /**
     * Starts a program in a namespace, killed by {@link #close()} at the latest.
     *
     * @see LiveProcess#in
     */
    public LiveProcess start(String name, String ns, List<String> command) {
        LiveProcess p = LiveProcess.in(name, ns, command);
        processes.add(p);
        return p;
    }

    /**
     * A runtime whose sockets live in a namespace of this lab; {@link #close()} closes it before the namespaces go.
     *
     * @param ns the namespace
     * @return the runtime
     */
    public NettyCarpRuntime runtime(String ns) {
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().networkNamespace(ns).build();
        runtimes.add(runtime);
        return runtime;
    }

    /** Closes the runtimes (their groups bow out), kills the processes, then deletes the namespaces; never throws. */
    @Override
    public void close() {
        for (NettyCarpRuntime r : runtimes) {
            try {
                r.close();
            } catch (RuntimeException e) {
                System.err.println("could not close a runtime: " + e.getMessage());
            }
        }
        runtimes.clear();
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
                NetnsLab.run(false, "ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}
