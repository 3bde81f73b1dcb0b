package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * Where {@link TcpSegmenter} put its VXLAN datagrams: {@link #count()} of them back to back from
 * {@link #offset()} in {@link #buffer()}, each {@link #stride()} bytes long except the last, which
 * is {@link #lastLength()} bytes. That is exactly the layout a UDP GSO send takes (socket option
 * {@code UDP_SEGMENT}, Linux 4.18+, or a {@code SegmentedDatagramPacket} in Netty): with
 * {@code UDP_SEGMENT} = {@link #stride()} the kernel cuts the buffer into datagrams of that size,
 * the last one shorter.
 *
 * <p>One send cannot always take a whole run: the kernel refuses more than
 * {@link #MAX_SEGMENTS_PER_SEND} segments ({@code udp_send_skb}: EINVAL) and more than
 * {@link #MAX_SEND_BYTES} bytes ({@code __ip_append_data}: EMSGSIZE). A 64 KB TSO frame with MSS
 * 1398 becomes 47 datagrams of 1472 bytes, 69 KB, so it needs two sends: iterate
 * {@code 0 <= s < sendCount()} and send {@link #sendLength(int)} bytes from
 * {@link #sendOffset(int)}, each with {@code UDP_SEGMENT = stride()}.
 *
 * <p>A mutable result, reused by the caller for every frame; filled only when the segmenter
 * returns {@link SegmentRejection#NONE}.
 */
public final class DatagramRun {
    /** include/linux/udp.h UDP_MAX_SEGMENTS: 64 (raised to 128 only in recent kernels). */
    public static final int MAX_SEGMENTS_PER_SEND = 64;
    /** Largest UDP payload of one send: IP_MAX_MTU 65,535 − 20 (IPv4 header) − 8 (UDP header). */
    public static final int MAX_SEND_BYTES = 65_507;

    private ByteBuf buffer;
    private int offset;
    private int count;
    private int stride;
    private int lastLength;

    void set(ByteBuf buffer, int offset, int count, int stride, int lastLength) {
        this.buffer = buffer;
        this.offset = offset;
        this.count = count;
        this.stride = stride;
        this.lastLength = lastLength;
    }

    /** The caller's output buffer the datagrams are in. */
    public ByteBuf buffer() {
        return buffer;
    }

    /** Index of the first datagram's VXLAN header in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Number of datagrams (TCP segments), at least 1. */
    public int count() {
        return count;
    }

    /** Bytes from one datagram to the next: 8 (VXLAN) + headers + gso_size; the UDP_SEGMENT value. */
    public int stride() {
        return stride;
    }

    /** Length of the last datagram, 1 to {@link #stride()} bytes. */
    public int lastLength() {
        return lastLength;
    }

    /** Bytes of all datagrams together. */
    public int length() {
        return (count - 1) * stride + lastLength;
    }

    public int datagramOffset(int i) {
        return offset + i * stride;
    }

    public int datagramLength(int i) {
        return i == count - 1 ? lastLength : stride;
    }

    /** How many datagrams one UDP GSO send may carry at this stride. */
    public int datagramsPerSend() {
        return datagramsPerSend(stride);
    }

    /** How many datagrams of {@code stride} bytes one UDP GSO send may carry (also for a {@link GatherRun}). */
    static int datagramsPerSend(int stride) {
        return Math.max(1, Math.min(MAX_SEGMENTS_PER_SEND, MAX_SEND_BYTES / stride));
    }

    /** Number of sends the run needs (1 for most frames, 2 for a full 64 KB TSO frame at MSS 1398). */
    public int sendCount() {
        int perSend = datagramsPerSend();
        return (count + perSend - 1) / perSend;
    }

    /** Index in {@link #buffer()} of send {@code s}'s first datagram. */
    public int sendOffset(int s) {
        return datagramOffset(s * datagramsPerSend());
    }

    /** Bytes of send {@code s}: whole strides, the run's last datagram possibly shorter. */
    public int sendLength(int s) {
        int first = s * datagramsPerSend();
        int n = Math.min(datagramsPerSend(), count - first);
        return (n - 1) * stride + datagramLength(first + n - 1);
    }
}
