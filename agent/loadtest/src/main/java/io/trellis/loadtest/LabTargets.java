package io.trellis.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The node addresses of the running Trellis lab, from the state file {@code trellis lab up} writes
 * ({@code nodes[].address}). Only what the policy needs is read, so this does not depend on the lab.
 */
public final class LabTargets {
    /** Where {@code trellis lab up} keeps its state. */
    public static final Path STATE_FILE = Path.of("/run/trellis/lab/lab.json");

    private LabTargets() {
    }

    /**
     * The addresses in {@code stateFile}; none when there is no file (no lab running).
     *
     * @throws IOException when the file is there but unreadable or not the lab's JSON
     */
    public static Set<InetAddress> read(Path stateFile) throws IOException {
        if (!Files.exists(stateFile)) {
            return Set.of();
        }
        JsonNode nodes;
        try {
            nodes = Json.MAPPER.readTree(stateFile.toFile()).path("nodes");
        } catch (JsonProcessingException e) {
            // The original message only: the full one spans lines, and an error here is one line.
            throw new IOException(stateFile + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!nodes.isArray()) {
            throw new IOException(stateFile + " has no nodes list");
        }
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (JsonNode node : nodes) {
            String address = node.path("address").asText("");
            addresses.add(literal(address).orElseThrow(() -> new IOException(
                    stateFile + " has a node address that is not an IP address: \"" + address + "\"")));
        }
        return Set.copyOf(addresses);
    }

    /** Literals only: a name in the file must not make a DNS query decide what may be loaded. */
    private static Optional<InetAddress> literal(String text) throws IOException {
        if (text.contains(":")) {
            try {
                return Optional.of(InetAddress.getByName(text)); // with a colon, the JDK parses and never resolves
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return Optional.of(InetAddress.getByAddress(bytes));
    }
}
