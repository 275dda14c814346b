package io.carp;

/**
 * What carries groups: the sockets, event loop and address management of one process. On Linux it is
 * {@code io.carp.netty.NettyCarpRuntime}; in tests, a simulated node of {@code carp-testkit}. Pass one to
 * {@link CarpGroupBuilder#runtime(CarpRuntime)}; many groups may share one runtime.
 *
 * <p>Implemented only by carp4j's own modules: the engine it creates is internal. Applications never call
 * {@link #createGroup(GroupSpec)}; they call {@link CarpGroupBuilder#build()}.
 */
public interface CarpRuntime {

    /**
     * Creates a group carried by this runtime, in state INIT. Called by {@link CarpGroupBuilder#build()} with a spec
     * that only the builder can make.
     *
     * @param spec the validated configuration, callbacks and executors of the group
     * @return the new, not yet started group
     */
    CarpGroup createGroup(GroupSpec spec);
}
