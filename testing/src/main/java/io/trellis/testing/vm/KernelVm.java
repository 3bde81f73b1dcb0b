package io.trellis.testing.vm;

import io.trellis.testing.netns.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a shell script as root inside a Debian kernel booted under QEMU, for what this machine's kernel may lack
 * (IPVS, kernel ESP). The VM's root is this machine's own root file system, shared read-only over virtio-9p, with a
 * tmpfs overlay on top: inside, everything is writable and nothing written reaches the host, and the script sees
 * the same Java, jars and tools as the test. The VM has no network card: its traffic stays in namespaces it makes. An initramfs of busybox loads the 9p and overlay modules, mounts that
 * root and {@code switch_root}s into it, so the kernel's module autoload finds {@code /sbin/modprobe}.
 *
 * <p>Without KVM, QEMU emulates: the boot takes about ten seconds. Fine for functional checks, not for timing.
 * Needs root (9p passthrough of root-owned files), a {@code /boot/vmlinuz-*-amd64} with its modules,
 * {@code qemu-system-x86_64}, a static busybox, {@code cpio}, {@code gzip} and {@code modinfo}.
 */
public final class KernelVm {
    private static final Pattern KERNEL = Pattern.compile("vmlinuz-(\\d[\\d.]*-\\d+-amd64)");
    private static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_modern_dev",
            "virtio_pci_legacy_dev", "virtio_pci", "netfs", "fscache", "9pnet", "9pnet_virtio", "9p", "overlay");
    // The script's output is kept in a file and printed between these marks once it ended, so the console's
    // firmware banners and kernel messages cannot interleave with it.
    private static final String BEGIN_MARK = "kernel-vm-output-begin";
    private static final String EXIT_MARK = "kernel-vm-exit=";
    private static final Pattern EXIT = Pattern.compile("^" + EXIT_MARK + "(\\d+)", Pattern.MULTILINE);

    /** The script's exit code and its output (stdout and stderr), without the boot's noise. */
    public record Result(int exitCode, String output) {
    }

    private static final int DEFAULT_MEMORY_MIB = 2048;

    private KernelVm() {
    }

    /** Why a VM cannot start here, or empty if it can. */
    public static Optional<String> missing() {
        if (!Commands.isRoot()) {
            return Optional.of("needs root to share the root file system with the VM");
        }
        if (kernelVersion().isEmpty()) {
            return Optional.of("needs a Debian kernel in /boot (apt-get install linux-image-amd64)");
        }
        for (String tool : List.of("qemu-system-x86_64", "busybox", "cpio", "gzip", "modinfo")) {
            if (Commands.which(tool).isEmpty()) {
                return Optional.of("needs " + tool + " on the PATH (qemu-system-x86, busybox-static, cpio, kmod)");
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test with one line unless a VM can start here. */
    public static void assumeAvailable() {
        Optional<String> missing = missing();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "kernel VM: " + missing.orElseThrow());
    }

    /** The newest Debian kernel in /boot, such as {@code 6.1.0-57-amd64}. */
    public static Optional<String> kernelVersion() {
        try (Stream<Path> files = Files.list(Path.of("/boot"))) {
            return files.map(p -> KERNEL.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> m.group(1))
                    .filter(v -> Files.isDirectory(Path.of("/lib/modules", v)))
                    .max(Comparator.comparing(KernelVm::versionKey));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Boots the VM, runs {@code script} with {@code /bin/sh} from {@code /} as root and powers off.
     *
     * @throws IOException if the VM did not start, or ended (or timed out) without the script's exit code
     */
    public static Result run(String script, Duration timeout) throws IOException {
        return run(script, timeout, DEFAULT_MEMORY_MIB);
    }

    /** As {@link #run(String, Duration)}, with {@code memoryMib} of guest memory (several JVMs need more). */
    public static Result run(String script, Duration timeout, int memoryMib) throws IOException {
        String version = kernelVersion().orElseThrow(() -> new IOException("no Debian kernel in /boot"));
        Path work = Files.createTempDirectory("trellis-vm-");
        try {
            Path initrd = initramfs(work, version, script);
            Path console = work.resolve("console.log");
            List<String> qemu = new ArrayList<>(List.of("qemu-system-x86_64",
                    "-m", Integer.toString(memoryMib), "-smp", "2", "-nographic", "-no-reboot", "-nic", "none",
                    "-kernel", "/boot/vmlinuz-" + version, "-initrd", initrd.toString(),
                    "-virtfs", "local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap",
                    "-append", "console=ttyS0 loglevel=1 panic=-1 sysrq_always_enabled=1"));
            if (kvmUsable()) {
                qemu.addAll(List.of("-enable-kvm", "-cpu", "host"));
            } else {
                // One host thread for both vCPUs: with one each, JVMs in the guest crashed now and then (SIGSEGV at
                // the entry of JIT-compiled code, which the JVM patches while other threads may run it).
                qemu.addAll(List.of("-accel", "tcg,thread=single"));
            }
            Process p = new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(console.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            boolean ended;
            try {
                ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
            if (!ended) {
                p.destroyForcibly();
            }
            String raw = Files.readString(console, StandardCharsets.ISO_8859_1)
                    .replace("\r", "").replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]|\u001bc", "");
            String output = scriptOutput(raw);
            Matcher exit = EXIT.matcher(raw);
            Integer code = null;
            while (exit.find()) {
                code = Integer.parseInt(exit.group(1));
            }
            if (code == null) {
                throw new IOException((ended ? "the VM ended" : "the VM timed out after " + timeout.toSeconds() + " s")
                        + " without the script's exit code; its console:\n" + tail(output));
            }
            return new Result(code, output);
        } finally {
            deleteTree(work);
        }
    }

    private static Path initramfs(Path work, String version, String script) throws IOException {
        Path root = work.resolve("initramfs");
        for (String dir : List.of("bin", "mods", "newroot", "proc", "sys", "dev", "lower", "upper")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.copy(Commands.which("busybox").orElseThrow(), root.resolve("bin/busybox"));
        List<String> loaded = new ArrayList<>();
        for (String module : MODULES) {
            String file = Commands.run(List.of("modinfo", "-k", version, "-n", module), true).strip();
            if (file.startsWith("/") && Files.isRegularFile(Path.of(file))) {
                Files.copy(Path.of(file), root.resolve("mods/" + module + ".ko"));
                loaded.add(module);
            }
        }
        Files.writeString(root.resolve("script.sh"), script);
        Path init = root.resolve("init");
        Files.writeString(init, initScript(loaded));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path initrd = work.resolve("initrd.gz");
        Commands.run(List.of("sh", "-c", "cd '" + root + "' && find . | cpio -o -H newc 2>/dev/null | gzip > '"
                + initrd + "'"), false);
        return initrd;
    }

    /**
     * The initramfs's init: the host root read-only over 9p as the lower layer of an overlay whose upper layer is
     * a tmpfs, then {@code /proc}, {@code /sys}, {@code /dev} and a fresh {@code /run}, and the script.
     */
    private static String initScript(List<String> modules) {
        return String.join("\n",
                "#!/bin/busybox sh",
                "/bin/busybox --install -s /bin",
                "mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev",
                "for m in " + String.join(" ", modules) + "; do insmod /mods/$m.ko 2>/dev/null; done",
                // cache=loose: the guest keeps what it read (jars above all), which cut a JVM's start by a third.
                "mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot /lower"
                        + " || { echo 'kernel-vm: 9p mount failed'; poweroff -f; }",
                "mount -t tmpfs upper /upper && mkdir -p /upper/data /upper/work",
                "mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work /newroot"
                        + " || { echo 'kernel-vm: overlay mount failed'; poweroff -f; }",
                "mount -t proc proc /newroot/proc; mount -t sysfs sys /newroot/sys; mount -t devtmpfs dev /newroot/dev",
                "mount -t tmpfs run /newroot/run",
                "mkdir -p /newroot/run/kernel-vm && cp /script.sh /newroot/run/kernel-vm/script.sh",
                "echo 'cd /; /bin/sh /run/kernel-vm/script.sh > /run/kernel-vm/out 2>&1; rc=$?; echo; echo "
                        + BEGIN_MARK + "; cat /run/kernel-vm/out; echo; echo \"" + EXIT_MARK
                        + "$rc\"; echo o > /proc/sysrq-trigger' > /newroot/run/kernel-vm/run.sh",
                "exec switch_root /newroot /bin/sh /run/kernel-vm/run.sh",
                "");
    }

    /**
     * KVM only where the CPU offers virtualisation to this machine: a {@code /dev/kvm} without {@code vmx}/{@code svm}
     * (a nested guest) makes QEMU hang rather than fall back.
     */
    public static boolean kvmUsable() {
        try {
            return Files.isWritable(Path.of("/dev/kvm"))
                    && Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b", Pattern.MULTILINE)
                            .matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
        } catch (IOException e) {
            return false;
        }
    }

    /** What the script printed, or the whole console when it never got that far. */
    private static String scriptOutput(String raw) {
        int begin = raw.lastIndexOf("\n" + BEGIN_MARK + "\n");
        int end = raw.lastIndexOf("\n" + EXIT_MARK);
        if (begin < 0 || end < begin) {
            return raw;
        }
        // run.sh's echo before the exit mark gives the newline before it, which the script did not print.
        return raw.substring(begin + BEGIN_MARK.length() + 2, end);
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("[.-]")) {
            key.append(part.matches("\\d+") ? String.format("%08d", Integer.parseInt(part)) : part).append('.');
        }
        return key.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
