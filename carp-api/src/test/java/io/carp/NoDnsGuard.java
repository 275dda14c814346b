package io.carp;

import java.security.Permission;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs code with a SecurityManager that fails any host-name lookup ({@code checkConnect(host, -1)} is how
 * {@link java.net.InetAddress} asks before resolving a name), so a test can prove that no DNS query is made. Java 17
 * allows installing one at run time (with a deprecation warning); on later JDKs that refuse, the test is skipped loudly.
 */
@SuppressWarnings("removal")
public final class NoDnsGuard {
    private NoDnsGuard() {
    }

    public static void run(Runnable code) {
        SecurityManager previous = System.getSecurityManager();
        SecurityManager guard = new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    throw new SecurityException("DNS lookup of \"" + host + "\" (a literal was expected: no DNS)");
                }
            }
        };
        try {
            System.setSecurityManager(guard);
        } catch (UnsupportedOperationException e) {
            System.err.println("=== SKIPPED: this JDK refuses System.setSecurityManager; cannot prove 'no DNS' ===");
            Assumptions.abort("System.setSecurityManager is not supported on this JDK");
        }
        try {
            code.run();
        } finally {
            System.setSecurityManager(previous);
        }
    }
}
