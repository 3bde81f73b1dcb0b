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
        assertThat(KEY_128.spi("10.0.0.1", "10.0.0.2")).isEqualTo(0xe1d98109);
        assertThat(KEY_128.spi("10.0.0.2", "10.0.0.1")).isEqualTo(0x36a89be4);
        assertThat(HexFormat.of().formatHex(KEY_128.keyingMaterial("10.0.0.1", "10.0.0.2")))
                .isEqualTo("42033b7b069785e9353911af92ab5b7a306f5619");
        assertThat(HexFormat.of().formatHex(KEY_128.keyingMaterial("10.0.0.2", "10.0.0.1")))
                .isEqualTo("2a9451be514ee686c60d85190c8697a354e2aebd");
        assertThat(KEY_256.id()).isEqualTo(0x51307570);
        assertThat(KEY_256.suite()).isEqualTo(CipherSuite.AES_256_GCM);
        assertThat(HexFormat.of().formatHex(KEY_256.keyingMaterial("10.0.0.1", "10.0.0.2")))
                .isEqualTo("d21f39054a7f917be87cf66bfec8a36e8ec216f4479f2b5965cc141bb8b5e6ed1694051e");
    }

    @Test
    void bothEndsDeriveMatchingSasWithoutNegotiation() {
        SecurityAssociation aToB = KEY_128.outbound("a", "b");
        SecurityAssociation bFromA = KEY_128.inbound("b", "a");
        assertThat(aToB.spi()).isEqualTo(bFromA.spi());
        assertThat(aToB.peer()).isEqualTo("b");
        assertThat(bFromA.peer()).isEqualTo("a");
        assertThat(bFromA.direction()).isEqualTo(SecurityAssociation.Direction.INBOUND);
        assertThat(KEY_128.outbound("b", "a").spi()).as("the other direction").isNotEqualTo(aToB.spi());
        assertThat(KEY_128.keyingMaterial("a", "b")).isNotEqualTo(KEY_128.keyingMaterial("b", "a"));
    }

    @Test
    void nodeNamesCannotBeShiftedIntoEachOther() {
        // Length prefixes: ("ab", "c") and ("a", "bc") are different pairs.
        assertThat(KEY_128.keyingMaterial("ab", "c")).isNotEqualTo(KEY_128.keyingMaterial("a", "bc"));
    }

    @Test
    void spisAreNeverReserved() {
        MasterKey key = MasterKey.generate(CipherSuite.AES_128_GCM, new SecureRandom());
        for (int i = 0; i < 2000; i++) {
            assertThat(Integer.compareUnsigned(key.spi("node-" + i, "node-x"), 256)).isGreaterThanOrEqualTo(0);
        }
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
