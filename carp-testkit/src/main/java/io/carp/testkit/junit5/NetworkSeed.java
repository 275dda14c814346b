package io.carp.testkit.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The seed of the {@link io.carp.testkit.SimulatedNetwork} that {@link CarpTestkitExtension} injects. On a test method
 * it wins over one on the class; without it the network uses
 * {@link io.carp.testkit.SimulatedNetwork#DEFAULT_SEED}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NetworkSeed {
    /** The seed. */
    long value();
}
