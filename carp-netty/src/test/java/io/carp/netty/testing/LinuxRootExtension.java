package io.carp.netty.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Runs {@link LinuxRootTest} classes only where they can work: Linux, root, {@code ip netns} usable, and ucarp or an
 * ICMP client if the class asks for them. Otherwise the class is skipped and a banner such as
 * {@code *** SKIPPED: 5 linux-root tests of X (what) need root and network namespaces (missing: ...) ***} is printed
 * (to the test output and to the JVM's real stderr, which Surefire shows on the console), and again as a total when
 * the run ends. With {@code -Dcarp.requireRootTests=true} (CI) a missing requirement fails the class instead.
 *
 * <p>{@code -Dcarp.simulateNonRoot=true} makes the extension act as if the user were not root, to check the skip and
 * fail paths on a root machine.
 */
final class LinuxRootExtension implements ExecutionCondition, BeforeAllCallback {
    /** The system property (set by the root pom's surefire configuration) that turns a skip into a failure. */
    static final String REQUIRE_PROPERTY = "carp.requireRootTests";
    /** The system property that makes a root user look like another one. */
    static final String SIMULATE_NON_ROOT_PROPERTY = "carp.simulateNonRoot";
    private static final String HOW_TO = "*** run `mvn verify` as root, leave them out with"
            + " -Dcarp.excludedGroups=linux-root, or make this a failure with -D" + REQUIRE_PROPERTY + "=true ***";
    private static final AtomicInteger SKIPPED = new AtomicInteger();
    private static final Machine REAL = new RealMachine();

    /** What to do with a root test class. */
    enum Verdict { RUN, SKIP, FAIL }

    /**
     * A verdict and what to tell the user.
     *
     * @param verdict what to do
     * @param message why (empty when the class runs)
     */
    record Decision(Verdict verdict, String message) {
    }

    /** What the machine offers, asked only for what a class needs. */
    interface Machine {
        /** Why no root test can run here (not Linux, not root, no usable {@code ip netns}); empty if they can. */
        List<String> basics();

        boolean hasUcarp();

        boolean canPing();

        /** Whether a program is on the PATH or in an sbin directory. */
        default boolean has(String program) {
            return Tools.which(program).isPresent();
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent() || context.getTestClass().isEmpty()) {
            return ConditionEvaluationResult.enabled("decided at class level");
        }
        Class<?> testClass = context.getRequiredTestClass();
        Decision decision = decide(testClass);
        if (decision.verdict() == Verdict.RUN) {
            return ConditionEvaluationResult.enabled("root, network namespaces and tools available");
        }
        if (decision.verdict() == Verdict.FAIL) {
            banner("*** FAILING: linux-root tests of " + describe(testClass) + ": " + decision.message() + " ***");
            return ConditionEvaluationResult.enabled(REQUIRE_PROPERTY + "=true: will fail in beforeAll");
        }
        int tests = countTests(testClass);
        int total = SKIPPED.addAndGet(tests);
        banner("*** SKIPPED: " + tests + " linux-root tests of " + describe(testClass) + " " + decision.message()
                + " ***", HOW_TO);
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SummaryBanner.class, k -> new SummaryBanner(), SummaryBanner.class);
        return ConditionEvaluationResult.disabled("linux-root test skipped (" + total + " so far): "
                + decision.message() + "; run as root, or set -D" + REQUIRE_PROPERTY + "=true to make this a failure");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Decision decision = decide(context.getRequiredTestClass());
        if (decision.verdict() != Verdict.RUN) {
            throw new AssertionError(decision.message());
        }
    }

    private static Decision decide(Class<?> testClass) {
        return decide(missing(testClass, REAL), Boolean.getBoolean(REQUIRE_PROPERTY));
    }

    /**
     * The decision, pure.
     *
     * @param missing  what the machine lacks for the class ({@link #missing})
     * @param required whether root tests must run ({@code carp.requireRootTests})
     * @return run, skip or fail, and why
     */
    static Decision decide(List<String> missing, boolean required) {
        if (missing.isEmpty()) {
            return new Decision(Verdict.RUN, "");
        }
        String what = String.join("; ", missing);
        if (required) {
            return new Decision(Verdict.FAIL, REQUIRE_PROPERTY + "=true but this machine cannot run linux-root tests"
                    + " (missing: " + what + ")");
        }
        return new Decision(Verdict.SKIP, "need root and network namespaces (missing: " + what + ")");
    }

    /**
     * What a machine lacks for a test class, empty if nothing.
     *
     * @param testClass the class, annotated with {@link LinuxRootTest}
     * @param machine   the machine
     * @return human-readable items
     */
    static List<String> missing(Class<?> testClass, Machine machine) {
        List<String> missing = new ArrayList<>(machine.basics());
        LinuxRootTest spec = AnnotationSupport.findAnnotation(testClass, LinuxRootTest.class).orElse(null);
        if (spec != null && missing.isEmpty()) {
            if (spec.ucarp() && !machine.hasUcarp()) {
                missing.add("ucarp is not installed (apt-get install ucarp)");
            }
            if (spec.ping() && !machine.canPing()) {
                missing.add("no ICMP client: neither ping nor perl with Net::Ping");
            }
            for (String program : spec.programs()) {
                if (!machine.has(program)) {
                    missing.add(program + " is not installed (apt-get install " + program + ")");
                }
            }
        }
        return missing;
    }

    /**
     * Why no root test can run, pure apart from {@code netnsProblem}, which is asked only as root on Linux.
     *
     * @param osName          the {@code os.name} property
     * @param euid            the effective uid
     * @param simulateNonRoot whether to act as if not root ({@code carp.simulateNonRoot})
     * @param netnsProblem    why {@code ip netns} cannot be used, or {@code null} if it can
     * @return empty if root tests can run
     */
    static List<String> basics(String osName, long euid, boolean simulateNonRoot, Supplier<String> netnsProblem) {
        if (!osName.toLowerCase().contains("linux")) {
            return List.of("not Linux");
        }
        if (simulateNonRoot) {
            return List.of("not root (simulated: -D" + SIMULATE_NON_ROOT_PROPERTY + "=true)");
        }
        if (euid != 0) {
            return List.of("not root (euid " + euid + ")");
        }
        String problem = netnsProblem.get();
        return problem == null ? List.of() : List.of(problem);
    }

    /** Whether a network namespace can be created (and deleted again): {@code null} if so, else why not. */
    private static String netnsProblem() {
        if (Tools.which("ip").isEmpty()) {
            return "iproute2 'ip' not found";
        }
        String probe = "cit-probe-" + ProcessHandle.current().pid(); // scripts/netns-cleanup.sh knows cit-
        try {
            LiveLab.run(true, "ip", "netns", "add", probe);
            return null;
        } catch (IllegalStateException e) {
            return "cannot create a network namespace: " + e.getMessage().trim();
        } finally {
            LiveLab.run(false, "ip", "netns", "del", probe);
        }
    }

    private static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String describe(Class<?> testClass) {
        String what = AnnotationSupport.findAnnotation(testClass, LinuxRootTest.class)
                .map(LinuxRootTest::value).orElse("");
        return testClass.getSimpleName() + (what.isEmpty() ? "" : " (" + what + ")");
    }

    private static int countTests(Class<?> testClass) {
        return AnnotationSupport.findAnnotatedMethods(testClass, Test.class, HierarchyTraversalMode.TOP_DOWN).size();
    }

    /**
     * Prints to the test output and to file descriptor 2 directly: Surefire redirects {@code System.out/err} of tests
     * to report files, but copies what the forked JVM writes to its real stderr to the build log.
     */
    @SuppressWarnings("resource")
    static void banner(String... lines) {
        int width = Math.min(Arrays.stream(lines).mapToInt(String::length).max().orElse(0), 118);
        String text = "*".repeat(width) + "\n" + String.join("\n", lines) + "\n" + "*".repeat(width);
        System.out.println(text);
        PrintStream raw = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        raw.println(text);
        raw.flush();
    }

    /** This machine; the checks that start processes run once per JVM. */
    private static final class RealMachine implements Machine {
        private List<String> basics;

        @Override
        public synchronized List<String> basics() {
            if (Boolean.getBoolean(SIMULATE_NON_ROOT_PROPERTY)) {
                return LinuxRootExtension.basics(System.getProperty("os.name", ""), 0, true, () -> null);
            }
            if (basics == null) {
                basics = LinuxRootExtension.basics(System.getProperty("os.name", ""), effectiveUid(), false,
                        LinuxRootExtension::netnsProblem);
            }
            return basics;
        }

        @Override
        public boolean hasUcarp() {
            return Tools.ucarp().isPresent();
        }

        @Override
        public boolean canPing() {
            return Tools.canPing();
        }
    }

    /** Closed by JUnit when the whole run ends: prints the total. */
    private static final class SummaryBanner implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            banner("*** SKIPPED: " + SKIPPED.get() + " linux-root tests need root and network namespaces ***");
        }
    }
}
