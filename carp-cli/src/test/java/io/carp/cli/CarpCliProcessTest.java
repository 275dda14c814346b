package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real program in a child JVM, on {@link LonelyRuntimeFactory} (no network, no root), driven with real signals
 * sent by {@code kill}. Timeouts only bound a hang; nothing here measures speed.
 */
class CarpCliProcessTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;
    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void tearDown() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldLogStepDownAndStopCleanlyWhenSentUsr1Usr2AndTerm() throws Exception {
        ScriptFixture scripts = new ScriptFixture(dir);
        start("-i", "fake0", "-s", "198.18.71.1", "-v", "7", "-p", "secret", "-a", "198.18.71.100",
                "-b", "0", "-k", "40", "-u", scripts.up.toString(), "-d", scripts.down.toString(), "-z", "-x", "px");

        await(l -> l.contains("[INFO] vhid 7@fake0: BACKUP -> MASTER (master timed out) [master-down in force "));
        await(l -> l.contains("Spawning [" + scripts.up));

        signal("USR1");
        await(l -> l.endsWith("[INFO] MASTER on fake0 id 7"));

        signal("USR2");
        await(l -> l.endsWith("[INFO] vhid 7@fake0: MASTER -> BACKUP (forced: SIGUSR2)"));
        // No peer: it takes over again after one master-down interval.
        await(l -> l.contains("[INFO] vhid 7@fake0: BACKUP -> MASTER (master timed out) [master-down in force "));
        await(l -> l.contains("Spawning [" + scripts.up));

        signal("TERM");
        await(l -> l.endsWith("[INFO] Caught SIGTERM: stopping"));
        await(l -> l.endsWith("[INFO] vhid 7@fake0: MASTER -> INIT (stopped)"));
        assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "exits after SIGTERM");
        assertEquals(0, process.exitValue(), String.join("\n", seen));

        String down = "down [fake0] [198.18.71.100] [px]";
        String up = "up [fake0] [198.18.71.100] [px]";
        assertEquals(List.of(down, up, down, up, down), scripts.calls(),
                "start (not neutral), master, SIGUSR2, master again, --shutdown at exit");
    }

    @Test
    void shouldExitZeroWithoutTheDownscriptWhenSentIntAsBackupWithoutShutdown() throws Exception {
        ScriptFixture scripts = new ScriptFixture(dir);
        // advbase 200 s: stays BACKUP for the whole test.
        start("-i", "fake0", "-s", "198.18.71.1", "-v", "8", "-p", "secret", "-a", "198.18.71.100", "-b", "200",
                "-n", "-u", scripts.up.toString(), "-d", scripts.down.toString());
        await(l -> l.endsWith("[INFO] vhid 8@fake0: INIT -> BACKUP (started)"));

        signal("USR1");
        await(l -> l.endsWith("[INFO] BACKUP on fake0 id 8"));
        signal("INT");

        assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "exits after SIGINT");
        assertEquals(0, process.exitValue());
        assertEquals(List.of(), scripts.calls(), "--neutral and no --shutdown: no script at all");
    }

    @Test
    void shouldExitOneWithOneLineWhenAValueIsBadInTheRealProgram() throws Exception {
        start("-i", "fake0", "-s", "198.18.71.1", "-v", "300", "-p", "secret", "-a", "198.18.71.100");

        assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue());
        await(l -> l.equals("carp-cli: --vhid '300': out of range (expected: an integer 1-255)"));
    }

    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-D" + RuntimeFactory.PROPERTY + "=" + LonelyRuntimeFactory.class.getName(),
                "-cp", System.getProperty("java.class.path"),
                CarpCli.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    /** Waits for the next line that matches, skipping the others. */
    private void await(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (wanted.test(line)) {
                    return;
                }
            }
        }
        fail("expected line not printed; output so far:\n" + String.join("\n", seen));
    }
}
