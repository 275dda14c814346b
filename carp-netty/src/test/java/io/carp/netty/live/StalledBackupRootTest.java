package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backup whose protocol thread stalls (as in a long GC pause or on a starved host) for longer than its master-down
 * interval, while the master goes on advertising: when the thread runs again, the master's adverts wait in the
 * backup's socket and its master-down timers are due at the same time. The adverts must be read first, all of them,
 * so the backup stays BACKUP.
 * <p>
 * Two groups make the queue long and mixed: vhid 31 advertises every 5/256 s (about 200 adverts in the 4 s stall),
 * vhid 32 once a second (4 adverts somewhere in that queue). With Netty's default of 16 datagrams per read, the loop
 * ran the due timers after the first 16 (all of vhid 31), and the backup of vhid 32 took over although its master's
 * adverts were in the socket.
 */
@LinuxRootTest("a stalled backup reads its master's queued adverts before its timers")
class StalledBackupRootTest {
    private static final String NS_A = "stall-a";
    private static final String NS_B = "stall-b";
    private static final String NS_BR = "stall-br";
    private static final String IF_A = "stalla";
    private static final String IF_B = "stallb";
    private static final long STALL_MILLIS = 4_000;

    private LiveLab lab;
    private MultiThreadIoEventLoopGroup backupLoop;
    private final List<CarpStateEvent> backupEvents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, "198.18.110.1/24", "stallpa"),
                new Plug(NS_B, IF_B, "198.18.110.2/24", "stallpb"));
        backupLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
        if (backupLoop != null) {
            backupLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    @Test
    void shouldStayBackupWhenItsThreadStalledLongerThanMasterDownWhileTheMasterAdvertised() throws Exception {
        NettyCarpRuntime master = lab.runtime(NS_A);
        NettyCarpRuntime backup = lab.adopt(NettyCarpRuntime.builder().eventLoopGroup(backupLoop)
                .networkNamespace(lab.ns(NS_B)).build());
        CarpGroup a31 = group(master, IF_A, 31, 0, 5, "198.18.110.31").build();
        CarpGroup a32 = group(master, IF_A, 32, 1, 0, "198.18.110.32").build();
        // master-down: 60/256 s = 234 ms for vhid 31, 3 + 100/256 s = 3.39 s for vhid 32; the stall is longer.
        CarpGroup b31 = group(backup, IF_B, 31, 0, 60, "198.18.110.31").onStateChange(backupEvents::add).build();
        CarpGroup b32 = group(backup, IF_B, 32, 1, 100, "198.18.110.32").onStateChange(backupEvents::add).build();
        a31.start();
        a32.start();
        Supplier<String> context = () -> "backup events: " + backupEvents + "\nA: " + a31.state() + "/" + a32.state()
                + ", B: " + b31.state() + "/" + b32.state();
        Await.until("A MASTER of both", () -> a31.state() == CarpState.MASTER && a32.state() == CarpState.MASTER,
                context);
        b31.start();
        b32.start();
        Await.until("B hears A on both", () -> b31.stats().ipv4PacketsReceived() > 0
                && b32.stats().ipv4PacketsReceived() > 0, context);
        Await.holds("B BACKUP of both before the stall", 1_500,
                () -> b31.state() == CarpState.BACKUP && b32.state() == CarpState.BACKUP, context);

        for (int round = 1; round <= 2; round++) {
            long before32 = b32.stats().ipv4PacketsReceived();
            CountDownLatch stalled = new CountDownLatch(1);
            backupLoop.next().execute(() -> {
                stalled.countDown();
                sleep(STALL_MILLIS); // the protocol thread cannot run: the adverts queue up in B's socket
            });
            assertTrue(stalled.await(5, TimeUnit.SECONDS));
            Thread.sleep(STALL_MILLIS + 1_500); // the stall, then time to read the queue and to take over, if wrong
            // A takeover by mistake is brief (A preempts at its next advert): look for it in the events.
            assertTrue(backupEvents.stream().noneMatch(e -> e.to() == CarpState.MASTER),
                    "round " + round + ": " + context.get());
            assertEquals(CarpState.BACKUP, b31.state(), "round " + round + ": " + context.get());
            assertEquals(CarpState.BACKUP, b32.state(), "round " + round + ": " + context.get());
            assertTrue(b32.stats().ipv4PacketsReceived() - before32 >= 4,
                    "round " + round + ": vhid 32's adverts of the stall were read: " + context.get());
        }
    }

    private static io.carp.CarpGroupBuilder group(NettyCarpRuntime runtime, String ifname, int vhid, int advbase,
            int advskew, String vip) {
        return CarpGroup.builder().runtime(runtime).interfaceName(ifname).vhid(vhid).password("stall-secret")
                .virtualAddress(vip).advbase(advbase).advskew(advskew).callbackExecutor(Runnable::run);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
