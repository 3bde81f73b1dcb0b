package io.trellis.process.sandbox;

import io.trellis.process.SelfLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The agent's classpath as a task sees it. The jars may sit where the task's user cannot read
 * ({@code /root/.m2}, a 0700 home) or where the sandbox hides (the data directory), so each entry
 * is bound read-only under {@code /run/trellis/classpath/}: {@code trellis workload ...} commands and
 * the sandbox's own {@code join} step run from there. A jar's manifest {@code Class-Path} (a test
 * runner's launcher jar) is followed, since those paths are as unreadable as the jar's.
 */
public final class ClasspathView {
    static final Path DIR = SandboxMounts.RUN_DIR.resolve("classpath");
    /** Bounds a manifest chain that points back at itself. */
    private static final int MAX_ENTRIES = 4096;

    private ClasspathView() {
    }

    /** One exposed path per existing classpath entry, in the classpath's order. */
    public static List<SandboxSpec.Exposed> exposed(SelfLauncher self) {
        List<SandboxSpec.Exposed> out = new ArrayList<>();
        int i = 0;
        for (Path e : effective(self.classpath())) {
            String name = e.getFileName() == null ? "root" : e.getFileName().toString();
            out.add(new SandboxSpec.Exposed(e, DIR.resolve(i++ + "-" + name)));
        }
        return out;
    }

    /** {@code self} running from the exposed copies. */
    public static SelfLauncher inside(SelfLauncher self) {
        return self.withClasspath(exposed(self).stream().map(SandboxSpec.Exposed::inside).toList());
    }

    private static Set<Path> effective(List<Path> entries) {
        Set<Path> out = new LinkedHashSet<>();
        List<Path> pending = new ArrayList<>(entries);
        for (int i = 0; i < pending.size() && out.size() < MAX_ENTRIES; i++) {
            Path p = pending.get(i).toAbsolutePath().normalize();
            if (!Files.exists(p) || !out.add(p)) {
                continue;
            }
            if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                pending.addAll(manifestClassPath(p));
            }
        }
        return out;
    }

    private static List<Path> manifestClassPath(Path jar) {
        List<Path> out = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null) {
                return out;
            }
            URI base = jar.getParent().toUri();
            for (String ref : cp.trim().split("\\s+")) {
                URI u = base.resolve(new URI(ref)); // entries are URLs, relative to the jar's folder
                if ("file".equals(u.getScheme())) {
                    out.add(Path.of(u));
                }
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            // Not a readable jar: the entry itself is still exposed.
        }
        return out;
    }
}
