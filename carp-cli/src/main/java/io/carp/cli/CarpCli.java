package io.carp.cli;

import io.carp.CarpRuntime;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code carp-cli}: ucarp's command line on the carp4j library. {@code java -jar carp-cli.jar --help} for the options.
 *
 * <p>Exit status: 0 after {@code --help} (or no arguments, as ucarp), {@code --version} or a clean stop; 1 for a bad
 * option or value, with one line on standard error naming the option, the value and what is allowed; 2 if CARP cannot
 * start.
 */
public final class CarpCli {
    /** Clean stop, or help shown. */
    static final int EXIT_OK = 0;
    /** Bad option or value. */
    static final int EXIT_USAGE = 1;
    /** The group could not start (as ucarp's exit status 2). */
    static final int EXIT_CANNOT_START = 2;
    /** How long a stop waits for the last downscript before exiting anyway. */
    private static final long SCRIPT_WAIT_MILLIS = 60_000;
    private static final String PROGRAM = "carp-cli";
    private static final System.Logger LOG = System.getLogger(CarpCli.class.getName());

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Optional<String>> defaultInterface;

    CarpCli(PrintStream out, PrintStream err, Supplier<Optional<String>> defaultInterface) {
        this.out = out;
        this.err = err;
        this.defaultInterface = defaultInterface;
    }

    /**
     * Runs carp-cli until SIGTERM, SIGINT or SIGHUP, then exits with the status described in the class comment.
     *
     * @param args ucarp's options
     */
    public static void main(String[] args) {
        System.exit(new CarpCli(System.out, System.err, DefaultInterface::firstUp).run(args));
    }

    /**
     * Parses, validates and runs.
     *
     * @param args the command line
     * @return the exit status
     */
    int run(String[] args) {
        CommandLine commandLine = commandLine();
        CliSettings settings;
        try {
            settings = parse(commandLine, args, defaultInterface);
        } catch (CliUsageException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        if (settings == null) {
            if (commandLine.isVersionHelpRequested()) {
                out.println(versionLine());
            } else {
                commandLine.usage(out);
            }
            return EXIT_OK;
        }
        return serve(settings);
    }

    /**
     * What {@code --version} prints: {@code carp-cli <version>}, the version being the {@code Implementation-Version}
     * of the jar's manifest ({@code unknown} when the classes do not come from a jar that has one, as in unit tests).
     */
    static String versionLine() {
        String version = CarpCli.class.getPackage().getImplementationVersion();
        return PROGRAM + " " + (version == null || version.isBlank() ? "unknown" : version);
    }

    /** A parser configured like getopt_long: last value wins, abbreviated long options, option-like values. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new CliOptions())
                .setOverwrittenOptionsAllowed(true)
                .setAbbreviatedOptionsAllowed(true)
                .setAllowOptionsAsOptionParameters(true)
                .setUnmatchedOptionsAllowedAsOptionParameters(true);
        HelpSections.install(commandLine);
        return commandLine;
    }

    /**
     * Parses and validates a command line.
     *
     * @return the settings, or {@code null} if help or the version was asked for (or there were no arguments, as with
     *     ucarp)
     * @throws CliUsageException for a bad flag or value
     */
    static CliSettings parse(CommandLine commandLine, String[] args, Supplier<Optional<String>> defaultInterface)
            throws CliUsageException {
        if (args.length == 0) {
            return null;
        }
        try {
            commandLine.parseArgs(args);
        } catch (ParameterException e) {
            String message = String.valueOf(e.getMessage());
            throw new CliUsageException(message.startsWith("Error: ") ? message.substring(7) : message);
        }
        if (commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested()) {
            return null;
        }
        return CliSettings.from(commandLine.getCommand(), defaultInterface);
    }

    private int serve(CliSettings settings) {
        CliLogging.configure(settings.debug(), out, err);
        settings.notices().forEach(n -> LOG.log(Level.INFO, n));
        settings.warnings().forEach(w -> LOG.log(Level.WARNING, w));
        CarpRuntime runtime;
        try {
            runtime = RuntimeFactory.create();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.ERROR, "Cannot create the CARP runtime: {0}", describe(e));
            return EXIT_CANNOT_START;
        }
        try (CallbackThread callbacks = new CallbackThread()) {
            CliDaemon daemon = new CliDaemon(settings, runtime, callbacks, new ScriptRunner());
            PosixSignals.install(daemon);
            try {
                daemon.start();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Cannot start vhid {0} on {1}: {2}", settings.vhid(), settings.interfaceName(),
                        describe(e));
                return EXIT_CANNOT_START;
            }
            try {
                daemon.awaitStopRequest();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            daemon.stop();
            try {
                if (!callbacks.drain(SCRIPT_WAIT_MILLIS)) {
                    LOG.log(Level.WARNING, "A script is still running after {0} s; exiting anyway",
                            SCRIPT_WAIT_MILLIS / 1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EXIT_OK;
        } finally {
            try {
                RuntimeFactory.close(runtime);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Closing the CARP runtime failed: {0}", describe(e));
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
