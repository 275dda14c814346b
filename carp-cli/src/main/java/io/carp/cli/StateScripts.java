package io.carp.cli;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decides, for each state transition, which script runs, following ucarp:
 * <ul>
 *   <li>entering MASTER: the upscript;</li>
 *   <li>MASTER to BACKUP (preempted, SIGUSR2): the downscript;</li>
 *   <li>the first INIT to BACKUP (start): the downscript, unless {@code --neutral};</li>
 *   <li>MASTER to INIT because the link went down: the downscript (ucarp drops to BACKUP and runs it);</li>
 *   <li>MASTER to INIT because carp-cli is stopping: the downscript only with {@code --shutdown};</li>
 *   <li>anything else (BACKUP to INIT, INIT to BACKUP when the link comes back): nothing.</li>
 * </ul>
 * Each script runs once per virtual address, in the order given: {@code <file> <interface> <address> [<xparam>]}.
 *
 * <p>Runs on the group's callback thread, one event at a time; it blocks while a script runs, which delays later
 * callbacks but never the protocol.
 */
final class StateScripts implements Consumer<CarpStateEvent> {
    private static final System.Logger LOG = System.getLogger(StateScripts.class.getName());

    private final CliSettings settings;
    private final ScriptRunner runner;
    private volatile boolean stopping;
    private boolean started;

    StateScripts(CliSettings settings, ScriptRunner runner) {
        this.settings = settings;
        this.runner = runner;
    }

    /** From now on a transition to INIT is the stop, not a link failure. Call before closing the group. */
    void stopping() {
        stopping = true;
    }

    @Override
    public void accept(CarpStateEvent event) {
        CarpState from = event.from();
        CarpState to = event.to();
        if (to == CarpState.MASTER) {
            runAll("upscript", settings.upscript());
        } else if (to == CarpState.BACKUP && from == CarpState.MASTER) {
            runAll("downscript", settings.downscript());
        } else if (to == CarpState.BACKUP && !started) {
            started = true;
            if (settings.neutral()) {
                LOG.log(Level.DEBUG, "--neutral: not running the downscript at start");
            } else {
                runAll("downscript", settings.downscript());
            }
        } else if (to == CarpState.INIT && from == CarpState.MASTER && (!stopping || settings.shutdown())) {
            runAll("downscript", settings.downscript());
        }
        if (to == CarpState.BACKUP) {
            started = true;
        }
    }

    private void runAll(String role, Optional<Path> script) {
        if (script.isEmpty()) {
            return;
        }
        for (String address : settings.addresses()) {
            runner.run(role, script.get(), arguments(address));
        }
    }

    private List<String> arguments(String address) {
        List<String> args = new ArrayList<>(3);
        args.add(settings.interfaceName());
        args.add(address);
        settings.xparam().ifPresent(args::add);
        return args;
    }
}
