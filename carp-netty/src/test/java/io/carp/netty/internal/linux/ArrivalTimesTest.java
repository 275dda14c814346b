package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpClock;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@link StampedReceiver} and {@link ArrivalTimes} on a UDP socket bound to the loopback (no privilege needed): the
 * time reported for a datagram that waited in the socket lies between the send and the read, on the monotonic clock,
 * not at the read. This checks the order of events, not any speed: the datagram waits at least 50 ms so that "at the
 * read" cannot pass for it.
 */
class ArrivalTimesTest {
    private static final long SLACK_NANOS = 1_000_000L; // wall-to-monotonic conversion, two nearby clock readings

    @Test
    void shouldReportWhenTheDatagramArrivedNotWhenItWasRead() throws Exception {
        NativeSocket socket = NativeSocket.open(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0, "udp test");
        try {
            byte[] self = bindToSomeLoopbackPort(socket);
            StampedReceiver receiver = new StampedReceiver(socket);
            ArrivalTimes arrivals = new ArrivalTimes();
            byte[] buffer = new byte[16];
            CarpClock clock = CarpClock.system();
            // The kernel turns packet stamping on from a deferred work item when no socket had it on: a datagram
            // right after enabling may be stamped only when read. One datagram first, then a pause, as a runtime's
            // sockets have long before the first advert.
            socket.sendTo(new byte[] {0}, 1, self, "udp to self");
            socket.receive(new byte[16], true);
            assertEquals(-1, receiver.receive(buffer), "nothing waiting: -1");
            Thread.sleep(200);

            long beforeSend = clock.nanoTime();
            socket.sendTo(new byte[] {1, 2, 3}, 3, self, "udp to self");
            long afterSend = clock.nanoTime();
            Thread.sleep(50);
            arrivals.startBatch();
            assertEquals(3, receiver.receive(buffer));
            long read = clock.nanoTime();
            long arrived = receiver.lastArrival(arrivals);
            assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(buffer, 3));

            assertNotEquals(ArrivalTimes.UNKNOWN, arrived);
            assertTrue(arrived >= beforeSend - SLACK_NANOS,
                    "arrived " + (beforeSend - arrived) + " ns before the send");
            assertTrue(arrived <= afterSend + SLACK_NANOS, "arrived " + (arrived - afterSend) + " ns after the send"
                    + " returned (read " + (read - afterSend) + " ns after it)");
        } finally {
            socket.close();
        }
    }

    private static byte[] bindToSomeLoopbackPort(NativeSocket socket) throws Exception {
        byte[] address = SocketAddresses.ipv4((Inet4Address) InetAddress.getByName("127.0.0.1"));
        java.util.Random random = new java.util.Random();
        for (int attempt = 0;; attempt++) {
            int port = 20_000 + random.nextInt(40_000);
            ByteBuffer.wrap(address).order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port); // sin_port, network order
            try {
                socket.bind(address, "127.0.0.1:" + port);
                return address;
            } catch (NativeException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }
}
