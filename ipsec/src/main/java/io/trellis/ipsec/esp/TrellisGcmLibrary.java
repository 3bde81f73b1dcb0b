package io.trellis.ipsec.esp;

import jnr.ffi.annotations.IgnoreError;

/**
 * The entry points of libtrellis-gcm.so (src/main/c/trellis_gcm.c), bound by JNR-FFI; addresses are
 * passed as {@code long}. Public only because JNR generates the implementation; use {@link NativeAesGcm}.
 */
public interface TrellisGcmLibrary {
    /** The widest registers this CPU and OS run the library with: 512 (AVX-512), 256 (AVX2), or 0 (no VAES). */
    @IgnoreError
    int trellis_gcm_width();

    /** Bytes of the opaque key context the caller allocates. */
    @IgnoreError
    int trellis_gcm_context_size();

    /**
     * Expands {@code length} (16 or 32) key octets into the context for registers of {@code width} bits
     * (512, 256, or 0 for the widest here); 0 on success, -1 for another key length, -2 for a width
     * this CPU cannot run.
     */
    @IgnoreError
    int trellis_gcm_init_width(long context, long key, int length, int width);

    /** Zeroes the context. */
    @IgnoreError
    void trellis_gcm_destroy(long context);

    /** Nonce (12) then AAD at {@code nonceAad}; encrypts {@code length} octets at {@code data}, tag after them. */
    @IgnoreError
    void trellis_gcm_seal(long context, long nonceAad, int aadLength, long data, int length);

    /** As seal; verifies the tag after the data first and decrypts only then. 1 if authentic. */
    @IgnoreError
    int trellis_gcm_open(long context, long nonceAad, int aadLength, long data, int length);
}
