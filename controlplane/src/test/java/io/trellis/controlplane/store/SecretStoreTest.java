package io.trellis.controlplane.store;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets in the replicated state: the apply-time rules, snapshots, and no value in any string. */
class SecretStoreTest {
    private static final byte[] VALUE = "s3cr3t-marker-value".getBytes(StandardCharsets.UTF_8);

    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
    private long index = 10;

    private static Secret secret(String id, String name) {
        return new Secret(id, name, Map.of(), T0, T0, VALUE);
    }

    private static Service using(String id, String name, String... secretIds) {
        Service s = Fixtures.service(id, name, 1);
        List<SecretReference> refs = Arrays.stream(secretIds)
                .map(sid -> new SecretReference(sid, "name-" + sid, "t-" + sid, 0, 0, 0400)).toList();
        return new Service(id, s.spec().withContainer(s.spec().container().withSecrets(refs)), 1, T0, T0);
    }

    private StoreReply apply(StoreOp... ops) {
        return store.applyBatch(index++, StoreBatch.of(ops));
    }

    @Test
    void namesAreUniqueWhenApplied() {
        assertThat(apply(new StoreOp.CreateSecret(secret("x1", "db_pw"))).ok()).isTrue();

        StoreReply twice = apply(new StoreOp.CreateSecret(secret("x2", "db_pw")));

        assertThat(twice.ok()).isFalse();
        assertThat(twice.error()).isEqualTo("secret db_pw already exists");
        assertThat(store.view().secrets()).containsOnlyKeys("x1");
        assertThat(store.view().findSecret("db_pw")).map(Secret::id).contains("x1");
        assertThat(store.view().findSecret("x")).map(Secret::id).contains("x1");
    }

    @Test
    void removalIsRefusedWhileAServiceUsesTheSecretNamingTheServices() {
        apply(new StoreOp.CreateSecret(secret("x1", "db_pw")), new StoreOp.CreateSecret(secret("x2", "other")));
        apply(new StoreOp.CreateService(using("s1", "web", "x1")), new StoreOp.CreateService(using("s2", "db", "x1")));

        StoreReply refused = apply(new StoreOp.DeleteSecret("x1"));

        assertThat(refused.ok()).isFalse();
        assertThat(refused.error()).isEqualTo("secret db_pw is in use by service(s) db, web");
        assertThat(store.view().secrets()).containsKey("x1");
        assertThat(apply(new StoreOp.DeleteSecret("x2")).ok()).isTrue();
        apply(new StoreOp.DeleteService("s1"), new StoreOp.DeleteService("s2"));
        assertThat(apply(new StoreOp.DeleteSecret("x1")).ok()).isTrue();
        assertThat(store.view().secrets()).isEmpty();
    }

    @Test
    void aServiceCannotTakeASecretRemovedBeforeItsBatchApplied() {
        apply(new StoreOp.CreateSecret(secret("x1", "db_pw")));
        apply(new StoreOp.DeleteSecret("x1"));

        StoreReply create = apply(new StoreOp.CreateService(using("s1", "web", "x1")));
        assertThat(create.ok()).isFalse();
        assertThat(create.error()).isEqualTo("no such secret: name-x1");

        apply(new StoreOp.CreateService(using("s1", "web")));
        Service s = store.view().services().get("s1");
        StoreReply update = apply(new StoreOp.UpdateService("s1", s.version(), using("s1", "web", "x1").spec(), T0));
        assertThat(update.ok()).isFalse();
        assertThat(update.error()).isEqualTo("no such secret: name-x1");
    }

    @Test
    void aSnapshotKeepsTheValue() throws Exception {
        apply(new StoreOp.CreateSecret(secret("x1", "db_pw")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.writeSnapshot(out);

        ClusterStore restored = new ClusterStore();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));

        assertThat(restored.view().secrets().get("x1").data()).isEqualTo(VALUE);
        assertThat(restored.view().secrets().get("x1")).isEqualTo(store.view().secrets().get("x1"));
    }

    @Test
    void noStringOfASecretOrOfWhatHoldsItShowsTheValue() {
        apply(new StoreOp.CreateSecret(secret("x1", "db_pw")));
        String marker = new String(VALUE, StandardCharsets.UTF_8);
        String b64 = Base64.getEncoder().encodeToString(VALUE);

        assertThat(List.of(store.view().secrets().get("x1").toString(), store.view().toString(),
                new StoreOp.CreateSecret(secret("x1", "db_pw")).toString()))
                .allSatisfy(s -> assertThat(s).doesNotContain(marker).doesNotContain(b64).doesNotContain("[B@"));
    }

    @Test
    void theValueCannotBeChangedThroughTheRecord() {
        byte[] given = VALUE.clone();
        Secret s = new Secret("x1", "a", null, T0, T0, given);
        given[0] = 'X';
        s.data()[1] = 'Y';
        assertThat(s.data()).isEqualTo(VALUE);
    }
}
