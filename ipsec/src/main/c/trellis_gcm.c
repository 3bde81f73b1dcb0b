/*
 * AES-GCM (NIST SP 800-38D) for ESP on VAES and VPCLMULQDQ (512- or 256-bit registers): the one piece of
 * Trellis in C.
 *
 * Why: SunJCE's AES-GCM streams well (~0.23 ns/byte here) but spends ~300 ns of fixed work per
 * packet (re-init per nonce: key checks, a new GHASH and counter object, AAD through a byte stream,
 * single blocks in Java), about half the cost of a 1.4 KB ESP packet, and it works on heap arrays
 * only, so every packet is copied twice more. Here the key schedule and the powers of H are computed
 * once per key and a packet is sealed in place in direct memory: 280 ns for 1440 bytes against
 * SunJCE's 625 (docs/encryption.md §5 has the measurements).
 *
 * Constant time: AES rounds, carry-less multiplication and the tag comparison do not branch on
 * secret data. open() verifies the tag before it decrypts, so a forgery leaves the buffer as it was.
 *
 * Called through JNR-FFI (io.trellis.ipsec.esp.NativeAesGcm). Every pointer is the caller's; the
 * key context is an opaque block of trellis_gcm_context_size() bytes the caller allocates.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/* Every function that touches key material runs with TARGET (VAES and VPCLMULQDQ on 256-bit registers:
 * Zen 3, Alder Lake, Ice Lake and later); the 512-bit steps with WIDE (AVX-512 too: Zen 4, Ice Lake
 * and later server parts). trellis_gcm_width() tells which this CPU runs, before any of them is called. */
#define TARGET __attribute__((target("aes,pclmul,sse4.1,ssse3,avx,avx2,vaes,vpclmulqdq")))
#define WIDE __attribute__((target("aes,pclmul,sse4.1,ssse3,avx,avx2,vaes,vpclmulqdq,avx512f,avx512bw,avx512vl")))
#define EXPORT __attribute__((visibility("default")))
#define POWERS 16
#define WIDE_BLOCKS 16 /* blocks per step: four 512-bit or eight 256-bit registers */

typedef struct {
    __m128i round_keys[15];
    __m128i h_powers[POWERS];   /* H^1 .. H^16, byte-reflected */
    __m256i h_half[WIDE_BLOCKS / 2]; /* two per register: lane j of [g] is H^(16 - 2g - j) */
    int rounds;
    int width; /* 512 or 256: the register width of the sixteen-block steps */
} gcm_context;

/* The widest registers this CPU and OS run the code below with: 512 (AVX-512 with VAES and
 * VPCLMULQDQ), 256 (AVX2 with VAES and VPCLMULQDQ), or 0. Without VAES, SunJCE's GCM is as fast as a
 * 128-bit version of this would be, so there is none. */
EXPORT int trellis_gcm_width(void) {
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")
          && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vaes") && __builtin_cpu_supports("vpclmulqdq"))) {
        return 0;
    }
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
           ? 512 : 256;
}

EXPORT int trellis_gcm_context_size(void) {
    return (int) sizeof(gcm_context) + 64; /* + alignment slack: the caller's block may be unaligned */
}

/* The context holds 512-bit registers, which the compiler stores with aligned moves. */
static gcm_context *aligned(void *block) {
    return (gcm_context *) (((uintptr_t) block + 63) & ~(uintptr_t) 63);
}

/* ------------------------------------------------------------------ AES key schedule (FIPS 197 §5.2) */

