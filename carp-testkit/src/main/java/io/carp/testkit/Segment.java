package io.carp.testkit;

import io.carp.IpFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The shared L2 segment's conditions: the link model, the current partition and the injected faults. */
final class Segment {
    /** Side of the nodes named in no set of a partition: they stay together. */
    private static final int UNNAMED_SIDE = -1;

    private LinkModel linkModel = PerfectLink.DEFAULT;
    private Map<SimulatedNode, Integer> sides = Map.of();
    private final List<Fault> faults = new ArrayList<>();

    LinkModel linkModel() {
        return linkModel;
    }

    void linkModel(LinkModel model) {
        this.linkModel = model;
    }

    boolean isPartitioned() {
        return !sides.isEmpty();
    }

    void partition(List<Set<SimulatedNode>> groups) {
        Map<SimulatedNode, Integer> next = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            for (SimulatedNode node : groups.get(i)) {
                Integer before = next.put(node, i);
                if (before != null && before != i) {
                    throw new IllegalArgumentException("partition: node " + node.name()
                            + " is in two sets (expected: each node in at most one set)");
                }
            }
        }
        sides = next;
    }

    void inject(LinkFault fault, Set<SimulatedNode> senders) {
        faults.add(new Fault(fault, senders));
    }

    void heal() {
        sides = Map.of();
        faults.clear();
    }

    boolean connected(SimulatedNode a, SimulatedNode b) {
        return sides.getOrDefault(a, UNNAMED_SIDE).equals(sides.getOrDefault(b, UNNAMED_SIDE));
    }

    /** The packet after the faults that apply to this sender, or {@code null} if one of them loses it. */
    byte[] applyFaults(SimulatedNode sender, IpFamily family, byte[] packet) {
        byte[] p = packet;
        for (Fault f : faults) {
            if (f.senders.isEmpty() || f.senders.contains(sender)) {
                p = f.fault.apply(family, p);
                if (p == null) {
                    return null;
                }
            }
        }
        return p;
    }

    private static final class Fault {
        final LinkFault fault;
        final Set<SimulatedNode> senders;

        Fault(LinkFault fault, Set<SimulatedNode> senders) {
            this.fault = fault;
            this.senders = Collections.unmodifiableSet(senders);
        }
    }
}
