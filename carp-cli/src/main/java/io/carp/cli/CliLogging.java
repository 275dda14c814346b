package io.carp.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the library's and carp-cli's logs ({@code System.Logger}, which the JDK routes to java.util.logging) to the
 * console in ucarp's format when it is not daemonized: {@code 2025-01-08T12:00:00.123456: [INFO] message}, INFO and
 * DEBUG on standard output, WARNING and ERROR on standard error. A stack trace is shown only with --debug.
 */
final class CliLogging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private CliLogging() {
    }

    /**
     * Replaces the JVM's logging configuration.
     *
     * @param debug whether to show the library's and carp-cli's debug messages
     * @param out   where INFO and DEBUG go
     * @param err   where WARNING and ERROR go
     */
    static void configure(boolean debug, PrintStream out, PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new ConsoleSplitHandler(out, err, debug));
        Logger.getLogger("io.carp").setLevel(debug ? Level.FINE : Level.INFO);
    }

    /** One line per record, ucarp style. */
    static String format(LogRecord record, boolean withStackTrace) {
        StringBuilder line = new StringBuilder(120)
                .append(TIME.format(LocalDateTime.ofInstant(record.getInstant(), java.time.ZoneId.systemDefault())))
                .append(": [").append(label(record.getLevel())).append("] ")
                .append(new SimpleMessage().formatMessage(record));
        Throwable t = record.getThrown();
        if (t != null) {
            if (withStackTrace) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            } else {
                line.append(": ").append(t);
            }
        }
        return line.toString();
    }

    private static String label(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    /** Gives access to {@link Formatter#formatMessage}, which fills in {@code {0}} parameters. */
    private static final class SimpleMessage extends Formatter {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    }

    private static final class ConsoleSplitHandler extends Handler {
        private final PrintStream out;
        private final PrintStream err;
        private final boolean stackTraces;

        ConsoleSplitHandler(PrintStream out, PrintStream err, boolean stackTraces) {
            this.out = out;
            this.err = err;
            this.stackTraces = stackTraces;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            PrintStream target = record.getLevel().intValue() >= Level.WARNING.intValue() ? err : out;
            String line = format(record, stackTraces);
            synchronized (this) {
                target.println(line);
                target.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
