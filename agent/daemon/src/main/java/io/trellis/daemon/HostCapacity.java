package io.trellis.daemon;

import io.trellis.controlplane.store.NodeResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This node's CPUs and memory, as it reports them to the managers for the scheduler's reservations. */
final class HostCapacity {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostCapacity() {
    }

    static NodeResources read() {
        return new NodeResources(Runtime.getRuntime().availableProcessors() * 1_000_000_000L, memTotal(MEMINFO));
    }

    /** {@code MemTotal} of a meminfo file in bytes; the JVM's view of memory when it cannot be read. */
    static long memTotal(Path meminfo) {
        try {
            return memTotal(Files.readAllLines(meminfo));
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    static long memTotal(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                long kib = Long.parseLong(parts[0]);
                return kib * 1024;
            }
        }
        throw new IllegalArgumentException("no MemTotal line");
    }
}
