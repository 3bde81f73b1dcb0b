package io.trellis.ipvs.tun;

import static io.trellis.ipvs.tun.Frames.L4;
import static io.trellis.ipvs.tun.Frames.PROTO_ICMP;
import static io.trellis.ipvs.tun.TapNamespace.PEER_IP;
import static io.trellis.ipvs.tun.TapNamespace.PEER_MAC;
import static io.trellis.ipvs.tun.TapNamespace.TAP_IP;
import static io.trellis.ipvs.tun.TapNamespace.TAP_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import com.kenai.jffi.MemoryIO;
import io.trellis.ipvs.NativeException;
import io.trellis.testing.AllocationMeter;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The per-frame calls allocate nothing once warm. The kernel plays the peer: every ICMP echo
 * request written into the TAP comes back out of it as an echo reply.
 */
@Tag("netns")
class TapAllocationTest {

    private static final int BATCH = 4;
    private static final int FRAMES_PER_ROUND = 2 + BATCH;
    private static final int ROUNDS = 1_500;
    private static final int CAPACITY = 2048;
    private static final int HEADROOM = 64;

    private TapNamespace lab;
    private TapDevice tap;
    private final ByteBuffer request = ByteBuffer.allocateDirect(CAPACITY);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(CAPACITY);
    private final ByteBuffer[] batch = new ByteBuffer[BATCH];
    private final ByteBuffer[] replies = new ByteBuffer[BATCH];
    private final int[] offsets = new int[BATCH];
    private final int[] lengths = new int[BATCH];
    private final int[] sizes = new int[BATCH];
    private int requestLength;

    @BeforeEach
    void openTapOrSkip() throws Exception {
        lab = TapNamespace.createOrSkip();
        tap = lab.open(TapOptions.named("alloc0").withVnetHeader(Offloads.NONE).withNonBlocking());
        lab.configure("alloc0");
        lab.addPeerNeighbour("alloc0");
        VirtioNetHeader header = new VirtioNetHeader();
        int at = VirtioNetHeader.LENGTH;
        header.wrap(request, 0).clear();
        requestLength = at + Frames.putEcho(request, at, 8, Frames.mac(TAP_MAC), Frames.mac(PEER_MAC),
                Frames.ipv4(PEER_IP), Frames.ipv4(TAP_IP), 32);
        for (int i = 0; i < BATCH; i++) {
            batch[i] = ByteBuffer.allocateDirect(CAPACITY);
            batch[i].put(HEADROOM, request, 0, requestLength);
            offsets[i] = HEADROOM;
            lengths[i] = requestLength;
            replies[i] = ByteBuffer.allocateDirect(CAPACITY);
        }
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void steadyStateReadAndWriteAllocateNothing() throws Exception {
        AllocationMeter meter = new AllocationMeter();
        // Until the JIT settles, the first two passes allocate a few dozen bytes once; from the
        // third on this measured 0 bytes.
        for (int pass = 0; pass < 3; pass++) {
            assertThat(rounds(ROUNDS)).as("echo replies while warming up").isEqualTo(ROUNDS * FRAMES_PER_ROUND);
        }

        long before = meter.allocatedBytes();
        int echoed = rounds(ROUNDS);
        long allocated = meter.allocatedBytes() - before;

        assertThat(echoed).isEqualTo(ROUNDS * FRAMES_PER_ROUND);
        // Slack for a late JIT transition; one small object per round would be over 24 KB.
        assertThat(allocated).as("bytes allocated over %d frames", ROUNDS * FRAMES_PER_ROUND).isLessThan(1024);
    }

    /** Each round: one frame by ByteBuffer, one by address, a batch of four; returns replies seen. */
    private int rounds(int count) throws NativeException {
        long requestAddress = MemoryIO.getInstance().getDirectBufferAddress(request);
        long replyAddress = MemoryIO.getInstance().getDirectBufferAddress(reply);
        int echoed = 0;
        for (int round = 0; round < count; round++) {
            request.limit(requestLength).position(0);
            tap.write(request);
            echoed += awaitReply();
            tap.write(requestAddress, requestLength);
            echoed += awaitReplyAt(replyAddress);
            tap.writeBatch(batch, offsets, lengths, BATCH);
            echoed += awaitBatch();
        }
        return echoed;
    }

    private int awaitReply() throws NativeException {
        for (int attempt = 0; attempt < 100; attempt++) {
            tap.awaitReadable(100);
            reply.clear();
            if (tap.read(reply) > 0) {
                return isEchoReply(reply, VirtioNetHeader.LENGTH) ? 1 : 0;
            }
        }
        return 0;
    }

    private int awaitReplyAt(long address) throws NativeException {
        for (int attempt = 0; attempt < 100; attempt++) {
            tap.awaitReadable(100);
            if (tap.read(address, CAPACITY) > 0) {
                return isEchoReply(reply, VirtioNetHeader.LENGTH) ? 1 : 0;
            }
        }
        return 0;
    }

    private int awaitBatch() throws NativeException {
        int seen = 0;
        for (int attempt = 0; attempt < 100 && seen < BATCH; attempt++) {
            tap.awaitReadable(100);
            int read = tap.readBatch(replies, sizes, HEADROOM);
            for (int i = 0; i < read; i++) {
                seen += isEchoReply(replies[i], HEADROOM + VirtioNetHeader.LENGTH) ? 1 : 0;
            }
        }
        return seen;
    }

    private static boolean isEchoReply(ByteBuffer frame, int at) {
        return Frames.isIpv4(frame, at, PROTO_ICMP) && frame.get(at + L4) == 0;
    }
}
