package io.carp.testkit.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One random schedule for a group: its members (implementation, address, skew, options) and a list of steps, each an
 * action followed by a wait. Everything comes from one seed, so the seed alone reproduces the schedule. Steps name
 * members by index and are skipped when they do not apply at that moment (killing a dead node, thawing a running
 * one), so that any sub-list of the steps is a valid schedule too: that is what lets the shrinker remove steps.
 */
final class Schedule {
    /** The implementation a member runs. */
    enum Impl { CARP4J, UCARP, FREEBSD, OPENBSD }

    /** What a step does before its wait. */
    enum Action {
        NOTHING, KILL, RESTART, CLOSE, FREEZE, THAW, LINK_DOWN, LINK_UP, PARTITION, HEAL, LOSS, LOSS_OFF,
        BAD_PACKETS, DEMOTE, PROMOTE
    }

    /** One member of the group. */
    static final class Member {
        final String name;
        final Impl impl;
        final String ipv4;
        final String ipv6;
        final int advskew;
        final boolean preempt;
        final boolean adaptToLoss;

        Member(String name, Impl impl, String ipv4, String ipv6, int advskew, boolean preempt, boolean adaptToLoss) {
            this.name = name;
            this.impl = impl;
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
            this.advskew = advskew;
            this.preempt = preempt;
            this.adaptToLoss = adaptToLoss;
        }

        @Override
        public String toString() {
            return name + "=" + impl.name().toLowerCase(Locale.ROOT) + "(" + ipv4 + (ipv6 == null ? "" : " " + ipv6)
                    + ", advskew " + advskew
                    + (preempt ? ", preempt" : "") + (impl == Impl.CARP4J ? adaptToLoss ? ", adaptToLoss" : "" : "")
                    + ")";
        }
    }

    /** One step: an action on some members (or none), then a wait. */
    static final class Step {
        final Action action;
        final int member;       // KILL..LINK_UP, BAD_PACKETS (sender), DEMOTE/PROMOTE
        final int sideMask;     // PARTITION: members with a bit set form one side
        final int value;        // LOSS: percent; BAD_PACKETS: fault index; DEMOTE: amount
        final long waitMillis;

        Step(Action action, int member, int sideMask, int value, long waitMillis) {
            this.action = action;
            this.member = member;
            this.sideMask = sideMask;
            this.value = value;
            this.waitMillis = waitMillis;
        }

        String describe(List<Member> members) {
            String who = member >= 0 && member < members.size() ? members.get(member).name : "?";
            String what;
            switch (action) {
                case PARTITION:
                    List<String> side = new ArrayList<>();
                    for (int i = 0; i < members.size(); i++) {
                        if ((sideMask & (1 << i)) != 0) {
                            side.add(members.get(i).name);
                        }
                    }
                    what = "partition " + side + " from the rest";
                    break;
                case LOSS:
                    what = "loss " + value + "%";
                    break;
                case BAD_PACKETS:
                    what = "bad packets (" + ScheduleRunner.FAULTS[value] + ") from " + who;
                    break;
                case DEMOTE:
                    what = "demote " + who + " by " + value;
                    break;
                case NOTHING:
                case HEAL:
                case LOSS_OFF:
                    what = action.name().toLowerCase(Locale.ROOT).replace('_', ' ');
                    break;
                default:
                    what = action.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + who;
            }
            return what + ", wait " + waitMillis + " ms";
        }
    }

    final long seed;
    final int advbase;
    final boolean dualStack;
    final List<Member> members;
    final List<Step> steps;

    Schedule(long seed, int advbase, boolean dualStack, List<Member> members, List<Step> steps) {
        this.seed = seed;
        this.advbase = advbase;
        this.dualStack = dualStack;
        this.members = List.copyOf(members);
        this.steps = List.copyOf(steps);
    }

    /** The same schedule with other steps (for shrinking). */
    Schedule withSteps(List<Step> newSteps) {
        return new Schedule(seed, advbase, dualStack, members, newSteps);
    }

    /** Whether a carp4j and a ucarp member have equal skews and addresses that network order and ucarp order rank
     * differently (issue 12). */
    boolean hasDisagreeingUcarpTie() {
        return members.stream().anyMatch(m -> m.impl == Impl.UCARP
                && ScheduleRunner.disagreesWithATiedCarp4j(m.ipv4, m.advskew, members));
    }

