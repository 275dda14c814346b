package io.carp.cli;

import io.carp.StateChangeCause;

import static io.carp.CarpState.BACKUP;
import static io.carp.CarpState.INIT;
import static io.carp.CarpState.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which script runs on which transition, with which arguments: real scripts, events fed by hand. */
class StateScriptsTest {
    @TempDir
    Path dir;
    private ScriptFixture scripts;

    @BeforeEach
    void setUp() {
        scripts = new ScriptFixture(dir);
    }

    private StateScripts stateScripts(String... more) throws CliUsageException {
        List<String> args = new ArrayList<>(List.of("-u", scripts.up.toString(), "-d", scripts.down.toString()));
        args.addAll(List.of(more));
        return new StateScripts(Cli.parseWith(args.toArray(String[]::new)), new ScriptRunner());
    }

    private static CarpStateEvent event(CarpState from, CarpState to, String reason) {
        return new CarpStateEvent(1, "eth0", from, to, StateChangeCause.FORCED, reason, 0, Instant.EPOCH);
    }

    @Test
    void shouldRunTheUpscriptWithInterfaceAndAddressWhenBecomingMaster() throws Exception {
        StateScripts s = stateScripts("-n");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));

        assertEquals(List.of("up [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptAtStartWhenNotNeutral() throws Exception {
        StateScripts s = stateScripts();

        s.accept(event(INIT, BACKUP, "started"));

        assertEquals(List.of("down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldNotRunTheDownscriptAtStartWhenNeutral() throws Exception {
        StateScripts s = stateScripts("--neutral");

        s.accept(event(INIT, BACKUP, "started"));

        assertEquals(List.of(), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptWhenNeutralAndLeavingMaster() throws Exception {
        StateScripts s = stateScripts("-n");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));
        s.accept(event(MASTER, BACKUP, "preempted by 198.18.71.2"));

        assertEquals(List.of("up [eth0] [198.18.71.100]", "down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldAppendTheXparamAsOneArgumentWhenGiven() throws Exception {
        StateScripts s = stateScripts("-x", "extra value");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));

        assertEquals(List.of("down [eth0] [198.18.71.100] [extra value]",
                "up [eth0] [198.18.71.100] [extra value]"), scripts.calls());
    }

    @Test
    void shouldRunEachScriptOncePerAddressInTheGivenOrderWhenSeveralAddresses() throws Exception {
        StateScripts s = stateScripts("-n", "-a", "198.18.71.101", "--addr=198.18.71.99", "-x", "x1");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));
        s.accept(event(MASTER, BACKUP, "forced: SIGUSR2"));

        assertEquals(List.of(
                "up [eth0] [198.18.71.100] [x1]", "up [eth0] [198.18.71.101] [x1]", "up [eth0] [198.18.71.99] [x1]",
                "down [eth0] [198.18.71.100] [x1]", "down [eth0] [198.18.71.101] [x1]",
                "down [eth0] [198.18.71.99] [x1]"), scripts.calls());
    }

    @Test
    void shouldPassTheAddressAsTypedWhenItIsNotInCanonicalForm() throws Exception {
        StateScripts s = stateScripts("-n", "-a", "2001:DB8:0::5");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));

        assertEquals(List.of("up [eth0] [198.18.71.100]", "up [eth0] [2001:DB8:0::5]"), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptWhenTheLinkGoesDownWhileMaster() throws Exception {
        StateScripts s = stateScripts("-n");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));
        s.accept(event(MASTER, INIT, "link down"));
        s.accept(event(INIT, BACKUP, "link up"));

        assertEquals(List.of("up [eth0] [198.18.71.100]", "down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldRunNothingWhenTheLinkGoesDownAndUpWhileBackup() throws Exception {
        StateScripts s = stateScripts();

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, INIT, "link down"));
        s.accept(event(INIT, BACKUP, "link up"));

        assertEquals(List.of("down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptAtFirstBackupWhenTheLinkWasDownAtStart() throws Exception {
        StateScripts s = stateScripts();

        s.accept(event(INIT, BACKUP, "link up"));

        assertEquals(List.of("down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldNotRunTheDownscriptWhenStoppingAsMasterWithoutShutdown() throws Exception {
        StateScripts s = stateScripts("-n");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));
        s.stopping();
        s.accept(event(MASTER, INIT, "stopped"));

        assertEquals(List.of("up [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldRunTheDownscriptWhenStoppingAsMasterWithShutdown() throws Exception {
        StateScripts s = stateScripts("-n", "--shutdown");

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));
        s.stopping();
        s.accept(event(MASTER, INIT, "stopped"));

        assertEquals(List.of("up [eth0] [198.18.71.100]", "down [eth0] [198.18.71.100]"), scripts.calls());
    }

    @Test
    void shouldNotRunTheDownscriptWhenStoppingAsBackupWithShutdown() throws Exception {
        StateScripts s = stateScripts("-n", "-z");

        s.accept(event(INIT, BACKUP, "started"));
        s.stopping();
        s.accept(event(BACKUP, INIT, "stopped"));

        assertEquals(List.of(), scripts.calls());
    }

    @Test
    void shouldRunNothingWhenNoScriptsAreGiven() throws Exception {
        StateScripts s = new StateScripts(Cli.parseWith("--manage-address"), new ScriptRunner());

        s.accept(event(INIT, BACKUP, "started"));
        s.accept(event(BACKUP, MASTER, "master timed out"));

        assertEquals(List.of(), scripts.calls());
    }
}