TARGET static __m128i expand_128(__m128i key, __m128i assist) {
    assist = _mm_shuffle_epi32(assist, 0xff);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

TARGET static __m128i expand_256_odd(__m128i previous, __m128i key) {
    __m128i assist = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(previous, 0x00), 0xaa);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

#define EXPAND_128(i, rcon) rk[i] = expand_128(rk[i - 1], _mm_aeskeygenassist_si128(rk[i - 1], rcon))
#define EXPAND_256(i, rcon)                                                              \
    rk[i] = expand_128(rk[i - 2], _mm_aeskeygenassist_si128(rk[i - 1], rcon));           \
    if (i + 1 < 15) rk[i + 1] = expand_256_odd(rk[i], rk[i - 1])

TARGET static void expand_key(gcm_context *ctx, const uint8_t *key, int length) {
    __m128i *rk = ctx->round_keys;
    rk[0] = _mm_loadu_si128((const __m128i *) key);
    if (length == 16) {
        ctx->rounds = 10;
        EXPAND_128(1, 0x01); EXPAND_128(2, 0x02); EXPAND_128(3, 0x04); EXPAND_128(4, 0x08);
        EXPAND_128(5, 0x10); EXPAND_128(6, 0x20); EXPAND_128(7, 0x40); EXPAND_128(8, 0x80);
        EXPAND_128(9, 0x1b); EXPAND_128(10, 0x36);
    } else {
        ctx->rounds = 14;
        rk[1] = _mm_loadu_si128((const __m128i *) (key + 16));
        EXPAND_256(2, 0x01); EXPAND_256(4, 0x02); EXPAND_256(6, 0x04); EXPAND_256(8, 0x08);
        EXPAND_256(10, 0x10); EXPAND_256(12, 0x20); EXPAND_256(14, 0x40);
    }
}

TARGET static __m128i encrypt_block(const gcm_context *ctx, __m128i block) {
    const __m128i *rk = ctx->round_keys;
    block = _mm_xor_si128(block, rk[0]);
    for (int r = 1; r < ctx->rounds; r++) {
        block = _mm_aesenc_si128(block, rk[r]);
    }
    return _mm_aesenclast_si128(block, rk[ctx->rounds]);
}

/* ------------------------------------------------------------------ GHASH (SP 800-38D §6.4) */
/* Blocks are byte-reflected (Intel's "Carry-Less Multiplication and Its Usage for Computing the GCM
 * Mode", Gueron and Kounavis, Algorithm 1 with the reduction of Algorithm 4): products of several
 * blocks are summed unreduced and reduced once (aggregated reduction, §"Improving performance"). */

TARGET static __m128i reflect(__m128i block) {
    return _mm_shuffle_epi8(block, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* lo:hi += a * b, 256 bits, not reduced */
TARGET static void multiply_add(__m128i a, __m128i b, __m128i *lo, __m128i *hi) {
    __m128i low = _mm_clmulepi64_si128(a, b, 0x00);
    __m128i high = _mm_clmulepi64_si128(a, b, 0x11);
    __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01));
    *lo = _mm_xor_si128(*lo, _mm_xor_si128(low, _mm_slli_si128(mid, 8)));
    *hi = _mm_xor_si128(*hi, _mm_xor_si128(high, _mm_srli_si128(mid, 8)));
}

/* The 256-bit product of two reflected operands, shifted left by one and reduced mod x^128+x^7+x^2+x+1. */
TARGET static __m128i reduce(__m128i lo, __m128i hi) {
    __m128i carry_lo = _mm_srli_epi32(lo, 31);
    __m128i carry_hi = _mm_srli_epi32(hi, 31);
    lo = _mm_slli_epi32(lo, 1);
    hi = _mm_slli_epi32(hi, 1);
    __m128i across = _mm_srli_si128(carry_lo, 12);
    carry_hi = _mm_slli_si128(carry_hi, 4);
    carry_lo = _mm_slli_si128(carry_lo, 4);
    lo = _mm_or_si128(lo, carry_lo);
    hi = _mm_or_si128(_mm_or_si128(hi, carry_hi), across);

    __m128i a = _mm_slli_epi32(lo, 31);
    __m128i b = _mm_slli_epi32(lo, 30);
    __m128i c = _mm_slli_epi32(lo, 25);
    a = _mm_xor_si128(_mm_xor_si128(a, b), c);
    b = _mm_srli_si128(a, 4);
    a = _mm_slli_si128(a, 12);
    lo = _mm_xor_si128(lo, a);
    __m128i d = _mm_srli_epi32(lo, 1);
    __m128i e = _mm_srli_epi32(lo, 2);
    __m128i f = _mm_srli_epi32(lo, 7);
    d = _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(d, e), f), b);
    lo = _mm_xor_si128(lo, d);
    return _mm_xor_si128(hi, lo);
}

