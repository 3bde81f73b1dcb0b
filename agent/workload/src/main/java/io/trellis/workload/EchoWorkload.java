package io.trellis.workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis workload echo --port P [--udp]}: sends back every byte or datagram. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Echo every byte of each TCP connection back, or with --udp every datagram to its sender.")
public final class EchoWorkload extends WorkloadSubcommand {

    @Option(names = "--udp", description = "Echo UDP datagrams instead of TCP streams.")
    boolean udp;

    @Override
    String kind() {
        return udp ? "udp echo" : "tcp echo";
    }

    /** The TCP echo server of {@code trellis workload echo}, in this JVM (the demo's traffic checks use it). */
    public static Workload tcp(InetSocketAddress address) throws IOException {
        return TcpEchoServer.start(address);
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        return udp ? UdpEchoServer.start(address) : TcpEchoServer.start(address);
    }
}
