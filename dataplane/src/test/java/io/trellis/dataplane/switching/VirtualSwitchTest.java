package io.trellis.dataplane.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.testing.MemoryDatagramLink;
import io.trellis.dataplane.testing.MemoryFrameDevice;
import io.trellis.testing.AllocationMeter;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes, two networks, one memory underlay: forwarding, ARP proxy, isolation and every drop. */
class VirtualSwitchTest {
    static final int VTEP_A = Ipv4Address.parse("192.168.0.1");
    static final int VTEP_B = Ipv4Address.parse("192.168.0.2");
    static final OverlayNetwork N1 = new OverlayNetwork("n1", "front", 100, Ipv4Address.parse("10.0.0.0"), 24, 1450, false);
    static final OverlayNetwork N2 = new OverlayNetwork("n2", "back", 200, Ipv4Address.parse("10.0.1.0"), 24, 1450, false);
    static final long MAC_A1 = 0x02_42_0a_00_00_02L;
    static final long MAC_A2 = 0x02_42_0a_00_00_03L;
    static final long MAC_B1 = 0x02_42_0a_00_00_04L;
    static final long MAC_B2 = 0x02_42_0a_00_01_04L;
    static final int IP_A1 = Ipv4Address.parse("10.0.0.2");
    static final int IP_A2 = Ipv4Address.parse("10.0.0.3");
    static final int IP_B1 = Ipv4Address.parse("10.0.0.4");
    static final int IP_B2 = Ipv4Address.parse("10.0.1.4");

    final MemoryDatagramLink link = new MemoryDatagramLink();
    final VirtualSwitch a = new VirtualSwitch(link.sender(VTEP_A));
    final VirtualSwitch b = new VirtualSwitch(link.sender(VTEP_B));
    final VtepCounters vtepA = new VtepCounters();
    final VtepCounters vtepB = new VtepCounters();
    final NetworkCounters a1Counters = new NetworkCounters();
    final NetworkCounters b1Counters = new NetworkCounters();
    final NetworkCounters b2Counters = new NetworkCounters();
    final MemoryFrameDevice devA1 = new MemoryFrameDevice();
    final MemoryFrameDevice devA2 = new MemoryFrameDevice();
    final MemoryFrameDevice devB1 = new MemoryFrameDevice();
    final MemoryFrameDevice devB2 = new MemoryFrameDevice();
    final SwitchContext ctx = new SwitchContext();
    Port portA1;
    Port portA2;
    Port portB2;

    @BeforeEach
    void wire() {
        SwitchTables.Builder ta = SwitchTables.builder().network(N1, a1Counters).network(N2, new NetworkCounters());
        portA1 = ta.port("n1", MAC_A1, IP_A1, false, devA1);
        portA2 = ta.port("n1", MAC_A2, IP_A2, false, devA2);
        ta.remote(new EndpointInfo("b1", "n1", IP_B1, MAC_B1, VTEP_B));
        ta.remote(new EndpointInfo("b2", "n2", IP_B2, MAC_B2, VTEP_B));
        a.update(ta.build());
        SwitchTables.Builder tb = SwitchTables.builder().network(N1, b1Counters).network(N2, b2Counters);
        tb.port("n1", MAC_B1, IP_B1, false, devB1);
        portB2 = tb.port("n2", MAC_B2, IP_B2, false, devB2);
        tb.remote(new EndpointInfo("a1", "n1", IP_A1, MAC_A1, VTEP_A));
        tb.remote(new EndpointInfo("a2", "n1", IP_A2, MAC_A2, VTEP_A));
        b.update(tb.build());
        link.attach(VTEP_A, a, vtepA);
        link.attach(VTEP_B, b, vtepB);
    }

    @AfterEach
    void release() {
        ctx.close();
    }

    private void send(VirtualSwitch sw, int vni, Port port, ByteBuf frame) {
        try {
            sw.fromPort(ctx, vni, port, frame, Frames.OFFSET, Frames.length(frame));
        } finally {
            frame.release();
        }
    }