TARGET static __m128i multiply(__m128i a, __m128i b) {
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
    multiply_add(a, b, &lo, &hi);
    return reduce(lo, hi);
}

WIDE static __m512i reflect_wide(__m512i blocks) {
    const __m512i mask = _mm512_broadcast_i32x4(
            _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    return _mm512_shuffle_epi8(blocks, mask);
}

TARGET static __m256i reflect_half(__m256i blocks) {
    const __m256i mask = _mm256_broadcastsi128_si256(
            _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    return _mm256_shuffle_epi8(blocks, mask);
}

/* (y ^ X0) H^16 + X1 H^15 + ... + X15 H for each sixteen blocks, one reduction each, 512-bit registers. */
WIDE static __m128i ghash16_wide(const gcm_context *ctx, __m128i y, const uint8_t *data, size_t steps) {
    __m512i powers[WIDE_BLOCKS / 4]; /* lane j of [g] is H^(16 - 4g - j): two of h_half side by side */
    for (int g = 0; g < WIDE_BLOCKS / 4; g++) {
        powers[g] = _mm512_inserti64x4(_mm512_castsi256_si512(ctx->h_half[2 * g]), ctx->h_half[2 * g + 1], 1);
    }
    for (; steps > 0; steps--, data += 16 * WIDE_BLOCKS) {
        __m512i lo = _mm512_setzero_si512(), mid = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
        for (int g = 0; g < WIDE_BLOCKS / 4; g++) {
            __m512i x = reflect_wide(_mm512_loadu_si512((const void *) (data + 64 * g)));
            if (g == 0) {
                x = _mm512_xor_si512(x, _mm512_zextsi128_si512(y));
            }
            __m512i h = powers[g];
            lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(x, h, 0x00));
            hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(x, h, 0x11));
            mid = _mm512_ternarylogic_epi64(mid, _mm512_clmulepi64_epi128(x, h, 0x10),
                                            _mm512_clmulepi64_epi128(x, h, 0x01), 0x96);
        }
        lo = _mm512_xor_si512(lo, _mm512_bslli_epi128(mid, 8));
        hi = _mm512_xor_si512(hi, _mm512_bsrli_epi128(mid, 8));
        __m256i lo2 = _mm256_xor_si256(_mm512_castsi512_si256(lo), _mm512_extracti64x4_epi64(lo, 1));
        __m256i hi2 = _mm256_xor_si256(_mm512_castsi512_si256(hi), _mm512_extracti64x4_epi64(hi, 1));
        y = reduce(_mm_xor_si128(_mm256_castsi256_si128(lo2), _mm256_extracti128_si256(lo2, 1)),
                   _mm_xor_si128(_mm256_castsi256_si128(hi2), _mm256_extracti128_si256(hi2, 1)));
    }
    return y;
}

/* The same with 256-bit registers. */
TARGET static __m128i ghash16_half(const gcm_context *ctx, __m128i y, const uint8_t *data, size_t steps) {
    for (; steps > 0; steps--, data += 16 * WIDE_BLOCKS) {
        __m256i lo = _mm256_setzero_si256(), mid = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
        for (int g = 0; g < WIDE_BLOCKS / 2; g++) {
            __m256i x = reflect_half(_mm256_loadu_si256((const __m256i *) (data + 32 * g)));
            if (g == 0) {
                x = _mm256_xor_si256(x, _mm256_zextsi128_si256(y));
            }
            __m256i h = ctx->h_half[g];
            lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(x, h, 0x00));
            hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(x, h, 0x11));
            mid = _mm256_xor_si256(mid, _mm256_xor_si256(_mm256_clmulepi64_epi128(x, h, 0x10),
                                                         _mm256_clmulepi64_epi128(x, h, 0x01)));
        }
        lo = _mm256_xor_si256(lo, _mm256_bslli_epi128(mid, 8));
        hi = _mm256_xor_si256(hi, _mm256_bsrli_epi128(mid, 8));
        y = reduce(_mm_xor_si128(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1)),
                   _mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1)));
    }
    return y;
}

/* Folds whole blocks into the hash state y (reflected): sixteen per step with one reduction, then
 * the rest X0 H^n + ... + X(n-1) H, also with one reduction. */