    /**
     * A random schedule.
     *
     * @param seed        reproduces it
     * @param peers       whether members may run the ucarp/FreeBSD/OpenBSD models (at least one stays carp4j)
     * @param maxSteps    at most this many steps
     * @param bsdTies     whether a FreeBSD or OpenBSD member may share its skew with another member (such ties
     *                    converge only by chance: see {@link ScheduleRunner#withoutBsdTies})
     */
    static Schedule generate(long seed, boolean peers, int maxSteps, boolean bsdTies) {
        Random r = new Random(seed);
        // carp4j-only groups are dual-stack half of the time (IPv4 and IPv6 virtual addresses, random IPv6 node
        // addresses): the tie rule must not let the two families disagree. The peer models speak IPv4 only.
        boolean dualStack = !peers && r.nextBoolean();
        int n = 2 + r.nextInt(3); // 2-4 members
        int advbase = r.nextInt(5) == 0 ? 2 : 1;
        boolean equalSkews = r.nextInt(3) == 0;
        int[] skewChoices = {0, 0, 1, 50, 100, 100, 200};
        int sharedSkew = skewChoices[r.nextInt(skewChoices.length)];
        List<Member> members = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Impl impl = Impl.CARP4J;
            if (peers && i > 0 && r.nextBoolean()) {
                impl = Impl.values()[1 + r.nextInt(3)];
            }
            String ip;
            do {
                // 198.18.x.y with x and y random, so that network order and ucarp's little-endian order disagree
                ip = "198.18." + (1 + r.nextInt(254)) + "." + (1 + r.nextInt(254));
            } while (!used.add(ip));
            String ip6 = dualStack ? "fd00::" + Integer.toHexString(1 + r.nextInt(0xfffe)) + ":"
                    + Integer.toHexString(1 + r.nextInt(0xfffe)) : null;
            int skew = equalSkews ? sharedSkew : skewChoices[r.nextInt(skewChoices.length)];
            boolean preempt = r.nextInt(3) == 0;
            boolean adapt = r.nextBoolean();
            members.add(new Member(String.valueOf((char) ('A' + i)) + (impl == Impl.CARP4J ? ""
                    : impl == Impl.UCARP ? "u" : impl == Impl.FREEBSD ? "f" : "o"), impl, ip, ip6, skew, preempt,
                    adapt));
        }
        if (!bsdTies) {
            members = ScheduleRunner.withoutBsdTies(members);
        }
        int count = 1 + r.nextInt(maxSteps);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(randomStep(r, members.size()));
        }
        return new Schedule(seed, advbase, dualStack, members, steps);
    }

    private static Step randomStep(Random r, int n) {
        Action[] weighted = {
            Action.NOTHING, Action.KILL, Action.KILL, Action.RESTART, Action.RESTART, Action.CLOSE, Action.FREEZE,
            Action.THAW, Action.THAW, Action.LINK_DOWN, Action.LINK_UP, Action.PARTITION, Action.PARTITION,
            Action.HEAL, Action.HEAL, Action.LOSS, Action.LOSS_OFF, Action.BAD_PACKETS, Action.DEMOTE, Action.PROMOTE
        };
        Action a = weighted[r.nextInt(weighted.length)];
        int member = r.nextInt(n);
        int mask = 1 + r.nextInt((1 << n) - 2); // a proper, non-empty side
        int value;
        switch (a) {
            case LOSS:
                value = new int[] {5, 20, 30, 50, 100}[r.nextInt(5)];
                break;
            case BAD_PACKETS:
                value = r.nextInt(ScheduleRunner.FAULTS.length);
                break;
            case DEMOTE:
                value = new int[] {1, 10, 50, 240}[r.nextInt(4)];
                break;
            default:
                value = 0;
        }
        // Waits: often short (inside a master-down interval), sometimes long enough to settle.
        long wait = r.nextInt(4) == 0 ? 5_000 + r.nextInt(25_000) : r.nextInt(4_000);
        return new Step(a, member, mask, value, wait);
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("seed ").append(seed).append(", advbase ").append(advbase).append(dualStack ? ", dual-stack" : "")
                .append(", members ")
                .append(members.stream().map(Member::toString).collect(Collectors.joining(", "))).append('\n');
        for (int i = 0; i < steps.size(); i++) {
            sb.append("  step ").append(i + 1).append(": ").append(steps.get(i).describe(members)).append('\n');
        }
        return sb.toString();
    }
}
