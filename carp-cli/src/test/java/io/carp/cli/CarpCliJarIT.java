package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a user runs it ({@code java -jar carp-cli.jar}), after {@code package}: run by failsafe, which
 * passes the jar's path and the project version as system properties.
 */
class CarpCliJarIT {
    private static final Path JAR = Path.of(System.getProperty("carp.cli.jar", "target/carp-cli.jar"));

    @Test
    void shouldPrintTheProjectVersionFromTheManifestAndExitZero() throws Exception {
        String expected = System.getProperty("carp.cli.version");
        assertNotNull(expected, "failsafe passes carp.cli.version");
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by package");

        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits");

        assertEquals(0, process.exitValue(), output);
        assertEquals("carp-cli " + expected, output.strip());
    }

    @Test
    void shouldCarryImplementationTitleAndVersionInTheManifest() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertEquals("carp4j :: cli", manifest.getMainAttributes().getValue("Implementation-Title"));
            assertEquals(System.getProperty("carp.cli.version"),
                    manifest.getMainAttributes().getValue("Implementation-Version"));
            assertEquals("io.carp.cli.CarpCli", manifest.getMainAttributes().getValue("Main-Class"));
        }
    }
}
