package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /services/{ref}/update} ({@code service update}).
 *
 * @param networkAdd  {@code NAME} or {@code name=NAME,alias=A,...} ({@link NetworkOption})
 * @param networkRm   network names or IDs, removed before the additions
 * @param publishAdd  {@code --publish-add}, as {@code --publish}
 * @param publishRm   {@code --publish-rm}: a target port {@code T[/PROTO]} or {@code P:T[/PROTO]}
 * @param lbAlgorithm {@code --lb-algorithm}, or null to keep it
 * @param force       {@code --force}: replace every task, one at a time, even with nothing else changed
 * @param container   task options to change (null fields are kept; {@code secrets} is unused here)
 * @param secretAdd   {@code --secret-add}, as {@code --secret}
 * @param secretRm    {@code --secret-rm}: secret names or targets
 * @param mountAdd    {@code --mount-add}, as {@code --mount}
 * @param mountRm     {@code --mount-rm}: mount targets
 * @param image       {@code --image}, or null to keep it
 * @param args        {@code --args}, split into words; null keeps the command, empty resets it to the image's
 * @param envAdd      {@code --env-add KEY=VALUE}
 * @param envRm       {@code --env-rm KEY}
 * @param replicas    {@code --replicas}, or null to keep it
 * @param updateConfig   the {@code --update-*} flags
 * @param rollbackConfig the {@code --rollback-*} flags
 * @param rollback    {@code --rollback} ({@code service rollback}): back to the previous spec; no other flag with it
 * @param restartPolicy   the {@code --restart-*} flags
 * @param stopGracePeriod {@code --stop-grace-period}, or null to keep it
 * @param placementPrefAdd {@code --placement-pref-add spread=node.labels.NAME}, appended after the removals
 * @param placementPrefRm  {@code --placement-pref-rm spread=node.labels.NAME}
 * @param containerLabelAdd {@code --container-label-add KEY=VALUE}
 * @param containerLabelRm  {@code --container-label-rm KEY}
 */
public record ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                   List<String> publishRm, String lbAlgorithm, boolean force,
                                   ContainerOptions container, List<String> secretAdd, List<String> secretRm,
                                   List<String> mountAdd, List<String> mountRm, String image, List<String> args, List<String> envAdd, List<String> envRm,
                                   Integer replicas, UpdateConfigOptions updateConfig,
                                   UpdateConfigOptions rollbackConfig, boolean rollback,
                                   RestartPolicyOptions restartPolicy, String stopGracePeriod,
                                   List<String> placementPrefAdd, List<String> placementPrefRm,
                                   List<String> containerLabelAdd, List<String> containerLabelRm) {

    public ServiceUpdateRequest {
        networkAdd = networkAdd == null ? List.of() : List.copyOf(networkAdd);
        networkRm = networkRm == null ? List.of() : List.copyOf(networkRm);
        publishAdd = publishAdd == null ? List.of() : List.copyOf(publishAdd);
        publishRm = publishRm == null ? List.of() : List.copyOf(publishRm);
        container = container == null ? ContainerOptions.NONE : container;
        secretAdd = secretAdd == null ? List.of() : List.copyOf(secretAdd);
        secretRm = secretRm == null ? List.of() : List.copyOf(secretRm);
        mountAdd = mountAdd == null ? List.of() : List.copyOf(mountAdd);
        mountRm = mountRm == null ? List.of() : List.copyOf(mountRm);
        args = args == null ? null : List.copyOf(args);
        envAdd = envAdd == null ? List.of() : List.copyOf(envAdd);
        envRm = envRm == null ? List.of() : List.copyOf(envRm);
        updateConfig = updateConfig == null ? UpdateConfigOptions.NONE : updateConfig;
        rollbackConfig = rollbackConfig == null ? UpdateConfigOptions.NONE : rollbackConfig;
        restartPolicy = restartPolicy == null ? RestartPolicyOptions.NONE : restartPolicy;
        placementPrefAdd = placementPrefAdd == null ? List.of() : List.copyOf(placementPrefAdd);
        placementPrefRm = placementPrefRm == null ? List.of() : List.copyOf(placementPrefRm);
        containerLabelAdd = containerLabelAdd == null ? List.of() : List.copyOf(containerLabelAdd);
        containerLabelRm = containerLabelRm == null ? List.of() : List.copyOf(containerLabelRm);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force,
                                ContainerOptions container, List<String> secretAdd, List<String> secretRm,
                                List<String> mountAdd, List<String> mountRm, String image, List<String> args,
                                List<String> envAdd, List<String> envRm, Integer replicas,
                                UpdateConfigOptions updateConfig, UpdateConfigOptions rollbackConfig,
                                boolean rollback, RestartPolicyOptions restartPolicy, String stopGracePeriod) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, container, secretAdd, secretRm, mountAdd,
                mountRm, image, args, envAdd, envRm, replicas, updateConfig, rollbackConfig, rollback, restartPolicy,
                stopGracePeriod, null, null, null, null);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force,
                                ContainerOptions container, List<String> secretAdd, List<String> secretRm,
                                List<String> mountAdd, List<String> mountRm, String image, List<String> args,
                                List<String> envAdd, List<String> envRm, Integer replicas,
                                UpdateConfigOptions updateConfig, UpdateConfigOptions rollbackConfig,
                                boolean rollback) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, container, secretAdd, secretRm, mountAdd,
                mountRm, image, args, envAdd, envRm, replicas, updateConfig, rollbackConfig, rollback, null, null);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force,
                                ContainerOptions container, List<String> secretAdd, List<String> secretRm) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, container, secretAdd, secretRm, null,
                null, null, null, null, null, null, null, null, false);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force, ContainerOptions container,
                                List<String> secretAdd, List<String> secretRm, List<String> mountAdd,
                                List<String> mountRm) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, container, secretAdd, secretRm, mountAdd,
                mountRm, null, null, null, null, null, null, null, false);
    }

    /** {@code service rollback}. */
    public static ServiceUpdateRequest rollbackRequest() {
        return new ServiceUpdateRequest(null, null, null, null, null, false, null, null, null, null, null, null, null,
                null, null, null, null, null, true);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, null, null, null);
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm) {
        this(networkAdd, networkRm, null, null, null, false, null, null, null);
    }

    public boolean changesNetworks() {
        return !networkAdd.isEmpty() || !networkRm.isEmpty();
    }

    /**
     * Whether a flag of the task template, the replicas, the update configs, the restart policy or the placement
     * preferences was given.
     */
    public boolean changesSpec() {
        return image != null || args != null || !envAdd.isEmpty() || !envRm.isEmpty() || replicas != null
                || updateConfig.given() || rollbackConfig.given() || restartPolicy.given() || stopGracePeriod != null
                || !placementPrefAdd.isEmpty() || !placementPrefRm.isEmpty() || !containerLabelAdd.isEmpty()
                || !containerLabelRm.isEmpty();
    }

    public boolean changesMounts() {
        return !mountAdd.isEmpty() || !mountRm.isEmpty();
    }

    public boolean changesPorts() {
        return !publishAdd.isEmpty() || !publishRm.isEmpty() || lbAlgorithm != null;
    }
}
