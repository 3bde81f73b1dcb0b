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
 */
public record ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                   List<String> publishRm, String lbAlgorithm, boolean force,
                                   ContainerOptions container, List<String> secretAdd, List<String> secretRm,
                                   List<String> mountAdd, List<String> mountRm) {

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
    }

    public ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm, List<String> publishAdd,
                                List<String> publishRm, String lbAlgorithm, boolean force, ContainerOptions container,
                                List<String> secretAdd, List<String> secretRm) {
        this(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force, container, secretAdd, secretRm, null,
                null);
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

    public boolean changesPorts() {
        return !publishAdd.isEmpty() || !publishRm.isEmpty() || lbAlgorithm != null;
    }

    public boolean changesMounts() {
        return !mountAdd.isEmpty() || !mountRm.isEmpty();
    }
}
