package io.trellis.daemon;

import io.trellis.api.InfoView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@code trellis info} says about the machine: kernel, distribution, architecture, CPUs, memory. */
final class HostFacts {
    /** os-release(5): {@code /etc} first, the vendor's copy when {@code /etc} has none. */
    private static final List<Path> OS_RELEASE = List.of(Path.of("/etc/os-release"), Path.of("/usr/lib/os-release"));
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostFacts() {
    }

    static InfoView.Host read(Path dataDir) {
        // On Linux the JVM takes os.version from uname(2)'s release.
        return new InfoView.Host(System.getProperty("os.version"), operatingSystem(OS_RELEASE), "linux",
                architecture(System.getProperty("os.arch")), Runtime.getRuntime().availableProcessors(),
                HostCapacity.memTotal(MEMINFO), dataDir.toString());
    }

    /** {@code PRETTY_NAME} of the first os-release file that has one; "Linux" (as Docker says) when none does. */
    static String operatingSystem(List<Path> candidates) {
        for (Path file : candidates) {
            try {
                String pretty = prettyName(Files.readAllLines(file));
                if (pretty != null) {
                    return pretty;
                }
            } catch (IOException e) {
                // missing or unreadable: try the next
            }
        }
        return "Linux";
    }

    /** The value of {@code PRETTY_NAME=}, unquoted as a shell would (os-release is shell-compatible); else null. */
    static String prettyName(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("PRETTY_NAME=")) {
                String v = unquote(line.substring("PRETTY_NAME=".length()).strip());
                return v.isBlank() ? null : v;
            }
        }
        return null;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            String inner = v.substring(1, v.length() - 1);
            return v.charAt(0) == '"' ? inner.replaceAll("\\\\([\"\\\\$`])", "$1") : inner;
        }
        return v;
    }

    /** The JVM's name for the architecture, as {@code uname -m} gives it (Docker's field). */
    static String architecture(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386", "i686" -> "i686";
            default -> osArch;
        };
    }
}
