package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Network;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** {@code swarm init}'s address pool and its first commit, which makes the ingress network. */
class NewSwarmNetworksTest {

    private static Network ingressOf(AddressPool pool) {
        NewSwarm swarm = NewSwarm.create("127.0.0.1", "127.0.0.1:2377", 2378, false, pool, Clock.systemUTC());
        ClusterStore store = new ClusterStore();
        assertThat(store.applyBatch(1, swarm.firstBatch()).ok()).isTrue();
        assertThat(store.view().cluster().addressPool()).isEqualTo(pool.cidr());
        assertThat(store.view().cluster().subnetSize()).isEqualTo(pool.subnetSize());
        return store.view().networks().values().stream().filter(n -> n.spec().ingress()).findFirst().orElseThrow();
    }

    @Test
    void theFirstCommitMakesTheIngressNetworkAsDockerDoes() {
        Network ingress = ingressOf(AddressPool.of(null, null));

        assertThat(ingress.name()).isEqualTo("ingress");
        assertThat(ingress.subnet()).isEqualTo("10.0.0.0/24");
        assertThat(ingress.gateway()).isEqualTo("10.0.0.1");
        assertThat(ingress.vni()).isEqualTo(4096);
        assertThat(ingress.spec().encrypted()).isFalse();
        assertThat(ingress.spec().attachable()).isFalse();
    }

    @Test
    void ingressTakesTheFirstSubnetOfTheChosenPool() {
        assertThat(ingressOf(AddressPool.of("172.20.0.0/16", 26)).subnet()).isEqualTo("172.20.0.0/26");
    }

    @Test
    void aBadPoolOrMaskLengthIsOneLine() {
        assertRefused(() -> AddressPool.of("10.0.0.0", null), "invalid --default-addr-pool: invalid subnet"
                + " \"10.0.0.0\": expected CIDR such as 10.0.9.0/24");
        assertRefused(() -> AddressPool.of("10.1.0.0/8", null), "invalid --default-addr-pool: invalid subnet"
                + " 10.1.0.0/8: host bits set (did you mean 10.0.0.0/8?)");
        assertRefused(() -> AddressPool.of("10.0.0.0/16", 8), "invalid --default-addr-pool-mask-length 8: must be"
                + " between 16 (the prefix length of 10.0.0.0/16) and 29");
        assertRefused(() -> AddressPool.of(null, 30), "invalid --default-addr-pool-mask-length 30: must be"
                + " between 8 (the prefix length of 10.0.0.0/8) and 29");
        assertThat(AddressPool.of("10.0.0.0/16", 29)).isEqualTo(new AddressPool("10.0.0.0/16", 29));
    }

    private static void assertRefused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(ApiException.class).hasMessage(message)
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.INVALID);
    }
}
