package io.trellis.dataplane.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

    @Test
    void nameserverLinesInOrderOnPort53() {
        List<InetSocketAddress> upstreams = ResolvConf.parse(List.of(
                "# generated", "search corp.example", "nameserver 10.0.0.2", "  nameserver\t2001:db8::53 ",
                "options ndots:2", "nameserver 127.0.0.53"));

        assertThat(upstreams).containsExactly(new InetSocketAddress("10.0.0.2", 53),
                new InetSocketAddress("2001:db8::53", 53), new InetSocketAddress("127.0.0.53", 53));
    }

    @Test
    void skipsNamesOurOwnAddressAndBrokenLines() {
        assertThat(ResolvConf.parse(List.of("nameserver dns.example", "nameserver 127.0.0.11", "nameserver",
                "nameserver 300.1.1.1", "#nameserver 10.0.0.9"))).isEmpty();
    }

    @Test
    void missingFileMeansNoUpstream(@TempDir Path dir) throws Exception {
        assertThat(ResolvConf.upstreams(dir.resolve("resolv.conf"))).isEmpty();
    }
}
