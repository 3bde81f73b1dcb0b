package io.trellis.daemon;

import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** This node's TLS identity on disk: {@code node.crt}, {@code node.key} (0600) and {@code ca.crt}, PEM. */
final class NodeCertificates {
    private final Path dir;

    NodeCertificates(Path dir) {
        this.dir = dir;
    }

    void save(X509Certificate cert, PrivateKey key, X509Certificate ca) throws IOException {
        Files.createDirectories(dir);
        write("node.key", Pem.encode(key), true);
        write("node.crt", Pem.encode(cert), false);
        write("ca.crt", Pem.encode(ca), false);
    }

    NodeTls load() throws IOException {
        try {
            return new NodeTls(Pem.privateKey(read("node.key")), Pem.certificate(read("node.crt")),
                    Pem.certificate(read("ca.crt")));
        } catch (IllegalArgumentException e) {
            throw new IOException("this node's certificates in " + dir + " are unreadable: " + e.getMessage(), e);
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
    }

    private void write(String name, String pem, boolean secret) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
