package io.trellis.api;

import java.util.List;

/**
 * A named volume of the node the CLI talks to, as {@code volume ls} shows it.
 *
 * @param driver     {@code local}: a directory on this node
 * @param mountpoint where its data lives on the node
 * @param usedBy     IDs of this node's tasks that run (or are starting) with it
 */
public record VolumeView(String name, String driver, String mountpoint, List<String> usedBy) {

    public VolumeView {
        usedBy = usedBy == null ? List.of() : List.copyOf(usedBy);
    }
}
