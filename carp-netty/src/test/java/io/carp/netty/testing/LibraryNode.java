package io.carp.netty.testing;

import io.carp.netty.testing.LiveLab.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A library node: a JVM in the host's namespace running {@link LiveNodeMain} (one group on {@code NettyCarpRuntime}),
 * which prints {@code STATE <vhid> <from> <to> <reason>} per transition and {@code STATS k=v ...} lines.
 */
public final class LibraryNode extends CarpNode {
    private static final Pattern STATE = Pattern.compile("^STATE (\\d+) (\\w+) (\\w+) ?(.*)$");
    private static final Pattern STATS = Pattern.compile("^STATS (.*)$");
    private static final Pattern KEY_VALUE = Pattern.compile("(\\w+)=(\\S+)");

    private LibraryNode(Host host, LiveProcess process, CarpOptions options) {
        super(host, process, options);
    }

    /** Starts a node JVM on {@code host}; returns at once (see {@link #awaitStarted}). */
    public static LibraryNode start(Host host, CarpOptions options) {
        return start(host, options, new String[0]);
    }

    /** Starts a node JVM with more arguments of {@link LiveNodeMain} (e.g. {@code --announce-refresh-ms=1000}). */
    public static LibraryNode start(Host host, CarpOptions options, String... extra) {
        List<String> args = new ArrayList<>(options.commonArgs(host));
        args.addAll(List.of(extra));
        return launch(host, options, args);
    }

    /**
     * Starts a node JVM with the given arguments of {@link LiveNodeMain} (and STATS every 500 ms).
     *
     * @param host    the host
     * @param options the CARP options they stand for, or {@code null}
     * @param args    the arguments
     * @return the node
     */
    public static LibraryNode launch(Host host, CarpOptions options, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.add("--stats-interval-ms=500");
        return new LibraryNode(host, host.start("lib", LiveProcess.javaCommand(LiveProcess.classPath(), List.of(),
                LiveNodeMain.class, all.toArray(new String[0]))), options);
    }

    /** Waits for the node's first transition (INIT -> BACKUP, "started"). */
    public LibraryNode awaitStarted(Duration timeout) {
        awaitTransition(0, BACKUP, timeout);
        return this;
    }

    @Override
    public Optional<Transition> parse(LiveProcess.Line line, String previous) {
        Matcher m = STATE.matcher(line.text());
        if (!m.matches() || !"out".equals(line.stream())) {
            return Optional.empty();
        }
        return Optional.of(new Transition(line.index(), line.nanoTime(), m.group(2), m.group(3), m.group(4)));
    }

    /** The last STATS line, parsed; empty map if none yet. */
    public Map<String, String> stats() {
        List<LiveProcess.Line> all = process().linesMatching(STATS);
        return all.isEmpty() ? Map.of() : parseStats(all.get(all.size() - 1).text());
    }

    /** A numeric counter of the last STATS line (0 if absent). */
    public long stat(String key) {
        return Long.parseLong(stats().getOrDefault(key, "0"));
    }

    public static Map<String, String> parseStats(String line) {
        Map<String, String> map = new LinkedHashMap<>();
        Matcher m = KEY_VALUE.matcher(line);
        while (m.find()) {
            map.put(m.group(1), m.group(2));
        }
        return map;
    }
}
