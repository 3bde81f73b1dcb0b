package io.trellis.dataplane.offload;

import io.trellis.ipvs.tun.Offloads;

/**
 * No kernel offloads: the TAP hands over complete, MTU-sized frames, each becomes one datagram
 * ({@link TcpSegmenter} copies it), and each received frame is written on its own — by a
 * {@link TcpCoalescer} with no flow slots, which still marks partial checksums NEEDS_CSUM.
 */
public final class NoOffload implements Offload {
    static final NoOffload INSTANCE = new NoOffload();

    private NoOffload() {
    }

    @Override
    public Offloads tapOffloads() {
        return Offloads.NONE;
    }

    @Override
    public boolean udpSegmentation() {
        return false;
    }

    @Override
    public boolean udpReceiveOffload() {
        return false;
    }

    @Override
    public TcpCoalescer newCoalescer(VnetFrameSink sink) {
        return new TcpCoalescer(0, sink);
    }

    @Override
    public String label() {
        return "none";
    }

    @Override
    public String toString() {
        return "NoOffload";
    }
}
