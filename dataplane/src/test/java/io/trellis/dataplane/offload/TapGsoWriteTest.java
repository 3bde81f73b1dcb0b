package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.ipvs.tun.Offloads;
import io.trellis.ipvs.tun.TapDevice;
import io.trellis.ipvs.tun.TapOptions;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel takes what {@link TcpCoalescer} writes. A TAP in a fresh namespace gets a handshake
 * driven by hand from the "peer" side, then data segments (timestamps on; complete checksums, then
 * partial ones as from a kernel VXLAN peer) merged into GSO frames and written with their
 * virtio-net header. The listening socket must read every byte and the kernel acknowledge them
 * all. Two paths: local delivery to a socket on the TAP's own address, where the kernel trusts a
 * CHECKSUM_PARTIAL frame as is; and forwarding to a socket in a second namespace over a veth with
 * TX checksumming off, where the kernel must cut our GSO frame itself and compute every segment's
 * checksum from the seed we left, which the receiver then verifies.
 */
@Tag("netns")
class TapGsoWriteTest {
    private static final String TAP = "tgso0";
    private static final int MSS = 1398;
    private static final long PEER_ISN = 1_000_000L;
    private static final int PEER_TSVAL = 5000;
    /** Low 32 bits of the listening address when forwarded: 10.0.1.2, or fd00:0:0:43::a00:102. */
    private static final int FORWARDED_SERVER = 0x0A_00_01_02;
    private static final long FORWARDED_PREFIX = 0xFD00_0000_0000_0043L;

    /** Fresh namespaces for each case, gone after it. */
    @RegisterExtension
    final ScratchNamespaces netns = new ScratchNamespaces("offload");

