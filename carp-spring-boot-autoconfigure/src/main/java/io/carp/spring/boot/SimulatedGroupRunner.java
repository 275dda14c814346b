package io.carp.spring.boot;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import java.util.function.Supplier;

/** Groups on the simulated network: every call runs on its single simulation thread. */
final class SimulatedGroupRunner implements GroupRunner {
    private final SimulatedCarpNetwork network;

    SimulatedGroupRunner(SimulatedCarpNetwork network) {
        this.network = network;
    }

    @Override
    public CarpGroup build(CarpGroupBuilder builder) {
        return network.build(builder);
    }

    @Override
    public <T> T call(Supplier<T> operation) {
        return network.callOnLoop(operation);
    }

    @Override
    public boolean requiresInterface() {
        return false;
    }

    @Override
    public String describe() {
        return network.toString();
    }
}
