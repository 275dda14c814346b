package io.carp.testkit.junit5;

import io.carp.testkit.SimulatedNetwork;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support: a test or lifecycle method parameter of type {@link SimulatedNetwork} gets a fresh network, seeded
 * from {@link NetworkSeed} if present, which is closed when the method's scope ends. When a test fails, the timeline
 * of each of its networks is printed to standard error.
 *
 * <pre>{@code
 * @ExtendWith(CarpTestkitExtension.class)
 * class FailoverTest {
 *     @Test
 *     @NetworkSeed(42)
 *     void shouldFailOverWhenMasterDies(SimulatedNetwork network) { ... }
 * }
 * }</pre>
 *
 * <p>The network is created on the thread that resolves the parameter, which is the test's thread unless the test
 * runs with a timeout in a separate thread; a network must be used from the thread that created it.
 */
public final class CarpTestkitExtension implements ParameterResolver, AfterTestExecutionCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CarpTestkitExtension.class);
    private static final String NETWORKS = "networks";

    /** Created by JUnit. */
    public CarpTestkitExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SimulatedNetwork.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        SimulatedNetwork network = SimulatedNetwork.create(seed(extensionContext));
        networks(extensionContext).add(network);
        extensionContext.getStore(NAMESPACE).put(new Object(),
                (ExtensionContext.Store.CloseableResource) network::close);
        return network;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        for (SimulatedNetwork network : networks(context)) {
            StringBuilder sb = new StringBuilder("--- carp-testkit timeline of ").append(network).append(" in ")
                    .append(context.getDisplayName()).append(" ---\n");
            network.timeline().forEach(line -> sb.append("  ").append(line).append('\n'));
            System.err.print(sb);
        }
    }

    private static long seed(ExtensionContext context) {
        Optional<NetworkSeed> onMethod = context.getTestMethod().flatMap(m -> annotation(m));
        Optional<NetworkSeed> onClass = context.getTestClass().flatMap(c -> annotation(c));
        return onMethod.or(() -> onClass).map(NetworkSeed::value).orElse(SimulatedNetwork.DEFAULT_SEED);
    }

    private static Optional<NetworkSeed> annotation(AnnotatedElement element) {
        return Optional.ofNullable(element.getAnnotation(NetworkSeed.class));
    }

    @SuppressWarnings("unchecked")
    private static List<SimulatedNetwork> networks(ExtensionContext context) {
        return (List<SimulatedNetwork>) context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(NETWORKS, k -> new ArrayList<SimulatedNetwork>());
    }
}
