package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretApiTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
    private final SecretApi secrets = new SecretApi(store, Fixtures.directWriter(store, 100), Clock.systemUTC());
    private final ClusterApi services = new ClusterApi(store, Fixtures.directWriter(store, 1_000), Clock.systemUTC());

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Service service(String name, String... secretOptions) {
        ServiceSpec spec = new ServiceSpec(name, "img", List.of("run"), List.of(), 1);
        return services.createService(spec.withContainer(spec.container()
                .withSecrets(SecretOption.references(store.view(), "--secret", List.of(secretOptions)))));
    }

    @Test
    void createsListsAndFindsByNameOrIdPrefix() {
        var s = secrets.create("db_pw", bytes("hunter2"), Map.of("env", "prod"));
        secrets.create("a.key", bytes("k"), null);

        assertThat(secrets.list()).extracting(x -> x.name()).containsExactly("a.key", "db_pw");
        assertThat(secrets.secret("db_pw").id()).isEqualTo(s.id());
        assertThat(secrets.secret(s.id().substring(0, 8)).name()).isEqualTo("db_pw");
        assertThat(secrets.secret("db_pw").data()).isEqualTo(bytes("hunter2"));
        assertThat(secrets.secret("db_pw").labels()).containsEntry("env", "prod");
    }

    @Test
    void refusesBadNamesSizesAndDuplicatesWithOneLineAndStoresNothing() {
        secrets.create("db_pw", bytes("x"), null);

        assertThatThrownBy(() -> secrets.create("db_pw", bytes("y"), null)).hasMessage("secret db_pw already exists");
        assertThatThrownBy(() -> secrets.create("-x", bytes("y"), null))
                .hasMessage("invalid secret name \"-x\": use 1-64 characters [a-zA-Z0-9_.-], starting with a letter"
                        + " or digit");
        assertThatThrownBy(() -> secrets.create("a".repeat(65), bytes("y"), null))
                .hasMessageStartingWith("invalid secret name");
        assertThatThrownBy(() -> secrets.create("a/b", bytes("y"), null)).hasMessageStartingWith("invalid secret name");
        assertThatThrownBy(() -> secrets.create("big", new byte[612_345], null))
                .hasMessage("secret data is 612345 bytes; the limit is 512000 (500 KiB)");
        assertThatThrownBy(() -> secrets.create("empty", new byte[0], null)).hasMessage("secret data is empty");
        assertThat(secrets.create("a".repeat(64), new byte[SecretApi.MAX_SIZE], null).size())
                .isEqualTo(SecretApi.MAX_SIZE);
        assertThat(secrets.list()).hasSize(2);
    }

    @Test
    void removalIsAllOrNothingAndRefusedWhileInUse() {
        secrets.create("db_pw", bytes("x"), null);
        secrets.create("free", bytes("x"), null);
        service("web", "db_pw");
        service("db", "source=db_pw,target=password");

        assertThatThrownBy(() -> secrets.remove(List.of("free", "db_pw")))
                .hasMessage("secret db_pw is in use by service(s) db, web");
        assertThatThrownBy(() -> secrets.remove(List.of("free", "zzz"))).hasMessage("no such secret: zzz")
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.NOT_FOUND);
        assertThat(secrets.list()).hasSize(2);

        assertThat(secrets.remove(List.of("free"))).containsExactly("free");
        services.removeServices(List.of("web", "db"));
        assertThat(secrets.remove(List.of("db_pw"))).containsExactly("db_pw");
        assertThat(secrets.list()).isEmpty();
    }

    @Test
    void serviceUpdateAddsAndRemovesByNameOrTargetAndReplacesTheTasks() {
        secrets.create("db_pw", bytes("x"), null);
        secrets.create("api_key", bytes("y"), null);
        Service web = service("web", "source=db_pw,target=password,mode=0400");

        Service added = secrets.updateService(web, List.of("api_key"), List.of());
        assertThat(added.spec().container().secrets()).extracting(SecretReference::target)
                .containsExactly("password", "api_key");
        assertThat(added.spec().forceUpdate()).as("tasks from this version on are current").isEqualTo(added.version());

        Service removed = secrets.updateService(added, List.of(), List.of("password", "api_key"));
        assertThat(removed.spec().container().secrets()).isEmpty();
        assertThat(removed.spec().forceUpdate()).isEqualTo(removed.version());

        assertThatThrownBy(() -> secrets.updateService(removed, List.of(), List.of("nope")))
                .hasMessage("service web has no secret nope");
        assertThatThrownBy(() -> secrets.updateService(removed, List.of("db_pw", "source=api_key,target=db_pw"),
                List.of())).hasMessage("invalid --secret-add: two secrets have the target db_pw");
        assertThatThrownBy(() -> secrets.updateService(removed, List.of("missing"), List.of()))
                .hasMessage("no such secret: missing");
        assertThat(services.service("web").version()).isEqualTo(removed.version());
    }
}
