package io.trellis.ipsec.esp;

import jnr.ffi.annotations.IgnoreError;

/**
 * The entry points of libtrellis-gcm.so (src/main/c/trellis_gcm.c), bound by JNR-FFI; addresses are
 * passed as {@code long}. Public only because JNR generates the implementation; use {@link NativeAesGcm}.
 */
public interface TrellisGcmLibrary {
    /** 1 if this CPU and OS run the library (AES-NI, PCLMULQDQ, AVX-512 with VAES and VPCLMULQDQ). */
    @IgnoreError
    int trellis_gcm_supported();

    /** Bytes of the opaque key context the caller allocates. */
    @IgnoreError
    int trellis_gcm_context_size();

    /** Expands {@code length} (16 or 32) key octets into the context; 0 on success. */
    @IgnoreError
    int trellis_gcm_init(long context, long key, int length);

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
