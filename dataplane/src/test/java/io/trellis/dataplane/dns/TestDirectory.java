package io.trellis.dataplane.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster as the agent's directory would present it: {@code web} (VIP), {@code tasks.web} (three
 * tasks), {@code tasks.big} (60 tasks, more than a 512-byte answer holds); {@code broken} throws.
 */
final class TestDirectory implements NameDirectory {
    static final List<Inet4Address> BIG = bigService();

    private final Map<String, List<Inet4Address>> names = Map.of(
            "web", List.of(Wire.ipv4("10.0.1.2")),
            "tasks.web", List.of(Wire.ipv4("10.0.1.5"), Wire.ipv4("10.0.1.6"), Wire.ipv4("10.0.1.7")),
            "tasks.big", BIG);
    /** The names asked, as the directory received them. */
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public Resolution resolve(String taskId, String name, DnsRecordType type) {
        asked.add(name);
        if (name.equals("broken")) {
            throw new IllegalStateException("directory failure");
        }
        List<Inet4Address> addresses = names.get(name);
        if (addresses == null) {
            return Resolution.notOurs();
        }
        return type == DnsRecordType.A ? Resolution.addresses(addresses) : Resolution.noData();
    }

    private static List<Inet4Address> bigService() {
        List<Inet4Address> addresses = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            addresses.add(Wire.ipv4("10.0.2." + i));
        }
        return List.copyOf(addresses);
    }
}
