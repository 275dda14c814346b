package io.carp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carp.CarpGroup;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The README's "Logging" recipe for SLF4J: with {@code org.slf4j:slf4j-jdk-platform-logging} on the class path, the
 * library's {@code System.Logger} lines reach SLF4J (here Logback), with the logger name, level and formatted text.
 */
class Slf4jBridgeTest {
    @Test
    void shouldDeliverAStateChangeLineToSlf4jThroughTheJdkPlatformLoggingBridge() {
        assertEquals("org.slf4j.jdk.platform.logging.SLF4JSystemLoggerFinder",
                System.LoggerFinder.getLoggerFinder().getClass().getName(),
                "slf4j-jdk-platform-logging is the JDK's LoggerFinder");
        Logger carp = (Logger) LoggerFactory.getLogger("io.carp");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        carp.addAppender(appender);
        try (SimulatedNetwork net = SimulatedNetwork.create()) {
            SimulatedNode a = net.node("A");
            a.start(CarpGroup.builder().vhid(7).password("pw").virtualAddress("198.18.0.100"));
            net.advanceBy(Duration.ofSeconds(5));
        } finally {
            carp.detachAppender(appender);
        }

        List<ILoggingEvent> transitions = appender.list.stream()
                .filter(e -> e.getFormattedMessage().contains("BACKUP -> MASTER (master timed out)")).toList();
        assertEquals(1, transitions.size(), () -> "events: " + appender.list.stream()
                .map(e -> e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage()).toList());
        ILoggingEvent line = transitions.get(0);
        assertEquals("INFO", line.getLevel().toString());
        assertTrue(line.getLoggerName().startsWith("io.carp."), line.getLoggerName());
        assertTrue(line.getFormattedMessage().startsWith("vhid 7@"), line.getFormattedMessage());
    }
}
