package io.trellis.ipvs.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.libc.LibCHolder;
import io.trellis.ipvs.libc.LinuxConstants;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UDP GSO sends over loopback in the test's own network namespace (no root): the kernel cuts the
 * stream at UDP_SEGMENT whether it comes from one buffer or from iovecs that alternate a header
 * and a payload, which is what the VTEP's gathering send relies on.
 */
class UdpGsoSenderTest {
    private static final int LOOPBACK = 0x7F00_0001;

    private DatagramSocket receiver;
    private int fd = -1;

    @BeforeEach
    void open() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout(2000);
        receiver.setReceiveBufferSize(1 << 20);
        fd = LibCHolder.LIBC.socket(LinuxConstants.AF_INET, LinuxConstants.SOCK_DGRAM, 0);
        assertThat(fd).as("socket(AF_INET, SOCK_DGRAM)").isNotNegative();
    }

    @AfterEach
    void close() {
        receiver.close();
        if (fd >= 0) {
            LibCHolder.LIBC.close(fd);
        }
    }

    @Test
    void gatheredHeadersAndPayloadsArriveAsOneDatagramEach() throws Exception {
        int header = 74;
        int segment = 1398;
        int[] payloads = {segment, segment, segment, 517};
        ByteBuffer headers = ByteBuffer.allocateDirect(header * payloads.length);
        ByteBuffer frame = ByteBuffer.allocateDirect(8192);
        Random r = new Random(4789);
        byte[] h = new byte[headers.capacity()];
        byte[] p = new byte[frame.capacity()];
        r.nextBytes(h);
        r.nextBytes(p);
        headers.put(h).clear();
        frame.put(p).clear();
        int payloadStart = 54; // the payload slices start past the frame's own headers, unaligned

        UdpGsoSender sender = new UdpGsoSender(fd);
        long ha = address(headers);
        long pa = address(frame);
        int length = 0;
        List<byte[]> expected = new ArrayList<>();
        int source = payloadStart;
        for (int i = 0; i < payloads.length; i++) {
            sender.iovec(2 * i, ha + (long) i * header, header);
            sender.iovec(2 * i + 1, pa + source, payloads[i]);
            byte[] d = new byte[header + payloads[i]];
            System.arraycopy(h, i * header, d, 0, header);
            System.arraycopy(p, source, d, header, payloads[i]);
            expected.add(d);
            source += payloads[i];
            length += header + payloads[i];
        }
        assertThat(sender.sendGathered(2 * payloads.length, length, LOOPBACK, receiver.getLocalPort(), header + segment))
                .isTrue();

        for (byte[] d : expected) {
            DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
            receiver.receive(packet);
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo(d);
        }
    }

    @Test
    void oneBufferSendStillCutsAtSegmentSize() throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(3000);
        byte[] bytes = new byte[3000];
        new Random(1).nextBytes(bytes);
        buf.put(bytes).clear();
        UdpGsoSender sender = new UdpGsoSender(fd);
        assertThat(sender.send(address(buf), 3000, LOOPBACK, receiver.getLocalPort(), 1200)).isTrue();
        int[] lengths = new int[3];
        for (int i = 0; i < 3; i++) {
            DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
            receiver.receive(packet);
            lengths[i] = packet.getLength();
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength()))
                    .isEqualTo(Arrays.copyOfRange(bytes, i * 1200, i * 1200 + packet.getLength()));
        }
        assertThat(lengths).containsExactly(1200, 1200, 600);
    }

    @Test
    void refusesIovecsOutOfRange() {
        UdpGsoSender sender = new UdpGsoSender(fd);
        assertThatThrownBy(() -> sender.iovec(UdpGsoSender.MAX_IOVECS, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sender.sendGathered(0, 0, LOOPBACK, 9, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long address(ByteBuffer direct) {
        return com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(direct);
    }
}
