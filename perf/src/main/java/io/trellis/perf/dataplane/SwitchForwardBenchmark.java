package io.trellis.perf.dataplane;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.switching.FrameSink;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.SwitchTables;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.dataplane.switching.VtepSink;
import io.trellis.perf.vxlan.Packets;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.packet.VxlanPacketDecoder;
import io.trellis.vxlan.ipv4.Ipv4Address;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One 1400-byte Ethernet/IPv4/TCP frame through {@link VirtualSwitch}, as one packet thread sees it:
 * <ul>
 *   <li>{@link #portToRemoteVtep}: full decode of the frame read from a task's port, switch by
 *       destination MAC, VXLAN header written in place, handed to the VTEP sink;</li>
 *   <li>{@link #vtepToLocalPort}: full decode of a VXLAN datagram from the remote VTEP, source and
 *       destination checked against the control plane's table, handed to the local port;</li>
 *   <li>{@link #tunnelTapToVtep}: the {@code trellis vxlan-tunnel} path (trunk port, everything to
 *       the one peer), no decode — the Java work per frame that bench-overlay.sh measures end to end.</li>
 * </ul>
 * The sinks only count, so the score is the switch's own cost; they allocate nothing, and the whole
 * path must show 0 B/op under {@code -prof gc}. Setup forwards one frame each way and fails if the
 * switch dropped it, so a broken table can never be measured as a fast one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SwitchForwardBenchmark {
    static final int FRAME_LENGTH = 1400;
    static final int VNI = 100;
    static final int VTEP_B = Ipv4Address.parse("192.0.2.2");
    static final OverlayNetwork NETWORK =
            new OverlayNetwork("n1", "front", VNI, Ipv4Address.parse("10.0.0.0"), 24, 1450, false);
    static final long MAC_A1 = 0x02_42_0a_00_00_02L;
    static final long MAC_B1 = 0x02_42_0a_00_00_04L;
    static final int IP_A1 = Ipv4Address.parse("10.0.0.2");
    static final int IP_B1 = Ipv4Address.parse("10.0.0.4");
    /** Frames start here, leaving room for the VXLAN header the switch writes in place. */
    static final int OFFSET = VirtualSwitch.HEADROOM;

    /** Counts what the switch hands to the VTEP; reads the VNI word back so the write is observed. */
    static final class CountingVtepSink implements VtepSink {
        long packets;
        long bytes;
        int lastVniWord;

        @Override
        public boolean send(ByteBuf buf, int offset, int length, int remoteVtep) {
            packets++;
            bytes += length;
            lastVniWord = buf.getInt(offset + VxlanFlyweight.VNI_OFFSET);
            return true;
        }
    }

    /** Counts what the switch hands to a local port. */
    static final class CountingFrameSink implements FrameSink {
        long packets;
        long bytes;

        @Override
        public boolean send(ByteBuf buf, int offset, int length) {
            packets++;
            bytes += length;
            return true;
        }
    }

    private final VxlanPacketDecoder decoder = new VxlanPacketDecoder();
    private final CountingVtepSink vtepSink = new CountingVtepSink();
    private final CountingFrameSink portSink = new CountingFrameSink();
    private final CountingVtepSink tunnelVtepSink = new CountingVtepSink();
    private final VtepCounters vtepCounters = new VtepCounters();
    private final NetworkCounters counters = new NetworkCounters();
    private SwitchContext ctx;
    private VirtualSwitch overlay;
    private VirtualSwitch tunnel;
    private Port portA1;
    private Port trunk;
    private ByteBuf toRemote;
    private ByteBuf fromRemote;
    private int fromRemoteLength;

    @Setup
    public void setUp() {
        ctx = new SwitchContext();
        // Node A of VirtualSwitchTest's two-node wiring: endpoint a1 here, b1 behind VTEP B.
        overlay = new VirtualSwitch(vtepSink);
        SwitchTables.Builder t = SwitchTables.builder().network(NETWORK, counters);
        portA1 = t.port("n1", MAC_A1, IP_A1, false, portSink);
        t.remote(new EndpointInfo("b1", "n1", IP_B1, MAC_B1, VTEP_B));
        overlay.update(t.build());

        // PointToPointTunnel's wiring: one trunk port, everything else to the peer.
        tunnel = new VirtualSwitch(tunnelVtepSink);
        SwitchTables.Builder p = SwitchTables.builder().network(NETWORK, new NetworkCounters());
        trunk = p.port("n1", 0, 0, true, (buf, off, len) -> true);
        p.floodTo("n1", VTEP_B);
        tunnel.update(p.build());

        toRemote = Packets.direct(OFFSET + FRAME_LENGTH);
        Packets.writeTcpFrame(toRemote, OFFSET, FRAME_LENGTH, MAC_B1, MAC_A1, IP_A1, IP_B1);
        fromRemote = Packets.vxlanDatagram(VNI, FRAME_LENGTH, MAC_A1, MAC_B1, IP_B1, IP_A1);
        fromRemoteLength = fromRemote.capacity();

        portToRemoteVtep();
        vtepToLocalPort();
        tunnelTapToVtep();
        if (vtepSink.packets != 1 || portSink.packets != 1 || tunnelVtepSink.packets != 1) {
            throw new IllegalStateException("the switch dropped a benchmark frame: to VTEP " + vtepSink.packets
                    + ", to port " + portSink.packets + ", tunnel to VTEP " + tunnelVtepSink.packets);
        }
    }

    @TearDown
    public void tearDown() {
        ctx.close();
    }

    @Benchmark
    public long portToRemoteVtep() {
        if (decoder.decodeInnerFrame(toRemote, OFFSET, FRAME_LENGTH) != Malformed.NONE) {
            throw new IllegalStateException("frame did not decode: " + decoder.failedLayer());
        }
        overlay.fromPort(ctx, VNI, portA1, toRemote, OFFSET, FRAME_LENGTH);
        return vtepSink.bytes;
    }

    @Benchmark
    public long vtepToLocalPort() {
        if (decoder.decodeDatagram(fromRemote, 0, fromRemoteLength) != Malformed.NONE) {
            throw new IllegalStateException("datagram did not decode: " + decoder.failedLayer());
        }
        overlay.fromVtep(ctx, fromRemote, 0, fromRemoteLength, vtepCounters);
        return portSink.bytes;
    }

    @Benchmark
    public long tunnelTapToVtep() {
        tunnel.fromPort(ctx, VNI, trunk, toRemote, OFFSET, FRAME_LENGTH);
        return tunnelVtepSink.bytes;
    }
}
