package io.carp.netty.testing;

import io.carp.netty.NettyCarpRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Network namespaces for the root tests of carp-netty, carp-cli and the examples: namespaces, veth pairs, bridges,
 * routers, addresses, nftables rules, child processes and runtimes, all deleted by {@link #close()}.
 *
 * <p><b>Names.</b> A test names its namespaces freely ({@code "a"}, {@code "rt-br"}); the lab creates each as
 * {@code ct-<pid>.<start>-<lab>-<name>}, unique to this JVM and this lab, so two runs of the same test on one machine
 * never collide. Every method that takes a namespace accepts the test's name ({@link #ns} maps it to the real one,
 * which {@code NettyCarpRuntime.Builder#networkNamespace} and {@code ip netns exec} need). The owner's pid and start
 * time in the name let {@link #sweepStale()} delete what runs that died without cleaning up left behind, and never a
 * namespace of a run still going; a JVM shutdown hook closes the labs a test left open.
 *
 * <p><b>Segment.</b> {@link #segment(String)} adds one Ethernet segment (a bridge namespace with {@code br0} and an
 * nftables fault chain in its forward hook); {@link #host(String, int)} joins a namespace to it. Faults
 * ({@link #addFault}, {@link #partition}) are bridge rules, so every host keeps its carrier.
 *
 * <p>Addresses: only 198.18.0.0/15 and fd00::/8, and only inside these namespaces.
 */
public final class LiveLab implements AutoCloseable {
    /** Every namespace of every lab starts with this. */
    public static final String PREFIX = "ct-";
    /** The bridge inside the segment namespace. */
    public static final String SEGMENT_BRIDGE = "br0";
    private static final String SEGMENT_NS = "seg";
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");
    private static final Pattern ADDR_INFO = Pattern.compile("\\{[^{}]*\"local\":\"([^\"]+)\"[^{}]*}");
    private static final Pattern VALID_LFT = Pattern.compile("\"valid_life_time\":(\\d+)");
    private static final Pattern PREFIXLEN = Pattern.compile("\"prefixlen\":(\\d+)");
    private static final Pattern LINK_ADDRESS = Pattern.compile("\"address\":\"([0-9a-f:]{17})\"");
    private static final Pattern LLADDR = Pattern.compile("\"lladdr\":\"([0-9a-f:]{17})\"");
    private static final Pattern NEIGH_STATE = Pattern.compile("\"state\":\\[([^]]*)]");
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    /** The kernel's "forever" lifetime. */
    public static final long FOREVER = 4294967295L;

    private static final String OWNER = owner(ProcessHandle.current());
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Set<LiveLab> OPEN = new LinkedHashSet<>();
    private static boolean hookInstalled;
    private static boolean swept;

    private final String id;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Deque<AutoCloseable> testResources = new ArrayDeque<>();
    private String subnet;
    private Path tempDir;
    private boolean closed;

    /** An empty lab; stale namespaces of dead runs are deleted first (once per JVM). */
    public LiveLab() {
        sweepStale();
        this.id = OWNER + "-" + Integer.toString(LABS.incrementAndGet(), 36);
        register(this);
    }

    /**
     * One address of an interface, as {@code ip -j addr} shows it.
     *
     * @param local                the address
     * @param prefixLength         its prefix length
     * @param validLifetimeSeconds its valid lifetime, {@link #FOREVER} for a permanent address
     */
    public record Address(String local, int prefixLength, long validLifetimeSeconds) {
        /** Whether the address has no lifetime. */
        public boolean permanent() {
            return validLifetimeSeconds == FOREVER;
        }
    }

    // ------------------------------------------------------------------------------------------------ namespaces

    /**
     * Creates a namespace with loopback up and IPv6 duplicate address detection off, so that link-local addresses are
     * usable at once.
     *
     * @param name the test's name for it, unique in this lab
     * @return its real name (every method of the lab also accepts {@code name})
     */
    public synchronized String namespace(String name) {
        if (namespaces.containsKey(name)) {
            throw new IllegalArgumentException("namespace: " + name + " (expected: a name not used yet in this lab)");
        }
        String real = PREFIX + id + "-" + name;
        run(true, "ip", "netns", "add", real);
        namespaces.put(name, real);
        in(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        in(name, "ip", "link", "set", "lo", "up");
        return real;
    }

    /**
     * The real name of a namespace of this lab.
     *
     * @param name the test's name for it (a real name is returned as it is)
     * @return e.g. {@code ct-4711.lz3k2a-1-a}
     */
    public synchronized String ns(String name) {
        String real = namespaces.get(name);
        if (real != null || namespaces.containsValue(name)) {
            return real != null ? real : name;
        }
        throw new IllegalArgumentException("namespace: " + name + " (expected: one of " + namespaces.keySet() + ")");
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
     * Creates a veth pair between two namespaces (or inside one), both ends up, without addresses.
     *
     * @param nsA   the first namespace
     * @param nameA the interface name there
     * @param nsB   the second namespace
     * @param nameB the interface name there
     */
    public void veth(String nsA, String nameA, String nsB, String nameB) {
        run(true, "ip", "link", "add", nameA, "netns", ns(nsA), "type", "veth", "peer", "name", nameB, "netns",
                ns(nsB));
        in(nsA, "ip", "link", "set", nameA, "up");
        in(nsB, "ip", "link", "set", nameB, "up");
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
        veth(nsA, ifA, nsB, ifB);
        in(nsA, "ip", "addr", "add", addressA, "dev", ifA);
        in(nsB, "ip", "addr", "add", addressB, "dev", ifB);
    }

    /**
     * Connects a namespace to a bridge: a veth pair whose host end gets an address, the other end enslaved.
     *
     * @param host       the host's namespace
     * @param hostIf     the interface name there
     * @param address    its address with prefix, e.g. {@code 198.18.100.1/24}, or {@code null} for none
     * @param bridgeNs   the bridge's namespace
     * @param bridge     the bridge
     * @param bridgePort the name of the port end
     */
    public void plug(String host, String hostIf, String address, String bridgeNs, String bridge, String bridgePort) {
        veth(host, hostIf, bridgeNs, bridgePort);
        in(bridgeNs, "ip", "link", "set", bridgePort, "master", bridge);
        if (address != null) {
            in(host, "ip", "addr", "add", address, "dev", hostIf);
        }
    }

    /**
     * One host's connection to a bridge of {@link #bridged}: a veth pair whose host end has an address.
     *
     * @param ns      the host's namespace (the test's name for it)
     * @param ifname  the interface name there
     * @param address its address with prefix, e.g. {@code 198.18.100.1/24}, or {@code null} for none
     * @param port    the name of the bridge's end
     */
    public record Plug(String ns, String ifname, String address, String port) {
    }

    /**
     * Hosts on one bridge, the network of most two- and three-node root tests: creates the bridge's namespace and
     * each host's (those this lab does not have yet), the bridge (up), and plugs every host into it
     * ({@link #plug(String, String, String, String, String, String)}). Call it again with another bridge name to give
     * the same hosts a second link.
     *
     * @param bridgeNs the bridge's namespace
     * @param bridge   the bridge, e.g. {@code br0}
     * @param hosts    the hosts, in this order
     * @return this lab
     */
    public LiveLab bridged(String bridgeNs, String bridge, Plug... hosts) {
        for (Plug h : hosts) {
            namespaceIfAbsent(h.ns());
        }
        namespaceIfAbsent(bridgeNs);
        bridge(bridgeNs, bridge);
        for (Plug h : hosts) {
            plug(h, bridgeNs, bridge);
        }
        return this;
    }

    private synchronized void namespaceIfAbsent(String name) {
        if (!namespaces.containsKey(name)) {
            namespace(name);
        }
    }

    /**
     * Plugs a host into a bridge again (e.g. after the test deleted its interface), as {@link #bridged} did.
     *
     * @param host     the host's connection
     * @param bridgeNs the bridge's namespace
     * @param bridge   the bridge
     */
    public void plug(Plug host, String bridgeNs, String bridge) {
        plug(host.ns(), host.ifname(), host.address(), bridgeNs, bridge, host.port());
    }

    /**
     * Makes a namespace a router: IPv4 and IPv6 forwarding on.
     *
     * @param ns the namespace
     */
    public void router(String ns) {
        in(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    }

    /**
     * Runs a command in a namespace; a non-zero exit throws.
     *
     * @param ns      the namespace
     * @param command the command
     * @return its output (standard output and error)
     */
    public String in(String ns, String... command) {
        List<String> full = LiveProcess.inNamespace(ns(ns), List.of(command));
        return run(true, full.toArray(new String[0]));
    }

    /**
     * Runs {@code ip -n NS ARGS...}; a non-zero exit throws.
     *
     * @param ns   the namespace
     * @param args the arguments
     * @return the output
     */
    public String ip(String ns, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", ns(ns)));
        full.addAll(List.of(args));
        return run(true, full.toArray(new String[0]));
    }

    /** {@code ip -o addr show dev IF} in a namespace. */
    public String addresses(String ns, String interfaceName) {
        return ip(ns, "-o", "addr", "show", "dev", interfaceName);
    }

    /** Whether an IPv4 address is on an interface. */
    public boolean has(String ns, String interfaceName, String address) {
        return addresses(ns, interfaceName).contains("inet " + address + "/");
    }

    /**
     * The addresses of an interface, from {@code ip -j addr show dev IF}.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return its addresses with their prefix lengths and lifetimes
     */
    public List<Address> addressList(String ns, String interfaceName) {
        String json = ip(ns, "-j", "addr", "show", "dev", interfaceName);
        List<Address> result = new ArrayList<>();
        Matcher m = ADDR_INFO.matcher(json);
        while (m.find()) {
            String obj = m.group();
            Matcher lft = VALID_LFT.matcher(obj);
            Matcher plen = PREFIXLEN.matcher(obj);
            result.add(new Address(m.group(1), plen.find() ? Integer.parseInt(plen.group(1)) : -1,
                    lft.find() ? Long.parseLong(lft.group(1)) : -1));
        }
        return result;
    }

    /**
     * The interface's IPv6 link-local address.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return e.g. {@code fe80::1c2b:3dff:fe4e:5f60}
     */
    public String linkLocal(String ns, String interfaceName) {
        String out = ip(ns, "-6", "-o", "addr", "show", "dev", interfaceName, "scope", "link");
        Matcher m = Pattern.compile("inet6 (fe80:[0-9a-f:]+)/").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no link-local address on " + interfaceName + ": " + out);
        }
        return m.group(1);
    }

    /**
     * The Ethernet address of an interface.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return lower case, e.g. {@code 02:00:5e:00:01:07}
     */
    public String mac(String ns, String interfaceName) {
        String json = ip(ns, "-j", "link", "show", "dev", interfaceName);
        Matcher m = LINK_ADDRESS.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no Ethernet address in " + json);
        }
        return m.group(1);
    }

    /**
     * The link-layer address a namespace's neighbour table gives for an IP address (not a FAILED entry).
     *
     * @param ns      the namespace
     * @param address the IP address
     * @return the MAC address, if any
     */
    public Optional<String> neighbour(String ns, String address) {
        String json = run(false, "ip", "-n", ns(ns), "-j", "neigh", "show", "to", address);
        Matcher state = NEIGH_STATE.matcher(json);
        if (state.find() && state.group(1).contains("FAILED")) {
            return Optional.empty();
        }
        Matcher m = LLADDR.matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
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
     * Sends one ICMP echo request from a namespace and waits up to a second for the reply. Uses {@code ping} when
     * installed, otherwise Perl's core Net::Ping in ICMP mode (ICMPv6 for an IPv6 address).
     *
     * @param ns      the namespace
     * @param address the address to ping
     * @return whether a reply came
     */
    public boolean ping(String ns, String address) {
        List<String> command = Tools.hasPing() ? List.of("ping", "-n", "-c", "1", "-W", "1", address)
                : List.of("perl", "-MNet::Ping", "-e",
                        "my $p = Net::Ping->new($ARGV[0] =~ /:/ ? 'icmpv6' : 'icmp', 1);"
                                + " exit($p->ping($ARGV[0]) ? 0 : 1)", address);
        return execute(LiveProcess.inNamespace(ns(ns), command).toArray(new String[0])).exitCode() == 0;
    }

    // ------------------------------------------------------------------------------------------------ nftables

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

    // ------------------------------------------------------------------------------------------------ segment

    /**
     * A host of the lab's segment: its namespace, its interface on the segment (by default {@code e-NAME}), that
     * interface's bridge port ({@code p-NAME}) and its IPv4 address; and what a test asks about it.
     */
    public static final class Host {
        private final LiveLab lab;
        private final String name;
        private final String ns;
        private final String ifname;
        private final String address;

        private Host(LiveLab lab, String name, String ns, String ifname, String address) {
            this.lab = lab;
            this.name = name;
            this.ns = ns;
            this.ifname = ifname;
            this.address = address;
        }

        /** The test's name for it (also the name of its namespace in the lab). */
        public String name() {
            return name;
        }

        /** The real name of its namespace. */
        public String ns() {
            return ns;
        }

        /** Its interface on the segment. */
        public String ifname() {
            return ifname;
        }

        /** The bridge port of {@link #ifname()}. */
        public String port() {
            return "p-" + name;
        }

        /** Its permanent IPv4 address on the segment, without prefix. */
        public String address() {
            return address;
        }

        /** The lab it belongs to. */
        public LiveLab lab() {
            return lab;
        }

        /** The addresses of its segment interface. */
        public List<Address> addresses() {
            return lab.addressList(ns, ifname());
        }

        /** The address {@code ip} on its segment interface, if present. */
        public Optional<Address> address(String ip) {
            return addresses().stream().filter(a -> a.local().equals(ip)).findFirst();
        }

        /** Whether its segment interface holds an address. */
        public boolean holds(String ip) {
            return address(ip).isPresent();
        }

        /** The valid lifetime in seconds the kernel shows for an address, or -1 if absent. */
        public long validLifetime(String ip) {
            return address(ip).map(Address::validLifetimeSeconds).orElse(-1L);
        }

        /**
         * Polls every 100 ms until an address is present on (or absent from) its segment interface.
         *
         * @return how long it took, or empty on timeout
         */
        public Optional<Duration> awaitAddress(String ip, boolean present, Duration timeout) {
            long start = System.nanoTime();
            while (holds(ip) != present) {
                if (System.nanoTime() - start > timeout.toNanos()) {
                    return Optional.empty();
                }
                Await.sleep(100);
            }
            return Optional.of(Duration.ofNanos(System.nanoTime() - start));
        }

        /** The Ethernet address of its segment interface, lower case. */
        public String mac() {
            return lab.mac(ns, ifname());
        }

        /** The link-layer address its neighbour table gives for an IP address (not a FAILED entry). */
        public Optional<String> neighbourMac(String ip) {
            return lab.neighbour(ns, ip);
        }

        /** Sends one ICMP echo request and waits up to a second for the reply (see {@link LiveLab#ping}). */
        public boolean ping(String ip) {
            return lab.ping(ns, ip);
        }

        /** Pings until a reply comes or the timeout passes. */
        public boolean pingUntilReply(String ip, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            do {
                if (ping(ip)) {
                    return true;
                }
            } while (System.nanoTime() < deadline);
            return false;
        }

        /** Runs {@code ip -n NS ARGS...}; a non-zero exit throws. */
        public String ip(String... args) {
            return lab.ip(ns, args);
        }

        /** Runs a command in its namespace; a non-zero exit throws. */
        public String exec(String... command) {
            return lab.in(ns, command);
        }

        /** Starts a program in its namespace, named {@code label@name}; the lab kills it on close. */
        public LiveProcess start(String label, List<String> command) {
            return lab.start(label + "@" + name, name, command);
        }

        @Override
        public String toString() {
            return name + " (" + address + " on " + ifname() + " in " + ns + ")";
        }
    }

    /**
     * Adds the lab's Ethernet segment: namespace {@code seg} with bridge {@link #SEGMENT_BRIDGE} and an empty
     * nftables chain {@code bridge lab faults} in its forward hook.
     *
     * @param subnet the /24 of the hosts, e.g. {@code 198.18.110.}
     * @return this lab
     */
    public LiveLab segment(String subnet) {
        if (this.subnet != null) {
            throw new IllegalStateException("this lab has a segment already");
        }
        this.subnet = subnet;
        namespace(SEGMENT_NS);
        bridge(SEGMENT_NS, SEGMENT_BRIDGE);
        nft("add table bridge lab");
        nft("add chain bridge lab faults { type filter hook forward priority 0; policy accept; }");
        return this;
    }

    /**
     * Adds a host to the segment, with the address {@code SUBNET.lastOctet/24}.
     *
     * @param name      one to ten lower-case letters or digits, unique in the lab
     * @param lastOctet 1-254
     * @return the host
     */
    public Host host(String name, int lastOctet) {
        return host(name, lastOctet, "e-" + name);
    }

    /**
     * Adds a host to the segment, with the address {@code SUBNET.lastOctet/24} on an interface of a given name.
     *
     * @param name      one to ten lower-case letters or digits, unique in the lab
     * @param lastOctet 1-254
     * @param ifname    the interface's name in the host's namespace, e.g. {@code eth0}
     * @return the host
     */
    public synchronized Host host(String name, int lastOctet, String ifname) {
        if (subnet == null || !name.matches("[a-z0-9]{1,10}") || hosts.containsKey(name)) {
            throw new IllegalArgumentException("host: " + name + " (expected: 1-10 lower-case letters or digits, "
                    + "unique, after segment())");
        }
        Host host = new Host(this, name, namespace(name), ifname, subnet + lastOctet);
        plug(name, host.ifname(), host.address() + "/24", SEGMENT_NS, SEGMENT_BRIDGE, host.port());
        hosts.put(name, host);
        return host;
    }

    /** The hosts of the segment, in the order they were added. */
    public synchronized List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * A host of the segment.
     *
     * @param name its name given to {@link #host(String, int)}
     * @return the host
     */
    public synchronized Host host(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("host: " + name + " (expected: one of " + hosts.keySet() + ")");
        }
        return host;
    }

    /** The names of the hosts that hold an address, in the order they were added. */
    public List<String> holders(String ip) {
        return hosts().stream().filter(h -> h.holds(ip)).map(Host::name).toList();
    }

    /** Sets a host's segment interface down or up inside its namespace (it loses its carrier). */
    public void link(Host host, boolean up) {
        ip(host.ns(), "link", "set", "dev", host.ifname(), up ? "up" : "down");
    }

    /**
     * Adds a rule to the segment's fault chain, e.g. {@code ip protocol 112 numgen random mod 10 < 3 drop}.
     *
     * @param rule the rule in nft syntax
     */
    public void addFault(String rule) {
        nft("add rule bridge lab faults " + rule);
    }

    /** Removes every rule from the fault chain. */
    public void clearFaults() {
        nft("flush chain bridge lab faults");
    }

    /** Drops every frame between two hosts, both ways (a partition; both keep their carrier). */
    public void partition(Host a, Host b) {
        addFault("iifname \"" + a.port() + "\" oifname \"" + b.port() + "\" drop");
        addFault("iifname \"" + b.port() + "\" oifname \"" + a.port() + "\" drop");
    }

    private void nft(String command) {
        in(SEGMENT_NS, "nft", command);
    }

    // ------------------------------------------------------------------------------------------------ processes

    /**
     * Starts a child JVM in a namespace, killed by {@link #close()} at the latest.
     *
     * @see LiveProcess#javaIn
     */
    public LiveProcess java(String name, String ns, Class<?> mainClass, String... args) {
        return adopt(LiveProcess.javaIn(name, ns(ns), mainClass, args));
    }

    /**
     * Starts a program in a namespace, killed by {@link #close()} at the latest.
     *
     * @see LiveProcess#in
     */
    public LiveProcess start(String name, String ns, List<String> command) {
        return adopt(LiveProcess.in(name, ns(ns), command));
    }

    /**
     * A runtime whose sockets live in a namespace of this lab; {@link #close()} closes it before the namespaces go.
     *
     * @param ns the namespace
     * @return the runtime
     */
    public NettyCarpRuntime runtime(String ns) {
        NettyCarpRuntime runtime = NettyCarpRuntime.builder().networkNamespace(ns(ns)).build();
        return adopt(runtime);
    }

    /** A runtime in a host's namespace, see {@link #runtime(String)}. */
    public NettyCarpRuntime runtime(Host host) {
        return runtime(host.ns());
    }

    /**
     * Closes a resource with the lab (before the namespaces go), in reverse order of registration.
     *
     * @param resource e.g. a process, a runtime, a capture
     * @param <T>      its type
     * @return the resource
     */
    public synchronized <T extends AutoCloseable> T adopt(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("lab " + id + " is closed");
        }
        resources.push(resource);
        return resource;
    }

    /**
     * Closes a resource at the end of the current test ({@link #endTest()}), in reverse order of registration.
     *
     * @param resource e.g. a group, a child JVM, a capture
     * @param <T>      its type
     * @return the resource
     */
    public synchronized <T extends AutoCloseable> T closeAfterTest(T resource) {
        testResources.push(resource);
        return resource;
    }

    /** After each test: closes its resources, removes every fault rule, and brings every segment link up again. */
    public void endTest() {
        closeAll(testResources);
        if (subnet != null) {
            run(false, LiveProcess.inNamespace(ns(SEGMENT_NS), List.of("nft", "flush chain bridge lab faults"))
                    .toArray(new String[0]));
        }
        for (Host h : hosts()) {
            run(false, "ip", "-n", h.ns(), "link", "set", h.ifname(), "up");
            run(false, "ip", "-n", ns(SEGMENT_NS), "link", "set", h.port(), "up");
        }
    }

    /** A temporary directory of this lab (e.g. for scripts), deleted by {@link #close()}. */
    public synchronized Path tempDir() {
        if (tempDir == null) {
            try {
                tempDir = Files.createTempDirectory("carp-lab-" + id + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tempDir;
    }

    /**
     * Closes the test's and the lab's resources (runtimes bow out, processes are killed), kills any process left in
     * the namespaces (e.g. a script of ucarp), deletes the namespaces (and so their interfaces) and the temporary
     * directory; never throws.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeAll(testResources);
        closeAll(resources);
        List<String> real;
        synchronized (this) {
            real = new ArrayList<>(namespaces.values());
        }
        real.forEach(LiveLab::deleteNamespace);
        if (tempDir != null) {
            try (Stream<Path> walk = Files.walk(tempDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + tempDir + ": " + e.getMessage());
            }
        }
        synchronized (LiveLab.class) {
            OPEN.remove(this);
        }
    }

    @Override
    public String toString() {
        return "lab " + id + " " + namespaces.keySet();
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    /**
     * Deletes the {@code ct-*} namespaces whose owning JVM is gone (crashed or killed runs), with any process left in
     * them. Runs once per JVM; namespaces of a run still going, in this or another JVM, are left alone.
     */
    public static synchronized void sweepStale() {
        if (swept) {
            return;
        }
        swept = true;
        for (String line : run(false, "ip", "netns", "list").split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(PREFIX) && !ownerAlive(ns.substring(PREFIX.length()).split("-")[0])) {
                System.err.println("deleting network namespace " + ns + " left by a run that is gone");
                deleteNamespace(ns);
            }
        }
    }

    /** {@code <pid>.<start time in base 36>} of a process: a pid alone may be reused. */
    private static String owner(ProcessHandle process) {
        long start = process.info().startInstant().map(i -> i.getEpochSecond()).orElse(0L);
        return process.pid() + "." + Long.toString(start, 36);
    }

    private static boolean ownerAlive(String owner) {
        int dot = owner.indexOf('.');
        if (dot < 0) {
            return false;
        }
        try {
            return ProcessHandle.of(Long.parseLong(owner.substring(0, dot))).map(p -> owner(p).equals(owner))
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static synchronized void register(LiveLab lab) {
        OPEN.add(lab);
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                List<LiveLab> open;
                synchronized (LiveLab.class) {
                    open = new ArrayList<>(OPEN);
                }
                open.forEach(LiveLab::close);
            }, "live-lab-cleanup"));
        }
    }

    /** SIGKILLs every process inside a namespace (all of them were started by a lab), then deletes it. */
    private static void deleteNamespace(String ns) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                String pids = run(false, "ip", "netns", "pids", ns).trim();
                if (pids.isEmpty() || !pids.matches("[\\d\\s]+")) {
                    break;
                }
                List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
                kill.addAll(List.of(pids.split("\\s+")));
                run(false, kill.toArray(String[]::new));
                Await.sleep(100);
            }
            String out = run(false, "ip", "netns", "del", ns);
            if (!out.isBlank() && !out.contains("No such file")) {
                System.err.println("could not delete network namespace " + ns + ": " + out.trim());
            }
        } catch (RuntimeException e) {
            System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (true) {
            AutoCloseable r;
            synchronized (resources) {
                if (resources.isEmpty()) {
                    return;
                }
                r = resources.pop();
            }
            closeQuietly(r);
        }
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            System.err.println("could not close " + r + ": " + e);
        }
    }

    /**
     * Runs a short command (ip, nft, kill, sysctl...).
     *
     * @param check   whether a non-zero exit throws
     * @param command the command
     * @return standard output and error
     */
    public static String run(boolean check, String... command) {
        Outcome o = execute(command);
        if (check && o.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + o.exitCode() + ": " + o.output());
        }
        return o.output();
    }

    /**
     * The outcome of a short command.
     *
     * @param exitCode its exit code
     * @param output   its standard output and error
     */
    public record Outcome(int exitCode, String output) {
        /** Whether it exited with 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a short command and returns its exit code and output; a non-zero exit does not throw.
     *
     * @param command the command
     * @return the outcome
     */
    public static Outcome execute(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // the process was killed: what was read is the output
                }
            }, "lab-command");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            reader.join(2000);
            return new Outcome(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
