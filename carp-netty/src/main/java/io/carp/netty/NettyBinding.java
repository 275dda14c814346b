package io.carp.netty;

import io.carp.protocol.IpFamily;
import io.carp.spi.AddressManager;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** One group's link to a {@link NettyCarpRuntime}: its interface's loop, sockets and address manager. */
final class NettyBinding implements RuntimeBinding {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GroupEndpoint group;
    private final InterfaceContext context;
    private final NettyCarpRuntime runtime;
    private final KernelAddressManager addresses;
    private final AtomicBoolean detached = new AtomicBoolean();

    NettyBinding(GroupEndpoint group, InterfaceContext context, NettyCarpRuntime runtime) {
        this.group = group;
        this.context = context;
        this.runtime = runtime;
        this.addresses = new KernelAddressManager(context, group.config());
    }

    GroupEndpoint group() {
        return group;
    }

    InterfaceContext context() {
        return context;
    }

    KernelAddressManager addresses() {
        return addresses;
    }

    @Override
    public ProtocolLoop loop() {
        return context.protocolLoop;
    }

    @Override
    public void send(IpFamily family, ByteBuffer carpHeader) {
        context.send(family, carpHeader);
    }

    @Override
    public AddressManager addressManager() {
        return addresses;
    }

    @Override
    public InetAddress sourceAddress(IpFamily family) {
        return context.sourceAddress(family);
    }

    @Override
    public boolean linkUp() {
        return context.linkUp();
    }

    @Override
    public long randomLong() {
        return RANDOM.nextLong();
    }

    /** Releases the addresses still held, unregisters the group, and closes sockets no other group needs. */
    @Override
    public void detach() {
        if (detached.compareAndSet(false, true)) {
            runtime.detach(this);
        }
    }

    boolean isDetached() {
        return detached.get();
    }

    @Override
    public String toString() {
        return "vhid " + group.config().vhid() + "@" + context.name;
    }
}
