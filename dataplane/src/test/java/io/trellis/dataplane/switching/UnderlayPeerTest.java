package io.trellis.dataplane.switching;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.testing.MemoryDatagramLink;
import io.trellis.dataplane.testing.MemoryFrameDevice;
import io.trellis.vxlan.ipv4.Ipv4Address;
import io.trellis.vxlan.vxlan.VxlanEncoder;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plain VXLAN is accepted only from peers: the VTEPs the control plane placed remote endpoints on
 * (per network), or the tunnel's remote. Node B has endpoint b1 on network 100 and b2 on 200; A hosts
 * a1 on 100, C hosts c2 on 200; an attacker on the underlay (X) is nobody's peer.
 */
class UnderlayPeerTest {
    static final int VTEP_A = Ipv4Address.parse("192.168.0.1");
    static final int VTEP_B = Ipv4Address.parse("192.168.0.2");
    static final int VTEP_C = Ipv4Address.parse("192.168.0.3");
    static final int ATTACKER = Ipv4Address.parse("192.168.0.66");
    static final OverlayNetwork N1 = new OverlayNetwork("n1", "front", 100, Ipv4Address.parse("10.0.0.0"), 24, 1450, false);
    static final OverlayNetwork N2 = new OverlayNetwork("n2", "back", 200, Ipv4Address.parse("10.0.1.0"), 24, 1450, false);
    static final long MAC_A1 = 0x02_42_0a_00_00_02L;
    static final long MAC_B1 = 0x02_42_0a_00_00_04L;
    static final long MAC_B2 = 0x02_42_0a_00_01_04L;
    static final long MAC_C2 = 0x02_42_0a_00_01_05L;
    static final long MAC_C1 = 0x02_42_0a_00_00_05L;
    static final int IP_A1 = Ipv4Address.parse("10.0.0.2");
    static final int IP_B1 = Ipv4Address.parse("10.0.0.4");
    static final int IP_C1 = Ipv4Address.parse("10.0.0.5");
    static final int IP_B2 = Ipv4Address.parse("10.0.1.4");
    static final int IP_C2 = Ipv4Address.parse("10.0.1.5");

    final MemoryDatagramLink link = new MemoryDatagramLink();
    final VirtualSwitch b = new VirtualSwitch(link.sender(VTEP_B));
    final VtepCounters vtepB = new VtepCounters();
    final NetworkCounters b1Counters = new NetworkCounters();
    final NetworkCounters b2Counters = new NetworkCounters();
    final MemoryFrameDevice devB1 = new MemoryFrameDevice();
    final MemoryFrameDevice devB2 = new MemoryFrameDevice();
    final SwitchContext ctx = new SwitchContext();

    @BeforeEach
    void wire() {
        SwitchTables.Builder t = SwitchTables.builder().network(N1, b1Counters).network(N2, b2Counters);
        t.port("n1", MAC_B1, IP_B1, false, devB1);
        t.port("n2", MAC_B2, IP_B2, false, devB2);
        t.remote(new EndpointInfo("a1", "n1", IP_A1, MAC_A1, VTEP_A));
        t.remote(new EndpointInfo("c2", "n2", IP_C2, MAC_C2, VTEP_C));
        b.update(t.build());
        link.attach(VTEP_B, b, vtepB);
    }

    @AfterEach
    void release() {
        ctx.close();
    }

    /** Sends {@code frame} in VXLAN with {@code vni} from underlay address {@code from} to B. */
    private void vxlan(int from, int vni, ByteBuf frame) {
        try {
            VxlanEncoder.write(frame, 0, vni);
            link.sender(from).send(frame, 0, frame.writerIndex(), VTEP_B);
        } finally {
            frame.release();
        }
    }

    @Test
    void aSpoofedUnderlaySourceIsDroppedAsUnknownPeerAndTheRealPeerIsDelivered() {
        // The very frame a1 would send, but from an address that is no VTEP of this node's networks.
        vxlan(ATTACKER, 100, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 100, false));
        assertThat(devB1.frames()).isEmpty();
        assertThat(vtepB.unknownPeer.sum()).isEqualTo(1);
        // Counted per VTEP only: the attacker picked the VNI, so no network is charged or credited.
        assertThat(b1Counters.fromVtepPackets.sum()).isZero();
        assertThat(Arrays.stream(DropReason.values()).mapToLong(b1Counters::drops).sum()).isZero();
        assertThat(vtepB.unknownVni.sum() + vtepB.malformed.sum()).isZero();

