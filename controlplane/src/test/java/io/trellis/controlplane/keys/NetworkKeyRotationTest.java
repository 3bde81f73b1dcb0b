package io.trellis.controlplane.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.NetworkKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three rotation steps, each when due and not before, with a fresh key in step one only. */
class NetworkKeyRotationTest {
    private static final long HOUR = 3_600_000;
    private final NetworkKeyRotation rotation = new NetworkKeyRotation(Duration.ofHours(12), Duration.ofSeconds(30));

    @Test
    void installsThenSendsWithThenRetires() {
        NetworkKey k1 = new NetworkKey("a2V5MQ==", 0);
        assertThat(rotation.next(List.of(k1), 12 * HOUR - 1)).isNull();

        List<NetworkKey> step1 = rotation.next(List.of(k1), 12 * HOUR);
        assertThat(step1).hasSize(2).first().isEqualTo(k1);
        NetworkKey k2 = step1.get(1);
        assertThat(k2.secret()).isNotEqualTo(k1.secret());
        assertThat(k2.createdAt()).isEqualTo(12 * HOUR);

        assertThat(rotation.next(step1, 12 * HOUR + 29_999)).isNull();
        List<NetworkKey> step2 = rotation.next(step1, 12 * HOUR + 30_000);
        assertThat(step2).containsExactly(k2, k1);

        assertThat(rotation.next(step2, 12 * HOUR + 59_999)).isNull();
        assertThat(rotation.next(step2, 12 * HOUR + 60_000)).containsExactly(k2);
        assertThat(rotation.next(List.of(k2), 24 * HOUR - 1)).isNull();
    }

    @Test
    void keysAreRandomAndNeverPrinted() {
        NetworkKey a = NetworkKey.generate(0);
        NetworkKey b = NetworkKey.generate(0);
        assertThat(a.secret()).isNotEqualTo(b.secret());
        assertThat(java.util.Base64.getDecoder().decode(a.secret())).hasSize(NetworkKey.SECRET_BYTES);
        assertThat(a.toString()).doesNotContain(a.secret());
    }
}
