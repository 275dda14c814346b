package io.carp.netty.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A throw-away layer-2 segment made of network namespaces: one bridge namespace ({@code cit-XXXX-br}, bridge
 * {@code br0}), host namespaces {@code cit-XXXX-n1..nN} and a client namespace {@code cit-XXXX-cl}, each joined to the
 * bridge by a veth pair whose host end is {@code eth0}. Addresses come from {@value #SUBNET}.0/24 only: host i has
 * .i, the client .{@value #CLIENT_OCTET}, and virtual addresses should be taken from .100 up.
 *
 * <p>{@link #close()} SIGKILLs every process started in the lab, then every other process still inside its namespaces
 * (ucarp's scripts), and deletes the namespaces; a JVM shutdown hook closes labs left open. Each lab writes an owner
 * file naming this JVM first, so {@link #sweepStale()} can delete the namespaces of runs that died without cleaning up,
 * and never those of a run still going.
 */
final class Lab implements AutoCloseable {
    /** Every namespace this harness creates starts with this prefix. */
    static final String PREFIX = "cit-";
    /** The /24 reserved for these tests (inside 198.18.0.0/15, RFC 2544 benchmarking space). */
    static final String SUBNET = "198.18.60";
    static final int PREFIX_LENGTH = 24;
    static final int CLIENT_OCTET = 50;
    static final String BRIDGE = "br0";

    private static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "cit-netns-owners");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<Lab> OPEN = new LinkedHashSet<>();
    private static boolean hookInstalled;
    private static boolean swept;

    private final String id;
    private final String bridgeNamespace;
    private final List<Host> hosts = new ArrayList<>();
    private final Host client;
    private final Path tempDir;
    private final List<NsProcess> processes = new ArrayList<>();
    private boolean closed;

    private Lab(String id, int hostCount) throws IOException {
        this.id = id;
        this.bridgeNamespace = PREFIX + id + "-br";
        this.tempDir = Files.createTempDirectory("cit-" + id + "-");
        for (int i = 1; i <= hostCount; i++) {
            hosts.add(new Host(this, "n" + i, PREFIX + id + "-n" + i, SUBNET + "." + i));
        }
        this.client = new Host(this, "cl", PREFIX + id + "-cl", SUBNET + "." + CLIENT_OCTET);
    }

    /**
     * Builds a segment with {@code hostCount} hosts and a client. Sweeps stale namespaces first (once per JVM).
     *
     * @param hostCount 1-9
     */
    static Lab create(int hostCount) {
        if (hostCount < 1 || hostCount > 9) {
            throw new IllegalArgumentException("hostCount: " + hostCount + " (expected: 1-9)");
        }
        sweepStale();
        Lab lab;
        try {
            lab = new Lab(randomId(), hostCount);
            lab.writeOwnerFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        register(lab);
        try {
            lab.build();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        NsProcess.log("lab", "built " + lab);
        return lab;
    }

    /** Host {@code i} (1-based): namespace {@code cit-XXXX-ni}, address 198.18.60.i. */
    Host host(int i) {
        return hosts.get(i - 1);
    }

    List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** The client namespace (198.18.60.50), which only pings and looks at its neighbour table. */
    Host client() {
        return client;
    }

    /**
     * Drops every frame between two hosts' bridge ports, both ways, with nftables in the bridge namespace (a
     * partition: both keep their carrier, and even a pcap reader such as ucarp sees nothing from the other).
     */
    void partition(Host a, Host b) {
        Commands.check("ip", "netns", "exec", bridgeNamespace, "nft", "add table bridge cit_part");
        Commands.check("ip", "netns", "exec", bridgeNamespace, "nft",
                "add chain bridge cit_part cut { type filter hook forward priority 0; policy accept; }");
        Commands.check("ip", "netns", "exec", bridgeNamespace, "nft", "add rule bridge cit_part cut iifname \""
                + a.role() + "\" oifname \"" + b.role() + "\" drop");
        Commands.check("ip", "netns", "exec", bridgeNamespace, "nft", "add rule bridge cit_part cut iifname \""
                + b.role() + "\" oifname \"" + a.role() + "\" drop");
    }

    /** Ends {@link #partition}. */
    void heal() {
        Commands.check("ip", "netns", "exec", bridgeNamespace, "nft", "delete table bridge cit_part");
    }

    /** A per-lab temporary directory (ucarp scripts), deleted by {@link #close()}. */
    Path tempDir() {
        return tempDir;
    }

    /** Registers a process to be killed by {@link #close()}. */
    synchronized void adopt(NsProcess process) {
        if (closed) {
            process.close();
            throw new IllegalStateException("lab " + id + " is closed");
        }
        processes.add(process);
    }

    @Override
    public void close() {
        List<NsProcess> toKill;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toKill = new ArrayList<>(processes);
        }
        for (NsProcess p : toKill) {
            p.close();
        }
        List<String> namespaces = new ArrayList<>();
        hosts.forEach(h -> namespaces.add(h.namespace()));
        namespaces.add(client.namespace());
        namespaces.add(bridgeNamespace);
        for (String ns : namespaces) {
            deleteNamespace(ns);
        }
        deleteTree(tempDir);
        try {
            Files.deleteIfExists(OWNERS.resolve(id));
        } catch (IOException e) {
            // a stale owner file only makes the next sweep look at it
        }
        synchronized (Lab.class) {
            OPEN.remove(this);
        }
        NsProcess.log("lab", "closed " + id);
    }

    @Override
    public String toString() {
        return "lab " + id + " (" + bridgeNamespace + ", " + hosts.size() + " hosts, client " + client.namespace() + ")";
    }

    private void build() {
        Commands.check("ip", "netns", "add", bridgeNamespace);
        Commands.check("ip", "-n", bridgeNamespace, "link", "add", BRIDGE, "type", "bridge");
        Commands.check("ip", "-n", bridgeNamespace, "link", "set", BRIDGE, "up");
        Commands.check("ip", "-n", bridgeNamespace, "link", "set", "lo", "up");
        List<Host> all = new ArrayList<>(hosts);
        all.add(client);
        for (Host h : all) {
            Commands.check("ip", "netns", "add", h.namespace());
            Commands.check("ip", "link", "add", h.interfaceName(), "netns", h.namespace(), "type", "veth",
                    "peer", "name", h.role(), "netns", bridgeNamespace);
            Commands.check("ip", "-n", bridgeNamespace, "link", "set", h.role(), "master", BRIDGE, "up");
            Commands.check("ip", "-n", h.namespace(), "link", "set", "lo", "up");
            Commands.check("ip", "-n", h.namespace(), "addr", "add", h.address() + "/" + PREFIX_LENGTH,
                    "dev", h.interfaceName());
            Commands.check("ip", "-n", h.namespace(), "link", "set", h.interfaceName(), "up");
        }
    }

    private void writeOwnerFile() throws IOException {
        Files.createDirectories(OWNERS);
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        Files.writeString(OWNERS.resolve(id), self.pid() + " " + start + "\n", StandardCharsets.US_ASCII);
    }

    private static synchronized void register(Lab lab) {
        OPEN.add(lab);
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(Lab::closeAllOpen, "cit-lab-cleanup"));
        }
    }

    private static void closeAllOpen() {
        List<Lab> open;
        synchronized (Lab.class) {
            open = new ArrayList<>(OPEN);
        }
        for (Lab lab : open) {
            lab.close();
        }
    }

    /**
     * Deletes {@code cit-*} namespaces whose owning JVM is gone (crashed or killed runs), with any process left in
     * them. Runs once per JVM; namespaces of a live run (in this or another JVM) are left alone.
     */
    static synchronized void sweepStale() {
        if (swept) {
            return;
        }
        swept = true;
        for (String ns : listNamespaces()) {
            String[] parts = ns.split("-");
            if (parts.length < 3 || ownerAlive(parts[1])) {
                continue;
            }
            NsProcess.log("sweeper", "deleting stale namespace " + ns);
            deleteNamespace(ns);
            try {
                Files.deleteIfExists(OWNERS.resolve(parts[1]));
            } catch (IOException e) {
                // harmless
            }
        }
    }

    /** Names of every existing {@code cit-*} namespace. */
    static List<String> listNamespaces() {
        Commands.Result r = Commands.run("ip", "netns", "list");
        List<String> names = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean ownerAlive(String labId) {
        Path file = OWNERS.resolve(labId);
        try {
            String[] owner = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            long pid = Long.parseLong(owner[0]);
            long start = Long.parseLong(owner[1]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            return handle.isPresent() && handle.get().info().startInstant()
                    .map(i -> i.toEpochMilli() == start).orElse(true);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** SIGKILLs every process inside {@code ns} (all of them were started by this harness), then deletes it. */
    private static void deleteNamespace(String ns) {
        for (int attempt = 0; attempt < 3; attempt++) {
            String pids = Commands.run("ip", "netns", "pids", ns).output().trim();
            if (pids.isEmpty() || !pids.chars().allMatch(c -> Character.isDigit(c) || Character.isWhitespace(c))) {
                break;
            }
            List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
            kill.addAll(List.of(pids.split("\\s+")));
            Commands.run(kill.toArray(String[]::new));
            sleep(100);
        }
        Commands.Result r = Commands.run("ip", "netns", "del", ns);
        if (!r.ok() && !r.output().contains("No such file")) {
            NsProcess.log("lab", "could not delete namespace " + ns + ": " + r.output().trim());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // nothing to delete
        }
    }

    private static String randomId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
