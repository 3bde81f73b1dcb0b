package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_256;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static io.trellis.ipsec.esp.EspTestSupport.bytes;
import static io.trellis.ipsec.esp.EspTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Something that is not our Java code decrypts our bytes: Python's {@code cryptography} package (AES-GCM
 * from OpenSSL) opens ESP packets Trellis produced, AES-128 and AES-256, empty to 1400-byte payloads,
 * across the 2^32 boundary of the extended sequence number, and returns the payloads we sent.
 * ({@code openssl enc} cannot do it: it refuses AEAD ciphers.) Skipped with one line where Python or
 * the package is missing.
 */
class IndependentDecryptionTest {
    @Test
    void pythonCryptographyDecryptsTrellisPackets(@TempDir Path dir) throws Exception {
        Path script = script(dir);
        StringBuilder input = new StringBuilder();
        List<String> expected = new ArrayList<>();
        EspOutbound outbound = new EspOutbound(new EspCounters());
        int[] lengths = {0, 1, 2, 3, 4, 61, 64, 1400};
        for (byte[] keymat : List.of(KEYMAT_128, KEYMAT_256)) {
            // Start two packets below 2^32 so the ESN high half changes mid-run.
            SecurityAssociation sa = SecurityAssociation.outboundAfter(0xFFFF_FFFDL, SPI, keymat);
            for (int i = 0; i < lengths.length; i++) {
                byte[] payload = EspTestSupport.payload(lengths[i], i);
                Kind kind = Kind.values()[i % Kind.values().length];
                ByteBuf packet = EspTestSupport.seal(outbound, sa, kind, payload, 17);
                input.append(hex(keymat)).append(' ').append(Long.toUnsignedString(sa.lastSequenceNumber()))
                        .append(' ').append(hex(bytes(packet, 0, packet.capacity()))).append('\n');
                expected.add("OK 17 " + (payload.length == 0 ? "-" : hex(payload)));
            }
        }
        assertThat(run(script, input.toString())).containsExactlyElementsOf(expected);
    }

    @Test
    void pythonCryptographyRejectsATamperedTrellisPacket(@TempDir Path dir) throws Exception {
        Path script = script(dir);
        SecurityAssociation sa = SecurityAssociation.outboundAfter(41, SPI, KEYMAT_128);
        ByteBuf packet = EspTestSupport.seal(new EspOutbound(new EspCounters()), sa, Kind.HEAP, EspTestSupport.payload(100, 1), 17);
        packet.setByte(40, packet.getByte(40) ^ 0x01);
        String line = hex(KEYMAT_128) + " 42 " + hex(bytes(packet, 0, packet.capacity())) + "\n";
        assertThat(run(script, line)).containsExactly("FAIL ICV");
    }

    /** The decryption script in {@code dir}; skips the test where it cannot run. */
    private Path script(Path dir) throws IOException {
        assumeTrue(pythonCryptographyAvailable(), "python3 with the cryptography package is not installed: skipping independent decryption");
        Path script = dir.resolve("esp_decrypt.py");
        try (InputStream in = getClass().getResourceAsStream("esp_decrypt.py")) {
            Files.copy(in, script);
        }
        return script;
    }

    private static List<String> run(Path script, String input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    private static boolean pythonCryptographyAvailable() {
        try {
            Process process = new ProcessBuilder("python3", "-c", "import cryptography.hazmat.primitives.ciphers.aead")
                    .redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
