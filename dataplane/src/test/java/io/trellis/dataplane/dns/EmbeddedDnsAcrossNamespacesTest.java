package io.trellis.dataplane.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded DNS server in an "agent" namespace with a fake node resolver at 127.0.0.53, serving
 * tasks in namespaces of their own: real sockets, queried from inside the task's namespace.
 */
@Tag("netns")
class EmbeddedDnsAcrossNamespacesTest {
    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("dns");
    @TempDir
    static Path dir;

    private static final TestDirectory directory = new TestDirectory();
    private static NetworkNamespace agent;
    private static FakeUpstream upstream;
    private static EmbeddedDns dns;
    private static NamespaceClient task;

    @BeforeAll
    static void start() throws Exception {
        agent = NetworkNamespace.open(netns.create("agent").path());
        netns.create("task");
        upstream = FakeUpstream.start(agent, "127.0.0.53", Map.of("example.org.", "93.184.216.34"));
        Path resolvConf = Files.writeString(dir.resolve("resolv.conf"), "search example\nnameserver 127.0.0.53\n");
        dns = agent.call(() -> new EmbeddedDns(directory, resolvConf));
        dns.attach("t1", netns.path("task"));
        task = new NamespaceClient(NetworkNamespace.open(netns.path("task")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void answersAKnownNameOverUdpAndTcp() throws Exception {
        Wire.Reply udp = Wire.reply(task.udp(Wire.query(101, "Web.", DnsRecordType.A)));
        assertThat(udp.id()).isEqualTo(101);
        assertThat(udp.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(udp.addresses()).containsExactly("10.0.1.2");
        assertThat(udp.ttls()).containsExactly(600L);

        Wire.Reply tcp = Wire.reply(task.tcp(Wire.query(102, "web", DnsRecordType.A)));
        assertThat(tcp.id()).isEqualTo(102);
        assertThat(tcp.addresses()).containsExactly("10.0.1.2");
    }

    @Test
    void aaaaOfAServiceIsNoData() throws Exception {
        long before = dns.counters().count(DnsResult.NODATA);
        Wire.Reply reply = Wire.reply(task.udp(Wire.query(103, "web", DnsRecordType.AAAA)));

        assertThat(reply.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(reply.addresses()).isEmpty();
        assertThat(dns.counters().count(DnsResult.NODATA)).isEqualTo(before + 1);
    }

    @Test
    void tasksNameListsTheTasks() throws Exception {
        assertThat(Wire.reply(task.udp(Wire.query(104, "tasks.web", DnsRecordType.A))).addresses())
                .containsExactly("10.0.1.5", "10.0.1.6", "10.0.1.7");
    }

    @Test
    void longAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        byte[] datagram = task.udp(Wire.query(105, "tasks.big", DnsRecordType.A));
        Wire.Reply truncated = Wire.reply(datagram);
        assertThat(datagram.length).isLessThanOrEqualTo(512);
        assertThat(truncated.truncated()).isTrue();
        assertThat(truncated.addresses()).isNotEmpty().hasSizeLessThan(60);

        // What a stub does on TC: the same question over TCP.
        Wire.Reply whole = Wire.reply(task.tcp(Wire.query(106, "tasks.big", DnsRecordType.A)));
        assertThat(whole.truncated()).isFalse();
        assertThat(whole.addresses()).hasSize(60);
    }

    @Test
    void forwardsOtherNamesToTheNodesResolver() throws Exception {
        long before = dns.counters().count(DnsResult.FORWARDED);
        Wire.Reply udp = Wire.reply(task.udp(Wire.query(107, "example.org", DnsRecordType.A)));
        assertThat(udp.id()).isEqualTo(107);
        assertThat(udp.addresses()).containsExactly("93.184.216.34");

        Wire.Reply tcp = Wire.reply(task.tcp(Wire.query(108, "example.org", DnsRecordType.A)));
        assertThat(tcp.id()).isEqualTo(108);
        assertThat(tcp.addresses()).containsExactly("93.184.216.34");
        assertThat(dns.counters().count(DnsResult.FORWARDED)).isEqualTo(before + 2);
    }

    @Test
    void silentUpstreamIsServfail() throws Exception {
        long before = dns.counters().count(DnsResult.FORWARD_FAILED);
        int asked = upstream.queries.get();
        Wire.Reply reply = Wire.reply(task.udp(Wire.query(109, "silent.example", DnsRecordType.A)));

        assertThat(reply.code()).isEqualTo(DnsResponseCode.SERVFAIL);
        assertThat(reply.id()).isEqualTo(109);
        assertThat(upstream.queries.get()).isGreaterThan(asked);
        assertThat(dns.counters().count(DnsResult.FORWARD_FAILED)).isEqualTo(before + 1);
    }

    @Test
    void withoutUpstreamOtherNamesAreNxdomain() throws Exception {
        netns.create("lonely");
        try (EmbeddedDns lonely = agent.call(() -> new EmbeddedDns(directory, dir.resolve("missing.conf")))) {
            lonely.attach("t9", netns.path("lonely"));
            NamespaceClient client = new NamespaceClient(NetworkNamespace.open(netns.path("lonely")));

            Wire.Reply reply = Wire.reply(client.udp(Wire.query(110, "example.org", DnsRecordType.A)));
            assertThat(reply.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
            assertThat(lonely.counters().count(DnsResult.NXDOMAIN)).isEqualTo(1);
        }
    }

    @Test
    void malformedQueriesAreCountedAndNotAnswered() throws Exception {
        long before = dns.counters().count(DnsResult.MALFORMED);
        // Three bad datagrams, then a good one from the same socket: the first answer is the good one's.
        byte[] answer = task.udp(List.of(new byte[] {1, 2, 3}, Wire.response(111, "web", "10.0.0.1"),
                Wire.twoQuestions(112), Wire.query(113, "web", DnsRecordType.A)));

        assertThat(Wire.reply(answer).id()).isEqualTo(113);
        assertThat(dns.counters().count(DnsResult.MALFORMED)).isEqualTo(before + 3);
    }

    @Test
    void oversizedTcpQueryIsCountedAndItsConnectionClosed() throws Exception {
        long before = dns.counters().count(DnsResult.OVERSIZED);
        byte[] frame = new byte[2 + 2000];
        frame[0] = (byte) (2000 >> 8);
        frame[1] = (byte) 2000;

        assertThat(task.tcpRaw(frame)).isEqualTo(-1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> dns.counters().count(DnsResult.OVERSIZED) == before + 1);
    }

    @Test
    void detachClosesTheListeners() throws Exception {
        netns.create("short");
        int listeners = dns.listenerCount();
        dns.attach("t2", netns.path("short"));
        dns.attach("t2", netns.path("short")); // again: nothing more
        assertThat(dns.listenerCount()).isEqualTo(listeners + 2);
        NamespaceClient client = new NamespaceClient(NetworkNamespace.open(netns.path("short")));
        assertThat(Wire.reply(client.udp(Wire.query(114, "web", DnsRecordType.A))).addresses()).containsExactly("10.0.1.2");
        assertThat(client.tcpListening()).isTrue();

        dns.detach("t2");

        assertThat(dns.listenerCount()).isEqualTo(listeners);
        assertThat(client.tcpListening()).isFalse();
        assertThatThrownBy(() -> client.udp(Wire.query(115, "web", DnsRecordType.A)))
                .isInstanceOf(PortUnreachableException.class);
    }

    @Test
    void attachFailsClearlyWhenLoopbackIsDownOrTheTaskIsElsewhere() throws Exception {
        netns.create("down");
        netns.sh("down", "ip link set lo down");
        int listeners = dns.listenerCount();

        assertThatThrownBy(() -> dns.attach("t3", netns.path("down")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.11:53")
                .hasMessageContaining("t3")
                .hasMessageContaining("loopback interface is down");
        assertThat(dns.listenerCount()).isEqualTo(listeners);

        assertThatThrownBy(() -> dns.attach("t1", netns.path("down")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already");
        assertThatThrownBy(() -> dns.attach("t4", dir.resolve("no-such-namespace")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("t4");
    }

    @Test
    void noThreadStaysInTheTasksNamespace() throws Exception {
        String taskNamespace = "net:[" + Files.getAttribute(netns.path("task"), "unix:ino") + "]";
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : tasks.toList()) {
                try {
                    assertThat(Files.readSymbolicLink(thread.resolve("ns/net")).toString())
                            .as("namespace of thread %s (%s)", thread.getFileName(), Files.readString(thread.resolve("comm")).strip())
                            .isNotEqualTo(taskNamespace);
                } catch (NoSuchFileException ended) {
                    // the thread ended while we looked
                }
            }
        }
    }
}
