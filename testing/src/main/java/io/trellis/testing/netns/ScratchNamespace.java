package io.trellis.testing.netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One namespace of {@link ScratchNamespaces}, driven with shell commands through {@code ip netns exec}. */
public final class ScratchNamespace {
    private final String name;

    ScratchNamespace(String name) {
        this.name = name;
    }

    /** The name {@code ip netns} knows it by. */
    public String name() {
        return name;
    }

    /** The pinned namespace file, for setns(2) ({@code NetworkNamespace.open}) or {@code nsenter --net=}. */
    public Path path() {
        return ScratchNamespaces.pinDirectory().resolve(name);
    }

    /** Runs {@code bash -c command} inside; returns its output, or fails with it and the exit code. */
    public String sh(String command) throws IOException {
        return Commands.run(List.of("ip", "netns", "exec", name, "bash", "-c", command), false);
    }

    /** Starts {@code command} inside without waiting for it; output and errors go to one stream. */
    public Process start(List<String> command) throws IOException {
        return new ProcessBuilder(exec(command)).redirectErrorStream(true).start();
    }

    /** {@code command} prefixed to run inside this namespace. */
    public List<String> exec(List<String> command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
        argv.addAll(command);
        return argv;
    }

    @Override
    public String toString() {
        return name;
    }
}
