package io.trellis.ipsec.keyring;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFileTest {
    private static final String K128 = "000102030405060708090a0b0c0d0e0f";
    private static final String K256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private static MasterKey key(String hex) {
        return MasterKey.of(HexFormat.of().parseHex(hex));
    }

    @Test
    void readsOneKey() throws Exception {
        assertThat(KeyFile.parse(K128 + "\n", "f")).containsExactly(key(K128));
        assertThat(KeyFile.parse(K256, "f")).containsExactly(key(K256));
    }

    @Test
    void readsTheNextKeyOnTheSecondLine() throws Exception {
        assertThat(KeyFile.parse(K128 + "\n" + K256 + "\n", "f")).containsExactly(key(K128), key(K256));
    }

    @Test
    void toleratesSpacesCrlfUpperCaseAndTrailingBlankLines() throws Exception {
        assertThat(KeyFile.parse("  " + K128.toUpperCase() + " \r\n" + K256 + "\r\n\r\n", "f"))
                .containsExactly(key(K128), key(K256));
    }

    @Test
    void explainsEachBadFileInOneLine() {
        assertError("", "key file f is empty: it must hold one line of 32 or 64 hex characters (e.g. from `openssl rand -hex 32`), and optionally a second line with the next key");
        assertError(" \n\n", "key file f is empty: it must hold one line of 32 or 64 hex characters (e.g. from `openssl rand -hex 32`), and optionally a second line with the next key");
        assertError(K128 + "\n" + K256 + "\n" + K128 + "\n", "key file f has 3 lines: it holds at most 2, the key to send with and the next key");
        assertError(K128 + "0\n", "line 1 of key file f has 33 characters: a key is 32 hex characters (AES-128) or 64 (AES-256)");
        assertError(K128 + "\n" + K128.substring(2), "line 2 of key file f has 30 characters: a key is 32 hex characters (AES-128) or 64 (AES-256)");
        assertError("00010203040506070809 a0b0c0d0e0f", "line 1 of key file f has ' ' at column 21: a key is hex digits only (0-9, a-f, A-F)");
        assertError("g" + K128.substring(1), "line 1 of key file f has 'g' at column 1: a key is hex digits only (0-9, a-f, A-F)");
        assertError("\n" + K128, "line 1 of key file f is empty: a key is 32 hex characters (AES-128) or 64 (AES-256)");
        assertError(K128 + "\n" + K128, "lines 1 and 2 of key file f hold the same key: the second line is the next key and must differ");
    }

    @Test
    void reloadRereadsTheFile(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("key");
        Files.writeString(path, K128 + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        KeyFile file = new KeyFile(path);
        assertThat(file.reload()).containsExactly(key(K128));
        Files.writeString(path, K128 + "\n" + K256 + "\n");
        assertThat(file.reload()).containsExactly(key(K128), key(K256));
        Files.writeString(path, K256 + "\n");
        assertThat(file.reload()).containsExactly(key(K256));
    }

    /** Whoever can read the file can decrypt and forge: group or other bits, or a stranger's file, are refused unread. */
    @Test
    void refusesFilesOthersCouldReadOrReplace(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("key");
        Files.writeString(path, K128 + "\n");
        for (String mode : List.of("rw-r-----", "rw----r--", "rw--w----", "rwx---rwx")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
            String octal = Integer.toOctalString(Integer.parseInt(mode.replaceAll("[rwx]", "1").replace('-', '0'), 2));
            assertThatThrownBy(() -> new KeyFile(path).reload()).isInstanceOf(KeyFileException.class)
                    .hasMessage("key file " + path + " has mode 0" + octal + ": it must be a file of mode 0600 or stricter"
                            + " (chmod 600 " + path + "), as anyone who can read it can decrypt and forge the traffic");
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--------"));
        assertThat(new KeyFile(path).reload()).containsExactly(key(K128));

        Path directory = Files.createDirectory(dir.resolve("d"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThatThrownBy(() -> new KeyFile(directory).reload()).hasMessageContaining("is not a regular file");

        String user = System.getProperty("user.name");
        Assumptions.assumeTrue(user.equals("root"), "changing a file's owner needs root");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> new KeyFile(path).reload()).isInstanceOf(KeyFileException.class)
                .hasMessage("key file " + path + " belongs to nobody: it must belong to root");
    }

    @Test
    void namesAMissingFile(@TempDir Path dir) {
        Path path = dir.resolve("missing");
        assertThatThrownBy(() -> new KeyFile(path).reload()).isInstanceOf(KeyFileException.class)
                .hasMessageStartingWith("cannot read key file " + path + ": java.nio.file.NoSuchFileException");
    }

    private static void assertError(String content, String message) {
        assertThatThrownBy(() -> KeyFile.parse(content, "f")).isInstanceOf(KeyFileException.class).hasMessage(message);
        assertThat(message).doesNotContain("\n");
    }

    @Test
    void parsedKeysAreImmutable() throws Exception {
        List<MasterKey> keys = KeyFile.parse(K128, "f");
        assertThatThrownBy(() -> keys.add(key(K256))).isInstanceOf(UnsupportedOperationException.class);
    }
}
