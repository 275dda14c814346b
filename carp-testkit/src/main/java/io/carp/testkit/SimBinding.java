package io.carp.testkit;

import io.carp.CarpConfig;
import io.carp.IpFamily;
import io.carp.AddressManager;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** What a simulated node gives one attached group. Everything after the process died is ignored. */
final class SimBinding implements RuntimeBinding {
    private final SimulatedNode node;
    private final NodeProcess process;
    private final GroupEndpoint group;
    private final SimAddressManager addresses;

    SimBinding(SimulatedNode node, NodeProcess process, GroupEndpoint group) {
        this.node = node;
        this.process = process;
        this.group = group;
        this.addresses = new SimAddressManager(node, process, group.config());
    }

    @Override
    public ProtocolLoop loop() {
        return process;
    }

    @Override
    public void send(IpFamily family, ByteBuffer carpHeader) {
        if (process.isAlive()) {
            node.network().transmit(node, family, sourceAddress(family), carpHeader);
        }
    }

    @Override
    public void sendVrrp(IpFamily family, VrrpMessage message) {
        if (process.isAlive()) {
            node.network().transmitVrrp(node, family, sourceAddress(family), message);
        }
    }

    @Override
    public AddressManager addressManager() {
        return addresses;
    }

    /** The group's configured source address if it is of this family, else the node's address of the family. */
    @Override
    public InetAddress sourceAddress(IpFamily family) {
        CarpConfig config = group.config();
        return config.sourceAddress().filter(a -> IpFamily.of(a) == family).orElseGet(() -> node.address(family));
    }

    @Override
    public boolean linkUp() {
        return node.isLinkUp();
    }

    @Override
    public long randomLong() {
        return node.network().random().nextLong();
    }

    @Override
    public void detach() {
        process.dispatcher().unregister(group);
    }
}
