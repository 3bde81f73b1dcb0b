package io.trellis.ipsec.esp;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;

import static io.trellis.ipsec.esp.EspTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known answers for the GCM layer: NIST CAVP vectors through the JDK cipher exactly as {@link AesGcm}
 * drives it (SunJCE, 128-bit tag, in place in one array), and the ESN test cases of
 * draft-mcgrew-gcm-test-01 ("Test Cases for the use of GCM in IPsec ESP") through {@link AesGcm}
 * itself, which checks RFC 4106's nonce = salt | IV and AAD = SPI | SeqHi | SeqLo.
 */
class GcmKnownAnswerTest {
    record Nist(String name, String key, String iv, String plaintext, String aad, String ciphertext, String tag) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** NIST CAVP gcmEncryptExtIV128.rsp / gcmEncryptExtIV256.rsp, IVlen = 96, Taglen = 128. */
    static Stream<Nist> nistVectors() {
        return Stream.of(
                new Nist("AES-128 PTlen=408 AADlen=160 Count=0", "fe47fcce5fc32665d2ae399e4eec72ba", "5adb9609dbaeb58cbd6e7275",
                        "7c0e88c88899a779228465074797cd4c2e1498d259b54390b85e3eef1c02df60e743f1b840382c4bccaf3bafb4ca8429bea063",
                        "88319d6e1d3ffa5f987199166c8a9b56c2aeba5a",
                        "98f4826f05a265e6dd2be82db241c0fbbbf9ffb1c173aa83964b7cf5393043736365253ddbc5db8778371495da76d269e5db3e",
                        "291ef1982e4defedaa2249f898556b47"),
                new Nist("AES-128 PTlen=408 AADlen=720 Count=0", "2c1f21cf0f6fb3661943155c3e3d8492", "23cb5ff362e22426984d1907",
                        "42f758836986954db44bf37c6ef5e4ac0adaf38f27252a1b82d02ea949c8a1a2dbc0d68b5615ba7c1220ff6510e259f06655d8",
                        "5d3624879d35e46849953e45a32a624d6a6c536ed9857c613b572b0333e701557a713e3f010ecdf9a6bd6c9e3e44b065208645"
                                + "aff4aabee611b391528514170084ccf587177f4488f33cfb5e979e42b6e1cfc0a60238982a7aec",
                        "81824f0e0d523db30d3da369fdc0d60894c7a0a20646dd015073ad2732bd989b14a222b6ad57af43e1895df9dca2a5344a62cc",
                        "57a3ee28136e94c74838997ae9823f3a"),
                new Nist("AES-256 PTlen=128 AADlen=128 Count=0", "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b",
                        "ac93a1a6145299bde902f21a", "2d71bcfa914e4ac045b2aa60955fad24", "1e0889016f67601c8ebea4943bc23ad6",
                        "8995ae2e6df3dbf96fac7b7137bae67f", "eca5aa77d51d4a0a14d9c51e1da474ab"),
                new Nist("AES-256 PTlen=128 AADlen=160 Count=0", "83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a",
                        "0b459724904e010a46901cf3", "33d893a2114ce06fc15d55e454cf90c3", "794a14ccd178c8ebfd1379dc704c5e208f9d8424",
                        "cc66bee423e3fcd4c0865715e9586696", "0fb291bd3dba94a1dfd8b286cfb97ac5"),
                new Nist("AES-256 PTlen=104 AADlen=160 Count=1", "97431e565e8370a4879de962746a2fd67eca868b1c8e51eece2c1f94f74af407",
                        "17fb63066e2726d282ecc610", "e21629cc973fbe40176e621d9d", "78e7374da7c77be5938de8dd76cf0308618306a9",
                        "80dbd469de480389ba6c2fca52", "4e284abb8b4f9f13c7497ae56df05fa5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nistVectors")
    void jdkCipherInPlaceGivesTheNistAnswer(Nist v) throws Exception {
        byte[] pt = hex(v.plaintext());
        byte[] array = Arrays.copyOf(pt, pt.length + 16);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hex(v.key()), "AES"), new GCMParameterSpec(128, hex(v.iv())));
        cipher.updateAAD(hex(v.aad()));
        cipher.doFinal(array, 0, pt.length, array, 0);
        assertThat(hex(array)).isEqualTo(v.ciphertext() + v.tag());

        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(hex(v.key()), "AES"), new GCMParameterSpec(128, hex(v.iv())));
        cipher.updateAAD(hex(v.aad()));
        cipher.doFinal(array, 0, array.length, array, 0);
        assertThat(hex(Arrays.copyOf(array, pt.length))).isEqualTo(v.plaintext());
    }

    record Esp(String name, String keyAndSalt, int spi, long seq, long iv, String plaintext, String sealed) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** draft-mcgrew-gcm-test-01 §4 test cases with 64-bit extended sequence numbers (12-octet AAD). */
    static Stream<Esp> espVectors() {
        return Stream.of(
                new Esp("AES-128 SPI 0x4321 ESN 0x8765432100000000", "4c80cdefbb5d10da906ac73c3613a634" + "2e443b68",
                        0x4321, 0x8765_4321_0000_0000L, 0x4956_ed7e_3b24_4cfeL,
                        "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f7564700373"
                                + "69700963796265726369747902646b000021000101020201",
                        "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d"
                                + "15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe722fd04796562dfdb4"),
                new Esp("AES-128 SPI 0x42f67e3f ESN 0x1010101010101010", "3de09874b388e6491988d0c3607eae1f" + "57690e43",
                        0x42f6_7e3f, 0x1010_1010_1010_1010L, 0x4e28_0000_a2fc_a1a3L,
                        "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f7071727374"
                                + "75767761626364656667686901020201",
                        "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc9"
                                + "1755e6662b4c8d0d1f5e22739530320ae0d731cc978ecafaeae88f00e80d6e48"),
                new Esp("AES-256 SPI 0x17405e67 ESN 0x156f3126dd0db99b",
                        "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "73616c74",
                        0x1740_5e67, 0x156f_3126_dd0d_b99bL, 0x616e_6401_6976_6563L,
                        "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
                        "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e451626c2415771e3"
                                + "b7eebca614c89b35"),
                new Esp("AES-256 SPI 0x796b6963 ESN 0xffffffffffffffff",
                        "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961" + "7475726e",
                        0x796b_6963, -1L, 0x3330_2169_6765_746dL,
                        "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f7071727374"
                                + "01020201",
                        "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe82"
                                + "1dcc63b9d0937ba2945f669368661a329fb4c053"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espVectors")
    void aesGcmSealsAndOpensTheDraftVectors(Esp v) {
        SecurityAssociation sa = SecurityAssociation.outbound(v.spi(), hex(v.keyAndSalt()), "peer", 1);
        byte[] pt = hex(v.plaintext());
        byte[] array = Arrays.copyOf(pt, pt.length + 16);
        sa.cipher().seal(v.spi(), v.seq(), v.iv(), array, 0, pt.length);
        assertThat(hex(array)).isEqualTo(v.sealed());

        assertThat(sa.cipher().open(v.spi(), v.seq(), v.iv(), array, 0, array.length)).isTrue();
        assertThat(hex(Arrays.copyOf(array, pt.length))).isEqualTo(v.plaintext());
    }

    /**
     * RFC 4106 §4: nonce = salt (the last 4 octets of the keying material) | explicit IV; §5: AAD =
     * SPI | SeqHi | SeqLo. BouncyCastle's GCM fed exactly that gives the vector too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("espVectors")
    void saltAndIvFormTheNonceAndTheEsnFormsTheAad(Esp v) throws Exception {
        byte[] keymat = hex(v.keyAndSalt());
        int keyLength = keymat.length - 4;
        byte[] nonce = ByteBuffer.allocate(12).put(keymat, keyLength, 4).putLong(v.iv()).array();
        byte[] aad = ByteBuffer.allocate(12).putInt(v.spi()).putLong(v.seq()).array();
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(keymat, 0, keyLength), 128, nonce, aad));
        byte[] pt = hex(v.plaintext());
        byte[] out = new byte[gcm.getOutputSize(pt.length)];
        int n = gcm.processBytes(pt, 0, pt.length, out, 0);
        gcm.doFinal(out, n);
        assertThat(hex(out)).isEqualTo(v.sealed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espVectors")
    void aChangedIvSaltOrSequenceNumberFailsTheIcv(Esp v) {
        SecurityAssociation sa = SecurityAssociation.outbound(v.spi(), hex(v.keyAndSalt()), "peer", 1);
        byte[] sealed = hex(v.sealed());
        assertThat(sa.cipher().open(v.spi(), v.seq(), v.iv() ^ 1, sealed.clone(), 0, sealed.length)).isFalse();
        assertThat(sa.cipher().open(v.spi(), v.seq() ^ (1L << 32), v.iv(), sealed.clone(), 0, sealed.length)).isFalse();
        assertThat(sa.cipher().open(v.spi() ^ 1, v.seq(), v.iv(), sealed.clone(), 0, sealed.length)).isFalse();
        byte[] otherSalt = hex(v.keyAndSalt());
        otherSalt[otherSalt.length - 1] ^= 1;
        SecurityAssociation saltedDifferently = SecurityAssociation.outbound(v.spi(), otherSalt, "peer", 1);
        assertThat(saltedDifferently.cipher().open(v.spi(), v.seq(), v.iv(), sealed.clone(), 0, sealed.length)).isFalse();
    }
}
