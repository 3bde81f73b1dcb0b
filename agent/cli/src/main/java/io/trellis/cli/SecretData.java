package io.trellis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The value of {@code secret create NAME FILE|-}, read and checked before anything is sent: the
 * agent's limits and messages, word for word (controlplane's SecretApi).
 */
final class SecretData {
    /** Docker's limit, 500 KiB. */
    static final int MAX_SIZE = 500 * 1024;
    /** How much of an oversized stdin is counted for the message: the count stops somewhere. */
    static final long COUNT_LIMIT = 64L << 20;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private SecretData() {
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw CliException.user("invalid secret name \"" + name
                    + "\": use 1-64 characters [a-zA-Z0-9_.-], starting with a letter or digit");
        }
    }

    /** The file's bytes, or those of {@code stdin} when {@code file} is {@code -}. */
    static byte[] read(String file, InputStream stdin) {
        try {
            if (file.equals("-")) {
                return checked(readBounded(stdin));
            }
            Path p = Path.of(file);
            check(Files.size(p));
            return checked(Files.readAllBytes(p));
        } catch (NoSuchFileException e) {
            throw CliException.user("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw CliException.user("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] head = in.readNBytes(MAX_SIZE + 1);
        if (head.length <= MAX_SIZE) {
            return head;
        }
        long total = head.length;
        byte[] buf = new byte[64 * 1024];
        for (int n; total <= COUNT_LIMIT && (n = in.read(buf)) > 0; ) {
            total += n;
        }
        if (total > COUNT_LIMIT) {
            throw CliException.user("secret data is more than " + COUNT_LIMIT + " bytes; the limit is " + MAX_SIZE
                    + " (500 KiB)");
        }
        check(total);
        return head;
    }

    private static byte[] checked(byte[] data) {
        check(data.length);
        return data;
    }

    private static void check(long size) {
        if (size == 0) {
            throw CliException.user("secret data is empty");
        }
        if (size > MAX_SIZE) {
            throw CliException.user("secret data is " + size + " bytes; the limit is " + MAX_SIZE + " (500 KiB)");
        }
    }
}
