package io.carp.examples;

import io.carp.testkit.ManualRuntime;
import io.carp.testkit.PeerAdvertisement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server listens exactly while its group is MASTER; on a fake runtime, bound to 127.0.0.2 instead of the VIP. */
class FailoverHttpServerTest {
    private ManualRuntime runtime;
    private long peerCounter = 1000;
    private FailoverHttpServer server;
    private InetSocketAddress listen;

    @BeforeEach
    void setUp() throws IOException {
        runtime = ManualRuntime.create("198.18.70.1", "fd00::70:1");
        InetAddress loopback = InetAddress.getByName("127.0.0.2");
        try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
            listen = new InetSocketAddress(loopback, probe.getLocalPort());
        }
        server = FailoverHttpServer.create(CarpGroup.builder()
                .runtime(runtime)
                .callbackExecutor(Runnable::run)
                .interfaceName("eth0").vhid(70).password("secret")
                .virtualAddress("198.18.70.100")
                .advskew(100)
                .manageAddresses(true), listen, "node-a");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void shouldNotListenWhenBackup() {
        server.start();

        assertEquals(CarpState.BACKUP, server.state());
        assertFalse(server.isServing());
        assertThrows(ConnectException.class, this::get);
    }

    @Test
    void shouldServeWhenItBecomesMaster() throws IOException {
        server.start();
        runtime.advanceBy(Duration.ofSeconds(4));

        assertEquals(CarpState.MASTER, server.state());
        assertTrue(server.isServing());
        assertEquals("node-a vhid 70 MASTER request 1\n", get());
        assertEquals("node-a vhid 70 MASTER request 2\n", get());
        assertEquals("claim [198.18.70.100]", runtime.addressCalls().get(0));
    }

    @Test
    void shouldStopServingWhenPreemptedByABetterMaster() throws IOException {
        server.start();
        runtime.advanceBy(Duration.ofSeconds(4));
        assertEquals("node-a vhid 70 MASTER request 1\n", get());

        runtime.receive(peer("198.18.70.2", 1, 0));

        assertEquals(CarpState.BACKUP, server.state());
        assertFalse(server.isServing());
        assertThrows(ConnectException.class, this::get);
        assertTrue(runtime.addressCalls().contains("release [198.18.70.100]"), runtime.addressCalls().toString());
    }

    @Test
    void shouldServeAgainWhenTheOtherMasterGoesSilent() throws IOException {
        server.start();
        runtime.advanceBy(Duration.ofSeconds(4));
        runtime.receive(peer("198.18.70.2", 1, 0));
        assertFalse(server.isServing());

        runtime.advanceBy(Duration.ofSeconds(4));

        assertEquals(CarpState.MASTER, server.state());
        assertTrue(server.isServing());
        assertTrue(get().startsWith("node-a vhid 70 MASTER request "));
    }

    @Test
    void shouldStopServingAndBowOutWhenClosedAsMaster() {
        server.start();
        runtime.advanceBy(Duration.ofSeconds(4));
        int sentBefore = runtime.sent().size();

        server.close();

        assertEquals(CarpState.INIT, server.state());
        assertFalse(server.isServing());
        assertTrue(runtime.sent().get(sentBefore).isBowOut());
        assertThrows(ConnectException.class, this::get);
    }

    @Test
    void shouldStopServingWhenTheLinkGoesDown() {
        server.start();
        runtime.advanceBy(Duration.ofSeconds(4));
        assertTrue(server.isServing());

        runtime.linkDown();

        assertEquals(CarpState.INIT, server.state());
        assertFalse(server.isServing());
    }

    private String get() throws IOException {
        URL url = new URL("http://127.0.0.2:" + listen.getPort() + "/");
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        c.setRequestProperty("Connection", "close");
        try (InputStream in = c.getInputStream()) {
            assertEquals(200, c.getResponseCode());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** A valid advertisement from a peer of this group (same vhid, password and address). */
    private PeerAdvertisement peer(String source, int advbase, int advskew) {
        return PeerAdvertisement.from(source).vhid(70).password("secret").virtualAddress("198.18.70.100")
                .advbase(advbase).advskew(advskew).counter(peerCounter++);
    }
}
