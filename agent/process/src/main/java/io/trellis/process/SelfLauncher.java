package io.trellis.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run {@code trellis} itself as a task command ({@code trellis workload http ...}) without
 * relying on PATH: the same JVM binary and classpath as this agent, tuned for a small footprint.
 */
public final class SelfLauncher {
    public static final String MAIN_CLASS = "io.trellis.dist.Main";
    /** Built-in workloads are tiny servers: a small heap and no JIT tiers beyond C1 keep them light. */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC", "-Xmx64m", "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=16m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
    /**
     * The agent as a small daemon, the same flags as the {@code ./trellis} launcher gives it: bounded
     * heap (given back after a collection), metaspace and code cache; the serial collector (no GC
     * threads). Both JIT tiers: the agent carries the overlay's packet path, which C2 makes about
     * half again as fast as C1 alone (docs/benchmarks.md).
     */
    public static final List<String> AGENT_JVM_FLAGS = List.of(
            "-Xms16m", "-Xmx128m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=40", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:-UsePerfData",
            // Raft's gRPC runs on Ratis's own Netty: one arena of 1 MiB chunks, not one per core of 4 MiB.
            "-Dorg.apache.ratis.thirdparty.io.netty.allocator.numDirectArenas=1",
            "-Dorg.apache.ratis.thirdparty.io.netty.allocator.maxOrder=7");
    /** glibc's default of 8 malloc arenas per core keeps freed native memory of many threads resident. */
    public static final String MALLOC_ARENAS = "MALLOC_ARENA_MAX=2";

    private final String java;
    private final String classpath;

    public SelfLauncher(String java, String classpath) {
        this.java = java;
        this.classpath = classpath;
    }

    /** The launcher for the JVM this code runs in. */
    public static SelfLauncher current() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return new SelfLauncher(java, String.join(File.pathSeparator, entries));
    }

    /** {@code args} with a leading {@code trellis} replaced by this JVM; other commands unchanged. */
    public List<String> resolve(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("trellis")) {
            return args;
        }
        List<String> out = javaCommand(JVM_FLAGS);
        out.addAll(args.subList(1, args.size()));
        return out;
    }

    /** {@code env MALLOC_ARENA_MAX=2 java <agent flags> -cp <classpath> io.trellis.dist.Main}, ready for {@code agent ...}. */
    public List<String> agentCommand() {
        List<String> out = new ArrayList<>(List.of("env", MALLOC_ARENAS));
        out.addAll(javaCommand(AGENT_JVM_FLAGS));
        return out;
    }

    /** {@code java <flags> -cp <classpath> io.trellis.dist.Main}, ready for the trellis arguments. */
    public List<String> javaCommand(List<String> jvmFlags) {
        return javaCommand(jvmFlags, MAIN_CLASS);
    }

    /** {@code java <flags> -cp <classpath> <mainClass>}, ready for its arguments. */
    public List<String> javaCommand(List<String> jvmFlags, String mainClass) {
        List<String> out = new ArrayList<>();
        out.add(java);
        out.addAll(jvmFlags);
        out.add("-cp");
        out.add(classpath);
        out.add(mainClass);
        return out;
    }

    /** The classpath entries, in order. */
    public List<Path> classpath() {
        List<Path> out = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e));
            }
        }
        return out;
    }

    /** The same JVM with another classpath: the one a sandboxed task sees. */
    public SelfLauncher withClasspath(List<Path> entries) {
        return new SelfLauncher(java, String.join(File.pathSeparator, entries.stream().map(Path::toString).toList()));
    }
}
