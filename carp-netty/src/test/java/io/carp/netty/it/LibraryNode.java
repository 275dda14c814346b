package io.carp.netty.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A library node: a JVM in the host's namespace running {@link ItNodeMain} (one group on {@code NettyCarpRuntime}),
 * which prints {@code STATE <vhid> <from> <to> <reason>} per transition and {@code STATS k=v ...} lines.
 */
final class LibraryNode extends CarpNode {
    private static final Pattern STATE = Pattern.compile("^STATE (\\d+) (\\w+) (\\w+) ?(.*)$");
    private static final Pattern STATS = Pattern.compile("^STATS (.*)$");
    private static final Pattern KEY_VALUE = Pattern.compile("(\\w+)=(\\S+)");
    /** Small, quick-starting JVMs: the machine has two cores shared with everything else. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xms16m", "-Xmx96m", "-Xss512k", "-XX:-UsePerfData");

    private LibraryNode(Host host, NsProcess process, CarpOptions options) {
        super(host, process, options);
    }

    /** Starts a node JVM on {@code host}; returns at once (see {@link #awaitStarted}). */
    static LibraryNode start(Host host, CarpOptions options) {
        return start(host, options, new String[0]);
    }

    /**
     * Starts a node JVM running a VRRP group with the settings of a keepalived instance (version, VRID, priority,
     * interval, addresses, password, nopreempt, unicast peers), so that both sides are configured alike.
     */
    static LibraryNode startVrrp(Host host, KeepalivedConfig k, String... extra) {
        List<String> args = new ArrayList<>(List.of("--interface=" + host.interfaceName(), "--vhid=" + k.vrid(),
                "--vrrp=" + k.version(), "--priority=" + k.priority(), "--advert-int-cs=" + k.advertIntCentis()));
        if (!k.ipv6()) {
            args.add("--srcip=" + host.address());
        }
        for (String a : k.virtualAddresses()) {
            args.add("--addr=" + a.substring(0, a.indexOf('/')));
        }
        if (k.password() != null) {
            args.add("--pass=" + k.password());
        }
        if (k.nopreempt()) {
            args.add("--no-preempt");
        }
        k.unicastPeers().forEach(p -> args.add("--peer=" + p));
        args.addAll(List.of(extra));
        return launch(host, null, args);
    }

    /** Starts a node JVM with more arguments of {@link ItNodeMain} (e.g. {@code --announce-refresh-ms=1000}). */
    static LibraryNode start(Host host, CarpOptions options, String... extra) {
        List<String> args = new ArrayList<>(options.commonArgs(host));
        args.addAll(List.of(extra));
        return launch(host, options, args);
    }

    private static LibraryNode launch(Host host, CarpOptions options, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classPath());
        command.add(ItNodeMain.class.getName());
        command.addAll(args);
        command.add("--stats-interval-ms=500");
        return new LibraryNode(host, host.start("lib", command), options);
    }

    /** Waits for the node's first transition (INIT -> BACKUP, "started"). */
    LibraryNode awaitStarted(Duration timeout) {
        awaitTransition(0, BACKUP, timeout);
        return this;
    }

    @Override
    Optional<Transition> parse(NsProcess.Line line, String previous) {
        Matcher m = STATE.matcher(line.text());
        if (!m.matches() || !"out".equals(line.stream())) {
            return Optional.empty();
        }
        return Optional.of(new Transition(line.index(), line.nanoTime(), m.group(2), m.group(3), m.group(4)));
    }

    /** The last STATS line, parsed; empty map if none yet. */
    Map<String, String> stats() {
        List<NsProcess.Line> all = process().linesMatching(STATS);
        return all.isEmpty() ? Map.of() : parseStats(all.get(all.size() - 1).text());
    }

    /** A numeric counter of the last STATS line (0 if absent). */
    long stat(String key) {
        return Long.parseLong(stats().getOrDefault(key, "0"));
    }

    static Map<String, String> parseStats(String line) {
        Map<String, String> map = new LinkedHashMap<>();
        Matcher m = KEY_VALUE.matcher(line);
        while (m.find()) {
            map.put(m.group(1), m.group(2));
        }
        return map;
    }

    /**
     * The test class path. Surefire runs tests from a manifest-only jar, which a child JVM can use as well, but it also
     * publishes the real path in {@code surefire.test.class.path}.
     */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
