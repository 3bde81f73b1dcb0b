package io.trellis.lab.demo;

import io.trellis.lab.Lab;
import io.trellis.tunnel.TunnelDemo;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code trellis demo} needs from the machine, checked before it changes anything: root, the
 * programs the lab and the agents run (nodes and tasks are started through nsenter, a task's mount
 * namespace through unshare, mount and /bin/sh), the TUN device and, for the overlay act, the kernel's vxlan.
 */
final class DemoPrerequisites {
    /** Each program and the Debian package that has it. */
    private static final List<String[]> PROGRAMS = List.of(
            new String[] {"nsenter", "util-linux"}, new String[] {"unshare", "util-linux"},
            new String[] {"setsid", "util-linux"}, new String[] {"mount", "mount"});
    /** The shell a task starts under (ProcessRuntime runs it by this path). */
    private static final Path SHELL = Path.of("/bin/sh");

    private DemoPrerequisites() {
    }

    /** One line naming everything missing, or empty when the demo can run. */
    static Optional<String> missing() {
        Optional<String> root = Lab.unavailableReason();
        if (root.isPresent()) {
            return Optional.of("trellis demo " + root.get().replaceFirst("^the lab ", "") + "; run it as root");
        }
        List<String> missing = new ArrayList<>();
        for (String[] program : PROGRAMS) {
            if (!onPath(program[0])) {
                missing.add(program[0] + " (Debian package " + program[1] + ")");
            }
        }
        if (!Files.isExecutable(SHELL)) {
            missing.add(SHELL + " (Debian package dash)");
        }
        TunnelDemo.missingPrerequisites().ifPresent(missing::add);
        return missing.isEmpty() ? Optional.empty()
                : Optional.of("trellis demo needs " + String.join(", ", missing) + "; nothing was changed");
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
