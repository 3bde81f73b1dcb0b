package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.PlacementPreference;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.UpdateConfig;
import io.trellis.controlplane.store.UpdateStatus;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code service update --image/--args/--env-*}/{@code --replicas}, rollback and resume on the manager. */
class ServiceUpdatesTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final ClusterApi api = new ClusterApi(store, writer, Clock.systemUTC());
    private final ServiceUpdates updates = new ServiceUpdates(store, writer, Clock.systemUTC());

    private Service web() {
        return api.createService(new ServiceSpec("web", "img:v1", List.of("sleep", "600"), List.of("A=1", "B=2"), 3));
    }

    private static ServiceUpdates.Changes changes(String image, List<String> args, List<String> envAdd,
                                                 List<String> envRm, Integer replicas) {
        return new ServiceUpdates.Changes(image, args, envAdd, envRm, replicas, null, null);
    }

    private Service update(Service before, ServiceUpdates.Changes c) {
        updates.check(before, c);
        return updates.finish(before, c);
    }

    @Test
    void changesTheTemplateInOneCommitRememberingThePreviousSpec() {
        Service before = web();
        Service after = update(before, new ServiceUpdates.Changes("img:v2", List.of("sleep", "1"), List.of("B=3", "C=4"),
                List.of("A"), 5, new UpdateOptions(2, null, "rollback", null, null, null), null));
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(after.spec().image()).isEqualTo("img:v2");
        assertThat(after.spec().command()).containsExactly("sleep", "1");
        assertThat(after.spec().env()).containsExactly("B=3", "C=4");
        assertThat(after.spec().replicas()).isEqualTo(5);
        assertThat(after.spec().updateConfig().parallelism()).isEqualTo(2);
        assertThat(after.spec().updateConfig().failureAction()).isEqualTo(UpdateConfig.FailureAction.ROLLBACK);
        assertThat(after.spec().rollbackConfig()).isEqualTo(UpdateConfig.DEFAULT);
        assertThat(after.previousSpec()).isEqualTo(before.spec());
        assertThat(after.updateStatus()).isNull();
        // --args "" goes back to the image's command.
        assertThat(update(after, changes(null, List.of(), null, null, null)).spec().command()).isEmpty();
    }

    private static ServiceUpdates.Changes placement(List<String> prefAdd, List<String> prefRm, List<String> labelAdd,
                                                    List<String> labelRm) {
        return new ServiceUpdates.Changes(null, null, null, null, null, null, null, null, prefAdd, prefRm, labelAdd,
                labelRm);
    }

    @Test
    void placementPreferencesAndContainerLabelsAreAddedAndRemovedInDockersOrder() {
        Service before = web();
        Service after = update(before, placement(List.of("spread=node.labels.zone", "spread=node.labels.rack"),
                List.of(), List.of("tier=front", "team"), List.of()));
        assertThat(after.spec().preferences()).containsExactly(new PlacementPreference("node.labels.zone"),
                new PlacementPreference("node.labels.rack"));
        assertThat(after.spec().container().labels()).containsExactly(entry("team", ""), entry("tier", "front"));
        // Removals first, then additions appended: a preference moves to the end.
        after = update(after, placement(List.of("spread=node.labels.zone"), List.of("SPREAD=node.labels.zone"),
                List.of("tier=back"), List.of("team")));
        assertThat(after.spec().preferences()).containsExactly(new PlacementPreference("node.labels.rack"),
                new PlacementPreference("node.labels.zone"));
        assertThat(after.spec().container().labels()).containsExactly(entry("tier", "back"));
    }

    @Test
    void aBadPreferenceOrReservedLabelIsOneLineAndChangesNothing() {
        Service before = web();
        for (ServiceUpdates.Changes bad : List.of(
                placement(List.of("spread=node.id"), null, null, null),
                placement(List.of("binpack=node.labels.zone"), null, null, null),
                placement(List.of("spread=engine.labels.dc"), null, null, null),
                placement(null, null, List.of("io.trellis.task.id=x"), null),
                placement(null, null, List.of("COM.DOCKER.SWARM.SERVICE.NAME=x"), null))) {
            assertThatThrownBy(() -> updates.check(before, bad)).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")
                            .containsAnyOf("spread=node.labels.NAME", "engine labels are not supported",
                                    "are set by the runtime"));
        }
        assertThat(api.service("web").version()).isEqualTo(before.version());
        assertThatThrownBy(() -> api.createService(new ServiceSpec("w2", "img", List.of(), List.of(), 1)
                .withPreferences(List.of(new PlacementPreference("node.hostname")))))
                .isInstanceOf(ApiException.class).hasMessageContaining("expected spread=node.labels.NAME");
    }

    @Test
    void severalCommitsOfOneRequestStillRollBackToTheSpecFromBeforeIt() {
        Service before = web();
        Service forced = api.forceUpdate(before.id()); // another flag of the same request, committed first
        Service after = update(before, changes("img:v2", null, null, null, null));
        assertThat(after.version()).isEqualTo(forced.version() + 1);
        assertThat(after.previousSpec()).isEqualTo(before.spec());

        Service rolledBack = updates.rollback("web");
        assertThat(rolledBack.spec()).isEqualTo(before.spec());
        assertThat(rolledBack.previousSpec()).isEqualTo(after.spec());
        assertThat(rolledBack.updateStatus().state()).isEqualTo(UpdateStatus.State.ROLLBACK_STARTED);
        assertThat(rolledBack.updateStatus().message()).isEqualTo("manually requested rollback");
    }

    @Test
    void aFlagThatChangesNothingCommitsNothing() {
        Service before = web();
        Service after = update(before, changes("img:v1", null, List.of("A=1"), List.of("NOPE"), 3));
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.previousSpec()).isNull();
    }

    @Test
    void badInputIsRefusedWithOneLineAndChangesNothing() {
        Service before = web();
        assertThatThrownBy(() -> update(before, changes(" ", null, null, null, null)))
                .hasMessage("invalid --image: the image is empty");
        assertThatThrownBy(() -> update(before, changes(null, null, List.of("NOEQUALS"), null, null)))
                .hasMessage("invalid --env \"NOEQUALS\": expected KEY=VALUE");
        assertThatThrownBy(() -> update(before, changes(null, null, null, List.of(""), null)))
                .hasMessage("invalid --env-rm: the key is empty");
        assertThatThrownBy(() -> update(before, changes(null, null, null, null, -1)))
                .hasMessage("invalid replicas -1 for web: must be between 0 and 10000");
        assertThatThrownBy(() -> update(before, new ServiceUpdates.Changes("img:v2", null, null, null, null,
                new UpdateOptions(null, null, null, null, null, "sideways"), null)))
                .hasMessage("invalid --update-order \"sideways\": use stop-first or start-first");
        assertThatThrownBy(() -> updates.rollback("web"))
                .hasMessage("service web has no previous spec to roll back to");
        assertThat(api.service("web")).isEqualTo(before);

        Service global = api.createService(new ServiceSpec("agent", "img", List.of(), List.of(), 0,
                ServiceSpec.Mode.GLOBAL, List.of(), 0));
        assertThatThrownBy(() -> update(global, changes(null, null, null, null, 2)))
                .hasMessage("--replicas can only be used with --mode replicated; agent is global");
    }

    @Test
    void resumingContinuesOnlyAPausedUpdate() {
        Service before = web();
        assertThat(updates.resume("web")).isNull();
        Service updated = update(before, changes("img:v2", null, null, null, null));
        store.applyBatch(200, StoreBatch.of(new StoreOp.SetUpdateStatus(updated.id(), updated.version(),
                UpdateStatus.updating(1).paused("update paused due to failure"))));
        Service resumed = updates.resume("web");
        assertThat(resumed.updateStatus()).isNull();
        assertThat(resumed.spec()).isEqualTo(updated.spec());
        assertThat(resumed.previousSpec()).isEqualTo(before.spec()); // still one step back to v1
        assertThat(resumed.version()).isEqualTo(updated.version() + 1);
    }
}
