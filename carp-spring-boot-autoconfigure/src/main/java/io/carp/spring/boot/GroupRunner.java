package io.carp.spring.boot;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import java.util.function.Supplier;

/** Where the groups run: builds them on a runtime and runs calls on the thread that runtime requires. */
interface GroupRunner {

    /** Builds (does not start) a group on this runtime. */
    CarpGroup build(CarpGroupBuilder builder);

    /** Runs an operation on a group where the runtime allows it (any thread for a thread-safe runtime). */
    <T> T call(Supplier<T> operation);

    /** Whether group interfaces must be named (the Linux runtime). */
    boolean requiresInterface();

    /** A short description for the info endpoint and logs: {@code linux}, {@code simulated (network ...)}, ... */
    String describe();
}
