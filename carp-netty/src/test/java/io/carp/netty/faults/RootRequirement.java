package io.carp.netty.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the fault tests: as root they run; otherwise they are skipped with a loud banner, or fail when the
 * system property {@code carp.requireRootTests} is {@code true} (CI), so that a runner that lost its privileges
 * cannot pass by skipping them.
 */
final class RootRequirement {
    /** The system property (set by the root pom's surefire configuration) that turns a skip into a failure. */
    static final String REQUIRE_PROPERTY = "carp.requireRootTests";

    private RootRequirement() {
    }

    /**
     * Skips (or fails, see the class comment) the calling test class unless running as root.
     *
     * @param what what the tests need root for, for the banner
     */
    static void require(String what) {
        check(isRoot(), Boolean.getBoolean(REQUIRE_PROPERTY), what);
    }

    /**
     * The decision, apart from how it is reached.
     *
     * @param root     whether the effective uid is 0
     * @param required whether a skip must fail instead
     * @param what     what the tests need root for
     */
    static void check(boolean root, boolean required, String what) {
        if (root) {
            return;
        }
        String banner = "\n" + "*".repeat(100) + "\n*** " + (required ? "FAILED" : "SKIPPED")
                + " linux-root fault tests (" + what + "): not running as root; run `mvn verify` as root, or exclude"
                + " them with -Dcarp.excludedGroups=linux-root" + (required ? " (" + REQUIRE_PROPERTY
                + "=true forbids skipping them)" : "") + "\n" + "*".repeat(100);
        System.err.println(banner);
        System.out.println(banner);
        if (required) {
            Assertions.fail("linux-root fault tests need root (" + what + ") and " + REQUIRE_PROPERTY
                    + "=true forbids skipping them");
        }
        Assumptions.abort("linux-root fault tests need root: " + what);
    }

    /** Whether the effective uid is 0 (from {@code /proc/self/status}). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
