package io.carp.internal.group;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns the library's logs off for a test class and restores their level afterwards: fuzz runs of millions of packets
 * make thousands of state changes, whose INFO lines would only slow the run.
 */
final class QuietCarpLogs implements BeforeAllCallback, AfterAllCallback {
    private static final Logger CARP_LOGGER = Logger.getLogger("io.carp");
    private Level savedLevel;

    @Override
    public void beforeAll(ExtensionContext context) {
        savedLevel = CARP_LOGGER.getLevel();
        CARP_LOGGER.setLevel(Level.OFF);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        CARP_LOGGER.setLevel(savedLevel);
    }
}