TARGET static __m128i ghash_blocks(const gcm_context *ctx, __m128i y, const uint8_t *data, size_t blocks) {
    size_t steps = blocks / WIDE_BLOCKS;
    if (steps > 0) {
        y = ctx->width == 512 ? ghash16_wide(ctx, y, data, steps) : ghash16_half(ctx, y, data, steps);
        data += 16 * WIDE_BLOCKS * steps;
        blocks -= WIDE_BLOCKS * steps;
    }
    if (blocks > 0) {
        __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
        __m128i x = _mm_xor_si128(y, reflect(_mm_loadu_si128((const __m128i *) data)));
        for (size_t i = 0; i < blocks; i++) {
            if (i > 0) {
                x = reflect(_mm_loadu_si128((const __m128i *) (data + 16 * i)));
            }
            multiply_add(x, ctx->h_powers[blocks - 1 - i], &lo, &hi);
        }
        y = reduce(lo, hi);
    }
    return y;
}

/* Hashes length octets as GHASH does: whole blocks, then the rest zero-padded to a block. */
TARGET static __m128i ghash(const gcm_context *ctx, __m128i y, const uint8_t *data, size_t length) {
    y = ghash_blocks(ctx, y, data, length / 16);
    size_t rest = length % 16;
    if (rest) {
        uint8_t last[16] = {0};
        memcpy(last, data + length - rest, rest);
        y = ghash_blocks(ctx, y, last, 1);
    }
    return y;
}

/* Expands length (16 or 32) key octets with registers of width bits (512, 256, or 0 for the widest
 * this CPU has). Returns 0, or -1 for another key length, -2 for a width this CPU cannot run. */
EXPORT TARGET int trellis_gcm_init_width(void *block, const uint8_t *key, int length, int width) {
    int widest = trellis_gcm_width();
    if (width == 0) {
        width = widest;
    }
    if ((width != 512 && width != 256) || width > widest) {
        return -2;
    }
    if (length != 16 && length != 32) {
        return -1;
    }
    gcm_context *ctx = aligned(block);
    ctx->width = width;
    expand_key(ctx, key, length);
    __m128i h = reflect(encrypt_block(ctx, _mm_setzero_si128()));
    ctx->h_powers[0] = h;
    for (int i = 1; i < POWERS; i++) {
        ctx->h_powers[i] = multiply(ctx->h_powers[i - 1], h);
    }
    for (int g = 0; g < WIDE_BLOCKS / 2; g++) {
        int top = WIDE_BLOCKS - 2 * g; /* lane j holds H^(top - j) */
        ctx->h_half[g] = _mm256_set_m128i(ctx->h_powers[top - 2], ctx->h_powers[top - 1]);
    }
    return 0;
}

/* Wipes the schedule and the powers of H (they derive from the key). */
EXPORT void trellis_gcm_destroy(void *block) {
    explicit_bzero(aligned(block), sizeof(gcm_context));
}

/* ------------------------------------------------------------------ counter mode (SP 800-38D §6.5) */

#define ROUND4(op, key) \
    b0 = op(b0, key); b1 = op(b1, key); b2 = op(b2, key); b3 = op(b3, key)

/* XORs length octets at in with the key stream from counter value counter on, sixteen blocks (four
 * 512-bit registers) per step; the last step loads and stores under a byte mask. The counter is the
 * low 32 bits of the block, big-endian (inc32, SP 800-38D §6.2); it is kept reflected so that a
 * lane-wise add steps it. */
