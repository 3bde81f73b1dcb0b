package io.trellis.dataplane.offload;

import io.trellis.ipvs.tun.Offloads;

/**
 * Which offloads the data plane runs with, decided once at start-up (wireguard-go
 * {@code conn/gso_linux.go} vs {@code gso_default.go}): {@link LinuxOffload} asks the TAP for TSO
 * frames, cuts them into UDP GSO runs and coalesces received segments into GSO frames;
 * {@link NoOffload} moves one MTU-sized frame per datagram. Both open the TAP with a virtio-net
 * header, so partial checksums from a kernel peer are handled either way (docs/architecture.md,
 * "The checksum trap"). The I/O side asks this object what to configure and builds its
 * {@link TcpSegmenter} and {@link TcpCoalescer} through it, so no other code branches on the mode.
 */
public sealed interface Offload permits LinuxOffload, NoOffload {

    /**
     * {@link LinuxOffload} for {@link OffloadMode#AUTO} when the VTEP's transport can set
     * UDP_SEGMENT and UDP_GRO (Linux 5.0+ with Netty epoll, for example
     * {@code io.netty.channel.epoll.SegmentedDatagramPacket.isSupported()}), else {@link NoOffload}:
     * TSO reads without UDP GSO sends gain little: the syscall per datagram remains (docs/architecture.md,
     * "Why the offloads decide throughput").
     */
    static Offload select(OffloadMode mode, boolean udpOffloadsAvailable) {
        return mode == OffloadMode.AUTO && udpOffloadsAvailable ? LinuxOffload.INSTANCE : NoOffload.INSTANCE;
    }

    /** What to ask TUNSETOFFLOAD for ({@code TapOptions.withVnetHeader(tapOffloads())}). */
    Offloads tapOffloads();

    /** Whether the VTEP sends each {@link DatagramRun} with UDP_SEGMENT = its stride. */
    boolean udpSegmentation();

    /** Whether the VTEP sets UDP_GRO on its socket, receiving runs of datagrams per read. */
    boolean udpReceiveOffload();

    /**
     * The gso_max_segs to give the TAP so that one TSO frame is one UDP GSO send, or 0 to leave the
     * kernel's default. A 64 KB frame at MSS 1398 is 47 segments, 69 KB of VXLAN datagrams: over
     * the 64 KB a send may carry, so every frame took two sendmsg, the second with 3 datagrams. The
     * kernel's TCP sizes TSO frames to the device's gso_max_segs; capped at what one send carries at
     * the largest datagram (44 at 1472 bytes), a frame is one send.
     */
    default int tapGsoMaxSegments(int maxDatagramLength) {
        return udpSegmentation() ? DatagramRun.datagramsPerSend(maxDatagramLength) : 0;
    }

    /** A segmenter for one sending thread; see {@link TcpSegmenter#TcpSegmenter(int)}. */
    default TcpSegmenter newSegmenter(int maxDatagramLength) {
        return new TcpSegmenter(maxDatagramLength);
    }

    /** A coalescer for one receiving thread, writing to {@code sink}. */
    TcpCoalescer newCoalescer(VnetFrameSink sink);

    /** "linux" or "none", for the start-up log line and metrics. */
    String label();
}
