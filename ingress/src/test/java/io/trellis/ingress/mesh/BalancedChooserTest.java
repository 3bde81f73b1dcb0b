package io.trellis.ingress.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.BackendSet;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancedChooserTest {
    private static final InetSocketAddress A = new InetSocketAddress("10.0.0.5", 80);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.6", 80);
    private static final InetSocketAddress C = new InetSocketAddress("10.0.0.7", 80);

    private static BackendSet set(InetSocketAddress... addresses) {
        Backend[] backends = new Backend[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            backends[i] = new Backend("task-" + addresses[i].getAddress().getHostAddress(), addresses[i]);
        }
        return BackendSet.of(backends);
    }

    private static InetSocketAddress client(int i) {
        return new InetSocketAddress("172.30.0." + (i % 200 + 1), 10_000 + i);
    }

    @Test
    void leastConnectionsCountsWhatTheProxyOpensAndCloses() {
        BalancedChooser chooser = new BalancedChooser("least-conn");
        chooser.update(set(A, B));
        InetSocketAddress first = chooser.choose(client(1), null);
        chooser.opened(first);
        InetSocketAddress second = chooser.choose(client(2), null);
        assertThat(second).isNotEqualTo(first);
        chooser.opened(second);
        chooser.opened(first);
        assertThat(chooser.choose(client(3), null)).isEqualTo(second);
        chooser.closed(first);
        chooser.closed(first);
        assertThat(chooser.choose(client(4), null)).isEqualTo(first);
    }

    @Test
    void aConnectionToABackendThatJustLeftIsStillCountedDown() {
        BalancedChooser chooser = new BalancedChooser("least-conn");
        chooser.update(set(A, B));
        chooser.opened(A);
        chooser.opened(A);
        chooser.update(set(B));
        chooser.closed(A);
        chooser.closed(A);
        chooser.update(set(A, B));
        chooser.opened(B);
        assertThat(chooser.choose(client(1), null)).isEqualTo(A);
    }

    @Test
    void maglevKeepsEachClientOnItsBackendAndMovesOnlyTheRemovedOnesFlows() {
        BalancedChooser chooser = new BalancedChooser("maglev");
        chooser.update(set(A, B, C));
        Map<Integer, InetSocketAddress> before = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            before.put(i, chooser.choose(client(i), null));
            assertThat(chooser.choose(client(i), null)).isEqualTo(before.get(i));
        }
        chooser.update(set(A, B));
        int moved = 0;
        for (int i = 0; i < 3_000; i++) {
            InetSocketAddress now = chooser.choose(client(i), null);
            if (!before.get(i).equals(C)) {
                assertThat(now).as("client %d kept its backend", i).isEqualTo(before.get(i));
            } else {
                moved++;
            }
        }
        assertThat(moved).isBetween(700, 1_300); // about a third were on C
    }

    @Test
    void aRetryNeverGoesBackToTheBackendThatFailed() {
        BalancedChooser chooser = new BalancedChooser("rr");
        chooser.update(set(A, B));
        for (int i = 0; i < 10; i++) {
            assertThat(chooser.choose(client(i), A)).isEqualTo(B);
        }
        chooser.update(set(A));
        assertThat(chooser.choose(client(1), A)).isNull();
        chooser.update(set());
        assertThat(chooser.choose(client(1), null)).isNull();
    }
}
