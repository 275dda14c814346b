package io.carp.netty.it;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real keepalived (Debian 12: 2.2.7) running one VRRP instance in a {@link Host}'s namespace, in the foreground
 * ({@code -n}), logging to the console ({@code -l -D}, no syslog {@code -G}), VRRP only ({@code -P}), with its own
 * configuration and pid files in the lab's temporary directory (so several run side by side), and without respawning
 * its VRRP child ({@code -R}), so that a SIGKILL stays a crash.
 *
 * <p>keepalived is two processes: the parent we start (whose pid {@link LiveProcess} knows) and the VRRP child, which
 * sends and receives the adverts (pid in the {@code -r} file). {@link #kill()} SIGKILLs the child first, so no
 * priority-0 advert goes out, then the parent; {@link #terminate()} SIGTERMs the parent, which stops the child
 * cleanly (keepalived then sends priority 0 and removes its addresses).
 *
 * <p>State comes from keepalived's log lines {@code (VI_1) Entering MASTER STATE}; {@link #problems()} returns the
 * lines in which keepalived complains about a received packet (see {@link #PROBLEM}).
 */
final class KeepalivedNode extends CarpNode {
    private static final Pattern ENTERING = Pattern.compile("\\(" + KeepalivedConfig.INSTANCE
            + "\\) Entering (\\w+) STATE(?: \\((.*)\\))?");
    /**
     * keepalived's complaints about received adverts (vrrp.c, vrrp_check_packet and the state handlers: "invalid TTL",
     * "wrong VRRP version", "Invalid auth type", "received an invalid passwd", "advertisement interval mismatch",
     * "Checksum ERROR", "vrrp packet from ... too short", "not in range", "bogus", "discarding"...), and its
     * configuration errors ("Unknown keyword", "Invalid").
     */
    static final Pattern PROBLEM = Pattern.compile(
            "(?i)invalid|wrong|mismatch|checksum error|too (short|long)|not in range|malformed|bogus|discard"
                    + "|unknown keyword|bad ");
    private static final Pattern LOWER_PRIORITY = Pattern.compile("received lower priority \\(\\d+\\) advert from \\S+ - discarding$");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final KeepalivedConfig config;
    private final Path vrrpPidFile;
    private final Path configFile;

    private KeepalivedNode(Host host, LiveProcess process, KeepalivedConfig config, Path vrrpPidFile, Path configFile) {
        super(host, process, null);
        this.config = config;
        this.vrrpPidFile = vrrpPidFile;
        this.configFile = configFile;
    }

    /** Whether keepalived is installed. */
    static boolean installed() {
        return Tools.which("keepalived").isPresent();
    }

    /** Starts keepalived on {@code host} with its permanent address as the unicast source (if peers are set). */
    static KeepalivedNode start(Host host, KeepalivedConfig config) {
        return start(host, config, host.ifname(), host.address());
    }

    /**
     * Starts keepalived on {@code host}.
     *
     * @param interfaceName the interface of the instance
     * @param sourceAddress {@code unicast_src_ip}, or {@code null} for keepalived's choice
     */
    static KeepalivedNode start(Host host, KeepalivedConfig config, String interfaceName, String sourceAddress) {
        Path keepalived = Tools.which("keepalived")
                .orElseThrow(() -> new IllegalStateException("keepalived is not installed"));
        String base = "keepalived-" + host.name() + "-" + SEQUENCE.incrementAndGet();
        Path dir = host.lab().tempDir();
        Path conf = dir.resolve(base + ".conf");
        Path pid = dir.resolve(base + ".pid");
        Path vrrpPid = dir.resolve(base + ".vrrp.pid");
        Path checkersPid = dir.resolve(base + ".checkers.pid");
        try {
            Files.writeString(conf, config.render(host.name(), interfaceName, sourceAddress), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(keepalived.toString(), "-n", "-l", "-D", "-G", "-P", "-R",
                "-f", conf.toString(), "-p", pid.toString(), "-r", vrrpPid.toString(), "-c", checkersPid.toString());
        LiveProcess.log("keepalived@" + host.name(), config + "\n" + config.render(host.name(), interfaceName,
                sourceAddress));
        return new KeepalivedNode(host, host.start("keepalived", command), config, vrrpPid, conf);
    }

    KeepalivedConfig config() {
        return config;
    }

    Path configFile() {
        return configFile;
    }

    @Override
    public Optional<Transition> parse(LiveProcess.Line line, String previous) {
        Matcher m = ENTERING.matcher(line.text());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Transition(line.index(), line.nanoTime(), previous, m.group(1),
                m.group(2) == null ? "" : m.group(2)));
    }

    /**
     * Lines in which keepalived complained about a packet or its configuration ({@link #PROBLEM}). Not its
     * "received lower priority (N) advert from X - discarding": a preempting backup (or master) ignores a weaker
     * master's adverts, as RFC 9568 section 6.4.2 says, which is the protocol working.
     */
    List<LiveProcess.Line> problems() {
        return process().linesMatching(PROBLEM).stream().filter(l -> !LOWER_PRIORITY.matcher(l.text()).find())
                .toList();
    }

    /** How many gratuitous ARPs keepalived says it sent ({@code Sending gratuitous ARP on IF for VIP}). */
    int gratuitousArpsLogged() {
        return process().linesMatching(Pattern.compile("Sending gratuitous ARP on ")).size();
    }

    /** The VRRP child's pid, once keepalived has written it. */
    OptionalLong vrrpPid() {
        try {
            String text = Files.readString(vrrpPidFile, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** SIGKILL of the VRRP child (no priority-0 advert, addresses left behind), then of the parent. */
    @Override
    public void kill() {
        OptionalLong child = vrrpPid();
        if (child.isPresent() && process().isAlive()) {
            LiveProcess.log(name(), "sending SIGKILL to the VRRP child, pid " + child.getAsLong());
            LiveLab.run(false, "kill", "-KILL", Long.toString(child.getAsLong()));
        }
        process().kill();
    }

    /** SIGTERM to the parent: keepalived sends priority 0, removes its addresses and exits. Waits for the exit. */
    void stop(Duration timeout) {
        terminate();
        process().awaitExit(timeout.toMillis());
    }

    @Override
    public String toString() {
        return name() + "[" + state() + ", " + config + "]";
    }
}
