package io.trellis.ipvs.tun;

import static io.trellis.ipvs.tun.Frames.ETHERTYPE_ARP;
import static io.trellis.ipvs.tun.Frames.ETHERTYPE_IPV4;
import static io.trellis.ipvs.tun.Frames.ETH_LEN;
import static io.trellis.ipvs.tun.Frames.L4;
import static io.trellis.ipvs.tun.Frames.PROTO_ICMP;
import static io.trellis.ipvs.tun.Frames.PROTO_TCP;
import static io.trellis.ipvs.tun.Frames.PROTO_UDP;
import static io.trellis.ipvs.tun.TapNamespace.PEER_IP;
import static io.trellis.ipvs.tun.TapNamespace.PEER_MAC;
import static io.trellis.ipvs.tun.TapNamespace.TAP_IP;
import static io.trellis.ipvs.tun.TapNamespace.TAP_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Frames between the kernel's IP stack and hand-built peers behind the TAP: {@value TapNamespace#TAP_IP}
 * is the kernel's address on the TAP, {@value TapNamespace#PEER_IP} a peer the test plays.
 */
@Tag("netns")
class TapTrafficTest {

    private static final int FRAME_CAPACITY = 2048;
    private static final byte[] TAP_MAC_BYTES = Frames.mac(TAP_MAC);
    private static final byte[] PEER_MAC_BYTES = Frames.mac(PEER_MAC);
    private static final byte[] TAP_IP_BYTES = Frames.ipv4(TAP_IP);
    private static final byte[] PEER_IP_BYTES = Frames.ipv4(PEER_IP);

    private TapNamespace lab;

    @BeforeEach
    void createNamespaceOrSkip() throws Exception {
        lab = TapNamespace.createOrSkip();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void answersKernelPingThroughArpAndEcho() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("ping0").withNonBlocking());
        lab.configure("ping0");

