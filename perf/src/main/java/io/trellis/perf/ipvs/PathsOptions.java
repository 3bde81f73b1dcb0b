package io.trellis.perf.ipvs;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@link PublishedPortPaths}; all required but {@code --overlay-if}.
 *
 * @param sandbox the ingress sandbox's namespace file
 * @param client the namespace file of the client the checks fetch from
 * @param subnet the ingress network, {@code A.B.C.D/N}
 * @param overlayIf the sandbox's interface on it
 * @param published the node's address and the published port, as a client reaches it
 * @param backends the tasks, {@code ADDRESS:PORT} on the ingress network
 */
record PathsOptions(Path sandbox, Path client, String subnet, String overlayIf, InetSocketAddress published,
        List<InetSocketAddress> backends) {

    static PathsOptions parse(String[] args) {
        Path sandbox = null;
        Path client = null;
        String subnet = null;
        String overlayIf = "eth0";
        InetSocketAddress published = null;
        List<InetSocketAddress> backends = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--sandbox" -> sandbox = Path.of(v);
                case "--client" -> client = Path.of(v);
                case "--subnet" -> subnet = v;
                case "--overlay-if" -> overlayIf = v;
                case "--published" -> published = address(v);
                case "--backend" -> backends.add(address(v));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + ": allowed are --sandbox,"
                        + " --client, --subnet, --overlay-if, --published, --backend");
            }
        }
        if (sandbox == null || client == null || subnet == null || published == null || backends.isEmpty()) {
            throw new IllegalArgumentException("--sandbox, --client, --subnet, --published and --backend are required");
        }
        return new PathsOptions(sandbox, client, subnet, overlayIf, published, List.copyOf(backends));
    }

    /** A literal {@code IPv4:PORT}: resolving a name is not what a node does with a task's address. */
    private static InetSocketAddress address(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || !v.substring(0, colon).matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("expected IPv4:PORT, got \"" + v + "\"");
        }
        try {
            return new InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected IPv4:PORT, got \"" + v + "\"", e);
        }
    }
}
