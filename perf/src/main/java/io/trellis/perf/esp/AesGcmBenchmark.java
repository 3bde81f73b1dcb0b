package io.trellis.perf.esp;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The AES-GCM candidates for ESP, one packet at a time as ESP uses them (docs/encryption.md §5): a
 * 12-octet nonce and a 12-octet AAD per packet, a {@code payload}-octet plaintext, 16-octet tag.
 * <ul>
 *   <li>{@link #seal}: a new nonce ({@code init}), the AAD, encrypt; on a {@code byte[]} in place
 *       ({@code *-heap}) or from one direct {@code ByteBuffer} into another ({@code *-direct}, JCA's
 *       {@code doFinal(ByteBuffer, ByteBuffer)}; in place is not allowed there);</li>
 *   <li>{@link #open}: verify and decrypt one sealed packet into a separate buffer (so the same
 *       packet can be opened again; a receiver decrypts in place, which costs the same);</li>
 *   <li>{@link #init}: only the per-packet {@code Cipher.init} with a new nonce.</li>
 * </ul>
 * {@code bc-heap} is BouncyCastle's {@code GCMBlockCipher} keyed once and given a key-less
 * {@code AEADParameters} per packet; its {@code init} row is that re-initialisation. Setup checks that
 * every candidate seals to the same bytes as SunJCE.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AesGcmBenchmark {
    @Param({"accp-heap", "accp-direct", "sunjce-heap", "sunjce-direct", "bc-heap"})
    public String candidate;
    @Param({"256"})
    public int keyBits;
    @Param({"1404"}) // a 1400-octet VXLAN datagram with ESP padding and trailer
    public int payload;

    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[12];
    private Candidate c;
    private long seq;

    @Setup
    public void setUp() throws Exception {
        byte[] key = new byte[keyBits / 8];
        Arrays.fill(key, (byte) 7);
        c = make(candidate, key, payload);
        Candidate reference = make("sunjce-heap", key, payload);
        byte[] plaintext = new byte[payload];
        for (int i = 0; i < payload; i++) {
            plaintext[i] = (byte) (i * 31);
        }
        c.load(plaintext);
        reference.load(plaintext);
        next(1);
        c.seal(nonce, aad);
        reference.seal(nonce, aad);
        if (!Arrays.equals(c.sealed(), reference.sealed())) {
            throw new IllegalStateException(candidate + " does not seal to the bytes SunJCE does");
        }
        if (!c.open(nonce, aad)) {
            throw new IllegalStateException(candidate + " does not open what it sealed");
        }
        seq = 1;
    }

    @Benchmark
    public int seal() throws Exception {
        next(++seq); // a fresh nonce every time: GCM forbids reuse and ACCP refuses it
        return c.seal(nonce, aad);
    }

    @Benchmark
    public boolean open() throws Exception {
        return c.open(nonce, aad);
    }

    @Benchmark
    public void init() throws Exception {
        next(++seq);
        c.init(nonce);
    }

    private void next(long sequenceNumber) {
        ByteBuffer.wrap(nonce).putInt(0, 0x2e443b68).putLong(4, sequenceNumber);
        ByteBuffer.wrap(aad).putInt(0, 0x4321).putLong(4, sequenceNumber);
    }

    static Candidate make(String name, byte[] key, int payload) throws GeneralSecurityException {
        switch (name) {
            case "accp-heap": return new JcaHeap(accp(), key, payload);
            case "accp-direct": return new JcaDirect(accp(), key, payload);
            case "sunjce-heap": return new JcaHeap(Security.getProvider("SunJCE"), key, payload);
            case "sunjce-direct": return new JcaDirect(Security.getProvider("SunJCE"), key, payload);
            case "bc-heap": return new BouncyCastleHeap(key, payload);
            default: throw new IllegalArgumentException("unknown candidate " + name);
        }
    }

    private static Provider accp() {
        Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
        if (error != null) {
            throw new IllegalStateException("ACCP did not load here: " + error);
        }
        return AmazonCorrettoCryptoProvider.INSTANCE;
    }

    interface Candidate {
        void load(byte[] plaintext);

        int seal(byte[] nonce, byte[] aad) throws GeneralSecurityException, InvalidCipherTextException;

        boolean open(byte[] nonce, byte[] aad) throws GeneralSecurityException;

        void init(byte[] nonce) throws GeneralSecurityException;

        byte[] sealed();
    }

    /** One Cipher per direction, one key object (ACCP keeps its key schedule when the key object is the same). */
    static final class JcaHeap implements Candidate {
        final Cipher encrypt;
        final Cipher decrypt;
        final SecretKeySpec key;
        final int length;
        final byte[] packet;
        final byte[] sealed;
        final byte[] opened;

        JcaHeap(Provider provider, byte[] key, int length) throws GeneralSecurityException {
            this.encrypt = Cipher.getInstance("AES/GCM/NoPadding", provider);
            this.decrypt = Cipher.getInstance("AES/GCM/NoPadding", provider);
            this.key = new SecretKeySpec(key, "AES");
            this.length = length;
            this.packet = new byte[length + 16];
            this.sealed = new byte[length + 16];
            this.opened = new byte[length + 16];
        }

        public void load(byte[] plaintext) {
            System.arraycopy(plaintext, 0, packet, 0, length);
        }

        public int seal(byte[] nonce, byte[] aad) throws GeneralSecurityException {
            encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            encrypt.updateAAD(aad);
            int n = encrypt.doFinal(packet, 0, length, packet, 0); // in place, as EspOutbound
            System.arraycopy(packet, 0, sealed, 0, n);
            return n;
        }

        public boolean open(byte[] nonce, byte[] aad) throws GeneralSecurityException {
            decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            decrypt.updateAAD(aad);
            return decrypt.doFinal(sealed, 0, length + 16, opened, 0) == length;
        }

        public void init(byte[] nonce) throws GeneralSecurityException {
            encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        }

        public byte[] sealed() {
            return sealed.clone();
        }
    }

    /** {@code doFinal(ByteBuffer, ByteBuffer)} between direct buffers, as a zero-copy data path would call it. */
    static final class JcaDirect implements Candidate {
        final Cipher encrypt;
        final Cipher decrypt;
        final SecretKeySpec key;
        final int length;
        final ByteBuffer plain;
        final ByteBuffer sealed;
        final ByteBuffer opened;

        JcaDirect(Provider provider, byte[] key, int length) throws GeneralSecurityException {
            this.encrypt = Cipher.getInstance("AES/GCM/NoPadding", provider);
            this.decrypt = Cipher.getInstance("AES/GCM/NoPadding", provider);
            this.key = new SecretKeySpec(key, "AES");
            this.length = length;
            this.plain = ByteBuffer.allocateDirect(length + 16);
            this.sealed = ByteBuffer.allocateDirect(length + 16);
            this.opened = ByteBuffer.allocateDirect(length + 16);
        }

        public void load(byte[] plaintext) {
            plain.clear();
            plain.put(plaintext, 0, length);
        }

        public int seal(byte[] nonce, byte[] aad) throws GeneralSecurityException {
            encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            encrypt.updateAAD(aad);
            plain.clear().limit(length);
            sealed.clear();
            return encrypt.doFinal(plain, sealed);
        }

        public boolean open(byte[] nonce, byte[] aad) throws GeneralSecurityException {
            decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            decrypt.updateAAD(aad);
            sealed.clear().limit(length + 16);
            opened.clear();
            return decrypt.doFinal(sealed, opened) == length;
        }

        public void init(byte[] nonce) throws GeneralSecurityException {
            encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        }

        public byte[] sealed() {
            byte[] out = new byte[length + 16];
            sealed.get(0, out);
            return out;
        }
    }

    /** BouncyCastle's GCM keyed once; per packet a key-less AEADParameters (keeps the key schedule). */
    static final class BouncyCastleHeap implements Candidate {
        final GCMModeCipher encrypt = GCMBlockCipher.newInstance(AESEngine.newInstance());
        final GCMModeCipher decrypt = GCMBlockCipher.newInstance(AESEngine.newInstance());
        final int length;
        final byte[] packet;
        final byte[] sealed;
        final byte[] opened;

        BouncyCastleHeap(byte[] key, int length) {
            KeyParameter k = new KeyParameter(key);
            encrypt.init(true, new AEADParameters(k, 128, new byte[12]));
            decrypt.init(false, new AEADParameters(k, 128, new byte[12]));
            this.length = length;
            this.packet = new byte[length + 16];
            this.sealed = new byte[length + 16];
            this.opened = new byte[length + 16];
        }

        public void load(byte[] plaintext) {
            System.arraycopy(plaintext, 0, packet, 0, length);
        }

        public int seal(byte[] nonce, byte[] aad) throws InvalidCipherTextException {
            encrypt.init(true, new AEADParameters(null, 128, nonce, aad));
            int n = encrypt.processBytes(packet, 0, length, packet, 0);
            n += encrypt.doFinal(packet, n);
            System.arraycopy(packet, 0, sealed, 0, n);
            return n;
        }

        public boolean open(byte[] nonce, byte[] aad) {
            decrypt.init(false, new AEADParameters(null, 128, nonce, aad));
            try {
                int n = decrypt.processBytes(sealed, 0, length + 16, opened, 0);
                return n + decrypt.doFinal(opened, n) == length;
            } catch (InvalidCipherTextException e) {
                return false;
            }
        }

        public void init(byte[] nonce) {
            encrypt.init(true, new AEADParameters(null, 128, nonce, null));
        }

        public byte[] sealed() {
            return sealed.clone();
        }
    }
}