    @ParameterizedTest(name = "IPv6 {0}, forwarded {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void kernelTakesCoalescedGsoFrames(boolean v6, boolean forwarded) throws Exception {
        Assumptions.assumeTrue(!forwarded || onPath("ethtool"), "the forwarded case needs ethtool to turn veth TX checksumming off");
        NetworkNamespace router = NetworkNamespace.open(netns.create("tap").path());
        try (TapDevice tap = router.call(() -> TapDevice.open(TapOptions.named(TAP)
                .withVnetHeader(Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.TSO6)).withNonBlocking()))) {
            netns.sh("tap", "ip link set " + TAP + " address 02:00:00:00:00:0b"
                    + (v6 ? " && ip addr add fd00:0:0:42::a00:2/64 dev " + TAP + " nodad"
                            + " && ip -6 neigh replace fd00:0:0:42::a00:1 lladdr 02:00:00:00:00:0a dev " + TAP + " nud permanent"
                          : " && ip addr add 10.0.0.2/24 dev " + TAP
                            + " && ip neigh replace 10.0.0.1 lladdr 02:00:00:00:00:0a dev " + TAP + " nud permanent")
                    + " && ip link set " + TAP + " up");
            NetworkNamespace serverSide = router;
            String local = v6 ? "fd00:0:0:42::a00:2" : "10.0.0.2";
            if (forwarded) {
                serverSide = NetworkNamespace.open(netns.create("host").path());
                netns.sh("tap", "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
                        + " && ip link add vr type veth peer name vh netns " + netns.path("host")
                        + " && ethtool -K vr tx off >/dev/null" // no TX checksum, hence no TSO: the kernel segments in software
                        + " && ip addr add 10.0.1.1/24 dev vr && ip addr add fd00:0:0:43::1/64 dev vr nodad && ip link set vr up");
                netns.sh("host", "ip addr add 10.0.1.2/24 dev vh && ip addr add fd00:0:0:43::a00:102/64 dev vh nodad"
                        + " && ip link set vh up && ip route add default via 10.0.1.1 && ip -6 route add default via fd00:0:0:43::1");
                local = v6 ? "fd00:0:0:43::a00:102" : "10.0.1.2";
            }
            String address = local;
            try (ServerSocket server = serverSide.call(() -> new ServerSocket(5201, 1, InetAddress.getByName(address)))) {
                server.setSoTimeout(5000);
                Segment syn = (v6 ? Segment.v6() : Segment.v4()).flags(TcpFlyweight.FLAG_SYN);
                if (forwarded) {
                    syn.dstIp = FORWARDED_SERVER;
                    syn.dstPrefix = FORWARDED_PREFIX;
                }
                exchange(tap, server, syn);
            }
        }
    }

    private void exchange(TapDevice tap, ServerSocket server, Segment syn) throws Exception {
        boolean v6 = syn.v6;
        syn.options = TcpFrames.timestamps(PEER_TSVAL, 0);
        syn.seq = PEER_ISN;
        syn.ack = 0;
        syn.window = 0xFFFF;
        write(tap, syn.build());
        TcpFlyweight synAck = await(tap, v6, t -> t.hasFlags(TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK));
        long serverIsn = synAck.sequenceNumber();
        int serverWindow = synAck.window();
        int at = synAck.findOption(TcpFlyweight.OPTION_TIMESTAMPS);
        assertThat(at).as("SYN-ACK timestamps").isPositive();
        int serverTsval = synAck.buffer().getInt(at + 2);

        Segment flow = syn.copy().flags(TcpFlyweight.FLAG_ACK).options(TcpFrames.timestamps(PEER_TSVAL + 1, serverTsval));
        flow.seq = PEER_ISN + 1;
        flow.ack = serverIsn + 1;
        write(tap, flow.build());
        try (Socket accepted = server.accept()) {
            accepted.setSoTimeout(5000);
            // Two merges, each as large as the receive window allows: complete checksums, then partial.
            int segments = Math.min(20, serverWindow / MSS / 2);
            assertThat(segments).as("segments the server's first window takes").isGreaterThan(1);
            byte[] data = TcpFrames.randomPayload(v6 ? 66 : 44, 2 * segments * MSS);
            Segment all = flow.copy().flags(TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_PSH);
            Segment[] pieces = all.split(data, MSS);
            TcpCoalescer coalescer = new TcpCoalescer(TcpCoalescer.FLOW_SLOTS_DEFAULT, (buf, offset, length) -> write(tap, buf, offset, length));
            for (int i = 0; i < pieces.length; i++) {
                Segment piece = pieces[i];
                if (i == segments - 1) {
                    piece.flags |= TcpFlyweight.FLAG_PSH; // ends the first merge
                }
                if (i >= segments) {
                    piece.checksum = TcpFrames.Checksum.PARTIAL;
                }
                byte[] frame = piece.build();
                coalescer.offer(TcpFrames.direct(frame), 0, frame.length);
            }
            coalescer.flush();
            assertThat(coalescer.gsoFramesWritten()).isEqualTo(2);
            assertThat(coalescer.framesWritten()).isEqualTo(2);

            byte[] received = accepted.getInputStream().readNBytes(data.length);
            assertThat(received).isEqualTo(data);
            long expectedAck = PEER_ISN + 1 + data.length;
            await(tap, v6, t -> t.hasFlags(TcpFlyweight.FLAG_ACK) && t.acknowledgmentNumber() == expectedAck);
        }
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** Writes a complete frame with an all-zero virtio-net header. */
    private static void write(TapDevice tap, byte[] frame) throws NativeException {
        ByteBuffer b = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + frame.length);
        b.position(VirtioNetHeader.LENGTH);
        b.put(frame).flip();
        assertThat(tap.write(b)).isEqualTo(VirtioNetHeader.LENGTH + frame.length);
    }

    private static void write(TapDevice tap, ByteBuf buf, int offset, int length) {
        try {
            assertThat(tap.write(buf.memoryAddress() + offset, length)).as("TAP write of %d bytes", length).isEqualTo(length);
        } catch (NativeException e) {
            throw new AssertionError("the TAP refused a coalesced frame: " + e.getMessage(), e);
        }
    }

    private interface TcpMatch {
        boolean test(TcpFlyweight tcp);
    }

    /** Reads frames from the TAP until a TCP segment from port 5201 matches, for at most 5 s. */
    private static TcpFlyweight await(TapDevice tap, boolean v6, TcpMatch match) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(70_000);
        ByteBuf view = TcpFrames.direct(70_000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!tap.awaitReadable(100)) {
                continue;
            }
            b.clear();
            int n = tap.read(b);
            if (n == 0) {
                continue;
            }
            b.flip();
            byte[] frame = new byte[n - VirtioNetHeader.LENGTH];
            b.position(VirtioNetHeader.LENGTH);
            b.get(frame);
            view.setBytes(0, frame);
            int type = view.getUnsignedShort(12);
            int l4 = v6 ? 54 : 34;
            if (type != (v6 ? 0x86DD : 0x0800) || view.getUnsignedByte(v6 ? 20 : 23) != 6 || frame.length < l4 + 20) {
                continue;
            }
            TcpFlyweight tcp = new TcpFlyweight().wrap(view, l4, frame.length - l4);
            if (tcp.check().isNone() && tcp.sourcePort() == 5201 && match.test(tcp)) {
                return tcp;
            }
        }
        throw new AssertionError("no matching TCP segment from the kernel within 5 s");
    }
}
