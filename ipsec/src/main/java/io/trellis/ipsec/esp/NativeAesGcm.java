package io.trellis.ipsec.esp;

import io.netty.util.internal.PlatformDependent;
import jnr.ffi.LibraryLoader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * AES-GCM for one key in native code (src/main/c/trellis_gcm.c, VAES and VPCLMULQDQ on 512- or 256-bit
 * registers: Zen 3, Zen 4, Ice Lake, Alder Lake and later): the key
 * schedule and the powers of H are computed once, here, and a packet is sealed or opened in place in
 * direct memory with no per-packet setup, no allocation and no copy. On a 1.4 KB ESP packet that is
 * about 280 ns against SunJCE's 625 ns, most of the difference being SunJCE's per-{@code init} work
 * (docs/encryption.md §5). Where the library is missing (no gcc at build time, another CPU or OS) or
 * {@code -Dtrellis.esp.cipher=jdk} is set, {@link #create} returns null and ESP uses {@link AesGcm}.
 *
 * <p>Thread safety: the context is only read after construction, so one instance serves every thread
 * of its SA; the nonce and AAD come from the caller's own memory. The context is zeroed when the
 * instance becomes unreachable (key material must not linger in freed memory).
 */
public final class NativeAesGcm {
    /** {@code auto} (default): native where available; {@code jdk}: always SunJCE; {@code native}: fail if unavailable. */
    public static final String PROPERTY = "trellis.esp.cipher";
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Library LIBRARY = Library.load();

    private final long context;
    /** Holds the context memory for as long as this object lives; the cleaner holds it after that. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final ByteBuffer memory;

    private NativeAesGcm(TrellisGcmLibrary functions, byte[] key, int offset, int length, int width) {
        this.memory = ByteBuffer.allocateDirect(functions.trellis_gcm_context_size());
        this.context = address(memory);
        ByteBuffer keyCopy = ByteBuffer.allocateDirect(length);
        try {
            keyCopy.put(key, offset, length);
            int result = functions.trellis_gcm_init_width(context, address(keyCopy), length, width);
            if (result == -2) {
                throw new IllegalArgumentException("this CPU cannot run the native AES-GCM with " + width + "-bit registers");
            }
            if (result != 0) {
                throw new IllegalArgumentException("an AES-GCM key of " + length + " bytes is not supported: use 16 or 32");
            }
        } finally {
            for (int i = 0; i < length; i++) {
                keyCopy.put(i, (byte) 0);
            }
        }
        long wipe = context;
        ByteBuffer held = memory;
        CLEANER.register(this, () -> {
            functions.trellis_gcm_destroy(wipe);
            held.clear(); // keeps the memory reachable until it is wiped
        });
    }

    /**
     * The native cipher for {@code length} (16 or 32) key octets at {@code offset}, or null if ESP is to
     * use the JDK's AES-GCM here ({@link #status()} says why).
     *
     * @throws IllegalStateException if {@code -Dtrellis.esp.cipher=native} was asked for and cannot be had
     */
    public static NativeAesGcm create(byte[] key, int offset, int length) {
        TrellisGcmLibrary functions = LIBRARY.functions;
        if (functions == null) {
            if (LIBRARY.required) {
                throw new IllegalStateException("-D" + PROPERTY + "=native, but " + LIBRARY.status);
            }
            return null;
        }
        return new NativeAesGcm(functions, key, offset, length, 0);
    }

    /**
     * Test hook: the native cipher with registers of {@code width} bits (512 or 256), so that both code
     * paths are tested on a CPU that has both.
     *
     * @throws IllegalStateException if the library is not used here
     * @throws IllegalArgumentException if this CPU cannot run that width
     */
    static NativeAesGcm createWithWidth(byte[] key, int offset, int length, int width) {
        if (LIBRARY.functions == null) {
            throw new IllegalStateException(LIBRARY.status);
        }
        return new NativeAesGcm(LIBRARY.functions, key, offset, length, width);
    }

    /** The widest registers the native cipher uses here (512 or 256), 0 where it is not used. */
    static int width() {
        return LIBRARY.functions == null ? 0 : LIBRARY.functions.trellis_gcm_width();
    }

    /** True if {@link #create} returns native ciphers in this JVM. */
    public static boolean available() {
        return LIBRARY.functions != null;
    }

    /** One line for logs and startup banners: which AES-GCM ESP uses here, and why. */
    public static String status() {
        return LIBRARY.status;
    }

    /**
     * Encrypts {@code length} octets at address {@code data} in place and writes the 16-octet tag right
     * after them. {@code nonceAad} points at the 12-octet nonce followed by {@code aadLength} octets of AAD.
     */
    void seal(long nonceAad, int aadLength, long data, int length) {
        LIBRARY.functions.trellis_gcm_seal(context, nonceAad, aadLength, data, length);
    }

    /**
     * Verifies the tag that follows the {@code length} octets of ciphertext at {@code data} and, only if
     * it verifies, decrypts them in place; otherwise nothing is written.
     */
    boolean open(long nonceAad, int aadLength, long data, int length) {
        return LIBRARY.functions.trellis_gcm_open(context, nonceAad, aadLength, data, length) == 1;
    }

    static long address(ByteBuffer direct) {
        return PlatformDependent.directBufferAddress(direct);
    }

    /** The library, loaded once per JVM, or the reason it is not used. */
    private record Library(TrellisGcmLibrary functions, String status, boolean required) {
        private static final String RESOURCE = "native/linux-x86_64/libtrellis-gcm.so";

        static Library load() {
            String mode = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
            boolean required = mode.equals("native");
            if (mode.equals("jdk")) {
                return new Library(null, "JDK AES-GCM (SunJCE): -D" + PROPERTY + "=jdk", false);
            }
            if (!mode.equals("auto") && !required) {
                return new Library(null, "JDK AES-GCM (SunJCE): -D" + PROPERTY + "=" + mode
                        + " is not one of auto, native, jdk", required);
            }
            String os = System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", "");
            if (!os.equals("Linux/amd64")) {
                return new Library(null, "JDK AES-GCM (SunJCE): the native one is built for Linux/amd64, this is " + os, required);
            }
            if (!PlatformDependent.hasUnsafe()) {
                return new Library(null, "JDK AES-GCM (SunJCE): Netty has no access to direct memory addresses here", required);
            }
            try (InputStream in = NativeAesGcm.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    return new Library(null, "JDK AES-GCM (SunJCE): this build has no native AES-GCM (gcc was missing when it was built)", required);
                }
                // A private directory (0700): a library another user could replace would run as us.
                Path dir = Files.createTempDirectory("trellis-gcm");
                Path file = dir.resolve("libtrellis-gcm.so");
                try {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    TrellisGcmLibrary functions = LibraryLoader.create(TrellisGcmLibrary.class)
                            .failImmediately().search(dir.toString()).load("trellis-gcm");
                    int width = functions.trellis_gcm_width();
                    if (width == 0) {
                        return new Library(null, "JDK AES-GCM (SunJCE): this CPU lacks VAES/VPCLMULQDQ, which the native one needs", required);
                    }
                    return new Library(functions, "native AES-GCM (" + (width == 512 ? "AVX-512" : "AVX2")
                            + " VAES, VPCLMULQDQ)", required);
                } finally {
                    // Mapped once loaded: the file is not needed any more.
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(dir);
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                return new Library(null, "JDK AES-GCM (SunJCE): the native one did not load: " + e.getMessage(), required);
            }
        }
    }
}