        answerOnePing(tap, 0);
    }

    @Test
    void answersKernelPingWithVnetHeaderOnEveryFrame() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("ping1").withVnetHeader(Offloads.NONE).withNonBlocking());
        lab.configure("ping1");

        assertThat(tap.vnetHeaderLength()).isEqualTo(VirtioNetHeader.LENGTH);
        answerOnePing(tap, VirtioNetHeader.LENGTH);
    }

    @Test
    void readBatchReturnsEveryQueuedFrameAfterHeadroom() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("batch0").withNonBlocking());
        lab.configure("batch0");
        lab.addPeerNeighbour("batch0");
        int headroom = 64;
        ByteBuffer[] bufs = new ByteBuffer[8];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.allocateDirect(FRAME_CAPACITY);
            fill(bufs[i], (byte) 0x5a);
        }
        int[] sizes = new int[bufs.length];
        Arrays.fill(sizes, -1);

        lab.run("bash", "-c", "for i in 1 2 3; do echo x > /dev/udp/" + PEER_IP + "/9; done");
        assertThat(tap.awaitReadable(2_000)).isTrue();
        int count = tap.readBatch(bufs, sizes, headroom);

        assertThat(count).isEqualTo(3);
        for (int i = 0; i < count; i++) {
            ByteBuffer frame = bufs[i];
            assertThat(sizes[i]).as("Ethernet + IPv4 + UDP + \"x\\n\"").isEqualTo(ETH_LEN + 20 + 8 + 2);
            assertThat(Frames.bytes(frame, 0, headroom)).as("headroom untouched").containsOnly(0x5a);
            assertThat(Frames.bytes(frame, headroom, 6)).isEqualTo(PEER_MAC_BYTES);
            assertThat(Frames.isIpv4(frame, headroom, PROTO_UDP)).isTrue();
            assertThat(frame.getShort(headroom + L4 + 2)).as("UDP destination port").isEqualTo((short) 9);
            assertThat(Frames.bytes(frame, headroom + L4 + 8, 2)).isEqualTo(new byte[] {'x', '\n'});
            assertThat(frame.position()).isZero();
            assertThat(frame.limit()).isEqualTo(FRAME_CAPACITY);
        }
        assertThat(Arrays.copyOfRange(sizes, count, sizes.length)).containsOnly(-1);
        assertThat(Frames.bytes(bufs[count], 0, FRAME_CAPACITY)).containsOnly(0x5a);
        assertThat(tap.readBatch(bufs, sizes, headroom)).as("queue drained").isZero();
    }

    @Test
    void writeBatchDeliversEveryFrameToKernel() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("wbatch0").withNonBlocking());
        lab.configure("wbatch0");
        lab.addPeerNeighbour("wbatch0");
        int requests = 4;
        int headroom = 32;
        ByteBuffer[] bufs = new ByteBuffer[requests];
        int[] offsets = new int[requests];
        int[] lengths = new int[requests];
        for (int i = 0; i < requests; i++) {
            bufs[i] = ByteBuffer.allocateDirect(FRAME_CAPACITY);
            offsets[i] = headroom;
            lengths[i] = Frames.putEcho(bufs[i], headroom, 8, TAP_MAC_BYTES, PEER_MAC_BYTES, PEER_IP_BYTES,
                    TAP_IP_BYTES, 16 + i);
        }

        assertThat(tap.writeBatch(bufs, offsets, lengths, requests)).isEqualTo(requests);

        ByteBuffer reply = ByteBuffer.allocateDirect(FRAME_CAPACITY);
        for (int i = 0; i < requests; i++) {
            reply.clear();
            int length = awaitFrame(tap, reply, f -> Frames.isIpv4(f, 0, PROTO_ICMP));
            assertThat(reply.get(L4)).as("ICMP echo reply").isZero();
            assertThat(length).isEqualTo(L4 + 8 + 16 + i);
        }
    }

    @Test
    void vnetHeaderMarksPartialUdpChecksumWhenCsumOffloadIsOn() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("vnet0").withVnetHeader(Offloads.ALL).withNonBlocking());
        lab.configure("vnet0");
        lab.addPeerNeighbour("vnet0");
        ByteBuffer buf = ByteBuffer.allocateDirect(FRAME_CAPACITY);
        fill(buf, (byte) 0xff);

        assertThat(tap.offloads().contains(Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.TSO6))).isTrue();
        lab.run("bash", "-c", "echo hello > /dev/udp/" + PEER_IP + "/9");
        int length = awaitFrame(tap, buf, f -> Frames.isIpv4(f, VirtioNetHeader.LENGTH, PROTO_UDP));

        VirtioNetHeader header = new VirtioNetHeader().wrap(buf, 0);
        assertThat(length).isEqualTo(VirtioNetHeader.LENGTH + L4 + 8 + 6);
        assertThat(header.flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
        assertThat(header.csumStart()).as("UDP header after Ethernet and IPv4").isEqualTo(L4);
        assertThat(header.csumOffset()).as("UDP checksum field").isEqualTo(6);
        assertThat(header.numBuffers()).as("tun zeroes what it does not fill").isZero();
    }

    @Test
    void kernelTcpArrivesAsTso4SuperFrame() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("tso0")
                .withVnetHeader(Offloads.CSUM.plus(Offloads.TSO4)).withNonBlocking());
        lab.configure("tso0");
        lab.addPeerNeighbour("tso0");
        int at = VirtioNetHeader.LENGTH;
        ByteBuffer buf = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + 65_536 + 128);
        ByteBuffer out = ByteBuffer.allocateDirect(FRAME_CAPACITY);
        VirtioNetHeader header = new VirtioNetHeader();
        Process sender = lab.start("bash", "-c",
                "exec 3<>/dev/tcp/" + PEER_IP + "/5000 && head -c 60000 /dev/zero >&3 && sleep 10");
        try {
            awaitFrame(tap, buf, f -> isTcp(f, at, 0x02));
            int clientPort = Short.toUnsignedInt(buf.getShort(at + L4));
            long clientSeq = Integer.toUnsignedLong(buf.getInt(at + L4 + 4));
            header.wrap(out, 0).clear();
            // SYN+ACK offering MSS 1460 (RFC 9293 §3.7.1) and no window scaling: 64 KB of window.
            int length = Frames.putTcp(out, at, TAP_MAC_BYTES, PEER_MAC_BYTES, PEER_IP_BYTES, TAP_IP_BYTES,
                    5000, clientPort, 7000, clientSeq + 1, 0x12, new byte[] {2, 4, 0x05, (byte) 0xb4});
            out.limit(at + length);
            tap.write(out);

            int frameLength = awaitFrame(tap, buf, f -> isTcp(f, at, 0x10) && tcpPayload(f, at) > 1460);

            header.wrap(buf, 0);
            assertThat(header.gsoProtocol()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
            assertThat(header.gsoSize()).isEqualTo(1460);
            assertThat(header.hdrLen()).as("Ethernet + IPv4 + TCP").isEqualTo(L4 + 20);
            assertThat(header.needsChecksum()).isTrue();
            assertThat(header.csumStart()).isEqualTo(L4);
            assertThat(header.csumOffset()).as("TCP checksum field").isEqualTo(16);
            assertThat(frameLength).isGreaterThan(VirtioNetHeader.LENGTH + 1514);
        } finally {
            sender.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void frameLongerThanBufferIsCutToItAndRestDropped() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("cut0").withNonBlocking());
        lab.configure("cut0");
        lab.addPeerNeighbour("cut0");
        ByteBuffer small = ByteBuffer.allocateDirect(64);
        ByteBuffer next = ByteBuffer.allocateDirect(FRAME_CAPACITY);

        lab.run("bash", "-c", "head -c 200 /dev/zero > /dev/udp/" + PEER_IP + "/9");
        assertThat(tap.awaitReadable(2_000)).isTrue();
        small.limit(40);
        int length = tap.read(small);

        assertThat(length).as("tun reports what it copied, not the frame's 242 bytes").isEqualTo(40);
        assertThat(small.position()).isEqualTo(40);
        assertThat(Frames.ethertype(small, 0)).isEqualTo(ETHERTYPE_IPV4);
        assertThat(small.clear().get(40)).as("nothing past the limit").isZero();
        assertThat(tap.read(next)).as("the rest is dropped, not left queued").isZero();
    }

    /** Reads the kernel's ARP request, answers it, then answers the echo request it was for. */
    private void answerOnePing(TapDevice tap, int at) throws Exception {
        ByteBuffer in = ByteBuffer.allocateDirect(FRAME_CAPACITY);
        ByteBuffer out = ByteBuffer.allocateDirect(FRAME_CAPACITY);
        VirtioNetHeader header = new VirtioNetHeader();
        Process ping = lab.start("ping", "-c", "1", "-W", "3", PEER_IP);
        try {
            int length = awaitFrame(tap, in, f -> Frames.ethertype(f, at) == ETHERTYPE_ARP);
            assertThat(length).isEqualTo(at + Frames.ARP_FRAME_LEN);
            assertThat(Frames.bytes(in, at, 6)).as("broadcast").containsOnly(0xff);
            assertThat(Frames.bytes(in, at + 6, 6)).isEqualTo(TAP_MAC_BYTES);
            assertThat(in.getShort(at + ETH_LEN + 6)).as("ARP request").isEqualTo((short) 1);
            assertThat(Frames.bytes(in, at + ETH_LEN + 14, 4)).as("sender IP").isEqualTo(TAP_IP_BYTES);
            assertThat(Frames.bytes(in, at + ETH_LEN + 24, 4)).as("target IP").isEqualTo(PEER_IP_BYTES);
            if (at > 0) {
                assertThat(header.wrap(in, 0).flags()).isZero();
                header.wrap(out, 0).clear();
            }

            int replyLength = Frames.putArpReply(out, at, PEER_MAC_BYTES, PEER_IP_BYTES, TAP_MAC_BYTES, TAP_IP_BYTES);
            out.limit(at + replyLength);
            assertThat(tap.write(out)).isEqualTo(at + replyLength);
            assertThat(out.hasRemaining()).isFalse();

            in.clear();
            length = awaitFrame(tap, in, f -> Frames.isIpv4(f, at, PROTO_ICMP));
            assertThat(in.get(at + L4)).as("ICMP echo request").isEqualTo((byte) 8);
            assertThat(Frames.bytes(in, at, 6)).isEqualTo(PEER_MAC_BYTES);
            int echoLength = Frames.turnIntoEchoReply(in, at);
            in.position(0).limit(at + echoLength);
            assertThat(tap.write(in)).isEqualTo(at + echoLength);

            assertThat(ping.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ping.exitValue()).as(new String(ping.getInputStream().readAllBytes())).isZero();
        } finally {
            ping.destroyForcibly();
        }
    }

    /** Reads frames into {@code buf} until one matches, for up to five seconds; returns its length. */
    private static int awaitFrame(TapDevice tap, ByteBuffer buf, Predicate<ByteBuffer> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            tap.awaitReadable(100);
            buf.clear();
            int length = tap.read(buf);
            if (length > 0 && wanted.test(buf)) {
                return length;
            }
        }
        throw new AssertionError("no matching frame on " + tap.name() + " within five seconds");
    }

    /** A TCP segment with at least the given flags set. */
    private static boolean isTcp(ByteBuffer frame, int at, int flags) {
        return Frames.isIpv4(frame, at, PROTO_TCP) && (frame.get(at + L4 + 13) & flags) == flags;
    }

    private static int tcpPayload(ByteBuffer frame, int at) {
        int ipTotal = Short.toUnsignedInt(frame.getShort(at + ETH_LEN + 2));
        int tcpHeader = (frame.get(at + L4 + 12) & 0xf0) >> 2;
        return ipTotal - 20 - tcpHeader;
    }

    private static void fill(ByteBuffer buf, byte value) {
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, value);
        }
    }
}
