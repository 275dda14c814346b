package io.carp.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helpers: parse a command line, or run carp-cli and capture what it prints. */
final class Cli {
    /** The required options, as a ucarp user writes them. */
    static final List<String> REQUIRED = List.of("-i", "eth0", "-s", "198.18.71.1", "-v", "1", "-p", "secret",
            "-a", "198.18.71.100");

    private Cli() {
    }

    /** Parses and validates; no interface is "up" unless --interface is given. */
    static CliSettings parse(String... args) throws CliUsageException {
        return CarpCli.parse(CarpCli.commandLine(), args, Optional::empty);
    }

    /** Parses {@link #REQUIRED} followed by more options. */
    static CliSettings parseWith(String... more) throws CliUsageException {
        List<String> all = new ArrayList<>(REQUIRED);
        all.addAll(List.of(more));
        return parse(all.toArray(String[]::new));
    }

    /** What one run printed. */
    record Result(int status, String out, String err) {
    }

    /**
     * Runs carp-cli for a command line that must not start a group (help or an error).
     *
     * @param args the command line
     * @return the exit status and output
     */
    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new CarpCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> Optional.of("eth9")).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
