package io.trellis.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trellis swarm ca}: issues certificates for the admin API over TCP from the cluster's CA,
 * run on a manager over its Unix socket. The manager makes the key; the files land in a new
 * directory only this user can read.
 */
@Command(name = "ca", description = "Issue certificates for the admin API over TCP (run on a manager).")
final class SwarmCaCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Kind kind;

    static final class Kind {
        @Option(names = "--client-cert", paramLabel = "OUT_DIR",
                description = "Write an administrator's ca.pem, cert.pem and key.pem into OUT_DIR (use it as "
                        + "$TRELLIS_CERT_PATH).")
        Path clientDir;

        @Option(names = "--server-cert", paramLabel = "OUT_DIR",
                description = "Write an agent's TCP listener ca.pem, server-cert.pem and server-key.pem into OUT_DIR "
                        + "(use it as the agent's --tlscacert, --tlscert and --tlskey).")
        Path serverDir;
    }

    @Option(names = "--name", defaultValue = "admin",
            description = "Who the client certificate is for, its CN (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--san", split = ",", paramLabel = "ADDR",
            description = "Addresses and names clients dial the agent at, for --server-cert (e.g. 127.0.0.1,node1).")
    List<String> sans = new ArrayList<>();

    @Override
    public Integer call() {
        boolean client = kind.clientDir != null;
        Path dir = client ? kind.clientDir : kind.serverDir;
        if (!client && sans.isEmpty()) {
            throw CliException.user("--server-cert needs --san with the addresses clients dial, e.g. --san 127.0.0.1");
        }
        String certFile = client ? "cert.pem" : "server-cert.pem";
        String keyFile = client ? "key.pem" : "server-key.pem";
        for (String f : List.of("ca.pem", certFile, keyFile)) {
            if (Files.exists(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
                throw CliException.user(dir.resolve(f) + " already exists; choose an empty directory");
            }
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("kind", client ? "client" : "server");
        request.put("name", name);
        request.put("names", sans);
        Map<?, ?> issued = agent().post("/swarm/ca/admin-certificate", request, Map.class);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            write(dir.resolve("ca.pem"), (String) issued.get("ca"), "rw-r--r--");
            write(dir.resolve(certFile), (String) issued.get("certificate"), "rw-r--r--");
            write(dir.resolve(keyFile), (String) issued.get("key"), "rw-------");
        } catch (IOException e) {
            throw CliException.user("cannot write the certificate files into " + dir + ": " + e.getMessage());
        }
        out().printf("Wrote %s, %s and %s to %s (valid %s days).%n", "ca.pem", certFile, keyFile, dir,
                issued.get("validityDays"));
        out().flush();
        return 0;
    }

    /** Creates the file with its final mode, so a key is never readable by others, even briefly. */
    private static void write(Path file, String pem, String mode) throws IOException {
        try (OutputStream out = Files.newOutputStream(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))), StandardOpenOption.WRITE)) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
