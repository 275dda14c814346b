package io.carp.netty.it;

import static io.carp.netty.it.CarpNode.BACKUP;
import static io.carp.netty.it.CarpNode.MASTER;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Assertions over a set of nodes of one group. */
final class Election {
    private Election() {
    }

    /**
     * Waits until exactly one of {@code nodes} is MASTER and every other is BACKUP.
     *
     * @return the master
     */
    static CarpNode awaitSingleMaster(Duration timeout, List<? extends CarpNode> nodes) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<? extends CarpNode> masters = nodes.stream().filter(n -> MASTER.equals(n.state())).toList();
            boolean othersBackup = nodes.stream().filter(n -> !masters.contains(n))
                    .allMatch(n -> BACKUP.equals(n.state()));
            if (masters.size() == 1 && othersBackup) {
                return masters.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected exactly one MASTER and the rest BACKUP within "
                        + timeout.toMillis() + " ms, got:\n" + describe(nodes));
            }
            Lab.sleep(100);
        }
    }

    /** Watches for {@code duration} and fails if any node changes state meanwhile. */
    static void assertStable(Duration duration, List<? extends CarpNode> nodes) {
        List<Integer> before = nodes.stream().map(n -> n.transitions().size()).toList();
        Lab.sleep(duration.toMillis());
        for (int i = 0; i < nodes.size(); i++) {
            List<CarpNode.Transition> all = nodes.get(i).transitions();
            if (all.size() != before.get(i)) {
                throw new AssertionError(nodes.get(i).name() + " changed state during a " + duration.toMillis()
                        + " ms watch: " + all.subList(before.get(i), all.size()) + "\n" + describe(nodes));
            }
        }
    }

    /** One line per node: name, current state, every transition. */
    static String describe(List<? extends CarpNode> nodes) {
        return nodes.stream().map(n -> "  " + n.name() + " " + n.state() + " " + n.transitions()
                        + (n.process().isAlive() ? "" : " (exited)"))
                .collect(Collectors.joining("\n"));
    }
}
