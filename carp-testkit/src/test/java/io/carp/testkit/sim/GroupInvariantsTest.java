package io.carp.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.testkit.sim.ScheduleRunner.Kind;
import io.carp.testkit.sim.ScheduleRunner.Result;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random schedules of whole groups, mixed implementations included, against the invariants of
 * {@link ScheduleRunner}: a seeded loop. Each schedule is generated from its own seed ({@code base + i}) and run to the
 * end; violations are counted by kind, and the first schedule of each kind is shrunk (steps removed while the same
 * invariant still fails) and printed with its seed, its minimal steps and the timeline of the minimal run.
 *
 * <p>The CI run is short (a few seconds per test). {@code scripts/sim-long.sh} runs many more; system properties:
 * {@code carp.sim.schedules} (count per test), {@code carp.sim.seed} (base seed), {@code carp.sim.steps} (at most
 * this many steps per schedule). Reproduce one schedule with {@code -Dcarp.sim.schedules=1 -Dcarp.sim.seed=<seed>}
 * and the test that reported it.
 */
class GroupInvariantsTest {
    /** Thousands of runs would log every transition at INFO; kept strongly reachable so the level sticks. */
    private static final java.util.logging.Logger CARP_LOGS = java.util.logging.Logger.getLogger("io.carp");

    static {
        CARP_LOGS.setLevel(java.util.logging.Level.SEVERE);
    }

    private static final int CI_SCHEDULES = 150;
    private static final long CI_SEED = 20261203L;
    private static final int CI_STEPS = 25;

    /** The generator's options for one test. */
    private static final class Mode {
        final String name;
        final boolean peers;
        final boolean bsdTies;
        final int quietIntervals;

        Mode(String name, boolean peers, boolean bsdTies, int quietIntervals) {
            this.name = name;
            this.peers = peers;
            this.bsdTies = bsdTies;
            this.quietIntervals = quietIntervals;
        }

        Schedule generate(long seed, int maxSteps) {
            return Schedule.generate(seed, peers, maxSteps, bsdTies);
        }
    }

    /** carp4j nodes only, half of the groups dual-stack: every invariant, with every fault. */
    @Test
    void carp4jGroupsKeepEveryInvariant() {
        runMany(new Mode("carp4j only", false, false, 2));
    }

    /**
     * carp4j nodes with ucarp, FreeBSD and OpenBSD peers, every invariant, ties with ucarp in any byte order
     * included (issue 12: with the network-order tie rule, 11 of the first 1000 seeds ended with two masters for
     * good, the first at seed 20261256). Left out: ties that involve a BSD kernel
     * ({@link #tiesWithBsdPeersConvergeByChance()}).
     */
    @Test
    void mixedGroupsKeepEveryInvariant() {
        runMany(new Mode("mixed", true, false, 2));
    }

    /**
     * Equal skews with a FreeBSD or OpenBSD member: both kernels step down on a tie, so when such a node has the
     * lowest address nobody stays master and the group converges only when one member times out clearly before the
     * others (FreeBSD groups behave the same). Checked here: exactly one master within 20 master-down intervals
     * (not 2) while a carp4j member runs (BSD peers left alone are the kernels' business: three with equal skews
     * went over 60 s without a master at seed 6496 of the long run), every other invariant as usual.
     */
    @Test
    void tiesWithBsdPeersConvergeByChance() {
        runMany(new Mode("mixed with BSD ties, 20 intervals", true, true, 20));
    }

    private static void runMany(Mode mode) {
        int schedules = Integer.getInteger("carp.sim.schedules", CI_SCHEDULES);
        long base = Long.getLong("carp.sim.seed", CI_SEED);
        int maxSteps = Integer.getInteger("carp.sim.steps", CI_STEPS);
        long started = System.nanoTime();
        long actions = 0;
        long steps = 0;
        long checks = 0;
        long singleMasterChecks = 0;
        int peerSchedules = 0;
        int ucarpTies = 0;
        Map<Kind, Integer> violations = new EnumMap<>(Kind.class);
        Map<Kind, Long> firstSeed = new EnumMap<>(Kind.class);
        for (int i = 0; i < schedules; i++) {
            long seed = base + i;
            Schedule s = mode.generate(seed, maxSteps);
            Result r = ScheduleRunner.run(s, mode.quietIntervals);
            actions += r.actions;
            steps += s.steps.size();
            checks += r.checks;
            singleMasterChecks += r.singleMasterChecks;
            if (s.members.stream().anyMatch(m -> m.impl != Schedule.Impl.CARP4J)) {
                peerSchedules++;
            }
            if (s.hasDisagreeingUcarpTie()) {
                ucarpTies++;
            }
            if (r.failed()) {
                violations.merge(r.kind, 1, Integer::sum);
                firstSeed.putIfAbsent(r.kind, seed);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "SIM %s: %d schedules (seeds %d..%d, %d with peers, %d with a carp4j/ucarp tie"
                        + " whose byte orders disagree), %d steps (%d applied), %d checks every %d ms of virtual time"
                        + " (%d single-master checks), violations %s, %.1f s%n",
                mode.name, schedules, base, base + schedules - 1, peerSchedules, ucarpTies, steps, actions, checks,
                ScheduleRunner.SLICE.toMillis(), singleMasterChecks, violations, seconds);
        if (schedules >= 10) {
            assertTrue(singleMasterChecks > 0, "no schedule reached a single-master check: the test checks nothing");
        }
        if (mode.peers && schedules >= 100) {
            assertTrue(ucarpTies > 0, "no carp4j/ucarp tie whose byte orders disagree was generated");
        }
        if (!violations.isEmpty()) {
            StringBuilder report = new StringBuilder("SIM " + mode.name + ": violations " + violations + "\n");
            for (Map.Entry<Kind, Long> e : firstSeed.entrySet()) {
                report.append(explain(mode.generate(e.getValue(), maxSteps), e.getKey(), mode.quietIntervals));
            }
            System.out.println(report);
            fail(report.toString());
        }
    }

    /** Shrinks a failing schedule and describes the minimal one: seed, steps, violation and timeline. */
    static String explain(Schedule failing, Kind kind, int quietIntervals) {
        Schedule minimal = ScheduleRunner.shrink(failing, kind, quietIntervals);
        Result r = ScheduleRunner.run(minimal, quietIntervals);
        StringBuilder sb = new StringBuilder();
        sb.append("\n").append(kind).append(" at seed ").append(failing.seed).append(" (").append(failing.steps.size())
                .append(" steps, shrunk to ").append(minimal.steps.size()).append("): ").append(r.message)
                .append("\nminimal schedule: ").append(minimal.describe()).append("timeline of the minimal run:\n");
        int from = Math.max(0, r.timeline.size() - 60);
        if (from > 0) {
            sb.append("  ... (").append(from).append(" earlier lines)\n");
        }
        r.timeline.subList(from, r.timeline.size()).forEach(l -> sb.append("  ").append(l).append('\n'));
        return sb.toString();
    }
}
