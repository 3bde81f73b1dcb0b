package io.trellis.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This node's {@link SwarmIdentity}: the one the agent acts on, and {@code swarm.json}, which a restart reads. */
final class IdentityFile {
    private final Path file;
    private volatile SwarmIdentity current;

    IdentityFile(Path file) {
        this.file = file;
    }

    /** This node's identity; null while it is not part of a swarm. */
    SwarmIdentity get() {
        return current;
    }

    /** Acts on {@code id}, as read from the file. */
    void use(SwarmIdentity id) {
        current = id;
    }

    /** Saves {@code id}, then acts on it: a failed save changes nothing. */
    void save(SwarmIdentity id) throws IOException {
        id.save(file);
        current = id;
    }

    /** Acts on {@code id}, then saves it: the order a role change has always used. */
    void change(SwarmIdentity id) throws IOException {
        current = id;
        id.save(file);
    }

    /** After {@code swarm leave}: not a member any more, now or after a restart. */
    void forget() throws IOException {
        current = null;
        Files.deleteIfExists(file);
    }
}