    private static byte[] bytes(ByteBuf frame) {
        byte[] out = new byte[Frames.length(frame)];
        frame.getBytes(Frames.OFFSET, out);
        return out;
    }

    @Test
    void forwardsBetweenLocalPortsUnchanged() {
        ByteBuf f = Frames.ipv4(MAC_A2, MAC_A1, IP_A1, IP_A2, 100, false);
        byte[] sent = bytes(f);
        send(a, 100, portA1, f);
        assertThat(devA2.frames()).singleElement().isEqualTo(sent);
        assertThat(a1Counters.toPortsPackets.sum()).isEqualTo(1);
        assertThat(a1Counters.toVtepPackets.sum()).isZero();
    }

    @Test
    void carriesFramesToTheRemoteNodeOverVxlan() {
        ByteBuf f = Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 1000, true);
        byte[] sent = bytes(f);
        send(a, 100, portA1, f);
        assertThat(devB1.frames()).singleElement().isEqualTo(sent);
        assertThat(a1Counters.toVtepPackets.sum()).isEqualTo(1);
        assertThat(b1Counters.fromVtepPackets.sum()).isEqualTo(1);
        assertThat(devA2.frames()).isEmpty();
    }

    @Test
    void answersArpFromTheTableWithoutFlooding() {
        send(a, 100, portA1, Frames.arpRequest(MAC_A1, IP_A1, IP_B1));
        byte[] reply = devA1.last();
        assertThat(reply).isNotNull();
        ByteBuf r = Unpooled.wrappedBuffer(reply);
        EthernetFlyweight eth = new EthernetFlyweight().wrap(r, 0, reply.length);
        assertThat(eth.destination()).isEqualTo(MAC_A1);
        assertThat(eth.source()).isEqualTo(MAC_B1);
        ArpFlyweight arp = new ArpFlyweight().wrap(r, 14, reply.length - 14);
        assertThat(arp.operation()).isEqualTo(2);
        assertThat(arp.senderHardwareAddress()).isEqualTo(MAC_B1);
        assertThat(arp.senderProtocolAddress()).isEqualTo(IP_B1);
        assertThat(arp.targetHardwareAddress()).isEqualTo(MAC_A1);
        assertThat(arp.targetProtocolAddress()).isEqualTo(IP_A1);
        assertThat(devB1.frames()).isEmpty();
        assertThat(a1Counters.toVtepPackets.sum()).isZero();

        send(a, 100, portA1, Frames.arpRequest(MAC_A1, IP_A1, Ipv4Address.parse("10.0.0.99")));
        assertThat(a1Counters.drops(DropReason.ARP_UNKNOWN_TARGET)).isEqualTo(1);
    }

    @Test
    void dropsAndCountsWhatItCannotDeliver() {
        send(a, 100, portA1, Frames.ipv4(0x02_00_00_00_00_99L, MAC_A1, IP_A1, IP_A2, 10, false));
        send(a, 100, portA1, Frames.ipv4(0xFFFF_FFFF_FFFFL, MAC_A1, IP_A1, IP_A2, 10, false));
        send(a, 100, portA1, Frames.ipv4(MAC_A2, MAC_B1, IP_A1, IP_A2, 10, false)); // spoofed source
        ByteBuf runt = Unpooled.directBuffer(Frames.OFFSET + 10).writerIndex(Frames.OFFSET + 10);
        send(a, 100, portA1, runt);
        assertThat(a1Counters.drops(DropReason.UNKNOWN_DESTINATION)).isEqualTo(1);
        assertThat(a1Counters.drops(DropReason.BROADCAST)).isEqualTo(1);
        assertThat(a1Counters.drops(DropReason.UNKNOWN_SOURCE)).isEqualTo(1);
        assertThat(a1Counters.drops(DropReason.MALFORMED)).isEqualTo(1);
        assertThat(devA2.frames()).isEmpty();
        assertThat(devB1.frames()).isEmpty();
    }

    @Test
    void dropsGarbageAndUnknownVnisFromTheUnderlay() {
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        b.fromVtep(ctx, VTEP_A, garbage, 0, 3, vtepB);
        ByteBuf unknownVni = Unpooled.wrappedBuffer(new byte[] {0x08, 0, 0, 0, 0, 0, 0x7B, 0, 0, 0, 0, 0, 0, 0});
        b.fromVtep(ctx, VTEP_A, unknownVni, 0, unknownVni.readableBytes(), vtepB);
        assertThat(vtepB.malformed.sum()).isEqualTo(1);
        assertThat(vtepB.unknownVni.sum()).isEqualTo(1);
    }

    @Test
    void keepsNetworksApart() {
        // From network 200 toward a MAC that only exists in network 100: never delivered.
        send(b, 200, portB2, Frames.ipv4(MAC_A1, MAC_B2, IP_B2, IP_A1, 10, false));
        assertThat(devA1.frames()).isEmpty();
        assertThat(b2Counters.drops(DropReason.UNKNOWN_DESTINATION)).isEqualTo(1);
        // A forged VXLAN packet for VNI 200 carrying an n1 frame: dropped at the far end.
        send(a, 100, portA1, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 10, false));
        assertThat(devB1.frames()).hasSize(1);
        assertThat(devB2.frames()).isEmpty();
    }

    @Test
    void sendsFragmentationNeededForOversizedDontFragmentFrames() {
        send(a, 100, portA1, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 1500, true));
        assertThat(a1Counters.drops(DropReason.OVERSIZE)).isEqualTo(1);
        byte[] icmp = devA1.last();
        assertThat(icmp).isNotNull();
        assertThat(Frames.isIcmp(icmp)).isTrue();
        ByteBuf r = Unpooled.wrappedBuffer(icmp);
        IcmpFlyweight f = new IcmpFlyweight().wrap(r, 34, icmp.length - 34);
        assertThat(f.type()).isEqualTo(3);
        assertThat(f.code()).isEqualTo(4);
        assertThat(f.nextHopMtu()).isEqualTo(1450);
        assertThat(devB1.frames()).isEmpty();

        devA1.clear();
        send(a, 100, portA1, Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 1500, false));
        assertThat(a1Counters.drops(DropReason.OVERSIZE)).isEqualTo(2);
        assertThat(devA1.frames()).isEmpty();
    }

    @Test
    void forwardingAllocatesNothing() {
        long[] sink = new long[1];
        SwitchTables.Builder t = SwitchTables.builder().network(N1, new NetworkCounters());
        Port from = t.port("n1", MAC_A1, IP_A1, false, (buf, off, len) -> true);
        t.port("n1", MAC_A2, IP_A2, false, (buf, off, len) -> {
            sink[0] += len;
            return true;
        });
        t.remote(new EndpointInfo("b1", "n1", IP_B1, MAC_B1, VTEP_B));
        VirtualSwitch sw = new VirtualSwitch((buf, off, len, remote) -> {
            sink[0] += len;
            return true;
        });
        sw.update(t.build());
        ByteBuf local = Frames.ipv4(MAC_A2, MAC_A1, IP_A1, IP_A2, 1000, false);
        ByteBuf remote = Frames.ipv4(MAC_B1, MAC_A1, IP_A1, IP_B1, 1000, false);
        AllocationMeter meter = new AllocationMeter();
        long[] perRound = new long[5];
        for (int round = 0; round < perRound.length; round++) {
            long before = meter.allocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                sw.fromPort(ctx, 100, from, local, Frames.OFFSET, Frames.length(local));
                sw.fromPort(ctx, 100, from, remote, Frames.OFFSET, Frames.length(remote));
            }
            perRound[round] = meter.allocatedBytes() - before;
        }
        local.release();
        remote.release();
        assertThat(sink[0]).isPositive();
        // The first rounds warm the JIT up; after that 100k forwarded frames must allocate (almost) nothing.
        assertThat(perRound[perRound.length - 1]).as(Arrays.toString(perRound)).isLessThan(1024);
    }
}
