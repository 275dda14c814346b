package io.carp.netty.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs root and network namespaces, and optionally ucarp, an ICMP client or other programs. Tagged
 * {@code linux-root} (leave such classes out with {@code -Dcarp.excludedGroups=linux-root}). Where the machine lacks
 * what the class needs, {@link LinuxRootExtension} skips the class with a loud banner on the console, or fails it if
 * {@code -Dcarp.requireRootTests=true} (as CI sets it). The check runs before the class's {@code @BeforeAll}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("linux-root")
@ExtendWith(LinuxRootExtension.class)
public @interface LinuxRootTest {
    /** What the class needs root for, shown in the banner, e.g. {@code "raw sockets in network namespaces"}. */
    String value() default "";

    /** Whether the class also runs the real ucarp. */
    boolean ucarp() default false;

    /** Whether the class pings from a namespace ({@code ping}, or Perl's Net::Ping). */
    boolean ping() default false;

    /**
     * Other programs the class runs, e.g. {@code {"keepalived", "tcpdump", "tshark"}} (each the name of its Debian
     * package too).
     */
    String[] programs() default {};
}
