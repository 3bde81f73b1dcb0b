package io.trellis.ipsec.keyring;

import io.trellis.ipsec.esp.CipherSuite;
import io.trellis.ipsec.esp.SecurityAssociation;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** SA derivation: golden values (computed independently with Python's hmac/hashlib from the formula in docs/encryption.md). */
class MasterKeyTest {
    private static final MasterKey KEY_128 = MasterKey.of(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));
    private static final MasterKey KEY_256 = MasterKey.of(HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    @Test
    void derivesTheDocumentedValues() {
        assertThat(KEY_128.id()).isEqualTo(0x5c06f27d);
        assertThat(KEY_128.suite()).isEqualTo(CipherSuite.AES_128_GCM);
        assertThat(hex(KEY_128.keyingMaterial(42, "10.0.0.1", "10.0.0.2", 0x12345678)))
                .isEqualTo("0fbd4e70797c4b4c3ea55d96e2e33c48ff982e43");
        assertThat(hex(KEY_128.keyingMaterial(42, "10.0.0.2", "10.0.0.1", 0x12345678))).as("the other direction")
                .isEqualTo("faf1116e900bc314f97b7ada829a1f745d6c5d24");
        assertThat(hex(KEY_128.keyingMaterial(43, "10.0.0.1", "10.0.0.2", 0x12345678))).as("another VNI")
                .isEqualTo("d24d572b3c0dd75932c0cb6775ba5a23c256bb20");
        assertThat(hex(KEY_128.keyingMaterial(42, "10.0.0.1", "10.0.0.2", 0x12345679))).as("another SPI")
                .isEqualTo("cf93b7c6aed7fac71abee3fc41f775d8b52060bb");
        assertThat(KEY_256.id()).isEqualTo(0x51307570);
        assertThat(KEY_256.suite()).isEqualTo(CipherSuite.AES_256_GCM);
        assertThat(hex(KEY_256.keyingMaterial(42, "10.0.0.1", "10.0.0.2", 0x12345678)))
                .isEqualTo("c6561e2419c9b19a8cd15a52c06f2001d64560028ad3179c82d45c39c2628b881f4819f2");
    }

    @Test
    void bothEndsDeriveMatchingSasFromTheSpi() {
        SecurityAssociation aToB = KEY_128.outbound(7, "a", "b", 0x4000, 0);
        SecurityAssociation bFromA = KEY_128.inbound(7, "b", "a", 0x4000);
        assertThat(aToB.spi()).isEqualTo(bFromA.spi());
        assertThat(aToB.peer()).isEqualTo("b");
        assertThat(bFromA.peer()).isEqualTo("a");
        assertThat(bFromA.direction()).isEqualTo(SecurityAssociation.Direction.INBOUND);
        assertThat(KEY_128.keyingMaterial(7, "a", "b", 0x4000)).isNotEqualTo(KEY_128.keyingMaterial(7, "b", "a", 0x4000));
    }

    @Test
    void nodeNamesCannotBeShiftedIntoEachOther() {
        // Length prefixes: ("ab", "c") and ("a", "bc") are different pairs.
        assertThat(KEY_128.keyingMaterial(1, "ab", "c", 0x4000)).isNotEqualTo(KEY_128.keyingMaterial(1, "a", "bc", 0x4000));
    }

    @Test
    void reservedSpisAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> KEY_128.inbound(1, "a", "b", 255))
                .withMessage("SPI 255 is reserved (RFC 4303 §2.1): use 256 or more");
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void generatedKeysDifferAndNeverPrintTheirSecret() {
        SecureRandom random = new SecureRandom();
        MasterKey a = MasterKey.generate(CipherSuite.AES_256_GCM, random);
        MasterKey b = MasterKey.generate(CipherSuite.AES_256_GCM, random);
        assertThat(a).isNotEqualTo(b);
        assertThat(a.suite()).isEqualTo(CipherSuite.AES_256_GCM);
        assertThat(KEY_128.toString()).isEqualTo("key 5c06f27d (AES_128_GCM)");
        assertThat(MasterKey.of(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"))).isEqualTo(KEY_128);
    }

    @Test
    void refusesOtherKeyLengths() {
        assertThatIllegalArgumentException().isThrownBy(() -> MasterKey.of(new byte[24]))
                .withMessage("an AES-GCM key of 24 bytes is not supported: use 16 (AES-128) or 32 (AES-256)");
    }
}
