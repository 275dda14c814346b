package io.carp.internal.group;

import io.carp.CarpState;
import io.carp.StateChangeCause;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of the state machine in steady state: a BACKUP hearing its master's advertisement (re-arm), and a MASTER
 * advertising on its timer. Lives in package {@code io.carp} because the machine is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StateMachineBenchmark {
    private CarpStateMachine backup;
    private CarpStateMachine master;
    private InetAddress peer;
    private InetAddress self;
    private long now;
    private long sent;

    @Setup
    public void setUp() throws Exception {
        CarpStateMachine.Effects effects = new CarpStateMachine.Effects() {
            @Override
            public void sendAdvertisement(int advbase, int advskew, int demote) {
                sent++;
            }

            @Override
            public void claimAddresses() {
            }

            @Override
            public void releaseAddresses() {
            }

            @Override
            public void announceAddresses() {
            }

            @Override
            public void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason) {
            }
        };
        peer = InetAddress.getByName("198.18.0.1");
        self = InetAddress.getByName("198.18.0.2");
        backup = new CarpStateMachine(1, 100, 3, false, 0, effects);
        backup.start(0, true);
        master = new CarpStateMachine(1, 0, 3, false, 0, effects);
        master.start(0, true);
        master.onTimer(master.nextDeadline());
    }

    /** BACKUP hears its master: re-arms the master-down timer. */
    @Benchmark
    public long backupHearsMaster() {
        now += 1_000_000_000L;
        backup.onAdvertisement(now, 1, 0, 0, peer, self);
        return backup.nextDeadline();
    }

    /** MASTER's advertisement timer fires: one advert, timer re-armed. */
    @Benchmark
    public long masterAdvertises() {
        master.onTimer(master.nextDeadline());
        return sent;
    }
}
