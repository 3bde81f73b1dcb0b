package io.trellis.testing.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Network namespaces a test creates and is sure to lose: {@code ip netns add}, named
 * {@code <tag>-<pid>-<name>} so parallel runs never meet, deleted after the class (registered on a
 * static field) or after each test (on an instance field). Tests are skipped with one line unless
 * this process is root and has {@code ip} and {@code nsenter}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ScratchNamespaces NETNS = new ScratchNamespaces("overlay");
 * ...
 * ScratchNamespace a = NETNS.create("a");
 * </pre>
 */
public final class ScratchNamespaces implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private static final List<String> TOOLS = List.of("ip", "nsenter");

    private final String prefix;
    private final List<ScratchNamespace> created = new ArrayList<>();
    private boolean perClass;

    public ScratchNamespaces(String tag) {
        this.prefix = tag + "-" + ProcessHandle.current().pid() + "-";
    }

    /** Why namespace tests cannot run here, or empty if they can. */
    public static Optional<String> missing() {
        if (!Commands.isRoot()) {
            return Optional.of("needs root to create network namespaces");
        }
        for (String tool : TOOLS) {
            if (Commands.which(tool).isEmpty()) {
                return Optional.of("needs " + tool + " on the PATH");
            }
        }
        return Optional.empty();
    }

    /** A new namespace with its loopback up. */
    public synchronized ScratchNamespace create(String name) throws IOException {
        ScratchNamespace ns = new ScratchNamespace(prefix + name);
        Commands.run(List.of("ip", "netns", "del", ns.name()), true); // a leftover of a killed run
        Commands.run(List.of("ip", "netns", "add", ns.name()), false);
        created.add(ns);
        ns.sh("ip link set lo up");
        return ns;
    }

    /** The namespace created as {@code name}. */
    public synchronized ScratchNamespace namespace(String name) {
        return created.stream().filter(ns -> ns.name().equals(prefix + name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scratch namespace " + name));
    }

    /** {@link ScratchNamespace#sh} in the namespace created as {@code name}. */
    public String sh(String name, String command) throws IOException {
        return namespace(name).sh(command);
    }

    /** {@link ScratchNamespace#path} of the namespace created as {@code name}. */
    public Path path(String name) {
        return namespace(name).path();
    }

    /**
     * A veth pair between two namespaces, each end addressed ({@code 172.31.0.1/24}) and up: the
     * underlay most scenarios need.
     */
    public void link(ScratchNamespace a, String ifA, String addrA, ScratchNamespace b, String ifB, String addrB)
            throws IOException {
        a.sh("ip link add " + ifA + " type veth peer name " + ifB + " netns " + b.name()
                + " && ip addr add " + addrA + " dev " + ifA + " && ip link set " + ifA + " up");
        b.sh("ip addr add " + addrB + " dev " + ifB + " && ip link set " + ifB + " up");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        skipUnlessAble();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        skipUnlessAble();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            deleteAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        deleteAll();
    }

    private static void skipUnlessAble() {
        Optional<String> missing = missing();
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElseThrow());
    }

    private synchronized void deleteAll() throws IOException {
        IOException failed = null;
        for (ScratchNamespace ns : created) {
            try {
                Commands.run(List.of("ip", "netns", "del", ns.name()), true);
                if (Files.exists(ns.path())) {
                    throw new IOException("namespace " + ns.name() + " is still pinned at " + ns.path());
                }
            } catch (IOException e) {
                failed = e;
            }
        }
        created.clear();
        if (failed != null) {
            throw failed;
        }
    }

    /** Where {@code ip netns add} pins namespaces. */
    static Path pinDirectory() {
        return Path.of("/run/netns");
    }
}
