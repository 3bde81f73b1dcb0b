package io.trellis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad {@code --key-file} (or a flag that needs one) is refused with one line and exit code 1 before
 * anything is created: the key file is parsed first, so these need no root.
 */
class VxlanTunnelKeyFileTest {
    @TempDir
    Path dir;

    /** A key file as the tunnel accepts it: mode 0600 (KeyFile refuses wider modes before parsing). */
    private Path key(String content) throws Exception {
        Path key = Files.writeString(dir.resolve("k"), content);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    @Test
    void refusesAKeyOfTheWrongLength() throws Exception {
        Path key = key("abc\n");
        assertOneLineError(run("--key-file", key.toString()),
                "error: line 1 of key file " + key + " has 3 characters: a key is 32 hex characters (AES-128) or 64 (AES-256)");
    }

    @Test
    void refusesANonHexCharacterWithItsColumn() throws Exception {
        Path key = key("000102030405060708090a0b0c0d0e0g\n");
        assertOneLineError(run("--key-file", key.toString()),
                "error: line 1 of key file " + key + " has 'g' at column 32: a key is hex digits only (0-9, a-f, A-F)");
    }

    @Test
    void refusesAMissingFile() {
        Result r = run("--key-file", dir.resolve("missing").toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err.strip()).startsWith("error: cannot read key file " + dir.resolve("missing")).doesNotContain("\n");
    }

    @Test
    void refusesAnEspPortWithoutKeys() {
        assertOneLineError(run("--esp-port", "4501"),
                "error: --esp-port needs --key-file: without keys the tunnel is plain VXLAN on --port");
    }

    @Test
    void refusesABadEspPort() throws Exception {
        Path key = key("000102030405060708090a0b0c0d0e0f\n");
        assertOneLineError(run("--key-file", key.toString(), "--esp-port", "70000"),
                "error: invalid --esp-port 70000: must be 1-65535");
    }

    @Test
    void refusesABadMetricsAddress() {
        assertOneLineError(run("--metrics-addr", "9108"),
                "error: invalid --metrics-addr \"9108\": expected HOST:PORT, e.g. 127.0.0.1:9108");
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... extra) {
        String[] base = {"vxlan-tunnel", "--vni", "42", "--local", "192.0.2.1", "--remote", "192.0.2.2",
                "--tap", "tkeytest0", "--inner-addr", "10.99.0.1/24"};
        String[] argv = new String[base.length + extra.length];
        System.arraycopy(base, 0, argv, 0, base.length);
        System.arraycopy(extra, 0, argv, base.length, extra.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TunnelMain.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv);
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(Result r, String line) {
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err.strip()).isEqualTo(line);
        assertThat(r.out).isEmpty();
    }
}
