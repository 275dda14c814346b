package io.carp.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures the formatted messages logged under {@code io.carp} while open. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.carp");
    private final Level previous;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(CliLogging.format(record, false).replaceFirst("^[^ ]+ ", ""));
    }

    /** Lines as carp-cli prints them, without the time stamp: {@code [INFO] MASTER on eth0 id 1}. */
    List<String> messages() {
        return messages;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