        vxlan(VTEP_A, 100, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 100, false));
        assertThat(devB1.frames()).hasSize(1);
        assertThat(b1Counters.toPortsPackets.sum()).isEqualTo(1);
        assertThat(vtepB.unknownPeer.sum()).isEqualTo(1);
    }

    @Test
    void anUnknownPeerIsDroppedBeforeItsHeaderIsRead() {
        // Garbage and an unknown VNI from a stranger are not malformed/unknown_vni: they are unknown_peer.
        link.sender(ATTACKER).send(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 0, 3, VTEP_B);
        vxlan(ATTACKER, 0x7B, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 10, false));
        assertThat(vtepB.unknownPeer.sum()).isEqualTo(2);
        assertThat(vtepB.malformed.sum() + vtepB.unknownVni.sum()).isZero();
    }

    @Test
    void aPeerOfOneNetworkCannotInjectIntoAnotherOne() {
        // C hosts an endpoint of network 200 only: a frame it sends on VNI 100 is refused there.
        vxlan(VTEP_C, 100, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 10, false));
        assertThat(devB1.frames()).isEmpty();
        assertThat(b1Counters.drops(DropReason.UNKNOWN_PEER)).isEqualTo(1);
        assertThat(b1Counters.fromVtepPackets.sum()).isZero();
        assertThat(vtepB.unknownPeer.sum()).isZero();
        // On its own network it is delivered.
        vxlan(VTEP_C, 200, Frames.ipv4(MAC_B2, MAC_C2, IP_C2, IP_B2, 10, false));
        assertThat(devB2.frames()).hasSize(1);
        assertThat(b2Counters.drops(DropReason.UNKNOWN_PEER)).isZero();
    }

    @Test
    void aPeerCannotSendAsAnEndpointHostedOnAnotherVtep() {
        SwitchTables.Builder t = SwitchTables.builder().network(N1, b1Counters);
        t.port("n1", MAC_B1, IP_B1, false, devB1);
        t.remote(new EndpointInfo("a1", "n1", IP_A1, MAC_A1, VTEP_A));
        t.remote(new EndpointInfo("c1", "n1", IP_C1, MAC_C1, VTEP_C));
        b.update(t.build());
        // A is a peer of network 100, but c1 lives on C.
        vxlan(VTEP_A, 100, Frames.ipv4(MAC_B1, MAC_C1, IP_C1, IP_B1, 10, false));
        assertThat(devB1.frames()).isEmpty();
        assertThat(b1Counters.drops(DropReason.UNKNOWN_SOURCE)).isEqualTo(1);
        vxlan(VTEP_C, 100, Frames.ipv4(MAC_B1, MAC_C1, IP_C1, IP_B1, 10, false));
        assertThat(devB1.frames()).hasSize(1);
    }

    @Test
    void thePeerSetChangesWithTheTables() {
        vxlan(VTEP_A, 100, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 10, false));
        assertThat(devB1.frames()).hasSize(1);
        // a1 is gone (its task moved or stopped): A is no longer anybody's peer here.
        SwitchTables.Builder t = SwitchTables.builder().network(N1, b1Counters).network(N2, b2Counters);
        t.port("n1", MAC_B1, IP_B1, false, devB1);
        t.remote(new EndpointInfo("c2", "n2", IP_C2, MAC_C2, VTEP_C));
        b.update(t.build());
        assertThat(b.tables().isPeer(VTEP_A)).isFalse();
        assertThat(b.tables().isPeer(VTEP_C)).isTrue();
        vxlan(VTEP_A, 100, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 10, false));
        assertThat(devB1.frames()).hasSize(1);
        assertThat(vtepB.unknownPeer.sum()).isEqualTo(1);
    }

    @Test
    void aTunnelAcceptsOnlyItsRemote() {
        NetworkCounters tunnel = new NetworkCounters();
        MemoryFrameDevice tap = new MemoryFrameDevice();
        SwitchTables.Builder t = SwitchTables.builder().network(N1, tunnel);
        t.port("n1", 0, 0, true, tap);
        t.floodTo("n1", VTEP_A);
        b.update(t.build());
        // A kernel peer floods and learns: any inner frame goes to the trunk, from the remote only.
        vxlan(ATTACKER, 100, Frames.ipv4(0xFFFF_FFFF_FFFFL, 0x02_00_00_00_00_66L, IP_C1, IP_B1, 10, false));
        assertThat(tap.frames()).isEmpty();
        assertThat(vtepB.unknownPeer.sum()).isEqualTo(1);
        vxlan(VTEP_A, 100, Frames.ipv4(0xFFFF_FFFF_FFFFL, 0x02_00_00_00_00_66L, IP_C1, IP_B1, 10, false));
        assertThat(tap.frames()).hasSize(1);
        assertThat(tunnel.toPortsPackets.sum()).isEqualTo(1);
    }

    @Test
    void thePeerChecksAllocateNothing() {
        long[] sink = new long[1];
        SwitchTables.Builder t = SwitchTables.builder().network(N1, new NetworkCounters()).network(N2, new NetworkCounters());
        t.port("n1", MAC_B1, IP_B1, false, (buf, off, len) -> {
            sink[0] += len;
            return true;
        });
        t.remote(new EndpointInfo("a1", "n1", IP_A1, MAC_A1, VTEP_A));
        t.remote(new EndpointInfo("c2", "n2", IP_C2, MAC_C2, VTEP_C));
        VirtualSwitch sw = new VirtualSwitch((buf, off, len, remote) -> true);
        sw.update(t.build());
        VtepCounters vc = new VtepCounters();
        ByteBuf frame = Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 1000, false);
        VxlanEncoder.write(frame, 0, 100);
        int length = frame.writerIndex();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] perRound = new long[5];
        for (int round = 0; round < perRound.length; round++) {
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 50_000; i++) {
                sw.fromVtep(ctx, VTEP_A, frame, 0, length, vc);   // delivered
                sw.fromVtep(ctx, ATTACKER, frame, 0, length, vc); // unknown peer
                sw.fromVtep(ctx, VTEP_C, frame, 0, length, vc);   // peer of another network
            }
            perRound[round] = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
        frame.release();
        assertThat(sink[0]).isPositive();
        assertThat(vc.unknownPeer.sum()).isEqualTo(perRound.length * 50_000L);
        assertThat(perRound[perRound.length - 1]).as(Arrays.toString(perRound)).isLessThan(1024);
    }
}
