package io.trellis.process.sandbox;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Mount points for task mounts whose target the node's root file system lacks ({@code --mount target=/data}),
 * made without writing to the host: the sandbox moves into a new root, a small tmpfs holding a bind of every
 * entry of the host's root, except that each directory on the way to a missing target is a directory of the
 * tmpfs, holding binds of the host directory's entries in turn. The missing targets are made there, and the
 * host's tree is never written. A task without such targets keeps the host's root as it is.
 */
final class MountScaffold {
    /** Where the new root is built: the task gets a /tmp of its own anyway, so it needs none of the host's. */
    private static final Path BUILD = Path.of("/tmp");
    private static final Path ROOT = Path.of("/");
    private static final String OLD_ROOT = ".trellis-old-root";
    private static final int MNT_DETACH = 2;

    /**
     * A target to make.
     *
     * @param path the target with its existing part resolved to a real path
     * @param file a file (a bind of a file), else a directory
     */
    record Target(Path path, boolean file) {
    }

    private MountScaffold() {
    }

    /** The target as {@link #enter} needs it: its deepest existing ancestor's real path and the rest. */
    static Target target(Path target, boolean file) throws SandboxException {
        Path existing = target;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return new Target(existing.toRealPath().resolve(existing.relativize(target)), file);
        } catch (IOException e) {
            throw new SandboxException("resolving the mount target " + target + ": " + e.getMessage());
        }
    }

    /** Builds the new root with {@code targets} in it and makes it this mount namespace's root. */
    static void enter(List<Target> targets) throws SandboxException {
        SandboxMounts.mount("tmpfs", BUILD, "tmpfs", SandboxMounts.MS_NOSUID | SandboxMounts.MS_NODEV,
                "size=1m,mode=0755");
        try {
            copyAttributes(ROOT, BUILD);
            populate(ROOT, BUILD, targets);
            Files.createDirectory(BUILD.resolve(OLD_ROOT));
        } catch (IOException e) {
            throw new SandboxException("preparing the task's root: " + e.getMessage());
        }
        Pointer newRoot = cString(BUILD);
        Pointer putOld = cString(BUILD.resolve(OLD_ROOT));
        // pivot_root(2) also moves this process's root and working directory ("/") into the new root.
        Native.check(Native.libc().syscall(pivotRootNumber(), newRoot.address(), putOld.address(), 0, 0, 0),
                "entering the task's root (pivot_root)");
        Reference.reachabilityFence(newRoot); // the memory is freed with its pointer
        Reference.reachabilityFence(putOld);
        Path old = ROOT.resolve(OLD_ROOT);
        Native.check(Native.libc().umount2(old.toString(), MNT_DETACH), "unmounting the host's root");
        try {
            Files.delete(old);
        } catch (IOException e) {
            throw new SandboxException("removing " + old + ": " + e.getMessage());
        }
    }

    /** {@code mirror} gets every entry of {@code host}: bound, or for a way to a target, made and filled. */
    private static void populate(Path host, Path mirror, List<Target> targets) throws IOException, SandboxException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(host)) {
            listing.forEach(entries::add);
        }
        for (Path e : entries) {
            Path m = mirror.resolve(e.getFileName().toString());
            BasicFileAttributes a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (host.equals(ROOT) && e.equals(BUILD)) {
                Files.createDirectory(m); // the task's own /tmp is mounted here later
                copyAttributes(e, m);
            } else if (a.isSymbolicLink()) {
                Files.createSymbolicLink(m, Files.readSymbolicLink(e));
            } else if (a.isDirectory() && targets.stream().anyMatch(t -> t.path().startsWith(e))) {
                Files.createDirectory(m);
                copyAttributes(e, m);
                populate(e, m, targets);
            } else {
                if (a.isDirectory()) {
                    Files.createDirectory(m);
                } else {
                    Files.createFile(m);
                }
                SandboxMounts.mount(e.toString(), m, null, SandboxMounts.MS_BIND | SandboxMounts.MS_REC, null);
            }
        }
        for (Target t : targets) {
            if (!t.path().startsWith(host) || t.path().equals(host)) {
                continue;
            }
            Path first = host.resolve(t.path().getName(host.getNameCount()).toString());
            if (Files.exists(first, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isSymbolicLink(first)) {
                    // Following it now would make the directories in the host's tree.
                    throw new SandboxException("mount target " + t.path() + " lies under the dangling symbolic link "
                            + first);
                }
                continue; // an existing directory: made while filling it
            }
            Path inside = mirror.resolve(host.relativize(t.path()).toString());
            if (t.file()) {
                Files.createDirectories(inside.getParent());
                if (!Files.exists(inside)) {
                    Files.createFile(inside);
                }
            } else {
                Files.createDirectories(inside);
            }
        }
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        for (String name : List.of("unix:uid", "unix:gid", "unix:mode")) {
            Files.setAttribute(to, name, Files.getAttribute(from, name, LinkOption.NOFOLLOW_LINKS));
        }
    }

    private static Pointer cString(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(Native.runtime(), name.length + 1, true);
        p.put(0, name, 0, name.length);
        return p;
    }

    private static long pivotRootNumber() throws SandboxException {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 155;
            case "aarch64", "arm64" -> 41;
            default -> throw new SandboxException("mount targets missing from the node's root need pivot_root, whose"
                    + " number on " + System.getProperty("os.arch") + " is not known here");
        };
    }
}
