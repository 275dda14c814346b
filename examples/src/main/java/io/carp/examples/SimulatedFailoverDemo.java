package io.carp.examples;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.testkit.PerfectLink;
import io.carp.testkit.RecordedAdvertisement;
import io.carp.testkit.RecordedTransition;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Three CARP nodes on a simulated network, in virtual time: election, the master killed, failover (measured against
 * the master-down bound), the old master restarted with preempt, and a graceful bow-out handover. Prints a timeline
 * to standard output. Runs as any user, with no network: the nodes are {@code carp-testkit} simulated nodes running
 * the real CARP state machines and packet code.
 *
 * <pre>java -jar examples/target/carp-examples.jar</pre>
 *
 * Exits with status 1 if a measured time breaks its bound.
 */
public final class SimulatedFailoverDemo {
    private static final String VIP = "198.18.0.100";
    private static final int ADVBASE = 1;
    private static final int DEAD_RATIO = 3;
    /** Kept referenced: JUL holds loggers weakly, and a collected logger would forget its level. */
    private static final Logger CARP_LOG = Logger.getLogger("io.carp");

    private final SimulatedNetwork network = SimulatedNetwork.create();
    private int printed;
    private boolean ok = true;

    private SimulatedFailoverDemo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        CARP_LOG.setLevel(Level.WARNING); // the groups log every transition at INFO; the timeline below says it all
        SimulatedFailoverDemo demo = new SimulatedFailoverDemo();
        boolean ok;
        try {
            ok = demo.run();
        } finally {
            demo.network.close();
        }
        if (!ok) {
            System.exit(1);
        }
    }

    private boolean run() {
        SimulatedNode a = network.node("A");
        SimulatedNode b = network.node("B");
        SimulatedNode c = network.node("C");
        System.out.printf(Locale.ROOT, "CARP on a simulated network (virtual time, no root, no sockets), seed %d%n",
                network.seed());
        System.out.printf(Locale.ROOT, "vhid 1, virtual address %s, advbase %d s, dead ratio %d, link delay %s%n",
                VIP, ADVBASE, DEAD_RATIO, seconds(PerfectLink.DEFAULT_DELAY));
        CarpGroupBuilder aGroup = vip(0);
        for (SimulatedNode node : List.of(a, b, c)) {
            int skew = node == a ? 0 : node == b ? 50 : 100;
            System.out.printf(Locale.ROOT, "  %s %-12s advskew %3d  master-down %s%n", node.name(),
                    node.ipv4().getHostAddress(), skew, seconds(masterDown(skew)));
        }

        heading("1. Election: the node with the lowest advskew wins");
        a.start(aGroup);
        b.start(vip(50));
        c.start(vip(100));
        network.advanceBy(Duration.ofSeconds(10));
        flush();
        note("master: " + master() + ", holding " + VIP + ": " + a.holdsAddress(VIP));

        heading("2. A is killed (no bow-out): B, the next best, waits out its master-down interval");
        network.advanceBy(Duration.ofMillis(500));
        a.kill();
        Duration lastFromA = lastAdvertFrom("A");
        advanceTo(20);
        flush();
        Duration takeover = takeoverTime("B", lastFromA);
        Duration bound = masterDown(50).plus(PerfectLink.DEFAULT_DELAY);
        check(takeover.compareTo(bound) <= 0, "takeover by B " + seconds(takeover) + " after A's last advert (t="
                + seconds(lastFromA) + "); bound 3*1 + 50/256 s + link delay = " + seconds(bound));

        heading("3. A restarts with preempt: it is faster than B, so it takes mastership back");
        aGroup.preempt(true); // builders are reusable: restart() builds A's group again from it
        a.restart();
        Duration restartedAt = network.now();
        advanceTo(30);
        flush();
        Duration preempt = takeoverTime("A", restartedAt);
        check(master().equals("A"), "A is master again " + seconds(preempt) + " after its restart (within one of"
                + " B's advert intervals, " + seconds(interval(50)) + ")");

        heading("4. A shuts down cleanly: its bow-out advert hands over at once");
        a.close();
        Duration closedAt = network.now();
        advanceTo(35);
        flush();
        Duration handover = takeoverTime("B", closedAt);
        check(handover.compareTo(PerfectLink.DEFAULT_DELAY) <= 0, "handover to B in " + seconds(handover)
                + " (one link delay), not after master-down (" + seconds(masterDown(50)) + ")");
        note("every backup takes over on a bow-out; C, slower, yields on B's first advert");

        long adverts = network.advertisementCount();
        System.out.printf(Locale.ROOT, "%nSummary: master %s at t=%s; failover %s (bound %s), preempt %s, bow-out"
                        + " handover %s; %d adverts, %d transitions; %s%n", master(), seconds(network.now()),
                seconds(takeover), seconds(bound), seconds(preempt), seconds(handover), adverts,
                network.transitions().size(), ok ? "all bounds held" : "A BOUND WAS BROKEN");
        return ok;
    }

    private static CarpGroupBuilder vip(int advskew) {
        return CarpGroup.builder().vhid(1).password("demo-secret").virtualAddress(VIP).advbase(ADVBASE)
                .deadRatio(DEAD_RATIO).advskew(advskew);
    }

    private static Duration masterDown(int advskew) {
        return Duration.ofNanos(DEAD_RATIO * ADVBASE * 1_000_000_000L + advskew * 1_000_000_000L / 256);
    }

    private static Duration interval(int advskew) {
        return Duration.ofNanos(ADVBASE * 1_000_000_000L + advskew * 1_000_000_000L / 256);
    }

    private void advanceTo(long second) {
        network.advanceBy(Duration.ofSeconds(second).minus(network.now()));
    }

    private String master() {
        List<SimulatedNode> masters = network.masters(1);
        return masters.size() == 1 ? masters.get(0).name() : masters.toString();
    }

    private Duration lastAdvertFrom(String node) {
        List<RecordedAdvertisement> all = network.advertisements();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).sender().equals(node)) {
                return all.get(i).time();
            }
        }
        throw new IllegalStateException(node + " never advertised");
    }

    /** From {@code since} to the node's first transition to MASTER at or after it. */
    private Duration takeoverTime(String node, Duration since) {
        for (RecordedTransition t : network.transitions()) {
            if (t.node().equals(node) && t.to() == CarpState.MASTER && t.time().compareTo(since) >= 0) {
                return t.time().minus(since);
            }
        }
        ok = false;
        return Duration.ZERO;
    }

    private void heading(String text) {
        System.out.printf("%n== %s ==%n", text);
    }

    private void flush() {
        List<String> timeline = network.timeline();
        for (String line : timeline.subList(printed, timeline.size())) {
            System.out.println("  " + line);
        }
        printed = timeline.size();
    }

    private void note(String text) {
        System.out.println("  -> " + text);
    }

    private void check(boolean held, String text) {
        ok &= held;
        note(text + (held ? "  [ok]" : "  [BOUND BROKEN]"));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.6f s", d.toNanos() / 1e9);
    }
}
