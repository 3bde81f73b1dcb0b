package io.trellis.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkChange;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkInfo;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.dataplane.dns.Resolution;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the embedded DNS answers, from the node's merged maps: names only on the asking task's
 * networks, VIPs for vip services, task addresses for {@code tasks.} names and dnsrr, running tasks only;
 * and how the maps merge (changes, then a new session's whole map that replaces them).
 */
class ServiceNamesTest {
    private final NetworkTables tables = new NetworkTables();
    private final ServiceNames names = new ServiceNames();

    ServiceNamesTest() {
        tables.merge(new NetworkChange("na", new NetworkInfo("na", "a", 4097, "10.0.1.0/24", "10.0.1.1", false, List.of()),
                List.of(endpoint("t1", "web", "10.0.1.3", true), endpoint("t2", "web", "10.0.1.4", true),
                        endpoint("t3", "web", "10.0.1.5", false), endpoint("t4", "db", "10.0.1.6", true)),
                List.of(), List.of(new ServiceEntry("web", "web", List.of("Front"), "10.0.1.2", "vip"),
                        new ServiceEntry("db", "db", List.of(), null, "dnsrr")), List.of()), true);
        tables.merge(new NetworkChange("nb", new NetworkInfo("nb", "b", 4098, "10.0.2.0/24", "10.0.2.1", false, List.of()),
                List.of(endpoint("t9", "secret", "10.0.2.3", true)), List.of(),
                List.of(new ServiceEntry("secret", "secret", List.of(), "10.0.2.2", "vip")), List.of()), true);
        names.rebuild(tables.all(), Map.of("client-on-a", List.of("na"), "client-on-b", List.of("nb")));
    }

    @Test
    void aServiceNameAndItsAliasesGiveItsVipAndTasksGivesTheRunningTasks() {
        assertThat(addresses(names.resolve("client-on-a", "web", DnsRecordType.A))).containsExactly("10.0.1.2");
        assertThat(addresses(names.resolve("client-on-a", "front", DnsRecordType.A))).containsExactly("10.0.1.2");
        assertThat(addresses(names.resolve("client-on-a", "tasks.web", DnsRecordType.A)))
                .containsExactly("10.0.1.3", "10.0.1.4");
        assertThat(names.resolve("client-on-a", "tasks.web", DnsRecordType.A).ttlSeconds()).isZero();
        assertThat(addresses(names.resolve("client-on-a", "db", DnsRecordType.A))).containsExactly("10.0.1.6");
    }

    @Test
    void otherTypesAreNoDataAndOtherNetworksNamesAreNotOurs() {
        assertThat(names.resolve("client-on-a", "web", DnsRecordType.AAAA).kind()).isEqualTo(Resolution.Kind.NO_DATA);
        assertThat(names.resolve("client-on-a", "secret", DnsRecordType.A).kind()).isEqualTo(Resolution.Kind.NOT_OURS);
        assertThat(names.resolve("client-on-b", "web", DnsRecordType.A).kind()).isEqualTo(Resolution.Kind.NOT_OURS);
        assertThat(names.resolve("unknown-task", "web", DnsRecordType.A).kind()).isEqualTo(Resolution.Kind.NOT_OURS);
    }

    @Test
    void aTaskThatStopsLeavesTheAnswersAtTheNextChangeAndAWholeMapReplacesWhatWasKnown() {
        tables.merge(new NetworkChange("na", null, List.of(endpoint("t2", "web", "10.0.1.4", false)), List.of("t1"),
                List.of(), List.of()), false);
        names.rebuild(tables.all(), Map.of("client-on-a", List.of("na")));
        assertThat(names.resolve("client-on-a", "tasks.web", DnsRecordType.A).kind()).isEqualTo(Resolution.Kind.NO_DATA);

        tables.merge(new NetworkChange("na", new NetworkInfo("na", "a", 4097, "10.0.1.0/24", "10.0.1.1", false, List.of()),
                List.of(endpoint("t7", "web", "10.0.1.9", true)), List.of(),
                List.of(new ServiceEntry("web", "web", List.of(), "10.0.1.2", "vip")), List.of()), true);
        names.rebuild(tables.all(), Map.of("client-on-a", List.of("na")));
        assertThat(addresses(names.resolve("client-on-a", "tasks.web", DnsRecordType.A))).containsExactly("10.0.1.9");
        assertThat(names.resolve("client-on-a", "front", DnsRecordType.A).kind()).isEqualTo(Resolution.Kind.NOT_OURS);
        assertThat(tables.get("na").endpoints).containsOnlyKeys("t7");
    }

    @Test
    void aChangeForANetworkNeverDefinedIsIgnored() {
        assertThat(tables.merge(new NetworkChange("nz", null, List.of(), List.of(), List.of(), List.of()), false)).isNull();
    }

    private static Endpoint endpoint(String task, String service, String address, boolean backend) {
        return new Endpoint(task, service + "." + task, service, address, "n1", "192.0.2.1", "node1", backend);
    }

    private static List<String> addresses(Resolution r) {
        return r.addresses().stream().map(InetAddress::getHostAddress).toList();
    }
}
