package io.carp.benchmarks;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.netty.NettyCarpRuntime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The scale benchmark's library side: N CARP groups (vhids 1..N, one VIP each) in one JVM on one interface, all on
 * one {@link NettyCarpRuntime} (one epoll thread). {@code scripts/bench/scale.sh} runs it in a network namespace
 * next to N ucarp processes doing the same and compares CPU and RSS.
 *
 * <pre>
 * java -cp carp-benchmarks/target/benchmarks.jar io.carp.benchmarks.ManyGroupsMain \
 *     --interface eth0 --count 255 --advbase 1 --advskew 0 --password secret --manage-addresses true \
 *     --align-adverts false
 * </pre>
 *
 * <p>VIP of the i-th group (i from 0): {@code 198.18.(91 + i/200).(1 + i%200)}, so 255 groups use
 * 198.18.91.1-200 and 198.18.92.1-55 (the same scheme as the ucarp side of the script).
 *
 * <p>Every {@code --status-every} seconds prints {@code status MASTER=x BACKUP=y INIT=z} on standard output (state
 * changes are logged by the library itself, through java.util.logging); once the line has not changed for
 * {@value #QUIET_AFTER} checks it checks only every {@value #QUIET_EVERY_SECONDS} s, printing when the counts change,
 * so that the harness's own thread stays out of the CPU figures of a measurement window. Runs until killed; SIGTERM closes every group
 * (bow-out, addresses released) through the runtime's shutdown hook.
 */
public final class ManyGroupsMain {
    /** Unchanged status checks after which the status is checked only every {@link #QUIET_EVERY_SECONDS}. */
    static final int QUIET_AFTER = 10;
    /** Seconds between status checks once the states are stable. */
    static final int QUIET_EVERY_SECONDS = 60;

    private ManyGroupsMain() {
    }

    /**
     * Entry point.
     *
     * @param args {@code --name value} pairs; see the class comment
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opts = parse(args);
        String ifname = opts.getOrDefault("interface", "eth0");
        int count = intOption(opts, "count", 255, 0, 255); // 0: the runtime alone (the JVM's and Netty's floor)
        int advbase = intOption(opts, "advbase", 1, 0, 255);
        int advskew = intOption(opts, "advskew", 0, 0, 254);
        int statusEvery = intOption(opts, "status-every", 5, 1, 3600);
        boolean manage = Boolean.parseBoolean(opts.getOrDefault("manage-addresses", "true"));
        boolean align = Boolean.parseBoolean(opts.getOrDefault("align-adverts", "false"));
        String password = opts.getOrDefault("password", "benchpass");
        String source = opts.get("source");

        NettyCarpRuntime runtime = NettyCarpRuntime.builder().bowOutOnShutdown(true).build();
        List<CarpGroup> groups = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            var builder = CarpGroup.builder()
                    .runtime(runtime)
                    .interfaceName(ifname)
                    .vhid(i + 1)
                    .password(password)
                    .virtualAddress(vip(i))
                    .advbase(advbase)
                    .advskew(advskew)
                    .manageAddresses(manage)
                    .alignAdverts(align);
            if (source != null) {
                builder.sourceAddress(source);
            }
            groups.add(builder.build());
        }
        groups.forEach(CarpGroup::start);
        System.out.println("started " + count + " groups on " + ifname + " (advbase " + advbase + ", advskew "
                + advskew + ", manageAddresses " + manage + ", alignAdverts " + align + ")");
        CountDownLatch never = new CountDownLatch(1);
        String last = null;
        int unchanged = 0;
        while (!never.await(unchanged >= QUIET_AFTER ? Math.max(statusEvery, QUIET_EVERY_SECONDS) : statusEvery,
                java.util.concurrent.TimeUnit.SECONDS)) {
            Map<CarpState, Integer> states = new EnumMap<>(CarpState.class);
            for (CarpState s : CarpState.values()) {
                states.put(s, 0);
            }
            for (CarpGroup g : groups) {
                states.merge(g.state(), 1, Integer::sum);
            }
            String line = "status MASTER=" + states.get(CarpState.MASTER) + " BACKUP="
                    + states.get(CarpState.BACKUP) + " INIT=" + states.get(CarpState.INIT);
            unchanged = line.equals(last) ? unchanged + 1 : 0;
            if (unchanged < QUIET_AFTER || !line.equals(last)) {
                System.out.println(line);
            }
            last = line;
        }
    }

    /** The i-th VIP (i from 0): 198.18.91.1-200, then 198.18.92.1-55. */
    static String vip(int i) {
        return "198.18." + (91 + i / 200) + "." + (1 + i % 200);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + (i + 1) + ": " + args[i]
                        + " (expected: --name value pairs)");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static int intOption(Map<String, String> opts, String name, int dflt, int min, int max) {
        String raw = opts.get(name);
        if (raw == null) {
            return dflt;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + raw + " (expected: an integer " + min + "-" + max + ")");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return value;
    }
}
