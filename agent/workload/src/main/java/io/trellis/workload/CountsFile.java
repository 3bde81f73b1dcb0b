package io.trellis.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * The store's file, {@code DIR/votes}: one {@code a=N} line per option. Written whole to a temporary file,
 * synced, then renamed over the old one and the directory synced: a crash leaves the old counts or the
 * new ones, never a torn file.
 */
final class CountsFile {
    static final String NAME = "votes";
    private static final String TEMPORARY = ".votes.tmp";

    private final Path dir;

    CountsFile(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir.resolve(NAME);
    }

    /** @throws IOException also for a file this store did not write: it is not overwritten with zeros */
    Map<VoteOption, Long> read() throws IOException {
        Map<VoteOption, Long> counts = zeros();
        String text;
        try {
            text = Files.readString(path(), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return counts;
        }
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            VoteOption option = eq < 0 ? null : VoteOption.of(line.substring(0, eq)).orElse(null);
            long count = eq < 0 ? -1 : parseCount(line.substring(eq + 1));
            if (option == null || count < 0) {
                throw new IOException(path() + ": unexpected line \"" + line + "\"");
            }
            counts.put(option, count);
        }
        return counts;
    }

    void write(Map<VoteOption, Long> counts) throws IOException {
        StringBuilder text = new StringBuilder();
        counts.forEach((option, count) -> text.append(option.code()).append('=').append(count).append('\n'));
        Path temporary = dir.resolve(TEMPORARY);
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(temporary, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable once the directory is: sync it too.
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    static Map<VoteOption, Long> zeros() {
        Map<VoteOption, Long> counts = new EnumMap<>(VoteOption.class);
        for (VoteOption o : VoteOption.values()) {
            counts.put(o, 0L);
        }
        return counts;
    }

    private static long parseCount(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
