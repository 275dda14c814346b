package io.carp.cli;

/**
 * A bad command line: an unknown flag, a missing or invalid value. The message is one line that names the option, the
 * value (never a password) and what is allowed; {@link CarpCli} prints it and exits with status 1.
 */
final class CliUsageException extends Exception {

    CliUsageException(String message) {
        super(message);
    }

    /**
     * An invalid value.
     *
     * @param option   the option as the user knows it, e.g. {@code --vhid}
     * @param value    the value given
     * @param problem  what is wrong, e.g. {@code out of range}
     * @param expected what is allowed, e.g. {@code an integer 1-255}
     * @return the exception
     */
    static CliUsageException invalid(String option, String value, String problem, String expected) {
        return new CliUsageException(option + " '" + value + "': " + problem + " (expected: " + expected + ")");
    }

    /**
     * A required option that was not given.
     *
     * @param option   the option, e.g. {@code --vhid (-v)}
     * @param expected what to give, e.g. {@code the virtual host id, 1-255}
     * @return the exception
     */
    static CliUsageException missing(String option, String expected) {
        return new CliUsageException("missing " + option + " (expected: " + expected + ")");
    }
}
