package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpEncoder;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Captures fresh traffic from this host's kernel VXLAN (make-captures.sh: two throwaway network
 * namespaces, a veth pair, VNI 42) and decodes every packet, so a kernel that changes what it puts
 * on the wire is noticed. Skips where it is not root or a tool is missing.
 */
@Tag("netns")
class KernelVxlanCaptureTest {
    private static final List<String> TOOLS = List.of("ip", "tcpdump", "ethtool", "nc", "ping", "od");

    @TempDir
    static Path out;
    private static boolean captured;
    private static String skipReason = "";

    @BeforeAll
    static void capture() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            skipReason = "needs root to create network namespaces";
            return;
        }
        for (String tool : TOOLS) {
            if (run("bash", "-c", "command -v " + tool) != 0) {
                skipReason = "needs " + tool + " on the PATH";
                return;
            }
        }
        Path script = Path.of(KernelVxlanCaptureTest.class.getResource("/captures/make-captures.sh").toURI());
        int exit = run("bash", script.toString(), out.toString());
        assertThat(exit).as("make-captures.sh exit code (output in %s)", out.resolve("log")).isZero();
        captured = true;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolve("log").toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Test
    void everyPacketWithChecksumsFilledDecodesCleanly() throws IOException {
        assumeTrue(captured, skipReason);
        List<byte[]> packets = readPcap(out.resolve("txoff.pcap"));
        VxlanPacketDecoder decoder = new VxlanPacketDecoder();
        Set<Layer> seen = EnumSet.noneOf(Layer.class);
        for (byte[] packet : packets) {
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            assertThat(decoder.decodeUnderlayFrame(buf, 0, packet.length)).as(hex(packet)).isEqualTo(Malformed.NONE);
            assertThat(decoder.vni()).isEqualTo(Captures.VNI);
            assertThat(decoder.outerUdp().destinationPort()).isEqualTo(VxlanFlyweight.UDP_PORT);
            for (Layer layer : Layer.values()) {
                if (decoder.has(layer)) {
                    seen.add(layer);
                }
            }
            if (decoder.has(Layer.INNER_TCP) && decoder.tcp().hasFlags(TcpFlyweight.FLAG_SYN)) {
                assertThat(decoder.tcp().mss()).as("MSS of a 1450-byte overlay").isEqualTo(1410);
            }
        }
        assertThat(seen).contains(Layer.INNER_ARP, Layer.INNER_ICMP, Layer.INNER_ICMPV6, Layer.INNER_TCP);
    }

    @Test
    void withDefaultOffloadsChecksumsArePartialUntilFilledLikeANicWould() throws IOException {
        assumeTrue(captured, skipReason);
        List<byte[]> packets = readPcap(out.resolve("offload.pcap"));
        VxlanPacketDecoder strict = new VxlanPacketDecoder();
        VxlanPacketDecoder lenient = new VxlanPacketDecoder(VxlanFlyweight.UDP_PORT, false, false);
        int partialTcp = 0;
        for (byte[] packet : packets) {
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            assertThat(lenient.decodeUnderlayFrame(buf, 0, packet.length)).as(hex(packet)).isEqualTo(Malformed.NONE);
            Malformed result = strict.decodeUnderlayFrame(buf, 0, packet.length);
            assertThat(result).as("the kernel leaves the outer UDP checksum partial too: %s", hex(packet))
                    .isEqualTo(Malformed.BAD_CHECKSUM);
            assertThat(strict.failedLayer()).isEqualTo(Layer.OUTER_UDP);
            if (strict.decodeDatagram(buf, 42, packet.length - 42) == Malformed.BAD_CHECKSUM) {
                assertThat(strict.failedLayer()).isEqualTo(Layer.INNER_TCP);
                Ipv4Flyweight ip = strict.innerIpv4();
                TcpEncoder.writeChecksum(buf, ip.payloadOffset(), ip.payloadLength(),
                        InternetChecksum.pseudoHeaderSumIpv4(buf, ip.offset(), 6, ip.payloadLength()));
                partialTcp++;
            }
            if (strict.decodeUnderlayFrame(buf, 0, packet.length) == Malformed.BAD_CHECKSUM) {
                // Not TCP: the outer field holds the pseudo-header sum (CHECKSUM_PARTIAL), not an LCO value.
                UdpEncoder.writeChecksum(buf, 34, InternetChecksum.pseudoHeaderSumIpv4(buf, 14, 17, buf.getUnsignedShort(38)));
            }
            assertThat(strict.decodeUnderlayFrame(buf, 0, packet.length)).as(hex(packet)).isEqualTo(Malformed.NONE);
        }
        assertThat(partialTcp).as("TCP segments left CHECKSUM_PARTIAL").isPositive();
    }

    /** Frames of a classic pcap file (either byte order, micro- or nanosecond timestamps). */
    static List<byte[]> readPcap(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            in.order(ByteOrder.BIG_ENDIAN);
        }
        assertThat(in.getInt(20)).as("LINKTYPE_ETHERNET").isEqualTo(1);
        List<byte[]> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= in.limit()) {
            int captured = in.getInt(at + 8);
            byte[] frame = new byte[captured];
            in.get(at + 16, frame);
            frames.add(frame);
            at += 16 + captured;
        }
        assertThat(frames).as("packets in %s", file.getFileName()).isNotEmpty();
        return frames;
    }

    private static String hex(byte[] packet) {
        return ByteBufUtil.hexDump(packet);
    }
}
