package io.carp.netty.testing;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Assertions over a set of nodes of one group. */
public final class Election {
    private Election() {
    }

    /**
     * How long "one MASTER, the rest BACKUP" must hold with no transition at all before an election counts as settled:
     * longer than the master-down interval (about 3 s at advbase 1), so a backup that is about to time out, or two
     * nodes that timed out together, show up before it ends.
     */
    public static final Duration SETTLE = Duration.ofSeconds(4);

    /**
     * Waits until exactly one of {@code nodes} is MASTER, every other is BACKUP, and nobody changed state for
     * {@link #SETTLE}. Nodes started together may briefly have two masters (both timed out at once) before the slower
     * one yields; that is CARP working, so this waits for the outcome rather than the first snapshot.
     *
     * @return the master
     */
    public static CarpNode awaitSingleMaster(Duration timeout, List<? extends CarpNode> nodes) {
        long deadline = System.nanoTime() + timeout.plus(SETTLE).toNanos();
        int seen = -1;
        long quietSince = System.nanoTime();
        while (true) {
            int transitions = nodes.stream().mapToInt(n -> n.transitions().size()).sum();
            if (transitions != seen) {
                seen = transitions;
                quietSince = System.nanoTime();
            }
            List<? extends CarpNode> masters = nodes.stream().filter(n -> MASTER.equals(n.state())).toList();
            boolean othersBackup = nodes.stream().filter(n -> !masters.contains(n))
                    .allMatch(n -> BACKUP.equals(n.state()));
            if (masters.size() == 1 && othersBackup && System.nanoTime() - quietSince >= SETTLE.toNanos()) {
                return masters.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected exactly one MASTER and the rest BACKUP, settled for "
                        + SETTLE.toMillis() + " ms, within " + timeout.plus(SETTLE).toMillis() + " ms; got:\n"
                        + describe(nodes));
            }
            Await.sleep(100);
        }
    }

    /** Watches for {@code duration} and fails if any node changes state meanwhile. */
    public static void assertStable(Duration duration, List<? extends CarpNode> nodes) {
        List<Integer> before = nodes.stream().map(n -> n.transitions().size()).toList();
        Await.sleep(duration.toMillis());
        for (int i = 0; i < nodes.size(); i++) {
            List<CarpNode.Transition> all = nodes.get(i).transitions();
            if (all.size() != before.get(i)) {
                throw new AssertionError(nodes.get(i).name() + " changed state during a " + duration.toMillis()
                        + " ms watch: " + all.subList(before.get(i), all.size()) + "\n" + describe(nodes));
            }
        }
    }

    /** One line per node: name, current state, every transition. */
    public static String describe(List<? extends CarpNode> nodes) {
        return nodes.stream().map(n -> "  " + n.name() + " " + n.state() + " " + n.transitions()
                        + (n.process().isAlive() ? "" : " (exited)"))
                .collect(Collectors.joining("\n"));
    }
}
