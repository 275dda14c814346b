package io.carp.spring.boot;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpRuntime;
import java.util.function.Supplier;

/** A thread-safe runtime (NettyCarpRuntime, or one the application defines): groups are used from any thread. */
final class RuntimeGroupRunner implements GroupRunner {
    private final CarpRuntime runtime;
    private final boolean linux;

    RuntimeGroupRunner(CarpRuntime runtime) {
        this.runtime = runtime;
        this.linux = runtime.getClass().getName().equals("io.carp.netty.NettyCarpRuntime");
    }

    @Override
    public CarpGroup build(CarpGroupBuilder builder) {
        return builder.runtime(runtime).build();
    }

    @Override
    public <T> T call(Supplier<T> operation) {
        return operation.get();
    }

    @Override
    public boolean requiresInterface() {
        return linux;
    }

    @Override
    public String describe() {
        return linux ? "linux" : runtime.getClass().getName();
    }
}
