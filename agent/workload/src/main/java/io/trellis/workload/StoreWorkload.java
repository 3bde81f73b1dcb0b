package io.trellis.workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis workload store --port 5432 --data DIR}: the voting app's database, the counts on disk. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"The voting app's store: counts votes over a line protocol (ADD a|b -> OK a=N,"
                + " COUNTS -> COUNTS a=N b=M) and keeps them in DIR/votes, replaced atomically on every vote,"
                + " so they survive a restart (mount a volume at DIR)."})
public final class StoreWorkload extends WorkloadSubcommand {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Directory of the counts file; made if missing.")
    Path data;

    @Override
    String kind() {
        return "store";
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        Files.createDirectories(data);
        VoteCounts counts = VoteCounts.open(new CountsFile(data));
        return LineServer.start(address, "store", counts::answer);
    }
}
