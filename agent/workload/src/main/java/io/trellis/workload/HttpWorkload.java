package io.trellis.workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;

/** {@code trellis workload http --port P}: answers every request with who served it and whom it saw. */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = {"Answer every HTTP request with the task, service, node, the TCP peer (RemoteAddr) and the client"
                + " (ClientAddr: from a PROXY protocol v1/v2 header when the connection starts with one, else the peer)."
                + " /healthz answers ok. In JSON when asked with format=json in the query or Accept: application/json.",
                "On SIGTERM: stops accepting, answers requests already begun, closes idle connections, exits"
                + " (at most 5 s)."})
public final class HttpWorkload extends WorkloadSubcommand {

    @Override
    String kind() {
        return "http";
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        return WhoamiHttpServer.start(address, identity);
    }
}
