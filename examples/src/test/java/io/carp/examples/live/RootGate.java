package io.carp.examples.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether a linux-root test class runs (the same rule as carp-netty's live tests; test classes are not shared
 * between modules): as root it runs; otherwise it is skipped with a loud banner, or, when
 * the build demands root tests ({@code -Dcarp.requireRootTests=true}, as CI sets it), it fails.
 */
final class RootGate {
    /** The system property (set by the root pom's surefire configuration) that turns a skip into a failure. */
    static final String REQUIRE_PROPERTY = "carp.requireRootTests";

    /** What to do with a root test. */
    enum Verdict { RUN, SKIP, FAIL }

    private RootGate() {
    }

    /**
     * The decision, pure.
     *
     * @param root     whether the effective uid is 0
     * @param required whether root tests must run
     * @return what to do
     */
    static Verdict verdict(boolean root, boolean required) {
        if (root) {
            return Verdict.RUN;
        }
        return required ? Verdict.FAIL : Verdict.SKIP;
    }

    /**
     * Skips the calling test class with a loud banner (never fails it) when a tool it drives is not installed.
     *
     * @param tool the tool's path
     */
    static void requireTool(java.nio.file.Path tool) {
        if (Files.isExecutable(tool)) {
            return;
        }
        String banner = "\n" + "*".repeat(100) + "\n*** SKIPPED: " + tool + " is not installed\n" + "*".repeat(100);
        System.err.println(banner);
        System.out.println(banner);
        Assumptions.abort(tool + " is not installed");
    }

    /**
     * Call from {@code @BeforeAll}: returns as root; otherwise prints a banner and aborts (skip) or fails the class.
     *
     * @param what what the tests need root for
     */
    static void requireRoot(String what) {
        Verdict verdict = verdict(isRoot(), Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false")));
        if (verdict == Verdict.RUN) {
            return;
        }
        String banner = "\n" + "*".repeat(100) + "\n*** " + (verdict == Verdict.FAIL ? "FAILED" : "SKIPPED")
                + " linux-root tests (" + what + "): not running as root"
                + (verdict == Verdict.FAIL ? ", and -D" + REQUIRE_PROPERTY + "=true demands them"
                : "; run `mvn verify` as root, or exclude them with -Dcarp.excludedGroups=linux-root")
                + "\n" + "*".repeat(100);
        System.err.println(banner);
        System.out.println(banner);
        if (verdict == Verdict.FAIL) {
            Assertions.fail("linux-root tests need root (" + what + ") and " + REQUIRE_PROPERTY + "=true");
        }
        Assumptions.abort("linux-root tests need root: " + what);
    }

    /** Whether the effective uid is 0. */
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
