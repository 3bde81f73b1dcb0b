package io.trellis.daemon.cgroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/**
 * One task's cgroup: the membership directory (which every process of the task joins before it
 * runs, and which {@code cgroup.kill} empties at once) plus, on hybrid hosts, the v1 directories
 * that hold its limits. Removing it kills whatever is left first.
 */
public final class TaskCgroup {
    /** How long {@link #remove} waits for killed processes to leave before it gives up on rmdir. */
    private static final long EMPTY_WAIT_NANOS = 3_000_000_000L;
    private static final long POLL_NANOS = 10_000_000L;

    private final Path membership;
    private final List<Path> limits;

    TaskCgroup(Path membership, List<Path> limits) {
        this.membership = membership;
        this.limits = List.copyOf(limits);
    }

    /** The membership directory, or null on a node without cgroups. */
    public Path membership() {
        return membership;
    }

    /** Every directory of this task that exists now. */
    public List<Path> directories() {
        List<Path> out = new ArrayList<>();
        if (membership != null && Files.isDirectory(membership)) {
            out.add(membership);
        }
        limits.stream().filter(Files::isDirectory).forEach(out::add);
        return out;
    }

    /** The {@code cgroup.procs} files the task's first process writes its PID into. */
    public List<Path> procsFiles() {
        return directories().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** PIDs in the task's cgroup(s) now. */
    public Set<Long> pids() {
        Set<Long> out = new TreeSet<>();
        for (Path dir : directories()) {
            try (BufferedReader r = Files.newBufferedReader(dir.resolve("cgroup.procs"))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        out.add(Long.parseLong(line.trim()));
                    }
                }
            } catch (NoSuchFileException gone) {
                // removed meanwhile: nothing left in it
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    /** SIGKILL to every process of the task: {@code cgroup.kill}, or one by one where the kernel lacks it. */
    public void kill() {
        Path killFile = membership == null ? null : membership.resolve("cgroup.kill");
        if (killFile != null && Files.exists(killFile)) {
            try {
                write(killFile, "1");
                return;
            } catch (IOException e) {
                // fall through to one by one
            }
        }
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Kills what is left, waits (bounded) until the processes are gone, then removes the directories.
     *
     * @throws IOException a directory that stays busy or cannot be removed
     */
    public void remove() throws IOException {
        if (directories().isEmpty()) {
            return;
        }
        kill();
        long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
        while (!pids().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
            kill(); // a process forked while the first kill was delivered
        }
        for (Path dir : directories()) {
            Files.delete(dir); // rmdir(2): a cgroup directory is removed while its control files are listed
        }
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }
}
