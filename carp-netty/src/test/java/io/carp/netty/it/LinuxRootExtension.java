package io.carp.netty.it;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs {@link LinuxRootTest} classes only where they can work: root, {@code ip netns} usable, and ucarp or an ICMP
 * client if the class asks for them. Otherwise the class is skipped and a banner such as
 * {@code *** SKIPPED: 5 linux-root tests need root and network namespaces ***} is printed (to the test output and to
 * the JVM's real stderr, which Surefire shows on the console), and again as a total when the run ends. With
 * {@code -Dcarp.requireRootTests=true} (CI) a missing requirement fails the class instead.
 */
final class LinuxRootExtension implements ExecutionCondition, BeforeAllCallback {
    static final String REQUIRE_PROPERTY = "carp.requireRootTests";
    private static final AtomicInteger SKIPPED = new AtomicInteger();
    private static List<String> baseMissing;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent() || context.getTestClass().isEmpty()) {
            return ConditionEvaluationResult.enabled("decided at class level");
        }
        List<String> missing = missing(context.getRequiredTestClass());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, network namespaces and tools available");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRE_PROPERTY + "=true: will fail in beforeAll");
        }
        int tests = countTests(context.getRequiredTestClass());
        int total = SKIPPED.addAndGet(tests);
        banner("*** SKIPPED: " + tests + " linux-root tests of " + context.getRequiredTestClass().getSimpleName()
                + " need root and network namespaces (missing: " + String.join("; ", missing) + ") ***");
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SummaryBanner.class, k -> new SummaryBanner(), SummaryBanner.class);
        return ConditionEvaluationResult.disabled("linux-root test skipped (" + total
                + " so far): missing " + String.join("; ", missing)
                + "; run as root, or set -D" + REQUIRE_PROPERTY + "=true to make this a failure");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        List<String> missing = missing(context.getRequiredTestClass());
        if (!missing.isEmpty()) {
            throw new AssertionError(REQUIRE_PROPERTY + "=true but this machine cannot run linux-root tests: "
                    + String.join("; ", missing));
        }
    }

    static boolean required() {
        return Boolean.getBoolean(REQUIRE_PROPERTY);
    }

    /** What this machine lacks for the class, empty if nothing. */
    static List<String> missing(Class<?> testClass) {
        List<String> missing = new ArrayList<>(baseMissing());
        LinuxRootTest spec = AnnotationSupport.findAnnotation(testClass, LinuxRootTest.class).orElse(null);
        if (spec != null && missing.isEmpty()) {
            if (spec.ucarp() && Tools.ucarp().isEmpty()) {
                missing.add("ucarp is not installed (apt-get install ucarp)");
            }
            if (spec.ping() && !Tools.canPing()) {
                missing.add("no ICMP client: neither ping nor perl with Net::Ping");
            }
        }
        return missing;
    }

    private static synchronized List<String> baseMissing() {
        if (baseMissing == null) {
            List<String> missing = new ArrayList<>();
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                missing.add("not Linux");
            } else if (effectiveUid() != 0) {
                missing.add("not root (euid " + effectiveUid() + ")");
            } else if (Tools.which("ip").isEmpty()) {
                missing.add("iproute2 'ip' not found");
            } else {
                String probe = Lab.PREFIX + "probe-" + ProcessHandle.current().pid();
                Commands.Result add = Commands.run("ip", "netns", "add", probe);
                Commands.run("ip", "netns", "del", probe);
                if (!add.ok()) {
                    missing.add("cannot create a network namespace: " + add.output().trim());
                }
            }
            baseMissing = List.copyOf(missing);
        }
        return baseMissing;
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

    private static int countTests(Class<?> testClass) {
        return AnnotationSupport.findAnnotatedMethods(testClass, Test.class,
                org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN).size();
    }

    /**
     * Prints to the test output and to file descriptor 2 directly: Surefire redirects {@code System.out/err} of tests
     * to report files, but copies what the forked JVM writes to its real stderr to the build log.
     */
    @SuppressWarnings("resource")
    static void banner(String text) {
        String line = "*".repeat(Math.min(text.length(), 118));
        System.out.println(line + "\n" + text + "\n" + line);
        PrintStream raw = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        raw.println(line);
        raw.println(text);
        raw.println(line);
        raw.flush();
    }

    /** Closed by JUnit when the whole run ends: prints the total. */
    private static final class SummaryBanner implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            banner("*** SKIPPED: " + SKIPPED.get() + " linux-root tests need root and network namespaces ***");
        }
    }
}
