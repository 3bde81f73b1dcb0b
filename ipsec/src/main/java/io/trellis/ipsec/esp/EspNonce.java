package io.trellis.ipsec.esp;

import java.nio.ByteBuffer;

/**
 * One thread's RFC 4106 nonce (salt | IV, §4) followed by the ESN AAD (SPI | sequence number, §5), in
 * direct memory for {@link NativeAesGcm}: 24 octets, rewritten for every packet, never reallocated.
 */
final class EspNonce {
    static final int LENGTH = AesGcm.NONCE_LENGTH + AesGcm.AAD_LENGTH;

    private final ByteBuffer memory = ByteBuffer.allocateDirect(LENGTH); // big-endian, as the wire
    private final long address = NativeAesGcm.address(memory);

    /** Writes nonce and AAD; returns their address. */
    long prepare(int salt, long iv, int spi, long sequenceNumber) {
        memory.putInt(0, salt).putLong(CipherSuite.SALT_LENGTH, iv)
                .putInt(AesGcm.NONCE_LENGTH, spi).putLong(AesGcm.NONCE_LENGTH + 4, sequenceNumber);
        return address;
    }
}
