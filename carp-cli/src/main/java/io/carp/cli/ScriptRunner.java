package io.carp.cli;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an up or down script the way ucarp does: the file itself is executed (no shell), with the arguments
 * {@code <interface> <address> [<xparam>]}, standard output and error shared with carp-cli, and the caller waits for it
 * to end. Standard input is {@code /dev/null}. A script that cannot be started or exits non-zero is logged, never
 * thrown.
 */
class ScriptRunner {
    private static final System.Logger LOG = System.getLogger(ScriptRunner.class.getName());
    private static final File NULL_DEVICE = new File("/dev/null");

    /**
     * Runs a script and waits for it. Blocks for as long as the script runs.
     *
     * @param role      {@code upscript} or {@code downscript}, for the log
     * @param script    the file to execute
     * @param arguments the arguments after the file name
     * @return the exit status, or -1 if the script could not be started or the wait was interrupted
     */
    int run(String role, Path script, List<String> arguments) {
        List<String> command = new ArrayList<>(arguments.size() + 1);
        command.add(script.toString());
        command.addAll(arguments);
        LOG.log(Level.INFO, "Spawning [{0}]", String.join(" ", command));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(NULL_DEVICE))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Unable to run the {0} {1}: {2}", role, script, e.getMessage());
            return -1;
        }
        try {
            int status = process.waitFor();
            if (status != 0) {
                LOG.log(Level.WARNING, "The {0} {1} exited with status {2}", role, script, status);
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.WARNING, "Stopped waiting for the {0} {1} (interrupted); it goes on running", role,
                    script);
            return -1;
        }
    }
}
