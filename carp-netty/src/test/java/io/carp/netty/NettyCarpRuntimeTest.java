package io.carp.netty;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

/** What needs neither root nor sockets. */
class NettyCarpRuntimeTest {

    @Test
    void shouldRejectNonEpollEventLoopGroupWhenBuilding() {
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NettyCarpRuntime.builder().eventLoopGroup(nio));
            assertTrue(e.getMessage().startsWith("eventLoopGroup: "), e.getMessage());
            assertTrue(e.getMessage().contains("EpollIoHandler"), e.getMessage());
        } finally {
            nio.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shouldRejectUnknownNetworkNamespace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NettyCarpRuntime.builder().networkNamespace("cnx-no-such-namespace"));
        assertTrue(e.getMessage().contains("cnx-no-such-namespace"), e.getMessage());
    }

    @Test
    void shouldRefuseGroupWithoutInterfaceName() {
        try (NettyCarpRuntime runtime = NettyCarpRuntime.create()) {
            CarpGroup group = CarpGroup.builder().vhid(3).password("pw").virtualAddress("198.18.50.100")
                    .runtime(runtime).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, group::start);
            assertTrue(e.getMessage().contains("interfaceName"), e.getMessage());
        }
    }
}
