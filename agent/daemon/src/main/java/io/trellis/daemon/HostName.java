package io.trellis.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name as a node takes it by default: the kernel's UTS hostname, as {@code dockerd} does. Not
 * {@code InetAddress.getLocalHost()}, which resolves the name and fails on a host whose name no resolver knows.
 */
final class HostName {
    private static final Path UTS = Path.of("/proc/sys/kernel/hostname");

    private HostName() {
    }

    static String ofThisHost() throws IOException {
        return readFrom(UTS);
    }

    static String readFrom(Path uts) throws IOException {
        String name = Files.readString(uts).strip();
        if (name.isEmpty() || name.equals("(none)")) {
            throw new IOException("this host has no hostname (" + uts + " says \"" + name
                    + "\"): set one, or give the agent --hostname");
        }
        return name;
    }
}
