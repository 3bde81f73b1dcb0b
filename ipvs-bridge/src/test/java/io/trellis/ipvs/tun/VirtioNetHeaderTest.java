package io.trellis.ipvs.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class VirtioNetHeaderTest {

    /** Read from a TAP with CSUM|TSO4 on Linux 6.18: a 7354-byte TCP/IPv4 super-frame followed. */
    private static final byte[] CAPTURED_TSO = {
        0x01, 0x01, 0x36, 0x00, (byte) 0xb4, 0x05, 0x22, 0x00, 0x10, 0x00, 0x00, 0x00};

    @Test
    void parsesCapturedTsoHeaderLittleEndianWhateverTheBufferOrder() {
        ByteBuffer buf = ByteBuffer.allocate(20).order(ByteOrder.BIG_ENDIAN);
        buf.put(4, CAPTURED_TSO);

        VirtioNetHeader header = new VirtioNetHeader().wrap(buf, 4);

        assertThat(header.flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(header.needsChecksum()).isTrue();
        assertThat(header.dataValid()).isFalse();
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(header.gsoEcn()).isFalse();
        assertThat(header.hdrLen()).isEqualTo(54);
        assertThat(header.gsoSize()).isEqualTo(1460);
        assertThat(header.csumStart()).isEqualTo(34);
        assertThat(header.csumOffset()).isEqualTo(16);
        assertThat(header.numBuffers()).isZero();
    }

    @Test
    void writesFieldsAtVirtioOffsets() {
        ByteBuffer buf = ByteBuffer.allocate(VirtioNetHeader.LENGTH);

        new VirtioNetHeader().wrap(buf, 0)
                .flags(VirtioNetHeader.F_DATA_VALID)
                .gsoType(VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN)
                .hdrLen(0x4a).gsoSize(1440).csumStart(0x36).csumOffset(16).numBuffers(1);

        assertThat(buf.array()).containsExactly(
                0x02, 0x84, 0x4a, 0x00, 0xa0, 0x05, 0x36, 0x00, 0x10, 0x00, 0x01, 0x00);
    }

    @Test
    void ecnBitIsSeparateFromGsoProtocol() {
        ByteBuffer buf = ByteBuffer.allocate(VirtioNetHeader.LENGTH);
        VirtioNetHeader header = new VirtioNetHeader().wrap(buf, 0)
                .gsoType(VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN);

        assertThat(header.gsoType()).isEqualTo(0x81);
        assertThat(header.gsoProtocol()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(header.gsoEcn()).isTrue();
    }

    @Test
    void addressViewSeesWhatBufferViewWrote() {
        ByteBuffer direct = ByteBuffer.allocateDirect(32);
        long address = MemoryIO.getInstance().getDirectBufferAddress(direct);
        new VirtioNetHeader().wrap(direct, 8).gsoType(VirtioNetHeader.GSO_UDP_L4).gsoSize(1200).csumOffset(6);

        VirtioNetHeader header = new VirtioNetHeader().wrap(address + 8);

        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(header.gsoSize()).isEqualTo(1200);
        assertThat(header.csumOffset()).isEqualTo(6);
        header.csumStart(34);
        assertThat(direct.get(8 + VirtioNetHeader.CSUM_START_OFFSET)).isEqualTo((byte) 34);
    }

    @Test
    void clearZeroesAllTwelveBytesOnly() {
        ByteBuffer buf = ByteBuffer.allocate(14);
        for (int i = 0; i < 14; i++) {
            buf.put(i, (byte) 0xee);
        }

        new VirtioNetHeader().wrap(buf, 1).clear();

        assertThat(buf.get(0)).isEqualTo((byte) 0xee);
        assertThat(buf.get(13)).isEqualTo((byte) 0xee);
        for (int i = 1; i <= VirtioNetHeader.LENGTH; i++) {
            assertThat(buf.get(i)).isZero();
        }
    }

    @Test
    void headerThatDoesNotFitIsRejected() {
        assertThatThrownBy(() -> new VirtioNetHeader().wrap(ByteBuffer.allocate(16), 5))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("virtio-net header at 5 does not fit a buffer of capacity 16");
    }
}
