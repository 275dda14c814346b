package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {
    @TempDir
    Path dir;

    @Test
    void shouldPassEachArgumentUnchangedWhenItContainsSpacesOrQuotes() {
        ScriptFixture scripts = new ScriptFixture(dir);

        int status = new ScriptRunner().run("upscript", scripts.up, List.of("eth0", "10.1.1.252", "a 'b' \"c\""));

        assertEquals(0, status);
        assertEquals(List.of("up [eth0] [10.1.1.252] [a 'b' \"c\"]"), scripts.calls());
    }

    @Test
    void shouldReturnTheExitStatusWhenTheScriptFails() throws IOException {
        Path failing = dir.resolve("fail.sh");
        Files.writeString(failing, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));

        assertEquals(3, new ScriptRunner().run("downscript", failing, List.of("eth0", "10.1.1.252")));
    }

    @Test
    void shouldReturnMinusOneWithoutThrowingWhenTheFileCannotBeExecuted() throws IOException {
        Path notExecutable = dir.resolve("plain.sh");
        Files.writeString(notExecutable, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-------"));

        assertEquals(-1, new ScriptRunner().run("upscript", notExecutable, List.of("eth0", "10.1.1.252")));
    }
}
