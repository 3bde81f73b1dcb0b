package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /nodes/{ref}/update} ({@code node update}).
 *
 * @param availability "active", "pause", "drain", or {@code null} to keep it
 * @param labelAdd     {@code KEY=VALUE} or {@code KEY}
 * @param labelRm      label keys, removed after the additions
 */
public record NodeUpdateRequest(String availability, List<String> labelAdd, List<String> labelRm) {
}
