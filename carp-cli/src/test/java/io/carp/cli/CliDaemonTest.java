package io.carp.cli;

import io.carp.testkit.ManualRuntime;
import io.carp.testkit.PeerAdvertisement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carp-cli's running part on a fake runtime: real scripts, callbacks on the test thread, and the actions behind the
 * signals called directly (a child-JVM test sends the real signals, see {@link CarpCliProcessTest}).
 */
class CliDaemonTest {
    /** advbase 1, deadratio 3, advskew 0: master-down is 3 s. */
    private static final Duration MASTER_DOWN = Duration.ofSeconds(3);
    private static final String UP = "up [eth0] [198.18.71.100]";
    private static final String DOWN = "down [eth0] [198.18.71.100]";

    @TempDir
    Path dir;
    private ScriptFixture scripts;
    private ManualRuntime runtime;
    private long peerCounter = 1000;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        scripts = new ScriptFixture(dir);
        runtime = ManualRuntime.create("198.18.71.1", "fd00::71:1");
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    private CliDaemon daemon(String... more) throws CliUsageException {
        List<String> args = new ArrayList<>(List.of("-u", scripts.up.toString(), "-d", scripts.down.toString()));
        args.addAll(List.of(more));
        return new CliDaemon(Cli.parseWith(args.toArray(String[]::new)), runtime, Runnable::run, new ScriptRunner());
    }

    private CliDaemon master(String... more) throws CliUsageException {
        CliDaemon d = daemon(more);
        d.start();
        runtime.advanceBy(MASTER_DOWN.plusMillis(10));
        assertEquals(CarpState.MASTER, d.state());
        return d;
    }

    @Test
    void shouldRunTheDownscriptThenTheUpscriptWhenNoMasterIsHeard() throws Exception {
        CliDaemon d = daemon();

        d.start();
        assertEquals(CarpState.BACKUP, d.state());
        assertEquals(List.of(DOWN), scripts.calls());

        runtime.advanceBy(MASTER_DOWN.plusMillis(10));

        assertEquals(CarpState.MASTER, d.state());
        assertEquals(List.of(DOWN, UP), scripts.calls());
        assertTrue(log.messages().contains("[INFO] vhid 1@eth0: BACKUP -> MASTER (master timed out)"
                        + " [master-down in force 3.000 s]"), log.messages().toString());
    }

    @Test
    void shouldStayBackupWithoutScriptsWhenAFasterMasterAdvertises() throws Exception {
        CliDaemon d = daemon("-n", "-k", "100");
        d.start();

        for (int i = 0; i < 5; i++) {
            runtime.receive(peer("198.18.71.2", 1, 0));
            runtime.advanceBy(Duration.ofSeconds(1));
        }

        assertEquals(CarpState.BACKUP, d.state());
        assertEquals(List.of(), scripts.calls());
    }

    @Test
    void shouldLogTheStateLikeUcarpWhenAskedForStatus() throws Exception {
        CliDaemon d = daemon("-n");
        d.start();
        d.logStatus();
        runtime.advanceBy(MASTER_DOWN.plusMillis(10));
        d.logStatus();

        assertTrue(log.messages().contains("[INFO] BACKUP on eth0 id 1"), log.messages().toString());
        assertTrue(log.messages().contains("[INFO] MASTER on eth0 id 1"), log.messages().toString());
    }

    @Test
    void shouldBowOutAndRunTheDownscriptWhenSteppingDownAsMaster() throws Exception {
        CliDaemon d = master("-n");
        int sentBefore = runtime.sent().size();

        d.stepDown();

        assertEquals(CarpState.BACKUP, d.state());
        assertTrue(runtime.sent().get(sentBefore).isBowOut(), runtime.sent().toString());
        assertEquals(List.of(UP, DOWN), scripts.calls());
        assertTrue(log.messages().contains("[INFO] vhid 1@eth0: MASTER -> BACKUP (forced: SIGUSR2)"),
                log.messages().toString());
    }

    @Test
    void shouldDoNothingWhenSteppingDownAsBackup() throws Exception {
        CliDaemon d = daemon("-n");
        d.start();

        d.stepDown();

        assertEquals(CarpState.BACKUP, d.state());
        assertEquals(List.of(), runtime.sent());
        assertEquals(List.of(), scripts.calls());
    }

