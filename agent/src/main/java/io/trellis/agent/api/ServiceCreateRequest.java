package io.trellis.agent.api;

import java.util.List;

/** Body of {@code POST /services}. */
public record ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas) {
}
