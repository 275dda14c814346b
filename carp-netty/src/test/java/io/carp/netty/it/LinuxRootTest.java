package io.carp.netty.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs root, network namespaces and (optionally) ucarp or an ICMP client. Tagged
 * {@code linux-root}; when the machine lacks them, {@link LinuxRootExtension} skips the class with a loud banner, or
 * fails it if {@code -Dcarp.requireRootTests=true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("linux-root")
@ExtendWith(LinuxRootExtension.class)
@interface LinuxRootTest {
    /** Whether the class also runs the real ucarp. */
    boolean ucarp() default false;

    /** Whether the class pings from the client namespace ({@code ping}, or Perl's Net::Ping). */
    boolean ping() default false;
}
