package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.HealthCheck;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failing health check moves the master: A (advskew 0) checks a TCP port on its own address with
 * {@link HealthCheck#tcpPort}; the test opens and closes the listener. B (advskew 100, no preempt) takes over when the
 * port closes, and keeps the role when it opens again. The listener and every check run inside A's namespace.
 */
@LinuxRootTest("health checks moving the master")
class HealthCheckRootTest {
    private static final String NS_A = "uni-h-a";
    private static final String NS_B = "uni-h-b";
    private static final String NS_BR = "uni-h-br";
    private static final String IF_A = "uniha";
    private static final String IF_B = "unihb";
    private static final String A_IP = "198.18.100.1";
    private static final String VIP = "198.18.100.100";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, A_IP + "/24", "unihpa"),
                new Plug(NS_B, IF_B, "198.18.100.2/24", "unihpb"));
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close(); // closes the runtimes first
        }
    }

    @Test
    void shouldHandOverToBackupWhenHealthCheckedPortClosesAndNotTakeBackWithoutPreempt() throws Exception {
        NetworkNamespace nsA = NetworkNamespace.of(lab.ns(NS_A));
        ServerSocket server = listen(nsA, 0);
        int port = server.getLocalPort();
        HealthCheck portOpen = HealthCheck.tcpPort(A_IP, port, 200);
        HealthCheck inA = () -> nsA.call(() -> {
            try {
                return portOpen.isHealthy();
            } catch (Exception e) {
                return false; // refused: unhealthy
            }
        });
        CarpGroup a = group(runtimeA, IF_A, 0).healthCheck("app-port", inA, Duration.ofMillis(200), 240).build();
        CarpGroup b = group(runtimeB, IF_B, 100).build();
        Supplier<String> context = () -> "events: " + events + "\nA demotion " + a.demotion();
        try {
            a.start();
            b.start();
            Await.until("A MASTER, B BACKUP", () -> a.state() == CarpState.MASTER && b.state() == CarpState.BACKUP,
                    context);
            assertTrue(a.demotion() == 0, context.get());

            server.close();
            Await.until("A demoted by the failing check", () -> a.demotion() == 240, context);
            Await.until("B MASTER, A BACKUP", () -> b.state() == CarpState.MASTER && a.state() == CarpState.BACKUP
                    && !reasonOfB().equals("none"), context); // the event follows the state on the callback thread
            assertTrue(reasonOfB().startsWith("master 198.18.100.1 is demoted"), context.get());
            assertTrue(lab.has(NS_B, IF_B, VIP), lab.addresses(NS_B, IF_B));

            server = listen(nsA, port);
            Await.until("A healthy again", () -> a.demotion() == 0, context);
            Await.holds("B keeps the role (no preempt)", 2_000,
                    () -> b.state() == CarpState.MASTER && a.state() == CarpState.BACKUP, context);
        } finally {
            server.close();
            a.close();
            b.close();
        }
    }

    private static ServerSocket listen(NetworkNamespace ns, int port) {
        return ns.call(() -> {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(A_IP), port));
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private io.carp.CarpGroupBuilder group(NettyCarpRuntime runtime, String interfaceName, int advskew) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(5).password("health-secret").advskew(advskew)
                .virtualAddress(VIP).runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add);
    }

    private String reasonOfB() {
        return events.stream().filter(e -> e.interfaceName().equals(IF_B) && e.to() == CarpState.MASTER)
                .map(CarpStateEvent::reason).findFirst().orElse("none");
    }
}
