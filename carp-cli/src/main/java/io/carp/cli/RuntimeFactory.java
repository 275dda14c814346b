package io.carp.cli;

import io.carp.netty.NettyCarpRuntime;
import io.carp.CarpRuntime;
import java.util.function.Supplier;

/** Creates the runtime carp-cli runs on: the Linux one, or for tests a class named by a system property. */
final class RuntimeFactory {
    /**
     * For tests only (not in {@code --help}): the name of a class with a public no-argument constructor that
     * implements {@code Supplier<CarpRuntime>}.
     */
    static final String PROPERTY = "carp.cli.runtimeFactory";

    private RuntimeFactory() {
    }

    /**
     * Creates the runtime.
     *
     * @return {@link NettyCarpRuntime#create()}, unless {@value #PROPERTY} is set
     * @throws IllegalStateException if the runtime cannot be created
     */
    static CarpRuntime create() {
        String factory = System.getProperty(PROPERTY);
        if (factory == null || factory.isEmpty()) {
            return NettyCarpRuntime.create();
        }
        try {
            @SuppressWarnings("unchecked")
            Supplier<CarpRuntime> supplier = (Supplier<CarpRuntime>) Class.forName(factory)
                    .getDeclaredConstructor().newInstance();
            return supplier.get();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(PROPERTY + "=" + factory + ": cannot create the runtime (" + e + ")", e);
        }
    }

    /**
     * Closes a runtime if it can be closed.
     *
     * @param runtime the runtime
     */
    static void close(CarpRuntime runtime) throws Exception {
        if (runtime instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