WIDE static void ctr_wide(const gcm_context *ctx, __m128i j0, uint32_t counter, const uint8_t *in, uint8_t *out,
                          size_t length) {
    const __m128i *rk = ctx->round_keys;
    int rounds = ctx->rounds;
    __m512i next = _mm512_add_epi32(_mm512_broadcast_i32x4(reflect(_mm_insert_epi32(j0, (int) __builtin_bswap32(counter), 3))),
                                    _mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0));
    const __m512i four = _mm512_set_epi32(0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4);
    const __m512i k0 = _mm512_broadcast_i32x4(rk[0]);
    const __m512i last = _mm512_broadcast_i32x4(rk[rounds]);
    while (length > 0) {
        __m512i b0 = _mm512_xor_si512(reflect_wide(next), k0);
        next = _mm512_add_epi32(next, four);
        __m512i b1 = _mm512_xor_si512(reflect_wide(next), k0);
        next = _mm512_add_epi32(next, four);
        __m512i b2 = _mm512_xor_si512(reflect_wide(next), k0);
        next = _mm512_add_epi32(next, four);
        __m512i b3 = _mm512_xor_si512(reflect_wide(next), k0);
        next = _mm512_add_epi32(next, four);
        for (int r = 1; r < rounds; r++) {
            __m512i key = _mm512_broadcast_i32x4(rk[r]);
            ROUND4(_mm512_aesenc_epi128, key);
        }
        ROUND4(_mm512_aesenclast_epi128, last);
        if (length >= 16 * WIDE_BLOCKS) {
            _mm512_storeu_si512((void *) out, _mm512_xor_si512(b0, _mm512_loadu_si512((const void *) in)));
            _mm512_storeu_si512((void *) (out + 64), _mm512_xor_si512(b1, _mm512_loadu_si512((const void *) (in + 64))));
            _mm512_storeu_si512((void *) (out + 128), _mm512_xor_si512(b2, _mm512_loadu_si512((const void *) (in + 128))));
            _mm512_storeu_si512((void *) (out + 192), _mm512_xor_si512(b3, _mm512_loadu_si512((const void *) (in + 192))));
            in += 16 * WIDE_BLOCKS;
            out += 16 * WIDE_BLOCKS;
            length -= 16 * WIDE_BLOCKS;
            continue;
        }
        __m512i stream[4] = {b0, b1, b2, b3};
        for (int g = 0; length > 0; g++) {
            size_t n = length < 64 ? length : 64;
            __mmask64 mask = n == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << n) - 1);
            __m512i data = _mm512_maskz_loadu_epi8(mask, (const void *) in);
            _mm512_mask_storeu_epi8((void *) out, mask, _mm512_xor_si512(data, stream[g]));
            in += n;
            out += n;
            length -= n;
        }
    }
}

#define ROUND8(op, key) \
    b0 = op(b0, key); b1 = op(b1, key); b2 = op(b2, key); b3 = op(b3, key); \
    b4 = op(b4, key); b5 = op(b5, key); b6 = op(b6, key); b7 = op(b7, key)

/* The same with eight 256-bit registers; AVX2 has no byte-masked load, so the last step goes
 * through a 256-byte buffer on the stack, wiped afterwards. */
TARGET static void ctr_half(const gcm_context *ctx, __m128i j0, uint32_t counter, const uint8_t *in, uint8_t *out,
                            size_t length) {
    const __m128i *rk = ctx->round_keys;
    int rounds = ctx->rounds;
    __m256i next = _mm256_add_epi32(_mm256_broadcastsi128_si256(reflect(_mm_insert_epi32(j0, (int) __builtin_bswap32(counter), 3))),
                                    _mm256_set_epi32(0, 0, 0, 1, 0, 0, 0, 0));
    const __m256i two = _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 2);
    const __m256i k0 = _mm256_broadcastsi128_si256(rk[0]);
    const __m256i last = _mm256_broadcastsi128_si256(rk[rounds]);
    while (length > 0) {
        __m256i b[8];
        for (int g = 0; g < 8; g++) {
            b[g] = _mm256_xor_si256(reflect_half(next), k0);
            next = _mm256_add_epi32(next, two);
        }
        __m256i b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
        for (int r = 1; r < rounds; r++) {
            __m256i key = _mm256_broadcastsi128_si256(rk[r]);
            ROUND8(_mm256_aesenc_epi128, key);
        }
        ROUND8(_mm256_aesenclast_epi128, last);
        __m256i stream[8] = {b0, b1, b2, b3, b4, b5, b6, b7};
        if (length >= 16 * WIDE_BLOCKS) {
            for (int g = 0; g < 8; g++) {
                _mm256_storeu_si256((__m256i *) (out + 32 * g),
                                    _mm256_xor_si256(stream[g], _mm256_loadu_si256((const __m256i *) (in + 32 * g))));
            }
            in += 16 * WIDE_BLOCKS;
            out += 16 * WIDE_BLOCKS;
            length -= 16 * WIDE_BLOCKS;
            continue;
        }
        uint8_t tail[16 * WIDE_BLOCKS];
        memcpy(tail, in, length);
        for (int g = 0; g < 8; g++) {
            _mm256_storeu_si256((__m256i *) (tail + 32 * g),
                                _mm256_xor_si256(stream[g], _mm256_loadu_si256((const __m256i *) (tail + 32 * g))));
        }
        memcpy(out, tail, length);
        explicit_bzero(tail, sizeof(tail)); /* key stream and plaintext must not stay on the stack */
        length = 0;
    }
}

