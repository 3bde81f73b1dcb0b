package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /services/{ref}/update} ({@code service update}).
 *
 * @param networkAdd {@code NAME} or {@code name=NAME,alias=A,...} ({@link NetworkOption})
 * @param networkRm  network names or IDs, removed before the additions
 */
public record ServiceUpdateRequest(List<String> networkAdd, List<String> networkRm) {

    public ServiceUpdateRequest {
        networkAdd = networkAdd == null ? List.of() : List.copyOf(networkAdd);
        networkRm = networkRm == null ? List.of() : List.copyOf(networkRm);
    }
}
