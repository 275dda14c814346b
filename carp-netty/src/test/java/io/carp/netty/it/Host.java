package io.carp.netty.it;

import io.carp.netty.testing.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network namespace of a {@link Lab}, with interface {@code eth0} on the lab's bridge and one permanent address.
 * Runs commands and processes inside the namespace and reads its addresses and neighbour table.
 */
final class Host {
    private static final Pattern ADDR_INFO = Pattern.compile("\\{[^{}]*\"local\":\"([^\"]+)\"[^{}]*}");
    private static final Pattern VALID_LFT = Pattern.compile("\"valid_life_time\":(\\d+)");
    private static final Pattern PREFIXLEN = Pattern.compile("\"prefixlen\":(\\d+)");
    private static final Pattern LINK_ADDRESS = Pattern.compile("\"address\":\"([0-9a-f:]{17})\"");
    private static final Pattern LLADDR = Pattern.compile("\"lladdr\":\"([0-9a-f:]{17})\"");
    private static final Pattern NEIGH_STATE = Pattern.compile("\"state\":\\[([^]]*)]");
    /** The kernel's "forever" lifetime. */
    static final long FOREVER = 4294967295L;

    private final Lab lab;
    private final String role;
    private final String namespace;
    private final String address;
    private String mac;

    Host(Lab lab, String role, String namespace, String address) {
        this.lab = lab;
        this.role = role;
        this.namespace = namespace;
        this.address = address;
    }

    /** Short name: n1, n2..., cl; also the name of the bridge-side veth. */
    String role() {
        return role;
    }

    String namespace() {
        return namespace;
    }

    String interfaceName() {
        return "eth0";
    }

    /** The permanent address of {@code eth0} (no prefix). */
    String address() {
        return address;
    }

    Lab lab() {
        return lab;
    }

    /** The MAC address of {@code eth0}, lower case. */
    synchronized String mac() {
        if (mac == null) {
            String json = ip("-j", "link", "show", "dev", interfaceName()).orThrow().output();
            Matcher m = LINK_ADDRESS.matcher(json);
            if (!m.find()) {
                throw new IllegalStateException("no MAC address in: " + json);
            }
            mac = m.group(1);
        }
        return mac;
    }

    /** Runs a command inside this namespace. */
    Commands.Result exec(String... command) {
        return Commands.inNamespace(namespace, command);
    }

    /** Runs {@code ip -n NS args...}. */
    Commands.Result ip(String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", namespace));
        full.addAll(List.of(args));
        return Commands.run(Commands.DEFAULT_TIMEOUT, full);
    }

    /** Starts a long-running process inside this namespace; the lab kills it on close. */
    NsProcess start(String label, List<String> command) {
        NsProcess p = NsProcess.start(label + "@" + role, namespace, command);
        lab.adopt(p);
        return p;
    }

    /** One address of {@code eth0} as {@code ip -j addr} shows it. */
    record Address(String local, int prefixLength, long validLifetimeSeconds) {
        boolean permanent() {
            return validLifetimeSeconds == FOREVER;
        }
    }

    /** The addresses of {@code eth0}, from {@code ip -n NS -j addr show dev eth0}. */
    List<Address> addresses() {
        String json = ip("-j", "addr", "show", "dev", interfaceName()).orThrow().output();
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

    /** The address {@code ip} on {@code eth0}, if present. */
    Optional<Address> address(String ip) {
        return addresses().stream().filter(a -> a.local().equals(ip)).findFirst();
    }

    boolean holds(String ip) {
        return address(ip).isPresent();
    }

    /**
     * Polls {@code ip -j addr} every 100 ms until {@code ip} is present (or absent).
     *
     * @return how long it took, or empty on timeout
     */
    Optional<Duration> awaitAddress(String ip, boolean present, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            if (holds(ip) == present) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Lab.sleep(100);
        }
    }

    /**
     * Sends one ICMP echo request to {@code ip} and waits up to a second for the reply. Uses {@code ping} when installed,
     * otherwise Perl's core Net::Ping in ICMP mode (root only).
     */
    boolean ping(String ip) {
        if (Tools.hasPing()) {
            return exec("ping", "-n", "-c", "1", "-W", "1", ip).ok();
        }
        return exec("perl", "-MNet::Ping", "-e",
                "my $p = Net::Ping->new('icmp', 1); exit($p->ping($ARGV[0]) ? 0 : 1)", ip).ok();
    }

    /** Pings until a reply comes or the timeout passes. */
    boolean pingUntilReply(String ip, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (ping(ip)) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** The link-layer address this namespace's neighbour table has for {@code ip}, if any (and not FAILED). */
    Optional<String> neighbourMac(String ip) {
        String json = ip("-j", "neigh", "show", "to", ip, "dev", interfaceName()).output();
        Matcher state = NEIGH_STATE.matcher(json);
        if (state.find() && state.group(1).contains("FAILED")) {
            return Optional.empty();
        }
        Matcher m = LLADDR.matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return role + " (" + namespace + ", " + address + ")";
    }
}