    @Test
    void shouldTakeOverAgainAfterSteppingDownWhenNoOtherMasterAppears() throws Exception {
        CliDaemon d = master("-n");
        d.stepDown();

        runtime.advanceBy(MASTER_DOWN.plusMillis(10));

        assertEquals(CarpState.MASTER, d.state());
        assertEquals(List.of(UP, DOWN, UP), scripts.calls());
    }

    @Test
    void shouldBowOutWithoutTheDownscriptWhenStoppingAsMasterWithoutShutdown() throws Exception {
        CliDaemon d = master("-n");
        int sentBefore = runtime.sent().size();

        d.stop();

        assertEquals(CarpState.INIT, d.state());
        assertTrue(runtime.sent().get(sentBefore).isBowOut());
        assertEquals(0, runtime.attachedGroups(), "the group detached");
        assertEquals(List.of(UP), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptAfterTheBowOutWhenStoppingAsMasterWithShutdown() throws Exception {
        CliDaemon d = master("-n", "--shutdown");
        int sentBefore = runtime.sent().size();

        d.stop();

        assertTrue(runtime.sent().get(sentBefore).isBowOut());
        assertEquals(List.of(UP, DOWN), scripts.calls());
    }

    @Test
    void shouldNotRunTheDownscriptWhenStoppingAsBackupWithShutdown() throws Exception {
        CliDaemon d = daemon("-n", "-z");
        d.start();

        d.stop();

        assertEquals(List.of(), scripts.calls());
        assertEquals(List.of(), runtime.sent());
    }

    @Test
    void shouldDropToInitAndRunTheDownscriptWhenTheLinkGoesDownAsMaster() throws Exception {
        CliDaemon d = master("-n");

        runtime.linkDown();

        assertEquals(CarpState.INIT, d.state());
        assertEquals(List.of(UP, DOWN), scripts.calls());
    }

    @Test
    void shouldStayMasterWhenTheLinkGoesDownWithIgnoreIfState() throws Exception {
        CliDaemon d = master("-n", "--ignoreifstate");

        runtime.linkDown();
        runtime.advanceBy(Duration.ofSeconds(5));

        assertEquals(CarpState.MASTER, d.state());
        assertEquals(List.of(UP), scripts.calls());
        assertTrue(log.messages().contains("[INFO] vhid 1@eth0: link down, ignored (ignoreLinkState)"),
                log.messages().toString());
    }

    @Test
    void shouldStartAsIfTheLinkWereUpWhenItIsDownWithIgnoreIfState() throws Exception {
        runtime.linkDown();
        CliDaemon d = daemon("-n", "-S");

        d.start();

        assertEquals(CarpState.BACKUP, d.state());
    }

    @Test
    void shouldPassManageAddressToTheLibraryWhenGiven() throws Exception {
        assertTrue(Cli.parseWith("--manage-address").groupBuilder().buildConfig().manageAddresses());
        assertFalse(Cli.parseWith().groupBuilder().buildConfig().manageAddresses());
    }

    @Test
    void shouldLeaveLossAdaptationOffUnlessAdaptToLossIsGiven() throws Exception {
        // ucarp's meaning of --deadratio by default: the backup always waits deadratio*advbase + advskew/256 s.
        assertFalse(Cli.parseWith().groupBuilder().buildConfig().adaptToLoss());
        assertTrue(Cli.parseWith("--adapt-to-loss").groupBuilder().buildConfig().adaptToLoss());
    }

    @Test
    void shouldReturnFromAwaitWhenAStopIsRequested() throws Exception {
        CliDaemon d = daemon("-n");
        d.start();
        Thread signal = new Thread(() -> d.requestStop("SIGTERM"));

        signal.start();

        assertTimeoutPreemptively(Duration.ofSeconds(10), d::awaitStopRequest);
        d.requestStop("SIGINT");
        assertTrue(log.messages().contains("[INFO] Caught SIGTERM: stopping"), log.messages().toString());
        assertTrue(log.messages().contains("[INFO] Caught SIGINT: already stopping"), log.messages().toString());
    }

    /** A valid advertisement from a peer of this group (same vhid, password and address). */
    private PeerAdvertisement peer(String source, int advbase, int advskew) {
        return PeerAdvertisement.from(source).vhid(1).password("secret").virtualAddress("198.18.71.100")
                .advbase(advbase).advskew(advskew).counter(peerCounter++);
    }
}
