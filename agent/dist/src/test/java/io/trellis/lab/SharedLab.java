package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One three-node lab (one manager) for every test class that extends with this, instead of one each: it comes up
 * on first use, is checked before each class (and rebuilt if another class took it down or replaced it with
 * another shape), is brought back to how it came up after each class, and goes down when the JVM's tests end.
 * A class takes the lab as a {@link Cluster} parameter of its {@code @BeforeAll} method.
 */
public final class SharedLab implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    static final LabPlan PLAN = new LabPlan(3, 1);

    /** The running shared lab, for one test class. */
    public record Cluster(Lab lab, List<LabState.LabNode> nodes) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Assumptions.assumeTrue(Lab.unavailableReason().isEmpty(), () -> Lab.unavailableReason().orElse(""));
        root(context).getOrComputeIfAbsent(Fixture.class, k -> new Fixture(), Fixture.class).ensureUp();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Fixture fixture = root(context).get(Fixture.class, Fixture.class);
        if (fixture != null) {
            fixture.reset();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Cluster resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return root(context).get(Fixture.class, Fixture.class).cluster();
    }

    private static ExtensionContext.Store root(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedLab.class));
    }

    /** The lab and what it held when it came up; closed by JUnit with the root context, after the last class. */
    private static final class Fixture implements AutoCloseable {
        private final Lab lab = new Lab(new PrintWriter(new StringWriter(), true));
        private LabBaseline baseline; // null until the lab is up, and after a reset failed

        void ensureUp() throws IOException {
            if (baseline != null && stillAsItCameUp()) {
                return;
            }
            long start = System.nanoTime();
            lab.down(); // a lab left up by hand, or another class's shape
            baseline = null;
            List<LabState.LabNode> nodes = lab.up(PLAN);
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(LabBaseline.nodeStates(nodes.get(0)))
                    .hasSize(PLAN.nodes()).allSatisfy((name, n) -> assertThat(n.status()).isEqualTo("Ready")));
            baseline = LabBaseline.read(nodes);
            System.out.printf("SharedLab: %d-node lab up in %d ms%n", PLAN.nodes(), (System.nanoTime() - start) / 1_000_000);
        }

        /** Whether the lab is the one this fixture brought up, every agent running, and nothing left in it. */
        private boolean stillAsItCameUp() {
            try {
                Optional<List<Lab.NodeStatus>> status = lab.status();
                Optional<LabState> state = LabState.load();
                if (status.isEmpty() || state.isEmpty() || state.get().managers() != PLAN.managers()
                        || status.get().size() != PLAN.nodes()
                        || !status.get().stream().allMatch(s -> s.agentRunning() && !s.partitioned())) {
                    return false;
                }
                return LabBaseline.read(state.get().nodes()).isAsBefore(baseline); // node IDs tell another lab apart
            } catch (IOException | RuntimeException | AssertionError e) {
                return false;
            }
        }

        Cluster cluster() {
            try {
                return new Cluster(lab, LabState.load().orElseThrow().nodes());
            } catch (IOException e) {
                throw new IllegalStateException("the shared lab's state cannot be read", e);
            }
        }

        /** Back to the baseline; if that fails, down, so that the next class gets a new lab, and the failure shows. */
        void reset() throws IOException {
            if (baseline == null) {
                return;
            }
            try {
                new LabReset(lab, baseline).run();
            } catch (IOException | RuntimeException | AssertionError e) {
                baseline = null;
                try {
                    lab.down();
                } catch (IOException down) {
                    e.addSuppressed(down);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            lab.down();
        }
    }
}
