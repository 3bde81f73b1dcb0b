package io.trellis.workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;

/** {@code trellis workload http --port P}: answers every request with who served it. */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "Answer every HTTP request with the task, service, node and client address (/healthz: ok).")
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
