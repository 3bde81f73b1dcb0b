package io.trellis.dataplane.offload;

import io.trellis.ipvs.tun.Offloads;

/**
 * The fast path (docs/architecture.md, "Why the offloads decide throughput"): the TAP hands over TCP frames of up to 64 KB with a
 * partial checksum (CSUM, TSO4, TSO6, and TSO_ECN since {@link TcpSegmenter} keeps CWR on the first
 * segment only, as the kernel does), the VTEP sends them as UDP GSO runs and reads with UDP_GRO,
 * and received segments are merged into GSO frames. USO is not asked for: {@link TcpSegmenter} cuts
 * TCP only, so UDP from containers keeps arriving segmented.
 */
public final class LinuxOffload implements Offload {
    static final LinuxOffload INSTANCE = new LinuxOffload();
    private static final Offloads TAP = Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.TSO6).plus(Offloads.TSO_ECN);

    private LinuxOffload() {
    }

    @Override
    public Offloads tapOffloads() {
        return TAP;
    }

    @Override
    public boolean udpSegmentation() {
        return true;
    }

    @Override
    public boolean udpReceiveOffload() {
        return true;
    }

    @Override
    public TcpCoalescer newCoalescer(VnetFrameSink sink) {
        return new TcpCoalescer(TcpCoalescer.FLOW_SLOTS_DEFAULT, sink);
    }

    @Override
    public String label() {
        return "linux";
    }

    @Override
    public String toString() {
        return "LinuxOffload[tap " + TAP + ", UDP GSO, UDP GRO, " + TcpCoalescer.FLOW_SLOTS_DEFAULT + " flow slots]";
    }
}
