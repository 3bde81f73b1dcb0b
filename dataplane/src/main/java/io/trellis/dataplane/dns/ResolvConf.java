package io.trellis.dataplane.dns;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node's resolvers: the {@code nameserver} lines of a resolv.conf, each on port 53. */
final class ResolvConf {
    static final int DNS_PORT = 53;

    private ResolvConf() {
    }

    /**
     * The upstreams {@code file} names, in its order; none if it is missing. Lines that are not IP
     * literals are skipped (a name here would need the very resolver being configured), and so is
     * 127.0.0.11: forwarding to it from the agent's namespace would reach nothing of ours.
     */
    static List<InetSocketAddress> upstreams(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(lines);
    }

    static List<InetSocketAddress> parse(List<String> lines) {
        List<InetSocketAddress> upstreams = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2 || !fields[0].equals("nameserver")) {
                continue;
            }
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(fields[1]);
            if (address != null && !address.equals(EmbeddedDns.LISTEN_ADDRESS)) {
                upstreams.add(new InetSocketAddress(address, DNS_PORT));
            }
        }
        return List.copyOf(upstreams);
    }
}