/* XORs length octets at in with the key stream from counter block J0 + first on, to out. */
TARGET static void ctr(const gcm_context *ctx, __m128i j0, uint32_t first, const uint8_t *in, uint8_t *out, size_t length) {
    uint32_t counter = __builtin_bswap32((uint32_t) _mm_extract_epi32(j0, 3)) + first;
    if (ctx->width == 512) {
        ctr_wide(ctx, j0, counter, in, out, length);
    } else {
        ctr_half(ctx, j0, counter, in, out, length);
    }
}

/* The tag before truncation: E(K, J0) xor GHASH(A || 0* || C || 0* || [len(A)]64 || [len(C)]64). */
TARGET static __m128i tag_of(const gcm_context *ctx, __m128i j0, const uint8_t *aad, size_t aad_length,
                             const uint8_t *ciphertext, size_t length) {
    __m128i y = ghash(ctx, _mm_setzero_si128(), aad, aad_length);
    y = ghash(ctx, y, ciphertext, length);
    /* [len(A)]64 || [len(C)]64, reflected: len(C) lands in the low half */
    __m128i lengths = _mm_set_epi64x((long long) aad_length * 8, (long long) length * 8);
    y = multiply(_mm_xor_si128(y, lengths), ctx->h_powers[0]);
    return _mm_xor_si128(reflect(y), encrypt_block(ctx, j0));
}

/* J0 for a 96-bit IV (SP 800-38D §7.1 step 2): IV || 0^31 || 1. */
static __m128i j0_of(const uint8_t *nonce) {
    uint8_t block[16];
    memcpy(block, nonce, 12);
    block[12] = 0;
    block[13] = 0;
    block[14] = 0;
    block[15] = 1;
    return _mm_loadu_si128((const __m128i *) block);
}

/* nonce_aad: the 12-octet nonce, then aad_length octets of AAD. The tag sits right after the
 * data, as ESP's ICV does after the ciphertext (RFC 4303 §2). Five arguments keep JNR-FFI on its
 * fast call path. */

/* Encrypts length octets at data in place and writes the 16-octet tag at data + length. */
EXPORT TARGET void trellis_gcm_seal(const void *block, const uint8_t *nonce_aad, int aad_length, uint8_t *data, int length) {
    const gcm_context *ctx = aligned((void *) block);
    __m128i j0 = j0_of(nonce_aad);
    ctr(ctx, j0, 1, data, data, (size_t) length);
    _mm_storeu_si128((__m128i *) (data + length),
                     tag_of(ctx, j0, nonce_aad + 12, (size_t) aad_length, data, (size_t) length));
}

/* Verifies the tag at data + length over the length octets of ciphertext at data and, only if it
 * verifies, decrypts them in place. Returns 1 if authentic, 0 if not (then nothing was written). */
EXPORT TARGET int trellis_gcm_open(const void *block, const uint8_t *nonce_aad, int aad_length, uint8_t *data, int length) {
    const gcm_context *ctx = aligned((void *) block);
    __m128i j0 = j0_of(nonce_aad);
    __m128i expected = tag_of(ctx, j0, nonce_aad + 12, (size_t) aad_length, data, (size_t) length);
    __m128i difference = _mm_xor_si128(expected, _mm_loadu_si128((const __m128i *) (data + length)));
    if (!_mm_testz_si128(difference, difference)) {
        return 0;
    }
    ctr(ctx, j0, 1, data, data, (size_t) length);
    return 1;
}
