package io.carp.testkit;

import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Assertions about CARP groups on a {@link SimulatedNetwork}. They throw {@link AssertionError}, so they work with any
 * test framework, and every message ends with the tail of the network's timeline. "Masters" are the nodes whose
 * process runs (frozen ones included) and whose group of the vhid is MASTER, as {@link SimulatedNode#state(int)}
 * reports. Times are virtual times since the network was created.
 */
public final class CarpAssertions {
    private static final int TAIL = 20;

    private CarpAssertions() {
    }

    /**
     * Asserts that exactly one node is MASTER of the vhid.
     *
     * @param network the network
     * @param vhid    1-255
     * @return the master
     */
    public static SimulatedNode assertSingleMaster(SimulatedNetwork network, int vhid) {
        List<SimulatedNode> masters = masters(network, vhid);
        if (masters.size() != 1) {
            throw failure(network, "expected exactly one MASTER of vhid " + vhid + " but found " + names(masters)
                    + " " + states(network, vhid));
        }
        return masters.get(0);
    }

    /**
     * Asserts that the node is the one and only MASTER of the vhid.
     *
     * @param node the expected master
     * @param vhid 1-255
     */
    public static void assertMasterIs(SimulatedNode node, int vhid) {
        List<SimulatedNode> masters = masters(node.network(), vhid);
        if (masters.size() != 1 || masters.get(0) != node) {
            throw failure(node.network(), "expected " + node.name() + " to be the only MASTER of vhid " + vhid
                    + " but the masters are " + names(masters) + " " + states(node.network(), vhid));
        }
    }

    /**
     * Asserts that no node is MASTER of the vhid.
     *
     * @param network the network
     * @param vhid    1-255
     */
    public static void assertNoMaster(SimulatedNetwork network, int vhid) {
        List<SimulatedNode> masters = masters(network, vhid);
        if (!masters.isEmpty()) {
            throw failure(network, "expected no MASTER of vhid " + vhid + " but found " + names(masters));
        }
    }

    /**
     * Asserts the state of one node's group, as {@link SimulatedNode#state(int)} reports it.
     *
     * @param node     the node
     * @param vhid     1-255
     * @param expected the state
     */
    public static void assertState(SimulatedNode node, int vhid, CarpState expected) {
        CarpState actual = node.state(vhid);
        if (actual != expected) {
            throw failure(node.network(), "expected " + node.name() + " to be " + expected + " of vhid " + vhid
                    + " but it is " + actual);
        }
    }

    /**
     * Asserts that the node became MASTER of the vhid no later than {@code bound} after {@code since} (typically the
     * time of the fault, or of the master's last advertisement), and returns how long it took.
     *
     * @param node  the node expected to take over
     * @param vhid  1-255
     * @param since virtual time to measure from
     * @param bound the longest acceptable takeover time
     * @return the measured takeover time: from {@code since} to the node's first transition to MASTER at or after it
     */
    public static Duration assertTookOverWithin(SimulatedNode node, int vhid, Duration since, Duration bound) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(bound, "bound");
        long from = since.toNanos();
        RecordedTransition takeover = node.network().transitions().stream()
                .filter(t -> t.node().equals(node.name()) && t.vhid() == vhid && t.to() == CarpState.MASTER
                        && t.timeNanos() >= from)
                .findFirst().orElse(null);
        if (takeover == null) {
            throw failure(node.network(), "expected " + node.name() + " to become MASTER of vhid " + vhid
                    + " within " + Times.format(bound) + " after t=" + Times.format(since) + " but it never did");
        }
        Duration took = Duration.ofNanos(takeover.timeNanos() - from);
        if (took.compareTo(bound) > 0) {
            throw failure(node.network(), "expected " + node.name() + " to become MASTER of vhid " + vhid
                    + " within " + Times.format(bound) + " after t=" + Times.format(since) + " but it took "
                    + Times.format(took) + " (at t=" + Times.format(takeover.timeNanos()) + ")");
        }
        return took;
    }

    /**
     * Asserts that no group of the vhid changed state at or after a time.
     *
     * @param network the network
     * @param vhid    1-255
     * @param since   virtual time since the network was created
     */
    public static void assertNoFlapping(SimulatedNetwork network, int vhid, Duration since) {
        long from = Objects.requireNonNull(since, "since").toNanos();
        List<RecordedTransition> flaps = network.transitions().stream()
                .filter(t -> t.vhid() == vhid && t.timeNanos() >= from).collect(Collectors.toList());
        if (!flaps.isEmpty()) {
            throw failure(network, "expected no transition of vhid " + vhid + " since t=" + Times.format(since)
                    + " but saw " + flaps.size() + ", the first: " + flaps.get(0));
        }
    }

    /**
     * Asserts that a node holds a virtual address.
     *
     * @param node    the node
     * @param address an IPv4 or IPv6 literal
     */
    public static void assertHoldsAddress(SimulatedNode node, String address) {
        if (!node.holdsAddress(address)) {
            throw failure(node.network(), "expected " + node.name() + " to hold " + address + " but it holds "
                    + node.heldAddresses());
        }
    }

    private static List<SimulatedNode> masters(SimulatedNetwork network, int vhid) {
        return network.masters(vhid);
    }

    private static String names(List<SimulatedNode> nodes) {
        return nodes.stream().map(SimulatedNode::name).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String states(SimulatedNetwork network, int vhid) {
        return network.nodes().stream().map(n -> n.name() + "=" + n.state(vhid)
                        + (n.isRunning() ? n.isFrozen() ? "(frozen)" : "" : "(dead)"))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static AssertionError failure(SimulatedNetwork network, String message) {
        return new AssertionError(message + " at t=" + Times.format(network.now()) + "\ntimeline (last " + TAIL
                + " lines):\n" + network.timelineTail(TAIL));
    }
}
