package io.carp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Real shell scripts for the tests: {@code up.sh} and {@code down.sh} append one line per call to {@code calls.log},
 * with every argument in brackets so that argument boundaries are visible: {@code up [eth0] [10.0.0.1] [x y]}.
 */
final class ScriptFixture {
    final Path dir;
    final Path up;
    final Path down;
    final Path log;

    ScriptFixture(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("calls.log");
        this.up = script("up.sh", "up");
        this.down = script("down.sh", "down");
    }

    private Path script(String name, String tag) {
        Path p = dir.resolve(name);
        String body = "#!/bin/sh\n"
                + "line='" + tag + "'\n"
                + "for a in \"$@\"; do line=\"$line [$a]\"; done\n"
                + "echo \"$line\" >> '" + log + "'\n";
        try {
            Files.writeString(p, body);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The lines logged so far (empty if no script ran). */
    List<String> calls() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
