package io.trellis.vxlan.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raw little-endian fast path over direct memory must agree with the heap path byte for byte. */
class NativeSumTest {

    @Test
    void directAndHeapSumsAgreeOnRandomRanges() {
        Random r = new Random(42);
        byte[] bytes = new byte[4096];
        r.nextBytes(bytes);
        ByteBuf heap = Unpooled.wrappedBuffer(bytes);
        ByteBuffer nio = ByteBuffer.allocateDirect(bytes.length);
        nio.put(bytes).flip();
        ByteBuf direct = Unpooled.wrappedBuffer(nio);
        assertThat(direct.hasMemoryAddress()).isTrue();
        for (int i = 0; i < 20_000; i++) {
            int offset = r.nextInt(2048);
            int length = r.nextInt(2048);
            assertThat(InternetChecksum.sum(direct, offset, length))
                    .as("offset %d length %d", offset, length)
                    .isEqualTo(InternetChecksum.sum(heap, offset, length));
        }
        // All-ones words exercise the end-around carries.
        ByteBuf ones = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(1501));
        for (int i = 0; i < 1501; i++) {
            ones.setByte(i, 0xFF);
        }
        assertThat(InternetChecksum.sum(ones, 0, 1501))
                .isEqualTo(InternetChecksum.sum(Unpooled.wrappedBuffer(new byte[1501]).setBytes(0, ones, 0, 1501), 0, 1501));
    }
}
